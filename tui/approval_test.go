package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
)

// savedGrant reports whether a draft in d holds app's fake token.
func savedGrant(d *fakeDrafts, appID string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, dr := range d.drafts {
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
	f.auth.identifyBlock = true
	f.drive(t, draftsMsg{})
	f.submitForm(t)
	f.drive(t, press("enter"))
	if f.m.screen != scrAuth || f.m.auth.app.ID != "users" || f.m.auth.state != authIdentifying {
		t.Fatalf("want users approved, identifying:\n%s", f.view())
	}
	if !savedGrant(f.drafts, "users") {
		t.Fatal("the approved grant is not in the draft while Identify runs")
	}
	if f.drafts.n != 1 {
		t.Errorf("%d drafts created, want 1", f.drafts.n)
	}
	f.drive(t, press("q"))
	f.drive(t, press("y"))
	res, err := f.m.Result()
	if !errors.Is(err, ErrUserAborted) || res.DraftID == "" {
		t.Fatalf("Result = %+v, %v", res, err)
	}
	d := f.drafts.drafts[res.DraftID]
	if len(d.Apps) != 1 || d.Apps[0].AppID != "users" || d.Apps[0].Approver.Email != "" {
		t.Fatalf("draft apps %+v", d.Apps)
	}

	g := newFixture(t, 80, 24, nil)
	g.drafts = f.drafts
	g.m.c.deps.Drafts = f.drafts
	g.drive(t, draftsMsg{infos: mustList(t, f.drafts)})
	g.drive(t, press("enter"))
	g.submitForm(t)
	g.drive(t, press("enter"))
	if g.m.screen != scrReview {
		t.Fatalf("not on review after resuming:\n%s", g.view())
	}
	if n := g.auth.startCount(); n != 3 {
		t.Errorf("resumed wizard started %d codes, want 3 (users was kept)", n)
	}
	// The approver never checked is checked on resume (no new code).
	if n := g.auth.identifies; n != 4 {
		t.Errorf("resumed wizard called Identify %d times, want 4 (users checked again)", n)
	}
	if r := g.m.s.Results["users"]; r == nil || r.Grant.Approver.Email != "Jane.Admin@acme.example" || r.Pending() {
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
	f.auth.identifyErr = []error{errors.New("webex: Get people/me: dial tcp: i/o timeout")}
	f.toAuth()
	f.withCode()
	f.drive(t, grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, grant: testGrant(testApps()[0])})
	if f.m.auth.state != authUnidentified {
		t.Fatalf("state %d, want unidentified:\n%s", f.m.auth.state, f.view())
	}
	v := f.view()
	for _, want := range []string{"i/o timeout", "i try again", "a accept anyway", "r authorize again"} {
		if !strings.Contains(v, want) {
			t.Errorf("screen lacks %q:\n%s", want, v)
		}
	}
	if !savedGrant(f.drafts, "users") {
		t.Error("grant not saved while the approver is unknown")
	}
	f.drive(t, press("i")) // the fakes approve the other apps at once
	r := f.m.s.Results["users"]
	if r == nil || r.Status != statusAuthorized || len(r.Warnings) != 0 || r.Grant.Approver.Email != "Jane.Admin@acme.example" {
		t.Fatalf("users after retry: %+v", r)
	}
	if f.m.screen != scrReview || f.auth.identifies != 5 {
		t.Errorf("screen %d, Identify called %d times, want review and 5 (users twice)", f.m.screen, f.auth.identifies)
	}
}

// TestReauthorizeDropsSavedGrant: r on an approver warning drops the
// approval from the draft (the engineer rejected it), so a resume asks for
// that app again.
func TestReauthorizeDropsSavedGrant(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	defer f.m.cancel()
	f.auth.identity = func(flows.App) flows.Identity { return otherApprover() }
	f.auth.block["users"] = true // the fresh code of r stays pending
	f.toAuth()
	f.withCode()
	f.drive(t, grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, grant: testGrant(testApps()[0])})
	if f.m.auth.state != authWarning || !savedGrant(f.drafts, "users") {
		t.Fatalf("state %d, saved %v", f.m.auth.state, savedGrant(f.drafts, "users"))
	}
	f.drive(t, press("r"))
	if savedGrant(f.drafts, "users") {
		t.Error("the rejected approval is still in the draft")
	}
	if r := f.m.s.Results["users"]; r != nil && r.Status == statusAuthorized {
		t.Errorf("rejected approval still counted: %+v", r)
	}
}

// TestAccessibleGrantSavedBeforeIdentify: the line-by-line flow saves the
// approval before asking who approved, too.
func TestAccessibleGrantSavedBeforeIdentify(t *testing.T) {
	f := newFakes()
	f.auth.identifyBlock = true
	f.auth.identifying = make(chan string, 1)
	d := testDeps(f)
	d.Accessible = true
	c := testCustomer()
	d.Prefill = &c
	pr, pw := io.Pipe()
	defer pw.Close()
	go fmt.Fprint(pw, strings.Repeat("\n", 6)+"y\n")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() {
		_, err := Run(ctx, d, Options{In: pr, Out: &out})
		done <- err
	}()
	select {
	case <-f.auth.identifying:
	case <-time.After(5 * time.Second):
		cancel()
		t.Fatal("Identify never called")
	}
	saved := savedGrant(f.drafts, "users")
	cancel()
	if err := <-done; !errors.Is(err, ErrUserAborted) {
		t.Errorf("Run = %v", err)
	}
	if !saved {
		t.Error("the approved grant is not in the draft while Identify runs")
	}
}

// TestAccessibleIdentifyRetry: i asks who approved again.
func TestAccessibleIdentifyRetry(t *testing.T) {
	f := newFakes()
	f.auth.identifyErr = []error{errors.New("webex: Get people/me: dial tcp: i/o timeout")}
	d := testDeps(f)
	d.Accessible = true
	c := testCustomer()
	d.Prefill = &c
	in := strings.Repeat("\n", 6) + "y\ni\ny\n"
	var out bytes.Buffer
	res, err := Run(context.Background(), d, Options{In: strings.NewReader(in), Out: &out})
	text := out.String()
	if err != nil || res.Receipt == nil {
		t.Fatalf("Run = %+v, %v\n%s", res, err, text)
	}
	if !strings.Contains(text, "i to check again") || f.auth.identifies != 5 {
		t.Errorf("identifies %d:\n%s", f.auth.identifies, text)
	}
	b, _, _ := f.writer.got()
	if len(b.Apps) != 4 || b.Apps[0].Approver.Email == "" {
		t.Errorf("bundle apps %+v", b.Apps)
	}
}

// TestResumeKeepsAcceptedWarnings: an approver warning accepted before
// quitting is still written into the bundle after resuming.
func TestResumeKeepsAcceptedWarnings(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	f.withCode()
	f.approve(otherApprover())
	f.pressRun("a")
	f.step(press("q"), press("y"))
	f.m.Update(saveDraftNow(t, f))
	g := newFixture(t, 80, 24, nil)
	g.m.c.deps.Drafts = f.drafts
	var id string
	for k := range f.drafts.drafts {
		id = k
	}
	dr, _ := f.drafts.Load(id)
	g.step(draftLoadedMsg{draft: dr})
	r := g.m.s.Results["users"]
	if r == nil || len(r.Warnings) != 2 {
		t.Fatalf("resumed users result %+v, warnings %q (draft approvals %+v)", r, r.Warnings, dr.Approvals)
	}
}

// saveDraftNow saves f's draft synchronously and returns the saved message.
func saveDraftNow(t *testing.T, f *fixture) draftSavedMsg {
	t.Helper()
	f.m.s.Snapshot()
	d := f.m.s.Draft
	if err := f.drafts.Save(&d); err != nil {
		t.Fatal(err)
	}
	return draftSavedMsg{id: d.ID}
}

// TestNoDraftAfterBundle: a draft save still in flight when the bundle is
// written does not leave the draft behind (nor does a save asked after).
func TestNoDraftAfterBundle(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toReviewAllOK()
	dr := saveDraftNow(t, f)
	f.step(dr)
	if len(f.drafts.drafts) != 1 {
		t.Fatalf("%d drafts before the bundle", len(f.drafts.drafts))
	}
	f.m.sv.state = saverQueued // a save is in flight, another asked
	_, cmd := f.m.Update(bundleWrittenMsg{receipt: Receipt{BundlePath: "/tmp/x.ucxbundle"}})
	if cmd != nil {
		cmd()
	}
	// The in-flight save lands after the bundle was written.
	_ = f.drafts.Save(&f.m.s.Draft)
	_, cmd = f.m.Update(draftSavedMsg{id: dr.id})
	for cmd != nil {
		msg := cmd()
		if msg == nil {
			break
		}
		_, cmd = f.m.Update(msg)
	}
	if len(f.drafts.drafts) != 0 {
		t.Errorf("%d drafts left after the bundle was written", len(f.drafts.drafts))
	}
	if f.m.c.deps.Drafts != nil && f.m.save() != nil {
		t.Error("a draft save is still possible after the bundle was written")
	}
}

// TestGrantArrivingAtQuitIsKept: Wait returned a grant just before the
// quit was confirmed (its grantMsg still queued while the quit's save is
// in flight): the approval is saved before the wizard ends, and no
// Identify is started.
func TestGrantArrivingAtQuitIsKept(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	f.withCode()
	app, gen := f.m.auth.app, f.m.auth.gen
	f.step(press("q"))
	_, saveCmd := f.m.Update(press("y")) // quitting; the save is in flight
	if !f.m.quitting || saveCmd == nil {
		t.Fatal("not quitting with a save")
	}
	_, cmd := f.m.Update(grantMsg{gen: gen, app: app.ID, grant: testGrant(app)})
	if cmd != nil {
		t.Errorf("a command after the quit: %s", cmdName(cmd))
	}
	f.drive(t, saveCmd())
	if !savedGrant(f.drafts, app.ID) {
		t.Errorf("approved grant for %s not in any draft after quitting (drafts: %d)", app.ID, len(f.drafts.drafts))
	}
	if f.auth.identifies != 0 {
		t.Errorf("%d Identify calls after the quit", f.auth.identifies)
	}
	if f.drafts.n != 1 {
		t.Errorf("%d drafts, want 1", f.drafts.n)
	}
}
