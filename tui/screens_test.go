package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

var sizes = []struct{ w, h int }{{80, 24}, {120, 40}}

// checkGolden renders one state at 80x24 and 120x40 and compares it with
// testdata/TestScreens/<state>_<w>x<h>.golden (go test ./tui -update).
func checkGolden(t *testing.T, name string, tweak func(*Deps), setup func(f *fixture)) {
	t.Helper()
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%s_%dx%d", name, sz.w, sz.h), func(t *testing.T) {
			f := newFixture(t, sz.w, sz.h, tweak)
			setup(f)
			v := f.view()
			assertNoSecrets(t, v)
			golden.RequireEqual(t, []byte(v))
		})
	}
}

func okChecks() []Check {
	return []Check{
		{Name: "App catalog and secrets", OK: true, Blocking: true, Detail: "4 apps; every client secret found"},
		{Name: "Webex reachable", OK: true, Blocking: true, Detail: "https://webexapis.com answered in 84 ms"},
		{Name: "Bundle protection", OK: true, Blocking: true, Detail: "age, 1 recipient (--recipient)"},
		{Name: "Output path", OK: true, Blocking: true, Detail: "current folder is writable"},
	}
}

func blockingChecks() []Check {
	return []Check{
		{Name: "App catalog and secrets", OK: false, Blocking: true, Detail: "callcontrol: client secret not found (file /etc/ucx/callcontrol.secret: no such file)",
			Fix: "put the Call Control client secret in /etc/ucx/callcontrol.secret, or set client_secret_env in the catalog"},
		{Name: "Webex reachable", OK: false, Blocking: true, Detail: "https://webexapis.com: dial tcp: i/o timeout (via proxy http://proxy.acme.example:3128)",
			Fix: "check HTTPS_PROXY and that the proxy lets https://webexapis.com through"},
		{Name: "Bundle protection", OK: true, Blocking: true, Detail: "passphrase, asked before COMPLETE REQUEST"},
		{Name: "Output path", OK: false, Blocking: false, Detail: "acme-industries-2026-11-21.ucxbundle exists; a new name will be needed",
			Fix: "move the old bundle away or pass --out"},
	}
}

func withPreflight(checks []Check) func(*Deps) {
	return func(d *Deps) {
		d.Preflight = func(context.Context) []Check { return checks }
	}
}

// approve finishes the current app with id as approver, as the program
// would: the grant, then the identity (the flow finishes the app itself
// when there is no warning), then the org's reads.
func (f *fixture) approve(id flows.Identity) {
	app := f.m.v.Auth.App
	f.auth.SetIdentity(app.ID, id)
	f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(app)}))
	f.step(ev(wizard.Identified{Gen: f.gen(), Identity: id}))
	f.settleOrg()
}

// settleOrg waits for the reads of the org under way (the fake answers at
// once) and hands the flow what they report (Model.events, which listen
// would deliver in a program): screens then show what a program shows once
// they end, whatever the goroutines' timing.
func (f *fixture) settleOrg() {
	for f.m.v.OrgPending {
		select {
		case e := <-f.m.events:
			f.step(ev(e))
		case <-time.After(cmdLimit):
			panic("settleOrg: the org's reads never ended")
		}
	}
}

// pressRun sends a key and delivers the message of the screen's own
// command (the copy's answer, a report to the flow such as COMPLETE
// REQUEST); the flow's effects are dropped, as step does, and so is a
// batch.
func (f *fixture) pressRun(k string) {
	_, cmd := f.m.Update(press(k))
	if cmd == nil || strings.Contains(cmdName(cmd), "(*Model).effects") {
		return
	}
	if msg := cmd(); msg != nil {
		if _, batch := msg.(tea.BatchMsg); !batch {
			f.m.Update(msg)
		}
	}
}

func (f *fixture) poll(e flows.PollEvent) {
	f.step(ev(wizard.Polled{Gen: f.gen(), Event: e}))
}

func (f *fixture) at(d time.Duration) { f.step(tickMsg{now: t0.Add(d)}) }

func otherApprover() flows.Identity {
	return flows.Identity{PersonID: "p2", Emails: []string{"helpdesk@acme-support.example"}, DisplayName: "Help Desk",
		OrgID: "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9vdGhlcg", OrgName: "Acme Support Ltd", FullAdmin: false}
}

// toReview authorizes users and presence (presence approver accepted with
// a warning), skips call control, and fails CDR with access denied.
func (f *fixture) toReview() {
	f.toAuth()
	f.withCode()
	f.approve(testIdentity())
	f.withCode()
	id := testIdentity()
	id.FullAdmin = false
	f.approve(id)
	f.pressRun("a")
	f.withCode()
	f.pressRun("s")
	f.pressRun("y")
	f.withCode()
	f.step(ev(wizard.WaitEnded{Gen: f.gen(), Err: fmt.Errorf("flows: poll: %w", flows.ErrDenied)}))
	f.pressRun("s")
	f.pressRun("y")
}

// toReviewAllOK authorizes every app.
func (f *fixture) toReviewAllOK() {
	f.toAuth()
	for range testApps() {
		f.withCode()
		f.approve(testIdentity())
	}
}

func TestScreens(t *testing.T) {
	checkGolden(t, "preflight_checking", withPreflight(okChecks()), func(f *fixture) {})
	checkGolden(t, "preflight_ok", withPreflight(okChecks()), func(f *fixture) {
		f.step(ev(wizard.DraftsListed{}), ev(wizard.ChecksRan{Checks: okChecks()}))
	})
	// A resumable draft: enter leads to "Resume an onboarding?", and the
	// line says so.
	checkGolden(t, "preflight_ok_draft", withPreflight(okChecks()), func(f *fixture) {
		f.step(ev(wizard.DraftsListed{Infos: []DraftInfo{{ID: "20261120-1712-k3x9", Company: "Acme Industries", Updated: t0.Add(-16 * time.Hour)}}}),
			ev(wizard.ChecksRan{Checks: okChecks()}))
	})
	checkGolden(t, "preflight_blocking", withPreflight(blockingChecks()), func(f *fixture) {
		f.step(ev(wizard.ChecksRan{Checks: blockingChecks()}))
		f.step(press("enter")) // does not go on
	})
	// The catalog is read at start: r would read the same, so the footer
	// asks to quit and start again.
	atStart := blockingChecks()
	atStart[0].AtStart = true
	checkGolden(t, "preflight_blocking_at_start", withPreflight(atStart), func(f *fixture) {
		f.step(ev(wizard.ChecksRan{Checks: atStart}))
	})
	// One app cannot be authorized: it is marked, the others go on.
	appBlocked := append(okChecks(), Check{Name: "Webex accepts cdr", App: "cdr", AppBlocked: true, AtStart: true,
		Detail: "secret rejected: fix env UCX_SECRET_CDR (HTTP 401 invalid_client)",
		Fix:    "set env UCX_SECRET_CDR to the app's client secret and start again (secrets are read at start), or go on without this app"})
	checkGolden(t, "preflight_app_blocked", withPreflight(appBlocked), func(f *fixture) {
		f.step(ev(wizard.ChecksRan{Checks: appBlocked}))
	})
	checkGolden(t, "resume_offer", nil, func(f *fixture) {
		f.step(ev(wizard.DraftsListed{Infos: []DraftInfo{
			{ID: "20261120-1712-k3x9", Company: "Acme Industries", AppsDone: []string{"UCX Suite Users' Synch from Control Hub", "Attendant Console Presence Connector"}, Updated: t0.Add(-16 * time.Hour)},
			{ID: "20261118-0930-p2q7", Company: "Globex", Updated: t0.Add(-72 * time.Hour)},
			{ID: "20261101-1100-zz00", Err: fmt.Errorf("draft 20261101-1100-zz00: %w", store.ErrDraftDamaged)},
		}}))
	})
	checkGolden(t, "resume_discard_confirm", nil, func(f *fixture) {
		f.step(ev(wizard.DraftsListed{Infos: []DraftInfo{
			{ID: "20261120-1712-k3x9", Company: "Acme Industries", AppsDone: []string{"UCX Suite Users' Synch from Control Hub", "Attendant Console Presence Connector"}, Updated: t0.Add(-16 * time.Hour)},
			{ID: "20261101-1100-zz00", Err: fmt.Errorf("draft 20261101-1100-zz00: %w", store.ErrDraftDamaged)},
		}}))
		f.step(press("d"))
	})
	checkGolden(t, "customer_prefilled", prefillForm, func(f *fixture) {
		f.drive(t, ev(wizard.DraftsListed{}))
	})
	// Ctrl-C in a prefilled form: nothing is saved yet, and the form's
	// data is not nothing.
	checkGolden(t, "customer_prefilled_quit", prefillForm, func(f *fixture) {
		f.drive(t, ev(wizard.DraftsListed{}))
		f.step(press("ctrl+c"))
	})
	// Ctrl-C in the form of a resumed draft: the draft stays as it was.
	checkGolden(t, "customer_resumed_quit", nil, func(f *fixture) {
		f.drive(t, ev(wizard.DraftsListed{Infos: []DraftInfo{{ID: "20261120-1712-k3x9", Company: "Acme Industries", Updated: t0.Add(-16 * time.Hour)}}}))
		f.step(ev(wizard.ResumeDraft{ID: "20261120-1712-k3x9"}), ev(wizard.DraftLoaded{Draft: Draft{ID: "20261120-1712-k3x9", Customer: testCustomer()}}))
		f.step(press("ctrl+c"))
	})
	checkGolden(t, "customer_errors", nil, func(f *fixture) {
		f.drive(t, ev(wizard.DraftsListed{}))
		f.drive(t, typeText("Acme Industries")...)
		f.drive(t, press("enter"))
		f.drive(t, typeText("jane@acme")...)
		f.drive(t, press("enter"))
	})
	checkGolden(t, "customer_required", nil, func(f *fixture) {
		f.drive(t, ev(wizard.DraftsListed{}))
		f.drive(t, press("enter"))
	})
	checkGolden(t, "apps", nil, func(f *fixture) { f.toApps() })
	checkGolden(t, "apps_deselected", nil, func(f *fixture) {
		f.toApps()
		f.step(press("down"), press("down"), press(" "))
	})
	checkGolden(t, "auth_starting", nil, func(f *fixture) { f.toAuth() })
	checkGolden(t, "auth_starting_retry", nil, func(f *fixture) {
		f.toAuth()
		f.step(ev(wizard.Retried{Gen: f.gen(), Event: flows.RetryEvent{Op: "start", AppID: "users", Attempt: 2, Wait: 4 * time.Second,
			Err: &flows.WebexError{Status: 503, TrackingID: "ROUTER_6561F0A1-3C2B"}}}))
	})
	checkGolden(t, "auth_pending", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.at(62 * time.Second)
		f.poll(flows.PollEvent{Attempt: 12, Outcome: flows.PollPending, At: t0.Add(60 * time.Second), NextPoll: t0.Add(65 * time.Second), Interval: 5 * time.Second})
	})
	checkGolden(t, "auth_slow_down", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.at(31 * time.Second)
		f.poll(flows.PollEvent{Attempt: 6, Outcome: flows.PollSlowDown, At: t0.Add(30 * time.Second), NextPoll: t0.Add(40 * time.Second), Interval: 10 * time.Second})
	})
	checkGolden(t, "auth_transient_retry", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.at(21 * time.Second)
		for i := 1; i <= 2; i++ {
			f.poll(flows.PollEvent{Attempt: 3 + i, Outcome: flows.PollTransient, At: t0.Add(20 * time.Second), NextPoll: t0.Add(24 * time.Second),
				Interval: 5 * time.Second, Err: errors.New("webex: HTTP 503 Service Unavailable (trackingId ROUTER_6561F0A1-3C2B)")})
		}
	})
	checkGolden(t, "auth_rate_limited", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.at(40 * time.Second)
		f.poll(flows.PollEvent{Attempt: 8, Outcome: flows.PollRateLimited, At: t0.Add(40 * time.Second), NextPoll: t0.Add(43 * time.Second), Interval: 8 * time.Second})
	})
	checkGolden(t, "auth_expired_renewing", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.at(5 * time.Minute)
		f.step(ev(wizard.WaitEnded{Gen: f.gen(), Err: fmt.Errorf("flows: wait: %w", flows.ErrExpired)}))
	})
	checkGolden(t, "auth_denied", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.step(ev(wizard.WaitEnded{Gen: f.gen(), Err: fmt.Errorf("flows: wait: %w", flows.ErrDenied)}))
	})
	checkGolden(t, "auth_invalid_client", nil, func(f *fixture) {
		f.toAuth("callcontrol")
		f.withCode()
		f.poll(flows.PollEvent{Attempt: 1, Outcome: flows.PollFailed})
		f.step(ev(wizard.WaitEnded{Gen: f.gen(), Err: fmt.Errorf("flows: wait: %w", flows.ErrInvalidClient)}))
	})
	checkGolden(t, "auth_approver_warning", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.approve(testIdentity())
		f.withCode()
		f.approve(otherApprover())
	})
	checkGolden(t, "auth_identify_failed", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(testApps()[0])}))
		f.step(ev(wizard.Identified{Gen: f.gen(), Err: errors.New("webex: Get https://webexapis.com/v1/people/me: dial tcp: i/o timeout")}))
	})
	checkGolden(t, "auth_identifying", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(testApps()[0])}))
	})
	checkGolden(t, "auth_fullscreen_qr", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.at(10 * time.Second)
		f.step(press("f"))
	})
	checkGolden(t, "auth_copied", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.pressRun("c")
	})
	checkGolden(t, "quit_confirm", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.approve(testIdentity())
		f.withCode()
		f.step(press("q"))
	})
	checkGolden(t, "review_warnings", nil, func(f *fixture) { f.toReview() })
	checkGolden(t, "review_passphrase_short", func(d *Deps) { d.Protection = Protection{Passphrase: true} }, func(f *fixture) {
		f.toReviewAllOK()
		f.step(typeText("short")...)
		f.step(press("enter"))
		f.step(typeText("short")...)
		f.step(press("enter"))
		f.pressRun("enter") // COMPLETE REQUEST: the flow checks the passphrase
	})
	checkGolden(t, "review_passphrase_mismatch", func(d *Deps) { d.Protection = Protection{Passphrase: true} }, func(f *fixture) {
		f.toReviewAllOK()
		f.step(typeText("correct horse battery")...)
		f.step(press("enter"))
		f.step(typeText("correct horse battery!")...)
		f.step(press("enter"))
		f.pressRun("enter") // COMPLETE REQUEST: the flow checks the passphrase
	})
	// Focus starts in the passphrase field, where b is a letter: the
	// footer still offers the way back to the skipped and failed apps.
	checkGolden(t, "review_passphrase_back", func(d *Deps) { d.Protection = Protection{Passphrase: true} }, func(f *fixture) {
		f.toReview()
	})
	checkGolden(t, "done", nil, func(f *fixture) {
		f.toAuth()
		for range testApps() {
			f.withCode()
			id := testIdentity()
			id.OrgUsers = 240
			f.approve(id)
		}
		f.drive(t, press("enter"))
	})
	checkGolden(t, "done_large_org", nil, func(f *fixture) {
		f.toReviewAllOK()
		f.drive(t, press("enter"))
	})
}

// TestAuthLayouts shows how the authorization screen reflows with the size:
// text only when small, the complete URI's QR beside or above the text
// where it fits.
func TestAuthLayouts(t *testing.T) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"text_only", 60, 20}, {"stacked", 52, 50}, {"side_full", 100, 30}} {
		t.Run(sz.name, func(t *testing.T) {
			f := newFixture(t, sz.w, sz.h, nil)
			f.toAuth()
			f.withCode()
			golden.RequireEqual(t, []byte(f.view()))
		})
	}
}

// TestStartingHelpHasNoCodeKeys: while the first code is requested, the
// help does not offer c (copy) or f (full QR), which do nothing there;
// once the code is shown it does.
func TestStartingHelpHasNoCodeKeys(t *testing.T) {
	f := newFixture(t, 120, 40, nil)
	f.toAuth()
	help := ansi.Strip(f.m.helpLine)
	if strings.Contains(help, "copy") || strings.Contains(help, "full QR") || !strings.Contains(help, "skip") {
		t.Errorf("help while requesting a code: %q", help)
	}
	f.withCode()
	if help := ansi.Strip(f.m.helpLine); !strings.Contains(help, "copy") || !strings.Contains(help, "full QR") {
		t.Errorf("help with a code: %q", help)
	}
}

// TestScreensRegistered: every step of the flow but the end has its
// screen, routed to (its step in the header follows the wizard's order).
func TestScreensRegistered(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	if len(f.m.screens) != int(wizard.StepEnded) {
		t.Fatalf("%d screens for %d steps", len(f.m.screens), wizard.StepEnded)
	}
	prev := 0
	for st := wizard.StepChecks; st < wizard.StepEnded; st++ {
		sc := f.m.screens[st]
		if sc == nil {
			t.Fatalf("step %d has no screen", st)
		}
		if sc.step() < prev {
			t.Errorf("step %d: header step %d after step %d", st, sc.step(), prev)
		}
		prev = sc.step()
	}
	if f.m.screens[wizard.StepAuthorize] != &f.m.auth || f.m.screens[wizard.StepCustomer] != &f.m.customer {
		t.Error("the registry does not hold the model's screens")
	}
}

// TestReviewBackFromPassphraseField: in the passphrase field b is a letter
// (it is typed), and esc goes back to the skipped and failed apps.
func TestReviewBackFromPassphraseField(t *testing.T) {
	f := newFixture(t, 80, 24, func(d *Deps) { d.Protection = Protection{Passphrase: true} })
	f.toReview()
	if f.m.v.Step != wizard.StepReview || !f.m.review.typing() {
		t.Fatalf("step %v typing %v, want the review with focus in the passphrase field", f.m.v.Step, f.m.review.typing())
	}
	f.pressRun("b")
	if f.m.v.Step != wizard.StepReview || f.m.review.pass1.Value() != "b" {
		t.Fatalf("b in the field: step %v, field %q; want the review with b typed", f.m.v.Step, f.m.review.pass1.Value())
	}
	f.pressRun("esc")
	if f.m.v.Step != wizard.StepAuthorize {
		t.Fatalf("esc in the field: step %v, want the authorization of the skipped apps", f.m.v.Step)
	}
}

// TestQuitQuestionOverTextField: the quit question asked over a text field
// (the customer form) has the keys: n and esc answer no, y yes, and the
// help offers them.
func TestQuitQuestionOverTextField(t *testing.T) {
	for _, tc := range []struct {
		key  string
		quit bool
	}{{"n", false}, {"esc", false}, {"y", true}} {
		t.Run(tc.key, func(t *testing.T) {
			f := newFixture(t, 80, 24, prefillForm)
			f.drive(t, ev(wizard.DraftsListed{}))
			if f.m.v.Step != wizard.StepCustomer {
				t.Fatalf("step %v: want the customer form", f.m.v.Step)
			}
			f.step(press("ctrl+c"))
			if help := ansi.Strip(f.m.helpLine); !f.m.v.AskQuit || !strings.Contains(help, "y quit") || !strings.Contains(help, "n stay") {
				t.Fatalf("ctrl+c: ask %v, help %q", f.m.v.AskQuit, help)
			}
			f.step(press(tc.key))
			if f.m.quitting != tc.quit || f.m.v.AskQuit {
				t.Errorf("%s: quitting %v, still asking %v; want quitting %v", tc.key, f.m.quitting, f.m.v.AskQuit, tc.quit)
			}
			if !tc.quit && (f.m.v.Step != wizard.StepCustomer || !strings.Contains(f.view(), "Acme Industries")) {
				t.Errorf("%s: not back on the form:\n%s", tc.key, f.view())
			}
		})
	}
}

// prefillForm fills the customer form with testCustomer.
func prefillForm(d *Deps) { c := testCustomer(); d.Prefill = &c }
