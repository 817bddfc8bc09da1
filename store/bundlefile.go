package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"

	"filippo.io/age"
)

// ReceiptSuffix is appended to a bundle's path to name its receipt.
const ReceiptSuffix = ".receipt.txt"

// Receipt describes a written bundle without any secret: where it is, its
// SHA-256 and who can open it. The receipt file beside the bundle holds
// the same plus the customer, org and apps.
type Receipt struct {
	BundlePath  string
	ReceiptPath string
	SHA256      string   // hex SHA-256 of the bundle file
	Recipients  []string // public keys; nil for a passphrase bundle
	Passphrase  bool
}

// sealBundle returns the age file for b.
func sealBundle(b Bundle, p Protection) ([]byte, error) {
	if !p.valid() {
		return nil, newError(ErrNoProtection, "store: refusing to write a bundle without protection (recipients or passphrase)", nil)
	}
	js, err := MarshalBundle(b)
	if err != nil {
		return nil, err
	}
	pt := pad(js)
	defer clear(pt)
	return seal(pt, p)
}

// WriteBundle seals b with p and writes it to path, then writes the
// receipt to path+ReceiptSuffix.
//
// Both files are written atomically with mode 0600 and never overwrite: if
// either exists the error wraps ErrExists and names it, and nothing is
// written. The zero Protection gives ErrNoProtection. A process killed at
// any moment leaves no file, or the complete bundle (and maybe no receipt),
// never a partial file under either name. If the receipt cannot be
// written after the bundle was, the returned Receipt has BundlePath and
// SHA256 set and the error says so: the bundle is good.
func WriteBundle(path string, b Bundle, p Protection) (Receipt, error) {
	if !p.valid() {
		return Receipt{}, newError(ErrNoProtection, "store: refusing to write a bundle without protection (recipients or passphrase)", nil)
	}
	rpath := path + ReceiptSuffix
	for _, f := range []string{path, rpath} {
		if _, err := os.Lstat(f); err == nil {
			return Receipt{}, existsError(f)
		}
	}
	sealed, err := sealBundle(b, p)
	if err != nil {
		return Receipt{}, err
	}
	sum := sha256.Sum256(sealed)
	rc := Receipt{
		BundlePath: path,
		SHA256:     hex.EncodeToString(sum[:]),
		Recipients: p.Recipients(),
		Passphrase: p.Passphrase(),
	}
	if err := writeFileAtomic(path, sealed, false); err != nil {
		return Receipt{}, err
	}
	// The receipt says it holds no secret: no run of any the process
	// holds, the bundle's own tokens included.
	registerTokens(b.Apps)
	text := Redact(receiptText(rc, int64(len(sealed)), b, p))
	if err := writeFileAtomic(rpath, []byte(text), false); err != nil {
		return rc, fmt.Errorf("store: bundle written, but not its receipt: %w", err)
	}
	rc.ReceiptPath = rpath
	return rc, nil
}

// receiptText renders the receipt: plain text, no secret.
func receiptText(rc Receipt, size int64, b Bundle, p Protection) string {
	var s strings.Builder
	day := func(t time.Time) string {
		if t.IsZero() {
			return "unknown"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	}
	fmt.Fprintf(&s, "ucx-onboard bundle receipt (contains no secret)\n\n")
	fmt.Fprintf(&s, "bundle:      %s\n", plain(filepath.Base(rc.BundlePath)))
	fmt.Fprintf(&s, "sha256:      %s\n", rc.SHA256)
	fmt.Fprintf(&s, "size:        %d bytes\n", size)
	fmt.Fprintf(&s, "format:      %s version %d (age-encrypted)\n", BundleFormat, BundleVersion)
	fmt.Fprintf(&s, "created:     %s\n", day(b.Created))
	fmt.Fprintf(&s, "tool:        ucx-onboard %s\n", plain(b.ToolVersion))
	if p.Passphrase() {
		fmt.Fprintf(&s, "protection:  passphrase (age scrypt); share it with UCX separately\n")
	} else {
		fmt.Fprintf(&s, "protection:  %d age recipient(s); any one of their identities opens it\n", len(rc.Recipients))
		for _, r := range rc.Recipients {
			fmt.Fprintf(&s, "recipient:   %s\n", plain(r))
		}
	}
	c := b.Customer
	fmt.Fprintf(&s, "\ncustomer:    %s\n", plain(c.Company))
	fmt.Fprintf(&s, "admin:       %s\n", plain(c.AdminEmail))
	fmt.Fprintf(&s, "deployment:  %s\n", plain(c.Deployment))
	fmt.Fprintf(&s, "ucx host:    %s\n", plain(c.UCXHost))
	fmt.Fprintf(&s, "engineer:    %s\n", plain(c.Engineer))
	users := "unknown"
	if b.Org.UserCount > 1000 {
		users = "more than 1,000"
	} else if b.Org.UserCount > 0 {
		users = fmt.Sprint(b.Org.UserCount)
	}
	fmt.Fprintf(&s, "webex org:   %s (%s), users: %s\n", plain(b.Org.Name), plain(b.Org.ID), users)
	fmt.Fprintf(&s, "\napps (%d):\n", len(b.Apps))
	for _, a := range b.Apps {
		fmt.Fprintf(&s, "- %s [%s], integration %s\n", plain(a.AppName), plain(a.AppID), plain(a.ClientID))
		fmt.Fprintf(&s, "  scopes: %s\n", plain(strings.Join(a.Scopes, " ")))
		fmt.Fprintf(&s, "  access token expires %s; refresh token expires %s\n", day(a.AccessTokenExpiry), day(a.RefreshTokenExpiry))
		admin := "not a Full Administrator"
		if a.Approver.FullAdmin {
			admin = "Full Administrator"
		}
		fmt.Fprintf(&s, "  approved %s by %s <%s>, %s\n", day(a.ApprovedAt), plain(a.Approver.DisplayName), plain(a.Approver.Email), admin)
	}
	if len(b.Warnings) > 0 {
		fmt.Fprintf(&s, "\nwarnings:\n")
		for _, w := range b.Warnings {
			fmt.Fprintf(&s, "- %s\n", plain(w))
		}
	}
	return s.String()
}

// plain makes receipt text one printable line, so no field can forge
// another line of the receipt.
func plain(s string) string { return oneLine(s, 300) }

// OpenBundle reads an age-encrypted bundle from r (at most 16 MiB) and
// decrypts it with any of ids (from ParseIdentityFile or
// PassphraseIdentity; age identities of any kind work).
//
// Errors wrap one sentinel: ErrNoIdentityMatch (ErrPassphraseRequired and
// ErrWrongPassphrase are kinds of it), ErrTampered, ErrTruncated,
// ErrNotAge or ErrUnknownFormat (wrong marker or version, unknown fields,
// trailing data). A bundle cut inside its encrypted payload also matches
// ErrTampered, since age cannot tell a cut from a change there.
func OpenBundle(r io.Reader, ids ...age.Identity) (Bundle, error) {
	data, err := readLimited(r, "bundle")
	if err != nil {
		return Bundle{}, err
	}
	pt, err := decrypt(data, "bundle", ids)
	if err != nil {
		return Bundle{}, err
	}
	defer clear(pt)
	return unmarshalBundle(pt)
}

// ParseCustomer reads the wizard's --customer prefill: one JSON object
// whose keys are among company, admin_email, deployment, ucx_host,
// engineer and notes (exact spelling, each at most once), all strings.
// deployment, when set, is "cloud" or "on-prem". No field, notes
// included, may hold a C0 or C1 control character (escape sequences,
// newlines, tabs) or a bidi control: the wizard shows and echoes these
// values. Errors wrap ErrBadCustomer and name the field and the code
// point, not the value.
func ParseCustomer(r io.Reader) (Customer, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20+1))
	if err != nil {
		return Customer{}, newError(ErrBadCustomer, "store: customer file", unwrapPath(err))
	}
	if len(data) > 1<<20 {
		return Customer{}, newError(ErrBadCustomer, "store: customer file is larger than 1 MiB", nil)
	}
	bad := func(format string, a ...any) (Customer, error) {
		return Customer{}, newError(ErrBadCustomer, "store: customer file: "+fmt.Sprintf(format, a...), nil)
	}
	var c Customer
	fields := map[string]*string{
		"company": &c.Company, "admin_email": &c.AdminEmail, "deployment": &c.Deployment,
		"ucx_host": &c.UCXHost, "engineer": &c.Engineer, "notes": &c.Notes,
	}
	known := make([]string, 0, len(fields))
	for k := range fields {
		known = append(known, k)
	}
	sort.Strings(known)
	dec := json.NewDecoder(strings.NewReader(string(data)))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return bad("expected one JSON object {...}")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return bad("%v", safeJSONError(err))
		}
		key, _ := tok.(string)
		dst, ok := fields[key]
		if !ok {
			return bad("unknown key %s (allowed: %s)", quote(key), strings.Join(known, ", "))
		}
		if seen[key] {
			return bad("key %q appears twice", key)
		}
		seen[key] = true
		tok, err = dec.Token()
		if err != nil {
			return bad("%v", safeJSONError(err))
		}
		v, ok := tok.(string)
		if !ok {
			return bad("%q must be a string", key)
		}
		if i, r := unsafeRune(v); i >= 0 {
			return bad("%s contains a control character (U+%04X) at character %d; only printable text is allowed", key, r, i+1)
		}
		*dst = v
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return bad("expected one JSON object {...}")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bad("trailing data after the JSON object (one object only)")
	}
	if c.Deployment != "" && c.Deployment != DeploymentCloud && c.Deployment != DeploymentOnPrem {
		return bad("deployment is %s; want %q or %q", quote(c.Deployment), DeploymentCloud, DeploymentOnPrem)
	}
	return c, nil
}

// unsafeRune returns the index (in runes) and value of the first rune of s
// that must not reach a terminal: a C0 or C1 control character (DEL
// included) or a bidirectional control (LRM, RLM, ALM, the embeddings,
// overrides and isolates of U+202A-U+202E and U+2066-U+2069). It returns
// -1 when there is none.
func unsafeRune(s string) (int, rune) {
	i := 0
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u200e' || r == '\u200f' || r == '\u061c' ||
			r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' {
			return i, r
		}
		i++
	}
	return -1, 0
}
