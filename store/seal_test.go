package store

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"filippo.io/age"
	"golang.org/x/crypto/ssh"
)

// sshKeys writes a fresh SSH key pair of kind "ed25519" or "rsa" into dir
// and returns the public key line and the private key file.
func sshKeys(t testing.TB, dir, kind string, passphrase string) (pub, privPath string) {
	t.Helper()
	var priv any
	var pk ssh.PublicKey
	var err error
	switch kind {
	case "ed25519":
		p, k, _ := ed25519.GenerateKey(rand.Reader)
		priv = k
		pk, err = ssh.NewPublicKey(p)
	case "rsa":
		k, _ := rsa.GenerateKey(rand.Reader, 2048)
		priv = k
		pk, err = ssh.NewPublicKey(&k.PublicKey)
	}
	if err != nil {
		t.Fatal(err)
	}
	var block *pem.Block
	if passphrase != "" {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "test", []byte(passphrase))
	} else {
		block, err = ssh.MarshalPrivateKey(priv, "test")
	}
	if err != nil {
		t.Fatal(err)
	}
	privPath = filepath.Join(dir, "id_"+kind)
	if err := os.WriteFile(privPath, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk))) + " test@host", privPath
}

// keyPair is one protection kind with the identity file that opens it.
type keyPair struct {
	name    string
	prot    Protection
	keyFile string // identity file for ParseIdentityFile and the age CLI
}

func keyPairs(t testing.TB, withPassphrase bool) []keyPair {
	t.Helper()
	dir := t.TempDir()
	var out []keyPair
	xPath := filepath.Join(dir, "x25519.txt")
	rcp, err := GenerateIdentityFile(xPath)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewRecipientProtection([]string{rcp})
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, keyPair{"x25519", p, xPath})
	for _, kind := range []string{"ed25519", "rsa"} {
		pub, priv := sshKeys(t, dir, kind, "")
		p, err := NewRecipientProtection([]string{pub})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, keyPair{"ssh-" + kind, p, priv})
	}
	if withPassphrase {
		p, err := NewPassphraseProtection(NewSecret(fakePass))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, keyPair{"passphrase", p, ""})
		out = append(out, keyPair{"passphrase-real", realScrypt(t, fakePass), ""})
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, kp := range keyPairs(t, true) {
		t.Run(kp.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "acme.ucxbundle")
			rc, err := WriteBundle(path, testBundle(), kp.prot)
			if err != nil {
				t.Fatal(err)
			}
			if rc.Passphrase != kp.prot.Passphrase() || len(rc.Recipients) != len(kp.prot.Recipients()) {
				t.Errorf("receipt %+v does not describe %v", rc, kp.prot)
			}
			for _, f := range []string{path, rc.ReceiptPath} {
				fi, err := os.Stat(f)
				if err != nil {
					t.Fatal(err)
				}
				if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
					t.Errorf("%s: mode %v, want 0600", f, fi.Mode().Perm())
				}
			}
			var ids []age.Identity
			if kp.keyFile != "" {
				ids, err = ParseIdentityFile(kp.keyFile)
			} else {
				var id age.Identity
				id, err = PassphraseIdentity(NewSecret(fakePass))
				ids = append(ids, id)
			}
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := OpenBundle(f, ids...)
			if err != nil {
				t.Fatal(err)
			}
			sameBundle(t, got, testBundle())

			// Never overwrite, and name the file.
			_, err = WriteBundle(path, testBundle(), kp.prot)
			if !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), path) {
				t.Errorf("second write: %v, want ErrExists naming the file", err)
			}
			// The receipt is there, has the hash and no token.
			receipt, _ := os.ReadFile(rc.ReceiptPath)
			if !bytes.Contains(receipt, []byte(rc.SHA256)) || bytes.Contains(receipt, []byte("tok-FAKE")) {
				t.Errorf("receipt:\n%s", receipt)
			}
		})
	}
}

func TestWrongIdentity(t *testing.T) {
	t.Parallel()
	kps := keyPairs(t, false)
	b, err := sealBundle(testBundle(), kps[0].prot)
	if err != nil {
		t.Fatal(err)
	}
	for _, other := range kps[1:] {
		ids, err := ParseIdentityFile(other.keyFile)
		if err != nil {
			t.Fatal(err)
		}
		_, err = OpenBundle(bytes.NewReader(b), ids...)
		if !errors.Is(err, ErrNoIdentityMatch) || errors.Is(err, ErrPassphraseRequired) {
			t.Errorf("%s: %v, want ErrNoIdentityMatch", other.name, err)
		}
	}
	_, err = OpenBundle(bytes.NewReader(b))
	if !errors.Is(err, ErrNoIdentityMatch) {
		t.Errorf("no identity: %v", err)
	}
}

func TestPassphraseErrors(t *testing.T) {
	t.Parallel()
	if _, err := NewPassphraseProtection(NewSecret("short")); !errors.Is(err, ErrPassphraseTooShort) {
		t.Errorf("short: %v", err)
	}
	// 11 runes but 22 bytes: still too short.
	if _, err := NewPassphraseProtection(NewSecret("ééééééééééé")); !errors.Is(err, ErrPassphraseTooShort) {
		t.Errorf("11 runes: %v", err)
	}
	p, err := NewPassphraseProtection(NewSecret(fakePass))
	if err != nil {
		t.Fatal(err)
	}
	if p.Recipients() != nil || !p.Passphrase() || p.Describe() != "passphrase (scrypt)" {
		t.Errorf("passphrase protection: %v %v %q", p.Recipients(), p.Passphrase(), p.Describe())
	}
	b, err := sealBundle(testBundle(), p)
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenBundle(bytes.NewReader(b))
	if !errors.Is(err, ErrPassphraseRequired) || !errors.Is(err, ErrNoIdentityMatch) {
		t.Errorf("no passphrase: %v", err)
	}
	x, _ := newX25519(t)
	_, err = OpenBundle(bytes.NewReader(b), x)
	if !errors.Is(err, ErrPassphraseRequired) {
		t.Errorf("x25519 identity on passphrase bundle: %v", err)
	}
	wrong, _ := PassphraseIdentity(NewSecret("tok-FAKE-wrong-passphrase"))
	_, err = OpenBundle(bytes.NewReader(b), wrong)
	if !errors.Is(err, ErrWrongPassphrase) || !errors.Is(err, ErrNoIdentityMatch) {
		t.Errorf("wrong passphrase: %v", err)
	}
	if strings.Contains(err.Error(), "tok-FAKE") {
		t.Errorf("error leaks the passphrase: %v", err)
	}
}

func TestProtection(t *testing.T) {
	t.Parallel()
	var zero Protection
	if _, err := WriteBundle(filepath.Join(t.TempDir(), "b"), testBundle(), zero); !errors.Is(err, ErrNoProtection) {
		t.Errorf("zero protection: %v", err)
	}
	x, _ := newX25519(t)
	rcp := x.Recipient().String()
	dir := t.TempDir()
	pub, _ := sshKeys(t, dir, "ed25519", "")
	for _, tc := range []struct {
		keys    []string
		ok      bool
		desc    string
		quoteIn string
	}{
		{[]string{rcp}, true, "age recipient " + rcp[:12] + "…" + rcp[len(rcp)-6:], ""},
		{[]string{rcp, pub, " " + rcp + " "}, true, "2 recipients", ""},
		{[]string{pub}, true, "ssh-ed25519 recipient AAAAC3Nz…", ""},
		{nil, false, "", ""},
		{[]string{"", "  "}, false, "", ""},
		{[]string{"age1notakey"}, false, "", `recipient #1 (11 characters, starting "age1") is not a valid age public key`},
		{[]string{rcp, "hello"}, false, "", "recipient #2 (5 characters) is not"},
		{[]string{"ecdsa-sha2-nistp256 AAAA"}, false, "", "is an ssh ecdsa-sha2-nistp256 key: only"},
		{[]string{x.String()}, false, "", ""}, // a secret key: never quoted
	} {
		p, err := NewRecipientProtection(tc.keys)
		if tc.ok != (err == nil) {
			t.Errorf("%q: err %v", tc.keys, err)
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrBadRecipient) || !strings.Contains(err.Error(), tc.quoteIn) || strings.Contains(err.Error(), "AGE-SECRET-KEY") {
				t.Errorf("%q: error %q", tc.keys, err)
			}
			continue
		}
		if !strings.HasPrefix(p.Describe(), tc.desc) || p.Passphrase() {
			t.Errorf("%q: Describe %q, want prefix %q", tc.keys, p.Describe(), tc.desc)
		}
	}
	// Post-quantum (hybrid) recipients work, but cannot be mixed with
	// classic ones (age's rule), which is caught at construction.
	pq, err := age.GenerateHybridIdentity()
	if err != nil {
		t.Fatal(err)
	}
	pqProt, err := NewRecipientProtection([]string{pq.Recipient().String()})
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := sealBundle(testBundle(), pqProt)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := OpenBundle(bytes.NewReader(sealed), pq); err != nil {
		t.Errorf("hybrid round trip: %v", err)
	} else {
		sameBundle(t, got, testBundle())
	}
	if _, err := NewRecipientProtection([]string{pq.Recipient().String(), rcp}); !errors.Is(err, ErrBadRecipient) {
		t.Errorf("hybrid + x25519: %v", err)
	}
	// Recipients file.
	rf := filepath.Join(dir, "recipients.txt")
	os.WriteFile(rf, []byte("# UCX Suite\n\n"+rcp+"\n  "+pub+"\n"), 0o644)
	keys, err := ParseRecipientsFile(rf)
	if err != nil || len(keys) != 2 || keys[0] != rcp || keys[1] != pub {
		t.Errorf("ParseRecipientsFile: %q %v", keys, err)
	}
	os.WriteFile(rf, []byte("# nothing\n"), 0o644)
	if _, err := ParseRecipientsFile(rf); err == nil {
		t.Error("empty recipients file accepted")
	}
}

func TestIdentityFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "id.txt")
	rcp, err := GenerateIdentityFile(path)
	if err != nil || !strings.HasPrefix(rcp, "age1") {
		t.Fatalf("GenerateIdentityFile: %q %v", rcp, err)
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("identity mode %v", fi.Mode().Perm())
	}
	before, _ := os.ReadFile(path)
	if _, err := GenerateIdentityFile(path); !errors.Is(err, ErrExists) {
		t.Errorf("overwrite: %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("identity file changed")
	}
	_, encPath := sshKeys(t, dir, "ed25519", "tok-FAKE-ssh-pass")
	pubFile := filepath.Join(dir, "pub.txt")
	os.WriteFile(pubFile, []byte(rcp+"\n"), 0o600)
	garbage := filepath.Join(dir, "garbage")
	os.WriteFile(garbage, []byte("AGE-SECRET-KEY-1tok-FAKE-notreally\n"), 0o600)
	for _, tc := range []struct {
		path string
		want error
		not  string
	}{
		{filepath.Join(dir, "missing"), ErrBadIdentity, ""},
		{encPath, ErrEncryptedSSHKey, ""},
		{pubFile, ErrBadIdentity, ""},
		{garbage, ErrBadIdentity, "tok-FAKE"},
	} {
		_, err := ParseIdentityFile(tc.path)
		if !errors.Is(err, tc.want) || !errors.Is(err, ErrBadIdentity) {
			t.Errorf("%s: %v, want %v", tc.path, err, tc.want)
		}
		if tc.not != "" && strings.Contains(err.Error(), tc.not) {
			t.Errorf("%s: error leaks key material: %v", tc.path, err)
		}
	}
}

// TestAgeCLI has the real age command decrypt bundles this package wrote.
// With UCX_REQUIRE_AGE_CLI=1 (CI) a missing age fails the test.
func TestAgeCLI(t *testing.T) {
	agePath, err := exec.LookPath("age")
	if err != nil {
		// Not a platform gap: age runs on Windows too (age.exe, e.g.
		// GOOS=windows go install; under Wine on WINEPATH).
		const install = "go install filippo.io/age/cmd/...@v1.3.2"
		if os.Getenv("UCX_REQUIRE_AGE_CLI") == "1" {
			t.Fatal("age CLI not on PATH and UCX_REQUIRE_AGE_CLI=1: " + install)
		}
		t.Skip("age CLI not on PATH (" + install + "; set UCX_REQUIRE_AGE_CLI=1 to make this a failure)")
	}
	for _, kp := range keyPairs(t, false) {
		t.Run(kp.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "b.age")
			if _, err := WriteBundle(path, testBundle(), kp.prot); err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			cmd := exec.Command(agePath, "-d", "-i", kp.keyFile, path)
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("age -d: %v: %s", err, stderr.String())
			}
			var doc map[string]any
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatalf("age output is not JSON: %v", err)
			}
			got, err := unmarshalBundle(out)
			if err != nil {
				t.Fatal(err)
			}
			sameBundle(t, got, testBundle())
		})
	}
}
