package store

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"golang.org/x/crypto/ssh"
)

// MinPassphraseLen is the minimum passphrase length, in characters.
const MinPassphraseLen = 12

// maxScryptWorkFactor is age's default (2^18, about 1 s); passphrase
// bundles with a higher work factor are refused when opened, so a hostile
// file cannot make the reader spend minutes and gigabytes.
const maxScryptWorkFactor = 18

// scryptWorkFactor is the work factor of new passphrase protections; tests
// lower it (scrypt under -race takes seconds).
var scryptWorkFactor = maxScryptWorkFactor

// Protection is how a bundle is encrypted: to one or more public keys
// (age X25519 or hybrid, ssh-ed25519, ssh-rsa), or to a passphrase (age's
// scrypt). The two kinds cannot be mixed: a Protection is one or the other
// by construction. The zero Protection is invalid and WriteBundle refuses
// it with ErrNoProtection.
//
// Every rendering of a Protection (%v, %+v, %#v) prints Describe(): never
// the passphrase.
type Protection struct {
	recipients []age.Recipient
	keys       []string // the public keys as given, for receipts
	passphrase bool
}

// NewRecipientProtection protects a bundle for each of keys: an age public
// key ("age1...") or an SSH public key line ("ssh-ed25519 AAAA... comment",
// "ssh-rsa AAAA..."). Blank keys are ignored and duplicates dropped. The
// error (wrapping ErrBadRecipient) names the first bad key by its position
// ("recipient #2") and length, never by its value, which may be a secret
// key pasted by mistake; an empty list is an error too.
func NewRecipientProtection(keys []string) (Protection, error) {
	var p Protection
	seen := map[string]bool{}
	for i, k := range keys {
		k = strings.TrimSpace(k)
		if k == "" || seen[k] {
			continue
		}
		r, err := parseRecipient(k)
		if err != nil {
			return Protection{}, newError(ErrBadRecipient, fmt.Sprintf("store: recipient #%d %s", i+1, err), nil)
		}
		seen[k] = true
		p.recipients = append(p.recipients, r)
		p.keys = append(p.keys, k)
	}
	if len(p.recipients) == 0 {
		return Protection{}, newError(ErrBadRecipient, "store: no recipient given", nil)
	}
	// Let age check that the recipients can be combined (post-quantum and
	// classic keys cannot) now rather than at COMPLETE REQUEST.
	w, err := age.Encrypt(io.Discard, p.recipients...)
	if err != nil {
		return Protection{}, newError(ErrBadRecipient, "store: these recipients cannot be combined", err)
	}
	w.Close()
	return p, nil
}

// isSecretKey reports whether k holds secret key material in any shape
// people paste it: quoted, after "-i", lowercase, inside an identity file
// or a PEM block.
func isSecretKey(k string) bool {
	u := strings.ToUpper(k)
	return strings.Contains(u, "AGE-SECRET-KEY-") || strings.Contains(u, "AGE-PLUGIN-") || strings.Contains(u, "PRIVATE KEY")
}

// otherSSHTypes are public SSH key types that age cannot encrypt to; an
// error may name them (they are fixed strings, not the caller's input).
var otherSSHTypes = []string{
	"ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
	"sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
}

// parseRecipient parses one public key. Its error starts with a verb
// ("is ...") for the caller to prefix with the key's position, and never
// shows the value: at most a fixed prefix that was recognised (such as
// "age1") and the length. A value that fails to parse as a public key may
// be a secret (a key, a token) pasted by mistake.
func parseRecipient(k string) (age.Recipient, error) {
	n := utf8.RuneCountInString(k)
	if isSecretKey(k) {
		return nil, errors.New("is a secret key, not a public one: give the recipient (age1... or ssh-... public key) instead, and keep the secret key private")
	}
	switch {
	case strings.HasPrefix(k, "age1pq1"):
		r, err := age.ParseHybridRecipient(k)
		if err != nil {
			return nil, fmt.Errorf("(%d characters, starting \"age1pq1\") is not a valid age post-quantum public key", n)
		}
		return r, nil
	case strings.HasPrefix(k, "age1"):
		r, err := age.ParseX25519Recipient(k)
		if err != nil {
			return nil, fmt.Errorf("(%d characters, starting \"age1\") is not a valid age public key", n)
		}
		return r, nil
	case strings.HasPrefix(k, "ssh-ed25519 "), strings.HasPrefix(k, "ssh-rsa "):
		r, err := agessh.ParseRecipient(k)
		if err != nil {
			// agessh's errors quote the key: say only what is safe.
			why := "malformed"
			if strings.Contains(err.Error(), "too small") {
				why = "the RSA key is too small"
			}
			kind, _, _ := strings.Cut(k, " ")
			return nil, fmt.Errorf("(%d characters, starting %q) is not a valid ssh public key: %s", n, kind, why)
		}
		return r, nil
	case strings.HasPrefix(k, "ssh-"), strings.HasPrefix(k, "ecdsa-"), strings.HasPrefix(k, "sk-"):
		kind, _, _ := strings.Cut(k, " ")
		for _, t := range otherSSHTypes {
			if kind == t {
				return nil, fmt.Errorf("(%d characters) is an ssh %s key: only ssh-ed25519 and ssh-rsa ssh keys are supported", n, t)
			}
		}
		return nil, fmt.Errorf("(%d characters) is not a supported ssh public key: only ssh-ed25519 and ssh-rsa ssh keys are supported", n)
	default:
		return nil, fmt.Errorf("(%d characters) is not an age public key (age1...) or an ssh public key (ssh-ed25519, ssh-rsa)", n)
	}
}

// maxKeyFileSize bounds a recipients file and an identity file.
const maxKeyFileSize = 1 << 20

// ParseRecipientsFile reads public keys from path, one per line; blank
// lines and lines starting with "#" are ignored. Each key is checked as
// NewRecipientProtection would, and a bad one is named by its line number,
// never quoted. Pass the result to NewRecipientProtection.
//
// path must be a regular file of at most 1 MiB: anything else is refused
// (ErrBadRecipient; a pipe or device also matches ErrNotRegular) rather
// than read in part, so no key is ever dropped silently.
func ParseRecipientsFile(path string) ([]string, error) {
	f, err := OpenRegular(path)
	if err != nil {
		return nil, newError(ErrBadRecipient, fmt.Sprintf("store: recipients file %s", path), unwrapPath(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, newError(ErrBadRecipient, fmt.Sprintf("store: recipients file %s", path), unwrapPath(err))
	}
	if len(data) > maxKeyFileSize {
		return nil, newError(ErrBadRecipient, fmt.Sprintf("store: recipients file %s is larger than 1 MiB; it should hold public keys, one per line", path), nil)
	}
	var keys []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), maxKeyFileSize+1)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if _, err := parseRecipient(line); err != nil {
			return nil, newError(ErrBadRecipient, fmt.Sprintf("store: recipients file %s line %d %s", path, n, err), nil)
		}
		keys = append(keys, line)
	}
	if err := sc.Err(); err != nil {
		return nil, newError(ErrBadRecipient, fmt.Sprintf("store: recipients file %s", path), err)
	}
	if len(keys) == 0 {
		return nil, newError(ErrBadRecipient, fmt.Sprintf("store: recipients file %s has no recipient", path), nil)
	}
	return keys, nil
}

// NewPassphraseProtection protects a bundle with passphrase p (age's
// scrypt, work factor 2^18: about a second to seal and to open). A
// passphrase shorter than MinPassphraseLen characters gives an error
// wrapping ErrPassphraseTooShort.
func NewPassphraseProtection(p Secret) (Protection, error) {
	if n := utf8.RuneCountInString(p.Reveal()); n < MinPassphraseLen {
		return Protection{}, newError(ErrPassphraseTooShort,
			fmt.Sprintf("store: passphrase has %d characters, at least %d are needed", n, MinPassphraseLen), nil)
	}
	r, err := age.NewScryptRecipient(p.Reveal())
	if err != nil {
		return Protection{}, newError(ErrPassphraseTooShort, "store: passphrase refused", nil)
	}
	r.SetWorkFactor(scryptWorkFactor)
	return Protection{recipients: []age.Recipient{r}, passphrase: true}, nil
}

// Recipients returns the public keys the bundle is sealed to, as given; nil
// for a passphrase.
func (p Protection) Recipients() []string {
	if p.passphrase || len(p.keys) == 0 {
		return nil
	}
	return append([]string(nil), p.keys...)
}

// Passphrase reports whether p is a passphrase protection.
func (p Protection) Passphrase() bool { return p.passphrase }

// valid reports whether p was made by a constructor.
func (p Protection) valid() bool { return len(p.recipients) > 0 }

// Describe returns a short human description without any secret:
// "age recipient age1abcd…wxyz", "ssh-ed25519 recipient AAAA…wxyz user@host",
// "2 recipients", "passphrase (scrypt)" or "no protection".
func (p Protection) Describe() string {
	switch {
	case !p.valid():
		return "no protection"
	case p.passphrase:
		return "passphrase (scrypt)"
	case len(p.keys) > 1:
		return fmt.Sprintf("%d recipients", len(p.keys))
	}
	return describeKey(p.keys[0])
}

// describeKey shortens a public key for humans.
func describeKey(k string) string {
	f := strings.Fields(k)
	if len(f) == 1 {
		return "age recipient " + shorten(f[0], 12, 6)
	}
	s := f[0] + " recipient " + shorten(f[1], 8, 6)
	if len(f) > 2 {
		s += " " + strings.Join(f[2:], " ")
	}
	return s
}

func shorten(s string, head, tail int) string {
	if len(s) <= head+tail+1 {
		return s
	}
	return s[:head] + "…" + s[len(s)-tail:]
}

// String returns Describe().
func (p Protection) String() string { return p.Describe() }

// GoString returns Describe(), so %#v shows no key material.
func (p Protection) GoString() string { return "store.Protection(" + p.Describe() + ")" }

// Format prints Describe() for every verb.
func (p Protection) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, p.GoString())
		return
	}
	io.WriteString(f, p.Describe())
}

// redactedIdentity wraps an age.Identity so that printing it never shows
// the secret key (age's X25519Identity.String returns it).
type redactedIdentity struct {
	id   age.Identity
	kind string
}

func (r redactedIdentity) Unwrap(stanzas []*age.Stanza) ([]byte, error) { return r.id.Unwrap(stanzas) }
func (r redactedIdentity) String() string                               { return "identity(" + r.kind + ", redacted)" }
func (r redactedIdentity) GoString() string                             { return r.String() }
func (r redactedIdentity) Format(f fmt.State, _ rune)                   { io.WriteString(f, r.String()) }

var _ age.Identity = redactedIdentity{}

// PassphraseIdentity returns the identity that opens a bundle sealed with
// passphrase p. Opening a bundle whose scrypt work factor exceeds 2^18
// fails (a hostile file cannot make it run for minutes).
func PassphraseIdentity(p Secret) (age.Identity, error) {
	id, err := age.NewScryptIdentity(p.Reveal())
	if err != nil {
		return nil, newError(ErrWrongPassphrase, "store: empty passphrase", nil)
	}
	id.SetMaxWorkFactor(maxScryptWorkFactor)
	return redactedIdentity{id: id, kind: "passphrase"}, nil
}

// ParseIdentityFile reads the identities in path: an age identity file
// (AGE-SECRET-KEY-1... lines, "#" comments) or an unencrypted OpenSSH or
// PEM private key (ed25519 or RSA). Errors wrap ErrBadIdentity; a
// passphrase-protected SSH key gives ErrEncryptedSSHKey. The returned
// identities never print their secret. path must be a regular file of at
// most 1 MiB; a pipe or device is refused (the error also matches
// ErrNotRegular).
func ParseIdentityFile(path string) ([]age.Identity, error) {
	f, err := OpenRegular(path)
	if err != nil {
		return nil, newError(ErrBadIdentity, fmt.Sprintf("store: identity file %s", path), unwrapPath(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, newError(ErrBadIdentity, fmt.Sprintf("store: identity file %s", path), unwrapPath(err))
	}
	if len(data) > maxKeyFileSize {
		return nil, newError(ErrBadIdentity, fmt.Sprintf("store: identity file %s is too large to be an identity", path), nil)
	}
	return parseIdentities(path, data)
}

func parseIdentities(path string, data []byte) ([]age.Identity, error) {
	bad := func(what string) error {
		return newError(ErrBadIdentity, fmt.Sprintf("store: identity file %s %s", path, what), nil)
	}
	text := string(data)
	if strings.Contains(text, "-----BEGIN") {
		id, err := agessh.ParseIdentity(data)
		if err != nil {
			var missing *ssh.PassphraseMissingError
			if errors.As(err, &missing) {
				return nil, newError(ErrEncryptedSSHKey, fmt.Sprintf("store: identity file %s is a passphrase-protected ssh key", path), nil)
			}
			return nil, bad("is not a usable ssh private key (only unencrypted ed25519 and rsa keys are supported)")
		}
		kind := "ssh"
		switch id.(type) {
		case *agessh.Ed25519Identity:
			kind = "ssh-ed25519"
		case *agessh.RSAIdentity:
			kind = "ssh-rsa"
		}
		return []age.Identity{redactedIdentity{id: id, kind: kind}}, nil
	}
	if !utf8.Valid(data) {
		return nil, bad("is not text: expected an age identity (AGE-SECRET-KEY-1...) or an ssh private key")
	}
	var ids []age.Identity
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var id age.Identity
		var err error
		kind := "x25519"
		switch {
		case strings.HasPrefix(line, "AGE-SECRET-KEY-PQ-1"):
			id, err = age.ParseHybridIdentity(line)
			kind = "hybrid"
		case strings.HasPrefix(line, "AGE-SECRET-KEY-1"):
			id, err = age.ParseX25519Identity(line)
		case strings.HasPrefix(line, "age1"), strings.HasPrefix(line, "ssh-"):
			return nil, bad(fmt.Sprintf("line %d is a public key (recipient), not an identity: -i wants the secret key file", n+1))
		default:
			// Never quote the line: it may be key material.
			return nil, bad(fmt.Sprintf("line %d is not an age identity (AGE-SECRET-KEY-1...)", n+1))
		}
		if err != nil {
			return nil, bad(fmt.Sprintf("line %d is a malformed age identity", n+1))
		}
		ids = append(ids, redactedIdentity{id: id, kind: kind})
	}
	if len(ids) == 0 {
		return nil, bad("contains no identity")
	}
	return ids, nil
}

// GenerateIdentityFile creates a new age X25519 identity in path (mode
// 0600, in the format of age-keygen, never overwriting: ErrExists) and
// returns its public key (the recipient, "age1...").
func GenerateIdentityFile(path string) (recipient string, err error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", fmt.Errorf("store: generate identity: %v", err)
	}
	recipient = id.Recipient().String()
	var b bytes.Buffer
	fmt.Fprintf(&b, "# created: %s\n", time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "# public key: %s\n", recipient)
	fmt.Fprintf(&b, "%s\n", id.String())
	data := b.Bytes()
	defer clear(data)
	if err := writeFileAtomic(path, data, false); err != nil {
		return "", err
	}
	return recipient, nil
}

// seal encrypts plaintext for p.
func seal(plaintext []byte, p Protection) ([]byte, error) {
	if !p.valid() {
		return nil, ErrNoProtection
	}
	var out bytes.Buffer
	w, err := age.Encrypt(&out, p.recipients...)
	if err != nil {
		return nil, fmt.Errorf("store: encrypt: %v", err)
	}
	if _, err := w.Write(plaintext); err != nil {
		return nil, fmt.Errorf("store: encrypt: %v", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("store: encrypt: %v", err)
	}
	return out.Bytes(), nil
}
