package tui

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// submitForm walks the customer form with enter (prefilled values).
func (f *fixture) submitForm(t *testing.T) {
	t.Helper()
	for i := 0; i < 12 && f.m.v.Step == wizard.StepCustomer; i++ {
		f.drive(t, press("enter"))
	}
	if f.m.v.Step != wizard.StepApps {
		t.Fatalf("form not submitted; step %d:\n%s", f.m.v.Step, f.view())
	}
}

func prefill(d *Deps) { c := testCustomer(); d.Prefill = &c }

// TestHappyPath drives the whole wizard with instant fakes: form, apps, four
// approvals, review, COMPLETE REQUEST; the bundle holds the exact tokens,
// a draft was saved after every approval and removed at the end.
func TestHappyPath(t *testing.T) {
	f := newFixture(t, 80, 24, prefill)
	f.drive(t, ev(wizard.DraftsListed{}))
	f.submitForm(t)
	f.drive(t, press("enter"))
	if f.m.v.Step != wizard.StepReview {
		t.Fatalf("not on review:\n%s", f.view())
	}
	if f.drafts.Saves != 8 || f.drafts.N != 1 {
		t.Errorf("drafts saved %d times in %d drafts, want 8 in 1 (each approval at once, then its approver)", f.drafts.Saves, f.drafts.N)
	}
	f.drive(t, press("enter"))
	if f.m.v.Step != wizard.StepDone {
		t.Fatalf("not done:\n%s", f.view())
	}
	b, pass, path := f.writer.Got()
	if b == nil {
		t.Fatal("no bundle written")
	}
	if !pass.IsZero() {
		t.Error("a passphrase was passed with recipient protection")
	}
	if path != "/home/field/acme-industries-2026-11-21.ucxbundle" {
		t.Errorf("path %q", path)
	}
	if b.Customer != testCustomer() || b.ToolVersion != "v0.9.0-test" {
		t.Errorf("customer %+v version %q", b.Customer, b.ToolVersion)
	}
	if b.Org.ID != orgID || b.Org.UserCount != 1001 || b.Org.Name != "Acme Industries" {
		t.Errorf("org %+v", b.Org)
	}
	if len(b.Apps) != 4 {
		t.Fatalf("%d apps in the bundle", len(b.Apps))
	}
	for i, app := range testApps() {
		g := b.Apps[i]
		if g.AppID != app.ID || g.AccessToken.Reveal() != fakeAccess+"-"+app.ID || g.RefreshToken.Reveal() != fakeRefresh+"-"+app.ID {
			t.Errorf("app %d: %s tokens not the fake's", i, g.AppID)
		}
		if g.Approver.Email != "Jane.Admin@acme.example" || !g.Approver.FullAdmin || g.ClientID != app.ClientID {
			t.Errorf("app %s: approver %+v", app.ID, g.Approver)
		}
	}
	if len(b.Warnings) != 1 || !strings.Contains(b.Warnings[0], "more than 1,000 users") {
		t.Errorf("warnings %q", b.Warnings)
	}
	if len(f.drafts.Drafts) != 0 {
		t.Errorf("draft not removed after the bundle was written: %d left", len(f.drafts.Drafts))
	}
	res, err := f.m.Result()
	if err != nil || res.Receipt == nil || res.Receipt.BundlePath != path || res.DraftID != "" {
		t.Errorf("Result = %+v, %v", res, err)
	}
	f.drive(t, press("q"))
	if !f.m.quitting {
		t.Error("q on the done screen does not exit")
	}
}

// TestQuitThenResume quits after two approvals (the draft keeps them), then
// a new wizard resumes the draft and only asks for the two others.
func TestQuitThenResume(t *testing.T) {
	f := newFixture(t, 80, 24, prefill)
	f.auth.Block["callcontrol"] = true
	f.drive(t, ev(wizard.DraftsListed{}))
	f.submitForm(t)
	f.drive(t, press("enter"))
	if f.m.v.Step != wizard.StepAuthorize || f.m.v.Auth.App.ID != "callcontrol" {
		t.Fatalf("want callcontrol pending:\n%s", f.view())
	}
	f.drive(t, press("q"))
	if !f.m.v.AskQuit {
		t.Fatal("q did not ask first")
	}
	f.drive(t, press("y"))
	res, err := f.m.Result()
	if !errors.Is(err, ErrUserAborted) || res.DraftID == "" {
		t.Fatalf("Result = %+v, %v", res, err)
	}
	d := f.drafts.Drafts[res.DraftID]
	if len(d.Apps) != 2 || d.Customer != testCustomer() || len(d.SelectedApps) != 4 {
		t.Fatalf("draft %+v", d)
	}

	// Start again on the same drafts.
	g := newFixture(t, 120, 40, func(d *Deps) { d.Drafts = f.drafts })
	g.drafts = f.drafts
	infos, _ := f.drafts.List()
	g.drive(t, ev(wizard.DraftsListed{Infos: infos}))
	if g.m.v.Step != wizard.StepResume {
		t.Fatalf("no resume offer:\n%s", g.view())
	}
	g.drive(t, press("enter"))
	if g.m.v.Step != wizard.StepCustomer || g.m.customer.vals.Company != "Acme Industries" {
		t.Fatalf("draft's customer not in the form:\n%s", g.view())
	}
	g.submitForm(t)
	if !strings.Contains(g.view(), "authorized (draft)") {
		t.Errorf("apps screen does not show the draft's approvals:\n%s", g.view())
	}
	g.drive(t, press("enter"))
	g.drive(t, press("enter"))
	if g.m.v.Step != wizard.StepDone {
		t.Fatalf("not done:\n%s", g.view())
	}
	if g.auth.StartCount() != 2 {
		t.Errorf("%d codes started after resume, want 2", g.auth.StartCount())
	}
	b, _, _ := g.writer.Got()
	if len(b.Apps) != 4 || b.Apps[0].AccessToken.Reveal() != fakeAccess+"-users" {
		t.Fatalf("bundle after resume: %d apps", len(b.Apps))
	}
	if len(f.drafts.Drafts) != 0 {
		t.Error("draft not removed")
	}
}

// TestRecoveries: an expired code is replaced on its own; a denied app is
// authorized again with r once allowed; an app whose secret is rejected is
// skipped as failed.
func TestRecoveries(t *testing.T) {
	f := newFixture(t, 80, 24, prefill)
	f.auth.WaitErr["users"] = []error{fmt.Errorf("flows: wait: %w", flows.ErrExpired)}
	f.auth.WaitErr["presence"] = []error{fmt.Errorf("flows: wait: %w", flows.ErrDenied)}
	f.auth.WaitErr["cdr"] = []error{fmt.Errorf("flows: wait: %w", flows.ErrInvalidClient)}
	f.drive(t, ev(wizard.DraftsListed{}))
	f.submitForm(t)
	f.drive(t, press("enter"))
	if a := f.m.v.Auth; f.m.v.Step != wizard.StepAuthorize || a.App.ID != "presence" || a.Phase != wizard.PhaseFailed || !errors.Is(a.Err, flows.ErrDenied) {
		t.Fatalf("want presence denied:\n%s", f.view())
	}
	if u, p := f.auth.StartsOf("users"), f.auth.StartsOf("presence"); u != 2 || p != 1 {
		t.Errorf("starts: users %d, presence %d; want 2 (expired then fresh) and 1", u, p)
	}
	if !strings.Contains(f.view(), "Apps > Integrations") {
		t.Errorf("no Control Hub remedy:\n%s", f.view())
	}
	f.drive(t, press("r"))
	if a := f.m.v.Auth; a.App.ID != "cdr" || a.Phase != wizard.PhaseFailed || !errors.Is(a.Err, flows.ErrInvalidClient) || !a.AskSecret {
		t.Fatalf("want cdr failed:\n%s", f.view())
	}
	if !strings.Contains(f.view(), "env UCX_SECRET_CDR") {
		t.Errorf("remedy does not name the secret's source:\n%s", f.view())
	}
	f.drive(t, press("esc")) // leave the secret prompt
	if a := f.m.v.Auth; a.AskSecret || a.Phase != wizard.PhaseFailed {
		t.Fatalf("esc did not leave the secret prompt:\n%s", f.view())
	}
	f.drive(t, press("s"), press("y"))
	if f.m.v.Step != wizard.StepReview {
		t.Fatalf("not on review:\n%s", f.view())
	}
	if r := f.m.flow.Session().Results["cdr"]; r.Status != statusFailed || !strings.Contains(r.Reason, "secret") {
		t.Errorf("cdr result %+v", r)
	}
	f.drive(t, press("enter"))
	b, _, _ := f.writer.Got()
	if len(b.Apps) != 3 {
		t.Fatalf("%d apps in the bundle, want 3", len(b.Apps))
	}
}

// TestApproverWarningAgain: a wrong approver is warned about; r starts a
// fresh code; a accepts and records the warning for the bundle.
func TestApproverWarningAgain(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	f.withCode()
	app := f.m.v.Auth.App
	f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(app)}), ev(wizard.Identified{Gen: f.gen(), Identity: otherApprover()}))
	if a := f.m.v.Auth; a.Phase != wizard.PhaseWarning || len(a.Approval.Warnings) != 2 {
		t.Fatalf("phase %d warnings %q", a.Phase, a.Approval.Warnings)
	}
	gen := f.gen()
	f.step(press("r"))
	if a := f.m.v.Auth; a.Gen <= gen || a.Phase != wizard.PhaseRenewing {
		t.Fatalf("r did not ask for a fresh code: gen %d -> %d, phase %d", gen, a.Gen, a.Phase)
	}
	f.withCode()
	f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(app)}), ev(wizard.Identified{Gen: f.gen(), Identity: otherApprover()}))
	f.step(press("a"))
	r := f.m.flow.Session().Results["users"]
	if r == nil || r.Status != statusAuthorized || len(r.Warnings) != 2 {
		t.Fatalf("accepted result %+v", r)
	}
	if f.m.v.Auth == nil || f.m.v.Auth.App.ID != "presence" {
		t.Errorf("a did not move on to the next app:\n%s", f.view())
	}
}

// TestStaleResultsIgnored: results of a canceled code do not reach the
// screen.
func TestStaleResultsIgnored(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	f.withCode()
	old := f.gen()
	f.step(press("r"))
	f.step(ev(wizard.WaitEnded{Gen: old, Grant: testGrant(testApps()[0])}))
	f.step(ev(wizard.Polled{Gen: old, Event: flows.PollEvent{Outcome: flows.PollSlowDown}}))
	if a := f.m.v.Auth; a.Phase != wizard.PhaseRenewing || a.HavePoll || a.Approved {
		t.Fatalf("stale result applied: phase %d, poll %v, approved %v", a.Phase, a.HavePoll, a.Approved)
	}
	if r := f.m.flow.Session().Results["users"]; r != nil {
		t.Errorf("a stale approval was kept: %+v", r)
	}
}

// TestPreflightBlocks: enter does nothing while a check blocks; quitting
// there reports ErrPreflightBlocked.
func TestPreflightBlocks(t *testing.T) {
	f := newFixture(t, 80, 24, withPreflight(blockingChecks()))
	f.step(ev(wizard.ChecksRan{Checks: blockingChecks()}))
	f.drive(t, press("enter"))
	if f.m.v.Step != wizard.StepChecks {
		t.Fatal("went on past a blocking check")
	}
	f.drive(t, press("q"))
	if _, err := f.m.Result(); !errors.Is(err, ErrPreflightBlocked) {
		t.Fatalf("err = %v", err)
	}
	g := newFixture(t, 80, 24, withPreflight(okChecks()))
	g.drive(t, ev(wizard.ChecksRan{Checks: okChecks()}), press("enter"))
	if g.m.v.Step != wizard.StepLoading {
		t.Fatalf("step %d, want loading (drafts not listed yet)", g.m.v.Step)
	}
	g.drive(t, ev(wizard.DraftsListed{}))
	if g.m.v.Step != wizard.StepCustomer {
		t.Fatalf("step %d, want customer", g.m.v.Step)
	}
}

// toReviewDriven fills the customer and takes every app, as the fakes
// approve them at once, to the review.
func (f *fixture) toReviewDriven(t *testing.T) {
	t.Helper()
	f.toApps()
	f.drive(t, press("enter"))
	if f.m.v.Step != wizard.StepReview || f.m.flow.Session().Authorized() != len(testApps()) {
		t.Fatalf("not on the review with every app authorized:\n%s", f.view())
	}
}

// TestPassphraseReachesWriter: the passphrase entered twice goes to
// WriteBundle (and nowhere on screen).
func TestPassphraseReachesWriter(t *testing.T) {
	f := newFixture(t, 80, 24, func(d *Deps) { d.Protection = Protection{Passphrase: true} })
	f.toReviewDriven(t)
	const pw = "correct horse battery staple"
	f.drive(t, typeText(pw)...)
	f.drive(t, press("enter"))
	f.drive(t, typeText(pw)...)
	if strings.Contains(f.view(), "horse") {
		t.Fatal("passphrase rendered")
	}
	f.drive(t, press("enter"), press("enter"))
	_, pass, _ := f.writer.Got()
	if pass.Reveal() != pw {
		t.Fatalf("writer got %q", pass.Reveal())
	}
	if f.m.v.Step != wizard.StepDone {
		t.Errorf("not done after the bundle was written:\n%s", f.view())
	}
}

// TestDefaultOutPath: the bundle is named by the company's slug and the
// UTC date.
func TestDefaultOutPath(t *testing.T) {
	if got := DefaultOutPath("Acme Industries, S.p.A.", t0); got != "acme-industries-s-p-a-2026-11-21.ucxbundle" {
		t.Errorf("DefaultOutPath = %q", got)
	}
}

// TestNoTokenLeaks formats every event, effect and result that can hold a
// grant with %v, %+v, %#v and JSON, and scans every golden file: the fake
// tokens appear nowhere. (drive also checks every View of the happy path.)
func TestNoTokenLeaks(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	f.withCode()
	app := testApps()[0]
	g := testGrant(app)
	f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: g})) // grant held, identity pending
	if f.m.v.Auth.Phase != wizard.PhaseIdentifying {
		t.Fatalf("phase %d, want identifying", f.m.v.Auth.Phase)
	}
	res := appResult{App: app, Status: statusAuthorized, Grant: wizard.AppGrant(app, g, testIdentity(), adminEmail)}
	d := Draft{ID: "d1", Apps: []store.AppGrant{res.Grant}}
	b := store.Bundle{Apps: d.Apps}
	for _, v := range []any{
		wizard.WaitEnded{Gen: 1, Grant: g}, wizard.CheckApprover{Grant: g}, wizard.OrgReadJob{App: app, Grant: g},
		wizard.Save{Draft: d}, wizard.DraftLoaded{Draft: d}, wizard.WriteBundle{Bundle: b, Draft: d}, wizard.FinishDraft{Draft: d},
		wizard.BundleWritten{}, res, d, b, f.m.v, f.m.auth, f.m.flow, f.m,
	} {
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			assertNoSecrets(t, fmt.Sprintf(verb, v))
		}
		j, _ := json.Marshal(v)
		assertNoSecrets(t, string(j))
	}
	files, _ := filepath.Glob("testdata/*/*.golden")
	if len(files) < 40 {
		t.Fatalf("only %d golden files", len(files))
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "tok-FAKE") {
			t.Errorf("%s holds a token", name)
		}
	}
}

// TestResizeReflows: the layout follows every size at once.
func TestResizeReflows(t *testing.T) {
	f := newFixture(t, 120, 40, nil)
	f.toAuth()
	f.withCode()
	for _, sz := range []struct {
		w, h  int
		mode  layoutMode
		short bool
	}{{120, 40, layoutSide, false}, {80, 24, layoutSide, true}, {60, 20, layoutText, false}, {52, 50, layoutStacked, false}, {120, 40, layoutSide, false}} {
		f.step(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
		if f.m.auth.lay.mode != sz.mode || f.m.auth.lay.short != sz.short {
			t.Errorf("%dx%d: mode %d short %v", sz.w, sz.h, f.m.auth.lay.mode, f.m.auth.lay.short)
		}
		lines := strings.Split(f.m.View(), "\n")
		if len(lines) != sz.h {
			t.Errorf("%dx%d: %d lines", sz.w, sz.h, len(lines))
		}
	}
}

// TestAutoRenewBounded: expired codes are replaced on their own, but not
// forever: after wizard.MaxAutoRenew in a row the screen waits for r.
func TestAutoRenewBounded(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	for i := 0; i <= wizard.MaxAutoRenew; i++ {
		f.withCode()
		f.step(ev(wizard.WaitEnded{Gen: f.gen(), Err: flows.ErrExpired}))
		if i < wizard.MaxAutoRenew && f.m.v.Auth.Phase != wizard.PhaseRenewing {
			t.Fatalf("expiry %d: phase %d, want a fresh code on its own", i+1, f.m.v.Auth.Phase)
		}
	}
	if f.m.v.Auth.Phase != wizard.PhaseFailed || !strings.Contains(f.view(), "Press r for a fresh one") {
		t.Fatalf("phase %d after %d expiries:\n%s", f.m.v.Auth.Phase, wizard.MaxAutoRenew+1, f.view())
	}
	f.step(press("r"))
	if f.m.v.Auth.Phase != wizard.PhaseRenewing {
		t.Fatalf("r: phase %d", f.m.v.Auth.Phase)
	}
}

// TestCopyURL: c copies the complete verification URI (OSC 52 via Deps.Copy).
func TestCopyURL(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	f.withCode()
	f.drive(t, press("c"))
	if len(f.copied) != 1 || f.copied[0] != completeURI {
		t.Fatalf("copied %q", f.copied)
	}
	if v := f.view(); !strings.Contains(f.m.auth.notice, "URL copied to the clipboard, if this terminal allows it.") || strings.Contains(v, "OSC") {
		t.Fatalf("no notice:\n%s", f.view())
	}
}

// TestReviewQuitWhileWritingBundle: q or ctrl+c while "Writing the bundle…"
// (scrypt takes about a second) does not ask to quit: the write cannot be
// stopped halfway. Once written, no draft is saved again, the result is a
// success, and a late quit does not turn it into an abort.
func TestReviewQuitWhileWritingBundle(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		t.Run(k, func(t *testing.T) {
			f := newFixture(t, 100, 30, nil)
			f.toAuth("users")
			f.withCode()
			f.drive(t, ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(f.m.v.Auth.App)}))
			if f.m.v.Step != wizard.StepReview {
				t.Fatalf("step %v, want review", f.m.v.Step)
			}
			f.step(ev(wizard.Complete{})) // enter's report: the write is in flight
			if f.m.v.Review == nil || !f.m.v.Review.Writing {
				t.Fatalf("enter did not start the write:\n%s", f.view())
			}
			f.step(press(k))
			if f.m.v.AskQuit || f.m.quitting {
				t.Fatalf("%s while writing: AskQuit=%v quitting=%v", k, f.m.v.AskQuit, f.m.quitting)
			}
			if v := f.view(); !strings.Contains(v, "one moment") {
				t.Errorf("no word that the write cannot be stopped:\n%s", v)
			}
			saves := f.drafts.Saves
			rc, _ := f.writer.Write("/home/field/acme.ucxbundle", store.Bundle{}, store.Secret{}, nil)
			f.drive(t, ev(wizard.BundleWritten{Receipt: rc}))
			if f.m.v.Step != wizard.StepDone || f.m.v.AskQuit {
				t.Fatalf("written bundle: step %d, AskQuit %v", f.m.v.Step, f.m.v.AskQuit)
			}
			if len(f.drafts.Drafts) != 0 {
				t.Errorf("the draft with the tokens is left after the bundle was written")
			}
			f.drive(t, press("y"), press(k))
			if !f.m.quitting {
				t.Errorf("%s on the done screen does not exit", k)
			}
			if f.drafts.Saves != saves || len(f.drafts.Drafts) != 0 {
				t.Errorf("a draft with the tokens was saved after the bundle was written (%d saves -> %d)", saves, f.drafts.Saves)
			}
			if save, _ := f.m.flow.Leftover(); save != nil {
				t.Errorf("a draft save is still asked for after the bundle was written")
			}
			if res, err := f.m.Result(); err != nil || res.Receipt == nil {
				t.Errorf("bundle written but Result = %+v, %v", res, err)
			}
		})
	}
}

// TestQuitAskedBeforeQueuedWrite: COMPLETE REQUEST waits for the org's
// name and size; the engineer asks to quit meanwhile; the org arrives and
// the write starts with the question on screen. The write cannot be
// stopped halfway: the question gives way to "one moment", y does not
// abort a bundle being written, and once written the wizard is done (no
// draft with the tokens saved, the result a success).
func TestQuitAskedBeforeQueuedWrite(t *testing.T) {
	f := newFixture(t, 100, 30, nil)
	f.toAuth("users")
	f.withCode()
	f.drive(t, ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(f.m.v.Auth.App)}))
	if f.m.v.Step != wizard.StepReview {
		t.Fatalf("step %v, want review", f.m.v.Step)
	}
	f.step(ev(wizard.OrgRead{Facts: wizard.OrgFacts{Identity: flows.Identity{OrgID: orgID}, Pending: true}}))
	f.step(ev(wizard.Complete{})) // enter's report: queued until the org is read
	if r := f.m.v.Review; !r.Queued || r.Writing {
		t.Fatalf("COMPLETE REQUEST not queued: %+v", r)
	}
	f.step(press("q"))
	if !f.m.v.AskQuit {
		t.Fatal("q did not ask first")
	}
	f.step(ev(wizard.OrgRead{Facts: wizard.OrgFacts{Identity: flows.Identity{OrgID: orgID, OrgName: "Acme Industries"}}}))
	if r := f.m.v.Review; !r.Writing {
		t.Fatalf("the write did not start once the org was read: %+v", r)
	}
	if v := f.view(); f.m.v.AskQuit || !strings.Contains(v, "one moment") {
		t.Errorf("the quit question stays while the bundle is written:\n%s", v)
	}
	saves := f.drafts.Saves
	f.step(press("y"))
	if f.m.quitting || f.m.v.Step != wizard.StepReview {
		t.Fatalf("y aborted the wizard while the bundle was written")
	}
	rc, _ := f.writer.Write("/home/field/acme.ucxbundle", store.Bundle{}, store.Secret{}, nil)
	f.drive(t, ev(wizard.BundleWritten{Receipt: rc}))
	if f.m.v.Step != wizard.StepDone {
		t.Fatalf("written bundle: step %d", f.m.v.Step)
	}
	if f.drafts.Saves != saves || len(f.drafts.Drafts) != 0 {
		t.Errorf("a draft with the tokens is left after the bundle was written (%d saves -> %d, %d drafts)", saves, f.drafts.Saves, len(f.drafts.Drafts))
	}
	if res, err := f.m.Result(); err != nil || res.Receipt == nil {
		t.Errorf("bundle written but Result = %+v, %v", res, err)
	}
}

// TestDriveWaitsForSlowCommands: drive runs every command to its end, however
// long it takes (here a bundle written in 80 ms, as scrypt would be slower
// still), so that an assertion after drive never passes because a command
// was silently dropped.
func TestDriveWaitsForSlowCommands(t *testing.T) {
	f := newFixture(t, 80, 24, func(d *Deps) {
		write := d.WriteBundle
		d.WriteBundle = func(path string, b store.Bundle, pass store.Secret, record func(*store.Completion) error) (Receipt, error) {
			time.Sleep(80 * time.Millisecond)
			return write(path, b, pass, record)
		}
	})
	f.toReviewDriven(t)
	f.drive(t, press("enter"))
	if f.m.v.Step != wizard.StepDone {
		t.Fatalf("the slow write's answer was dropped:\n%s", f.view())
	}
}

// TestCustomerHelpSubmit: on the form's last field, enter submits, and the
// help line says so.
func TestCustomerHelpSubmit(t *testing.T) {
	f := newFixture(t, 80, 24, prefill)
	f.drive(t, ev(wizard.DraftsListed{}))
	if !strings.Contains(f.m.helpLine, "enter next field") {
		t.Fatalf("first field: help %q", f.m.helpLine)
	}
	for range 5 {
		f.drive(t, press("enter"))
	}
	if f.m.v.Step != wizard.StepCustomer || !strings.Contains(f.m.helpLine, "enter submit") || strings.Contains(f.m.helpLine, "next field") {
		t.Fatalf("last field: help %q\n%s", f.m.helpLine, f.view())
	}
	f.drive(t, press("shift+tab"))
	if !strings.Contains(f.m.helpLine, "enter next field") {
		t.Fatalf("back on Engineer: help %q", f.m.helpLine)
	}
}
