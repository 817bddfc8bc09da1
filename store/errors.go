package store

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
)

// Sentinel errors. Every error that store returns for one of these cases
// wraps the sentinel, so callers (the CLI's hints, the wizard's remedies)
// pick the fix with errors.Is. The error strings are one line, start with
// "store:", and never contain a token, a passphrase or a secret key.
var (
	// ErrExists: the target file already exists; store never overwrites a
	// bundle, a receipt or an identity.
	ErrExists = errors.New("store: file already exists")
	// ErrNoProtection: WriteBundle was given the zero Protection.
	ErrNoProtection = errors.New("store: no protection (recipients or passphrase) given")
	// ErrPassphraseTooShort: a passphrase has fewer than MinPassphraseLen
	// characters.
	ErrPassphraseTooShort = errors.New("store: passphrase too short")
	// ErrBadRecipient: a recipient is not an age or SSH public key, or the
	// recipients cannot be combined.
	ErrBadRecipient = errors.New("store: bad recipient")
	// ErrNoIdentityMatch: none of the identities can open the file. age
	// cannot tell a file sealed for someone else from one whose recipient
	// lines were altered, so this also covers the latter.
	ErrNoIdentityMatch = errors.New("store: no identity matches the bundle")
	// ErrPassphraseRequired (also matches ErrNoIdentityMatch): the bundle
	// is passphrase-protected and no passphrase identity was given.
	ErrPassphraseRequired = &kindError{msg: "store: bundle is passphrase-protected", also: ErrNoIdentityMatch}
	// ErrWrongPassphrase (also matches ErrNoIdentityMatch): the passphrase
	// does not open the bundle.
	ErrWrongPassphrase = &kindError{msg: "store: wrong passphrase", also: ErrNoIdentityMatch}
	// ErrTampered: the file is an age file but is damaged or was modified:
	// its header is malformed, its header MAC or its payload failed
	// authentication.
	ErrTampered = errors.New("store: bundle is damaged or was modified")
	// ErrTruncated: the file ends early (an interrupted copy or download).
	ErrTruncated = errors.New("store: bundle is truncated")
	// ErrNotAge: the file is not an age-encrypted file at all.
	ErrNotAge = errors.New("store: not an age-encrypted file")
	// ErrUnknownFormat: the file decrypts, but its content is not a
	// ucx-onboard bundle of a version this tool reads (format marker,
	// version, unknown fields, malformed JSON).
	ErrUnknownFormat = errors.New("store: unknown bundle format")
	// ErrBadIdentity: an identity file is unreadable or malformed.
	ErrBadIdentity = errors.New("store: bad identity file")
	// ErrEncryptedSSHKey (also matches ErrBadIdentity): the identity is a
	// passphrase-protected SSH private key, which store does not unlock.
	ErrEncryptedSSHKey = &kindError{msg: "store: ssh private key is passphrase-protected", also: ErrBadIdentity}
	// ErrBadCustomer: a --customer prefill file is not one JSON object
	// with only the known keys and string values, or a value holds a
	// control or bidi character.
	ErrBadCustomer = errors.New("store: bad customer file")
	// ErrDraftDamaged: a draft fails decryption with its key (it is not an
	// age file, is truncated, or fails authentication); it has been
	// renamed aside (*.damaged) and its key deleted, so the copy only
	// shows what happened; Drafts.Remove deletes it.
	ErrDraftDamaged = errors.New("store: draft is damaged")
	// ErrDraftUnsupported: a draft decrypts with its key, so it is intact,
	// but its content is not a draft this version reads: it was made by a
	// newer ucx-onboard (a later draft version, or fields this one does
	// not know). The draft is left in place with its key, never renamed
	// or overwritten; the version that made it resumes it, and
	// Drafts.Remove discards it.
	ErrDraftUnsupported = errors.New("store: draft made by a newer ucx-onboard")
	// ErrDraftKeyUnavailable: the draft's key is neither in the keyring nor
	// in the key file, or does not match; the draft is left in place.
	ErrDraftKeyUnavailable = errors.New("store: draft key unavailable")
	// ErrDraftNotFound: no draft with that ID.
	ErrDraftNotFound = errors.New("store: draft not found")
	// ErrBundleMismatch: the file at a draft's recorded bundle path is not
	// the bundle the draft recorded (its SHA-256 differs, or it cannot be
	// read): it is left alone, and no other bundle is written.
	ErrBundleMismatch = errors.New("store: a different file has the bundle's name")
	// ErrBundleMissing: a completed draft of an older ucx-onboard (which
	// did not keep the sealed bundle) names a bundle or receipt that is
	// not on disk, and cannot write it again.
	ErrBundleMissing = errors.New("store: bundle missing")
	// ErrNameTooLong: a bundle's file name (with its receipt and temporary
	// files) does not fit the 255 bytes of a file name component.
	ErrNameTooLong = errors.New("store: file name too long")
	// ErrKeyNotFound: KeyStore.Get found no key for the draft.
	ErrKeyNotFound = errors.New("store: draft key not found")
)

// kindError is a sentinel that also matches a broader sentinel with
// errors.Is (ErrWrongPassphrase is an ErrNoIdentityMatch).
type kindError struct {
	msg  string
	also error
}

func (e *kindError) Error() string        { return e.msg }
func (e *kindError) Is(target error) bool { return target == e.also }

// storeError is a one-line message that matches its kind (a sentinel) with
// errors.Is and unwraps to the underlying cause, if any.
type storeError struct {
	msg   string
	kind  error
	cause error
}

func (e *storeError) Error() string { return e.msg }
func (e *storeError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// newError builds an error of the given kind. msg is the full message
// ("store: ..."); if cause is non-nil its text is appended after ": ",
// flattened to one line and shortened.
func newError(kind error, msg string, cause error) error {
	if cause != nil {
		msg += ": " + oneLine(cause.Error(), 200)
	}
	return &storeError{msg: msg, kind: kind, cause: cause}
}

// oneLine flattens s to a single printable line of at most max runes.
func oneLine(s string, max int) string {
	if i := strings.Index(s, "\nnote:"); i >= 0 {
		s = s[:i]
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n >= max {
			b.WriteString("…")
			break
		}
		if r == '\n' || r == '\r' || r == '\t' {
			r = ' '
		}
		if !unicode.IsPrint(r) {
			continue
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// quote shows a user-supplied value in an error: quoted, one line, short.
func quote(s string) string {
	const max = 60
	r := []rune(s)
	if len(r) > max {
		s = string(r[:max/2]) + "…" + string(r[len(r)-max/4:])
	}
	return strconv.Quote(s)
}
