package accessible

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui/wizard"
	"github.com/imagicle/ucx-onboard/tui/wizard/wizardtest"
)

// TestAccessibleRenewalCapCountsSpentCodes: spent codes count toward the
// renewal cap as expired ones do (the core's rule, as on the screen):
// after MaxAutoRenew fresh codes in a row the engineer decides.
func TestAccessibleRenewalCapCountsSpentCodes(t *testing.T) {
	for _, tc := range []struct {
		err   error
		fresh string
	}{
		{flows.ErrCodeSpent, "The code can no longer be used; here is a fresh one."},
		{flows.ErrExpired, "The code expired unused at 09:30; here is a fresh one."},
	} {
		f, text := runScenario(t, func(f *fixture) {
			for range wizard.MaxAutoRenew + 1 {
				f.auth.WaitErr["users"] = append(f.auth.WaitErr["users"], fmt.Errorf("flows: wait: %w", tc.err))
			}
		}, nil, "s\ny\n")
		if n := strings.Count(text, tc.fresh); n != wizard.MaxAutoRenew {
			t.Errorf("%v: %d fresh codes, want %d:\n%s", tc.err, n, wizard.MaxAutoRenew, text)
		}
		if n := strings.Count(text, "enter the code "+wizardtest.UserCode); n != wizard.MaxAutoRenew+1+3 || f.auth.StartsOf("users") != wizard.MaxAutoRenew+1 {
			t.Errorf("%v: %d codes shown, %d asked for users", tc.err, n, f.auth.StartsOf("users"))
		}
		if !strings.Contains(text, "Type r to try again, s to skip the app, or q to quit: ") {
			t.Errorf("%v: not asked after the cap:\n%s", tc.err, text)
		}
	}
}

// TestAccessibleEOFKeepsNoDraft: an input that ends inside the customer
// form (huh then keeps the prefilled answers) confirms nothing: the run is
// aborted and no draft is kept, as on the screen when the form is never
// submitted.
func TestAccessibleEOFKeepsNoDraft(t *testing.T) {
	for _, in := range []string{"", "Acme Industries\n"} {
		f := newFakes()
		d := testDeps(f)
		c := wizardtest.Customer()
		d.Prefill = &c
		res, text, err := run(t, d, in)
		if !errors.Is(err, wizard.ErrUserAborted) || res.DraftID != "" || len(f.drafts.Drafts) != 0 {
			t.Errorf("input %q: Run = %+v, %v; %d drafts\n%s", in, res, err, len(f.drafts.Drafts), text)
		}
	}
}

const waitPrompt = "Waiting for approval… (type r to get a new code, s to skip the app, or q to quit, and enter)"

// TestAccessibleWaitKeys: while an approval is awaited (lines read as on
// a terminal), s asks whether to skip the app while the wait goes on: n
// keeps the same code, whose approval then still counts, y skips; r asks
// for a new code; other text gets a reminder; an input that ends leaves
// the wait alone.
func TestAccessibleWaitKeys(t *testing.T) {
	const skipQ = "Skip UCX Suite Users' Synch from Control Hub? The review can come back to it. (y/n) "
	for _, tc := range []struct {
		name  string
		keys  []string // typed while users' code is awaited
		eof   bool     // then the input ends
		codes int      // users' codes asked for
		apps  int      // in the bundle
	}{
		{name: "skip not confirmed", keys: []string{"hello", "s", "n"}, codes: 1, apps: 4},
		{name: "skip confirmed", keys: []string{"s", "y"}, codes: 1, apps: 3},
		{name: "new code", keys: []string{"r"}, codes: 2, apps: 4},
		{name: "input ended", eof: true, codes: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakes()
			approve := make(chan struct{})
			f.auth.Hold = map[string]chan struct{}{"users": approve}
			d := testDeps(f)
			c := wizardtest.Customer()
			d.Prefill = &c
			s := startPiped(t, context.Background(), d, true)
			s.typeLine(strings.Repeat("\n", 6) + "y")
			s.expect(waitPrompt)
			for _, k := range tc.keys {
				s.typeLine(k)
				switch k {
				case "hello":
					s.expect("Still waiting for approval: type r to get a new code, s to skip the app, or q to quit, and enter.")
				case "s":
					s.expect(skipQ)
				case "r":
					s.expect("Here is a new code.")
					s.expect(waitPrompt)
				}
			}
			if tc.eof {
				s.in.(interface{ Close() error }).Close()
			}
			if tc.apps != 3 {
				close(approve) // the code shown first, or the new one
				s.expect("Approved; the authorization is kept in the draft. Checking who approved…")
			}
			if !tc.eof {
				s.expect("Type y to COMPLETE REQUEST and write the bundle")
				s.typeLine("y")
			}
			err := s.wait()
			if tc.eof != errors.Is(err, wizard.ErrUserAborted) || tc.eof != (s.res.Receipt == nil) {
				t.Fatalf("Run = %+v, %v\n%s", s.res, err, s.shown())
			}
			if n := f.auth.StartsOf("users"); n != tc.codes {
				t.Errorf("%d codes for users, want %d:\n%s", n, tc.codes, s.shown())
			}
			if n := strings.Count(s.shown(), "enter the code"); n != tc.codes+3 {
				t.Errorf("%d codes shown, want %d:\n%s", n, tc.codes+3, s.shown())
			}
			if b, _, _ := f.writer.Got(); !tc.eof && len(b.Apps) != tc.apps {
				t.Errorf("%d apps in the bundle, want %d", len(b.Apps), tc.apps)
			}
			if tc.eof && len(f.drafts.Drafts) != 1 {
				t.Errorf("%d drafts after the input ended; want the progress kept", len(f.drafts.Drafts))
			}
		})
	}
}

// TestAccessibleNetworkDown: the accessible front-end says the network is
// down in plain words, once, and r then tries now instead of a new code.
func TestAccessibleNetworkDown(t *testing.T) {
	f := newFakes()
	tried := make(chan struct{}, 4)
	ev := downEvent(new(int))
	ev.TryNow = func() { tried <- struct{}{} }
	f.auth.Events = []flows.PollEvent{ev, ev}
	approve := make(chan struct{})
	f.auth.Hold = map[string]chan struct{}{"users": approve}
	d := testDeps(f)
	c := wizardtest.Customer()
	d.Prefill = &c
	s := startPiped(t, context.Background(), d, true)
	s.typeLine(strings.Repeat("\n", 6) + "y")
	s.expect("No answer from Webex: the network seems down")
	s.typeLine("r")
	s.expect("Trying Webex again now.")
	<-tried
	close(approve)
	s.expect("Type y to COMPLETE REQUEST")
	s.typeLine("y")
	if err := s.wait(); err != nil {
		t.Fatal(err)
	}
	text := s.shown()
	text = text[:strings.Index(text, "App 2 of 4")] // the fake's other waits report the same
	if n := strings.Count(text, "No answer from Webex: the network seems down"); n != 1 {
		t.Errorf("said the network is down %d times, want once:\n%s", n, text)
	}
	if f.auth.StartsOf("users") != 1 || !strings.Contains(text, "an approval given meanwhile is not lost") {
		t.Errorf("r while down asked for a new code, or the words are missing:\n%s", text)
	}
}

// TestAccessibleStoppedInForm: the wizard stopped (ctx: Ctrl-C) while the
// customer form waits for a line ends at once, keeping no draft.
func TestAccessibleStoppedInForm(t *testing.T) {
	f := newFakes()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := startPiped(t, ctx, testDeps(f), false)
	s.expect("Company ")
	cancel()
	if err := s.wait(); !errors.Is(err, wizard.ErrUserAborted) || len(f.drafts.Drafts) != 0 {
		t.Fatalf("Run = %v, %d drafts\n%s", err, len(f.drafts.Drafts), s.shown())
	}
}
