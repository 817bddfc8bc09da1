package store

import (
	"encoding/base64"
	"encoding/binary"
	"net/url"
	"strings"
	"sync"
	"unicode/utf8"
)

// RedactWindow is the shortest run of a secret (or of one of its
// encodings) that Redact finds: any 12 consecutive bytes of one.
const RedactWindow = 12

// Redactor finds secrets in text by their content, whatever the text's
// form: it holds every run of RedactWindow bytes of each secret added to
// it and of each encoding of it (see Add and AddClientSecret), and Redact
// replaces any such run in a text by "[redacted]". A server that echoes a
// secret cut short, or pastes a token into a name, is caught as long as
// 12 characters of it are left; shorter secrets are not held.
//
// The zero Redactor is empty and ready; it is safe for concurrent use.
type Redactor struct {
	mu      sync.RWMutex
	windows map[[RedactWindow]byte]struct{}
	// probes has the bit probe(p) set for every probeLen bytes p of a
	// held form: Redact looks up the windows around a text position only
	// when its bit is set.
	probes []uint64
}

// Redact probes a text at every stride-th byte only: any run of
// RedactWindow bytes holds probeLen bytes starting at such a position.
const (
	stride    = 4
	probeLen  = RedactWindow - stride
	probeBits = 1 << 20 // the size of Redactor.probes (128 KiB)
)

// probe hashes the first probeLen (8) bytes of w to a bit of
// Redactor.probes.
func probe(w string) uint64 {
	return binary.LittleEndian.Uint64([]byte(w[:probeLen])) * 0x9e3779b97f4a7c15 >> (64 - 20)
}

// secrets is the process's Redactor: every token, device code and client
// secret the process holds, added where it comes into being (catalog load,
// device code, grant, draft or bundle read).
var secrets Redactor

// RegisterSecret adds a token or device code to the process's Redactor
// (see Redactor.Add).
func RegisterSecret(s Secret) { secrets.Add(s.Reveal()) }

// RegisterClientSecret adds a client secret and its HTTP Basic credentials
// to the process's Redactor (see Redactor.AddClientSecret).
func RegisterClientSecret(clientID string, s Secret) {
	secrets.AddClientSecret(clientID, s.Reveal())
}

// Redact returns s without any run of 12 or more characters of a secret
// the process registered (RegisterSecret, RegisterClientSecret), nor of
// the encodings of one: each such run is replaced by "[redacted]". Apply
// it to every text that leaves the process (screens, receipt, logs,
// warnings, stderr).
func Redact(s string) string { return secrets.Redact(s) }

// Add holds v in the forms in which it is sent or may be echoed: as is,
// without control characters, query- and path-escaped (with upper- and
// lower-case percent hex), and base64-encoded (standard and URL-safe, at
// each of the three alignments, as AddClientSecret does for a secret).
// Values shorter than RedactWindow are ignored.
func (r *Redactor) Add(v string) {
	if len(v) < RedactWindow {
		return
	}
	r.add(textForms(v), base64Forms(v))
}

// base64Forms is the base64 of v, as is and query-escaped, standard and
// URL-safe, at each alignment (see alignedBase64).
func base64Forms(v string) []string {
	var enc []string
	for _, w := range []string{v, url.QueryEscape(v)} {
		for _, e := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			for a := 0; a < 3; a++ {
				enc = append(enc, alignedBase64(e, w, a))
			}
		}
	}
	return enc
}

// AddClientSecret holds secret as Add does, and the HTTP Basic credentials
// made of it: base64 of QueryEscape(clientID) ":" QueryEscape(secret), as
// flows sends them, in standard and URL-safe base64, padded or not; and the
// base64 of the secret (as is and query-escaped) at each of the three
// alignments a byte string can have inside a longer base64 text, so that a
// part of the credentials cut or re-encoded at any point is found too. The
// client ID alone is not a secret: runs of it are not held, except inside
// the encoded credentials.
func (r *Redactor) AddClientSecret(clientID, secret string) {
	if len(secret) == 0 {
		return
	}
	forms := textForms(secret)
	pair := []byte(url.QueryEscape(clientID) + ":" + url.QueryEscape(secret))
	var enc []string
	for _, e := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		enc = append(enc, e.EncodeToString(pair))
	}
	r.add(forms, enc, base64Forms(secret))
}

// alignedBase64 is the part of the base64 of v that depends on v alone when
// v starts at byte a (0, 1 or 2) of a 3-byte group: the characters whose
// six bits all come from v.
func alignedBase64(e *base64.Encoding, v string, a int) string {
	b := make([]byte, a+len(v))
	copy(b[a:], v)
	s := e.EncodeToString(b)
	start := (a*8 + 5) / 6
	end := len(b) * 8 / 6
	if end <= start {
		return ""
	}
	return s[start:end]
}

// textForms lists v, v without control characters, and its query and path
// escapes, with their percent hex in both cases.
func textForms(v string) []string {
	if len(v) < RedactWindow {
		return nil
	}
	forms := []string{v, stripControls(v)}
	for _, esc := range []string{url.QueryEscape(v), url.PathEscape(v)} {
		forms = append(forms, esc, lowerPercentHex(esc))
	}
	return forms
}

func (r *Redactor) add(lists ...[]string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.windows == nil {
		r.windows = map[[RedactWindow]byte]struct{}{}
		r.probes = make([]uint64, probeBits/64)
	}
	for _, l := range lists {
		for _, f := range l {
			if len(f) < RedactWindow {
				continue
			}
			var k [RedactWindow]byte
			for i := 0; i+RedactWindow <= len(f); i++ {
				copy(k[:], f[i:])
				r.windows[k] = struct{}{}
			}
			for i := 0; i+probeLen <= len(f); i++ {
				h := probe(f[i:])
				r.probes[h/64] |= 1 << (h % 64)
			}
		}
	}
}

// Redact returns s with every run of s that is made of held windows (12
// bytes or more of a held form) replaced by "[redacted]", widened to whole
// UTF-8 characters. It returns s itself when nothing is found.
func (r *Redactor) Redact(s string) string {
	if len(s) < RedactWindow {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if len(r.windows) == 0 {
		return s
	}
	var b strings.Builder
	done := 0   // s[:done] is in b
	runEnd := 0 // end of the run being covered; 0 when none
	runStart := 0
	var k [RedactWindow]byte
	flush := func() {
		for runStart > 0 && !utf8.RuneStart(s[runStart]) {
			runStart--
		}
		for runEnd < len(s) && !utf8.RuneStart(s[runEnd]) {
			runEnd++
		}
		if runStart < done {
			runStart = done
		}
		b.WriteString(s[done:runStart])
		b.WriteString(redacted)
		done = runEnd
	}
	// A held window at j holds the probe at the multiple i of stride in
	// [j, j+stride-1]: the windows at i-stride+1..i are looked up when the
	// probe at i is set, in increasing order of j overall.
	for i := 0; i+probeLen <= len(s); i += stride {
		if h := probe(s[i:]); r.probes[h/64]&(1<<(h%64)) == 0 {
			continue
		}
		for j := max(i-stride+1, 0); j <= i && j+RedactWindow <= len(s); j++ {
			copy(k[:], s[j:])
			if _, ok := r.windows[k]; !ok {
				continue
			}
			if runEnd == 0 {
				b.Grow(len(s))
				runStart = j
			} else if j > runEnd {
				flush()
				runStart = j
			}
			runEnd = j + RedactWindow
		}
	}
	if runEnd == 0 {
		return s
	}
	flush()
	b.WriteString(s[done:])
	return b.String()
}

// stripControls removes C0 and C1 control characters and DEL, as a text is
// sanitized before it is shown.
func stripControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || 0x80 <= r && r < 0xa0 {
			return -1
		}
		return r
	}, s)
}

// lowerPercentHex returns s with the hex digits of its %XX escapes in lower
// case, as some servers re-encode them.
func lowerPercentHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			for j := i + 1; j <= i+2; j++ {
				if 'A' <= b[j] && b[j] <= 'F' {
					b[j] += 'a' - 'A'
				}
			}
			i += 2
		}
	}
	return string(b)
}

// registerTokens adds the apps' tokens to the process's Redactor.
func registerTokens(apps []AppGrant) {
	for _, a := range apps {
		RegisterSecret(a.AccessToken)
		RegisterSecret(a.RefreshToken)
	}
}
