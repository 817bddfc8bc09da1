package wizard

import (
	"fmt"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// View is where the flow is, for a front-end to show: the step, the
// choices legal now, and what the step's screen shows. It is a snapshot;
// its slices and pointers must not be changed.
type View struct {
	Step    Step
	Choices []Option
	// AskQuit: the engineer asked to quit; Choices are yes and no.
	AskQuit bool
	// Notice answers the last choice when it could not be taken ("That
	// draft is in use..."); "" otherwise.
	Notice string
	// Err is how the wizard ended (StepEnded): nil when the bundle is
	// written, ErrUserAborted, ErrPreflightBlocked.
	Err error
	// Drafts tells that progress is kept in drafts; SaveErr is the last
	// save's error; Saving that one is unanswered.
	Drafts  bool
	SaveErr error
	Saving  bool
	// OrgPending: a read of the session's org (its name, its size) is
	// under way; an OrgRead follows when it ends.
	OrgPending bool
	// Org is the session's org as the apps authorized so far know it
	// (Session.KnownOrg: its ID, and the name and size read so far).
	Org store.Org

	Checks        []Check
	ChecksRunning bool
	// Blocked: a failed check blocks the wizard; Restart: one of those
	// read its input at start (fix it, then start the wizard again).
	Blocked, Restart bool
	AppsBlocked      int // failed checks that stop one app only

	DraftList    []DraftInfo
	DraftsLoaded bool
	// Customer is the customer form's values: the prefill, the resumed
	// draft's, or what was entered (HaveCustomer: the form was
	// submitted). DraftID is the draft's (a resumed one's, or the one
	// the first save named).
	Customer     store.Customer
	HaveCustomer bool
	DraftID      string
	// Selected are the apps chosen before (a resumed draft's), else all.
	Selected []string

	// Just is the outcome of the app finished last ("✓ approved by"), nil
	// before the first.
	Just *Result
	Auth *AuthView
	// Review and Done are set at those steps.
	Review *ReviewView
	Done   *DoneView
}

// AuthView is the current app's authorization.
type AuthView struct {
	App        flows.App
	Pos, Total int
	Phase      Phase
	Gen        int
	Code       flows.DeviceCode
	HaveCode   bool
	// Poll is the last poll's event (HavePoll); Retries counts its
	// transient failures; NetworkDown: the last poll got no answer at
	// all, and r tries now.
	Poll        flows.PollEvent
	HavePoll    bool
	Retries     int
	NetworkDown bool
	// Retry is the last retry of the call under way (nil when none),
	// the next attempt at RetryAt.
	Retry   *flows.RetryEvent
	RetryAt time.Time
	// Expired: a fresh code follows an expired or spent one; ExpiredAt is
	// when the last one expired unused (Approval.Expiries in a row).
	Expired   bool
	ExpiredAt time.Time
	Err       error
	// Approval is the core's state of the approval (who approved, the
	// warnings, why the check failed).
	Approval  *Approval
	Approved  bool // the current code was approved
	AskSkip   bool
	AskSecret bool
}

// ReviewView is the review.
type ReviewView struct {
	Customer   store.Customer
	Org        store.Org
	Apps       []Result
	Gaps       Gaps
	Notes      []string
	Warnings   []string // every pitfall, for the bundle
	Shown      []string // those of authorized apps, for the screen
	OutPath    string
	Protection Protection
	Authorized int
	Reopen     int  // apps the review can go back to (ChoiceBack)
	OrgPending bool // the org's name and size are still being read
	Queued     bool // COMPLETE REQUEST waits for them
	Writing    bool
	HoldOn     bool // quit asked while writing
	WriteErr   error
	PassErr    error
	Completes  int // bundle writes asked for
	Tries      int // COMPLETE REQUEST events (a passphrase refused included)
}

// DoneView is the done step.
type DoneView struct {
	Receipt   store.Receipt
	Customer  store.Customer
	Org       store.Org
	Results   map[string]*Result
	Selected  []string
	Removing  bool  // the draft's removal is unanswered
	RemoveErr error // the draft (DraftID) could not be removed
	DraftID   string
	Planned   string // the bundle's name the review showed (DoneContent.Planned)
}

// View is where the flow is now.
func (f *Flow) View() View {
	v := View{Step: f.step, AskQuit: f.askQuit, Notice: f.notice, Err: f.err,
		Drafts: f.cfg.Drafts, SaveErr: f.saveErr, Saving: f.savedSeq < f.saveSeq, Just: f.just, OrgPending: f.orgPending(), Org: f.s.KnownOrg()}
	v.Checks, v.ChecksRunning = f.checks, f.checksRunning
	v.Blocked, v.Restart = f.checksBlocked()
	for _, c := range f.checks {
		if !c.OK && c.AppBlocked && c.App != "" {
			v.AppsBlocked++
		}
	}
	v.DraftList, v.DraftsLoaded = f.drafts, f.draftsLoaded
	v.Customer, v.HaveCustomer, v.DraftID = f.customer, f.haveCustomer, f.s.Draft.ID
	v.Selected = f.s.Draft.SelectedApps
	if len(v.Selected) == 0 {
		for _, a := range f.cfg.Apps {
			v.Selected = append(v.Selected, a.ID)
		}
	}
	if a := f.auth; a != nil && f.step == StepAuthorize {
		v.Auth = &AuthView{App: a.app, Pos: a.pos, Total: a.total, Phase: a.phase, Gen: a.gen,
			Code: a.code, HaveCode: a.haveCode, Poll: a.poll, HavePoll: a.havePoll, Retries: a.retries,
			NetworkDown: a.networkDown(), Retry: a.retry, RetryAt: a.retryAt,
			Expired: a.expired, ExpiredAt: a.expiredAt, Err: a.err, Approval: &a.ap,
			Approved: a.approved(), AskSkip: a.askSkip, AskSecret: a.askSecret}
	}
	if f.step == StepReview {
		v.Review = f.reviewView()
	}
	if f.step == StepDone && f.receipt != nil {
		v.Done = &DoneView{Receipt: *f.receipt, Customer: f.s.Draft.Customer, Org: f.s.Draft.Org,
			Results: f.s.Results, Selected: f.s.Selected,
			Removing: f.done.removing, RemoveErr: f.done.removeErr, DraftID: f.done.draftID,
			Planned: f.review.planned}
	}
	v.Choices = f.choices(v)
	return v
}

// networkDown tells whether the last poll of the code on screen got no
// answer at all: r then tries now.
func (a *authState) networkDown() bool {
	return a.phase == PhaseWaiting && a.havePoll && a.poll.Unreachable && a.poll.TryNow != nil
}

func (f *Flow) reviewView() *ReviewView {
	s := f.s
	s.Snapshot()
	rv := &ReviewView{Customer: s.Draft.Customer, Org: s.Draft.Org, Protection: f.cfg.Protection,
		OutPath: f.review.outPath, Authorized: s.Authorized(), Reopen: len(s.Reopenable()),
		OrgPending: f.orgPending(), Queued: f.review.queued, Writing: f.review.writing,
		HoldOn: f.review.holdOn, WriteErr: f.review.writeErr, PassErr: f.review.passErr,
		Completes: f.review.completes, Tries: f.review.tries}
	rv.Apps = s.Review()
	rv.Gaps = OrgGaps(rv.Apps, s.Draft.Org)
	presence := false
	for _, r := range rv.Apps {
		presence = presence || r.Status == Authorized && IsPresence(r.App)
	}
	rv.Notes = OrgNotes(rv.Gaps, presence)
	rv.Warnings = BundleWarnings(rv.Apps, s.Draft.Org)
	rv.Shown = BundleWarnings(rv.Apps, s.Draft.Org, Authorized)
	return rv
}

// The options, by choice.
var (
	optQuit     = Option{ChoiceQuit, "q", "quit"}
	optYes      = Option{ChoiceQuitYes, "y", "quit"}
	optNo       = Option{ChoiceQuitNo, "n", "stay"}
	optContinue = Option{ChoiceContinue, "enter", "continue"}
	optRecheck  = Option{ChoiceRecheck, "r", "check again"}
	optNew      = Option{ChoiceStartNew, "n", "start a new onboarding"}
	optNewCode  = Option{ChoiceNewCode, "r", "new code"}
	optTryNow   = Option{ChoiceTryNow, "r", "try now"}
	optSkip     = Option{ChoiceSkip, "s", "skip app"}
	optSkipYes  = Option{ChoiceSkipYes, "y", "skip"}
	optSkipNo   = Option{ChoiceSkipNo, "n", "keep the app"}
	optIdentify = Option{ChoiceIdentify, "i", "try again"}
	optKeep     = Option{ChoiceAccept, "a", "keep it"}
	optAnyway   = Option{ChoiceAccept, "a", "accept anyway"}
	optEmail    = Option{ChoiceUseEmail, "e", "use their email"}
	optAgain    = Option{ChoiceNewCode, "r", "authorize again"}
	optRetry    = Option{ChoiceNewCode, "r", "try again"}
	optLeave    = Option{ChoiceLeaveSecret, "esc", "leave it"}
	optComplete = Option{ChoiceComplete, "enter", "COMPLETE REQUEST"}
	optBack     = Option{ChoiceBack, "b", "back to skipped apps"}
	optLeaveWiz = Option{ChoiceContinue, "enter", "leave"}
)

// choices are the options legal in v.
func (f *Flow) choices(v View) []Option {
	if v.AskQuit {
		return []Option{optYes, optNo}
	}
	switch v.Step {
	case StepChecks:
		switch {
		case v.ChecksRunning:
			return []Option{optQuit}
		case v.Blocked:
			return []Option{optRecheck, optQuit}
		}
		return []Option{optContinue, optRecheck, optQuit}
	case StepLoading, StepCustomer, StepApps:
		return []Option{optQuit}
	case StepResume:
		return []Option{optNew, optQuit}
	case StepAuthorize:
		return authChoices(v.Auth)
	case StepReview:
		r := v.Review
		var o []Option
		if r.Writing {
			return []Option{optQuit} // says to hold on
		}
		if r.Authorized > 0 {
			o = append(o, optComplete)
		}
		if r.Reopen > 0 {
			o = append(o, optBack)
		}
		return append(o, optQuit)
	case StepDone:
		return []Option{optLeaveWiz, optQuit}
	}
	return nil
}

func authChoices(a *AuthView) []Option {
	switch {
	case a.AskSkip:
		return []Option{optSkipYes, optSkipNo, optQuit}
	case a.AskSecret:
		return []Option{optLeave, optQuit}
	}
	switch a.Phase {
	case PhaseWaiting:
		if a.NetworkDown {
			return []Option{optTryNow, optSkip, optQuit}
		}
		return []Option{optNewCode, optSkip, optQuit}
	case PhaseIdentifying:
		return []Option{optSkip, optQuit}
	case PhaseWarning:
		if a.Approval.ApproverEmail() != "" {
			return []Option{optKeep, optEmail, optAgain, optSkip, optQuit}
		}
		return []Option{optKeep, optAgain, optSkip, optQuit}
	case PhaseUnidentified:
		return []Option{optIdentify, optAnyway, optAgain, optSkip, optQuit}
	case PhaseFailed:
		return []Option{optRetry, optSkip, optQuit}
	}
	return []Option{optNewCode, optSkip, optQuit} // starting, renewing
}

// QuitText is what the quit question says will become of the progress
// (v.AskQuit), n apps being authorized.
func QuitText(v View, n int) string {
	switch {
	case v.Drafts && v.HaveCustomer && v.SaveErr != nil:
		return fmt.Sprintf("Your progress could not be saved as a draft: %s\nQuitting saves once more; if that fails too, the %d %s authorized %s lost.",
			CleanErrorText(v.SaveErr), n, Plural(n, "app", "apps"), Plural(n, "is", "are"))
	case v.Drafts && v.HaveCustomer:
		return fmt.Sprintf("Your progress is kept as a draft (%d %s authorized).\nStart ucx-onboard again to resume it.", n, Plural(n, "app", "apps"))
	case v.HaveCustomer:
		return "Drafts are off: what you entered will be lost."
	case v.Drafts && v.DraftID != "":
		// The form of a resumed draft: quitting saves nothing, the draft
		// stays as it was.
		return "The draft you resumed is kept as it was; changes in this form are not saved.\nStart ucx-onboard again to resume it."
	}
	// The form (prefilled or typed into): nothing is saved before it is
	// confirmed.
	return "Nothing is saved before the customer's data is confirmed: what is in the form will be lost."
}
