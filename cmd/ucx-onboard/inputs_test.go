package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/store"
)

// TestOutputCheckReceipt: with --out, the preflight refuses a taken
// bundle name and a taken receipt name (<out>.receipt.txt) alike, instead
// of failing at COMPLETE REQUEST after every approval.
func TestOutputCheckReceipt(t *testing.T) {
	for _, tc := range []struct {
		name   string
		exists string // "", "bundle" or "receipt"
	}{
		{"both free", ""},
		{"bundle taken", "bundle"},
		{"receipt taken", "receipt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "acme.ucxbundle")
			taken := map[string]string{"bundle": out, "receipt": out + store.ReceiptSuffix}[tc.exists]
			if taken != "" {
				if err := os.WriteFile(taken, []byte("x"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			ck := outputCheck(out, dir, nil)
			if tc.exists == "" {
				if !ck.OK || ck.Detail != "bundle will be "+out {
					t.Fatalf("check %+v; want OK", ck)
				}
				return
			}
			if ck.OK || !ck.Blocking || ck.Detail != taken+" exists already" || !strings.Contains(ck.Fix, "never overwritten") {
				t.Fatalf("check %+v; want a blocking failure naming %s", ck, taken)
			}
		})
	}
}

// TestOutputCheckNameTooLong: an --out whose name (with its receipt's and
// temporary files' additions) passes 255 bytes is refused by the
// preflight, before any approval, not by COMPLETE REQUEST after them.
func TestOutputCheckNameTooLong(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		base string
		ok   bool
	}{
		{strings.Repeat("a", 200) + ".ucxbundle", true},
		{strings.Repeat("a", 300) + ".ucxbundle", false},
	} {
		ck := outputCheck(filepath.Join(dir, tc.base), dir, nil)
		if ck.OK != tc.ok || (!tc.ok && (!ck.Blocking || !strings.Contains(ck.Detail, "too long") || !strings.Contains(ck.Fix, "shorter --out"))) {
			t.Errorf("%d-byte name: %+v", len(tc.base), ck)
		}
	}
}

// TestWizardStartErrors: problems with flags and the files they name,
// which the checks' r would read again unchanged, stop the wizard before
// the screen opens: exit 2, the problem on one line naming the flag and
// what is wrong with the path, and a hint.
func TestWizardStartErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		want []string
		not  []string
	}{
		{"--out in a missing folder", []string{"--out", filepath.Join(dir, "missing", "x.ucxbundle")},
			[]string{"folder " + filepath.Join(dir, "missing") + " does not exist\n", "hint: create the folder, or choose another --out"}, []string{"pass --out", "protection"}},
		{"--demo --out in a missing folder", []string{"--demo", "--out", filepath.Join(dir, "missing", "x.ucxbundle")},
			[]string{"does not exist\n"}, []string{"protection", "identity"}},
		{"--out a folder", []string{"--out", dir}, []string{"--out " + shellQuote(dir) + " is a folder, not a file name", "e.g. --out " + shellQuote(filepath.Join(dir, "acme.ucxbundle"))}, []string{"move it away"}},
		{"--out under a file", []string{"--out", filepath.Join(file, "x")}, []string{file + " is not a folder"}, nil},
		{"bad --recipient", []string{"--recipient", "age1nope"}, []string{"ucx-onboard: --recipient: recipient #1", "hint: give age (age1...) or SSH public keys"}, []string{"store:", "press r"}},
		{"missing --recipients-file", []string{"--recipients-file", filepath.Join(dir, "keys.txt")}, []string{"--recipients-file: ", "hint: check the --recipients-file path"}, []string{"store:"}},
		{"missing --apps", []string{"--apps", filepath.Join(dir, "apps.json")}, []string{"--apps: cannot read catalog: ", "apps.json: ", "hint: check the --apps path"}, []string{"--apps: catalog: ", "start ucx-onboard again"}},
		{"bad --apps", []string{"--apps", file}, []string{"--apps: ", "hint: correct " + file}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--accessible", "--state-dir", filepath.Join(t.TempDir(), "state")}, tt.args...)
			code, stdout, stderr := runCmd(t, args...)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
			}
			if stdout != "" {
				t.Errorf("the wizard started: %q", stdout)
			}
			if n := strings.Count(stderr, "\n"); n != 2 {
				t.Errorf("%d lines, want the problem and a hint:\n%s", n, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("lacks %q:\n%s", w, stderr)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(stderr, n) {
					t.Errorf("has %q:\n%s", n, stderr)
				}
			}
		})
	}
}

// TestOutputCheckRecorded: an --out that a draft recorded as its bundle
// (a run killed during COMPLETE REQUEST) passes the preflight, so that the
// start can finish that draft and list it as completed; any other taken
// --out is still refused.
func TestOutputCheckRecorded(t *testing.T) {
	dir := t.TempDir()
	d, err := store.OpenDrafts(filepath.Join(dir, "state"), store.NewFileKeyStore(filepath.Join(dir, "state")))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	recipient, err := store.GenerateIdentityFile(filepath.Join(dir, "id.txt"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := store.NewRecipientProtection([]string{recipient})
	if err != nil {
		t.Fatal(err)
	}
	out, other := filepath.Join(dir, "acme.ucxbundle"), filepath.Join(dir, "other.ucxbundle")
	dr := &store.Draft{Customer: store.Customer{Company: "Acme"}}
	record := func(c *store.Completion) error { return d.Record(dr, c) }
	if _, err := store.WriteBundleRecorded(out, store.Bundle{Customer: dr.Customer}, p, record); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ck := outputCheck(out, dir, d.Records); !ck.OK {
		t.Errorf("recorded --out refused: %+v", ck)
	}
	if ck := outputCheck(other, dir, d.Records); ck.OK || !ck.Blocking {
		t.Errorf("taken --out passed: %+v", ck)
	}
}
