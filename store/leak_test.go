package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoLeak renders every exported type and a spread of errors with %v,
// %+v, %#v, %s, JSON and slog, and searches for the fake tokens, the
// passphrase and secret keys.
func TestNoLeak(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b := testBundle()
	pass, err := NewPassphraseProtection(NewSecret(fakePass))
	if err != nil {
		t.Fatal(err)
	}
	x, xProt := newX25519(t)
	idPath := filepath.Join(dir, "id.txt")
	if _, err := GenerateIdentityFile(idPath); err != nil {
		t.Fatal(err)
	}
	ids, _ := ParseIdentityFile(idPath)
	_, sshPriv := sshKeys(t, dir, "ed25519", "")
	sshIDs, _ := ParseIdentityFile(sshPriv)
	passID, _ := PassphraseIdentity(NewSecret(fakePass))
	rc, err := WriteBundle(filepath.Join(dir, "b.age"), b, xProt)
	if err != nil {
		t.Fatal(err)
	}
	keys := newFakeKeys()
	drafts, err := OpenDrafts(filepath.Join(dir, "state"), keys)
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, drafts)
	dr := testDraft()
	if err := drafts.Save(dr); err != nil {
		t.Fatal(err)
	}
	list, _ := drafts.List()
	loaded, _ := drafts.Load(dr.ID)

	// Errors that have secrets nearby.
	var errs []error
	_, e := NewRecipientProtection([]string{x.String()})
	errs = append(errs, e)
	_, e = NewPassphraseProtection(NewSecret("tok-FAKE-s"))
	errs = append(errs, e)
	sealedPass, _ := sealBundle(b, pass)
	wrong, _ := PassphraseIdentity(NewSecret("tok-FAKE-wrong-pass"))
	_, e = OpenBundle(bytes.NewReader(sealedPass), wrong)
	errs = append(errs, e)
	keyFile := filepath.Join(dir, "bad-key")
	os.WriteFile(keyFile, []byte("AGE-SECRET-KEY-1TOKFAKEBROKEN\n"), 0o600)
	_, e = ParseIdentityFile(keyFile)
	errs = append(errs, e)
	_, e = ParseCustomer(strings.NewReader(`{"company": 5, "notes": "tok-FAKE-note"}`))
	errs = append(errs, e)
	_, e = ParseCustomer(strings.NewReader(`{"notes": "tok-FAKE-note"} {"x":1}`))
	errs = append(errs, e)
	// A bundle whose JSON has a token in an unknown field and a bad type.
	for _, js := range []string{
		`{"format":"ucx-onboard-bundle","version":1,"zzz":"tok-FAKE-unknown"}`,
		`{"format":"ucx-onboard-bundle","version":1,"apps":[{"access_token":5}],"warnings":"tok-FAKE-w"}`,
		`{"format":"tok-FAKE-format","version":1}`,
		`{"format":"ucx-onboard-bundle","version":1} tok-FAKE-trailing`,
	} {
		sealed, _ := seal([]byte(js), xProt)
		_, e = OpenBundle(bytes.NewReader(sealed), x)
		errs = append(errs, e)
	}
	for i, e := range errs {
		if e == nil {
			t.Errorf("error case %d did not fail", i)
		}
	}

	values := map[string]any{
		"Bundle": b, "*Bundle": &b, "AppGrant": b.Apps[0], "Secret": b.Apps[0].AccessToken,
		"Protection(pass)": pass, "Protection(x25519)": xProt, "Receipt": rc,
		"Draft": *dr, "loaded Draft": loaded, "DraftInfo": list, "*Drafts": drafts,
		"identities": ids, "ssh identities": sshIDs, "passphrase identity": passID,
		"errors": errs,
	}
	secrets := []string{"tok-FAKE", "AGE-SECRET-KEY", "TOKFAKE", "correct-horse", "PRIVATE KEY"}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	jlogger := slog.New(slog.NewJSONHandler(&logs, nil))
	for name, v := range values {
		var outs []string
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			outs = append(outs, fmt.Sprintf(verb, v))
		}
		if js, err := json.Marshal(v); err == nil {
			outs = append(outs, string(js))
		}
		logger.Info("value", "v", v)
		jlogger.Info("value", "v", v)
		for _, out := range outs {
			for _, s := range secrets {
				if strings.Contains(out, s) || strings.Contains(strings.ToLower(out), strings.ToLower(fmt.Sprintf("%x", s))) {
					i := strings.Index(out, s)
					t.Errorf("%s leaks %q: %s", name, s, out[max(0, i-200):min(len(out), i+50)])
				}
			}
		}
	}
	// The causes wrapped inside the errors too: a caller may print one it
	// found with errors.As. storeError unwraps to a list, so walk the tree.
	var walk func(where string, e error)
	walk = func(where string, e error) {
		if e == nil {
			return
		}
		for _, s := range secrets {
			if strings.Contains(e.Error(), s) {
				t.Errorf("%s: wrapped error %T leaks %q: %s", where, e, s, e)
			}
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(where+" > cause", u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				walk(where+" > cause", c)
			}
		}
	}
	for i, e := range errs {
		walk(fmt.Sprintf("error case %d", i), e)
	}
	for _, s := range secrets {
		if strings.Contains(logs.String(), s) {
			t.Errorf("log leaks %q", s)
		}
	}
	// On disk: the receipt and every file in the state dir.
	for _, f := range []string{rc.ReceiptPath, rc.BundlePath} {
		data, _ := os.ReadFile(f)
		if bytes.Contains(data, []byte("tok-FAKE")) {
			t.Errorf("%s contains a token", f)
		}
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(p)
			if bytes.Contains(data, []byte("tok-FAKE")) && p != keyFile {
				t.Errorf("%s contains a token in the clear", p)
			}
		}
		return nil
	})
}
