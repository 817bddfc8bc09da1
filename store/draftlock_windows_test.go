package store

import (
	"os"
	"testing"

	"golang.org/x/sys/windows"
)

// TestLockHolderOutsideLock: LockFileEx locks are mandatory, so while
// another process holds a draft's lock no one may read the bytes it
// locked (Microsoft, LockFileEx: "exclusive access ... other processes
// are denied both read and write access to the specified region"). The
// holder's process ID must lie outside the locked range: a shared lock of
// the ID's bytes is granted (no lock of the holder overlaps them) where
// one of byte 0 is refused, and lockHolder reads the child's ID.
func TestLockHolderOutsideLock(t *testing.T) {
	t.Parallel()
	d, dr, cmd := lockedByChild(t, t.TempDir())

	f, err := os.Open(d.lockPath(dr.ID))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tryShared := func(off, n uint32) error {
		ol := &windows.Overlapped{Offset: off}
		err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_FAIL_IMMEDIATELY, 0, n, 0, ol)
		if err == nil {
			windows.UnlockFileEx(windows.Handle(f.Fd()), 0, n, 0, &windows.Overlapped{Offset: off})
		}
		return err
	}
	if err := tryShared(0, 1); err == nil {
		t.Fatal("byte 0 is not locked by the child")
	}
	if err := tryShared(holderOffset, 21); err != nil {
		t.Errorf("the holder's ID bytes are under its lock: %v", err)
	}
	if got := lockHolder(d.lockPath(dr.ID)); got != cmd.Process.Pid {
		t.Errorf("lockHolder = %d, want the child's %d", got, cmd.Process.Pid)
	}
}
