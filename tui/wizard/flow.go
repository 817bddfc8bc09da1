package wizard

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// Flow is the wizard's state machine: the one place where what comes
// after what is decided, for both front-ends. A front-end feeds it events
// (Handle: a choice of the engineer, a form submitted, the answer of a
// call) and runs the effects Handle returns (start a device grant, poll,
// check who approved, save the draft, write the bundle...), each of whose
// answers is a further event; it renders View, whose Choices are the
// choices legal now, with their keys and labels.
//
// Flow does no I/O, starts no goroutine and reads no clock: Handle is
// given the time, and the effects are run by the front-end (a tea.Cmd in
// the full-screen one, a goroutine in the accessible one). Calls that
// belong to one device code carry its generation (Gen): a front-end keeps
// one context per generation and cancels the older one when a newer one
// starts (or on StopCalls); an answer of an older generation is dropped
// here.
type Flow struct {
	cfg Config
	s   *Session
	now time.Time

	step    Step
	err     error // how the wizard ended (StepEnded)
	askQuit bool
	notice  string // a one-line answer to the last choice ("" when none)
	// quitPending: the engineer left the done step while the draft's
	// removal was under way: Quit once it answers.
	quitPending bool

	checks        []Check
	checksRunning bool
	drafts        []DraftInfo
	draftsLoaded  bool
	haveCustomer  bool
	customer      store.Customer // the form's values (prefill, or the resumed draft's)

	gen  int
	auth *authState
	just *Result // the app finished last, for the next screen to say so

	orgFacts map[string]OrgFacts // what arrived of each org (OrgFacts events)
	saveErr  error               // of the last draft save
	savedID  string              // the draft the last good save wrote
	saveSeq  int                 // of the last Save asked for
	savedSeq int                 // of the last Save answered (not stale)

	review  reviewState
	receipt *store.Receipt
	done    doneState
}

// Config is what a Flow is given: the catalog and the facts of the run
// that decide its course. It holds no I/O but OutPath (a name for the
// bundle, which may look at the folder) and NewDraftID.
type Config struct {
	Apps []flows.App
	// Preflight: checks run first (RunChecks).
	Preflight bool
	// Drafts: progress is kept in drafts (Save effects); NewDraftID names
	// a new draft before its first save returns.
	Drafts     bool
	NewDraftID func() string
	Prefill    *store.Customer
	Protection Protection
	OutPath    func(company string, now time.Time) string
	Version    string
}

// ConfigOf is the Flow's configuration for deps (both front-ends).
func ConfigOf(deps Deps) Config {
	cfg := Config{Apps: deps.Apps, Preflight: deps.Preflight != nil, Drafts: deps.Drafts != nil,
		Prefill: deps.Prefill, Protection: deps.Protection, OutPath: deps.OutPath, Version: deps.Version}
	if deps.Drafts != nil {
		cfg.NewDraftID = deps.Drafts.NewID
	}
	return cfg
}

// SeqAfterEnd is the Seq of a save a front-end makes itself after the
// wizard ended (a crash): newer than every save the Flow asked for.
const SeqAfterEnd = math.MaxInt

// Step is where the wizard is.
type Step int

// The wizard's steps, in order.
const (
	StepChecks    Step = iota // the preflight checks
	StepLoading               // waiting for the list of drafts
	StepResume                // unfinished onboardings were found
	StepCustomer              // the customer form
	StepApps                  // the apps to authorize
	StepAuthorize             // one app's device grant (Phase)
	StepReview                // the review and COMPLETE REQUEST
	StepDone                  // the bundle is written
	StepEnded                 // the wizard is over (View.Err says how)
)

// Phase is where the current app's authorization is (StepAuthorize).
type Phase int

// The phases of an app's authorization.
const (
	PhaseStarting     Phase = iota // asking Webex for the first code
	PhaseWaiting                   // the code is shown; polling
	PhaseRenewing                  // a fresh code is on its way (the old one expired, was spent, or r)
	PhaseIdentifying               // approved: checking who approved
	PhaseWarning                   // approved, with warnings to decide on
	PhaseUnidentified              // approved, but the check of who approved failed
	PhaseFailed                    // a final error (AuthView.Err): access denied, a rejected secret...
)

// Choice is a decision the engineer can take.
type Choice int

// The choices. Which are legal depends on the step and phase (View.Choices).
const (
	ChoiceNone        Choice = iota
	ChoiceContinue           // go on (checks: with what passed; done: leave)
	ChoiceRecheck            // run the checks again
	ChoiceStartNew           // start a new onboarding rather than resume one
	ChoiceNewCode            // a fresh code (after an approval: authorize again)
	ChoiceTryNow             // the network is down: ask Webex now (never a new code)
	ChoiceSkip               // skip the app: asks SkipQuestion first
	ChoiceSkipYes            // yes, skip it
	ChoiceSkipNo             // no, keep the app
	ChoiceIdentify           // check who approved again
	ChoiceAccept             // keep the approval (with its warnings, or unchecked)
	ChoiceUseEmail           // make the approver's email the customer's admin email
	ChoiceLeaveSecret        // do not type the client secret after all
	ChoiceComplete           // COMPLETE REQUEST (the Complete event carries the passphrase)
	ChoiceBack               // the review goes back to the skipped and failed apps
	ChoiceQuit               // leave the wizard (asks first when progress would be lost)
	ChoiceQuitYes            // yes, quit (the progress is kept as a draft)
	ChoiceQuitNo             // no, stay
)

// Option is a legal choice as a front-end offers it: the key that takes
// it and what it does.
type Option struct {
	Choice Choice
	Key    string
	Label  string
}

// IdentifyTimeout bounds one check of who approved, so that a hung
// network turns into an error the engineer can retry rather than a wait
// forever.
const IdentifyTimeout = 30 * time.Second

// authState is the current app's authorization.
type authState struct {
	app        flows.App
	pos, total int
	ap         Approval
	phase      Phase
	gen        int // of the calls shown (-1: none any more)
	waitGen    int // of the last code waited for (an approval after a quit is kept)

	code     flows.DeviceCode
	haveCode bool
	poll     flows.PollEvent
	havePoll bool
	retries  int // transient poll failures of this code
	retry    *flows.RetryEvent
	retryAt  time.Time

	expired   bool      // the renewal under way follows an expired or spent code
	expiredAt time.Time // when the last code expired unused
	err       error     // the final error (PhaseFailed)

	askSkip    bool
	askSecret  bool
	adminEmail string // the approver's email made the admin email (e)
}

// reviewState is the review's.
type reviewState struct {
	outPath   string // the bundle's name, as the review shows it
	planned   string // the name the review showed when COMPLETE REQUEST was chosen
	queued    bool   // COMPLETE REQUEST was chosen while the org was read: done once read
	pass      store.Secret
	passErr   error
	writing   bool
	holdOn    bool // quit asked while writing: it cannot be stopped halfway
	writeErr  error
	written   *store.Completion
	completes int // bundle writes asked for
	tries     int // COMPLETE REQUEST events (a passphrase refused included)
}

// doneState is the done step's.
type doneState struct {
	removing  bool
	removeErr error
	draftID   string
}

// NewFlow starts a flow of cfg; Start gives its first effects.
func NewFlow(cfg Config) *Flow {
	f := &Flow{cfg: cfg, s: NewSession(cfg.Apps), orgFacts: map[string]OrgFacts{}}
	f.customer = store.Customer{Deployment: store.DeploymentCloud}
	if cfg.Prefill != nil {
		f.customer = *cfg.Prefill
		f.customer.Deployment = cmp.Or(f.customer.Deployment, store.DeploymentCloud)
	}
	return f
}

// Session is the onboarding the flow drives: read it, never change it.
func (f *Flow) Session() *Session { return f.s }

// Start is the flow's first step and effects: the checks and the list of
// drafts, or the customer form.
func (f *Flow) Start(now time.Time) []Effect {
	f.now = now
	var fx []Effect
	switch {
	case f.cfg.Preflight:
		f.step, f.checksRunning = StepChecks, true
		fx = append(fx, RunChecks{})
	case f.cfg.Drafts:
		f.step = StepLoading
	default:
		f.step = StepCustomer
	}
	if f.cfg.Drafts {
		fx = append(fx, ListDrafts{})
	} else {
		f.draftsLoaded = true
	}
	return fx
}

// Handle takes event ev at time now and returns the effects to run.
func (f *Flow) Handle(now time.Time, ev Event) []Effect {
	if !now.IsZero() {
		f.now = now
	}
	f.notice = ""
	switch ev := ev.(type) {
	case Pick:
		return f.pick(ev.Choice)
	case Saved:
		if ev.Stale || ev.Seq < f.savedSeq {
			return nil
		}
		f.savedSeq, f.saveErr = ev.Seq, ev.Err
		if ev.Err == nil && ev.ID != "" && f.receipt == nil {
			f.s.Draft.ID, f.savedID = ev.ID, ev.ID
		}
		return nil
	case OrgRead:
		return f.orgRead(ev.Facts)
	case Retried:
		if a := f.auth; a != nil && ev.Gen == a.gen && f.step == StepAuthorize {
			starting := a.phase == PhaseStarting || a.phase == PhaseRenewing
			if ev.Event.Op == flows.RetryStart && starting || ev.Event.Op == flows.RetryIdentify && a.phase == PhaseIdentifying {
				r := ev.Event
				a.retry, a.retryAt = &r, f.now.Add(r.Wait)
			}
		}
		return nil
	case WaitEnded:
		if f.step == StepEnded {
			return f.lateApproval(ev)
		}
	case DraftRemoved:
		// Taken at any step once the bundle is written: the engineer may
		// have left the done step before the removal answered, and the
		// outcome must say whether the draft (with the tokens) is gone.
		if f.receipt != nil {
			f.done.removing = false
			if ev.Err != nil {
				f.done.removeErr, f.done.draftID = ev.Err, ev.ID
			}
			if f.quitPending {
				f.quitPending = false
				return []Effect{Quit{}}
			}
		}
		return nil
	}
	if f.step == StepEnded {
		return nil
	}
	switch f.step {
	case StepChecks, StepLoading, StepResume:
		return f.early(ev)
	case StepCustomer:
		if c, ok := ev.(CustomerEntered); ok {
			f.customer = c.Customer
			f.s.Draft.Customer = c.Customer
			f.haveCustomer = true
			f.step = StepApps
		}
	case StepApps:
		if a, ok := ev.(AppsChosen); ok {
			f.s.Select(a.IDs)
			fx := f.readOrg() // a resumed draft's approvals read what it lacks
			return append(fx, f.next()...)
		}
	case StepAuthorize:
		return f.authEvent(ev)
	case StepReview:
		return f.reviewEvent(ev)
	}
	return nil
}

// early handles the events of the checks, loading and resume steps.
func (f *Flow) early(ev Event) []Effect {
	switch ev := ev.(type) {
	case ChecksRan:
		f.checks, f.checksRunning = ev.Checks, false
	case DraftsListed:
		f.draftsLoaded = true
		f.drafts = append(f.drafts, ev.Infos...)
		if f.step == StepLoading {
			return f.afterChecks()
		}
	case ResumeDraft:
		i := slices.IndexFunc(f.drafts, func(d DraftInfo) bool { return d.ID == ev.ID })
		switch {
		case f.step != StepResume || i < 0:
		case ResumeBlocked(f.drafts[i]) != "":
			f.notice = ResumeBlocked(f.drafts[i])
		default:
			return []Effect{LoadDraft(ev)}
		}
	case DiscardDraft:
		i := slices.IndexFunc(f.drafts, func(d DraftInfo) bool { return d.ID == ev.ID })
		switch {
		case f.step != StepResume || i < 0:
		case InUse(f.drafts[i]):
			f.notice = ResumeBlocked(f.drafts[i])
		default:
			return []Effect{RemoveDraft(ev)}
		}
	case DraftDiscarded:
		if ev.Err != nil {
			f.notice = "Could not discard it: " + CleanErrorText(ev.Err)
			return nil
		}
		f.drafts = slices.DeleteFunc(f.drafts, func(d DraftInfo) bool { return d.ID == ev.ID })
		if len(f.drafts) == 0 {
			f.step = StepCustomer
		}
	case DraftLoaded:
		if ev.Err != nil {
			f.notice = "Could not load it: " + CleanErrorText(ev.Err)
			return nil
		}
		f.s.Resume(ev.Draft)
		f.customer = ev.Draft.Customer
		f.step = StepCustomer
	}
	return nil
}

// ResumeBlocked says why draft d cannot be resumed ("" when it can).
func ResumeBlocked(d DraftInfo) string {
	switch {
	case InUse(d):
		return "That draft is " + InUseText(d) + ": it can be neither resumed nor discarded while that one runs."
	case d.Err != nil:
		return "That draft cannot be read: " + CleanErrorText(d.Err) + "; it can only be discarded."
	case d.Completed != nil:
		return "That onboarding is " + CompletedText(d) + "; its draft can only be discarded."
	}
	return ""
}

// checksBlocked tells whether a check that failed blocks the wizard, and
// whether one of those read its input at start (it must be started again).
func (f *Flow) checksBlocked() (blocked, restart bool) {
	for _, c := range f.checks {
		if !c.OK && c.Blocking {
			blocked = true
			restart = restart || c.AtStart
		}
	}
	return blocked, restart
}

// afterChecks leaves the checks (or loading) step.
func (f *Flow) afterChecks() []Effect {
	switch {
	case !f.draftsLoaded:
		f.step = StepLoading
	case len(f.drafts) > 0:
		f.step = StepResume
	default:
		f.step = StepCustomer
	}
	return nil
}

// pick takes a choice, if legal now.
func (f *Flow) pick(c Choice) []Effect {
	if !slices.ContainsFunc(f.View().Choices, func(o Option) bool { return o.Choice == c }) {
		return nil
	}
	switch c {
	case ChoiceQuit:
		return f.quit()
	case ChoiceQuitYes:
		return f.end(ErrUserAborted)
	case ChoiceQuitNo:
		f.askQuit = false
		return nil
	}
	switch f.step {
	case StepChecks:
		switch c {
		case ChoiceRecheck:
			f.checks, f.checksRunning = nil, true
			return []Effect{RunChecks{}}
		case ChoiceContinue:
			BlockApps(f.s, f.checks)
			return f.afterChecks()
		}
	case StepResume:
		if c == ChoiceStartNew {
			f.step = StepCustomer
		}
	case StepAuthorize:
		return f.authPick(c)
	case StepReview:
		if c == ChoiceComplete && !f.cfg.Protection.Passphrase {
			return f.reviewEvent(Complete{})
		}
		if c == ChoiceBack && f.s.Reopen() > 0 {
			return append(f.save(), f.next()...)
		}
	case StepDone:
		if c == ChoiceContinue {
			return f.end(nil)
		}
	}
	return nil
}

// quit is the engineer's wish to leave: at once where nothing would be
// lost, after a question elsewhere.
func (f *Flow) quit() []Effect {
	switch f.step {
	case StepChecks, StepLoading, StepResume:
		if blocked, _ := f.checksBlocked(); blocked && f.step == StepChecks {
			return f.end(ErrPreflightBlocked)
		}
		return f.end(ErrUserAborted)
	case StepDone:
		return f.end(nil)
	case StepReview:
		if f.review.writing {
			// Sealing, then a rename: it cannot be stopped halfway and
			// takes about a second. Say so and let it finish.
			f.review.holdOn = true
			return nil
		}
	}
	f.askQuit = true
	return nil
}

// end ends the wizard with err (nil: done); progress is saved first, and
// a draft whose removal is under way is removed first.
func (f *Flow) end(err error) []Effect {
	f.askQuit = false
	wasDone := f.step == StepDone
	f.step, f.err = StepEnded, err
	if wasDone || f.receipt != nil {
		if f.done.removing {
			f.quitPending = true // Quit once DraftRemoved answers
			return nil
		}
		return []Effect{Quit{}}
	}
	fx := []Effect{StopCalls{}, EndCodes{}}
	if f.auth != nil {
		f.auth.gen = -1 // nothing of the app's calls is shown any more
	}
	fx = append(fx, f.save()...)
	return append(fx, Quit{Err: err, AfterSave: f.saveSeq})
}

// lateApproval keeps an approval that arrived after the quit (the
// approver is checked when the draft is resumed).
func (f *Flow) lateApproval(ev WaitEnded) []Effect {
	a := f.auth
	if a == nil || ev.Err != nil || ev.Gen != a.waitGen || a.approved() || f.receipt != nil {
		return nil
	}
	a.ap.Grant, a.ap.Renewals = ev.Grant, 0
	a.ap.Identity, a.ap.Warnings = flows.Identity{}, nil
	f.s.Keep(a.ap.Result(Authorized, ""))
	return f.save()
}

// save is the draft to save now, when drafts are on and the customer is
// known (never once the bundle is written).
func (f *Flow) save() []Effect {
	if !f.cfg.Drafts || !f.haveCustomer || f.receipt != nil {
		return nil
	}
	f.s.Snapshot()
	if f.s.Draft.ID == "" && f.cfg.NewDraftID != nil {
		// Known before the first save returns, so that an interrupted run
		// saves again or removes this draft, never a second one.
		f.s.Draft.ID = f.cfg.NewDraftID()
	}
	f.saveSeq++
	return []Effect{Save{Draft: f.s.Draft, Seq: f.saveSeq}}
}

// Outcome is the outcome so far (see Outcome), and how the wizard ended:
// nil when the bundle is written, ErrUserAborted when it did not end
// (killed) or was left, ErrPreflightBlocked.
func (f *Flow) Outcome() (Outcome, error) {
	var o Outcome
	if f.haveCustomer {
		o.Customer = f.s.Draft.Customer
	}
	if f.receipt != nil {
		r := *f.receipt
		o.Receipt = &r
		if f.done.removeErr != nil {
			o.DraftID, o.DraftRemoveErr = f.done.draftID, f.done.removeErr
		}
		return o, nil
	}
	o.DraftID, o.DraftSaveErr = f.savedID, f.saveErr
	if f.step == StepEnded && f.err != nil {
		return o, f.err
	}
	return o, ErrUserAborted
}

// Leftover is what a front-end that ended without the Flow's Quit (killed,
// crashed) must still do: save the progress (save is nil when there is
// nothing to save, or the last save asked for is the Flow's quit's own),
// or remove the draft of a bundle written (remove is nil unless its
// removal never answered).
func (f *Flow) Leftover() (save *Save, remove *FinishDraft) {
	if f.receipt != nil {
		if f.done.removing {
			return nil, &FinishDraft{Draft: f.s.Draft, Receipt: *f.receipt}
		}
		return nil, nil
	}
	if f.step == StepEnded && f.savedSeq == f.saveSeq {
		return nil, nil // the quit's save was written
	}
	fx := f.save()
	if len(fx) == 0 {
		return nil, nil
	}
	s := fx[0].(Save)
	return &s, nil
}

// next opens the next app of the queue, or the review.
func (f *Flow) next() []Effect {
	app, pos, ok := f.s.Current()
	if !ok {
		return f.openReview()
	}
	f.auth = &authState{app: app, pos: pos, total: len(f.s.Selected)}
	f.auth.ap = Approval{App: app, AdminEmail: f.s.Draft.Customer.AdminEmail, Prior: f.s.KnownOrg()}
	f.step = StepAuthorize
	if r := f.s.Results[app.ID]; r != nil && r.Pending() {
		f.auth.gen = f.nextGen()
		if f.auth.ap.Resumed(*r) == Identify {
			return f.identify()
		}
		f.auth.phase = PhaseWarning
		return nil
	}
	return f.startCode()
}

func (f *Flow) nextGen() int {
	f.gen++
	return f.gen
}

// startCode asks for a (fresh) code, the old one staying on screen.
func (f *Flow) startCode() []Effect {
	a := f.auth
	a.gen = f.nextGen()
	a.waitGen = a.gen
	a.phase = PhaseStarting
	if a.haveCode {
		a.phase = PhaseRenewing
	}
	a.err, a.havePoll, a.retries, a.retry, a.askSecret = nil, false, 0, nil, false
	a.ap.Warnings, a.ap.Identity = nil, flows.Identity{}
	return []Effect{StartCode{Gen: a.gen, App: a.app}}
}

// identify checks who approved, under the app's current generation.
func (f *Flow) identify() []Effect {
	a := f.auth
	a.phase, a.retry = PhaseIdentifying, nil
	a.ap.Prior = f.s.KnownOrg()
	return []Effect{CheckApprover{Gen: a.gen, App: a.app, Grant: a.ap.Grant, Timeout: IdentifyTimeout}}
}

// authEvent takes the answer of a call of the current app.
func (f *Flow) authEvent(ev Event) []Effect {
	a := f.auth
	switch ev := ev.(type) {
	case CodeIssued:
		if ev.Gen != a.gen || (a.phase != PhaseStarting && a.phase != PhaseRenewing) {
			return nil
		}
		if ev.Err != nil {
			a.phase, a.err, a.retry = PhaseFailed, ev.Err, nil
			return nil
		}
		a.code, a.haveCode, a.phase, a.retry, a.expired = ev.Code, true, PhaseWaiting, nil, false
		fx := []Effect{WaitCode{Gen: a.gen, App: a.app, Code: a.code}}
		if next, ok := f.s.UpNext(); ok {
			fx = append(fx, PrefetchCode{App: next}) // the next app's code, while this one is pending
		}
		return fx
	case Polled:
		if ev.Gen != a.gen || a.phase != PhaseWaiting {
			return nil
		}
		a.poll, a.havePoll = ev.Event, true
		if ev.Event.Outcome == flows.PollTransient {
			a.retries++
		}
	case WaitEnded:
		if ev.Gen != a.gen || a.phase != PhaseWaiting {
			return nil
		}
		return f.waitEnded(ev.Grant, ev.Err)
	case Identified:
		if ev.Gen != a.gen || a.phase != PhaseIdentifying {
			return nil
		}
		switch a.ap.AfterIdentify(ev.Identity, ev.Err) {
		case Unchecked:
			a.phase = PhaseUnidentified
			return nil
		case Finish:
			return f.finish(Authorized)
		}
		// Keep the approver in the draft while the engineer decides.
		r := a.ap.Result(Authorized, "")
		r.Undecided = true
		f.s.Keep(r)
		a.phase = PhaseWarning
		return f.save()
	case SecretTyped:
		if !a.askSecret || ev.Secret == "" {
			return nil
		}
		if !f.codeValid() {
			a.askSecret = false // too late: r for a fresh code
			a.err = fmt.Errorf("flows: %s: wait: %w", a.app.ID, flows.ErrExpired)
			return nil
		}
		// The same code, redeemed with the right secret: the admin's
		// approval is not asked for again.
		a.askSecret = false
		a.app = WithTypedSecret(a.app, ev.Secret)
		a.ap.App = a.app
		a.gen = f.nextGen()
		a.waitGen = a.gen
		a.phase, a.err, a.havePoll, a.retry = PhaseWaiting, nil, false, nil
		return []Effect{WaitCode{Gen: a.gen, App: a.app, Code: a.code}}
	}
	return nil
}

// codeValid tells whether the code on screen may still be redeemed.
func (f *Flow) codeValid() bool {
	return f.auth.haveCode && f.now.Before(f.auth.code.Expiry)
}

// waitEnded is the end of the wait for the current code, as Approval
// decides it.
func (f *Flow) waitEnded(g flows.Grant, err error) []Effect {
	a := f.auth
	switch a.ap.AfterWait(g, err) {
	case Identify:
		// The admin's approval cost a phone login: keep it in the draft
		// now, before the check (which may hang or fail).
		f.s.Keep(a.ap.Result(Authorized, ""))
		return append(f.save(), f.identify()...)
	case Stay:
		return nil
	case Renew:
		if a.ap.Expired {
			a.expiredAt = f.now
		}
		fx := f.startCode()
		a.expired = true
		return fx
	}
	a.phase, a.err = PhaseFailed, err
	if errors.Is(err, flows.ErrInvalidClient) && f.codeValid() {
		a.askSecret = true
	}
	return []Effect{StopCalls{}}
}

// authPick takes a choice on the current app.
func (f *Flow) authPick(c Choice) []Effect {
	a := f.auth
	switch c {
	case ChoiceSkip:
		a.askSkip = true // never skip at once
	case ChoiceSkipNo:
		a.askSkip = false
	case ChoiceSkipYes:
		a.askSkip = false
		if a.phase == PhaseFailed {
			return f.finish(Failed)
		}
		return f.finish(Skipped)
	case ChoiceLeaveSecret:
		a.askSecret = false
	case ChoiceTryNow:
		if a.poll.TryNow != nil {
			return []Effect{TryNow{Poll: a.poll.TryNow}}
		}
	case ChoiceNewCode:
		var fx []Effect
		if a.approved() {
			// Authorize again: the engineer rejects this approval.
			f.s.Forget(a.app.ID)
			fx = f.save()
		}
		a.ap.Again()
		a.expired = false
		return append(fx, f.startCode()...)
	case ChoiceIdentify:
		return f.identify()
	case ChoiceAccept:
		return f.finish(Authorized)
	case ChoiceUseEmail:
		email, next := a.ap.UseApproverEmail()
		a.adminEmail = email
		f.s.SetAdminEmail(email)
		if next == Finish {
			return f.finish(Authorized)
		}
	}
	return nil
}

// approved tells whether the app's current code was approved.
func (a *authState) approved() bool {
	return a.phase == PhaseIdentifying || a.phase == PhaseWarning || a.phase == PhaseUnidentified
}

// finish records the app's outcome, saves it and moves on.
func (f *Flow) finish(status Status) []Effect {
	a := f.auth
	res := a.ap.Result(status, ShortReason(a.err))
	a.gen = -1
	f.s.Done(res)
	f.just = &res
	fx := []Effect{StopCalls{}}
	fx = append(fx, f.readOrg()...)
	// Save every outcome: the approver of an approval saved earlier, or a
	// skip that replaces it.
	fx = append(fx, f.save()...)
	return append(fx, f.next()...)
}

// readOrg asks to read, with the token of each app authorized in the
// session's org, what is still unknown of the org and that app may read.
func (f *Flow) readOrg() []Effect {
	known := f.s.KnownOrg()
	var reads []OrgReadJob
	for _, id := range f.s.Selected {
		r := f.s.Results[id]
		if r == nil || r.Status != Authorized || r.Pending() || r.Org.ID == "" || r.Org.ID != known.ID {
			continue
		}
		g := GrantOf(r.Grant)
		scopes := g.Scopes
		if len(scopes) == 0 {
			scopes = r.App.Scopes
		}
		scopes = slices.DeleteFunc(slices.Clone(scopes), func(sc string) bool {
			return sc == flows.OrganizationsReadScope && known.Name != "" || sc == flows.PeopleReadScope && known.UserCount > 0
		})
		if slices.Contains(scopes, flows.OrganizationsReadScope) || slices.Contains(scopes, flows.PeopleReadScope) {
			g.Scopes = scopes
			reads = append(reads, OrgReadJob{App: r.App, Grant: g, OrgID: r.Org.ID})
		}
	}
	if len(reads) == 0 {
		return nil
	}
	return []Effect{ReadOrg{Reads: reads}}
}

// orgRead takes in what arrived of an org.
func (f *Flow) orgRead(facts OrgFacts) []Effect {
	if facts.OrgID == "" || facts.Version < f.orgFacts[facts.OrgID].Version {
		return nil // older than what arrived (a read's end reported late)
	}
	f.orgFacts[facts.OrgID] = facts
	f.s.ApplyOrgFacts(facts)
	if f.step == StepReview && f.review.queued && !f.orgPending() {
		f.review.queued = false
		return f.write()
	}
	return nil
}

// orgPending tells whether a read of the session's org is under way.
func (f *Flow) orgPending() bool {
	id := f.s.OrgID()
	return id != "" && f.orgFacts[id].Pending
}

// openReview ends the queue: the review, with the bundle's name.
func (f *Flow) openReview() []Effect {
	f.auth = nil
	f.step = StepReview
	f.review = reviewState{}
	if f.cfg.OutPath != nil {
		f.review.outPath = f.cfg.OutPath(f.s.Draft.Customer.Company, f.now)
	}
	return []Effect{EndCodes{}}
}

// reviewEvent takes the events of the review.
func (f *Flow) reviewEvent(ev Event) []Effect {
	switch ev := ev.(type) {
	case Complete:
		if f.review.writing || f.s.Authorized() == 0 {
			return nil
		}
		f.review.tries++
		f.review.passErr = nil
		if f.cfg.Protection.Passphrase {
			if err := CheckPassphrase(ev.Passphrase, ev.Again); err != nil {
				f.review.passErr = err
				return nil
			}
			f.review.pass = store.NewSecret(ev.Passphrase)
		}
		if f.orgPending() {
			// The review needs the org's name and size: written once read.
			f.review.queued = true
			return nil
		}
		return f.write()
	case BundleWritten:
		if !f.review.writing {
			return nil
		}
		f.review.writing, f.review.holdOn = false, false
		f.review.written = ev.Written
		if ev.Err != nil {
			f.review.writeErr = ev.Err
			return nil
		}
		r := ev.Receipt
		f.receipt = &r
		f.s.Draft.ID = cmp.Or(f.s.Draft.ID, ev.DraftID)
		f.step, f.askQuit, f.saveErr = StepDone, false, nil
		if f.cfg.Drafts && f.s.Draft.ID != "" {
			// The draft (with the tokens) goes, once the bundle is written.
			f.done.removing = true
			return []Effect{FinishDraft{Draft: f.s.Draft, Receipt: r}}
		}
	}
	return nil
}

// write asks for the bundle to be written (COMPLETE REQUEST).
func (f *Flow) write() []Effect {
	f.review.writing, f.review.writeErr = true, nil
	if f.askQuit {
		// A quit asked while COMPLETE REQUEST waited for the org: the
		// write cannot be stopped halfway, so the question gives way to
		// the word that it is under way (as a quit asked while writing).
		f.askQuit, f.review.holdOn = false, true
	}
	f.review.completes++
	// The name is decided now: the one the review showed may have been
	// taken meanwhile (another ucx-onboard, a file copied in); Done says
	// so when the bundle gets another.
	if f.review.planned == "" {
		f.review.planned = f.review.outPath
	}
	if f.cfg.OutPath != nil && f.review.written == nil {
		f.review.outPath = f.cfg.OutPath(f.s.Draft.Customer.Company, f.now)
	}
	b := f.s.Bundle(f.now, f.cfg.Version)
	return []Effect{WriteBundle{
		Path: f.review.outPath, Bundle: b, Passphrase: f.review.pass,
		Draft: f.s.Snapshot(), Written: f.review.written,
	}}
}
