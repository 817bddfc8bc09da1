//go:build !windows

package main

// End-to-end tests of the command line around the wizard: where the screen
// and the summary go, and the command printed to resume a draft.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestE2EStdoutRedirected: with stdout redirected to a file the wizard
// still draws on the terminal (stderr), and the file receives the summary
// alone: bundle, SHA-256, receipt, no escape code, no token.
func TestE2EStdoutRedirected(t *testing.T) {
	t.Parallel()
	x := newE2E(t)
	outFile := filepath.Join(x.dir, "summary.txt")
	f, err := os.Create(outFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	term := startTerminalWith(t, termOptions{stdout: f}, 100, 30, x.env, x.args...)
	x.throughCustomer(term)
	for n := 1; n <= 4; n++ {
		x.approve(term, n)
	}
	x.complete(term)
	b, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	summary := string(b)
	for _, want := range []string{"bundle:  " + x.out + "\n", "sha256:  ", "receipt: " + x.out + ".receipt.txt\n", "on the UCX side, run:\n  ucx-onboard open "} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary in the file lacks %q:\n%s", want, summary)
		}
	}
	if strings.ContainsAny(summary, "\x1b\r") {
		t.Errorf("the file holds terminal output: %q", summary)
	}
	for _, it := range x.srv.Issued() {
		if strings.Contains(summary, it.AccessToken) || strings.Contains(summary, it.RefreshToken) {
			t.Fatal("a token is in the summary")
		}
	}
	x.checkBundleHoldsIssuedTokens()
}

// TestE2EResumeCommand: a --demo run quit at the first authorization
// prints the command that resumes it (with --demo: the demo drafts live
// apart from real ones); running that command offers the draft.
func TestE2EResumeCommand(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	opts := termOptions{home: home}
	term := startTerminalWith(t, opts, 200, 30, nil, "--demo")
	term.WaitFor(screenTimeout, "All set")
	term.Type(keyEnter)
	term.WaitFor(screenTimeout, "Company", "Demo Customer Ltd")
	for range 6 {
		term.Type(keyEnter)
	}
	term.WaitFor(screenTimeout, "Apps to authorize")
	term.Type(keyEnter)
	term.WaitFor(screenTimeout, "Authorize app 1 of 4")
	term.Type("q")
	term.WaitFor(screenTimeout, "Quit ucx-onboard?")
	term.Type("y")
	if code := term.Wait(screenTimeout); code != exitAborted {
		t.Fatalf("quit exited %d, want %d", code, exitAborted)
	}
	screen := term.Screen()
	var resume string
	for _, l := range strings.Split(screen, "\n") {
		if _, cmd, ok := strings.Cut(l, "hint: resume it ("); ok {
			_, resume, _ = strings.Cut(cmd, ") with: ")
		}
	}
	if resume != "ucx-onboard --demo" {
		t.Fatalf("resume command %q, want %q; screen:\n%s", resume, "ucx-onboard --demo", screen)
	}
	args := strings.Fields(resume)[1:]
	term = startTerminalWith(t, opts, 200, 30, nil, args...)
	term.WaitFor(screenTimeout, "All set")
	term.Type(keyEnter)
	term.WaitFor(screenTimeout, "Resume", "Demo Customer Ltd")
	term.Type(keyCtrlC)
	term.Wait(screenTimeout)
}

// TestE2EQuitAtChecks: q on the checks screen is the engineer stopping,
// exit 130, whether the checks are clean or one blocks (✗), as README
// says.
func TestE2EQuitAtChecks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		taken  bool // --out names an existing file: the output check blocks
		screen string
	}{
		{"clean", false, "All set"},
		{"blocked", true, "exists already"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			out := filepath.Join(home, "taken.ucxbundle")
			if tc.taken {
				if err := os.WriteFile(out, []byte("x"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			term := startTerminalWith(t, termOptions{home: home}, 100, 30, nil, "--demo", "--out", out)
			term.WaitFor(screenTimeout, tc.screen)
			term.Type("q")
			if code := term.Wait(screenTimeout); code != exitAborted {
				t.Fatalf("q at the checks (%s) exited %d, want %d; screen:\n%s", tc.name, code, exitAborted, term.Screen())
			}
		})
	}
}
