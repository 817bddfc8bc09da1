//go:build ignore

package tui

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/imagicle/ucx-onboard/internal/ttyecho"
)

// ttyRun is the accessible front-end run on a real pseudo-terminal, as
// an engineer runs it: the wizard's input and output are the terminal
// (so its input reader reads ahead while an approval is awaited), the
// test types on the other side and reads what the terminal shows.
type ttyRun struct {
	t    *testing.T
	tty  *os.File // the wizard's side
	ptm  *os.File // the engineer's side
	mu   sync.Mutex
	out  bytes.Buffer // everything the terminal showed
	seen int          // out's bytes matched by expect
	more chan struct{}
	done chan error
}

func startTTY(t *testing.T, ctx context.Context, d Deps) *ttyRun {
	t.Helper()
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	r := &ttyRun{t: t, tty: tty, ptm: ptm, more: make(chan struct{}, 1), done: make(chan error, 1)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptm.Read(buf)
			r.mu.Lock()
			r.out.Write(buf[:n])
			r.mu.Unlock()
			select {
			case r.more <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	d.Accessible = true
	go func() {
		_, err := Run(ctx, d, Options{In: tty, Out: tty})
		r.done <- err
	}()
	t.Cleanup(func() {
		tty.Close()
		ptm.Close()
	})
	return r
}

// expect waits until the terminal shows s after what the last expect
// matched; the time limit only bounds a failing run.
func (r *ttyRun) expect(s string) {
	r.t.Helper()
	limit := time.After(20 * time.Second)
	for {
		r.mu.Lock()
		i := strings.Index(r.out.String()[r.seen:], s)
		if i >= 0 {
			r.seen += i + len(s)
		}
		r.mu.Unlock()
		if i >= 0 {
			return
		}
		select {
		case <-r.more:
		case err := <-r.done:
			r.t.Fatalf("the wizard ended (%v) before showing %q; the terminal showed:\n%s", err, s, r.shown())
		case <-limit:
			r.t.Fatalf("the terminal did not show %q; it showed:\n%s", s, r.shown())
		}
	}
}

// typeLine types s and Enter (a carriage return, as a keyboard sends it).
func (r *ttyRun) typeLine(s string) {
	r.t.Helper()
	if _, err := r.ptm.Write([]byte(s + "\r")); err != nil {
		r.t.Fatal(err)
	}
}

func (r *ttyRun) shown() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

// wait waits for the wizard's end.
func (r *ttyRun) wait() error {
	r.t.Helper()
	select {
	case err := <-r.done:
		return err
	case <-time.After(20 * time.Second):
		r.t.Fatalf("the wizard did not end; the terminal showed:\n%s", r.shown())
		return nil
	}
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
	r.expect("Waiting for approval… (type s and enter to skip this app")
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
	d.Protection = Protection{Passphrase: true}
	r := startTTY(t, context.Background(), d)
	r.expect("Customer")
	r.typeLine(strings.Repeat("\r", 5))
	r.expect("Authorize all of them? ")
	r.typeLine("y")
	r.expect("Waiting for approval…")
	r.expect("Passphrase for the bundle")
	if r.echoes() {
		t.Error("the terminal echoes at the passphrase prompt")
	}
	r.typeLine(pass)
	r.expect("The same passphrase again: ")
	r.typeLine(pass)
	r.expect("Type y to COMPLETE REQUEST")
	r.typeLine("y")
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
	if b, p, _ := f.writer.got(); b == nil || p.Reveal() != pass {
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
	if _, err := r.ptm.Write([]byte("sec-FAKE-half")); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := r.wait(); !errors.Is(err, ErrUserAborted) {
		t.Fatalf("Run = %v, want ErrUserAborted", err)
	}
	if !r.echoes() {
		t.Error("the terminal does not echo after the wizard stopped at the secret prompt")
	}
	if shown := r.shown(); strings.Contains(shown, "sec-FAKE-half") {
		t.Errorf("the half typed secret is shown:\n%s", shown)
	}
}
