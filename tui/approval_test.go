package tui

import (
	"errors"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// savedGrant reports whether a draft in d holds app's fake token.
func savedGrant(d *fakeDrafts, appID string) bool {
	d.Mu.Lock()
	defer d.Mu.Unlock()
	for _, dr := range d.Drafts {
		for _, g := range dr.Apps {
			if g.AppID == appID && g.AccessToken.Reveal() == fakeAccess+"-"+appID {
				return true
			}
		}
	}
	return false
}

// TestGrantSavedBeforeIdentify: an approval is saved in the draft as soon
// as Wait returns it, while Identify still hangs (flaky Wi-Fi); quitting
// then keeps it, and a resumed wizard does not ask for it again.
func TestGrantSavedBeforeIdentify(t *testing.T) {
	f := newFixture(t, 80, 24, prefill)
	defer f.m.cancel()
	f.auth.IdentifyBlock = true
	f.drive(t, ev(wizard.DraftsListed{}))
	f.submitForm(t)
	f.drive(t, press("enter"))
	if a := f.m.v.Auth; f.m.v.Step != wizard.StepAuthorize || a.App.ID != "users" || a.Phase != wizard.PhaseIdentifying {
		t.Fatalf("want users approved, identifying:\n%s", f.view())
	}
	if !savedGrant(f.drafts, "users") {
		t.Fatal("the approved grant is not in the draft while Identify runs")
	}
	if f.drafts.N != 1 {
		t.Errorf("%d drafts created, want 1", f.drafts.N)
	}
	f.drive(t, press("q"))
	f.drive(t, press("y"))
	res, err := f.m.Result()
	if !errors.Is(err, ErrUserAborted) || res.DraftID == "" {
		t.Fatalf("Result = %+v, %v", res, err)
	}
	d := f.drafts.Drafts[res.DraftID]
	if len(d.Apps) != 1 || d.Apps[0].AppID != "users" || d.Apps[0].Approver.Email != "" {
		t.Fatalf("draft apps %+v", d.Apps)
	}

	g := newFixture(t, 80, 24, func(d *Deps) { d.Drafts = f.drafts })
	g.drafts = f.drafts
	g.drive(t, ev(wizard.DraftsListed{Infos: mustList(t, f.drafts)}))
	g.drive(t, press("enter"))
	g.submitForm(t)
	g.drive(t, press("enter"))
	if g.m.v.Step != wizard.StepReview {
		t.Fatalf("not on review after resuming:\n%s", g.view())
	}
	if n := g.auth.StartCount(); n != 3 {
		t.Errorf("resumed wizard started %d codes, want 3 (users was kept)", n)
	}
	// The approver never checked is checked on resume (no new code).
	if n := g.auth.Identifies; n != 4 {
		t.Errorf("resumed wizard called Identify %d times, want 4 (users checked again)", n)
	}
	if r := g.m.flow.Session().Results["users"]; r == nil || r.Grant.Approver.Email != "Jane.Admin@acme.example" || r.Pending() {
		t.Errorf("users after resume: %+v", r)
	}
}

func mustList(t *testing.T, d *fakeDrafts) []DraftInfo {
	t.Helper()
	infos, err := d.List()
	if err != nil {
		t.Fatal(err)
	}
	return infos
}

// TestIdentifyRetry: when Identify fails (a network error), i asks again;
// the second answer finishes the app without a warning.
func TestIdentifyRetry(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.auth.IdentifyErr = []error{errors.New("webex: Get people/me: dial tcp: i/o timeout")}
	f.toAuth()
	f.withCode()
	f.drive(t, ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(testApps()[0])}))
	if f.m.v.Auth.Phase != wizard.PhaseUnidentified {
		t.Fatalf("phase %d, want unidentified:\n%s", f.m.v.Auth.Phase, f.view())
	}
	v := f.view()
	for _, want := range []string{"i/o timeout", "Press i to try again", "i try again", "a accept anyway", "r authorize again"} {
		if !strings.Contains(v, want) {
			t.Errorf("screen lacks %q:\n%s", want, v)
		}
	}
	if !savedGrant(f.drafts, "users") {
		t.Error("grant not saved while the approver is unknown")
	}
	f.drive(t, press("i")) // the fakes approve the other apps at once
	r := f.m.flow.Session().Results["users"]
	if r == nil || r.Status != statusAuthorized || len(r.Warnings) != 0 || r.Grant.Approver.Email != "Jane.Admin@acme.example" {
		t.Fatalf("users after retry: %+v", r)
	}
	if f.m.v.Step != wizard.StepReview || f.auth.Identifies != 5 {
		t.Errorf("step %d, Identify called %d times, want review and 5 (users twice)", f.m.v.Step, f.auth.Identifies)
	}
}

// TestReauthorizeDropsSavedGrant: r on an approver warning drops the
// approval from the draft (the engineer rejected it), so a resume asks for
// that app again.
func TestReauthorizeDropsSavedGrant(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	defer f.m.cancel()
	f.auth.Identity = func(flows.App) flows.Identity { return otherApprover() }
	f.auth.Block["users"] = true // the fresh code of r stays pending
	f.toAuth()
	f.withCode()
	f.drive(t, ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(testApps()[0])}))
	if f.m.v.Auth.Phase != wizard.PhaseWarning || !savedGrant(f.drafts, "users") {
		t.Fatalf("phase %d, saved %v", f.m.v.Auth.Phase, savedGrant(f.drafts, "users"))
	}
	f.drive(t, press("r"))
	if savedGrant(f.drafts, "users") {
		t.Error("the rejected approval is still in the draft")
	}
	if r := f.m.flow.Session().Results["users"]; r != nil && r.Status == statusAuthorized {
		t.Errorf("rejected approval still counted: %+v", r)
	}
	if a := f.m.v.Auth; a.App.ID != "users" || a.Phase != wizard.PhaseWaiting {
		t.Errorf("r did not show users' fresh code:\n%s", f.view())
	}
}

// TestResumeKeepsAcceptedWarnings: an approver warning accepted before
// quitting is still written into the bundle after resuming.
func TestResumeKeepsAcceptedWarnings(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	f.withCode()
	f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(testApps()[0])}), ev(wizard.Identified{Gen: f.gen(), Identity: otherApprover()}))
	if f.m.v.Auth.Phase != wizard.PhaseWarning {
		t.Fatalf("phase %d, want a warning:\n%s", f.m.v.Auth.Phase, f.view())
	}
	f.step(press("a"))
	f.step(press("q"), press("y"))
	f.step(saveDraftNow(t, f)) // the quit's save, written
	g := newFixture(t, 80, 24, func(d *Deps) { d.Drafts = f.drafts })
	g.drive(t, ev(wizard.DraftsListed{Infos: mustList(t, f.drafts)}), press("enter"))
	if g.m.v.Step != wizard.StepCustomer {
		t.Fatalf("the draft was not resumed:\n%s", g.view())
	}
	r := g.m.flow.Session().Results["users"]
	if r == nil || len(r.Warnings) != 2 {
		t.Fatalf("resumed users result %+v", r)
	}
	// The other apps are approved by the same account, their warnings
	// accepted too.
	g.auth.Identity = func(flows.App) flows.Identity { return otherApprover() }
	g.submitForm(t)
	g.drive(t, press("enter"))
	for i := 0; i < 3 && g.m.v.Step == wizard.StepAuthorize && g.m.v.Auth.Phase == wizard.PhaseWarning; i++ {
		g.drive(t, press("a"))
	}
	g.drive(t, press("enter"))
	b, _, _ := g.writer.Got()
	if b == nil || len(b.Apps) != 4 {
		t.Fatalf("bundle after resume: %+v", b)
	}
	for _, w := range r.Warnings {
		if !slices.Contains(b.Warnings, w) {
			t.Errorf("the bundle's warnings %q lack the accepted %q", b.Warnings, w)
		}
	}
}

// saveDraftNow saves the flow's draft now, as its Save effect would (the
// runner writes it), and returns the answer for the model.
func saveDraftNow(t *testing.T, f *fixture) tea.Msg {
	t.Helper()
	save, _ := f.m.flow.Leftover()
	if save == nil {
		t.Fatal("saveDraftNow: nothing to save")
	}
	saved, _ := f.m.run.Run(*save, nil).(wizard.Saved)
	if saved.Err != nil || saved.Stale {
		t.Fatalf("saveDraftNow: %+v", saved)
	}
	return ev(saved)
}

// TestNoDraftAfterBundle: a draft save still in flight when the bundle is
// written does not leave the draft behind (nor does a save asked after).
func TestNoDraftAfterBundle(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	defer f.m.cancel()
	f.auth.Block["cdr"] = true
	f.toApps()
	f.drive(t, press("enter"))
	if a := f.m.v.Auth; a == nil || a.App.ID != "cdr" || a.Phase != wizard.PhaseWaiting {
		t.Fatalf("want cdr waiting:\n%s", f.view())
	}
	if len(f.drafts.Drafts) != 1 {
		t.Fatalf("%d drafts before the bundle", len(f.drafts.Drafts))
	}
	// cdr is approved and checked; the saves this asks for are in flight.
	_, saving := f.m.Update(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(testApps()[3])}))
	_, saving2 := f.m.Update(ev(wizard.Identified{Gen: f.gen(), Identity: testIdentity()}))
	if f.m.v.Step != wizard.StepReview || !f.m.v.Saving {
		t.Fatalf("want the review with a save in flight:\n%s", f.view())
	}
	f.drive(t, press("enter"))
	if f.m.v.Step != wizard.StepDone || len(f.drafts.Drafts) != 0 {
		t.Fatalf("step %d, %d drafts after the bundle was written", f.m.v.Step, len(f.drafts.Drafts))
	}
	// The saves in flight land after the bundle was written.
	f.drive(t, tea.BatchMsg{saving, saving2})
	if len(f.drafts.Drafts) != 0 {
		t.Errorf("%d drafts left after the bundle was written", len(f.drafts.Drafts))
	}
	if save, _ := f.m.flow.Leftover(); save != nil {
		t.Error("a draft save is still possible after the bundle was written")
	}
}

// TestGrantArrivingAtQuitIsKept: Wait returned a grant just before the
// quit was confirmed (its answer still queued while the quit's save is in
// flight): the approval is saved before the wizard ends, even when the
// program ends before its own save runs, and no Identify is started.
func TestGrantArrivingAtQuitIsKept(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	f.withCode()
	app, gen := f.m.v.Auth.App, f.gen()
	f.step(press("q"))
	_, saveCmd := f.m.Update(press("y")) // quitting; the save is in flight
	if !f.m.quitting || saveCmd == nil {
		t.Fatal("not quitting with a save")
	}
	f.m.Update(ev(wizard.WaitEnded{Gen: gen, Grant: testGrant(app)})) // its save never runs: the program ends first
	f.drive(t, saveCmd())
	f.m.finishSaves() // as Run does once the program has ended
	if !savedGrant(f.drafts, app.ID) {
		t.Errorf("approved grant for %s not in any draft after quitting (drafts: %d)", app.ID, len(f.drafts.Drafts))
	}
	if f.auth.Identifies != 0 {
		t.Errorf("%d Identify calls after the quit", f.auth.Identifies)
	}
	if f.drafts.N != 1 {
		t.Errorf("%d drafts, want 1", f.drafts.N)
	}
}
