package tui

import (
	"errors"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// heldDrafts is a DraftStore whose first Save blocks until released (a
// slow keyring creating the new draft's key). Like store.Drafts, it runs
// one Save or Remove at a time: a call made while another holds the store
// waits, and says so on waiting.
type heldDrafts struct {
	*fakeDrafts
	lock    sync.Mutex
	once    sync.Once
	entered chan struct{}
	release chan struct{}
	waiting chan struct{}
}

func newHeldDrafts() *heldDrafts {
	return &heldDrafts{fakeDrafts: newFakeDrafts(), entered: make(chan struct{}), release: make(chan struct{}),
		waiting: make(chan struct{}, 8)}
}

// acquire takes the store, reporting on waiting when it has to wait.
func (h *heldDrafts) acquire() {
	if !h.lock.TryLock() {
		h.waiting <- struct{}{}
		h.lock.Lock()
	}
}

func (h *heldDrafts) Save(d *Draft) error {
	h.acquire()
	defer h.lock.Unlock()
	first := false
	h.once.Do(func() { first = true })
	if first {
		close(h.entered)
		<-h.release
	}
	return h.fakeDrafts.Save(d)
}

func (h *heldDrafts) Remove(id string) error {
	h.acquire()
	defer h.lock.Unlock()
	return h.fakeDrafts.Remove(id)
}

// runAll runs every command of cmd (a batch, flattened), each on its own
// goroutine, and drops their messages: the program that would take them
// is gone. It returns once all but those blocked on the store (the held
// save) have answered.
func runAll(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			if c != nil && !pendingCmd(c) {
				go runAll(c)
			}
		}
	}
}

// approveHeld approves users (the fixture's first app) with the first
// save of the draft held in the store: the save runs on its own
// goroutine, as a program would run it, and its answer never reaches the
// model. It returns once the save is in the store.
func approveHeld(t *testing.T, f *fixture, h *heldDrafts) {
	t.Helper()
	f.toAuth()
	f.withCode()
	a := f.m.v.Auth
	_, cmd := f.m.Update(ev(wizard.WaitEnded{Gen: a.Gen, Grant: testGrant(a.App)}))
	if !f.onApp("users", wizard.PhaseIdentifying) || !f.m.v.Saving {
		t.Fatalf("setup: %s, saving %v", f.where(), f.m.v.Saving)
	}
	go runAll(cmd) // the save, and the check of who approved
	<-h.entered
}

// heldFixture is a fixture whose drafts are h.
func heldFixture(t *testing.T, h *heldDrafts) *fixture {
	t.Helper()
	g := newFakes()
	f := fixtureOn(t, g, 80, 24, func(d *Deps) { d.Drafts = h })
	f.drafts = h.fakeDrafts
	return f
}

// killDuringSave approves users with its first save held in flight, lets
// more happen (more), then ends the program as a kill would and runs
// finishSaves while the held save is released.
func killDuringSave(t *testing.T, more func(f *fixture)) (*fixture, *heldDrafts) {
	t.Helper()
	h := newHeldDrafts()
	f := heldFixture(t, h)
	approveHeld(t, f, h)
	if more != nil {
		more(f)
	}
	f.m.cancel() // the program is gone
	done := make(chan struct{})
	go func() { f.m.finishSaves(); close(done) }()
	close(h.release)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("finishSaves hangs")
	}
	return f, h
}

// TestKillDuringFirstSaveKeepsOneDraft: killed while the first save (no
// draft ID yet) is in flight: Run waits for it and saves into the same
// draft rather than creating a second one.
func TestKillDuringFirstSaveKeepsOneDraft(t *testing.T) {
	f, h := killDuringSave(t, nil)
	if h.N != 1 {
		t.Errorf("%d drafts created, want 1", h.N)
	}
	res, _ := f.m.Result()
	if res.DraftID != "draft-1" || res.DraftSaveErr != nil || !savedGrant(h.fakeDrafts, "users") {
		t.Errorf("Result %+v, saved %v", res, savedGrant(h.fakeDrafts, "users"))
	}
}

// TestKillAfterQuitRunsQueuedSave: the engineer quit while a save was in
// flight (the quit's save, asked after it, is unanswered: View.Saving),
// then the program was killed before that save ran: Run runs it, into the
// same draft.
func TestKillAfterQuitRunsQueuedSave(t *testing.T) {
	_, h := killDuringSave(t, func(f *fixture) {
		a := f.m.v.Auth
		f.step(ev(wizard.Identified{Gen: a.Gen, Identity: otherApprover()})) // the approver; its save never runs
		f.step(press("q"), press("y"))                                       // nor does the quit's
		if !f.m.quitting || !f.m.v.Saving {
			t.Fatalf("quitting %v, saving %v", f.m.quitting, f.m.v.Saving)
		}
	})
	if h.N != 1 {
		t.Errorf("%d drafts created, want 1", h.N)
	}
	d := h.Drafts["draft-1"]
	if len(d.Apps) != 1 || d.Apps[0].Approver.Email != "helpdesk@acme-support.example" {
		t.Errorf("the queued save was lost: draft apps %+v", d.Apps)
	}
}

// slowFirstSave approves users with its first save held, has the bundle
// written if bundle is set, then ends the program as a kill would. The
// held save is released as finishSaves starts, and answers within its
// wait (inflightWait); Runner.Finish's save or removal comes after it (a
// save still hanging after the wait is not waited for: effects'
// TestFinish).
func slowFirstSave(t *testing.T, bundle bool, removeErr error) (*fixture, *heldDrafts) {
	t.Helper()
	h := newHeldDrafts()
	h.RemoveErr = removeErr
	f := heldFixture(t, h)
	f.toApps()
	f.step(ev(wizard.AppsChosen{IDs: []string{"users"}}))
	approveHeld(t, f, h)
	if bundle {
		a := f.m.v.Auth
		f.step(ev(wizard.Identified{Gen: a.Gen, Identity: testIdentity()})) // its save never runs
		if f.m.v.Step != wizard.StepReview {
			t.Fatalf("not on review (%s):\n%s", f.where(), f.view())
		}
		_, complete := f.m.Update(press("enter")) // COMPLETE REQUEST (the review's report)
		f.step(complete())                        // its write, dropped, is answered here:
		f.step(ev(wizard.BundleWritten{Receipt: Receipt{BundlePath: "acme.ucxbundle"}}))
		if f.m.v.Step != wizard.StepDone || f.m.v.Done == nil || !f.m.v.Done.Removing {
			t.Fatalf("bundle not written (%s):\n%s", f.where(), f.view())
		}
	}
	f.m.cancel()
	done := make(chan struct{})
	go func() { f.m.finishSaves(); close(done) }()
	close(h.release)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("finishSaves hangs")
	}
	return f, h
}

// TestSlowSaveThenBundleLeavesNoDraft: the bundle is written while the
// first draft save is in the store: the draft, whose ID the flow chose
// before saving, is removed after that save ends, so no token stays in a
// draft.
func TestSlowSaveThenBundleLeavesNoDraft(t *testing.T) {
	f, h := slowFirstSave(t, true, nil)
	if savedGrant(h.fakeDrafts, "users") || len(h.Drafts) != 0 || h.N != 1 {
		res, _ := f.m.Result()
		t.Errorf("a draft with the token survives the bundle: %d drafts (%d created); Result %+v", len(h.Drafts), h.N, res)
	}
	if len(h.Removed) != 1 || h.Removed[0] != "draft-1" {
		t.Errorf("removed %q, want draft-1 once", h.Removed)
	}
	if res, err := f.m.Result(); err != nil || res.Receipt == nil || res.DraftRemoveErr != nil {
		t.Errorf("Result %+v, %v", res, err)
	}
}

// TestSlowSaveThenKillKeepsOneDraft: killed while the first save is in
// the store: the final save goes into the same draft.
func TestSlowSaveThenKillKeepsOneDraft(t *testing.T) {
	f, h := slowFirstSave(t, false, nil)
	res, _ := f.m.Result()
	if h.N != 1 || res.DraftID != "draft-1" || !savedGrant(h.fakeDrafts, "users") {
		t.Errorf("%d drafts created, Result %+v", h.N, res)
	}
}

// TestKillAfterBundleReportsRemoveError: killed once the bundle is written
// but before the draft's removal ran: Run removes the draft, and when that
// fails Result says so (the draft, with the tokens, is left), as the done
// screen would have.
func TestKillAfterBundleReportsRemoveError(t *testing.T) {
	f, h := slowFirstSave(t, true, errPermission)
	res, err := f.m.Result()
	if err != nil || res.Receipt == nil || res.DraftID != "draft-1" || !errors.Is(res.DraftRemoveErr, errPermission) {
		t.Errorf("Result %+v, %v", res, err)
	}
	if len(h.Removed) != 1 {
		t.Errorf("removed %q, want draft-1 once", h.Removed)
	}
}
