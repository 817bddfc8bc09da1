package tui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// heldAndCompleted are a draft another ucx-onboard holds, a completed one
// and a plain one.
func heldAndCompleted() []DraftInfo {
	return []DraftInfo{
		{ID: "20261120-1712-held", Updated: t0, HeldBy: 4242,
			Err: fmt.Errorf("store: draft 20261120-1712-held is in use by another ucx-onboard (pid 4242): %w", store.ErrDraftInUse)},
		{ID: "20261120-1700-done", Company: "Acme Industries", AppsDone: []string{"users"}, Updated: t0,
			Completed: &store.Completion{BundlePath: "/home/fe/acme-20261120.ucxbundle", SHA256: strings.Repeat("ab", 32)}},
		{ID: "20261120-1600-open", Company: "Globex", AppsDone: []string{"users"}, Updated: t0},
	}
}

// TestResumeInUseAndCompleted: the resume screen shows a draft held by
// another ucx-onboard as in use, with its pid, and lets it be neither
// resumed nor discarded; a completed draft says which bundle completed
// it and can only be discarded.
func TestResumeInUseAndCompleted(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.drive(t, ev(wizard.DraftsListed{Infos: heldAndCompleted()}))
	if f.m.v.Step != wizard.StepResume {
		t.Fatalf("no resume offer:\n%s", f.view())
	}
	v := f.view()
	assertNoSecrets(t, v)
	golden.RequireEqual(t, []byte(v))
	for _, want := range []string{"in use by another ucx-onboard (pid 4242)", "already completed: /home/fe/acme-20261120.ucxbundle"} {
		if !strings.Contains(v, want) {
			t.Errorf("resume screen lacks %q:\n%s", want, v)
		}
	}
	// On the held draft: neither enter nor d does anything, and the help
	// line (in the golden) offers neither.
	if help := helpKeys(f.m.resume.help()); slices.Contains(help, "enter") || slices.Contains(help, "d") {
		t.Errorf("help on the held draft offers %v, want neither enter nor d", help)
	}
	f.drive(t, press("enter"), press("d"))
	if f.m.v.Step != wizard.StepResume || f.m.resume.confirm || len(f.drafts.Removed) != 0 {
		t.Fatalf("held draft resumed or discard asked:\n%s", f.view())
	}
	// On the completed one: enter does nothing (and is not offered), d
	// discards.
	f.drive(t, press("down"), press("enter"))
	if f.m.v.Step != wizard.StepResume {
		t.Fatalf("completed draft resumed:\n%s", f.view())
	}
	if help := helpKeys(f.m.resume.help()); slices.Contains(help, "enter") || !slices.Contains(help, "d") {
		t.Errorf("help on the completed draft offers %v, want d and not enter", help)
	}
	f.drive(t, press("d"))
	if v := strings.Join(strings.Fields(f.view()), " "); !strings.Contains(v, "Discard the completed draft for Acme Industries? Its bundle /home/fe/acme-20261120.ucxbundle is written") {
		t.Fatalf("no discard question for the completed draft:\n%s", f.view())
	}
	f.drive(t, press("y"))
	if len(f.drafts.Removed) != 1 || f.drafts.Removed[0] != "20261120-1700-done" {
		t.Errorf("removed %v", f.drafts.Removed)
	}
}

// opDrafts records the order of saves and removals.
type opDrafts struct {
	DraftStore
	mu      sync.Mutex
	ops     []string
	written func() bool // whether the bundle is written
}

func (o *opDrafts) Save(d *Draft) error {
	o.mu.Lock()
	op := "save"
	if d.Completed != nil {
		op = "save completed " + d.Completed.BundlePath + " " + d.Completed.SHA256[:8]
	}
	o.ops = append(o.ops, op)
	o.mu.Unlock()
	return o.DraftStore.Save(d)
}

// Record logs a record (and whether the bundle was written by then).
func (o *opDrafts) Record(d *Draft, c *store.Completion) error {
	o.mu.Lock()
	op := "withdraw"
	if c != nil {
		op = "record " + c.BundlePath + " " + c.SHA256[:8]
		if o.written != nil && o.written() {
			op += " (after the write)"
		}
	}
	o.ops = append(o.ops, op)
	o.mu.Unlock()
	return o.DraftStore.Record(d, c)
}

func (o *opDrafts) Remove(id string) error {
	o.mu.Lock()
	o.ops = append(o.ops, "remove "+id)
	o.mu.Unlock()
	return o.DraftStore.Remove(id)
}

// TestCompleteRecordsDraftBeforeWriting: before the bundle is written the
// draft records it (bundle path and SHA-256; DraftStore.Record), and it is
// removed after; in both front-ends.
func TestCompleteRecordsDraftBeforeWriting(t *testing.T) {
	// recording wraps the fakes' store in an opDrafts.
	recording := func(f *fixture) (func(*Deps), func() *opDrafts) {
		var ops *opDrafts
		return func(d *Deps) {
			prefill(d)
			ops = &opDrafts{DraftStore: d.Drafts, written: func() bool { b, _, _ := f.writer.Got(); return b != nil }}
			d.Drafts = ops
		}, func() *opDrafts { return ops }
	}
	check := func(t *testing.T, ops *opDrafts, id, path string) {
		t.Helper()
		ops.mu.Lock()
		defer ops.mu.Unlock()
		n := len(ops.ops)
		want := []string{"record " + path + " 9f86d081", "remove " + id}
		if n < 2 || ops.ops[n-2] != want[0] || ops.ops[n-1] != want[1] {
			t.Errorf("last operations %q, want %q", ops.ops, want)
		}
	}
	t.Run("full-screen", func(t *testing.T) {
		f := newFakes()
		tweak, ops := recording(f)
		fixtureOn(t, f, 80, 24, tweak)
		f.drive(t, ev(wizard.DraftsListed{}))
		f.confirmForm(t)
		f.drive(t, press("enter"))
		id := f.m.v.DraftID
		f.drive(t, press("enter"))
		if f.m.v.Step != wizard.StepDone {
			t.Fatalf("not done (%s):\n%s", f.where(), f.view())
		}
		res, _ := f.m.Result()
		if id == "" || res.Receipt == nil {
			t.Fatalf("draft %q, Result %+v", id, res)
		}
		check(t, ops(), id, res.Receipt.BundlePath)
	})
	t.Run("accessible", func(t *testing.T) {
		f := newFakes()
		tweak, ops := recording(f)
		d := testDeps(f)
		tweak(&d)
		res, _ := runAccessibleDone(t, d, prefilledForm+"y\n")
		// The run's one draft, named by the fake store (fakeDrafts.Save).
		if f.drafts.N != 1 {
			t.Fatalf("%d drafts made, want 1", f.drafts.N)
		}
		check(t, ops(), "draft-1", res.Receipt.BundlePath)
	})
}

// TestResumeHeldByAnotherStore: with the real store, a draft that a second
// Drafts on the same folder holds (another wizard) is listed as in use by
// this process.
func TestResumeHeldByAnotherStore(t *testing.T) {
	dir := t.TempDir()
	other, err := store.OpenDrafts(dir, store.NewFileKeyStore(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	dr := Draft{Customer: testCustomer()}
	dr.ID = other.NewID()
	if err := other.Save(&dr); err != nil {
		t.Fatal(err)
	}
	mine, err := store.OpenDrafts(dir, store.NewFileKeyStore(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Close()
	infos, err := mine.List()
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, 80, 24, func(d *Deps) { d.Drafts = mine })
	f.drive(t, ev(wizard.DraftsListed{Infos: infos}))
	want := fmt.Sprintf("in use by another ucx-onboard (pid %d)", os.Getpid())
	if v := f.view(); !strings.Contains(v, want) {
		t.Fatalf("resume screen lacks %q:\n%s", want, v)
	}
	f.drive(t, press("enter"), press("d"), press("y"))
	if f.m.v.Step != wizard.StepResume {
		t.Fatalf("held draft resumed:\n%s", f.view())
	}
	if list, _ := other.List(); len(list) != 1 || list[0].Err != nil {
		t.Errorf("the holder's draft: %+v", list)
	}
}

// TestDraftKeyGoneShown: with the real store, a draft deleted with its key
// behind the wizard's back (by hand, or another ucx-onboard) is not saved
// again without its key: the save fails with store.ErrDraftKeyGone, the
// screen says so, and the quit does not claim the progress is kept.
func TestDraftKeyGoneShown(t *testing.T) {
	dir := t.TempDir()
	drafts, err := store.OpenDrafts(dir, store.NewFileKeyStore(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer drafts.Close()
	f := newFixture(t, 80, 24, func(d *Deps) { prefill(d); d.Drafts = drafts })
	f.drive(t, ev(wizard.DraftsListed{}))
	f.confirmForm(t)
	for _, a := range testApps() {
		f.auth.Block[a.ID] = true
	}
	f.drive(t, press("enter"))
	f.drive(t, press("s"), press("y")) // skip users: the first save, which works
	id := f.m.v.DraftID
	if id == "" || f.m.v.SaveErr != nil {
		t.Fatalf("first save: %q %v", id, f.m.v.SaveErr)
	}
	os.Remove(filepath.Join(dir, "drafts", id+".age"))
	os.Remove(filepath.Join(dir, "keys", "draft-"+id+".key"))
	f.drive(t, press("s"), press("y")) // skip presence: a save, which must fail
	if v := strings.Join(strings.Fields(f.view()), " "); !strings.Contains(v, "progress could not be saved: Draft deleted meanwhile") {
		t.Errorf("the failed save is not on screen:\n%s", f.view())
	}
	if _, err := os.Stat(filepath.Join(dir, "drafts", id+".age")); err == nil {
		t.Error("the draft was written again without its key")
	}
	f.drive(t, press("q"))
	if v := f.view(); strings.Contains(v, "kept as a draft") || !strings.Contains(v, "could not be saved") {
		t.Errorf("quit question after the failed save:\n%s", v)
	}
	f.drive(t, press("y"))
	if res, _ := f.m.Result(); !errors.Is(res.DraftSaveErr, store.ErrDraftKeyGone) {
		t.Errorf("Result.DraftSaveErr = %v, want ErrDraftKeyGone", res.DraftSaveErr)
	}
	if list, _ := drafts.List(); len(list) != 0 {
		t.Errorf("drafts after the quit: %+v", list)
	}
}

// helpKeys is the keys a help line shows.
func helpKeys(bs []key.Binding) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Help().Key)
	}
	return out
}
