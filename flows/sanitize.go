package flows

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sanitize returns s made safe to show on a terminal: it removes escape
// sequences (CSI, OSC, DCS, SOS, PM, APC and two-byte ESC sequences, in
// their 7-bit and 8-bit C1 forms), C0 and C1 control characters, bidi
// embedding, override and isolate controls (the "Trojan Source" set),
// zero-width and byte-order marks, and invalid UTF-8. Tabs, newlines and
// Unicode line separators become a single space each, so words stay apart.
// Printable Unicode (accents, CJK, emoji) is kept. The result is trimmed.
//
// Every string flows takes from a server and may display (user codes,
// verification URIs, Webex messages, names) has passed through Sanitize.
func Sanitize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			i++ // invalid UTF-8: drop the byte
			continue
		}
		switch {
		case r == 0x1b: // ESC
			i = skipEscape(s, i+size)
			continue
		case r == 0x9b: // C1 CSI
			i = skipCSI(s, i+size)
			continue
		case r == 0x90 || r == 0x9d || r == 0x98 || r == 0x9e || r == 0x9f: // C1 DCS, OSC, SOS, PM, APC
			i = skipString(s, i+size)
			continue
		case r == '\t' || r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029 || r == 0x85:
			b.WriteByte(' ')
		case unicode.IsControl(r), invisible(r):
			// dropped
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return strings.TrimSpace(b.String())
}

// invisible reports the format characters that can reorder or hide text:
// bidi marks, embeddings, overrides and isolates, zero-width characters
// other than the joiner emoji need, and the byte-order mark.
func invisible(r rune) bool {
	switch {
	case r == 0x061c, // ARABIC LETTER MARK
		r == 0x200b, r == 0x200c, r == 0x200e, r == 0x200f, // ZWSP, ZWNJ, LRM, RLM
		r >= 0x202a && r <= 0x202e, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2060 && r <= 0x2064, // word joiner, invisible operators
		r >= 0x2066 && r <= 0x2069, // LRI, RLI, FSI, PDI
		r == 0xfeff,                // BOM / ZWNBSP
		r >= 0xfff9 && r <= 0xfffb: // interlinear annotations
		return true
	}
	return false
}

// skipEscape skips the sequence that follows an ESC at s[i-1] and returns
// the index after it.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1)
	}
	// nF sequences: intermediates 0x20-0x2F then one final byte; other
	// two-byte sequences (ESC c, ESC 7, ...) are ESC plus one byte.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipCSI skips parameter bytes (0x30-0x3F), intermediate bytes (0x20-0x2F)
// and the final byte (0x40-0x7E) of a control sequence. A malformed
// sequence ends at the first byte outside those ranges, which is kept.
func skipCSI(s string, i int) int {
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipString skips a control string (OSC, DCS, SOS, PM, APC) up to and
// including its terminator: BEL, ESC \ or C1 ST. An unterminated string
// runs to the end of s, so its payload is never shown.
func skipString(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i + 1
		case strings.HasPrefix(s[i:], "\u009c"):
			return i + len("\u009c")
		}
		i++
	}
	return i
}
