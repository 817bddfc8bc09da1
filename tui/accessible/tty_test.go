//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package accessible

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/creack/pty"
	"github.com/imagicle/ucx-onboard/internal/ttyecho"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// ttyRun is the wizard run on a real pseudo-terminal, as an engineer
// runs it: its input and output are the terminal (so lines are read while
// an approval is awaited), the test types on the other side and reads
// what the terminal shows.
type ttyRun struct {
	*session
	tty *os.File // the wizard's side
}

func startTTY(t *testing.T, ctx context.Context, d wizard.Deps) *ttyRun {
	t.Helper()
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	r := &ttyRun{session: newSession(t, ptm), tty: tty}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptm.Read(buf)
			r.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	go func() {
		var err error
		r.res, err = Run(ctx, d, tty, tty, r.ctrlC)
		r.done <- err
	}()
	t.Cleanup(func() {
		tty.Close()
		ptm.Close()
	})
	return r
}

func (r *ttyRun) echoes() bool {
	r.t.Helper()
	on, err := ttyecho.Echoes(int(r.tty.Fd()))
	if err != nil {
		r.t.Fatal(err)
	}
	return on
}

// TestAccessibleTTYSecretPrompt: on a terminal, a client secret rejected
// at redemption is asked for after the wait for the approval, while the
// wizard's input reader reads ahead; the secret typed once redeems the
// same code, is not echoed, and no later prompt gets it. Before, the
// reader waiting since the wait took the line from term.ReadPassword:
// Enter did nothing, and the choose prompt after got the secret.
func TestAccessibleTTYSecretPrompt(t *testing.T) {
	const right = "sec-FAKE-presence"
	d, f, done := paritySetup(t, nil, "presence")
	defer done()
	r := startTTY(t, context.Background(), d)
	r.expect("Customer")
	r.typeLine(strings.Repeat("\r", 5)) // keep the prefilled customer data
	r.expect("Authorize all of them? ")
	r.typeLine("y")
	r.expect(waitPrompt)
	r.expect("Client secret (not shown; press enter alone to leave it): ")
	if r.echoes() {
		t.Error("the terminal echoes at the secret prompt")
	}
	r.typeLine(right)
	r.expect("Redeeming the same code with that secret…")
	if !r.echoes() {
		t.Error("the terminal does not echo after the secret prompt")
	}
	r.expect("Type y to COMPLETE REQUEST")
	r.typeLine("y")
	if err := r.wait(); err != nil {
		t.Fatalf("%v; the terminal showed:\n%s", err, r.shown())
	}
	shown := r.shown()
	if strings.Contains(shown, right) {
		t.Errorf("the typed secret is shown:\n%s", shown)
	}
	if strings.Contains(shown, "Please answer one of") {
		t.Errorf("a prompt got a line not meant for it:\n%s", shown)
	}
	oneCodeOneTokenEach(t, d, f)
}

// TestAccessibleTTYPassphrase: the review's passphrase prompts on a
// terminal, after the waits for approvals (the input reader reading
// ahead): each typed once, not echoed, and the bundle is written with
// that passphrase; no later prompt gets it.
func TestAccessibleTTYPassphrase(t *testing.T) {
	const pass = "correct horse battery staple"
	d, f, done := paritySetup(t, nil)
	defer done()
	d.Protection = wizard.Protection{Passphrase: true}
	r := startTTY(t, context.Background(), d)
	r.expect("Customer")
	r.typeLine(strings.Repeat("\r", 5))
	r.expect("Authorize all of them? ")
	r.typeLine("y")
	r.expect("Waiting for approval…")
	r.expect("Type y to COMPLETE REQUEST")
	r.typeLine("y")
	r.expect("Passphrase for the bundle")
	if r.echoes() {
		t.Error("the terminal echoes at the passphrase prompt")
	}
	r.typeLine(pass)
	r.expect("The same passphrase again: ")
	r.typeLine(pass)
	if err := r.wait(); err != nil {
		t.Fatalf("%v; the terminal showed:\n%s", err, r.shown())
	}
	shown := r.shown()
	if strings.Contains(shown, pass) {
		t.Errorf("the passphrase is shown:\n%s", shown)
	}
	if strings.Contains(shown, "Please answer one of") || strings.Contains(shown, "Too short") {
		t.Errorf("a prompt got a line not meant for it:\n%s", shown)
	}
	if b, p, _ := f.writer.Got(); b == nil || p.Reveal() != pass {
		t.Errorf("bundle %v written with another passphrase", b != nil)
	}
}

// TestAccessibleTTYSecretPromptStopped: the wizard stopped (ctx: Ctrl-C)
// at the secret prompt with a secret half typed ends at once, and leaves
// the terminal echoing.
func TestAccessibleTTYSecretPromptStopped(t *testing.T) {
	d, _, done := paritySetup(t, nil, "presence")
	defer done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := startTTY(t, ctx, d)
	r.expect("Customer")
	r.typeLine(strings.Repeat("\r", 5))
	r.expect("Authorize all of them? ")
	r.typeLine("y")
	r.expect("Client secret (not shown; press enter alone to leave it): ")
	if _, err := io.WriteString(r.in, "sec-FAKE-half"); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := r.wait(); !errors.Is(err, wizard.ErrUserAborted) {
		t.Fatalf("Run = %v, want ErrUserAborted", err)
	}
	if !r.echoes() {
		t.Error("the terminal does not echo after the wizard stopped at the secret prompt")
	}
	if shown := r.shown(); strings.Contains(shown, "sec-FAKE-half") {
		t.Errorf("the half typed secret is shown:\n%s", shown)
	}
}

// TestAccessibleTTYSecretPromptCtrlC: Ctrl-C at the secret prompt with a
// secret half typed asks the quit question on a terminal that echoes
// again (what was half typed is dropped, never shown); n asks for the
// secret again, with echo off, and the secret then typed redeems the code.
func TestAccessibleTTYSecretPromptCtrlC(t *testing.T) {
	const prompt, right = "Client secret (not shown; press enter alone to leave it): ", "sec-FAKE-presence"
	d, _, done := paritySetup(t, nil, "presence")
	defer done()
	r := startTTY(t, context.Background(), d)
	r.expect("Customer")
	r.typeLine(strings.Repeat("\r", 5))
	r.expect("Authorize all of them? ")
	r.typeLine("y")
	r.expect(prompt)
	if _, err := io.WriteString(r.in, "sec-FAKE-half"); err != nil {
		t.Fatal(err)
	}
	r.press()
	r.expect("Quit? Type y to quit, or n to stay: ")
	if !r.echoes() {
		t.Error("the terminal does not echo at the quit question")
	}
	r.typeLine("n")
	r.expect(prompt)
	if r.echoes() {
		t.Error("the terminal echoes at the secret prompt asked again")
	}
	r.typeLine(right)
	r.expect("Type y to COMPLETE REQUEST")
	r.typeLine("y")
	if err := r.wait(); err != nil {
		t.Fatalf("%v; the terminal showed:\n%s", err, r.shown())
	}
	if shown := r.shown(); strings.Contains(shown, "sec-FAKE") {
		t.Errorf("a secret is shown:\n%s", shown)
	}
}
