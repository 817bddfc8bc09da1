package main

// The terminal: which one the wizard draws on, whether a stream is one,
// and whether its background is dark, decided without asking it.

import (
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"
)

// screenOut is where the wizard draws: stdout when it is a terminal; else
// stderr when that is one, so that "ucx-onboard --demo > summary.txt" draws
// on the terminal and leaves only the summary in the file (as gh and fzf
// do); else stdout (the accessible flow writing to a pipe or a file).
func screenOut(e env) io.Writer {
	if !isTerminal(e.stdout) && isTerminal(e.stderr) {
		return unredacted(e.stderr).(io.Writer) // the wizard redacts what it draws
	}
	return e.stdout
}

// darkBackground tells whether the terminal's background is dark from
// COLORFGBG ("fg;bg" or "fg;other;bg", ANSI colour numbers: 7 and 9-15
// are light), as rxvt, Konsole and others set it; without it, dark, as
// most terminals are by default. The terminal is not asked (OSC 11):
// many answer at once, but some SSH clients and consoles never do, and
// termenv waits 5 s for them; an answer that comes late would be read as
// typed keys. Only the accent colours depend on it: the QR code brings
// its own black and white.
func darkBackground(getenv func(string) string) bool {
	v := getenv("COLORFGBG")
	if v == "" {
		return true
	}
	fields := strings.Split(v, ";")
	bg, err := strconv.Atoi(fields[len(fields)-1])
	if err != nil || bg < 0 || bg > 15 {
		return true
	}
	return bg != 7 && bg < 9
}

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	f, ok := unredacted(w).(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
