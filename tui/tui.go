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
// The wizard's decisions (the app queue, what the end of a wait or of the
// approver check means, the renewal cap, what goes into the draft and the
// bundle, the passphrase rules) live in package wizard, the UI-free core;
// both front-ends of this package, the full-screen one (Model, its screens
// and its saver) and the accessible one (plain prompts), only show what it
// decided and pass back what the engineer chose. TestFrontEndParity runs
// one scenario table through both.
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
//   - Remedies (what to do about an error) come from one place: Fix words
//     the fix (cmd prints it as its hint), remedy adds the keys to press.
//   - All styles live in styles.go, keys in keys.go, messages in msgs.go.
package tui

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Sentinel errors returned by Run (and Model.Result) so that cmd can pick
// exit codes.
var (
	// ErrUserAborted: the engineer quit before COMPLETE REQUEST. Progress,
	// if any, was saved as a draft (Result.DraftID).
	ErrUserAborted = errors.New("tui: aborted by the user")
	// ErrPreflightBlocked: the engineer quit at the preflight screen while
	// a blocking check failed.
	ErrPreflightBlocked = errors.New("tui: preflight checks failed")
	// ErrInternal: the wizard crashed (a panic, reported by Bubble Tea as
	// tea.ErrProgramPanic, which the error also wraps). The terminal is
	// restored and the progress saved as a draft (Result.DraftID) first.
	ErrInternal = errors.New("tui: internal error")
)

// Authorizer runs one device authorization. *flows.Client satisfies it.
//
// Start asks Webex for a device code. Wait polls until the code is approved
// (a Grant), denied (flows.ErrDenied), expired (flows.ErrExpired) or the
// context is canceled; it calls report after every poll, from its own
// goroutine. Approver tells who approved and in which org: the only check
// between an approval and the next app's code. OrgFacts reads the org's
// name and user count; the wizard calls it in the background, once per
// org and fact, without onRetry. Start, Approver and OrgFacts call onRetry
// (when not nil) before each retry after a transient failure,
// synchronously, on the goroutine of the call: each call reports its own
// progress, and the wizard shows it on that app's screen.
//
// The wizard asks for the next app's code while the current one is
// pending (calling Start without onRetry, from its own goroutine), so
// Start may run concurrently with the other methods.
type Authorizer interface {
	Start(ctx context.Context, app flows.App, onRetry func(flows.RetryEvent)) (flows.DeviceCode, error)
	Wait(ctx context.Context, app flows.App, code flows.DeviceCode, report func(flows.PollEvent)) (flows.Grant, error)
	Approver(ctx context.Context, app flows.App, g flows.Grant, onRetry func(flows.RetryEvent)) (flows.Identity, error)
	OrgFacts(ctx context.Context, app flows.App, g flows.Grant, orgID string, onRetry func(flows.RetryEvent)) (flows.Identity, error)
}

// DraftStore keeps unfinished onboardings. *store.Drafts satisfies it.
//
// Save assigns d.ID (when empty) and the timestamps. List returns one
// DraftInfo per draft; a draft that cannot be resumed has Err set (one
// that wraps store.ErrDraftInUse, held by another ucx-onboard, cannot be
// discarded either) or Completed set (its bundle is written, or was being
// written by a run that was killed: List has finished it, see
// DraftInfo.Finished; it can only be discarded). COMPLETE REQUEST keeps
// the sealed bundle in the draft first (Record, through WriteBundleFunc's
// record), then writes it, then removes the draft.
type DraftStore interface {
	// NewID returns an ID for a new draft, so that the ID is known before
	// the first Save returns.
	NewID() string
	Save(d *Draft) error
	List() ([]DraftInfo, error)
	Load(id string) (Draft, error)
	Remove(id string) error
	// Record keeps c in draft d (Completed) before its bundle is written,
	// and in every later Save of d; Record(d, nil) withdraws it. See
	// store.Drafts.Record.
	Record(d *Draft, c *store.Completion) error
}

// The real dependencies satisfy the interfaces.
var (
	_ Authorizer = (*flows.Client)(nil)
	_ DraftStore = (*store.Drafts)(nil)
)

// Draft, DraftInfo and Receipt are store's types.
type (
	Draft     = store.Draft
	DraftInfo = store.DraftInfo
	Receipt   = store.Receipt
)

// WriteBundleFunc seals b to path and writes its receipt. passphrase is
// zero unless Protection.Passphrase is set, in which case it is what the
// engineer entered (at least store.MinPassphraseLen characters, entered
// twice). It must never overwrite an existing file (store.ErrExists).
//
// record is nil when drafts are off; otherwise the sealed bundle must be
// passed to it before it is written, and the write must not happen if it
// fails (it keeps the bundle in the draft: the next start then finishes
// the write instead of resuming the draft, so an onboarding never gets a
// second bundle); record(nil) withdraws it after a write that left
// nothing on disk. cmd wraps store.WriteBundleRecorded, which does all
// that:
//
//	func(path string, b store.Bundle, pass store.Secret, record func(*store.Completion) error) (store.Receipt, error) {
//		p := protection // from --recipient, or:
//		if !pass.IsZero() { p, err = store.NewPassphraseProtection(pass) }
//		return store.WriteBundleRecorded(path, b, p, record)
//	}
type WriteBundleFunc func(path string, b store.Bundle, passphrase store.Secret, record func(*store.Completion) error) (Receipt, error)

// Protection says how the bundle will be protected, for the preflight,
// review and done screens. Either Recipients is set (age public keys) or
// Passphrase is true (the review screen asks for it).
type Protection struct {
	Recipients []string
	Passphrase bool
	// Describe is a one-line description, e.g. "age, 2 recipients"; empty
	// means the tui words it itself.
	Describe string
}

// Check is one preflight check, computed by cmd.
type Check struct {
	Name     string // "App catalog and secrets"
	OK       bool
	Blocking bool   // when !OK and Blocking, the wizard cannot go on
	Detail   string // what was found
	Fix      string // what to do, shown when !OK
	// AtStart says that what the check looks at was read once at start
	// (flags, files, the environment): r checks it again with the same
	// input, so a failed blocking check asks to quit and start again.
	AtStart bool
	// App is the ID of the catalog app the check is about ("" for
	// none). A failed check with AppBlocked stops that app only: it does
	// not block the wizard; the app is marked "cannot be authorized: " +
	// Detail, is not queued, and the review and the bundle list it as not
	// done (the review's b still takes it up, e.g. to type its secret).
	App        string
	AppBlocked bool
	// Note is a remark that explains Detail and may be shared by several
	// checks (why a secret is not proven yet): the checks screen and the
	// accessible list say each distinct note once, below the checks.
	Note string
}

// Deps is everything the wizard needs from the outside. Zero fields get
// harmless defaults where one exists (see New).
type Deps struct {
	// Apps is the catalog, in order. Required.
	Apps []flows.App
	// Authorizer runs the device grants. Required.
	Authorizer Authorizer
	// Drafts keeps progress; nil disables drafts.
	Drafts DraftStore
	// WriteBundle seals the bundle. Required.
	WriteBundle WriteBundleFunc
	// Preflight runs the checks (may do I/O; it runs in a tea.Cmd). Nil
	// skips the preflight screen.
	Preflight func(ctx context.Context) []Check
	// Clock drives the countdown and spinner; nil means flows.SystemClock.
	Clock flows.Clock
	// Prefill fills the customer form (--customer); nil leaves it empty.
	Prefill *store.Customer
	// OutPath names the bundle for a company at a time (--out, or
	// "<company-slug>-<UTC date>.ucxbundle", or the first free numbered
	// name when that one is taken). It is called when the review opens,
	// and the review shows and writes what it returns. Nil uses
	// DefaultOutPath.
	OutPath func(company string, now time.Time) string
	// Protection describes how the bundle is protected.
	Protection Protection
	// OpenHint tells how to open the written bundle on the UCX side, e.g.
	// "ucx-onboard open acme.ucxbundle -i demo.key", quoted by the caller
	// for the platform's shell (cmd quotes with quoteArg). Nil gives a
	// generic command naming the bundle path unquoted, for tests.
	OpenHint func(r Receipt) Command
	// Copy puts text on the clipboard (OSC 52). Nil makes Run write OSC 52
	// to the program's output; with New alone, c reports it cannot copy.
	Copy func(text string) error
	// Demo marks the run as a demo (a badge in the header).
	Demo bool
	// Version is shown in the header and written into the bundle.
	Version string
	// Accessible selects the line-by-line flow (no alternate screen, no
	// QR code, huh's accessible prompts).
	Accessible bool
	// DarkBackground is the terminal background, decided once at start by
	// the caller (without asking the terminal, which may never answer). Run hands it
	// to lipgloss so that no View ever queries the terminal. The QR code
	// does not depend on it: it brings its own white-on-black, with
	// colours or without (NO_COLOR), since a terminal that does not report
	// its background looks dark here even when it is light.
	DarkBackground bool
	// NoColor is true when colours are off (NO_COLOR or an Ascii profile).
	// Run fills it from lipgloss's colour profile when left false and the
	// profile is Ascii.
	NoColor bool
}

// Options are the I/O of Run.
type Options struct {
	// In and Out default to os.Stdin and os.Stdout.
	In  io.Reader
	Out io.Writer
	// ProgramOptions are extra options for the program (tests).
	ProgramOptions []tea.ProgramOption
}

// Result is the outcome of the wizard.
type Result struct {
	// Receipt is set when the bundle was written.
	Receipt *Receipt
	// DraftID names the draft kept when the wizard was left early, or the
	// draft that could not be deleted after the bundle was written
	// (DraftRemoveErr).
	DraftID string
	// DraftSaveErr is set when the last save of the draft failed: the
	// progress since the previous good save (DraftID, if any) is lost.
	DraftSaveErr error
	// DraftRemoveErr is set when the bundle was written (Receipt) but its
	// draft could not be deleted: draft DraftID, which holds the tokens, is
	// still in the state directory, and the engineer must delete it (run
	// the wizard again and press d on it, or delete the files).
	DraftRemoveErr error
	// Customer is the data entered (zero if the form was never submitted).
	Customer store.Customer
}

// Command is a command line shown for the engineer to run or pass on.
type Command struct {
	// Line is runnable as printed: its arguments are already quoted for
	// the platform's shell. Screens show it whole, on lines of its own.
	Line string
	// Notes are remarks about it ("asks for the passphrase"), shown on
	// their own lines after it, never inside Line.
	Notes []string
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
