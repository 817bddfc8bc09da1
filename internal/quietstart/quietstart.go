// Package quietstart keeps Bubble Tea v1 from asking the terminal for its
// background colour while the program's packages are initialised.
//
// Bubble Tea v1.3's package init (tea_init.go) calls
// lipgloss.HasDarkBackground(), which writes an OSC 11 query to stdout and
// waits up to termenv.OSCTimeout (5 s, a constant) for the answer: every
// start of the program stalls 5 s on a terminal that never answers (some
// SSH clients and consoles), and on one that answers late the answer lands
// in the program's input. termenv skips the query when TERM is "dumb", so
// this package sets TERM to "dumb" in its init and Restore puts it back.
//
// Its init must run before termenv's: the Go specification initialises,
// among the packages whose imports are initialised, the first by import
// path. This package imports only os, and
// "github.com/imagicle/ucx-onboard/internal/quietstart" sorts before
// "github.com/muesli/termenv", which imports os too; Bubble Tea and Lip
// Gloss import termenv. cmd/ucx-onboard's TestStartNeverQueriesTerminal
// fails if that ever stops holding.
//
// Only main imports it, and main calls Restore first; the program then
// decides the background without asking the terminal.
package quietstart

import "os"

var (
	term, hadTerm = os.LookupEnv("TERM")
	restored      bool
)

func init() {
	os.Setenv("TERM", "dumb")
}

// Restore gives TERM its value from before init (unset if it was).
// Calls after the first do nothing.
func Restore() {
	if restored {
		return
	}
	restored = true
	if hadTerm {
		os.Setenv("TERM", term)
	} else {
		os.Unsetenv("TERM")
	}
}
