//go:build unix

package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mkfifo makes a named pipe in a temporary folder. Cleanup opens it for
// writing (non-blocking, so never waits) to release a reader that a
// broken OpenRegular might have left waiting.
func mkfifo(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	t.Cleanup(func() {
		if f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	return path
}

// within runs f and fails the test if it has not returned after 5 s: a
// read of a named pipe with no writer never returns by itself.
func within(t *testing.T, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("still waiting after 5 s: the named pipe was opened for reading")
		return nil
	}
}

// TestOpenRegular: named pipes, devices and directories are refused at
// once with ErrNotRegular; regular files and symlinks to them open.
func TestOpenRegular(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, want string
	}{
		{"regular", file, ""},
		{"symlink to regular", link, ""},
		{"fifo", mkfifo(t), "a named pipe (FIFO), not a regular file"},
		{"symlink to /dev/zero", zero, "a device, not a regular file"},
		{"directory", dir, "a directory, not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := within(t, func() error {
				f, err := OpenRegular(tc.path)
				if err == nil {
					f.Close()
				}
				return err
			})
			if tc.want == "" {
				if err != nil {
					t.Fatalf("OpenRegular: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
				t.Fatalf("OpenRegular = %v; want ErrNotRegular naming the path and %q", err, tc.want)
			}
			if err := CheckRegular(tc.path); !errors.Is(err, ErrNotRegular) {
				t.Fatalf("CheckRegular = %v", err)
			}
		})
	}
}

// TestKeyFilesRefuseFIFO: an identity or recipients file that is a named
// pipe is refused promptly, with its own sentinel and ErrNotRegular.
func TestKeyFilesRefuseFIFO(t *testing.T) {
	for _, tc := range []struct {
		name  string
		parse func(string) error
		kind  error
	}{
		{"identity", func(p string) error { _, err := ParseIdentityFile(p); return err }, ErrBadIdentity},
		{"recipients", func(p string) error { _, err := ParseRecipientsFile(p); return err }, ErrBadRecipient},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := mkfifo(t)
			err := within(t, func() error { return tc.parse(path) })
			if !errors.Is(err, tc.kind) || !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "named pipe") {
				t.Fatalf("got %v; want %v and ErrNotRegular", err, tc.kind)
			}
		})
	}
}
