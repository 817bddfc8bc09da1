package tui

import (
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// fixtureOn builds the model on the fakes of g (drafts of an earlier run,
// say), with deps adjusted by tweak, like newFixture.
func fixtureOn(t testing.TB, g *fixture, w, h int, tweak func(*Deps)) *fixture {
	t.Helper()
	d := testDeps(g)
	if tweak != nil {
		tweak(&d)
	}
	g.m = New(d)
	g.m.Init() // the commands are dropped
	g.m.c.now = t0
	g.step(tea.WindowSizeMsg{Width: w, Height: h})
	return g
}

// confirmForm presses enter through the customer form (prefilled or
// resumed) until it is submitted, and fails unless the apps step opened.
func (f *fixture) confirmForm(t *testing.T) {
	t.Helper()
	for i := 0; i < 12 && f.m.v.Step == wizard.StepCustomer; i++ {
		f.drive(t, press("enter"))
	}
	if f.m.v.Step != wizard.StepApps {
		t.Fatalf("form not submitted; step %d:\n%s", f.m.v.Step, f.view())
	}
}

// onApp tells whether the flow is on app id's authorization in phase p.
func (f *fixture) onApp(id string, p wizard.Phase) bool {
	a := f.m.v.Auth
	return f.m.v.Step == wizard.StepAuthorize && a != nil && a.App.ID == id && a.Phase == p
}

// where describes the flow's step and phase, for failures.
func (f *fixture) where() string {
	v := f.m.v
	if v.Auth != nil {
		return "step " + stepName(v.Step) + " app " + v.Auth.App.ID + " phase " + phaseName(v.Auth.Phase)
	}
	return "step " + stepName(v.Step)
}

func stepName(s wizard.Step) string {
	return [...]string{"checks", "loading", "resume", "customer", "apps", "authorize", "review", "done", "ended"}[s]
}

func phaseName(p wizard.Phase) string {
	return [...]string{"starting", "waiting", "renewing", "identifying", "warning", "unidentified", "failed"}[p]
}

// resumeAfterQuit takes a prefilled fixture to the first app (users),
// approved, with Identify answering as the fixture's fakes say (setup),
// then quits, and returns a fresh fixture on the same drafts (its fakes
// set by resumed, its deps by tweak) that resumed the draft and submitted
// the form and the apps.
func resumeAfterQuit(t *testing.T, setup func(*fixture), resumed func(*fixture), tweak func(*Deps)) *fixture {
	t.Helper()
	f := newFixture(t, 80, 24, prefill)
	defer f.m.cancel()
	setup(f)
	f.drive(t, ev(wizard.DraftsListed{}))
	f.confirmForm(t)
	f.drive(t, press("enter"))
	if a := f.m.v.Auth; f.m.v.Step != wizard.StepAuthorize || a.App.ID != "users" {
		t.Fatalf("not on users (%s):\n%s", f.where(), f.view())
	}
	f.drive(t, press("q"), press("y"))
	if _, err := f.m.Result(); !errors.Is(err, ErrUserAborted) {
		t.Fatal(err)
	}
	if !savedGrant(f.drafts, "users") {
		t.Fatal("users not in the draft")
	}
	g := newFakes()
	g.drafts = f.drafts
	if resumed != nil {
		resumed(g)
	}
	fixtureOn(t, g, 80, 24, tweak)
	t.Cleanup(g.m.cancel)
	g.drive(t, ev(wizard.DraftsListed{Infos: mustList(t, f.drafts)}))
	g.drive(t, press("enter"))
	g.confirmForm(t)
	g.drive(t, press("enter"))
	return g
}

// TestResumedUncheckedApproverWarnsWhenAccepted: a draft saved before
// Identify answered; on resume Identify runs again for that app (no new
// code) and fails; a keeps the approval, and the bundle carries the same
// warning as pressing a on the unidentified screen.
func TestResumedUncheckedApproverWarnsWhenAccepted(t *testing.T) {
	g := resumeAfterQuit(t,
		func(f *fixture) { f.auth.IdentifyBlock = true },
		func(g *fixture) {
			g.auth.IdentifyErr = []error{errors.New("webex: Get people/me: dial tcp: i/o timeout")}
		}, nil)
	if !g.onApp("users", wizard.PhaseUnidentified) {
		t.Fatalf("want users unidentified after resume, got %s:\n%s", g.where(), g.view())
	}
	if g.auth.StartCount() != 0 {
		t.Errorf("%d codes requested for an app already approved", g.auth.StartCount())
	}
	g.drive(t, press("a"))
	if g.m.v.Step != wizard.StepReview {
		t.Fatalf("not on review (%s):\n%s", g.where(), g.view())
	}
	found := false
	for _, w := range g.m.v.Review.Warnings {
		found = found || strings.HasPrefix(w, "UCX Suite Users' Synch from Control Hub: Could not tell who approved")
	}
	if !found {
		t.Errorf("no warning that the approver was not checked: %q", g.m.v.Review.Warnings)
	}
}

// TestResumedUndecidedWarningAsksAgain: the engineer quit on the approver
// warning screen without accepting; on resume the app comes back to the
// warning (a/r/s), not as authorized, without a new code or Identify; a
// accepts it and the bundle carries the warning.
func TestResumedUndecidedWarningAsksAgain(t *testing.T) {
	g := resumeAfterQuit(t,
		func(f *fixture) {
			f.auth.Identity = func(flows.App) flows.Identity { return otherApprover() }
		},
		nil, nil)
	if !g.onApp("users", wizard.PhaseWarning) {
		t.Fatalf("want the users warning after resume, got %s:\n%s", g.where(), g.view())
	}
	v := g.view()
	for _, want := range []string{"Help Desk", "not a Full Admin", "a keep it", "r authorize again"} {
		if !strings.Contains(v, want) {
			t.Errorf("warning screen lacks %q:\n%s", want, v)
		}
	}
	if g.auth.StartCount() != 0 || g.auth.Identifies != 0 {
		t.Errorf("resume asked Webex again: %d starts, %d identifies", g.auth.StartCount(), g.auth.Identifies)
	}
	g.drive(t, press("a"))
	// The other apps are approved by Jane, in another org than Help
	// Desk's: accept those warnings too.
	for i := 0; i < 3 && g.m.v.Step == wizard.StepAuthorize && g.m.v.Auth.Phase == wizard.PhaseWarning; i++ {
		g.drive(t, press("a"))
	}
	if g.m.v.Step != wizard.StepReview {
		t.Fatalf("not on review (%s):\n%s", g.where(), g.view())
	}
	n := 0
	for _, w := range g.m.v.Review.Warnings {
		if strings.HasPrefix(w, "UCX Suite Users' Synch from Control Hub: Help Desk") {
			n++
		}
	}
	if n == 0 {
		t.Errorf("the accepted warning is not in the bundle: %q", g.m.v.Review.Warnings)
	}
	if r := g.m.flow.Session().Results["users"]; r == nil || r.Grant.Approver.Email != "helpdesk@acme-support.example" || r.Pending() {
		t.Errorf("users: %+v", r)
	}
}

// TestResumedUndecidedWarningReauthorize: r on a resumed warning drops the
// approval and asks for a fresh code.
func TestResumedUndecidedWarningReauthorize(t *testing.T) {
	g := resumeAfterQuit(t,
		func(f *fixture) { f.auth.Identity = func(flows.App) flows.Identity { return otherApprover() } },
		func(g *fixture) { g.auth.Block["users"] = true }, nil)
	if !g.onApp("users", wizard.PhaseWarning) {
		t.Fatalf("%s:\n%s", g.where(), g.view())
	}
	g.drive(t, press("r"))
	if n := g.auth.StartsOf("users"); n != 1 || savedGrant(g.drafts, "users") {
		t.Errorf("r: %d starts of users, still saved %v", n, savedGrant(g.drafts, "users"))
	}
}
