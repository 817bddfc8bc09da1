package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
)

const (
	ageIntro    = "age-encryption.org/v1\n"
	armorHeader = "-----BEGIN AGE ENCRYPTED FILE-----"
	// maxFileSize bounds what OpenBundle and drafts read into memory.
	maxFileSize = 16 << 20
	// padBlock: the sealed JSON is padded with spaces to a multiple of
	// padBlock bytes, so a payload cut short can be told from a modified
	// one by its length alone (never by looking at unauthenticated
	// plaintext), and token lengths do not show in the file size.
	padBlock = 1024
	// age payload layout (age-encryption.org/v1): a 16-byte nonce, then
	// chunks of up to 64 KiB of plaintext, each followed by a 16-byte tag.
	ageNonceSize = 16
	ageChunkSize = 64 << 10
	ageTagSize   = 16
)

// ErrNotRegular: an input file is a named pipe, a device, a directory or
// a socket. Every file ucx-onboard reads (bundle, receipt, identity,
// recipients, customer, catalog) must be a regular file, so that no read
// can wait forever for a writer or never reach its end (/dev/zero).
var ErrNotRegular = errors.New("store: not a regular file")

// notRegularError names what the path is instead; it matches
// ErrNotRegular.
type notRegularError struct{ what string }

func (e notRegularError) Error() string        { return e.what + ", not a regular file" }
func (e notRegularError) Is(target error) bool { return target == ErrNotRegular }

// OpenRegular opens path for reading if it is a regular file (a symlink
// to one counts). It never blocks: a named pipe is opened without waiting
// for a writer (O_NONBLOCK on Unix) and refused, like a device, a
// directory or a socket. Errors are *fs.PathError; a path that is not a
// regular file gives one whose error wraps ErrNotRegular ("open p: a named
// pipe (FIFO), not a regular file"). The caller must Close the file and
// still bound what it reads: a regular file can be of any size.
func OpenRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if m := st.Mode(); !m.IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: path, Err: notRegularError{modeName(m)}}
	}
	return f, nil
}

// CheckRegular reports whether path can be opened as a regular file, with
// the errors of OpenRegular, for a reader that opens the path itself.
func CheckRegular(path string) error {
	f, err := OpenRegular(path)
	if err != nil {
		return err
	}
	return f.Close()
}

// modeName says what kind of file m is, for ErrNotRegular messages.
func modeName(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeDir != 0:
		return "a directory"
	case m&fs.ModeCharDevice != 0, m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// readLimited reads all of r, refusing more than maxFileSize bytes.
func readLimited(r io.Reader, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("store: read %s: %w", what, unwrapPath(err))
	}
	if len(data) > maxFileSize {
		return nil, newError(ErrUnknownFormat, fmt.Sprintf("store: %s is larger than %d MiB, not a ucx-onboard file", what, maxFileSize>>20), nil)
	}
	return data, nil
}

// noIdentity matches nothing; it lets age report which stanza types a file
// has when the caller gave no identity.
type noIdentity struct{}

func (noIdentity) Unwrap([]*age.Stanza) ([]byte, error) { return nil, age.ErrIncorrectIdentity }

// decrypt opens the age file data with ids and maps every failure onto the
// sentinel errors. what names the file kind in messages ("bundle",
// "draft").
func decrypt(data []byte, what string, ids []age.Identity) ([]byte, error) {
	if len(data) == 0 {
		return nil, newError(ErrTruncated, fmt.Sprintf("store: %s file is empty", what), nil)
	}
	if !bytes.HasPrefix(data, []byte(ageIntro)) {
		if bytes.HasPrefix([]byte(ageIntro), data) {
			return nil, newError(ErrTruncated, fmt.Sprintf("store: %s is truncated (it ends inside the age header)", what), nil)
		}
		if bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte(armorHeader)) {
			bin, err := io.ReadAll(armor.NewReader(bytes.NewReader(data)))
			if err != nil {
				return nil, newError(ErrTampered, fmt.Sprintf("store: %s is damaged or was modified (invalid ASCII armor)", what), nil)
			}
			return decrypt(bin, what, ids)
		}
		return nil, newError(ErrNotAge, fmt.Sprintf("store: %s is not an age-encrypted file", what), nil)
	}
	if len(ids) == 0 {
		ids = []age.Identity{noIdentity{}}
	}
	r, err := age.Decrypt(bytes.NewReader(data), ids...)
	if err != nil {
		return nil, classifyHeaderError(data, what, ids, err)
	}
	pt, err := io.ReadAll(r)
	if err != nil {
		return nil, classifyPayloadError(data, what, err)
	}
	return pt, nil
}

func classifyHeaderError(data []byte, what string, ids []age.Identity, err error) error {
	var nm *age.NoIdentityMatchError
	if errors.As(err, &nm) {
		if len(nm.StanzaTypes) == 1 && nm.StanzaTypes[0] == "scrypt" {
			for _, id := range ids {
				if isPassphraseIdentity(id) {
					return newError(ErrWrongPassphrase, fmt.Sprintf("store: wrong passphrase for the %s", what), nil)
				}
			}
			return newError(ErrPassphraseRequired, fmt.Sprintf("store: %s is passphrase-protected: a passphrase is needed to open it", what), nil)
		}
		n := len(ids)
		if _, none := ids[0].(noIdentity); none {
			return newError(ErrNoIdentityMatch, fmt.Sprintf("store: no identity given to open the %s (sealed to: %s)", what, stanzaKinds(nm.StanzaTypes)), nil)
		}
		return newError(ErrNoIdentityMatch, fmt.Sprintf("store: %s matches none of the %d identities given (sealed to: %s)", what, n, stanzaKinds(nm.StanzaTypes)), nil)
	}
	if _, herr := age.ExtractHeader(bytes.NewReader(data)); herr != nil {
		// The header does not parse. A header is plain text: if the file
		// is nothing but header text, it was cut inside the header;
		// anything else is damage.
		if isHeaderText(data) {
			return newError(ErrTruncated, fmt.Sprintf("store: %s is truncated (it ends inside the age header)", what), nil)
		}
		return newError(ErrTampered, fmt.Sprintf("store: %s is damaged or was modified (malformed age header)", what), nil)
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "failed to read nonce"):
		return newError(ErrTruncated, fmt.Sprintf("store: %s is truncated (it ends after the age header)", what), nil)
	case strings.Contains(msg, "bad header MAC"):
		return newError(ErrTampered, fmt.Sprintf("store: %s is damaged or was modified (age header authentication failed)", what), nil)
	case strings.Contains(msg, "work factor"):
		return newError(ErrUnknownFormat, fmt.Sprintf("store: %s uses an scrypt work factor above 2^%d; refusing to spend that much time and memory", what, maxScryptWorkFactor), nil)
	}
	// A recipient stanza that is malformed for its own type.
	return newError(ErrTampered, fmt.Sprintf("store: %s is damaged or was modified (invalid recipient line)", what), nil)
}

func classifyPayloadError(data []byte, what string, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return newError(ErrTruncated, fmt.Sprintf("store: %s is truncated (it ends inside the encrypted payload)", what), nil)
	}
	if strings.Contains(err.Error(), "authenticate") {
		hdr, herr := age.ExtractHeader(bytes.NewReader(data))
		if herr == nil && !paddedPayload(len(data)-len(hdr)-ageNonceSize) {
			return &storeError{
				msg:  fmt.Sprintf("store: %s is truncated or was modified (encrypted payload has the wrong length and failed authentication)", what),
				kind: ErrTruncated, cause: ErrTampered,
			}
		}
		return newError(ErrTampered, fmt.Sprintf("store: %s is damaged or was modified (encrypted payload failed authentication)", what), nil)
	}
	return newError(ErrTampered, fmt.Sprintf("store: %s is damaged or was modified (encrypted payload)", what), nil)
}

// paddedPayload reports whether an age payload of n bytes (after the
// nonce) holds a whole number of padBlocks of plaintext, as every file
// store writes does.
func paddedPayload(n int) bool {
	if n <= ageTagSize {
		return false
	}
	chunks := (n + ageChunkSize + ageTagSize - 1) / (ageChunkSize + ageTagSize)
	pt := n - chunks*ageTagSize
	return pt > 0 && pt%padBlock == 0
}

// pad appends spaces and a newline so that len is a multiple of padBlock.
// JSON ignores trailing white space.
func pad(js []byte) []byte {
	js = append(js, '\n')
	for len(js)%padBlock != 0 {
		js = append(js, ' ')
	}
	if js[len(js)-1] == ' ' {
		js[len(js)-1] = '\n'
	}
	return js
}

// isHeaderText reports whether data is only printable ASCII and newlines,
// as an age header is.
func isHeaderText(data []byte) bool {
	for _, c := range data {
		if (c < 0x20 || c > 0x7e) && c != '\n' {
			return false
		}
	}
	return true
}

func isPassphraseIdentity(id age.Identity) bool {
	switch id := id.(type) {
	case *age.ScryptIdentity:
		return true
	case redactedIdentity:
		return id.kind == "passphrase"
	}
	return false
}

// stanzaKinds lists a header's recipient types for an error message.
func stanzaKinds(types []string) string {
	count := map[string]int{}
	var order []string
	for _, t := range types {
		t = oneLine(t, 20)
		if count[t] == 0 {
			order = append(order, t)
		}
		count[t]++
	}
	if len(order) > 4 {
		order = order[:4]
	}
	parts := make([]string, len(order))
	for i, t := range order {
		parts[i] = t
		if count[t] > 1 {
			parts[i] = fmt.Sprintf("%d× %s", count[t], t)
		}
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

// errTooLarge is readFileCapped's error for a file over its limit.
var errTooLarge = errors.New("file too large")

// readFileCapped reads the regular file path (see OpenRegular) if it
// holds at most limit bytes. A larger file is refused from its size
// before any byte is read, and a file that grows while it is read is cut
// at limit+1 bytes: either way the error wraps errTooLarge and at most
// limit+1 bytes were ever held in memory.
func readFileCapped(path string, limit int64) ([]byte, error) {
	f, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%w (%d bytes; at most %d)", errTooLarge, st.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		clear(data)
		return nil, fmt.Errorf("%w (more than %d bytes)", errTooLarge, limit)
	}
	return data, nil
}
