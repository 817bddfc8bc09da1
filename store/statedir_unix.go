//go:build !windows

package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// ownedByUser checks that the user (effective user ID) owns p, whose
// Lstat is fi; file systems that report no owner pass.
func ownedByUser(p string, fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := int(st.Uid); uid != os.Geteuid() {
		return notOwned(p, userName(uid), userName(os.Geteuid()))
	}
	return nil
}

// restrictDir sets directory p, whose Lstat is fi, to mode 0700 unless
// it is already.
func restrictDir(p string, fi fs.FileInfo) error {
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

// writerRunning reports whether process pid, which wrote the temporary
// file fi, may still be running: signal 0 reaches it (EPERM: it exists
// under another user).
func writerRunning(pid int, _ fs.FileInfo) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
