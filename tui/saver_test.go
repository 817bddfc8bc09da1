package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// saverRig is a saver over fake drafts, alone (no model): snapshot hands
// out numbered drafts, report records the answers it passes on.
type saverRig struct {
	sv       *saver
	drafts   *fakeDrafts
	snaps    int
	nothing  bool // snapshot: nothing to save
	reported []draftSavedMsg
}

func newSaverRig() *saverRig {
	r := &saverRig{drafts: newFakeDrafts()}
	r.sv = &saver{drafts: func() DraftStore { return r.drafts }, snapshot: func() (Draft, bool) {
		if r.nothing {
			return Draft{}, false
		}
		r.snaps++
		return Draft{ID: "draft-1", SelectedApps: []string{"users"}}, true
	}}
	return r
}

func (r *saverRig) report(msg draftSavedMsg) { r.reported = append(r.reported, msg) }

// kind names what a command does, running it: "save", "remove", "quit",
// or "" for none.
func kind(t *testing.T, cmd tea.Cmd) (string, tea.Msg) {
	t.Helper()
	if cmd == nil {
		return "", nil
	}
	switch msg := cmd().(type) {
	case draftSavedMsg:
		return "save", msg
	case draftRemovedMsg:
		return "remove", msg
	case tea.QuitMsg:
		return "quit", msg
	default:
		t.Fatalf("command returned %T", msg)
	}
	return "", nil
}

// TestSaver drives the saver alone through sequences of events, checking
// the command each returns and the state after it: saves one at a time
// (all asked meanwhile make one), the quit's last save, the bundle written
// during a save, and a removal that the quit waits for.
func TestSaver(t *testing.T) {
	type ev struct {
		do    string // save, quit, answer (of the pending command), bundle, nothing (snapshot empty)
		want  string // the command's kind
		state saverState
	}
	for _, tc := range []struct {
		name   string
		events []ev
	}{
		{"one save", []ev{{"save", "save*", saverSaving}, {"answer", "", saverIdle}}},
		{"saves asked during a save make one", []ev{
			{"save", "save*", saverSaving}, {"save", "", saverQueued}, {"save", "", saverQueued},
			{"answer", "save*", saverSaving}, {"answer", "", saverIdle}}},
		{"quit while idle saves, then quits", []ev{{"quit", "save*", saverSaving}, {"answer", "quit", saverIdle}}},
		{"quit with nothing to save quits", []ev{{"nothing", "", saverIdle}, {"quit", "quit", saverIdle}}},
		{"quit during a save queues the last save", []ev{
			{"save", "save*", saverSaving}, {"quit", "", saverQueued}, {"save", "", saverQueued},
			{"answer", "save*", saverSaving}, {"answer", "quit", saverIdle}}},
		{"bundle written during a save: removed after it, queue dropped", []ev{
			{"save", "save*", saverSaving}, {"save", "", saverQueued}, {"bundle", "", saverRemoving},
			{"save", "", saverRemoving}, {"answer", "remove*", saverRemoving}, {"answer", "", saverIdle}}},
		{"quit waits for the removal", []ev{
			{"save", "save*", saverSaving}, {"answer", "", saverIdle}, {"bundle", "remove*", saverRemoving},
			{"quit", "", saverRemoving}, {"answer", "quit", saverIdle}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newSaverRig()
			var pending tea.Cmd // the save or removal in flight
			for i, e := range tc.events {
				var cmd tea.Cmd
				switch e.do {
				case "save":
					cmd = r.sv.save()
				case "quit":
					cmd = r.sv.quit()
				case "bundle":
					cmd = r.sv.bundleWritten(Draft{ID: "draft-1"}, Receipt{BundlePath: "/b"})
				case "nothing":
					r.nothing = true
				case "answer":
					k, msg := kind(t, pending)
					pending = nil
					switch k {
					case "save":
						cmd = r.sv.saved(msg.(draftSavedMsg), r.report)
					case "remove":
						cmd = r.sv.removed()
					default:
						t.Fatalf("event %d: no save or removal in flight", i)
					}
				}
				want := e.want
				if want == "save*" || want == "remove*" {
					// In flight: answered by a later "answer".
					if cmd == nil {
						t.Fatalf("event %d (%s): no command, want %s", i, e.do, want)
					}
					pending, want = cmd, ""
				} else if got, _ := kind(t, cmd); got != want {
					t.Fatalf("event %d (%s): command %q, want %q", i, e.do, got, want)
				}
				if r.sv.state != e.state {
					t.Fatalf("event %d (%s): state %d, want %d", i, e.do, r.sv.state, e.state)
				}
			}
			if pending != nil {
				t.Fatal("a command is left in flight")
			}
		})
	}
}

// TestSaverBundleDuringSaveReportsNothing: the answer of a save that lands
// after the bundle was written is not reported (the draft is being
// removed; no "could not be saved" for it), and the removal marks the
// draft completed, then removes it.
func TestSaverBundleDuringSaveReportsNothing(t *testing.T) {
	r := newSaverRig()
	save := r.sv.save()
	r.sv.bundleWritten(Draft{ID: "draft-1"}, Receipt{BundlePath: "/b", SHA256: "ab"})
	_, msg := kind(t, save)
	rm := r.sv.saved(msg.(draftSavedMsg), r.report)
	if len(r.reported) != 0 {
		t.Errorf("reported %+v", r.reported)
	}
	if k, msg := kind(t, rm); k != "remove" || msg.(draftRemovedMsg).id != "draft-1" || len(r.drafts.drafts) != 0 ||
		len(r.drafts.removed) != 1 {
		t.Errorf("removal %q %+v; drafts %d, removed %v", k, msg, len(r.drafts.drafts), r.drafts.removed)
	}
}

// TestSaverFinish: what Run finds once the program ended, the way a
// SIGHUP (or a crash) ends it: the answer of the save in flight, taken
// when it comes in time; a save to run itself when one was queued (the
// quit's last save) or never answered; a removal to run itself when the
// bundle is written but the draft's removal never answered.
func TestSaverFinish(t *testing.T) {
	for _, tc := range []struct {
		name              string
		setup             func(r *saverRig) tea.Cmd // returns the command in flight
		answers           bool                      // the command in flight answers (in time)
		wantAnswer        bool
		wantSave, wantRem bool
	}{
		{"idle", func(r *saverRig) tea.Cmd { return nil }, false, false, false, false},
		{"SIGHUP during a save that answers", func(r *saverRig) tea.Cmd { return r.sv.save() }, true, true, false, false},
		{"SIGHUP during a save that hangs", func(r *saverRig) tea.Cmd { return r.sv.save() }, false, false, true, false},
		{"SIGHUP after quit during a save", func(r *saverRig) tea.Cmd { c := r.sv.save(); r.sv.quit(); return c }, true, true, true, false},
		{"SIGHUP during the removal", func(r *saverRig) tea.Cmd {
			return r.sv.bundleWritten(Draft{ID: "draft-1"}, Receipt{})
		}, false, false, false, true},
		{"SIGHUP during a save, bundle written", func(r *saverRig) tea.Cmd {
			c := r.sv.save()
			r.sv.bundleWritten(Draft{ID: "draft-1"}, Receipt{})
			return c
		}, true, true, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newSaverRig()
			cmd := tc.setup(r)
			if tc.answers {
				cmd() // the answer lands in the saver's channel; the program is gone
			}
			wait := time.Duration(0)
			if tc.answers {
				wait = time.Minute // never reached: the answer is there
			}
			answer, save, rem := r.sv.finish(wait)
			if (answer != nil) != tc.wantAnswer || save != tc.wantSave || rem != tc.wantRem {
				t.Errorf("finish = %v, %v, %v; want answer %v, save %v, remove %v", answer, save, rem, tc.wantAnswer, tc.wantSave, tc.wantRem)
			}
			if r.sv.state != saverIdle {
				t.Errorf("state %d after finish", r.sv.state)
			}
		})
	}
}
