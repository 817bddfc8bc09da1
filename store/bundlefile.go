package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
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

// SealBundle seals b with p for path: the bundle file and its receipt,
// ready to be written by Completion.Publish. A draft records the
// Completion before the write (Drafts.Record, through
// WriteBundleRecorded), so that a run killed
// while writing leaves a draft from which the next start finishes the
// write, byte for byte, under the same name.
//
// If path or its receipt exists the error wraps ErrExists and names it;
// a name too long for common file systems wraps ErrNameTooLong (see
// CheckBundleName); the zero Protection gives ErrNoProtection.
func SealBundle(path string, b Bundle, p Protection) (*Completion, error) {
	if !p.valid() {
		return nil, newError(ErrNoProtection, "store: refusing to write a bundle without protection (recipients or passphrase)", nil)
	}
	if err := CheckBundleName(path); err != nil {
		return nil, err
	}
	for _, f := range []string{path, path + ReceiptSuffix} {
		if _, err := os.Lstat(f); err == nil {
			return nil, existsError(f)
		}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: bundle path: %w", err)
	}
	sealed, err := sealBundle(b, p)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(sealed)
	c := &Completion{
		BundlePath: path,
		Path:       abs,
		SHA256:     hex.EncodeToString(sum[:]),
		Sealed:     sealed,
		Recipients: p.Recipients(),
		Passphrase: p.Passphrase(),
	}
	// The receipt says it holds no secret: no run of any the process
	// holds, the bundle's own tokens included.
	registerTokens(b.Apps)
	c.ReceiptText = Redact(receiptText(Receipt{BundlePath: path, SHA256: c.SHA256}, int64(len(sealed)), b, p))
	return c, nil
}

// WriteBundle seals b with p and writes it to path, then writes the
// receipt to path+ReceiptSuffix: SealBundle, then Completion.Publish.
//
// Both files are written atomically with mode 0600 and never overwrite: if
// either exists the error wraps ErrExists and names it, and nothing is
// written. The zero Protection gives ErrNoProtection. A process killed at
// any moment leaves no file, or the complete bundle (and maybe no receipt),
// never a partial file under either name. If the receipt cannot be
// written after the bundle was, the returned Receipt has BundlePath and
// SHA256 set and the error says so: the bundle is good.
func WriteBundle(path string, b Bundle, p Protection) (Receipt, error) {
	return WriteBundleRecorded(path, b, p, nil)
}

// WriteBundleRecorded is WriteBundle for a bundle that must be written
// exactly once: record (Drafts.Record, nil for none) gets the sealed
// bundle before it is written and must keep it where the next start
// finds it; if it fails, nothing is written and its error is returned.
// If the bundle then cannot be written and none of it is on disk (the
// returned Receipt is zero), record(nil) withdraws the record.
func WriteBundleRecorded(path string, b Bundle, p Protection, record func(*Completion) error) (Receipt, error) {
	c, err := SealBundle(path, b, p)
	if err != nil {
		return Receipt{}, err
	}
	if record != nil {
		if err := record(c); err != nil {
			return Receipt{}, fmt.Errorf("store: the bundle was not written, as it could not be recorded in the draft first: %w", err)
		}
	}
	rc, _, err := c.Publish()
	if err != nil && rc.BundlePath == "" && record != nil {
		_ = record(nil)
	}
	return rc, err
}

// Published says what Completion.Publish found and did.
type Published struct {
	// WroteBundle: the bundle was not at its path and has been written
	// now; WroteReceipt likewise for the receipt.
	WroteBundle, WroteReceipt bool
}

// Publish makes sure c's bundle and receipt are on disk, writing what is
// missing and never overwriting anything. It is idempotent, so a draft's
// Completion may be published again after a kill at any moment:
//
//   - bundle absent: written (atomically, no clobber); a Completion
//     without the sealed bytes (a draft of version 2, recorded after its
//     bundle was written) cannot write it: ErrBundleMissing.
//   - bundle present with c.SHA256: kept.
//   - bundle present with other content (or too large, or not a regular
//     file): ErrBundleMismatch, and nothing is written.
//   - receipt absent: written from c.ReceiptText (without it, the error
//     wraps ErrBundleMissing); present: kept.
//
// The returned Receipt has BundlePath and SHA256 set whenever the
// bundle at c.BundlePath is c's (even if the receipt then failed), and is
// zero otherwise: a caller seeing a zero Receipt knows that c's bytes are
// not on disk under that name.
func (c *Completion) Publish() (Receipt, Published, error) {
	var pub Published
	path, shown := c.file(), c.BundlePath
	ours, err := c.onDisk()
	if errors.Is(err, fs.ErrNotExist) {
		if len(c.Sealed) == 0 {
			return Receipt{}, pub, newError(ErrBundleMissing, fmt.Sprintf("store: %s is not there any more, and this draft (made by an older ucx-onboard) cannot write it again", shown), nil)
		}
		werr := writeFileAtomic(path, c.Sealed, false)
		// Whatever the write said (a failure may come after the publish,
		// or a concurrent writer of the same bytes may have won), what
		// counts is what is on disk now.
		if ours, err = c.onDisk(); err != nil || !ours {
			if werr == nil {
				werr = err
			}
			if werr == nil || errors.Is(werr, ErrExists) {
				werr = c.mismatch()
			}
			return Receipt{}, pub, werr
		}
		pub.WroteBundle = true
	} else if err != nil {
		return Receipt{}, pub, newError(ErrBundleMismatch, fmt.Sprintf("store: %s cannot be checked against the bundle this onboarding wrote", shown), unwrapPath(err))
	}
	if !ours {
		return Receipt{}, pub, c.mismatch()
	}
	rc := Receipt{BundlePath: shown, SHA256: c.SHA256, Recipients: c.Recipients, Passphrase: c.Passphrase}
	rpath := path + ReceiptSuffix
	if _, err := os.Lstat(rpath); err == nil {
		rc.ReceiptPath = shown + ReceiptSuffix
		return rc, pub, nil
	}
	if c.ReceiptText == "" {
		return rc, pub, newError(ErrBundleMissing, fmt.Sprintf("store: the receipt %s is missing, and this draft (made by an older ucx-onboard) cannot write it", shown+ReceiptSuffix), nil)
	}
	if err := writeFileAtomic(rpath, []byte(c.ReceiptText), false); err != nil && !errors.Is(err, ErrExists) {
		return rc, pub, fmt.Errorf("store: bundle written, but not its receipt: %w", err)
	} else if err == nil {
		pub.WroteReceipt = true
	}
	rc.ReceiptPath = shown + ReceiptSuffix
	return rc, pub, nil
}

// onDisk reports whether the file at c.BundlePath is c's bundle (its
// SHA-256 is c.SHA256); the error wraps fs.ErrNotExist when there is no
// file, errTooLarge when it is larger than any bundle.
func (c *Completion) onDisk() (bool, error) {
	data, err := readFileCapped(c.file(), maxFileSize)
	if err != nil {
		return false, err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]) == c.SHA256, nil
}

// file is where c's bundle is written: Path, or BundlePath in a draft of
// version 2.
func (c *Completion) file() string {
	if c.Path != "" {
		return c.Path
	}
	return c.BundlePath
}

func (c *Completion) mismatch() error {
	return newError(ErrBundleMismatch, fmt.Sprintf(
		"store: %s is not the bundle this onboarding wrote (its SHA-256 differs from %.12s…); it was left as it is, and no other bundle was written", c.BundlePath, c.SHA256), nil)
}

// CheckBundleName reports whether path's file name, its receipt's and
// the temporary files written beside them fit in one name component of
// common file systems (255 bytes on Linux and macOS, 255 UTF-16 units on
// Windows): the error wraps ErrNameTooLong and says by how much.
func CheckBundleName(path string) error {
	base := filepath.Base(path)
	// The longest name written: the receipt's temporary file,
	// "." + base + ReceiptSuffix + tempInfix + pid + "-" + random.
	n := len(base) + len(ReceiptSuffix) + tempNameOverhead
	if n > maxNameBytes {
		return newError(ErrNameTooLong, fmt.Sprintf(
			"store: the file name %s is %d bytes too long (the file systems ucx-onboard writes to take names of at most %d bytes, and %d are needed beside it for its receipt and temporary files)",
			quote(base), n-maxNameBytes, maxNameBytes, len(ReceiptSuffix)+tempNameOverhead), nil)
	}
	return nil
}

// maxNameBytes is the longest file name component common file systems
// take (ext4, APFS, NTFS in UTF-16 units: a UTF-8 byte count never
// undercounts those).
const maxNameBytes = 255

// tempNameOverhead is what writeFileAtomic adds to a name for its
// temporary file: ".", tempInfix, a process ID (at most 10 digits), "-"
// and os.CreateTemp's random part (at most 10 digits).
const tempNameOverhead = 1 + len(tempInfix) + 10 + 1 + 10

// receiptOrg is the org's line in the receipt: its name and ID, or what
// of them is known ("not identified" when no app could say).
func receiptOrg(o Org) string {
	name, id := plain(o.Name), plain(o.ID)
	switch {
	case name != "" && id != "":
		return name + " (" + id + ")"
	case id != "":
		return "name unknown (" + id + ")"
	case name != "":
		return name
	}
	return "not identified"
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
	fmt.Fprintf(&s, "webex org:   %s, users: %s\n", receiptOrg(b.Org), users)
	fmt.Fprintf(&s, "\napps (%d):\n", len(b.Apps))
	for _, a := range b.Apps {
		fmt.Fprintf(&s, "- %s [%s], integration %s\n", plain(a.AppName), plain(a.AppID), plain(a.ClientID))
		fmt.Fprintf(&s, "  scopes: %s\n", plain(strings.Join(a.Scopes, " ")))
		fmt.Fprintf(&s, "  access token expires %s; refresh token expires %s\n", day(a.AccessTokenExpiry), day(a.RefreshTokenExpiry))
		admin := "not a Full Administrator"
		if a.Approver.FullAdmin {
			admin = "Full Administrator"
		}
		if ap := a.Approver; ap.NotIdentified != "" {
			fmt.Fprintf(&s, "  approved %s; approver not identified: %s\n", day(a.ApprovedAt), plain(ap.NotIdentified))
			if i := ap.Inferred; i != nil {
				fmt.Fprintf(&s, "  probably %s <%s>, who approved %s %s apart (inferred, not verified)\n",
					plain(i.DisplayName), plain(i.Email), plain(i.FromApp), i.Apart.Round(time.Second))
			}
			continue
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
