package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"filippo.io/age"
)

// completeFixture is a state directory with one saved draft, and the
// completion of its bundle (sealed, not written) in out.
func completeFixture(t *testing.T) (d *Drafts, dir, out string, dr *Draft, c *Completion) {
	d, dir, out, dr, c, _ = completeFixtureP(t)
	return
}

func completeFixtureP(t *testing.T) (d *Drafts, dir, out string, dr *Draft, c *Completion, p Protection) {
	t.Helper()
	dir, out = t.TempDir(), t.TempDir()
	d, err := OpenDrafts(dir, NewFileKeyStore(dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	dr = testDraft()
	if err := d.Save(dr); err != nil {
		t.Fatal(err)
	}
	id, _ := age.GenerateX25519Identity()
	p, _ = NewRecipientProtection([]string{id.Recipient().String()})
	c, err = SealBundle(filepath.Join(out, "acme-2026-12-07.ucxbundle"), testBundle(), p)
	if err != nil {
		t.Fatal(err)
	}
	return d, dir, out, dr, c, p
}

// complete writes the bundle of dr as the wizard does (recorded first),
// under c's name (c itself is dropped: a new one is sealed), and returns
// the recorded completion.
func complete(t *testing.T, d *Drafts, dr *Draft, c *Completion, p Protection) (Receipt, *Completion, error) {
	t.Helper()
	var got *Completion
	record := func(c *Completion) error {
		if c != nil {
			got = c
		}
		return d.Record(dr, c)
	}
	rc, err := WriteBundleRecorded(c.BundlePath, testBundle(), p, record)
	return rc, got, err
}

// reopen starts again on dir, as the next run does, and lists the drafts.
func reopen(t *testing.T, d *Drafts, dir string) []DraftInfo {
	t.Helper()
	d.Close()
	d2, err := OpenDrafts(dir, NewFileKeyStore(dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d2.Close() })
	list, err := d2.List()
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// recordOnly saves dr with the completion c, as Complete does before it
// writes: the state a kill right after the record leaves.
func recordOnly(t *testing.T, d *Drafts, dr *Draft, c *Completion) {
	t.Helper()
	dr.Completed = c
	if err := d.Save(dr); err != nil {
		t.Fatal(err)
	}
}

// TestCompleteAfterKill: whatever point of the write (WriteBundleRecorded) a kill
// stopped at, the next start (List) leaves the bundle the draft recorded,
// byte for byte, and its receipt, under the recorded name and no other;
// a different file under that name is left alone and said plainly.
func TestCompleteAfterKill(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// state writes what the kill left beside the draft's record.
		state                 func(t *testing.T, c *Completion)
		wroteBundle, wroteRcp bool
		err                   error
	}{
		{"killed before the bundle", func(*testing.T, *Completion) {}, true, true, nil},
		{"killed before the receipt", func(t *testing.T, c *Completion) {
			os.WriteFile(c.BundlePath, c.Sealed, 0o600)
		}, false, true, nil},
		{"killed before the draft's removal", func(t *testing.T, c *Completion) {
			os.WriteFile(c.BundlePath, c.Sealed, 0o600)
			os.WriteFile(c.BundlePath+ReceiptSuffix, []byte(c.ReceiptText), 0o600)
		}, false, false, nil},
		{"another file has the name", func(t *testing.T, c *Completion) {
			os.WriteFile(c.BundlePath, []byte("someone else's"), 0o600)
		}, false, false, ErrBundleMismatch},
		{"the bundle was damaged since", func(t *testing.T, c *Completion) {
			bad := bytes.Clone(c.Sealed)
			bad[len(bad)-1] ^= 1
			os.WriteFile(c.BundlePath, bad, 0o600)
		}, false, false, ErrBundleMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, dir, out, dr, c := completeFixture(t)
			recordOnly(t, d, dr, c)
			tt.state(t, c)
			before, _ := os.ReadFile(c.BundlePath)
			list := reopen(t, d, dir)
			if len(list) != 1 || list[0].Completed == nil || list[0].Finished == nil {
				t.Fatalf("List: %+v", list)
			}
			f := list[0].Finished
			if !errors.Is(f.Err, tt.err) || (tt.err == nil) != (f.Err == nil) {
				t.Fatalf("Finished.Err = %v, want %v", f.Err, tt.err)
			}
			if f.WroteBundle != tt.wroteBundle || f.WroteReceipt != tt.wroteRcp {
				t.Errorf("wrote bundle %v receipt %v, want %v %v", f.WroteBundle, f.WroteReceipt, tt.wroteBundle, tt.wroteRcp)
			}
			got, _ := os.ReadFile(c.BundlePath)
			entries, _ := os.ReadDir(out)
			if tt.err != nil {
				if !bytes.Equal(got, before) || len(entries) != 1 {
					t.Errorf("the other file was touched, or something else was written (%d files)", len(entries))
				}
				if f.Receipt.BundlePath != "" {
					t.Errorf("Receipt %+v for a bundle that is not the draft's", f.Receipt)
				}
				return
			}
			rcp, _ := os.ReadFile(c.BundlePath + ReceiptSuffix)
			if !bytes.Equal(got, c.Sealed) || string(rcp) != c.ReceiptText || len(entries) != 2 {
				t.Errorf("bundle identical %v, receipt identical %v, %d files in the output folder",
					bytes.Equal(got, c.Sealed), string(rcp) == c.ReceiptText, len(entries))
			}
			if f.Receipt.BundlePath != c.BundlePath || f.Receipt.ReceiptPath != c.BundlePath+ReceiptSuffix || f.Receipt.SHA256 != c.SHA256 {
				t.Errorf("Receipt %+v", f.Receipt)
			}
			// A second start finds everything in place and writes nothing.
			again := reopen(t, d, dir)
			if g := again[0].Finished; g.Err != nil || g.WroteBundle || g.WroteReceipt {
				t.Errorf("second start: %+v", g)
			}
		})
	}
}

// TestCompleteRecordKept: once Record kept the bundle, a Save of
// the draft without it (one asked for earlier, answered later) keeps the
// record; Load and List see it.
func TestCompleteRecordKept(t *testing.T) {
	t.Parallel()
	d, dir, _, dr, c, p := completeFixtureP(t)
	rc, c, err := complete(t, d, dr, c, p)
	if err != nil || rc.ReceiptPath == "" {
		t.Fatalf("Complete: %+v %v", rc, err)
	}
	stale := testDraft()
	stale.ID = dr.ID
	if err := d.Save(stale); err != nil {
		t.Fatal(err)
	}
	got, err := d.Load(dr.ID)
	if err != nil || got.Completed == nil || !bytes.Equal(got.Completed.Sealed, c.Sealed) || !reflect.DeepEqual(got.Completed, c) {
		t.Fatalf("Load after a stale save: %+v %v", got.Completed, err)
	}
	list := reopen(t, d, dir)
	if f := list[0].Finished; f == nil || f.Err != nil || f.WroteBundle || f.WroteReceipt {
		t.Errorf("List: %+v", f)
	}
}

// TestCompleteWriteFails: a bundle that could not be written leaves no
// record (the onboarding goes on); one whose record cannot be saved is
// not written.
func TestCompleteWriteFails(t *testing.T) {
	t.Parallel()
	t.Run("write fails", func(t *testing.T) {
		t.Parallel()
		d, dir, out, dr, c, p := completeFixtureP(t)
		if err := os.Remove(out); err != nil {
			t.Fatal(err)
		}
		rc, rec, err := complete(t, d, dr, c, p)
		if err == nil || rc.BundlePath != "" || rec == nil {
			t.Fatalf("Complete into a missing folder: %+v %v", rc, err)
		}
		if dr.Completed != nil {
			t.Errorf("dr.Completed still set")
		}
		if list := reopen(t, d, dir); list[0].Completed != nil {
			t.Errorf("the record was kept: %+v", list[0])
		}
	})
	t.Run("record fails", func(t *testing.T) {
		t.Parallel()
		d, _, _, dr, c, p := completeFixtureP(t)
		// The draft's file becomes a folder: the draft cannot be written
		// (on every platform: its lock file, which Windows keeps open,
		// is left alone).
		if err := os.Remove(d.path(dr.ID)); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(d.path(dr.ID), 0o700); err != nil {
			t.Fatal(err)
		}
		if _, _, err := complete(t, d, dr, c, p); err == nil {
			t.Fatal("the bundle was written without a record")
		}
		if _, err := os.Lstat(c.BundlePath); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("bundle written without a record: %v", err)
		}
	})
}

// v2Fixture is testdata/draft-v2-completed.age (key in
// draft-v2-completed.key): testDraft() saved with Completed
// {fixture-v2.ucxbundle, SHA-256 of "1"} by the build before the sealed
// bundle was kept (commit 5df877a), draft format version 2.
const v2FixtureID = "20261201-101500-2b7e9c41"

// TestDraftFixtureV2Completed: a completed draft of version 2 loads; the
// next start checks its bundle and receipt by the recorded SHA-256, and
// says plainly what it cannot write again.
func TestDraftFixtureV2Completed(t *testing.T) {
	dir := t.TempDir()
	installDraftFixture(t, dir, "draft-v2-completed", v2FixtureID)
	t.Chdir(t.TempDir()) // the fixture's bundle path is relative
	d, err := OpenDrafts(dir, NewFileKeyStore(dir))
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Load(v2FixtureID)
	if err != nil {
		t.Fatal(err)
	}
	want := &Completion{BundlePath: "fixture-v2.ucxbundle", SHA256: "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b"}
	if !reflect.DeepEqual(got.Completed, want) || got.Customer != testDraft().Customer || len(got.Apps) != len(testDraft().Apps) {
		t.Fatalf("fixture: %+v", got)
	}
	steps := []struct {
		name  string
		write map[string]string
		err   error
	}{
		{"bundle missing", nil, ErrBundleMissing},
		{"bundle there, receipt missing", map[string]string{"fixture-v2.ucxbundle": "1"}, ErrBundleMissing},
		{"both there", map[string]string{"fixture-v2.ucxbundle.receipt.txt": "r"}, nil},
	}
	for _, s := range steps {
		for name, data := range s.write {
			os.WriteFile(name, []byte(data), 0o600)
		}
		list, err := d.List()
		if err != nil || len(list) != 1 || list[0].Finished == nil {
			t.Fatalf("%s: List %+v %v", s.name, list, err)
		}
		if f := list[0].Finished; !errors.Is(f.Err, s.err) || (s.err == nil) != (f.Err == nil) || f.WroteBundle || f.WroteReceipt {
			t.Errorf("%s: %+v, want %v", s.name, f, s.err)
		}
	}
	d.Close()
	os.WriteFile("fixture-v2.ucxbundle", []byte("2"), 0o600)
	d, _ = OpenDrafts(dir, NewFileKeyStore(dir))
	defer d.Close()
	if list, _ := d.List(); !errors.Is(list[0].Finished.Err, ErrBundleMismatch) {
		t.Errorf("different bundle: %+v", list[0].Finished)
	}
}

// TestCheckBundleName: names whose receipt's temporary file would pass
// 255 bytes are refused; the longest default name fits.
func TestCheckBundleName(t *testing.T) {
	t.Parallel()
	room := maxNameBytes - len(ReceiptSuffix) - tempNameOverhead
	tests := []struct {
		base string
		ok   bool
	}{
		{"acme-2026-12-07.ucxbundle", true},
		{strings.Repeat("a", room), true},
		{strings.Repeat("a", room+1), false},
		{strings.Repeat("é", room/2+1), false}, // bytes, not characters
	}
	for _, tt := range tests {
		err := CheckBundleName(filepath.Join("out", tt.base))
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrNameTooLong)) {
			t.Errorf("%d bytes: %v", len(tt.base), err)
		}
	}
	if _, err := SealBundle(strings.Repeat("a", room+1), testBundle(), Protection{}); !errors.Is(err, ErrNoProtection) {
		t.Errorf("protection is checked first: %v", err)
	}
}

// hugeDraft makes draft id of dir a sparse file of size bytes (no disk
// used), with a key, as a start would find it.
func hugeDraft(t testing.TB, dir string, size int64) (*Drafts, string) {
	t.Helper()
	d, err := OpenDrafts(dir, NewFileKeyStore(dir))
	if err != nil {
		t.Fatal(err)
	}
	dr := testDraft()
	if err := d.Save(dr); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(d.path(dr.ID), size); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if d, err = OpenDrafts(dir, NewFileKeyStore(dir)); err != nil {
		t.Fatal(err)
	}
	return d, dr.ID
}

// TestHugeDraftMemory: a 1 GiB draft is reported damaged from its size,
// and the start (List) allocates less than 64 MB for it (it took 1,068 MB
// when drafts were read whole).
func TestHugeDraftMemory(t *testing.T) {
	d, id := hugeDraft(t, t.TempDir(), 1<<30)
	defer d.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	list, err := d.List()
	runtime.ReadMemStats(&after)
	if err != nil || len(list) != 1 || list[0].ID != id || !errors.Is(list[0].Err, ErrDraftDamaged) {
		t.Fatalf("List: %+v %v", list, err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("List of a 1 GiB draft allocated %d bytes", alloc)
	if alloc >= 64<<20 {
		t.Errorf("List of a 1 GiB draft allocated %d MB, want < 64 MB", alloc>>20)
	}
}

// BenchmarkHugeDraftStart measures a start (OpenDrafts, List) that finds
// a 1 GiB draft, in bytes allocated (B/op, and MB/start).
func BenchmarkHugeDraftStart(b *testing.B) {
	b.ReportAllocs()
	var total uint64
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		d, _ := hugeDraft(b, dir, 1<<30)
		d.Close()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		b.StartTimer()
		d, err := OpenDrafts(dir, NewFileKeyStore(dir))
		if err != nil {
			b.Fatal(err)
		}
		list, _ := d.List()
		b.StopTimer()
		runtime.ReadMemStats(&after)
		total += after.TotalAlloc - before.TotalAlloc
		if len(list) != 1 || !errors.Is(list[0].Err, ErrDraftDamaged) {
			b.Fatalf("List: %+v", list)
		}
		d.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(total)/float64(b.N)/1e6, "MB/start")
}

// TestDraftVersionWritten: a draft is written as version 2 (which earlier
// builds read) until it records a bundle, then as version 3.
func TestDraftVersionWritten(t *testing.T) {
	t.Parallel()
	d, _, _, dr, c := completeFixture(t)
	version := func() string {
		var v string
		rewriteDraft(t, d, dr.ID, func(pt []byte) []byte {
			var m struct {
				Version int `json:"version"`
			}
			if err := json.Unmarshal(bytes.TrimRight(pt, " \n"), &m); err != nil {
				t.Fatal(err)
			}
			v = fmt.Sprint(m.Version)
			return pt
		})
		return v
	}
	if v := version(); v != "2" {
		t.Errorf("ordinary draft written as version %s, want 2", v)
	}
	if err := d.Record(dr, c); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != "3" {
		t.Errorf("draft with a recorded bundle written as version %s, want 3", v)
	}
	if err := d.Record(dr, nil); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != "2" {
		t.Errorf("withdrawn record: version %s, want 2", v)
	}
}
