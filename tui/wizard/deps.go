package wizard

// The wizard's dependencies and outcome: what a front-end is given to run
// the flow (Deps) and what it reports (Result). Package tui names them
// too (type aliases), for cmd.

import (
	"context"
	"errors"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// Sentinel errors returned by Run (and Model.Result) so that cmd can pick
// exit codes.
var (
	// ErrUserAborted: the engineer quit before COMPLETE REQUEST. Progress,
	// if any, was saved as a draft (Result.DraftID).
	ErrUserAborted = errors.New("wizard: aborted by the user")
	// ErrPreflightBlocked: the engineer quit at the preflight screen while
	// a blocking check failed.
	ErrPreflightBlocked = errors.New("wizard: preflight checks failed")
	// ErrInternal: the wizard crashed (a panic, reported by Bubble Tea as
	// tea.ErrProgramPanic, which the error also wraps). The terminal is
	// restored and the progress saved as a draft (Result.DraftID) first.
	ErrInternal = errors.New("wizard: internal error")
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

// Outcome is the outcome of a run of the wizard (tui.Result).
type Outcome struct {
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
