package flows

import (
	"io/fs"
	"os"
)

// openRegular opens path for reading if it is a regular file (a symlink to
// one counts), as store.OpenRegular does for the files store reads (flows
// uses nothing of store but Secret). It never blocks: a named pipe is
// opened without waiting for a writer (O_NONBLOCK on Unix) and refused,
// like a device, a directory or a socket, with an *fs.PathError saying
// what the path is ("open p: a named pipe (FIFO), not a regular file").
// The caller must Close the file and still bound what it reads.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if m := st.Mode(); !m.IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: path, Err: notRegularError{fileKind(m)}}
	}
	return f, nil
}

// notRegularError names what a path is instead of a regular file.
type notRegularError struct{ what string }

func (e notRegularError) Error() string { return e.what + ", not a regular file" }

// fileKind says what kind of file m is, for notRegularError.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeDir != 0:
		return "a directory"
	case m&fs.ModeCharDevice != 0, m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}
