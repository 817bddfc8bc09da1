//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// mkfifo makes a named pipe. Cleanup opens it for writing (non-blocking)
// so that a reader left waiting by a regression is released.
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

// promptly runs f and fails the test if it has not returned within 5 s:
// reading a named pipe with no writer, or /dev/zero, never ends by itself.
func promptly[T any](t *testing.T, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("still reading after 5 s: a pipe with no writer or a device with no end was read")
		panic("unreachable")
	}
}

// x25519Bundle writes the command fixture sealed to a new identity and
// returns the bundle and identity paths.
func x25519Bundle(t *testing.T, dir string) (bundle, idPath string) {
	t.Helper()
	idPath = filepath.Join(dir, "ucx.txt")
	rcp, err := store.GenerateIdentityFile(idPath)
	if err != nil {
		t.Fatal(err)
	}
	p, err := store.NewRecipientProtection([]string{rcp})
	if err != nil {
		t.Fatal(err)
	}
	bundle = filepath.Join(dir, "acme.ucxbundle")
	if _, err := store.WriteBundle(bundle, bundleCmdFixture(), p); err != nil {
		t.Fatal(err)
	}
	return bundle, idPath
}

// TestInputsRefuseFIFO: every file the tool reads is refused at once when
// it is a named pipe, instead of waiting forever for a writer; the error
// names the file and says why, with a hint.
func TestInputsRefuseFIFO(t *testing.T) {
	dir := t.TempDir()
	bundle, idPath := x25519Bundle(t, dir)
	for _, tc := range []struct {
		name string
		args func(fifo string) []string
	}{
		{"open bundle", func(p string) []string { return []string{"open", p, "-i", idPath} }},
		{"inspect bundle", func(p string) []string { return []string{"inspect", p, "-i", idPath} }},
		{"open -i", func(p string) []string { return []string{"open", bundle, "-i", p} }},
		{"inspect --identity", func(p string) []string { return []string{"inspect", bundle, "--identity", p} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fifo := mkfifo(t, t.TempDir(), "pipe")
			type result struct {
				code           int
				stdout, stderr string
			}
			r := promptly(t, func() result {
				code, stdout, stderr := runCmd(t, tc.args(fifo)...)
				return result{code, stdout, stderr}
			})
			checkFailure(t, r.code, r.stdout, r.stderr, "named pipe (FIFO), not a regular file")
			if !strings.Contains(r.stderr, fifo) || !strings.Contains(r.stderr, "hint: give a regular file") {
				t.Errorf("stderr %q: want the path and the regular-file hint", r.stderr)
			}
		})
	}
	t.Run("--customer", func(t *testing.T) {
		fifo := mkfifo(t, t.TempDir(), "customer.json")
		err := promptly(t, func() error { _, err := readCustomer(fifo); return err })
		if !errors.Is(err, store.ErrNotRegular) || !strings.Contains(err.Error(), "--customer") {
			t.Fatalf("readCustomer = %v; want ErrNotRegular", err)
		}
	})
	t.Run("--apps", func(t *testing.T) {
		fifo := mkfifo(t, t.TempDir(), "apps.json")
		err := promptly(t, func() error { _, err := flows.LoadCatalog(fifo, func(string) string { return "x" }); return err })
		var ce *flows.CatalogError
		if !errors.As(err, &ce) || !errors.Is(err, store.ErrNotRegular) || !strings.Contains(err.Error(), "named pipe") {
			t.Fatalf("LoadCatalog = %v; want a CatalogError wrapping ErrNotRegular", err)
		}
		ck := catalogCheck(nil, err, wizardOptions{appsFile: fifo})
		if ck.OK || !strings.Contains(ck.Detail, "not a regular file") {
			t.Fatalf("preflight check %+v; want it failed, saying why", ck)
		}
	})
	t.Run("--recipients-file", func(t *testing.T) {
		fifo := mkfifo(t, t.TempDir(), "recipients.txt")
		err := promptly(t, func() error { _, err := store.ParseRecipientsFile(fifo); return err })
		if !errors.Is(err, store.ErrNotRegular) {
			t.Fatalf("ParseRecipientsFile = %v; want ErrNotRegular", err)
		}
	})
}

// TestInspectReceiptBounded: inspect reads the receipt beside the bundle
// like any input: a named pipe or a device is not read (it used to wait
// forever, or grow until killed on /dev/zero), and a huge file is not read
// into memory (a 1 GiB one took 2.1 GB). The summary is still printed.
func TestInspectReceiptBounded(t *testing.T) {
	dir := t.TempDir()
	bundle, idPath := x25519Bundle(t, dir)
	receipt := bundle + store.ReceiptSuffix
	for _, tc := range []struct {
		name string
		make func(t *testing.T)
		want string
	}{
		{"fifo", func(t *testing.T) { mkfifo(t, dir, filepath.Base(receipt)) }, "not read: a named pipe (FIFO), not a regular file"},
		{"symlink to /dev/zero", func(t *testing.T) {
			if err := os.Symlink("/dev/zero", receipt); err != nil {
				t.Fatal(err)
			}
		}, "not read: a device, not a regular file"},
		{"64 MiB", func(t *testing.T) {
			f, err := os.Create(receipt)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(64 << 20); err != nil { // sparse: no disk used
				t.Fatal(err)
			}
		}, "not read: larger than 1 MiB, not a ucx-onboard receipt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.Remove(receipt); err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
			tc.make(t)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			type result struct {
				code           int
				stdout, stderr string
			}
			r := promptly(t, func() result {
				code, stdout, stderr := runCmd(t, "inspect", bundle, "-i", idPath)
				return result{code, stdout, stderr}
			})
			runtime.ReadMemStats(&after)
			if r.code != 0 || !strings.Contains(r.stdout, "customer:    Acme S.p.A.") {
				t.Fatalf("inspect: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			if want := "receipt:     WARNING: acme.ucxbundle.receipt.txt " + tc.want; !strings.Contains(r.stdout, want) {
				t.Errorf("stdout %q\nwant the line %q", r.stdout, want)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
				t.Errorf("inspect allocated %d MiB", grew>>20)
			}
		})
	}
}

// passphraseBundle writes an age file sealed to a passphrase at a low
// scrypt work factor: open and inspect ask for the passphrase.
func passphraseBundle(t *testing.T, dir string) string {
	t.Helper()
	r, err := age.NewScryptRecipient("tok-FAKE-long-passphrase")
	if err != nil {
		t.Fatal(err)
	}
	r.SetWorkFactor(10)
	var sealed bytes.Buffer
	w, err := age.Encrypt(&sealed, r)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("{}"))
	w.Close()
	path := filepath.Join(dir, "p.ucxbundle")
	if err := os.WriteFile(path, sealed.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
