package tui

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/tui/wizard"
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
	f.drafts.SaveErr = errDiskFull
	f.drive(t, ev(wizard.DraftsListed{}))
	f.confirmForm(t)
	f.auth.Block["presence"] = true
	f.drive(t, press("enter"))
	if !f.onApp("presence", wizard.PhaseWaiting) {
		t.Fatalf("want presence pending (%s):\n%s", f.where(), f.view())
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
	f.drafts.SaveErr = errDiskFull
	f.drive(t, ev(wizard.DraftsListed{}))
	f.confirmForm(t)
	for _, a := range testApps() {
		f.auth.Block[a.ID] = true
	}
	f.drive(t, press("enter"))
	f.drive(t, press("s"), press("y")) // skip users: a save, which fails
	if !strings.Contains(f.view(), "could not be saved") {
		t.Fatalf("no notice:\n%s", f.view())
	}
	f.drafts.Mu.Lock()
	f.drafts.SaveErr = nil
	f.drafts.Mu.Unlock()
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
	f.drafts.RemoveErr = errPermission
	f.drive(t, ev(wizard.DraftsListed{}))
	f.confirmForm(t)
	f.drive(t, press("enter"))
	id := f.m.v.DraftID
	if id == "" || f.m.v.Step != wizard.StepReview {
		t.Fatalf("no draft saved before the review (%s):\n%s", f.where(), f.view())
	}
	f.drive(t, press("enter"))
	if f.m.v.Step != wizard.StepDone {
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

// removeHeld is a DraftStore whose Remove blocks until released, after
// saying it entered; done is set once it returned.
type removeHeld struct {
	*fakeDrafts
	entered, release chan struct{}
	done             atomic.Bool
}

func (h *removeHeld) Remove(id string) error {
	close(h.entered)
	<-h.release
	defer h.done.Store(true)
	return h.fakeDrafts.Remove(id)
}

// goRun runs cmd on its own goroutine as a program would (the commands of
// a batch at once, those of a sequence in order) and sends their
// messages to msgs.
func goRun(cmd tea.Cmd, msgs chan<- tea.Msg) { go execCmd(cmd, msgs) }

// execCmd runs cmd as a program would and sends its messages to msgs; it
// returns once they are sent.
func execCmd(cmd tea.Cmd, msgs chan<- tea.Msg) {
	if cmd == nil || pendingCmd(cmd) {
		return
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var wg sync.WaitGroup
		for _, c := range b {
			wg.Add(1)
			go func() { defer wg.Done(); execCmd(c, msgs) }()
		}
		wg.Wait()
		return
	}
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().String() == "tea.sequenceMsg" {
		for i := 0; i < v.Len(); i++ {
			c, _ := v.Index(i).Interface().(tea.Cmd)
			execCmd(c, msgs)
		}
		return
	}
	msgs <- msg
}

// TestDoneWaitsForRemove: leaving the done screen before the draft's
// removal has answered waits for it, so that the outcome is known: the
// program ends only after the removal, and Result says whether the draft
// (with its tokens) is gone, whichever of the removal's answer and the
// quit the program takes first; the draft is removed once.
func TestDoneWaitsForRemove(t *testing.T) {
	for _, removeErr := range []error{nil, errPermission} {
		t.Run(fmt.Sprint(removeErr), func(t *testing.T) {
			h := &removeHeld{fakeDrafts: newFakeDrafts(), entered: make(chan struct{}), release: make(chan struct{})}
			h.RemoveErr = removeErr
			g := newFakes()
			g.drafts = h.fakeDrafts
			f := fixtureOn(t, g, 80, 24, func(d *Deps) { prefill(d); d.Drafts = h })
			f.drive(t, ev(wizard.DraftsListed{}))
			f.confirmForm(t)
			f.drive(t, press("enter"))
			if f.m.v.Step != wizard.StepReview || f.m.v.DraftID == "" {
				t.Fatalf("not on review with a draft (%s):\n%s", f.where(), f.view())
			}
			id := f.m.v.DraftID
			_, complete := f.m.Update(press("enter"))
			_, write := f.m.Update(complete())
			_, remove := f.m.Update(write())
			if f.m.v.Step != wizard.StepDone {
				t.Fatalf("not done (%s):\n%s", f.where(), f.view())
			}
			msgs := make(chan tea.Msg, 16)
			goRun(remove, msgs)
			<-h.entered // the removal is under way
			_, quit := f.m.Update(press("q"))
			goRun(quit, msgs)
			close(h.release)
			// The program: it takes the messages until the quit.
			for ended := false; !ended; {
				select {
				case msg := <-msgs:
					if _, ok := msg.(quitMsg); ok {
						if !h.done.Load() {
							t.Error("quit before the removal answered")
						}
						ended = true
					}
					if _, ok := msg.(tea.QuitMsg); !ok {
						_, cmd := f.m.Update(msg)
						goRun(cmd, msgs)
					}
				case <-time.After(10 * time.Second):
					t.Fatal("the program never quits")
				}
			}
			f.m.cancel()
			f.m.finishSaves() // as Run does once the program ended
			res, err := f.m.Result()
			if err != nil || res.Receipt == nil {
				t.Fatalf("Result = %+v, %v", res, err)
			}
			if removeErr == nil && (res.DraftID != "" || res.DraftRemoveErr != nil || len(h.Drafts) != 0) {
				t.Errorf("Result = %+v; %d drafts", res, len(h.Drafts))
			}
			if removeErr != nil && (res.DraftID != id || !errors.Is(res.DraftRemoveErr, errPermission)) {
				t.Errorf("Result = %+v, want draft %s not removed", res, id)
			}
			if len(h.Removed) != 1 {
				t.Errorf("Remove called %d times, want once", len(h.Removed))
			}
		})
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
	f.drive(t, ev(wizard.DraftsListed{Infos: infos}))
	if f.m.v.Step != wizard.StepResume {
		t.Fatalf("no resume offer:\n%s", f.view())
	}
	f.drive(t, press("d"))
	want := "Discard the draft for Acme Industries (2 apps authorized)? Its tokens are deleted."
	if v := f.view(); !strings.Contains(strings.ReplaceAll(v, "\n", " "), want) {
		t.Fatalf("no confirmation %q:\n%s", want, v)
	}
	f.drive(t, press("n"))
	if len(f.drafts.Removed) != 0 || f.m.v.Step != wizard.StepResume || strings.Contains(f.view(), "Discard the draft") {
		t.Fatalf("n discarded (%v) or left the screen:\n%s", f.drafts.Removed, f.view())
	}
	f.drive(t, press("d"), press("y"))
	if len(f.drafts.Removed) != 1 || f.drafts.Removed[0] != infos[0].ID || len(f.drafts.Drafts) != 1 {
		t.Fatalf("removed %v, %d drafts left", f.drafts.Removed, len(f.drafts.Drafts))
	}
	if v := f.view(); strings.Contains(v, "Acme") || !strings.Contains(v, "Globex") || f.m.v.Step != wizard.StepResume {
		t.Fatalf("after discarding Acme:\n%s", v)
	}
	f.drive(t, press("d"), press("y"))
	if len(f.drafts.Drafts) != 0 || f.m.v.Step != wizard.StepCustomer {
		t.Fatalf("%d drafts left, %s:\n%s", len(f.drafts.Drafts), f.where(), f.view())
	}
}

// TestResumeDiscardUnreadable: a draft that cannot be read (key lost,
// damaged) can be discarded too; Remove does not decrypt.
func TestResumeDiscardUnreadable(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	bad := DraftInfo{ID: "20261101-1100-zz00", Err: errors.New("draft 20261101-1100-zz00: store: draft key unavailable")}
	f.drive(t, ev(wizard.DraftsListed{Infos: []DraftInfo{bad, {ID: "20261118-0930-p2q7", Company: "Globex"}}}))
	f.drive(t, press("d"))
	if v := f.view(); !strings.Contains(v, "Discard the unreadable draft 20261101-1100-zz00?") {
		t.Fatalf("no confirmation:\n%s", v)
	}
	f.drive(t, press("y"))
	if len(f.drafts.Removed) != 1 || f.drafts.Removed[0] != bad.ID {
		t.Fatalf("removed %v", f.drafts.Removed)
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
	f.drafts.RemoveErr = errPermission
	f.drive(t, ev(wizard.DraftsListed{Infos: infos}))
	f.drive(t, press("d"), press("y"))
	if v := f.view(); !strings.Contains(v, "Could not discard it: Remove draft") || !strings.Contains(v, "Acme") {
		t.Fatalf("after a failed discard:\n%s", v)
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
	f.drive(t, ev(wizard.DraftsListed{Infos: manyDrafts(12)}))
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
	f.drafts.SaveErr = errDiskFull
	f.auth.IdentifyBlock = true
	f.drive(t, ev(wizard.DraftsListed{}))
	f.confirmForm(t)
	f.drive(t, press("enter"))
	if !f.onApp("users", wizard.PhaseIdentifying) {
		t.Fatalf("%s:\n%s", f.where(), f.view())
	}
	if v := f.view(); strings.Contains(v, "kept in the draft") || !strings.Contains(v, "could not be saved") {
		t.Errorf("identifying after a failed save:\n%s", v)
	}
	f.m.cancel()
}
