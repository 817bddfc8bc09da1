package main

// Tests of how the bundle is sealed (protection.go).

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui"
)

// TestBuildProtection: where the bundle's recipients come from, what the
// review screen is told, and what the done screen suggests to open it.
func TestBuildProtection(t *testing.T) {
	dir := t.TempDir()
	recipient, err := store.GenerateIdentityFile(filepath.Join(dir, "ucx.key"))
	if err != nil {
		t.Fatal(err)
	}
	keysFile := filepath.Join(dir, "keys.txt")
	if err := os.WriteFile(keysFile, []byte(recipient+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name       string
		o          wizardOptions
		wantErr    bool
		passphrase bool
		recipients int
		hint       string // in OpenHint of a bundle sealed to keys
	}{
		{"--recipient", wizardOptions{recipients: stringList{recipient}}, false, false, 1, "ucx-onboard open "},
		{"--recipients-file", wizardOptions{recipientsFile: keysFile}, false, false, 1, "ucx-onboard open "},
		{"none: passphrase", wizardOptions{}, false, true, 0, "ucx-onboard open "},
		{"demo identity", wizardOptions{demo: true}, false, false, 1, "ucx-onboard inspect "},
		{"demo with --recipient", wizardOptions{demo: true, recipients: stringList{recipient}}, false, false, 1, "ucx-onboard open "},
		{"bad key", wizardOptions{recipients: stringList{"age1nope"}}, true, false, 0, ""},
		{"missing file", wizardOptions{recipientsFile: filepath.Join(dir, "absent")}, true, false, 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := t.TempDir()
			var deps tui.Deps
			err := buildProtection(&deps, c.o, out)
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want error %v", err, c.wantErr)
			}
			if deps.WriteBundle == nil || deps.OpenHint == nil {
				t.Fatal("WriteBundle or OpenHint not set")
			}
			if c.wantErr {
				if deps.Protection.Passphrase || len(deps.Protection.Recipients) > 0 {
					t.Fatalf("protection %+v after an error; want zero", deps.Protection)
				}
				return
			}
			if p := deps.Protection; p.Passphrase != c.passphrase || len(p.Recipients) != c.recipients {
				t.Fatalf("protection %+v", p)
			}
			_, statErr := os.Stat(filepath.Join(out, demoIdentityName))
			if wantID := c.hint == "ucx-onboard inspect "; wantID != (statErr == nil) {
				t.Errorf("demo identity in the output folder: %v, want %v", statErr == nil, wantID)
			}
			if c.hint != "" {
				// The bundle's path is quoted for the shell it is pasted into.
				bundle := filepath.Join(out, "R&D bundle.ucxbundle")
				h := deps.OpenHint(store.Receipt{BundlePath: bundle, Passphrase: c.passphrase})
				if !strings.HasPrefix(h.Line, c.hint+shellQuote(bundle)) {
					t.Errorf("OpenHint %q, want it to start with %q", h.Line, c.hint+shellQuote(bundle))
				}
				// Runnable as printed: no remark, placeholder pipe or
				// redirection after the arguments (issue 16 printed
				// "open x (asks for the passphrase) | <UCX Suite import>").
				if rest := strings.TrimPrefix(h.Line, c.hint+shellQuote(bundle)); strings.ContainsAny(rest, "()<>|") {
					t.Errorf("OpenHint line %q: %q is not an argument", h.Line, rest)
				}
				if c.passphrase && (h.Line != c.hint+shellQuote(bundle) || len(h.Notes) == 0) {
					t.Errorf("passphrase OpenHint %+v, want the bare open command and a note", h)
				}
			}
		})
	}
}

// TestProtectionFix: the protection check's fix follows the problem with
// the recipients file or the demo identity; only a bad key asks for keys.
func TestProtectionFix(t *testing.T) {
	dir := t.TempDir()
	foreign := filepath.Join(dir, "foreign")
	if err := os.MkdirAll(foreign, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(foreign, demoIdentityName), []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		o      wizardOptions
		outDir string
		want   string
	}{
		{"bad key", wizardOptions{recipients: stringList{"age1nope"}}, dir, "give age (age1...) or SSH public keys"},
		{"recipients file missing", wizardOptions{recipientsFile: filepath.Join(dir, "absent")}, dir, "check the --recipients-file path"},
		{"demo identity foreign", wizardOptions{demo: true}, foreign, "remove " + filepath.Join(foreign, demoIdentityName) + " so that --demo writes a new identity"},
		{"demo, no output folder", wizardOptions{demo: true}, filepath.Join(dir, "absent"), "run --demo from a writable folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var deps tui.Deps
			err := buildProtection(&deps, tc.o, tc.outDir)
			if err == nil {
				t.Fatal("no error")
			}
			ck := protectionCheck(deps.Protection, err)
			if ck.OK || !strings.HasPrefix(ck.Fix, tc.want) || !strings.HasSuffix(ck.Fix, "start ucx-onboard again") {
				t.Errorf("check %+v; want the fix to start with %q", ck, tc.want)
			}
		})
	}
	perm := store.ErrBadRecipient
	if got := protectionFix(fmt.Errorf("%w: %w", perm, fs.ErrPermission)); !strings.HasPrefix(got, "make the --recipients-file readable") {
		t.Errorf("permission: fix %q", got)
	}
}
