package tui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// The draft's saves are the Flow's (a Save effect with a Seq, Leftover
// after a kill), run by effects.Runner (in Seq order, the removal after
// them) in the Model's commands. These tests hold what the old saver
// proved at the Model's level: an older snapshot is never written over a
// newer one, the quit saves last and waits for the saves in flight, a
// quit with nothing to save saves nothing, and no save follows the
// bundle's removal. The kills (Run's finishSaves) are in inflight_test.go.

// leaves are the commands of cmd, batches flattened (running only the
// batches themselves).
func leaves(cmd tea.Cmd) []tea.Cmd {
	if cmd == nil {
		return nil
	}
	if !strings.Contains(cmdName(cmd), "compactCmds[") {
		return []tea.Cmd{cmd}
	}
	var out []tea.Cmd
	if b, ok := cmd().(tea.BatchMsg); ok {
		for _, c := range b {
			out = append(out, leaves(c)...)
		}
	}
	return out
}

// savedAnswer runs cmd, which must be a draft's save, and returns its
// answer.
func savedAnswer(t *testing.T, cmd tea.Cmd) wizard.Saved {
	t.Helper()
	msg, ok := cmd().(eventMsg)
	s, ok2 := msg.ev.(wizard.Saved)
	if !ok || !ok2 {
		t.Fatalf("not a save: %T %+v", msg, msg)
	}
	return s
}

// TestSavesNeverOlderOverNewer: two saves asked one after the other (the
// approval, then its approver) and run in the other order: the newer one
// is written, the older one is not written after it (Stale), and the
// flow ends with the newer one's answer, no save pending.
func TestSavesNeverOlderOverNewer(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	f.withCode()
	a := f.m.v.Auth
	_, cmd := f.m.Update(ev(wizard.WaitEnded{Gen: a.Gen, Grant: testGrant(a.App)}))
	first := leaves(cmd)
	if len(first) != 2 { // the save, the check of who approved
		t.Fatalf("%d commands after the approval, want 2", len(first))
	}
	_, second := f.m.Update(ev(wizard.Identified{Gen: a.Gen, Identity: otherApprover()}))
	if !f.m.v.Saving || !f.onApp("users", wizard.PhaseWarning) {
		t.Fatalf("setup: %s, saving %v", f.where(), f.m.v.Saving)
	}
	newer := savedAnswer(t, second)
	older := savedAnswer(t, first[0])
	if newer.Stale || !older.Stale || older.Seq >= newer.Seq {
		t.Errorf("newer %+v, older %+v: want the older one stale", newer, older)
	}
	if f.drafts.Saves != 1 || f.drafts.N != 1 {
		t.Errorf("%d saves in %d drafts, want 1 in 1", f.drafts.Saves, f.drafts.N)
	}
	if d := f.drafts.Drafts["draft-1"]; len(d.Apps) != 1 || d.Apps[0].Approver.Email != "helpdesk@acme-support.example" {
		t.Errorf("the draft is not the newer snapshot: %+v", d.Apps)
	}
	f.step(ev(newer), ev(older))
	if f.m.v.Saving || f.m.v.SaveErr != nil || f.m.v.DraftID != "draft-1" {
		t.Errorf("after both answers: saving %v, error %v, draft %q", f.m.v.Saving, f.m.v.SaveErr, f.m.v.DraftID)
	}
}

// TestQuitSavesLast: the quit saves the progress once more (the newest
// snapshot), then the program quits; Result names the draft.
func TestQuitSavesLast(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.auth.Block["presence"] = true
	f.toAuth()
	f.withCode()
	a := f.m.v.Auth
	f.drive(t, ev(wizard.WaitEnded{Gen: a.Gen, Grant: testGrant(a.App)}))
	saves := f.drafts.Saves
	if !f.onApp("presence", wizard.PhaseWaiting) && !f.onApp("presence", wizard.PhaseStarting) {
		t.Fatalf("setup: %s", f.where())
	}
	f.drive(t, press("q"), press("y"))
	if !f.m.quitting || f.drafts.Saves != saves+1 || f.m.v.Saving {
		t.Errorf("quitting %v, %d saves after %d, saving %v", f.m.quitting, f.drafts.Saves, saves, f.m.v.Saving)
	}
	res, err := f.m.Result()
	if !errors.Is(err, ErrUserAborted) || res.DraftID != "draft-1" || res.DraftSaveErr != nil || !savedGrant(f.drafts, "users") {
		t.Errorf("Result %+v, %v", res, err)
	}
}

// TestQuitWithNothingToSave: the quit before the customer's data is
// confirmed saves nothing, and quits.
func TestQuitWithNothingToSave(t *testing.T) {
	f := newFixture(t, 80, 24, prefill)
	f.drive(t, ev(wizard.DraftsListed{}))
	f.drive(t, press("ctrl+c"), press("y"))
	if !f.m.quitting || f.drafts.Saves != 0 {
		t.Errorf("quitting %v, %d saves", f.m.quitting, f.drafts.Saves)
	}
	if res, err := f.m.Result(); !errors.Is(err, ErrUserAborted) || res.DraftID != "" {
		t.Errorf("Result %+v, %v", res, err)
	}
}

// TestQuitWaitsForSaveInFlight: quit while a save is in flight (held in
// the store): the program quits only once that save and the quit's own
// are written, the quit's (newer) last, into the same draft; the flow has
// the quit's answer before the quit.
func TestQuitWaitsForSaveInFlight(t *testing.T) {
	h := newHeldDrafts()
	f := heldFixture(t, h)
	approveHeld(t, f, h) // the approval's save, held
	a := f.m.v.Auth
	f.step(ev(wizard.Identified{Gen: a.Gen, Identity: otherApprover()})) // its save never runs
	f.m.Update(press("q"))
	_, quit := f.m.Update(press("y"))
	msgs := make(chan tea.Msg, 16)
	goRun(quit, msgs)
	close(h.release)
	for ended := false; !ended; {
		select {
		case msg := <-msgs:
			if _, ok := msg.(quitMsg); ok {
				ended = true
				if f.m.v.Saving {
					t.Error("quit before the flow had the quit's save answered")
				}
				h.Mu.Lock()
				d := h.Drafts["draft-1"]
				h.Mu.Unlock()
				if len(d.Apps) != 1 || d.Apps[0].Approver.Email != "helpdesk@acme-support.example" {
					t.Errorf("quit before the quit's save was written: draft apps %+v", d.Apps)
				}
			}
			if _, ok := msg.(tea.QuitMsg); !ok {
				_, cmd := f.m.Update(msg)
				goRun(cmd, msgs)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the program never quits")
		}
	}
	if h.N != 1 {
		t.Errorf("%d drafts, want 1", h.N)
	}
	if res, err := f.m.Result(); !errors.Is(err, ErrUserAborted) || res.DraftID != "draft-1" || res.DraftSaveErr != nil {
		t.Errorf("Result %+v, %v", res, err)
	}
}

// TestNoSaveAfterRemoval: a save that runs after the bundle's draft was
// removed (it was asked before the bundle) does not write the draft again
// (its tokens would stay on disk), and its answer changes nothing.
func TestNoSaveAfterRemoval(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth("users")
	f.withCode()
	a := f.m.v.Auth
	_, cmd := f.m.Update(ev(wizard.WaitEnded{Gen: a.Gen, Grant: testGrant(a.App)}))
	first := leaves(cmd)[0] // the approval's save, not run yet
	f.drive(t, ev(wizard.Identified{Gen: a.Gen, Identity: testIdentity()}))
	if f.m.v.Step != wizard.StepReview {
		t.Fatalf("not on review (%s):\n%s", f.where(), f.view())
	}
	f.drive(t, press("enter"))
	if f.m.v.Step != wizard.StepDone || len(f.drafts.Drafts) != 0 || len(f.drafts.Removed) != 1 {
		t.Fatalf("bundle written, draft removed? %s, %d drafts, removed %v", f.where(), len(f.drafts.Drafts), f.drafts.Removed)
	}
	saves := f.drafts.Saves
	late := savedAnswer(t, first)
	if !late.Stale || f.drafts.Saves != saves || len(f.drafts.Drafts) != 0 {
		t.Errorf("a save after the removal: %+v; %d saves after %d, %d drafts", late, f.drafts.Saves, saves, len(f.drafts.Drafts))
	}
	f.step(ev(late))
	if res, err := f.m.Result(); err != nil || res.Receipt == nil || res.DraftID != "" || res.DraftSaveErr != nil {
		t.Errorf("Result %+v, %v", res, err)
	}
}
