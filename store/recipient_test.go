package store

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"golang.org/x/crypto/ssh"
)

// leaks reports the first 8-character piece of secret that appears in msg,
// ignoring case.
func leaks(msg, secret string) string {
	m, s := strings.ToUpper(msg), strings.ToUpper(secret)
	for i := 0; i+8 <= len(s); i++ {
		if strings.Contains(m, s[i:i+8]) {
			return s[i : i+8]
		}
	}
	return ""
}

// TestRecipientErrorsNeverQuoteSecrets gives secret keys (and values that
// merely fail to parse) as recipients in the shapes people paste them, and
// checks that the error names the position and the length but no 8
// characters of the value.
func TestRecipientErrorsNeverQuoteSecrets(t *testing.T) {
	t.Parallel()
	x, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	sk := x.String()
	skBody := strings.TrimPrefix(sk, "AGE-SECRET-KEY-1")
	_, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	block, err := ssh.MarshalPrivateKey(edPriv, "test@host")
	if err != nil {
		t.Fatal(err)
	}
	sshPriv := string(pem.EncodeToMemory(block))
	sshBody := strings.Join(strings.Split(sshPriv, "\n")[1:4], "")
	identityFile := "# created: 2026-11-21T09:00:00Z\n# public key: " + x.Recipient().String() + "\n" + sk
	rcpBody := strings.TrimPrefix(x.Recipient().String(), "age1")

	for _, tc := range []struct {
		name, in, material string
		secret             bool
	}{
		{"quoted", `"` + sk + `"`, skBody, true},
		{"with -i", "-i " + sk, skBody, true},
		{"lowercase", strings.ToLower(sk), skBody, true},
		{"identity file", identityFile, skBody, true},
		{"ssh private key", sshPriv, sshBody, true},
		{"plugin identity", "AGE-PLUGIN-YUBIKEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQ", "QQQQQQQQQQQQQQQQQQQQQQQQQQQQQ", true},
		{"broken age key", "age1" + rcpBody[:20] + "tok0fake0material" + rcpBody[20:], rcpBody + "tok0fake0material", false},
		{"broken pq key", "age1pq1" + rcpBody + "tok0fake0material", rcpBody + "tok0fake0material", false},
		{"broken ssh key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5tok0FAKE0material user@host", "AAAAC3NzaC1lZDI1NTE5tok0FAKE0material user@host", false},
		{"other ssh type", "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYtok0FAKE", "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYtok0FAKE", false},
		{"unknown ssh type", "ssh-tok0FAKE0material AAAA", "tok0FAKE0material", false},
		{"anything else", "tok-FAKE-access-9f8e7d", "tok-FAKE-access-9f8e7d", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rcp := x.Recipient().String()
			_, err := NewRecipientProtection([]string{rcp, tc.in})
			if !errors.Is(err, ErrBadRecipient) {
				t.Fatalf("want ErrBadRecipient, got %v", err)
			}
			msg := err.Error()
			if s := leaks(msg, tc.material); s != "" {
				t.Errorf("error quotes %q of the value: %s", s, msg)
			}
			if strings.ContainsAny(msg, "\n\r") {
				t.Errorf("error is not one line: %q", msg)
			}
			if !strings.Contains(msg, "recipient #2") {
				t.Errorf("error does not say which recipient: %s", msg)
			}
			if tc.secret != strings.Contains(msg, "secret key, not a public one") {
				t.Errorf("secret %v, error: %s", tc.secret, msg)
			}
			if !tc.secret && !strings.Contains(msg, " characters") {
				t.Errorf("error does not give the length: %s", msg)
			}

			// The same value in a recipients file: the error gives the line.
			f := filepath.Join(t.TempDir(), "recipients.txt")
			if err := os.WriteFile(f, []byte("# UCX\n"+rcp+"\n"+tc.in+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err = ParseRecipientsFile(f)
			if !errors.Is(err, ErrBadRecipient) {
				t.Fatalf("recipients file: want ErrBadRecipient, got %v", err)
			}
			msg = err.Error()
			if s := leaks(msg, tc.material); s != "" {
				t.Errorf("recipients file error quotes %q of the value: %s", s, msg)
			}
			if !strings.Contains(msg, "line 3") && !strings.Contains(msg, "line 5") {
				t.Errorf("recipients file error does not give the line: %s", msg)
			}
		})
	}
}
