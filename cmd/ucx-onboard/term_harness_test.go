//go:build !windows

package main

import (
	"testing"
	"time"
)

// TestTerminalHarness checks the pty+emulator harness itself on plain
// output, so an e2e failure points at the wizard rather than the harness.
func TestTerminalHarness(t *testing.T) {
	term := startTerminal(t, 80, 50, nil, "--help")
	screen := term.WaitFor(20*time.Second, "Commands:", "--demo")
	if code := term.Wait(10 * time.Second); code != 0 {
		t.Fatalf("--help exited %d; screen:\n%s", code, screen)
	}
}
