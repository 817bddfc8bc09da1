package main

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/store"
)

// TestExitCodes: README's exit statuses, command by command. 2 for bad
// flags and for a file the command line names that cannot be used
// (missing, not an identity), checked before whether there is a terminal;
// 1 for a bundle that cannot be opened with the keys given; 2 for "needs a
// terminal" only when the flags and files are fine. Errors are compared
// by identity.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	idPath := filepath.Join(dir, "ucx.txt")
	if code, _, stderr := runCmd(t, "keygen", "-o", idPath); code != 0 {
		t.Fatalf("keygen: %s", stderr)
	}
	otherID := filepath.Join(dir, "other.txt")
	if code, _, stderr := runCmd(t, "keygen", "-o", otherID); code != 0 {
		t.Fatalf("keygen: %s", stderr)
	}
	rcp, err := os.ReadFile(idPath)
	if err != nil {
		t.Fatal(err)
	}
	var recipient string
	for _, l := range strings.Split(string(rcp), "\n") {
		if _, r, ok := strings.Cut(l, "# public key: "); ok {
			recipient = r
		}
	}
	p, err := store.NewRecipientProtection([]string{recipient})
	if err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(dir, "acme.ucxbundle")
	if _, err := store.WriteBundle(bundle, bundleCmdFixture(), p); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nope")
	notKey := filepath.Join(dir, "not-a-key.txt")
	if err := os.WriteFile(notKey, []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	out := filepath.Join(dir, "x.ucxbundle")

	for _, tc := range []struct {
		name string
		args []string
		code int
		is   error // the error is this (nil: not checked)
		not  error // the error is not this (nil: not checked)
	}{
		{"open: missing bundle", []string{"open", missing, "-i", idPath}, exitUsage, fs.ErrNotExist, nil},
		{"inspect: missing bundle", []string{"inspect", missing, "-i", idPath}, exitUsage, fs.ErrNotExist, nil},
		{"open: missing -i file", []string{"open", bundle, "-i", missing}, exitUsage, fs.ErrNotExist, nil},
		{"inspect: -i file not an identity", []string{"inspect", bundle, "-i", notKey}, exitUsage, nil, nil},
		{"inspect: a folder as bundle", []string{"inspect", dir, "-i", idPath}, exitUsage, store.ErrNotRegular, nil},
		{"inspect: other identity", []string{"inspect", bundle, "-i", otherID}, 1, store.ErrNoIdentityMatch, nil},
		{"inspect: not a bundle", []string{"inspect", notKey, "-i", idPath}, 1, store.ErrNotAge, nil},
		{"inspect: fine", []string{"inspect", bundle, "-i", idPath}, 0, nil, nil},
		{"wizard: unknown flag", []string{"--no-such-flag"}, exitUsage, nil, errNeedsTerminal},
		{"wizard: missing --customer", []string{"--customer", missing, "--state-dir", state, "--out", out}, exitUsage, fs.ErrNotExist, errNeedsTerminal},
		{"wizard: missing --apps", []string{"--apps", missing, "--state-dir", state, "--out", out}, exitUsage, nil, errNeedsTerminal},
		{"wizard: bad --recipient", []string{"--recipient", "age1nope", "--state-dir", state, "--out", out}, exitUsage, nil, errNeedsTerminal},
		{"wizard: --out in a missing folder", []string{"--out", filepath.Join(missing, "x.ucxbundle"), "--state-dir", state}, exitUsage, nil, errNeedsTerminal},
		{"wizard: --demo --apps", []string{"--demo", "--apps", missing, "--state-dir", state, "--out", out}, exitUsage, errDemoFlags, nil},
		{"wizard: --demo --webex-url", []string{"--demo", "--webex-url", "https://webexapis.com", "--state-dir", state, "--out", out}, exitUsage, errDemoFlags, nil},
		{"wizard: no terminal", []string{"--state-dir", state, "--out", out, "--recipient", recipient}, exitUsage, errNeedsTerminal, nil},
		{"wizard: --demo, no terminal", []string{"--demo", "--state-dir", state, "--out", out}, exitUsage, errNeedsTerminal, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
			var err error
			if c := commands[tc.args[0]]; c.run != nil {
				err = c.run(context.Background(), e, tc.args[1:])
			} else {
				err = runWizard(context.Background(), e, tc.args)
			}
			if code := report(io.Discard, err); code != tc.code {
				t.Errorf("exit %d, want %d (%v)", code, tc.code, err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v, want %v", err, tc.is)
			}
			if tc.not != nil && errors.Is(err, tc.not) {
				t.Errorf("error %v hides the flag or file error", err)
			}
		})
	}
}
