package store

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// stdinChildEnv makes TestStdinChild the child process of a test.
const stdinChildEnv = "UCX_STORE_STDIN_CHILD"

// TestStdinChild is the child of exitedWriter: it says "ready", waits
// until its standard input is closed, then exits.
func TestStdinChild(t *testing.T) {
	if os.Getenv(stdinChildEnv) == "" {
		t.Skip("child process of exitedWriter")
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
}

// exitedWriter runs write with the process ID of a child process once
// the child runs, as a writer names its temporary files, then ends the
// child and waits for it to exit. The files are then a dead writer's,
// created after it started (as a writer's are) and before any process
// that takes the ID later (Windows reuses IDs soon).
func exitedWriter(t *testing.T, write func(pid int)) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestStdinChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), stdinChildEnv+"=1")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Not before it runs: file times and process creation times come
	// from clocks of different grain (a file made in the same tick as
	// the process could look older than it).
	r := bufio.NewReader(out)
	if line, _ := r.ReadString('\n'); strings.TrimSpace(line) != "ready" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child: %q", line)
	}
	go io.Copy(io.Discard, r)
	write(cmd.Process.Pid)
	in.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

// TestDraftLockTwoHandles: two wizards on one state folder. The draft the
// first holds (from NewID on) is listed by the second as in use, with the
// first's process ID, and cannot be loaded, saved or removed by it; once
// the first removes it, nothing of it is left and the first's next save
// fails loudly (ErrDraftKeyGone) instead of writing a keyless draft.
func TestDraftLockTwoHandles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keys := NewFileKeyStore(dir)
	a, err := OpenDrafts(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := OpenDrafts(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	dr := testDraft()
	dr.ID = a.NewID()
	// Held from NewID on, before the first save.
	if err := b.Save(&Draft{ID: dr.ID}); !errors.Is(err, ErrDraftInUse) {
		t.Fatalf("b.Save of a's new ID: %v, want ErrDraftInUse", err)
	}
	if err := a.Save(dr); err != nil {
		t.Fatal(err)
	}
	list, err := b.List()
	if err != nil || len(list) != 1 || !errors.Is(list[0].Err, ErrDraftInUse) {
		t.Fatalf("b.List: %+v %v, want one draft in use", list, err)
	}
	if want := fmt.Sprintf("in use by another ucx-onboard (pid %d)", os.Getpid()); !strings.Contains(list[0].Err.Error(), want) {
		t.Errorf("in-use error %q lacks %q", list[0].Err, want)
	}
	for name, op := range map[string]func() error{
		"Load":   func() error { _, err := b.Load(dr.ID); return err },
		"Save":   func() error { c := *dr; return b.Save(&c) },
		"Remove": func() error { return b.Remove(dr.ID) },
	} {
		if err := op(); !errors.Is(err, ErrDraftInUse) {
			t.Errorf("b.%s: %v, want ErrDraftInUse", name, err)
		}
	}
	if _, err := os.Stat(a.path(dr.ID)); err != nil {
		t.Fatalf("the draft is gone after b's attempts: %v", err)
	}
	// a lists its own draft as usual.
	if list, _ := a.List(); len(list) != 1 || list[0].Err != nil {
		t.Errorf("a.List: %+v", list)
	}

	if err := a.Remove(dr.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.Save(dr); !errors.Is(err, ErrDraftKeyGone) {
		t.Errorf("a.Save after Remove: %v, want ErrDraftKeyGone", err)
	}
	if left := draftFiles(t, a); len(left) != 0 {
		t.Errorf("left in drafts/: %v", left)
	}
	if _, err := keys.Get(dr.ID); !errors.Is(err, ErrKeyNotFound) {
		t.Errorf("key after Remove: %v", err)
	}
	if list, _ := b.List(); len(list) != 0 {
		t.Errorf("b.List after a's Remove: %+v", list)
	}

	// Close releases: b may now take a's other draft.
	other := testDraft()
	if err := a.Save(other); err != nil {
		t.Fatal(err)
	}
	a.Close()
	if _, err := b.Load(other.ID); err != nil {
		t.Errorf("b.Load after a.Close: %v", err)
	}
}

// TestDraftSaveKeyGone: a draft removed behind the back of the Drafts
// that saved it (draft and key deleted by another program or by hand) is
// never written again without its key: Save fails with ErrDraftKeyGone
// and writes nothing. A key deleted under a draft that still exists is
// stored again, so the draft stays readable.
func TestDraftSaveKeyGone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		spoil       func(d *Drafts, id string)
		wantErr     error
		wantReadble bool // the draft is on disk and a new session reads it
	}{
		{"draft and key deleted", func(d *Drafts, id string) {
			os.Remove(d.path(id))
			d.keys.Delete(id)
		}, ErrDraftKeyGone, false},
		{"draft deleted", func(d *Drafts, id string) { os.Remove(d.path(id)) }, ErrDraftKeyGone, false},
		{"key deleted", func(d *Drafts, id string) { d.keys.Delete(id) }, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			d, err := OpenDrafts(dir, NewFileKeyStore(dir))
			if err != nil {
				t.Fatal(err)
			}
			closeAtEnd(t, d)
			dr := testDraft()
			if err := d.Save(dr); err != nil {
				t.Fatal(err)
			}
			tc.spoil(d, dr.ID)
			dr.Org.UserCount = 77
			err = d.Save(dr)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("Save: %v, want %v", err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), dr.ID) {
				t.Errorf("error %q does not name the draft", err)
			}
			d.Close()
			d2, err := OpenDrafts(dir, NewFileKeyStore(dir))
			if err != nil {
				t.Fatal(err)
			}
			defer d2.Close()
			list, _ := d2.List()
			if !tc.wantReadble {
				if len(list) != 0 {
					t.Errorf("List: %+v, want nothing", list)
				}
				return
			}
			if len(list) != 1 || list[0].Err != nil {
				t.Fatalf("List: %+v, want the draft, readable", list)
			}
			got, err := d2.Load(dr.ID)
			if err != nil || got.Org.UserCount != 77 {
				t.Errorf("Load: %d %v", got.Org.UserCount, err)
			}
		})
	}
}

const lockChildEnv = "UCX_STORE_LOCK_CHILD"

// TestDraftLockChild is the child of TestDraftLockOtherProcess: with
// UCX_STORE_LOCK_CHILD set to "dir id" it loads draft id (taking its lock),
// says "locked", and waits to be killed.
func TestDraftLockChild(t *testing.T) {
	arg := os.Getenv(lockChildEnv)
	if arg == "" {
		t.Skip("child process of TestDraftLockOtherProcess")
	}
	dir, id, _ := strings.Cut(arg, " ")
	d, err := OpenDrafts(dir, NewFileKeyStore(dir))
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	if _, err := d.Load(id); err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	fmt.Println("locked")
	// Until killed: its standard input stays open. (A bare select{} is
	// a deadlock the Go runtime ends on Windows: "all goroutines are
	// asleep", exit 2, which released the lock before the test looked.)
	io.Copy(io.Discard, os.Stdin)
	os.Exit(3)
}

// lockedByChild saves a draft in dir (Drafts d, closed again) and starts
// a child process (TestDraftLockChild) that resumes it and holds its
// lock until the test ends, when the child is killed.
func lockedByChild(t *testing.T, dir string) (*Drafts, *Draft, *exec.Cmd) {
	t.Helper()
	d, err := OpenDrafts(dir, NewFileKeyStore(dir))
	if err != nil {
		t.Fatal(err)
	}
	dr := testDraft()
	if err := d.Save(dr); err != nil {
		t.Fatal(err)
	}
	d.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestDraftLockChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), lockChildEnv+"="+dir+" "+dr.ID)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	in, err := cmd.StdinPipe() // held open: the child waits on it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close() })
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if line, _ := bufio.NewReader(out).ReadString('\n'); strings.TrimSpace(line) != "locked" {
		t.Fatalf("child: %q", line)
	}
	return d, dr, cmd
}

// TestDraftLockOtherProcess: a draft resumed by another process is in use
// (with that process's ID) until the process dies, killed: then its lock
// is gone with it and the draft can be resumed here.
func TestDraftLockOtherProcess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d, dr, cmd := lockedByChild(t, dir)
	defer d.Close()
	list, _ := d.List()
	if len(list) != 1 || !errors.Is(list[0].Err, ErrDraftInUse) || list[0].HeldBy != cmd.Process.Pid ||
		!strings.Contains(list[0].Err.Error(), "(pid "+strconv.Itoa(cmd.Process.Pid)+")") {
		t.Fatalf("List while the child (pid %d) holds it: %+v", cmd.Process.Pid, list)
	}
	if err := d.Remove(dr.ID); !errors.Is(err, ErrDraftInUse) {
		t.Errorf("Remove: %v, want ErrDraftInUse", err)
	}
	// A start meanwhile leaves the held draft's key and lock alone.
	d2, err := OpenDrafts(dir, NewFileKeyStore(dir))
	if err != nil {
		t.Fatal(err)
	}
	d2.Close()
	cmd.Process.Kill()
	cmd.Wait()
	got, err := d.Load(dr.ID)
	if err != nil || got.Customer != dr.Customer {
		t.Fatalf("Load after the child died: %v", err)
	}
}

// TestDraftCompleted: the completion marker survives a save and a new
// session, and List reports it.
func TestDraftCompleted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d, err := OpenDrafts(dir, NewFileKeyStore(dir))
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, d)
	dr := testDraft()
	if err := d.Save(dr); err != nil {
		t.Fatal(err)
	}
	done := Completion{BundlePath: "/out/acme.age", SHA256: strings.Repeat("ab", 32)}
	dr.Completed = &done
	if err := d.Save(dr); err != nil {
		t.Fatal(err)
	}
	d.Close()
	d, err = OpenDrafts(dir, NewFileKeyStore(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	list, _ := d.List()
	if len(list) != 1 || list[0].Completed == nil || !reflect.DeepEqual(*list[0].Completed, done) || list[0].Finished == nil || !errors.Is(list[0].Finished.Err, ErrBundleMissing) {
		t.Fatalf("List: %+v", list)
	}
	got, err := d.Load(dr.ID)
	if err != nil || got.Completed == nil || !reflect.DeepEqual(*got.Completed, done) {
		t.Fatalf("Load: %+v %v", got.Completed, err)
	}
}

// fixtureID is the draft in testdata/draft-v1.age (key in
// testdata/draft-v1.key): testDraft() saved under that ID by the build
// before Completed existed (commit 77146f0), draft format version 1.
const fixtureID = "20261121-093000-0f1c7a5e"

// installDraftFixture copies testdata/stem.age and testdata/stem.key
// into dir as draft id and its key, as a start finds them.
func installDraftFixture(t *testing.T, dir, stem, id string) {
	t.Helper()
	for src, dst := range map[string]string{
		stem + ".age": filepath.Join(dir, "drafts", id+".age"),
		stem + ".key": filepath.Join(dir, "keys", "draft-"+id+".key"),
	} {
		data, err := os.ReadFile(filepath.Join("testdata", src))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(dst), 0o700)
		if err := os.WriteFile(dst, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDraftFixtureV1: a draft of version 1 (the version before
// per-app approval notes) written before this build still loads, with
// nothing marked completed, and its undecided app becomes that app's note
// (its one warning, about the org, named no app: it is not an approver's).
func TestDraftFixtureV1(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	installDraftFixture(t, dir, "draft-v1", fixtureID)
	d, err := OpenDrafts(dir, NewFileKeyStore(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	got, err := d.Load(fixtureID)
	if err != nil {
		t.Fatal(err)
	}
	want := testDraft()
	if got.Customer != want.Customer || len(got.Apps) != len(want.Apps) || got.Completed != nil {
		t.Errorf("fixture: %+v", got)
	}
	if w := []ApprovalNote{{AppID: "presence", Undecided: true}}; !reflect.DeepEqual(got.Approvals, w) {
		t.Errorf("fixture approvals %+v, want %+v", got.Approvals, w)
	}
}

// TestDraftApprovalsV1: version 1 kept approver warnings as "AppName:
// text" strings beside a list of undecided app IDs; they load as per-app
// notes, matched by the name the app had when approved, and a save writes
// version 2 without them.
func TestDraftApprovalsV1(t *testing.T) {
	t.Parallel()
	v1 := wireDraft{Format: draftFormat, Version: 1, ID: "x",
		Apps: []wireApp{{AppID: "presence", Name: "Presence"}, {AppID: "cdr", Name: "CDR"}, {AppID: "users", Name: "Users"}},
		Warnings: []string{"Presence: Jane is not a Full Admin.", "CDR: another org.", "Presence: another org.",
			"The organization has more than 1,000 users", "Users2: not this one."},
		UndecidedApps: []string{"cdr"}}
	pt, err := jsonMarshal(v1)
	if err != nil {
		t.Fatal(err)
	}
	w, err := decodeDraft("x", pt)
	if err != nil {
		t.Fatal(err)
	}
	want := []ApprovalNote{
		{AppID: "presence", Warnings: []string{"Jane is not a Full Admin.", "another org."}},
		{AppID: "cdr", Warnings: []string{"another org."}, Undecided: true},
	}
	if got := w.approvals(); !reflect.DeepEqual(got, want) {
		t.Errorf("approvals %+v, want %+v", got, want)
	}
	out, err := marshalDraft(&Draft{ID: "x", Approvals: want})
	if err != nil {
		t.Fatal(err)
	}
	if s := string(out); !strings.Contains(s, `"version":2`) || strings.Contains(s, `"undecided_apps"`) ||
		strings.Contains(s, `"warnings":["another`) == false {
		t.Errorf("saved draft: %s", s)
	}
}

// TestStateDirNotOwned: a state folder (or its drafts/ or keys/) that
// belongs to another user is refused, with an error naming the folder and
// the owner, and left as it was; needs root, to give a folder away.
func TestStateDirNotOwned(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix owners (uid, chown); Windows owner SIDs: TestStateDirOwnerSID, TestStateDirForeignOwnerWindows")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown")
	}
	t.Parallel()
	for _, sub := range []string{"", "drafts", "keys"} {
		t.Run("foreign "+cmp.Or(sub, "state"), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "state")
			os.MkdirAll(filepath.Join(dir, "drafts"), 0o700)
			os.MkdirAll(filepath.Join(dir, "keys"), 0o700)
			p := filepath.Join(dir, sub)
			if err := os.Chown(p, 65534, 65534); err != nil {
				t.Skip(err)
			}
			os.Chmod(p, 0o777)
			_, err := OpenDrafts(dir, NewFileKeyStore(dir))
			if !errors.Is(err, ErrStateDirNotOwned) {
				t.Fatalf("OpenDrafts: %v, want ErrStateDirNotOwned", err)
			}
			for _, want := range []string{p, "uid 65534", "not to you"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o777 {
				t.Errorf("mode of the foreign folder changed to %v", fi.Mode().Perm())
			}
		})
	}
	// A link to a foreign folder is refused too, naming that folder.
	t.Run("link to a foreign folder", func(t *testing.T) {
		base := t.TempDir()
		foreign := filepath.Join(base, "foreign")
		os.MkdirAll(filepath.Join(foreign, "drafts"), 0o700)
		if err := os.Chown(foreign, 65534, 65534); err != nil {
			t.Skip(err)
		}
		link := filepath.Join(base, "link")
		if err := os.Symlink(foreign, link); err != nil {
			t.Fatal(err)
		}
		_, err := OpenDrafts(link, NewFileKeyStore(link))
		if !errors.Is(err, ErrStateDirNotOwned) || !strings.Contains(err.Error(), foreign) {
			t.Fatalf("OpenDrafts: %v, want ErrStateDirNotOwned naming %s", err, foreign)
		}
	})
	// The user's own folder open to all is still locked down.
	dir := t.TempDir()
	os.Chmod(dir, 0o777)
	if d, err := OpenDrafts(dir, NewFileKeyStore(dir)); err != nil {
		t.Fatal(err)
	} else {
		d.Close()
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("own folder: mode %v, want 0700", fi.Mode().Perm())
	}
}

// TestRemoveStaleTemps: in an output folder only our temporary files go,
// and only a dead writer's or an old one; a live writer's fresh file, a
// bundle, and files of other programs stay.
func TestRemoveStaleTemps(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	type file struct {
		name      string
		old, gone bool
	}
	var files []file
	exitedWriter(t, func(pid int) {
		dead, live := strconv.Itoa(pid), strconv.Itoa(os.Getpid())
		files = []file{
			{".acme-2026-11-21.ucxbundle" + tempInfix + dead + "-123", false, true},
			{".acme-2026-11-21.ucxbundle" + ReceiptSuffix + tempInfix + dead + "-4", false, true},
			{".acme.ucxbundle" + tempInfix + live + "-5", false, false}, // a live writer's
			{".acme.ucxbundle" + tempInfix + "77", false, false},        // earlier version, fresh
			{".acme.ucxbundle" + tempInfix + "78", true, true},          // earlier version, old
			{".notes.txt" + tempInfix + "draft", true, false},           // not ours
			{"acme-2026-11-21.ucxbundle", true, false},                  // a bundle
			{"x" + tempInfix + dead + "-1", true, false},                // not hidden: not ours
		}
		for _, f := range files {
			p := filepath.Join(dir, f.name)
			if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
			if f.old {
				os.Chtimes(p, old, old)
			}
		}
	})
	n, err := RemoveStaleTemps(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, f := range files {
		_, err := os.Stat(filepath.Join(dir, f.name))
		if gone := err != nil; gone != f.gone {
			t.Errorf("%s: removed %v, want %v", f.name, gone, f.gone)
		}
		if f.gone {
			want++
		}
	}
	if n != want {
		t.Errorf("RemoveStaleTemps = %d, want %d", n, want)
	}
}

// TestDraftsHandles: a Drafts keeps open only the lock files of the
// drafts it holds, and Close closes them all. A Save that will not
// overwrite a draft (here one a newer ucx-onboard wrote) and writes a new
// one instead lets go of the old draft at once: another ucx-onboard (the
// newer one) may take it. After Close another Drafts takes every draft,
// and the folder can be removed (Windows removes no open file).
func TestDraftsHandles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keys := newFakeKeys()
	a, err := OpenDrafts(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, a)
	b, err := OpenDrafts(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, b)

	newer := testDraft()
	if err := b.Save(newer); err != nil {
		t.Fatal(err)
	}
	rewriteDraft(t, b, newer.ID, func(pt []byte) []byte {
		return bytes.Replace(pt, []byte(`"version":2`), fmt.Appendf(nil, `"version":%d`, draftVersion+1), 1)
	})
	b.Close()
	newerID := newer.ID
	c, err := OpenDrafts(dir, keys) // the newer ucx-onboard, started again
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, c)

	unsaved := a.NewID()
	if err := a.Save(newer); err != nil || newer.ID == newerID {
		t.Fatalf("Save over a newer version's draft: %v, ID %s", err, newer.ID)
	}
	if _, err := c.Load(newerID); !errors.Is(err, ErrDraftUnsupported) {
		t.Errorf("another Drafts loading the draft Save left alone: %v, want ErrDraftUnsupported (not in use)", err)
	}
	damaged := testDraft()
	if err := a.Save(damaged); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(a.path(damaged.ID), []byte("age-encryption.org/v1\n-> X25519 garbage\n"), 0o600)
	if _, err := a.List(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Load(newer.ID); err != nil {
		t.Fatal(err)
	}
	a.Close()

	for _, id := range []string{newerID, newer.ID, damaged.ID, unsaved} {
		if err := c.Remove(id); err != nil {
			t.Errorf("Remove(%s) after a.Close: %v", id, err)
		}
	}
	c.Close()
	if err := os.RemoveAll(dir); err != nil {
		t.Errorf("state folder not removable after Close: %v", err)
	}
}
