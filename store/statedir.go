package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// ErrStateDirNotOwned: the state directory (or its drafts/ or keys/
// folder) belongs to another user. Whoever owns it can read, swap or
// delete the drafts, so ucx-onboard does not use it (and never changes
// its permissions).
var ErrStateDirNotOwned = errors.New("store: state directory belongs to another user")

// ownerOnlyDir checks that directory p belongs to the user (an error
// wrapping ErrStateDirNotOwned if not) and sets it to mode 0700 unless it
// is already. A no-op on Windows, where permissions are ACLs inherited
// from the parent.
func ownerOnlyDir(p string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	fi, err := os.Lstat(p)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("not a directory")
	}
	if uid, ok := fileOwner(fi); ok && uid != os.Geteuid() {
		return newError(ErrStateDirNotOwned, fmt.Sprintf(
			"store: state directory %s belongs to %s, not to you (%s): it is not used, since its owner could read or replace the drafts; use a folder of your own (--state-dir)",
			oneLine(p, 400), userName(uid), userName(os.Geteuid())), nil)
	}
	if fi.Mode().Perm() == 0o700 {
		return nil
	}
	return os.Chmod(p, 0o700)
}

// userName names user uid: its login name, else "uid N".
func userName(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil && u.Username != "" {
		return fmt.Sprintf("user %s (uid %d)", oneLine(u.Username, 32), uid)
	}
	return fmt.Sprintf("uid %d", uid)
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
		if time.Since(info.ModTime()) > staleTempAge || tempWriterDead(name) {
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
// file name (see writeFileAtomic) has exited. Names without an ID (made
// by earlier versions) and platforms that cannot tell give false.
func tempWriterDead(name string) bool {
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
	return !processAlive(pid)
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
