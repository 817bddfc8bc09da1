//go:build unix

package flows

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mkfifo makes a named pipe in dir. Cleanup opens it for writing
// (non-blocking) so that a reader left waiting by a regression is released.
func mkfifo(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
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

// within runs f and fails the test if it has not returned within 5 s: a
// named pipe with no writer is never opened by a plain open.
func within[T any](t *testing.T, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("still opening after 5 s: a named pipe was opened waiting for a writer")
		panic("unreachable")
	}
}

// TestSecretFileNotRegular: a client_secret_file that is a named pipe, a
// device or a directory is refused at once, in a CatalogError naming the
// app, the field, the path and what the path is.
func TestSecretFileNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := mkfifo(t, dir, "pipe.secret")
	dev := filepath.Join(dir, "zero.secret")
	if err := os.Symlink("/dev/zero", dev); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, want string
	}{
		{"fifo", fifo, "a named pipe (FIFO), not a regular file"},
		{"device", dev, "a device, not a regular file"},
		{"directory", dir, "a directory, not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			catalog := fmt.Sprintf(`{"apps":[{"id":"cdr","name":"CDR","client_id":"C2","client_secret_file":%q,"scopes":["spark-admin:calling_cdr_read"]}]}`, tc.path)
			err := within(t, func() error {
				_, err := ParseCatalog(strings.NewReader(catalog), dir, nil)
				return err
			})
			var ce *CatalogError
			if !errors.As(err, &ce) || ce.App != "cdr" || ce.Field != "client_secret_file" {
				t.Fatalf("ParseCatalog = %v; want a CatalogError of app cdr, field client_secret_file", err)
			}
			for _, w := range []string{"app cdr", "client_secret_file", tc.path, tc.want} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestLoadCatalogNotRegular: LoadCatalog refuses a catalog that is a named
// pipe at once, instead of waiting for a writer.
func TestLoadCatalogNotRegular(t *testing.T) {
	fifo := mkfifo(t, t.TempDir(), "apps.json")
	err := within(t, func() error { _, err := LoadCatalog(fifo, nil); return err })
	var ce *CatalogError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "named pipe (FIFO), not a regular file") {
		t.Fatalf("LoadCatalog = %v; want a CatalogError saying it is a named pipe", err)
	}
}
