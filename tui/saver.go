package tui

import (
	"cmp"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/tui/effects"
)

// saverState is what the draft saver is doing.
type saverState int

const (
	saverIdle     saverState = iota // nothing in flight
	saverSaving                     // a save is in flight
	saverQueued                     // a save is in flight and another was asked for: it runs when the first answers, with the draft as it is then
	saverRemoving                   // the bundle is written: the draft's removal is in flight, or waits for the save in flight to answer
)

// saver is the full-screen front-end's one writer of the draft: it saves
// one save at a time, in order (a save asked for while one is in flight is
// queued, and all asked meanwhile make one), removes the draft once the
// bundle is written, and, once the engineer quit (quitting), ends the
// program when nothing is in flight any more. Its methods return the
// commands to run; the root hands it the answers (draftSavedMsg,
// draftRemovedMsg). The state is explicit: idle, saving, save queued or
// removing, plus quitting over any of them.
type saver struct {
	// drafts is the store (Deps.Drafts, read when needed); nil: drafts
	// are off.
	drafts func() DraftStore
	// snapshot is the draft to save now, its ID set (the first save
	// assigns one with NewID, so that an interrupted run saves again or
	// removes this draft, never a second one); false when there is
	// nothing to save (no customer yet, or the bundle is written).
	snapshot func() (Draft, bool)

	state    saverState
	quitting bool // the quit is confirmed: tea.Quit once nothing is in flight
	// afterSave: in saverRemoving, the removal waits for the save in
	// flight (which may create the draft again).
	afterSave bool
	// answer also receives the answer of the save in flight, for finish
	// when the program ended before delivering it.
	answer chan draftSavedMsg
	// final and receipt are the draft and the bundle, for the removal.
	final   Draft
	receipt Receipt
}

// save asks for a save of the draft as it is now: it starts one when
// idle, queues one behind a save in flight, and does nothing while the
// draft is being removed or when there is nothing to save.
func (sv *saver) save() tea.Cmd {
	switch sv.state {
	case saverSaving:
		sv.state = saverQueued
		return nil
	case saverQueued, saverRemoving:
		return nil
	}
	d := sv.drafts()
	if d == nil {
		return nil
	}
	dr, ok := sv.snapshot()
	if !ok {
		return nil
	}
	sv.state = saverSaving
	sv.answer = make(chan draftSavedMsg, 1)
	return saveDraft(d, dr, sv.answer)
}

// saved takes a save's answer. Unless the bundle was written meanwhile
// (the draft is then removed: the command does it), report gets the
// answer first; then the queued save starts, or the program quits if the
// engineer quit and nothing is left in flight.
func (sv *saver) saved(msg draftSavedMsg, report func(draftSavedMsg)) tea.Cmd {
	sv.answer = nil
	if sv.state == saverRemoving {
		sv.afterSave = false
		return sv.remove(cmp.Or(msg.id, sv.final.ID))
	}
	report(msg)
	queued := sv.state == saverQueued
	sv.state = saverIdle
	if queued {
		if cmd := sv.save(); cmd != nil {
			return cmd
		}
	}
	if sv.quitting {
		return tea.Quit
	}
	return nil
}

// bundleWritten starts the removal of draft dr (wizard.FinishDraft; it
// recorded its bundle before the write) now that its bundle is written, or right
// after the save in flight answers; a queued save is dropped. Nil when
// there is no draft.
func (sv *saver) bundleWritten(dr Draft, r Receipt) tea.Cmd {
	if sv.drafts() == nil {
		return nil
	}
	sv.final, sv.receipt = dr, r
	switch sv.state {
	case saverSaving, saverQueued:
		sv.state, sv.afterSave = saverRemoving, true
		return nil
	}
	if dr.ID == "" {
		return nil
	}
	return sv.remove(dr.ID)
}

// remove removes draft id (wizard.FinishDraft); with no ID, there is nothing to
// remove and the removal is over at once.
func (sv *saver) remove(id string) tea.Cmd {
	if id == "" {
		return sv.removed()
	}
	d, dr, r := sv.drafts(), sv.final, sv.receipt
	dr.ID = id
	sv.state = saverRemoving
	return func() tea.Msg { return draftRemovedMsg{id: id, err: effects.FinishDraft(d, dr, r)} }
}

// removed takes the end of the removal: the program quits if the engineer
// left meanwhile.
func (sv *saver) removed() tea.Cmd {
	sv.state = saverIdle
	if sv.quitting {
		return tea.Quit
	}
	return nil
}

// quit is the engineer's confirmed quit: it saves once more (queued
// behind a save in flight) and quits when that answers, waits for a
// removal in flight, or quits at once when nothing is to be saved.
func (sv *saver) quit() tea.Cmd {
	sv.quitting = true
	switch sv.state {
	case saverSaving:
		sv.state = saverQueued // the quit's last save
		return nil
	case saverQueued, saverRemoving:
		return nil
	}
	if cmd := sv.save(); cmd != nil {
		return cmd
	}
	return tea.Quit
}

// busy tells whether a save or the removal is in flight.
func (sv *saver) busy() bool { return sv.state != saverIdle }

// finish is for Run, once the program ended: it takes the answer of the
// save in flight, if any, waiting up to wait (answer is nil without one),
// and says what is left: saveAgain when a save was queued or never
// answered (Run saves the progress itself), remove when the bundle is
// written but the draft's removal never ran or never answered.
func (sv *saver) finish(wait time.Duration) (answer *draftSavedMsg, saveAgain, remove bool) {
	if sv.answer != nil {
		select {
		case msg := <-sv.answer:
			answer = &msg
			sv.answer = nil
			if sv.state == saverSaving {
				sv.state = saverIdle
			}
		case <-time.After(wait):
		}
	}
	saveAgain = sv.state == saverSaving || sv.state == saverQueued
	remove = sv.state == saverRemoving
	sv.state, sv.afterSave = saverIdle, false
	return answer, saveAgain, remove
}
