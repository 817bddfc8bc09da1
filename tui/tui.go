// Package tui is the ucx-onboard wizard: a Bubble Tea program that walks a
// field engineer through preflight checks, the customer's data, one OAuth
// device authorization per Imagicle app (shown as a QR code), a review and
// COMPLETE REQUEST, which writes the encrypted bundle.
//
// Use it like this:
//
//  1. Fill a Deps with the app catalog and the real dependencies
//     (an Authorizer such as *flows.Client, a DraftStore, a WriteBundle
//     func, the preflight checks, a clock).
//  2. Call Run(ctx, deps, opts): it runs the full-screen program (or the
//     line-by-line accessible flow when Deps.Accessible is set) and returns
//     a Result. Run returns ErrUserAborted when the engineer quits (the
//     progress is kept as a draft; Result.DraftID names it),
//     ErrPreflightBlocked when a blocking preflight check was never fixed,
//     and ErrInternal when the wizard crashed (a bug: the draft is kept too).
//
// New(deps) returns the root Model for callers that drive the program
// themselves (tests, teatest); Model.Result reports the outcome.
//
// The wizard's flow is the core's (package wizard): wizard.Flow takes
// events (a choice, a form submitted, the answer of a call) and returns
// effects (start a device grant, poll, check who approved, save the draft,
// write the bundle), and its View says where it is and which choices are
// legal. Package effects runs the effects against Deps. This package is the
// full-screen front-end: the Model renders the View, maps keys to the
// View's choices (the active screen's own keys first: a text field, the QR
// code's size, a list), and runs each effect in a tea.Cmd; the screens
// (one file each) keep only what is theirs to show. The line-by-line
// front-end (package accessible) runs the same Flow; Run picks one.
//
// Output rules:
//   - The tui never prints: everything goes through View, or through the
//     Options' writer in accessible mode. The one exception is the OSC 52
//     clipboard sequence of key c, written to Options.Out by Run's default
//     Deps.Copy under the same lock as the renderer's frames (never inside
//     one). View is pure: no I/O, no clock, no
//     state changes; layout work (wrapping, QR codes) happens in Update.
//   - Only sanitized strings from the server are rendered (UserCode,
//     verification URIs, approver and org names, error text); nothing is
//     ever rendered from a flows.Grant, and no token, device code, client
//     secret or passphrase ever reaches View. Every frame, and everything
//     written to the terminal or the accessible output, passes through
//     store.Redact as well: a server's text holding 12 or more characters
//     of a secret the process holds shows "[redacted]" there.
//   - While the window is too small for a screen (View asks to enlarge
//     it), no key acts but q and Ctrl-C, as usual.
//   - Remedies (what to do about an error) come from one place: wizard.Fix words
//     the fix (cmd prints it as its hint), wizard.Remedy adds the keys to press.
//   - All styles live in styles.go, keys in keys.go; how a key reaches a
//     screen or a choice, in keyroute.go.
package tui

import (
	"io"
	"strings"
	"time"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/tui/wizard"
	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// The wizard's dependencies, outcome and errors are the core's
// (package wizard): both front-ends run on them.
var (
	ErrUserAborted      = wizard.ErrUserAborted
	ErrPreflightBlocked = wizard.ErrPreflightBlocked
	ErrInternal         = wizard.ErrInternal
)

type (
	Authorizer      = wizard.Authorizer
	DraftStore      = wizard.DraftStore
	Draft           = wizard.Draft
	DraftInfo       = wizard.DraftInfo
	Receipt         = wizard.Receipt
	WriteBundleFunc = wizard.WriteBundleFunc
	Protection      = wizard.Protection
	Check           = wizard.Check
	Deps            = wizard.Deps
	Result          = wizard.Outcome
	Command         = wizard.Command
)

// Options are the I/O of Run.
type Options struct {
	// In and Out default to os.Stdin and os.Stdout.
	In  io.Reader
	Out io.Writer
	// CtrlC delivers the Ctrl-C presses the program receives as a signal
	// (SIGINT; the accessible flow's terminal is not in raw mode): the
	// accessible flow asks the quit question. Nil: none are delivered.
	CtrlC <-chan struct{}
	// ProgramOptions are extra options for the program (tests).
	ProgramOptions []tea.ProgramOption
}

// DefaultOutPath is "<company-slug>-<UTC date>.ucxbundle".
func DefaultOutPath(company string, now time.Time) string {
	return Slug(company) + "-" + now.UTC().Format("2006-01-02") + ".ucxbundle"
}

// MaxSlugLen caps Slug: the default bundle name (slug, date, a number
// when taken, ".ucxbundle"), its receipt's and their temporary files'
// then fit in the 255 bytes of a file name (store.CheckBundleName) on
// every common file system, Windows included, whatever company name was
// typed; the bundle keeps the full name.
const MaxSlugLen = 64

// Slug spells s in plain ASCII (see asciiFold: "Müller & Söhne Großhandel"
// becomes "muller-sohne-grosshandel", "Società" "societa"), lowercases it
// and keeps letters and digits, other runs becoming one dash, cut to
// MaxSlugLen bytes (ASCII only, so as many characters); an empty result
// is "customer".
func Slug(s string) string {
	var out []rune
	dash := false
	for _, r := range asciiFold(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			out = append(out, r)
			dash = false
		case r >= 'A' && r <= 'Z':
			out = append(out, r+('a'-'A'))
			dash = false
		default:
			if len(out) > 0 && !dash {
				out = append(out, '-')
				dash = true
			}
		}
	}
	out = out[:min(len(out), MaxSlugLen)]
	for len(out) > 0 && out[len(out)-1] == '-' {
		out = out[:len(out)-1]
	}
	if len(out) == 0 {
		return "customer"
	}
	return string(out)
}

// latinLetters spells the Latin letters that compatibility decomposition
// cannot split into a base letter and marks, as CLDR's Latin-ASCII
// transliterator does (common/transforms/Latin-ASCII.xml). ß and the
// ligatures ﬀ, ﬁ… need no entry: full case folding (cases.Fold) already
// spells them "ss", "ff", "fi"….
var latinLetters = strings.NewReplacer(
	"æ", "ae", "ǽ", "ae", "ǣ", "ae",
	"œ", "oe",
	"ø", "o", "ǿ", "o",
	"ł", "l", "ŀ", "l", "ƚ", "l",
	"đ", "d", "ð", "d", "ɖ", "d", "ɗ", "d",
	"þ", "th",
	"ħ", "h",
	"ı", "i",
	"ŧ", "t",
	"ŋ", "n",
	"ĸ", "q",
	"ƀ", "b",
	"ƒ", "f",
	"ɨ", "i",
	"ʉ", "u",
)

// asciiFold folds s to lower case (cases.Fold: "ß"→"ss", "ﬁ"→"fi"),
// splits it by compatibility decomposition (NFKD: "é"→"e"+"´", "²"→"2",
// full-width letters to ASCII), drops the combining marks and spells the
// remaining Latin letters by latinLetters. Whatever is still not ASCII is
// left for Slug to turn into a dash.
func asciiFold(s string) string {
	t := transform.Chain(cases.Fold(), norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		// Unreachable for these transformers on valid or invalid UTF-8
		// alike; Slug still makes a name of what it has.
		folded = s
	}
	return latinLetters.Replace(folded)
}
