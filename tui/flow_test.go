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
	for i := 0; i < 12 && f.m.screen == scrCustomer; i++ {
		f.drive(t, press("enter"))
	}
	if f.m.screen != scrApps {
		t.Fatalf("form not submitted; screen %d:\n%s", f.m.screen, f.view())
	}
}

func prefill(d *Deps) { c := testCustomer(); d.Prefill = &c }

// TestHappyPath drives the whole wizard with instant fakes: form, apps, four
// approvals, review, COMPLETE REQUEST; the bundle holds the exact tokens,
// a draft was saved after every approval and removed at the end.
func TestHappyPath(t *testing.T) {
	f := newFixture(t, 80, 24, prefill)
	f.drive(t, draftsMsg{})
	f.submitForm(t)
	f.drive(t, press("enter"))
	if f.m.screen != scrReview {
		t.Fatalf("not on review:\n%s", f.view())
	}
	if f.drafts.saves != 8 || f.drafts.n != 1 {
		t.Errorf("drafts saved %d times in %d drafts, want 8 in 1 (each approval at once, then its approver)", f.drafts.saves, f.drafts.n)
	}
	f.drive(t, press("enter"))
	if f.m.screen != scrDone {
		t.Fatalf("not done:\n%s", f.view())
	}
	b, pass, path := f.writer.got()
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
	if len(f.drafts.drafts) != 0 {
		t.Errorf("draft not removed after the bundle was written: %d left", len(f.drafts.drafts))
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
	f.auth.block["callcontrol"] = true
	f.drive(t, draftsMsg{})
	f.submitForm(t)
	f.drive(t, press("enter"))
	if f.m.screen != scrAuth || f.m.auth.app.ID != "callcontrol" {
		t.Fatalf("want callcontrol pending:\n%s", f.view())
	}
	f.drive(t, press("q"))
	if !f.m.confirmQuit {
		t.Fatal("q did not ask first")
	}
	f.drive(t, press("y"))
	res, err := f.m.Result()
	if !errors.Is(err, ErrUserAborted) || res.DraftID == "" {
		t.Fatalf("Result = %+v, %v", res, err)
	}
	d := f.drafts.drafts[res.DraftID]
	if len(d.Apps) != 2 || d.Customer != testCustomer() || len(d.SelectedApps) != 4 {
		t.Fatalf("draft %+v", d)
	}

	// Start again on the same drafts.
	g := newFixture(t, 120, 40, nil)
	g.drafts = f.drafts
	g.m.c.deps.Drafts = f.drafts
	infos, _ := f.drafts.List()
	g.drive(t, draftsMsg{infos: infos})
	if g.m.screen != scrResume {
		t.Fatalf("no resume offer:\n%s", g.view())
	}
	g.drive(t, press("enter"))
	if g.m.screen != scrCustomer || g.m.customer.vals.Company != "Acme Industries" {
		t.Fatalf("draft's customer not in the form:\n%s", g.view())
	}
	g.submitForm(t)
	if !strings.Contains(g.view(), "authorized (draft)") {
		t.Errorf("apps screen does not show the draft's approvals:\n%s", g.view())
	}
	g.drive(t, press("enter"))
	g.drive(t, press("enter"))
	if g.m.screen != scrDone {
		t.Fatalf("not done:\n%s", g.view())
	}
	if g.auth.startCount() != 2 {
		t.Errorf("%d codes started after resume, want 2", g.auth.startCount())
	}
	b, _, _ := g.writer.got()
	if len(b.Apps) != 4 || b.Apps[0].AccessToken.Reveal() != fakeAccess+"-users" {
		t.Fatalf("bundle after resume: %d apps", len(b.Apps))
	}
	if len(f.drafts.drafts) != 0 {
		t.Error("draft not removed")
	}
}

// TestRecoveries: an expired code is replaced on its own; a denied app is
// authorized again with r once allowed; an app whose secret is rejected is
// skipped as failed.
func TestRecoveries(t *testing.T) {
	f := newFixture(t, 80, 24, prefill)
	f.auth.waitErr["users"] = []error{fmt.Errorf("flows: wait: %w", flows.ErrExpired)}
	f.auth.waitErr["presence"] = []error{fmt.Errorf("flows: wait: %w", flows.ErrDenied)}
	f.auth.waitErr["cdr"] = []error{fmt.Errorf("flows: wait: %w", flows.ErrInvalidClient)}
	f.drive(t, draftsMsg{})
	f.submitForm(t)
	f.drive(t, press("enter"))
	if f.m.screen != scrAuth || f.m.auth.app.ID != "presence" || f.m.auth.state != authDenied {
		t.Fatalf("want presence denied:\n%s", f.view())
	}
	if u, p := f.auth.startsOf("users"), f.auth.startsOf("presence"); u != 2 || p != 1 {
		t.Errorf("starts: users %d, presence %d; want 2 (expired then fresh) and 1", u, p)
	}
	if !strings.Contains(f.view(), "Apps > Integrations") {
		t.Errorf("no Control Hub remedy:\n%s", f.view())
	}
	f.drive(t, press("r"))
	if f.m.auth.app.ID != "cdr" || f.m.auth.state != authFailed {
		t.Fatalf("want cdr failed:\n%s", f.view())
	}
	if !strings.Contains(f.view(), "env UCX_SECRET_CDR") {
		t.Errorf("remedy does not name the secret's source:\n%s", f.view())
	}
	f.drive(t, press("esc")) // leave the secret prompt
	f.drive(t, press("s"), press("y"))
	if f.m.screen != scrReview {
		t.Fatalf("not on review:\n%s", f.view())
	}
	if r := f.m.s.Results["cdr"]; r.Status != statusFailed || !strings.Contains(r.Reason, "secret") {
		t.Errorf("cdr result %+v", r)
	}
	f.drive(t, press("enter"))
	b, _, _ := f.writer.got()
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
	f.approve(otherApprover())
	if f.m.auth.state != authWarning || len(f.m.auth.ap.Warnings) != 2 {
		t.Fatalf("state %d warnings %q", f.m.auth.state, f.m.auth.ap.Warnings)
	}
	gen := f.m.auth.gen
	f.step(press("r"))
	if f.m.auth.gen != gen+1 || f.m.auth.state != authRenewing {
		t.Fatalf("r did not ask for a fresh code: gen %d state %d", f.m.auth.gen, f.m.auth.state)
	}
	f.withCode()
	f.approve(otherApprover())
	f.pressRun("a")
	r := f.m.s.Results["users"]
	if r == nil || r.Status != statusAuthorized || len(r.Warnings) != 2 {
		t.Fatalf("accepted result %+v", r)
	}
}

// TestStaleResultsIgnored: results of a canceled code do not reach the
// screen.
func TestStaleResultsIgnored(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	f.withCode()
	old := f.m.auth.gen
	f.step(press("r"))
	f.step(grantMsg{gen: old, app: f.m.auth.app.ID, grant: testGrant(testApps()[0])})
	f.step(pollMsg{gen: old, app: f.m.auth.app.ID, ev: flows.PollEvent{Outcome: flows.PollSlowDown}})
	if f.m.auth.state != authRenewing || f.m.auth.haveEv {
		t.Fatalf("stale result applied: state %d", f.m.auth.state)
	}
}

// TestPreflightBlocks: enter does nothing while a check blocks; quitting
// there reports ErrPreflightBlocked.
func TestPreflightBlocks(t *testing.T) {
	f := newFixture(t, 80, 24, withPreflight(blockingChecks()))
	f.step(checksMsg{checks: blockingChecks()})
	f.drive(t, press("enter"))
	if f.m.screen != scrPreflight {
		t.Fatal("went on past a blocking check")
	}
	f.drive(t, press("q"))
	if _, err := f.m.Result(); !errors.Is(err, ErrPreflightBlocked) {
		t.Fatalf("err = %v", err)
	}
	g := newFixture(t, 80, 24, withPreflight(okChecks()))
	g.drive(t, checksMsg{checks: okChecks()}, press("enter"))
	if g.m.screen != scrLoading {
		t.Fatalf("screen %d, want loading (drafts not listed yet)", g.m.screen)
	}
	g.drive(t, draftsMsg{})
	if g.m.screen != scrCustomer {
		t.Fatalf("screen %d, want customer", g.m.screen)
	}
}

// TestPassphraseReachesWriter: the passphrase entered twice goes to
// WriteBundle (and nowhere on screen).
func TestPassphraseReachesWriter(t *testing.T) {
	f := newFixture(t, 80, 24, func(d *Deps) { d.Protection = Protection{Passphrase: true} })
	f.toReviewAllOK()
	const pw = "correct horse battery staple"
	f.drive(t, typeText(pw)...)
	f.drive(t, press("enter"))
	f.drive(t, typeText(pw)...)
	if strings.Contains(f.view(), "horse") {
		t.Fatal("passphrase rendered")
	}
	f.drive(t, press("enter"), press("enter"))
	_, pass, _ := f.writer.got()
	if pass.Reveal() != pw {
		t.Fatalf("writer got %q", pass.Reveal())
	}
}

// TestDefaultOutPath: the bundle is named by the company's slug and the
// UTC date.
func TestDefaultOutPath(t *testing.T) {
	if got := DefaultOutPath("Acme Industries, S.p.A.", t0); got != "acme-industries-s-p-a-2026-11-21.ucxbundle" {
		t.Errorf("DefaultOutPath = %q", got)
	}
}

// TestNoTokenLeaks formats every message and result that can hold a grant
// with %v, %+v, %#v and JSON, and scans every golden file: the fake tokens
// appear nowhere. (drive also checks every View of the happy path.)
func TestNoTokenLeaks(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	f.withCode()
	f.step(grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, grant: testGrant(testApps()[0])}) // grant held, identity pending
	app := testApps()[0]
	g := testGrant(app)
	res := appResult{App: app, Status: statusAuthorized, Grant: wizard.AppGrant(app, g, testIdentity(), adminEmail)}
	d := Draft{ID: "d1", Apps: []store.AppGrant{res.Grant}}
	for _, v := range []any{
		grantMsg{gen: 1, grant: g}, appDoneMsg{res: res}, res, draftLoadedMsg{draft: d}, d,
		bundleWrittenMsg{}, store.Bundle{Apps: d.Apps}, f.m.auth, *f.m, f.m,
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
// forever: after maxAutoRenew in a row the screen waits for r.
func TestAutoRenewBounded(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	for i := 0; i <= maxAutoRenew; i++ {
		f.withCode()
		f.step(grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, err: flows.ErrExpired})
	}
	if f.m.auth.state != authFailed || !strings.Contains(f.view(), "Press r for a fresh one") {
		t.Fatalf("state %d after %d expiries:\n%s", f.m.auth.state, maxAutoRenew+1, f.view())
	}
	f.step(press("r"))
	if f.m.auth.state != authRenewing {
		t.Fatalf("r: state %d", f.m.auth.state)
	}
}

// TestCopyURL: c copies the complete verification URI (OSC 52 via Deps.Copy).
func TestCopyURL(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	f.withCode()
	f.pressRun("c")
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
			f.drive(t, grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, grant: testGrant(f.m.auth.app)})
			if f.m.screen != scrReview {
				t.Fatalf("screen %v, want review", f.m.screen)
			}
			f.step(completeMsg{}) // the write is in flight
			f.step(press(k))
			if f.m.confirmQuit || f.m.quitting {
				t.Fatalf("%s while writing: confirmQuit=%v quitting=%v", k, f.m.confirmQuit, f.m.quitting)
			}
			if v := f.view(); !strings.Contains(v, "one moment") {
				t.Errorf("no word that the write cannot be stopped:\n%s", v)
			}
			f.m.confirmQuit = true // as if asked just before the write
			rc, _ := f.writer.write("/home/field/acme.ucxbundle", store.Bundle{}, store.Secret{}, nil)
			f.drive(t, bundleWrittenMsg{receipt: rc})
			if f.m.confirmQuit {
				t.Error("the quit question survives the written bundle")
			}
			f.drive(t, press("y"))
			if f.m.quit(); len(f.drafts.drafts) != 0 {
				t.Errorf("a draft with the tokens was saved after the bundle was written")
			}
			f.m.saveNow()
			if len(f.drafts.drafts) != 0 {
				t.Errorf("saveNow saved a draft after the bundle was written")
			}
			if res, err := f.m.Result(); err != nil || res.Receipt == nil {
				t.Errorf("bundle written but Result = %+v, %v", res, err)
			}
		})
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
	f.toReviewAllOK()
	f.drive(t, press("enter"))
	if f.m.screen != scrDone {
		t.Fatalf("the slow write's answer was dropped:\n%s", f.view())
	}
}

// TestCustomerHelpSubmit: on the form's last field, enter submits, and the
// help line says so.
func TestCustomerHelpSubmit(t *testing.T) {
	f := newFixture(t, 80, 24, prefill)
	f.drive(t, draftsMsg{})
	if !strings.Contains(f.m.helpLine, "enter next field") {
		t.Fatalf("first field: help %q", f.m.helpLine)
	}
	for range 5 {
		f.drive(t, press("enter"))
	}
	if f.m.screen != scrCustomer || !strings.Contains(f.m.helpLine, "enter submit") || strings.Contains(f.m.helpLine, "next field") {
		t.Fatalf("last field: help %q\n%s", f.m.helpLine, f.view())
	}
	f.drive(t, press("shift+tab"))
	if !strings.Contains(f.m.helpLine, "enter next field") {
		t.Fatalf("back on Engineer: help %q", f.m.helpLine)
	}
}
