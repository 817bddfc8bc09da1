package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// tempInfix is in every temporary file's name: "." + target name +
// tempInfix + writer's process ID + "-" + random. Temporary files are
// created 0600 and are removed unless the process dies; leftovers are
// owner-only, and removed by the next start (RemoveStaleTemps) once their
// writer is dead.
const tempInfix = ".tmp-"

// writeFileAtomic writes data to path so that, whatever happens to the
// process, path is either unchanged (absent, or its old content) or
// complete: temporary file in the same directory (0600), write, fsync,
// publish, fsync the directory.
//
// With replace false the publish never overwrites: it hard-links the
// temporary file to path (which fails if path exists) and falls back to a
// no-replace rename where hard links are not supported; an existing path
// gives an error wrapping ErrExists that names it. With replace true it
// renames over path (used for drafts, which are updated in place).
func writeFileAtomic(path string, data []byte, replace bool) (err error) {
	dir := filepath.Dir(path)
	base := filepath.Base(path)
	if !replace {
		if _, err := os.Lstat(path); err == nil {
			return existsError(path)
		}
	}
	f, err := os.CreateTemp(dir, "."+base+tempInfix+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return fmt.Errorf("store: create temporary file in %s: %w", dir, unwrapPath(err))
	}
	tmp := f.Name()
	published := false
	defer func() {
		if !published {
			f.Close()
			os.Remove(tmp)
		}
	}()
	// os.CreateTemp already uses 0600; make sure of it whatever the umask
	// or platform did.
	if runtime.GOOS != "windows" {
		if err := f.Chmod(0o600); err != nil {
			return fmt.Errorf("store: chmod %s: %w", tmp, unwrapPath(err))
		}
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("store: write %s: %w", path, unwrapPath(err))
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("store: sync %s: %w", path, unwrapPath(err))
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", path, unwrapPath(err))
	}
	if replace {
		err = os.Rename(tmp, path)
	} else {
		err = publishNoClobber(tmp, path)
	}
	if err != nil {
		if errors.Is(err, ErrExists) {
			return err
		}
		return fmt.Errorf("store: publish %s: %w", path, unwrapPath(err))
	}
	published = true
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("store: sync directory %s: %w", dir, unwrapPath(err))
	}
	return nil
}

// publishNoClobber moves tmp to path unless path exists.
func publishNoClobber(tmp, path string) error {
	err := os.Link(tmp, path)
	if err == nil {
		os.Remove(tmp)
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return existsError(path)
	}
	// Hard links unsupported (FAT/exFAT, some network shares, ...).
	err = renameNoReplace(tmp, path)
	if errors.Is(err, fs.ErrExist) {
		return existsError(path)
	}
	return err
}

func existsError(path string) error {
	return newError(ErrExists, fmt.Sprintf("store: %s already exists; refusing to overwrite it", path), nil)
}

// unwrapPath drops *fs.PathError / *os.LinkError's repetition of the path,
// keeping the system error ("permission denied").
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// isTempName reports whether name is one of writeFileAtomic's temporary
// files.
func isTempName(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, tempInfix)
}
