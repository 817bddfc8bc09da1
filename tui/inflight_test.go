package tui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
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

// saveCmd is the draft save among cmd's commands.
func saveCmd(t *testing.T, cmd tea.Cmd) tea.Cmd {
	t.Helper()
	for _, c := range flatten(cmd) {
		if strings.Contains(cmdName(c), "saveDraft") {
			return c
		}
	}
	t.Fatal("no draft save")
	return nil
}

// killDuringSave approves users with its first save held in flight, lets
// more happen (more), then ends the program as a kill would and runs
// finishSaves while the held save is released.
func killDuringSave(t *testing.T, more func(f *fixture)) (*fixture, *heldDrafts) {
	t.Helper()
	f := newFixture(t, 80, 24, nil)
	h := newHeldDrafts()
	f.m.c.deps.Drafts = h
	f.toAuth()
	f.withCode()
	_, cmd := f.m.Update(grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, grant: testGrant(f.m.auth.app)})
	held := saveCmd(t, cmd)
	go held() // its message never reaches the program
	<-h.entered
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
	if h.n != 1 {
		t.Errorf("%d drafts created, want 1", h.n)
	}
	res, _ := f.m.Result()
	if res.DraftID != "draft-1" || res.DraftSaveErr != nil || !savedGrant(h.fakeDrafts, "users") {
		t.Errorf("Result %+v, saved %v", res, savedGrant(h.fakeDrafts, "users"))
	}
}

// TestKillAfterQuitRunsQueuedSave: the engineer quit while a save was in
// flight (the quit's save queued behind it, saverQueued), then the program
// was killed before it ran: Run runs it, into the same draft.
func TestKillAfterQuitRunsQueuedSave(t *testing.T) {
	_, h := killDuringSave(t, func(f *fixture) {
		f.step(identityMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, id: otherApprover()}) // the approver, queued
		f.step(press("q"), press("y"))
		if !f.m.quitting || f.m.sv.state != saverQueued {
			t.Fatalf("quitting %v, saver state %d", f.m.quitting, f.m.sv.state)
		}
	})
	if h.n != 1 {
		t.Errorf("%d drafts created, want 1", h.n)
	}
	d := h.drafts["draft-1"]
	if len(d.Apps) != 1 || d.Apps[0].Approver.Email != "helpdesk@acme-support.example" {
		t.Errorf("the queued save was lost: draft apps %+v", d.Apps)
	}
}

// slowFirstSave approves users with its first save held, has the bundle
// written if bundle is set, then ends the program as a kill would. The held
// save outlasts finishSaves' wait; it is released once finishSaves' own
// Save or Remove waits for the store.
func slowFirstSave(t *testing.T, bundle bool) (*fixture, *heldDrafts) {
	t.Helper()
	f := newFixture(t, 80, 24, nil)
	h := newHeldDrafts()
	f.m.c.deps.Drafts = h
	f.toAuth()
	f.withCode()
	_, cmd := f.m.Update(grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, grant: testGrant(f.m.auth.app)})
	held := saveCmd(t, cmd)
	saved := make(chan struct{})
	go func() { held(); close(saved) }()
	<-h.entered
	if bundle {
		f.m.Update(bundleWrittenMsg{receipt: Receipt{BundlePath: "acme.ucxbundle"}})
	}
	f.m.cancel()
	done := make(chan struct{})
	go func() { f.m.finishSaves(); close(done) }()
	select {
	case <-h.waiting: // finishSaves gave up waiting and now waits for the store
	case <-done: // finishSaves never went back to the store
	}
	close(h.release)
	<-done
	<-saved
	return f, h
}

// TestSlowSaveThenBundleLeavesNoDraft: the bundle is written while the
// first draft save hangs past finishSaves' wait: the draft, whose ID the
// model chose before saving, is removed once that save ends, so no token
// stays in a draft.
func TestSlowSaveThenBundleLeavesNoDraft(t *testing.T) {
	f, h := slowFirstSave(t, true)
	if savedGrant(h.fakeDrafts, "users") || len(h.drafts) != 0 {
		res, _ := f.m.Result()
		t.Errorf("a draft with the token survives the bundle: %d drafts; Result %+v", len(h.drafts), res)
	}
}

// TestSlowSaveThenKillKeepsOneDraft: killed while the first save hangs
// past finishSaves' wait: the final save goes into the same draft.
func TestSlowSaveThenKillKeepsOneDraft(t *testing.T) {
	f, h := slowFirstSave(t, false)
	res, _ := f.m.Result()
	if h.n != 1 || res.DraftID != "draft-1" || !savedGrant(h.fakeDrafts, "users") {
		t.Errorf("%d drafts created, Result %+v", h.n, res)
	}
}
