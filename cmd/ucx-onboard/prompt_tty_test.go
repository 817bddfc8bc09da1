//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package main

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/internal/ttyecho"
)

// ptyEcho reports whether the terminal of term echoes what is typed.
func ptyEcho(t *testing.T, term *terminal) bool {
	t.Helper()
	rc, err := term.pty.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var on bool
	var ioErr error
	if err := rc.Control(func(fd uintptr) { on, ioErr = ttyecho.Echoes(int(fd)) }); err != nil {
		t.Fatal(err)
	}
	if ioErr != nil {
		t.Fatal(ioErr)
	}
	return on
}

// TestPassphrasePromptInterrupt: at inspect's passphrase prompt (a real
// terminal, echo off), Ctrl-C and SIGTERM end the program at once with
// exit status 130, and the terminal echoes again afterwards. Before, both
// signals were swallowed and the prompt waited for a line.
func TestPassphrasePromptInterrupt(t *testing.T) {
	bundle := passphraseBundle(t, t.TempDir())
	for _, tc := range []struct {
		name      string
		typed     string // typed before the interrupt
		interrupt func(*terminal)
	}{
		{"ctrl-c", "tok-FAKE-typed", func(term *terminal) { term.Type(keyCtrlC) }},
		// Nothing typed: a signal can overtake keys that the kernel's
		// line discipline has not processed yet (a pty hands them on
		// asynchronously), and those would be echoed once echo is back
		// on, which says nothing of the program. Ctrl-C, typed after the
		// keys, comes through the line discipline in order.
		{"sigterm", "", func(term *terminal) {
			if err := term.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term := startTerminal(t, 200, 24, nil, "inspect", bundle) // wide: the prompt holds a temp path
			term.WaitFor(20*time.Second, "passphrase for "+bundle+":")
			if ptyEcho(t, term) {
				t.Fatal("the terminal echoes at the passphrase prompt")
			}
			term.Type(tc.typed)
			tc.interrupt(term)
			code := term.Wait(10 * time.Second)
			screen := term.Screen()
			if code != 130 {
				t.Fatalf("exit %d, want 130; screen:\n%s", code, screen)
			}
			if !strings.Contains(screen, "ucx-onboard: interrupted") || strings.Contains(screen, "tok-FAKE-typed") {
				t.Errorf("screen:\n%s", screen)
			}
			if !ptyEcho(t, term) {
				t.Error("the terminal does not echo after the interrupted prompt")
			}
		})
	}
}

// TestPassphrasePromptTyped: on a real terminal the typed passphrase is
// read up to Enter without being echoed; a wrong one asks again. (The
// fixture's plaintext is not a bundle: getting that far proves the
// passphrase was read exactly.)
func TestPassphrasePromptTyped(t *testing.T) {
	bundle := passphraseBundle(t, t.TempDir())
	term := startTerminal(t, 200, 24, nil, "open", "--to-terminal", bundle)
	term.WaitFor(20*time.Second, "passphrase for "+bundle+":")
	term.Type("tok-FAKE-wrong-one" + keyEnter)
	// Type only once the second prompt shows: echo is off from then on.
	term.WaitFor(10*time.Second, "wrong passphrase, try again\npassphrase for "+bundle+":")
	term.Type("tok-FAKE-long-passphrase" + keyEnter)
	code := term.Wait(10 * time.Second)
	screen := term.Screen()
	if code != 1 || !strings.Contains(screen, "no format marker") {
		t.Fatalf("exit %d; screen:\n%s", code, screen)
	}
	if strings.Contains(screen, "tok-FAKE") {
		t.Fatalf("a typed passphrase was echoed:\n%s", screen)
	}
	if !ptyEcho(t, term) {
		t.Error("the terminal does not echo after the prompt")
	}
}
