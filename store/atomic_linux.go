package store

import (
	"errors"

	"golang.org/x/sys/unix"
)

// renameNoReplace renames tmp to path with renameat2(RENAME_NOREPLACE),
// which fails with EEXIST if path exists; kernels or file systems without
// it get a checked rename.
func renameNoReplace(tmp, path string) error {
	err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, path, unix.RENAME_NOREPLACE)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOTSUP) {
		return checkedRename(tmp, path)
	}
	return err
}
