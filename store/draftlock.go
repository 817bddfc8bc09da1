package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gofrs/flock"
)

// Sentinel errors of the draft locks (the other draft sentinels are in
// errors.go).
var (
	// ErrDraftInUse: another ucx-onboard (another process, or another
	// Drafts on the same directory) holds the draft's lock: it cannot be
	// resumed, saved or discarded until that one exits or finishes it.
	// The message names the holder's process ID when it is known.
	ErrDraftInUse = errors.New("store: draft in use by another ucx-onboard")
	// ErrDraftKeyGone: Save was asked to update a draft that was removed
	// meanwhile (with its key: by another ucx-onboard, by hand, or by this
	// one after its bundle was written), or whose key is gone and cannot
	// be stored again. Save writes nothing rather than leave a draft
	// nobody can read.
	ErrDraftKeyGone = errors.New("store: draft and its key are gone")
)

// lockSuffix names a draft's lock file, drafts/<id>.lock. The file is
// locked with flock (LockFileEx on Windows), so the lock dies with the
// process that holds it; the file itself may outlive it and only says who
// held it last.
const lockSuffix = ".lock"

func (d *Drafts) lockPath(id string) string { return filepath.Join(d.draftDir(), id+lockSuffix) }

// lock takes the lock of draft id for d, unless d holds it already. It
// returns an error wrapping ErrDraftInUse when someone else holds it. The
// caller holds d.mu.
func (d *Drafts) lock(id string) error {
	if d.locks[id] != nil {
		return nil
	}
	p := d.lockPath(id)
	for range 3 {
		fl := flock.New(p)
		ok, err := fl.TryLock()
		if err != nil {
			return fmt.Errorf("store: lock draft %s: %w", id, unwrapPath(err))
		}
		if !ok {
			return inUse(id, lockHolder(p))
		}
		// The file may have been removed (by its holder's Remove, or a
		// cleanup) between its opening and the lock: a lock on a removed
		// file guards nothing, so take the new one.
		held, err1 := fl.Stat()
		cur, err2 := os.Stat(p)
		if err1 == nil && err2 == nil && os.SameFile(held, cur) {
			writeLockHolder(p)
			d.locks[id] = fl
			return nil
		}
		fl.Close()
	}
	return fmt.Errorf("store: lock draft %s: its lock file keeps being replaced", id)
}

// unlock releases d's lock of draft id, removing the lock file first when
// remove is set (the draft is gone).
func (d *Drafts) unlock(id string, remove bool) {
	fl := d.locks[id]
	if fl == nil {
		return
	}
	delete(d.locks, id)
	if remove && os.Remove(d.lockPath(id)) != nil {
		// Windows cannot remove a file still open: release, then remove.
		fl.Close()
		os.Remove(d.lockPath(id))
		return
	}
	fl.Close()
}

// lockedByOther reports whether someone other than d holds the lock of
// draft id, and if so that holder's process ID (0 when unknown). It never
// creates a lock file.
func (d *Drafts) lockedByOther(id string) (bool, int) {
	if d.locks[id] != nil {
		return false, 0
	}
	p := d.lockPath(id)
	if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
		return false, 0
	}
	fl := flock.New(p)
	ok, err := fl.TryLock()
	if err != nil {
		return false, 0
	}
	if ok {
		fl.Close()
		return false, 0
	}
	return true, lockHolder(p)
}

// Close releases every draft lock d holds (they are also released when
// the process exits). d must not be used afterwards.
func (d *Drafts) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id := range d.locks {
		d.unlock(id, false)
	}
	return nil
}

func inUse(id string, pid int) error {
	who := "pid unknown"
	if pid > 0 {
		who = "pid " + strconv.Itoa(pid)
	}
	return newError(ErrDraftInUse, fmt.Sprintf("store: draft %s is in use by another ucx-onboard (%s)", id, who), nil)
}

// The holder's process ID is written from byte 1 on. On Windows
// gofrs/flock locks byte 0 alone with LockFileEx, a mandatory lock: no
// other process may read or write that byte while it is held, but the
// ID's bytes stay readable (TestLockHolderOutsideLock). On Unix flock
// locks are advisory and the whole file is readable.
const holderOffset = 1

// writeLockHolder records this process's ID in lock file p (best effort:
// it only names the holder in messages).
func writeLockHolder(p string) {
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return
	}
	defer f.Close()
	f.WriteAt([]byte(fmt.Sprintf("%20d\n", os.Getpid())), holderOffset)
}

// lockHolder reads the process ID recorded in lock file p; 0 if none.
func lockHolder(p string) int {
	f, err := os.Open(p)
	if err != nil {
		return 0
	}
	defer f.Close()
	var b [21]byte
	n, _ := f.ReadAt(b[:], holderOffset)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
