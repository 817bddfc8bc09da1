//go:build !windows

package main

import (
	"strings"
	"testing"
	"time"
)

// TestAccessibleCtrlCAsks: in the built program on a real terminal (where
// Ctrl-C is a signal, the terminal not being in raw mode), --accessible
// takes Ctrl-C as the full-screen wizard takes the key: the quit question
// inside the customer form, n to stay with the answers given kept, and
// after the customer's data, y quits with the progress kept and the resume
// hint (exit 130). Before, Ctrl-C ended the run at once: "stopped", no
// question, no draft.
func TestAccessibleCtrlCAsks(t *testing.T) {
	term := startTerminal(t, 100, 30, nil, "--demo", "--accessible")
	term.WaitFor(20*time.Second, "Company [Demo Customer Ltd]")
	term.Type("Acme Ctrl" + keyEnter)
	term.WaitFor(10*time.Second, "Customer's Full Admin email")
	term.Type(keyCtrlC)
	term.WaitFor(10*time.Second, "what is in the form will be lost.", "Quit? Type y to quit, or n to stay:")
	term.Type("n" + keyEnter)
	term.WaitFor(10*time.Second, "Company [Acme Ctrl]")
	term.Type(strings.Repeat(keyEnter, 6))
	term.WaitFor(10*time.Second, "Authorize all of them?")
	term.Type("y" + keyEnter)
	term.WaitFor(10*time.Second, "Waiting for approval")
	term.Type(keyCtrlC)
	term.WaitFor(10*time.Second, "Your progress is kept as a draft", "Quit? Type y to quit, or n to stay:")
	term.Type("y" + keyEnter)
	if code := term.Wait(20 * time.Second); code != 130 {
		t.Fatalf("exit %d, want 130; screen:\n%s", code, term.Screen())
	}
	screen := term.Screen()
	for _, want := range []string{"ucx-onboard: stopped", "the progress is kept as draft", "hint: resume it"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the screen lacks %q:\n%s", want, screen)
		}
	}
}
