package main

// Tests of where the bundle goes (output.go).

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui"
)

// recipientDir is a temporary folder holding an age identity, and the
// protection to its recipient.
func recipientDir(t *testing.T) (string, store.Protection) {
	t.Helper()
	dir := t.TempDir()
	recipient, err := store.GenerateIdentityFile(filepath.Join(dir, "id.txt"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := store.NewRecipientProtection([]string{recipient})
	if err != nil {
		t.Fatal(err)
	}
	return dir, p
}

// TestWriteBundleFreeName: the default name gets -2, -3 when taken; the
// existing files are untouched.
func TestWriteBundleFreeName(t *testing.T) {
	dir, p := recipientDir(t)
	path := filepath.Join(dir, "acme-2026-11-21.ucxbundle")
	if err := os.WriteFile(path, []byte("earlier bundle"), 0o600); err != nil {
		t.Fatal(err)
	}
	b := store.Bundle{Customer: store.Customer{Company: "Acme"}}
	for _, want := range []string{"acme-2026-11-21-2.ucxbundle", "acme-2026-11-21-3.ucxbundle"} {
		r, err := writeBundleFreeName(path, b, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(r.BundlePath) != want {
			t.Fatalf("wrote %s, want %s", r.BundlePath, want)
		}
	}
	if got, _ := os.ReadFile(path); string(got) != "earlier bundle" {
		t.Fatal("the existing bundle was touched")
	}
}

// TestWriteBundleFreeNameFromNumbered: the review showed a numbered name
// (the default was taken), and that one was taken too by the time the
// bundle was written: the numbers go on from it, never "-2-2".
func TestWriteBundleFreeNameFromNumbered(t *testing.T) {
	dir, p := recipientDir(t)
	for _, n := range []string{"acme-2026-11-21.ucxbundle", "acme-2026-11-21-2.ucxbundle"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("taken"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r, err := writeBundleFreeName(filepath.Join(dir, "acme-2026-11-21-2.ucxbundle"), store.Bundle{Customer: store.Customer{Company: "Acme"}}, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := filepath.Base(r.BundlePath); got != "acme-2026-11-21-3.ucxbundle" {
		t.Fatalf("wrote %s, want acme-2026-11-21-3.ucxbundle", got)
	}
	for _, tc := range []struct {
		path, base string
		next       int
	}{
		{"a/acme-2026-11-21.ucxbundle", "a/acme-2026-11-21.ucxbundle", 2},
		{"a/acme-2026-11-21-7.ucxbundle", "a/acme-2026-11-21.ucxbundle", 8},
		{"a/site-2.ucxbundle", "a/site-2.ucxbundle", 2}, // no date: not a numbered default name
		{"a/acme-2026-11-21-1.ucxbundle", "a/acme-2026-11-21-1.ucxbundle", 2},
	} {
		if base, next := numberedBase(tc.path); base != tc.base || next != tc.next {
			t.Errorf("numberedBase(%q) = %q, %d; want %q, %d", tc.path, base, next, tc.base, tc.next)
		}
	}
}

// TestWriteBundleFreeNameReceiptTaken: a name whose receipt is taken is
// skipped as a whole; the bundle and its receipt go under the next name and
// the stray receipt is untouched.
func TestWriteBundleFreeNameReceiptTaken(t *testing.T) {
	dir, p := recipientDir(t)
	path := filepath.Join(dir, "acme.ucxbundle")
	if err := os.WriteFile(path+store.ReceiptSuffix, []byte("someone else's receipt"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := writeBundleFreeName(path, store.Bundle{Customer: store.Customer{Company: "Acme"}}, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(r.BundlePath) != "acme-2.ucxbundle" || r.ReceiptPath != r.BundlePath+store.ReceiptSuffix {
		t.Fatalf("wrote %+v", r)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "*.ucxbundle")); len(matches) != 1 {
		t.Fatalf("bundles written: %v", matches)
	}
	if got, _ := os.ReadFile(path + store.ReceiptSuffix); string(got) != "someone else's receipt" {
		t.Fatal("the stray receipt was touched")
	}
}

// TestFreeBundleName: the review names the file the write will use: the
// day's name when free, else the first numbered name whose bundle and
// receipt are both free (issue #10, item 4).
func TestFreeBundleName(t *testing.T) {
	tests := []struct {
		name  string
		taken []string
		want  string
	}{
		{"free", nil, "acme-2026-11-28.ucxbundle"},
		{"taken", []string{"acme-2026-11-28.ucxbundle"}, "acme-2026-11-28-2.ucxbundle"},
		{"two taken", []string{"acme-2026-11-28.ucxbundle", "acme-2026-11-28-2.ucxbundle"}, "acme-2026-11-28-3.ucxbundle"},
		{"receipt taken", []string{"acme-2026-11-28.ucxbundle" + store.ReceiptSuffix}, "acme-2026-11-28-2.ucxbundle"},
		{"gap", []string{"acme-2026-11-28.ucxbundle", "acme-2026-11-28-3.ucxbundle"}, "acme-2026-11-28-2.ucxbundle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, n := range tt.taken {
				if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(dir, "acme-2026-11-28.ucxbundle")
			got := freeBundleName(path)
			if got != filepath.Join(dir, tt.want) {
				t.Fatalf("freeBundleName = %s, want %s", filepath.Base(got), tt.want)
			}
			if tt.name == "receipt taken" {
				return
			}
			// The write goes where the review said.
			recipient, err := store.GenerateIdentityFile(filepath.Join(t.TempDir(), "id.txt"))
			if err != nil {
				t.Fatal(err)
			}
			p, err := store.NewRecipientProtection([]string{recipient})
			if err != nil {
				t.Fatal(err)
			}
			r, err := writeBundleFreeName(got, store.Bundle{Customer: store.Customer{Company: "Acme"}}, p, nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.BundlePath != got {
				t.Fatalf("wrote %s, the review showed %s", r.BundlePath, got)
			}
		})
	}
}

// TestPrintReceiptCommand: the summary printed at exit gives the open
// command alone on its line, runnable as printed (issue 16: "open x.ucxbundle
// (asks for the passphrase) | <UCX Suite import>"), the remark below it.
func TestPrintReceiptCommand(t *testing.T) {
	var deps tui.Deps
	if err := buildProtection(&deps, wizardOptions{}, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(t.TempDir(), "Müller & Söhne.ucxbundle")
	var out bytes.Buffer
	printReceipt(env{stdout: &out}, store.Receipt{BundlePath: bundle, Passphrase: true}, deps.OpenHint)
	want := "on the UCX side, run:\n  ucx-onboard open " + shellQuote(bundle) + "\n  It asks for the passphrase"
	if !strings.Contains(out.String(), want) {
		t.Errorf("summary:\n%s\nwant it to hold:\n%s", out.String(), want)
	}
}
