package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ErrStateDirNotOwned: the state directory (or its drafts/ or keys/
// folder) belongs to another user. Whoever owns it can read, swap or
// delete the drafts, so ucx-onboard does not use it (and never changes
// its permissions).
var ErrStateDirNotOwned = errors.New("store: state directory belongs to another user")

// errNotDir: a state folder that is a file (or a link to one).
var errNotDir = errors.New("not a directory")

// ownerOnlyDir checks that directory p belongs to the user (an error
// wrapping ErrStateDirNotOwned if not; see ownedByUser for what counts on
// each platform) and, on Unix, sets it to mode 0700 unless it is already.
// Windows folders keep the ACL they inherit. A symbolic link is refused
// (errNotDir) here: OpenDrafts resolves a state directory given as a link
// before it checks it.
func ownerOnlyDir(p string) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return err
	}
	if !fi.IsDir() || fi.Mode()&fs.ModeSymlink != 0 {
		return errNotDir
	}
	if err := ownedByUser(p, fi); err != nil {
		return err
	}
	return restrictDir(p, fi)
}

// notOwned is the error of a state folder p that belongs to owner, not to
// user (both described for the engineer).
func notOwned(p, owner, user string) error {
	return newError(ErrStateDirNotOwned, fmt.Sprintf(
		"store: state directory %s belongs to %s, not to you (%s): it is not used, since its owner could read or replace the drafts; use a folder of your own (--state-dir)",
		oneLine(p, 400), owner, user), nil)
}

// resolveStateDir returns the directory a state directory dir given as a
// symbolic link (or, on Windows, a junction) points to, so that a
// --state-dir linking to a folder of one's own is used like that folder
// (whose owner is then checked) and a link swapped later cannot redirect
// the session. Anything else is returned unchanged.
func resolveStateDir(dir string) (string, error) {
	fi, err := os.Lstat(dir)
	if err != nil || fi.Mode()&(fs.ModeSymlink|fs.ModeIrregular) == 0 {
		return dir, nil
	}
	resolved, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return dir, fmt.Errorf("store: state directory: %s: %w", dir, unwrapPath(err))
	}
	return resolved, nil
}

// staleTempAge is the age from which a temporary file of writeFileAtomic
// counts as left behind even when its writer cannot be told dead: a
// write takes milliseconds.
const staleTempAge = 5 * time.Minute

// RemoveStaleTemps removes from dir the temporary files that
// ucx-onboard's writes (bundle, receipt, draft, key) left behind, named
// ".NAME.tmp-PID-RANDOM" (".NAME.tmp-RANDOM" from earlier versions),
// NAME being the file that was being written, and returns how many it
// removed. A temporary file is removed only when the process that wrote
// it is no longer running (its ID is in the name) or it is older than
// five minutes, never while a live writer may still publish it. No other
// file is touched.
func RemoveStaleTemps(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if !ourTempName(name) || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		if time.Since(info.ModTime()) > staleTempAge || tempWriterDead(name, info) {
			if os.Remove(filepath.Join(dir, name)) == nil {
				n++
			}
		}
	}
	return n, nil
}

// ourTempName reports whether name has the exact shape of
// writeFileAtomic's temporary files: "." + target + tempInfix + digits,
// or + digits + "-" + digits.
func ourTempName(name string) bool {
	i := strings.LastIndex(name, tempInfix)
	if i < 2 || name[0] != '.' {
		return false
	}
	pid, rnd, ok := strings.Cut(name[i+len(tempInfix):], "-")
	if !ok {
		pid, rnd = "1", pid
	}
	return allDigits(pid) && allDigits(rnd)
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// tempWriterDead reports whether the process whose ID is in temporary
// file name (see writeFileAtomic), fi, has exited. Names without an ID
// (made by earlier versions) and processes that cannot be told dead give
// false.
func tempWriterDead(name string, fi fs.FileInfo) bool {
	i := strings.LastIndex(name, tempInfix)
	if i < 0 {
		return false
	}
	digits, _, ok := strings.Cut(name[i+len(tempInfix):], "-")
	if !ok {
		return false
	}
	pid, err := strconv.Atoi(digits)
	if err != nil || pid <= 0 || pid == os.Getpid() {
		return false
	}
	return !writerRunning(pid, fi)
}

// removeOrphans removes the key files whose draft does not exist (a
// process killed between the key's write and the draft's, or between the
// draft's removal and the key's) and the lock files of drafts that do not
// exist, unless a running ucx-onboard holds the draft. Keys kept in the OS
// keyring cannot be listed: only those of a lock file left behind (a
// process killed before its first draft was written) are found and
// removed.
func (d *Drafts) removeOrphans() {
	d.mu.Lock()
	defer d.mu.Unlock()
	ids := map[string]bool{}
	if entries, err := os.ReadDir(filepath.Join(d.dir, "keys")); err == nil {
		for _, e := range entries {
			n := e.Name()
			if id, ok := strings.CutPrefix(strings.TrimSuffix(n, ".key"), "draft-"); ok && strings.HasSuffix(n, ".key") && checkID(id) == nil {
				ids[id] = true
			}
		}
	}
	if entries, err := os.ReadDir(d.draftDir()); err == nil {
		for _, e := range entries {
			if id, ok := strings.CutSuffix(e.Name(), lockSuffix); ok && checkID(id) == nil {
				ids[id] = true
			}
		}
	}
	for id := range ids {
		if d.exists(id) || d.lock(id) != nil {
			continue
		}
		// Held now: no one can create the draft meanwhile.
		if !d.exists(id) {
			_ = d.keys.Delete(id)
		}
		d.unlock(id, true)
	}
}

// exists reports whether draft id has a file, or a damaged copy.
func (d *Drafts) exists(id string) bool {
	if _, err := os.Lstat(d.path(id)); !errors.Is(err, fs.ErrNotExist) {
		return true
	}
	copies, err := d.damagedCopies(id)
	return err != nil || len(copies) > 0
}
