package accessible

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
	"github.com/imagicle/ucx-onboard/tui/wizard/wizardtest"
)

// TestAccessibleCtrlC: Ctrl-C asks the full-screen front-end's quit
// question wherever a line is awaited (inside the customer form too, where
// huh cannot be stopped halfway); n stays and asks again what was asked
// (the form keeps the answers given, a code awaited is said again); a
// second Ctrl-C is yes. Where nothing can be lost (the list of drafts) it
// quits at once. Before, Ctrl-C ended the run without a question (a
// signal canceled its context) and echoed ^C into a prompt.
func TestAccessibleCtrlC(t *testing.T) {
	const stay = "Quit? Type y to quit, or n to stay: "
	for _, tc := range []struct {
		name     string
		setup    func(*fixture, *wizard.Deps)
		reach    func(*session) // up to the prompt where Ctrl-C is pressed
		hold     bool           // users' approval waits for approve
		approve  bool           // given while the question is asked
		question string         // what the quit question says is kept
		again    []string       // shown after n, in order
		drafts   int            // kept after the quit
		written  bool           // Ctrl-C while the bundle is written
	}{
		{
			name: "customer form",
			reach: func(s *session) {
				s.expect("Company ")
				s.typeLine("Acme Ctrl")
				s.expect("Customer's Full Admin email ")
			},
			question: "Nothing is saved before the customer's data is confirmed: what is in the form will be lost.",
			again:    []string{"Company [Acme Ctrl]"},
		},
		{
			name: "app selection",
			reach: func(s *session) {
				s.typeLine(strings.Repeat("\n", 5))
				s.expect("Authorize all of them? ")
			},
			question: "Your progress is kept as a draft (0 apps authorized).\nStart ucx-onboard again to resume it.",
			again:    []string{"Authorize all of them? "},
			drafts:   1,
		},
		{
			name: "waiting for approval",
			hold: true,
			reach: func(s *session) {
				s.typeLine(strings.Repeat("\n", 6) + "y")
				s.expect(waitPrompt)
			},
			question: "Your progress is kept as a draft (0 apps authorized).",
			again:    []string{"enter the code " + wizardtest.UserCode, waitPrompt},
			drafts:   1,
		},
		{
			// The other apps' codes come and are approved while the
			// question is asked: said, but with no wait line offering
			// the question's keys.
			name:    "approved while asked",
			hold:    true,
			approve: true,
			reach: func(s *session) {
				s.typeLine(strings.Repeat("\n", 6) + "y")
				s.expect(waitPrompt)
			},
			question: "Your progress is kept as a draft (0 apps authorized).",
			again:    []string{"Type y to COMPLETE REQUEST"},
			drafts:   1,
		},
		{
			name: "skip question",
			hold: true,
			reach: func(s *session) {
				s.typeLine(strings.Repeat("\n", 6) + "y")
				s.expect(waitPrompt)
				s.typeLine("s")
				s.expect("The review can come back to it. (y/n) ")
			},
			question: "Your progress is kept as a draft (0 apps authorized).",
			again:    []string{"The review can come back to it. (y/n) "},
			drafts:   1,
		},
		{
			name:  "passphrase",
			setup: func(_ *fixture, d *wizard.Deps) { d.Protection = wizard.Protection{Passphrase: true} },
			reach: func(s *session) {
				s.typeLine(strings.Repeat("\n", 6) + "y")
				s.expect("Type y to COMPLETE REQUEST")
				s.typeLine("y")
				s.expect("Passphrase for the bundle ")
			},
			question: "Your progress is kept as a draft (4 apps authorized).",
			again:    []string{"Passphrase for the bundle "},
			drafts:   1,
		},
		{
			// The write cannot be stopped halfway: said, and the bundle
			// is written (no question, nothing to keep).
			name: "writing the bundle",
			setup: func(f *fixture, d *wizard.Deps) {
				write := d.WriteBundle
				d.WriteBundle = func(path string, b store.Bundle, pass store.Secret, record func(*store.Completion) error) (wizard.Receipt, error) {
					<-f.release
					return write(path, b, pass, record)
				}
			},
			reach: func(s *session) {
				s.typeLine(strings.Repeat("\n", 6) + "y")
				s.expect("Type y to COMPLETE REQUEST")
				s.typeLine("y")
				s.expect("Writing the bundle…")
			},
			written: true,
		},
		{
			name: "list of drafts",
			setup: func(f *fixture, _ *wizard.Deps) {
				if err := f.drafts.Save(&wizard.Draft{Customer: wizardtest.Customer()}); err != nil {
					t.Fatal(err)
				}
			},
			reach:  func(s *session) { s.expect("or press enter to start a new onboarding: ") },
			drafts: 1, // the one listed, untouched
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := refreshEvery
			refreshEvery = time.Hour // no refresh ends a wait
			t.Cleanup(func() { refreshEvery = old })
			f := newFakes()
			approve := make(chan struct{})
			if tc.hold {
				f.auth.Hold = map[string]chan struct{}{"users": approve}
			}
			d := testDeps(f)
			c := wizardtest.Customer()
			d.Prefill = &c
			if tc.setup != nil {
				tc.setup(f, &d)
			}
			s := startPiped(t, context.Background(), d, true)
			tc.reach(s)
			s.press()
			if tc.written {
				s.expect("Writing the bundle, one moment: it cannot be stopped halfway.")
				close(f.release)
				s.expect("Done.")
				if err := s.wait(); err != nil || s.res.Receipt == nil {
					t.Fatalf("Run = %+v, %v\n%s", s.res, err, s.shown())
				}
				return
			}
			if tc.question != "" {
				s.expect(tc.question)
				s.expect(stay)
				if tc.approve {
					close(approve)
					s.expect("App 4 of 4")
					s.expect(stay) // asked again after what came
				}
				s.typeLine("n")
				for _, text := range tc.again {
					s.expect(text)
				}
				s.press()
				s.expect(stay)
				s.press() // yes
			}
			err := s.wait()
			if !errors.Is(err, wizard.ErrUserAborted) || s.res.Receipt != nil {
				t.Fatalf("Run = %+v, %v\n%s", s.res, err, s.shown())
			}
			if n := len(f.drafts.Drafts); n != tc.drafts || tc.question != "" && tc.drafts == 1 && s.res.DraftID == "" {
				t.Errorf("%d drafts, DraftID %q; want %d\n%s", n, s.res.DraftID, tc.drafts, s.shown())
			}
			if text := s.shown(); strings.Contains(text, "^C") || strings.Contains(text, "(type y to quit") {
				t.Errorf("^C shown, or a wait line with the question's keys:\n%s", text)
			}
		})
	}
}
