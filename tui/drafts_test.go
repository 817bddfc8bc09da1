package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/imagicle/ucx-onboard/tui/wizard"
	"strings"
	"testing"
	"time"
)

var (
	errDiskFull   = errors.New("store: save draft: write /home/field/.config/ucx-onboard/drafts/x.age: no space left on device")
	errPermission = errors.New("store: remove draft 20261121-0930-ab12: permission denied")
)

// TestDraftSaveErrorShown: a failed draft save is said on the
// authorization and review screens; the quit question then does not claim
// the progress is kept, and Result reports the failure.
func TestDraftSaveErrorShown(t *testing.T) {
	f := newFixture(t, 80, 24, prefill)
	f.drafts.saveErr = errDiskFull
	f.drive(t, draftsMsg{})
	f.submitForm(t)
	f.auth.block["presence"] = true
	f.drive(t, press("enter"))
	if f.m.screen != scrAuth || f.m.auth.app.ID != "presence" {
		t.Fatalf("want presence pending:\n%s", f.view())
	}
	if v := f.view(); !strings.Contains(v, "! progress could not be saved: Save draft: write") {
		t.Errorf("auth screen does not say the save failed:\n%s", v)
	}
	f.drive(t, press("q"))
	v := f.view()
	if strings.Contains(v, "kept as a draft") || !strings.Contains(v, "could not be saved") {
		t.Errorf("quit question after a failed save:\n%s", v)
	}
	f.drive(t, press("y"))
	res, err := f.m.Result()
	if !errors.Is(err, ErrUserAborted) || !errors.Is(res.DraftSaveErr, errDiskFull) || res.DraftID != "" {
		t.Errorf("Result = %+v, %v", res, err)
	}
}

// TestDraftSaveErrorClears: a save that works again clears the notice.
func TestDraftSaveErrorClears(t *testing.T) {
	f := newFixture(t, 80, 24, prefill)
	f.drafts.saveErr = errDiskFull
	f.drive(t, draftsMsg{})
	f.submitForm(t)
	for _, a := range testApps() {
		f.auth.block[a.ID] = true
	}
	f.drive(t, press("enter"))
	f.drive(t, press("s"), press("y")) // skip users: a save, which fails
	if !strings.Contains(f.view(), "could not be saved") {
		t.Fatalf("no notice:\n%s", f.view())
	}
	f.drafts.mu.Lock()
	f.drafts.saveErr = nil
	f.drafts.mu.Unlock()
	f.drive(t, press("s"), press("y")) // skip presence: a save, which works
	if v := f.view(); strings.Contains(v, "could not be saved") {
		t.Errorf("notice stays after a good save:\n%s", v)
	}
	if res, _ := f.m.Result(); res.DraftSaveErr != nil || res.DraftID == "" {
		t.Errorf("Result = %+v", res)
	}
}

// TestDraftRemoveErrorReported: the bundle is written but the draft (with
// its tokens) cannot be deleted: the done screen says so, and Result keeps
// the draft's ID with the error for cmd.
func TestDraftRemoveErrorReported(t *testing.T) {
	f := newFixture(t, 80, 24, prefill)
	f.drafts.removeErr = errPermission
	f.drive(t, draftsMsg{})
	f.submitForm(t)
	f.drive(t, press("enter"))
	id := f.m.s.Draft.ID
	f.drive(t, press("enter"))
	if f.m.screen != scrDone {
		t.Fatalf("not done:\n%s", f.view())
	}
	v := f.view()
	if !strings.Contains(v, "could not be deleted") || !strings.Contains(v, id) {
		t.Errorf("done screen does not say the draft is left:\n%s", v)
	}
	res, err := f.m.Result()
	if err != nil || res.Receipt == nil || !errors.Is(res.DraftRemoveErr, errPermission) || res.DraftID != id {
		t.Errorf("Result = %+v, %v", res, err)
	}
}

// TestDoneWaitsForRemove: leaving the done screen before the draft's
// removal has answered waits for it, so that the outcome is known.
func TestDoneWaitsForRemove(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toReviewAllOK()
	f.drive(t, saveDraftNow(t, f))
	_, cmd := f.m.Update(bundleWrittenMsg{receipt: Receipt{BundlePath: "/tmp/x.ucxbundle"}})
	if cmd == nil {
		t.Fatal("no removal")
	}
	if _, quit := f.m.Update(press("q")); quit != nil {
		t.Fatal("quit before the removal answered")
	}
	if _, quit := f.m.Update(runButClear(cmd)); quit == nil {
		t.Fatal("no quit once the removal answered")
	}
	if res, err := f.m.Result(); err != nil || res.DraftID != "" || res.DraftRemoveErr != nil || len(f.drafts.drafts) != 0 {
		t.Errorf("Result = %+v, %v; %d drafts", res, err, len(f.drafts.drafts))
	}
}

// TestAccessibleDraftRemoveError: the line-by-line flow reports a draft it
// could not delete, too.
func TestAccessibleDraftRemoveError(t *testing.T) {
	f := newFakes()
	f.drafts.removeErr = errPermission
	d := testDeps(f)
	d.Accessible = true
	prefill(&d)
	in := strings.Repeat("\n", 6) + "y\ny\n"
	var out bytes.Buffer
	res, err := Run(context.Background(), d, Options{In: strings.NewReader(in), Out: &out})
	if err != nil || res.Receipt == nil {
		t.Fatalf("Run = %+v, %v\n%s", res, err, out.String())
	}
	if !errors.Is(res.DraftRemoveErr, errPermission) || res.DraftID == "" {
		t.Errorf("Result = %+v", res)
	}
	if !strings.Contains(out.String(), "could not be deleted") {
		t.Errorf("output does not say the draft is left:\n%s", out.String())
	}
}

// savedDrafts saves a draft for Acme (two apps authorized) and one for
// Globex (none) in f's store, and returns their infos.
func savedDrafts(t *testing.T, f *fixture) []DraftInfo {
	t.Helper()
	apps := testApps()
	acme := Draft{Customer: testCustomer()}
	for _, a := range apps[:2] {
		acme.Apps = append(acme.Apps, wizard.AppGrant(a, testGrant(a), testIdentity(), adminEmail))
	}
	globex := Draft{Customer: testCustomer()}
	globex.Customer.Company = "Globex"
	for _, d := range []*Draft{&acme, &globex} {
		if err := f.drafts.Save(d); err != nil {
			t.Fatal(err)
		}
	}
	infos, _ := f.drafts.List()
	return infos
}

// TestResumeDiscard: d on the resume screen asks first, then deletes the
// draft (its tokens with it); n keeps it. Discarding the last one starts a
// new onboarding.
func TestResumeDiscard(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	infos := savedDrafts(t, f)
	f.drive(t, draftsMsg{infos: infos})
	if f.m.screen != scrResume {
		t.Fatalf("no resume offer:\n%s", f.view())
	}
	f.drive(t, press("d"))
	want := "Discard the draft for Acme Industries (2 apps authorized)? Its tokens are deleted."
	if v := f.view(); !strings.Contains(strings.ReplaceAll(v, "\n", " "), want) {
		t.Fatalf("no confirmation %q:\n%s", want, v)
	}
	f.drive(t, press("n"))
	if len(f.drafts.removed) != 0 || f.m.screen != scrResume || strings.Contains(f.view(), "Discard the draft") {
		t.Fatalf("n discarded (%v) or left the screen:\n%s", f.drafts.removed, f.view())
	}
	f.drive(t, press("d"), press("y"))
	if len(f.drafts.removed) != 1 || f.drafts.removed[0] != infos[0].ID || len(f.drafts.drafts) != 1 {
		t.Fatalf("removed %v, %d drafts left", f.drafts.removed, len(f.drafts.drafts))
	}
	if v := f.view(); strings.Contains(v, "Acme") || !strings.Contains(v, "Globex") || f.m.screen != scrResume {
		t.Fatalf("after discarding Acme:\n%s", v)
	}
	f.drive(t, press("d"), press("y"))
	if len(f.drafts.drafts) != 0 || f.m.screen != scrCustomer {
		t.Fatalf("%d drafts left, screen %d:\n%s", len(f.drafts.drafts), f.m.screen, f.view())
	}
}

// TestResumeDiscardUnreadable: a draft that cannot be read (key lost,
// damaged) can be discarded too; Remove does not decrypt.
func TestResumeDiscardUnreadable(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	bad := DraftInfo{ID: "20261101-1100-zz00", Err: errors.New("draft 20261101-1100-zz00: store: draft key unavailable")}
	f.drive(t, draftsMsg{infos: []DraftInfo{bad, {ID: "20261118-0930-p2q7", Company: "Globex"}}})
	f.drive(t, press("d"))
	if v := f.view(); !strings.Contains(v, "Discard the unreadable draft 20261101-1100-zz00?") {
		t.Fatalf("no confirmation:\n%s", v)
	}
	f.drive(t, press("y"))
	if len(f.drafts.removed) != 1 || f.drafts.removed[0] != bad.ID {
		t.Fatalf("removed %v", f.drafts.removed)
	}
	if v := f.view(); strings.Contains(v, "zz00") {
		t.Fatalf("still listed:\n%s", v)
	}
}

// TestResumeDiscardFails: a failed Remove keeps the draft listed, with the
// error.
func TestResumeDiscardFails(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	infos := savedDrafts(t, f)
	f.drafts.removeErr = errPermission
	f.drive(t, draftsMsg{infos: infos})
	f.drive(t, press("d"), press("y"))
	if v := f.view(); !strings.Contains(v, "could not discard the draft") || !strings.Contains(v, "Acme") {
		t.Fatalf("after a failed discard:\n%s", v)
	}
}

// TestAccessibleDiscard: the line-by-line flow offers the same choice.
func TestAccessibleDiscard(t *testing.T) {
	f := newFakes()
	infos := savedDrafts(t, f)
	d := testDeps(f)
	d.Accessible = true
	prefill(&d)
	// discard Acme (asked, then n), then yes; then start new and finish.
	in := "d1\nn\nd1\ny\n\n" + strings.Repeat("\n", 6) + "y\ny\n"
	var out bytes.Buffer
	res, err := Run(context.Background(), d, Options{In: strings.NewReader(in), Out: &out})
	text := out.String()
	if err != nil || res.Receipt == nil {
		t.Fatalf("Run = %+v, %v\n%s", res, err, text)
	}
	if !strings.Contains(text, "Discard the draft for Acme Industries (2 apps authorized)? Its tokens are deleted.") {
		t.Errorf("no confirmation:\n%s", text)
	}
	if len(f.drafts.removed) < 1 || f.drafts.removed[0] != infos[0].ID {
		t.Errorf("removed %v, want %s first", f.drafts.removed, infos[0].ID)
	}
	if _, ok := f.drafts.drafts[infos[1].ID]; !ok {
		t.Error("Globex's draft was removed too")
	}
}

// manyDrafts are n draft infos, "Company 01" first.
func manyDrafts(n int) []DraftInfo {
	var out []DraftInfo
	for i := 1; i <= n; i++ {
		out = append(out, DraftInfo{ID: fmt.Sprintf("20261120-1712-%04d", i), Company: fmt.Sprintf("Company %02d", i),
			AppsDone: []string{"users"}, Updated: t0.Add(-time.Duration(i) * time.Hour)})
	}
	return out
}

// TestResumeScrolls: with more drafts than fit at 80x24 the list scrolls,
// keeping the cursor on screen, and says what is above and below.
func TestResumeScrolls(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.drive(t, draftsMsg{infos: manyDrafts(12)})
	check := func(cursor int) string {
		t.Helper()
		v := f.view()
		if n := strings.Count(v, "\n") + 1; n != f.m.c.height {
			t.Fatalf("%d lines", n)
		}
		if last := v[strings.LastIndex(v, "\n")+1:]; !strings.HasPrefix(v, "ucx-onboard") || !strings.Contains(last, "q quit") && !strings.Contains(last, "y yes") {
			t.Fatalf("header or help cut:\n%s", v)
		}
		if !strings.Contains(v, fmt.Sprintf("> Company %02d", cursor)) {
			t.Fatalf("cursor on Company %02d not shown:\n%s", cursor, v)
		}
		return v
	}
	v := check(1)
	if !strings.Contains(v, "more below") || strings.Contains(v, "more above") {
		t.Errorf("top of the list:\n%s", v)
	}
	for i := 2; i <= 12; i++ {
		f.drive(t, press("down"))
		v = check(i)
	}
	if strings.Contains(v, "Company 01") || !strings.Contains(v, "more above") || strings.Contains(v, "more below") {
		t.Errorf("bottom of the list:\n%s", v)
	}
	f.drive(t, press("d"))
	v = check(12)
	if !strings.Contains(v, "Discard the draft for Company 12") {
		t.Errorf("confirmation not shown with the cursor:\n%s", v)
	}
	f.drive(t, press("n"))
	for i := 11; i >= 1; i-- {
		f.drive(t, press("up"))
		check(i)
	}
	f.step(resize(80, 14))
	check(1)
}

// TestApprovalNotClaimedKept: when the draft cannot be saved, the screen
// checking who approved does not claim the approval is kept.
func TestApprovalNotClaimedKept(t *testing.T) {
	f := newFixture(t, 80, 24, prefill)
	f.drafts.saveErr = errDiskFull
	f.auth.identifyBlock = true
	f.drive(t, draftsMsg{})
	f.submitForm(t)
	f.drive(t, press("enter"))
	if f.m.auth.state != authIdentifying {
		t.Fatalf("state %d:\n%s", f.m.auth.state, f.view())
	}
	if v := f.view(); strings.Contains(v, "kept in the draft") || !strings.Contains(v, "could not be saved") {
		t.Errorf("identifying after a failed save:\n%s", v)
	}
	f.m.cancel()
}

// TestAccessibleSaveError: the line-by-line flow says a save failed, and
// does not claim the approval is kept.
func TestAccessibleSaveError(t *testing.T) {
	f := newFakes()
	f.drafts.saveErr = errDiskFull
	d := testDeps(f)
	d.Accessible = true
	prefill(&d)
	var out bytes.Buffer
	res, err := Run(context.Background(), d, Options{In: strings.NewReader(strings.Repeat("\n", 6) + "y\ny\n"), Out: &out})
	text := out.String()
	if err != nil || res.Receipt == nil {
		t.Fatalf("Run = %+v, %v\n%s", res, err, text)
	}
	if strings.Contains(text, "kept in the draft") || !strings.Contains(text, "! progress could not be saved: Save draft: write") {
		t.Errorf("output:\n%s", text)
	}
}
