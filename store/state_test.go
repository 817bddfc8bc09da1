package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"filippo.io/age"
)

// TestStateDirPermissionsAndLeftovers: OpenDrafts forces an existing state
// directory, drafts/ and keys/ to 0700, and removes stale temporary files
// left by a killed process in drafts/ and in keys/ (old ones, or those of
// a dead writer; fresh ones of a live writer may belong to a running
// wizard and stay), key files of no draft and lock files of no draft.
func TestStateDirPermissionsAndLeftovers(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	for _, sub := range []string{"", "drafts", "keys"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
		os.Chmod(filepath.Join(dir, sub), 0o755) // whatever the umask
	}
	old := time.Now().Add(-time.Hour)
	leftovers := map[string]bool{ // path: stale
		filepath.Join(dir, "drafts", ".x.age"+tempInfix+"1"):             true,
		filepath.Join(dir, "keys", ".draft-x.key"+tempInfix+"2"):         true,
		filepath.Join(dir, "keys", ".draft-y.key"+tempInfix+"3"):         false,
		filepath.Join(dir, "drafts", ".y.age"+tempInfix+"4"):             false,
		filepath.Join(dir, "keys", "draft-20261121-093000-abcd1234.key"): false, // its draft exists
		filepath.Join(dir, "drafts", "20261121-093000-abcd1234.age"):     false,
		filepath.Join(dir, "keys", "draft-20261121-093000-0bad0bad.key"): true, // an orphan key
		filepath.Join(dir, "drafts", "20261121-093000-0dead0ed.lock"):    true, // a lock of no draft
		// A fresh temporary file of a live writer stays.
		filepath.Join(dir, "keys", ".draft-z.key"+tempInfix+strconv.Itoa(os.Getpid())+"-6"): false,
	}
	for p, stale := range leftovers {
		if err := os.WriteFile(p, []byte("AGE-SECRET-KEY-1TOKFAKE"), 0o600); err != nil {
			t.Fatal(err)
		}
		if stale || !isTempName(filepath.Base(p)) { // old, but not temporary: kept
			os.Chtimes(p, old, old)
		}
	}
	// A fresh one of a dead writer goes.
	exitedWriter(t, func(pid int) {
		p := filepath.Join(dir, "drafts", ".z.age"+tempInfix+strconv.Itoa(pid)+"-5")
		if err := os.WriteFile(p, []byte("AGE-SECRET-KEY-1TOKFAKE"), 0o600); err != nil {
			t.Fatal(err)
		}
		leftovers[p] = true
	})
	if d, err := OpenDrafts(dir, NewFileKeyStore(dir)); err != nil {
		t.Fatal(err)
	} else {
		d.Close()
	}
	for p, stale := range leftovers {
		_, err := os.Stat(p)
		if stale && err == nil {
			t.Errorf("stale temporary file kept: %s", p)
		}
		if !stale && err != nil {
			t.Errorf("%s removed: %v", p, err)
		}
	}
	if runtime.GOOS == "windows" {
		return
	}
	for _, sub := range []string{"", "drafts", "keys"} {
		fi, err := os.Stat(filepath.Join(dir, sub))
		if err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s/%s: mode %v %v, want 0700", filepath.Base(dir), sub, fi.Mode().Perm(), err)
		}
	}
	// A file key store on its own also locks an existing keys/ down.
	other := t.TempDir()
	os.Mkdir(filepath.Join(other, "keys"), 0o755)
	os.Chmod(filepath.Join(other, "keys"), 0o755)
	if err := NewFileKeyStore(other).Set("d1", NewSecret("tok-FAKE-key")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(filepath.Join(other, "keys")); fi.Mode().Perm() != 0o700 {
		t.Errorf("keys dir mode %v after Set, want 0700", fi.Mode().Perm())
	}
}

// TestDamagedDraftLosesItsKey: a draft that its own key cannot open is
// damaged in the file, not in the key, so moving it aside deletes the
// key; Remove then deletes the renamed file too.
func TestDamagedDraftLosesItsKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keys := NewFileKeyStore(dir)
	d, err := OpenDrafts(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, d)
	dr := testDraft()
	if err := d.Save(dr); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(d.path(dr.ID))
	data[len(data)-1] ^= 1 // payload fails authentication
	os.WriteFile(d.path(dr.ID), data, 0o600)
	if _, err := d.Load(dr.ID); !errors.Is(err, ErrDraftDamaged) {
		t.Fatalf("Load: %v, want ErrDraftDamaged", err)
	}
	if _, err := os.Stat(d.path(dr.ID) + ".damaged"); err != nil {
		t.Fatalf("not moved aside: %v", err)
	}
	if _, err := keys.Get(dr.ID); !errors.Is(err, ErrKeyNotFound) {
		t.Errorf("key of a damaged draft kept: %v", err)
	}
	if err := d.Remove(dr.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d.path(dr.ID) + ".damaged"); err == nil {
		t.Error("Remove left the damaged copy")
	}
}

// TestRemoveWithoutKey: the wizard offers to discard a draft whose key is
// unavailable; Remove deletes the file and whatever key there is without
// decrypting anything.
func TestRemoveWithoutKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		spoil func(dir, id string, fk *fakeKeys)
	}{
		{"key missing", func(dir, id string, _ *fakeKeys) {
			os.Remove(filepath.Join(dir, "keys", "draft-"+id+".key"))
		}},
		{"key malformed", func(dir, id string, _ *fakeKeys) {
			os.WriteFile(filepath.Join(dir, "keys", "draft-"+id+".key"), []byte("AGE-SECRET-KEY-1QQQ\n"), 0o600)
		}},
		{"key of another draft", func(dir, id string, _ *fakeKeys) {
			x, _ := age.GenerateX25519Identity()
			os.WriteFile(filepath.Join(dir, "keys", "draft-"+id+".key"), []byte(x.String()+"\n"), 0o600)
		}},
		{"keyring locked", func(_, _ string, fk *fakeKeys) { fk.fail = true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			fk := newFakeKeys()
			var ks KeyStore = NewFileKeyStore(dir)
			if tc.name == "keyring locked" {
				ks = fk
			}
			d, err := OpenDrafts(dir, ks)
			if err != nil {
				t.Fatal(err)
			}
			closeAtEnd(t, d)
			dr := testDraft()
			if err := d.Save(dr); err != nil {
				t.Fatal(err)
			}
			tc.spoil(dir, dr.ID, fk)
			d.Close()
			d, err = OpenDrafts(dir, ks) // a new session: no cached key
			if err != nil {
				t.Fatal(err)
			}
			closeAtEnd(t, d)
			list, err := d.List()
			if err != nil || len(list) != 1 || !errors.Is(list[0].Err, ErrDraftKeyUnavailable) {
				t.Fatalf("List: %+v %v, want one draft with ErrDraftKeyUnavailable", list, err)
			}
			if err := d.Remove(dr.ID); err != nil {
				t.Fatalf("Remove: %v", err)
			}
			if _, err := os.Stat(d.path(dr.ID)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("draft file still there: %v", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "keys", "draft-"+dr.ID+".key")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("key file still there: %v", err)
			}
			fk.fail = false
			if _, err := fk.Get(dr.ID); err == nil {
				t.Error("keyring entry still there")
			}
			if list, _ := d.List(); len(list) != 0 {
				t.Errorf("List after Remove: %+v", list)
			}
		})
	}
}

// TestStateDirSymlink: a --state-dir that is a symbolic link to a folder
// of one's own is that folder (drafts are written there); a link to a
// file is "not a directory" and a dangling one does not exist.
func TestStateDirSymlink(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	own := filepath.Join(base, "own")
	if err := os.Mkdir(own, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	link := func(name, target string) string {
		p := filepath.Join(base, name)
		if err := os.Symlink(target, p); err != nil {
			// Windows: creating links takes SeCreateSymbolicLinkPrivilege
			// or Developer Mode (Microsoft, "Create symbolic links").
			t.Skipf("cannot create a symbolic link here: %v", err)
		}
		if fi, err := os.Lstat(p); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			// Wine 8 answers CreateSymbolicLink without making a
			// reparse point that Lstat reports as a link.
			what := fmt.Sprint(err)
			if err == nil {
				what = "mode " + fi.Mode().String()
			}
			t.Skipf("os.Symlink reported success but made no symbolic link (Lstat of %s: %s): Wine 8, not Windows, where CreateSymbolicLinkW creates the link or fails (Microsoft, CreateSymbolicLinkW; Go's os.Symlink calls it)", name, what)
		}
		return p
	}
	toDir, toFile, dangling := link("to-dir", own), link("to-file", file), link("dangling", filepath.Join(base, "none"))

	d, err := OpenDrafts(toDir, NewFileKeyStore(toDir))
	if err != nil {
		t.Fatalf("OpenDrafts through a link to one's folder: %v", err)
	}
	closeAtEnd(t, d)
	dr := testDraft()
	if err := d.Save(dr); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(own, "drafts", dr.ID+".age")); err != nil {
		t.Errorf("draft not in the linked folder: %v", err)
	}
	if fi, err := os.Lstat(toDir); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link itself changed: %v %v", fi, err)
	}
	if _, err := OpenDrafts(toFile, NewFileKeyStore(toFile)); !errors.Is(err, errNotDir) {
		t.Errorf("link to a file: %v, want errNotDir", err)
	}
	if _, err := OpenDrafts(dangling, NewFileKeyStore(dangling)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("dangling link: %v, want fs.ErrNotExist", err)
	}
}
