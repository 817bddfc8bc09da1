package store

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/zalando/go-keyring"
)

// fakeKeys is an in-memory KeyStore.
type fakeKeys struct {
	mu   sync.Mutex
	m    map[string]Secret
	fail bool // Get fails as a locked keyring would
}

func newFakeKeys() *fakeKeys { return &fakeKeys{m: map[string]Secret{}} }

func (f *fakeKeys) Get(id string) (Secret, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.m[id]
	if !ok || f.fail {
		return Secret{}, ErrKeyNotFound
	}
	return s, nil
}
func (f *fakeKeys) Set(id string, k Secret) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.m[id] = k
	return nil
}
func (f *fakeKeys) Delete(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.m, id)
	return nil
}

func testDraft() *Draft {
	b := testBundle()
	return &Draft{
		Customer: b.Customer, SelectedApps: []string{"presence", "cdr"}, SkippedApps: []string{"sso"},
		Apps: b.Apps, Org: b.Org,
		Approvals: []ApprovalNote{{AppID: "presence", Warnings: []string{"Jane Admin is not a Full Admin of the organization."}, Undecided: true}},
	}
}

func TestDrafts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keys := newFakeKeys()
	d, err := OpenDrafts(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, d)
	clock := t0
	d.now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	if fi, _ := os.Stat(filepath.Join(dir, "drafts")); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
		t.Errorf("drafts dir mode %v", fi.Mode().Perm())
	}

	a := testDraft()
	if err := d.Save(a); err != nil {
		t.Fatal(err)
	}
	if a.ID == "" || a.Created.IsZero() || !a.Updated.Equal(a.Created) {
		t.Fatalf("Save did not set ID/Created/Updated: %+v", a)
	}
	if fi, _ := os.Stat(d.path(a.ID)); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("draft mode %v", fi.Mode().Perm())
	}
	b := testDraft()
	b.Customer.Company = "Beta"
	b.Apps = nil
	if err := d.Save(b); err != nil {
		t.Fatal(err)
	}
	a.SkippedApps = nil
	if err := d.Save(a); err != nil { // update in place
		t.Fatal(err)
	}
	got, err := d.Load(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != a.ID || !got.Updated.Equal(a.Updated) || got.Customer != a.Customer || len(got.SkippedApps) != 0 ||
		!reflect.DeepEqual(got.Approvals, a.Approvals) {
		t.Errorf("Load: %+v", got)
	}
	sameBundle(t, Bundle{Apps: got.Apps}, Bundle{Apps: a.Apps})

	list, err := d.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID || list[0].Company != "Acme S.p.A." ||
		len(list[0].AppsDone) != 1 || list[0].AppsDone[0] != "Attendant Console Presence Connector" || list[0].Err != nil {
		t.Errorf("List: %+v", list)
	}

	// A damaged draft is listed with ErrDraftDamaged and moved aside.
	os.WriteFile(d.path(b.ID), []byte("age-encryption.org/v1\n-> X25519 garbage\n"), 0o600)
	list, err = d.List()
	if err != nil {
		t.Fatal(err)
	}
	var damaged *DraftInfo
	for i := range list {
		if list[i].ID == b.ID {
			damaged = &list[i]
		}
	}
	if damaged == nil || !errors.Is(damaged.Err, ErrDraftDamaged) {
		t.Fatalf("damaged draft: %+v", list)
	}
	if _, err := os.Stat(d.path(b.ID) + ".damaged"); err != nil {
		t.Errorf("not moved aside: %v", err)
	}
	if list, _ := d.List(); len(list) != 1 {
		t.Errorf("after moving aside: %+v", list)
	}
	// Garbage that is not even age, and an empty file.
	for _, junk := range [][]byte{nil, []byte("{}"), []byte("\x00\xff")} {
		os.WriteFile(d.path("junk"), junk, 0o600)
		keys.Set("junk", NewSecret("AGE-SECRET-KEY-1QQQ"))
		if _, err := d.Load("junk"); err == nil {
			t.Errorf("junk %q loaded", junk)
		}
		os.Remove(d.path("junk"))
	}

	// The keyring locking mid-session does not matter: keys are cached.
	keys.fail = true
	if _, err := d.Load(a.ID); err != nil {
		t.Errorf("cached key: %v", err)
	}
	// A new session without the key: reported, not moved, and Save keeps
	// the old file.
	d.Close() // the first session ends: its locks go
	d, err = OpenDrafts(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, d)
	d.now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	list, _ = d.List()
	if len(list) != 1 || !errors.Is(list[0].Err, ErrDraftKeyUnavailable) {
		t.Fatalf("key unavailable: %+v", list)
	}
	oldID := a.ID
	if err := d.Save(a); err != nil {
		t.Fatal(err)
	}
	if a.ID == oldID {
		t.Error("Save overwrote a draft whose key was unavailable")
	}
	keys.fail = false
	if _, err := d.Load(oldID); err != nil {
		t.Errorf("old draft lost: %v", err)
	}

	// Remove deletes the file and the key.
	if err := d.Remove(a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Load(a.ID); !errors.Is(err, ErrDraftNotFound) {
		t.Errorf("after Remove: %v", err)
	}
	if _, err := keys.Get(a.ID); err == nil {
		t.Error("key not removed")
	}
	if err := d.Remove(a.ID); err != nil {
		t.Errorf("second Remove: %v", err)
	}
	for _, bad := range []string{"../x", "A", "", "x/y", strings.Repeat("a", 65)} {
		if _, err := d.Load(bad); !errors.Is(err, ErrDraftNotFound) {
			t.Errorf("Load(%q): %v", bad, err)
		}
	}
}

func TestKeyStores(t *testing.T) {
	keyring.MockInit()
	dir := t.TempDir()
	for name, ks := range map[string]KeyStore{"file": NewFileKeyStore(dir), "keyring": NewKeyStore(dir)} {
		if _, err := ks.Get("d1"); !errors.Is(err, ErrKeyNotFound) {
			t.Errorf("%s: Get missing: %v", name, err)
		}
		if err := ks.Set("d1", NewSecret("tok-FAKE-key")); err != nil {
			t.Fatal(err)
		}
		if s, err := ks.Get("d1"); err != nil || s.Reveal() != "tok-FAKE-key" {
			t.Errorf("%s: Get: %v", name, err)
		}
		if err := ks.Delete("d1"); err != nil {
			t.Fatal(err)
		}
		if _, err := ks.Get("d1"); err == nil {
			t.Errorf("%s: key survives Delete", name)
		}
	}
	// The keyring worked, so no key file was written.
	if _, err := os.Stat(filepath.Join(dir, "keys", "draft-d1.key")); err == nil {
		t.Error("key file left behind")
	}
	// Keyring failing: falls back to a 0600 file.
	keyring.MockInitWithError(errors.New("no dbus"))
	ks := NewKeyStore(dir)
	if err := ks.Set("d2", NewSecret("tok-FAKE-key2")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "keys", "draft-d2.key"))
	if err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
		t.Fatalf("fallback file: %v %v", fi, err)
	}
	if s, err := ks.Get("d2"); err != nil || s.Reveal() != "tok-FAKE-key2" {
		t.Errorf("fallback Get: %v", err)
	}
	keyring.MockInit()
}

// rewriteDraft re-seals draft id's plaintext, changed by edit, to its own
// key, as another ucx-onboard version using the same key would.
func rewriteDraft(t *testing.T, d *Drafts, id string, edit func([]byte) []byte) {
	t.Helper()
	key, err := d.identity(id)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(d.path(id))
	if err != nil {
		t.Fatal(err)
	}
	pt, err := decrypt(data, "draft", []age.Identity{key})
	if err != nil {
		t.Fatal(err)
	}
	pt = edit(pt)
	sealed, err := seal(pad(bytes.TrimRight(pt, " \n")), Protection{recipients: []age.Recipient{key.Recipient()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.path(id), sealed, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestDraftFromNewerVersion: a draft that decrypts with its key but was
// written by a newer ucx-onboard (a later draft version, or a field this
// version does not know) is reported as ErrDraftUnsupported and left
// alone: not renamed, its key kept, never overwritten; Remove discards it.
// Only a draft that fails decryption loses its key.
func TestDraftFromNewerVersion(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		edit func([]byte) []byte
		msg  string
	}{
		"version 4": {
			edit: func(pt []byte) []byte {
				return bytes.Replace(pt, []byte(`"version":2`), fmt.Appendf(nil, `"version":%d`, draftVersion+1), 1)
			},
			msg: "newer ucx-onboard (version 4)",
		},
		"unknown field": {
			edit: func(pt []byte) []byte {
				return bytes.Replace(pt, []byte(`"version":2,`), []byte(`"version":2,"resume_hint":"`+fakeAccess+`",`), 1)
			},
			msg: `newer ucx-onboard (unknown field "resume_hint")`,
		},
		"not json": {
			edit: func([]byte) []byte { return []byte("not json " + fakeAccess) },
			msg:  "cannot be read by this ucx-onboard",
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			keys := newFakeKeys()
			d, err := OpenDrafts(dir, keys)
			if err != nil {
				t.Fatal(err)
			}
			closeAtEnd(t, d)
			dr := testDraft()
			if err := d.Save(dr); err != nil {
				t.Fatal(err)
			}
			rewriteDraft(t, d, dr.ID, tc.edit)
			newer, _ := os.ReadFile(d.path(dr.ID))
			key, _ := keys.Get(dr.ID)

			// The older binary starts: List, then Load.
			d.Close()
			d, err = OpenDrafts(dir, keys)
			if err != nil {
				t.Fatal(err)
			}
			closeAtEnd(t, d)
			list, err := d.List()
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].ID != dr.ID || !errors.Is(list[0].Err, ErrDraftUnsupported) ||
				errors.Is(list[0].Err, ErrDraftDamaged) || !strings.Contains(list[0].Err.Error(), tc.msg) {
				t.Fatalf("List: %+v", list)
			}
			if strings.Contains(list[0].Err.Error(), "tok-FAKE") || strings.Contains(list[0].Err.Error(), "\n") {
				t.Errorf("error leaks content or is not one line: %v", list[0].Err)
			}
			for range 2 {
				if _, err := d.Load(dr.ID); !errors.Is(err, ErrDraftUnsupported) {
					t.Errorf("Load: %v", err)
				}
			}
			if k, err := keys.Get(dr.ID); err != nil || !k.Equal(key) {
				t.Fatalf("key of a newer version's draft lost: %v", err)
			}
			if got, _ := os.ReadFile(d.path(dr.ID)); !bytes.Equal(got, newer) {
				t.Fatal("newer version's draft changed")
			}
			if m, _ := filepath.Glob(filepath.Join(dir, "drafts", "*damaged")); len(m) != 0 {
				t.Errorf("renamed aside: %v", m)
			}

			// Saving, even under its ID, never overwrites it.
			fresh := testDraft()
			if err := d.Save(fresh); err != nil || fresh.ID == dr.ID {
				t.Fatalf("Save new: %v %s", err, fresh.ID)
			}
			same := testDraft()
			same.ID = dr.ID
			if err := d.Save(same); err != nil || same.ID == dr.ID {
				t.Fatalf("Save under its ID: %v %s", err, same.ID)
			}
			if got, _ := os.ReadFile(d.path(dr.ID)); !bytes.Equal(got, newer) {
				t.Fatal("Save overwrote a newer version's draft")
			}
			if k, err := keys.Get(dr.ID); err != nil || !k.Equal(key) {
				t.Fatalf("Save replaced the key: %v", err)
			}
			if list, _ := d.List(); len(list) != 3 {
				t.Errorf("after Save: %+v", list)
			}

			// Remove discards it with its key.
			if err := d.Remove(dr.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(d.path(dr.ID)); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("file survives Remove: %v", err)
			}
			if _, err := keys.Get(dr.ID); err == nil {
				t.Error("key survives Remove")
			}
		})
	}
}

// TestDraftDamagedLosesKey: a draft that fails authentication is moved
// aside and its key deleted.
func TestDraftDamagedLosesKey(t *testing.T) {
	t.Parallel()
	keys := newFakeKeys()
	d, err := OpenDrafts(t.TempDir(), keys)
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, d)
	dr := testDraft()
	if err := d.Save(dr); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(d.path(dr.ID))
	data[len(data)-20] ^= 1
	os.WriteFile(d.path(dr.ID), data, 0o600)
	if _, err := d.Load(dr.ID); !errors.Is(err, ErrDraftDamaged) || errors.Is(err, ErrDraftUnsupported) {
		t.Fatalf("Load: %v", err)
	}
	if _, err := keys.Get(dr.ID); err == nil {
		t.Error("key of a damaged draft kept")
	}
	if _, err := os.Stat(d.path(dr.ID) + ".damaged"); err != nil {
		t.Error(err)
	}
}

// TestRemoveDamagedCopies: Remove deletes every *.damaged copy of the
// draft (and only of that draft) even when the state directory's path has
// glob metacharacters.
func TestRemoveDamagedCopies(t *testing.T) {
	t.Parallel()
	// Windows forbids '*' and '?' in file names (Microsoft, "Naming
	// Files, Paths, and Namespaces"): there '[' is the metacharacter left.
	dir := filepath.Join(t.TempDir(), "state [x]*?")
	if runtime.GOOS == "windows" {
		dir = filepath.Join(t.TempDir(), "state [x]")
	}
	keys := newFakeKeys()
	d, err := OpenDrafts(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, d)
	var drafts [2]*Draft
	for i := range drafts {
		drafts[i] = testDraft()
		if err := d.Save(drafts[i]); err != nil {
			t.Fatal(err)
		}
	}
	id := drafts[0].ID
	key, _ := keys.Get(id)
	// Damaged twice: the second copy gets a timestamped name.
	for range 2 {
		os.WriteFile(d.path(id), []byte("age-encryption.org/v1\n-> X25519 garbage\n"), 0o600)
		keys.Set(id, key)
		if _, err := d.Load(id); !errors.Is(err, ErrDraftDamaged) {
			t.Fatalf("Load: %v", err)
		}
	}
	other := d.path(drafts[1].ID) + ".damaged"
	os.WriteFile(other, nil, 0o600)
	if m := draftFiles(t, d); len(m) != 4 {
		t.Fatalf("setup: %d files: %v", len(m), m)
	}
	if err := d.Remove(id); err != nil {
		t.Fatal(err)
	}
	if left, want := draftFiles(t, d), []string{drafts[1].ID + ".age", drafts[1].ID + ".age.damaged"}; !slices.Equal(left, want) {
		t.Errorf("after Remove: %q, want %q", left, want)
	}
}

// draftFiles lists d's drafts folder without the lock files.
func draftFiles(t *testing.T, d *Drafts) []string {
	t.Helper()
	entries, err := os.ReadDir(d.draftDir())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), lockSuffix) {
			out = append(out, e.Name())
		}
	}
	return out
}
