package tui

import (
	"reflect"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// isClearScreen reports whether c is tea.ClearScreen.
func isClearScreen(c tea.Cmd) bool {
	return reflect.ValueOf(c).Pointer() == reflect.ValueOf(tea.ClearScreen).Pointer()
}

// clears reports whether cmd is tea.ClearScreen or a tea.Batch of it (a
// batch's command only returns its list).
func clears(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	if isClearScreen(cmd) {
		return true
	}
	b, ok := cmd().(tea.BatchMsg)
	if !ok {
		return false
	}
	for _, c := range b {
		if c != nil && isClearScreen(c) {
			return true
		}
	}
	return false
}

// TestScreenChangeClears: a new screen (here Done, after the QR code) is
// drawn on a cleared screen, so nothing of the last one stays where a
// console (Windows', Wine's) did not keep what the renderer believes it
// shows; a key that stays on the screen does not clear.
func TestScreenChangeClears(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toReviewAllOK()
	_, cmd := f.m.Update(press("down"))
	if clears(cmd) {
		t.Error("a key on the same screen clears it")
	}
	f.pressRun("enter") // COMPLETE REQUEST: the bundle is being written
	if r := f.m.v.Review; r == nil || !r.Writing {
		t.Fatalf("enter on the review does not write the bundle: %+v", r)
	}
	_, cmd = f.m.Update(ev(wizard.BundleWritten{Receipt: Receipt{BundlePath: "/tmp/x.ucxbundle"}}))
	if f.m.v.Step != wizard.StepDone || !clears(cmd) {
		t.Errorf("on to step %v: the screen is not cleared", f.m.v.Step)
	}
}
