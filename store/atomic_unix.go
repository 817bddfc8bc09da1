//go:build !windows

package store

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// syncDir fsyncs a directory so that a rename or link in it is durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return err
	}
	return nil
}

// checkedRename is the last resort where the file system has neither hard
// links nor a no-replace rename (renameat2 RENAME_NOREPLACE on Linux,
// renamex_np RENAME_EXCL on macOS; Windows' MoveFileEx never needs it):
// it checks, then renames. The window between the two is tiny and only matters if two
// writers race for the same new name.
func checkedRename(tmp, path string) error {
	if _, err := os.Lstat(path); err == nil {
		return fs.ErrExist
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Rename(tmp, path)
}
