package tui

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// FuzzCleanLeavesNoEscapes: wizard.Clean, which every server string
// passes before it is rendered, leaves nothing a terminal parser would
// take for an escape sequence (the core cannot use ansi.Strip itself: it
// imports nothing of charmbracelet).
func FuzzCleanLeavesNoEscapes(f *testing.F) {
	for _, s := range []string{
		"\x1b[31mred\x1b[0m", "a\x9b31mb", "\x1b]8;;https://x.example\x07link\x1b]8;;\x07", "plain",
		"é\u200b\u202e", "\x1bP..\x1b\\", "\xc2\x9b1m", "a\x1b]52;c;ZXZpbA==\x07b\x1b[31mc\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if c := wizard.Clean(s); ansi.Strip(c) != c {
			t.Errorf("Clean(%q) = %q, which an ANSI parser strips to %q", s, c, ansi.Strip(c))
		}
	})
}
