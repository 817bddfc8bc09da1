package tui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// heldDrafts is a DraftStore whose first Save blocks until released.
type heldDrafts struct {
	*fakeDrafts
	once    sync.Once
	entered chan struct{}
	release chan struct{}
}

func newHeldDrafts() *heldDrafts {
	return &heldDrafts{fakeDrafts: newFakeDrafts(), entered: make(chan struct{}), release: make(chan struct{})}
}

func (h *heldDrafts) Save(d *Draft) error {
	first := false
	h.once.Do(func() { first = true })
	if first {
		close(h.entered)
		<-h.release
	}
	return h.fakeDrafts.Save(d)
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
// flight (the quit's save queued behind it, saveAgain), then the program
// was killed before it ran: Run runs it, into the same draft.
func TestKillAfterQuitRunsQueuedSave(t *testing.T) {
	_, h := killDuringSave(t, func(f *fixture) {
		f.step(identityMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, id: otherApprover()}) // the approver, queued
		f.step(press("q"), press("y"))
		if !f.m.quitting || !f.m.saveAgain {
			t.Fatalf("quitting %v, saveAgain %v", f.m.quitting, f.m.saveAgain)
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
