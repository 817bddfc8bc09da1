package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/armor"
)

// FuzzOpenBundle feeds arbitrary bytes to OpenBundle with the vector
// identity: it must never panic, and every failure must be a one-line
// "store:" error wrapping one of the sentinels.
func FuzzOpenBundle(f *testing.F) {
	ids, err := ParseIdentityFile(filepath.Join("testdata", "identity.txt"))
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range []string{"good.age", "wrong-key.age", "truncated.age", "good.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", v))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	good, _ := os.ReadFile(filepath.Join("testdata", "good.age"))
	var armored bytes.Buffer
	aw := armor.NewWriter(&armored)
	aw.Write(good)
	aw.Close()
	f.Add(armored.Bytes())
	f.Add([]byte(ageIntro))
	f.Add([]byte(ageIntro + "-> scrypt AAAAAAAAAAAAAAAAAAAAAA 18\nAAAA\n--- AAAA\n"))
	f.Add([]byte(armorHeader + "\nYWdl\n-----END AGE ENCRYPTED FILE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := OpenBundle(bytes.NewReader(data), ids...)
		if err == nil {
			if _, err := MarshalBundle(b); err != nil {
				t.Fatalf("opened bundle does not re-marshal: %v", err)
			}
			return
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "store: ") || strings.ContainsAny(msg, "\n\r") {
			t.Fatalf("bad error text %q", msg)
		}
		for _, s := range []error{ErrNoIdentityMatch, ErrTampered, ErrTruncated, ErrNotAge, ErrUnknownFormat} {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("error matches no sentinel: %v", err)
	})
}

// FuzzParseCustomer feeds arbitrary bytes to ParseCustomer: it must never
// panic; a failure is a one-line "store:" error wrapping ErrBadCustomer; a
// success has no control or bidi character in any field, a known
// deployment, and survives a JSON round trip unchanged.
func FuzzParseCustomer(f *testing.F) {
	for _, s := range []string{
		`{"company":"Acme S.p.A.","admin_email":"a@acme.example","deployment":"on-prem","ucx_host":"ucx.acme","engineer":"Jo","notes":"n"}`,
		`{"company":"A"}`, `{}`, ` {"notes":""} `, `{"deployment":"cloud"}`, `{"company":"a\u001b[2Jb"}`,
		`{"company":"a\u202eb"}`, `{"company":"A","company":"B"}`, `{"x":1}`, `[]`, `{"company":"A"} {}`,
		`{"company":"\ud800"}`, "{\"company\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCustomer(bytes.NewReader(data))
		if err != nil {
			msg := err.Error()
			if !errors.Is(err, ErrBadCustomer) || !strings.HasPrefix(msg, "store: ") || strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("bad error %q", msg)
			}
			return
		}
		for _, v := range []string{c.Company, c.AdminEmail, c.Deployment, c.UCXHost, c.Engineer, c.Notes} {
			if i, r := unsafeRune(v); i >= 0 {
				t.Fatalf("accepted U+%04X in %q", r, v)
			}
		}
		if c.Deployment != "" && c.Deployment != DeploymentCloud && c.Deployment != DeploymentOnPrem {
			t.Fatalf("accepted deployment %q", c.Deployment)
		}
		js, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseCustomer(bytes.NewReader(js))
		if err != nil || again != c {
			t.Fatalf("round trip: %+v %v, want %+v", again, err, c)
		}
	})
}

// identityErrors are the only shapes of error parseIdentities may return
// (after "store: identity file id.txt "): fixed text and line numbers, so
// no part of the file, which may be key material, is ever echoed.
var identityErrors = regexp.MustCompile(`^(` +
	`line \d+ is a public key \(recipient\), not an identity: -i wants the secret key file|` +
	`line \d+ is not an age identity \(AGE-SECRET-KEY-1\.\.\.\)|` +
	`line \d+ is a malformed age identity|` +
	`is not text: expected an age identity \(AGE-SECRET-KEY-1\.\.\.\) or an ssh private key|` +
	`is not a usable ssh private key \(only unencrypted ed25519 and rsa keys are supported\)|` +
	`is a passphrase-protected ssh key|` +
	`contains no identity)$`)

// FuzzParseIdentityFile feeds arbitrary bytes to the identity file parser:
// it must never panic; a failure wraps ErrBadIdentity with one of the
// fixed messages; the identities it returns never print a secret key.
func FuzzParseIdentityFile(f *testing.F) {
	vector, err := os.ReadFile(filepath.Join("testdata", "identity.txt"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(vector)
	dir := f.TempDir()
	for _, kind := range []string{"ed25519", "rsa"} {
		_, p := sshKeys(f, dir, kind, "")
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	_, enc := sshKeys(f, dir, "ed25519", "tok-FAKE-ssh-pass")
	b, _ := os.ReadFile(enc)
	f.Add(b)
	pq, _ := age.GenerateHybridIdentity()
	for _, s := range []string{
		"", "# only a comment\n", "AGE-SECRET-KEY-1QQQ\n", pq.String() + "\n", pq.Recipient().String() + "\n",
		"ssh-ed25519 AAAA\n", "\xff\xfe", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
		"\r\n\r\n" + strings.ToLower(string(vector)),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ids, err := parseIdentities("id.txt", data)
		if err != nil {
			msg := err.Error()
			rest, ok := strings.CutPrefix(msg, "store: identity file id.txt ")
			if !errors.Is(err, ErrBadIdentity) || !ok || !identityErrors.MatchString(rest) {
				t.Fatalf("bad error %q", msg)
			}
			return
		}
		if len(ids) == 0 {
			t.Fatal("no identity and no error")
		}
		for _, id := range ids {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
				if out := fmt.Sprintf(verb, id); !strings.Contains(out, "redacted") || strings.Contains(strings.ToUpper(out), "SECRET") {
					t.Fatalf("identity prints as %s", out)
				}
			}
		}
	})
}
