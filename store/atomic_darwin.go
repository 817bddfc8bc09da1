package store

import (
	"errors"

	"golang.org/x/sys/unix"
)

// renameNoReplace renames tmp to path with renamex_np(RENAME_EXCL), which
// fails with EEXIST if path exists, atomically (APFS and HFS+ support it).
// File systems without it (ENOTSUP, e.g. some network shares) get a
// checked rename.
func renameNoReplace(tmp, path string) error {
	err := unix.RenamexNp(tmp, path, unix.RENAME_EXCL)
	if errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
		return checkedRename(tmp, path)
	}
	return err
}
