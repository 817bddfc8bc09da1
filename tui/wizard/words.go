package wizard

import (
	"strings"
	"unicode"

	"github.com/imagicle/ucx-onboard/flows"
)

// The plain words both front-ends say (no styles, no keys of their own):
// a front-end adds its styling, or prints them as they are.

// Marks used in lists; words always accompany them.
const (
	MarkOK   = "✓"
	MarkErr  = "✗"
	MarkWarn = "!"
	MarkSkip = "–"
)

// Clean strips escapes and control characters from a server string before
// it is rendered. flows already sanitizes; this is the front-ends' own
// belt. (flows.Sanitize drops every control character, escapes included,
// so an ANSI parser finds nothing left to strip: the tui's
// FuzzCleanLeavesNoEscapes holds it to that.)
func Clean(s string) string {
	s = flows.Sanitize(s)
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) || r == '\u200b' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') {
			return -1
		}
		return r
	}, s)
}

// CleanErrorText is err in the engineer's words, made safe to render
// (ErrorText: what happened and Webex's trackingId, not the program's
// chain of packages and calls). Every screen and the accessible mode show
// errors through it.
func CleanErrorText(err error) string {
	return Clean(ErrorText(err))
}

// CleanErrorDetail is what a line that already words err's kind adds to
// it (ErrorDetail: Webex's message and trackingId, or the network's
// words), made safe to render.
func CleanErrorDetail(err error) string {
	return Clean(ErrorDetail(err))
}

// Plural is one when n is 1, many otherwise.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ShortID shortens a Webex ID for a screen line: Webex's org IDs are 87
// characters of base64 whose start is the same for every org
// ("ciscospark://us/ORGANIZATION/…"), so its first and last characters
// around a … tell it apart; `ucx-onboard inspect` shows it whole.
func ShortID(id string) string {
	const head, tail = 6, 10
	if len(id) <= head+tail+1 {
		return id
	}
	return id[:head] + "…" + id[len(id)-tail:]
}
