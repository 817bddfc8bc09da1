//go:build unix

package main

import (
	"os/exec"
	"testing"
)

// TestQuotePOSIXRoundTrip: sh reads the arguments quoted for it as the
// arguments themselves.
func TestQuotePOSIXRoundTrip(t *testing.T) {
	line := "printf '%s\\0'"
	var want string
	for _, c := range quoteCases {
		line += " " + quoteArg(c.in, posixShell)
		want += c.in + "\x00"
	}
	out, err := exec.Command("sh", "-c", line).Output()
	if err != nil || string(out) != want {
		t.Errorf("sh ran\n%s\nand printed %q (%v), want %q", line, out, err, want)
	}
}
