package store

import (
	"errors"
	"io/fs"

	"golang.org/x/sys/windows"
)

// syncDir is a no-op: Windows cannot fsync a directory, and NTFS journals
// the rename itself.
func syncDir(string) error { return nil }

// renameNoReplace uses MoveFileEx without MOVEFILE_REPLACE_EXISTING, which
// fails if path exists.
func renameNoReplace(tmp, path string) error {
	from, err := windows.UTF16PtrFromString(tmp)
	if err != nil {
		return err
	}
	to, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return err
	}
	err = windows.MoveFileEx(from, to, windows.MOVEFILE_WRITE_THROUGH)
	if errors.Is(err, windows.ERROR_ALREADY_EXISTS) || errors.Is(err, windows.ERROR_FILE_EXISTS) {
		return fs.ErrExist
	}
	return err
}
