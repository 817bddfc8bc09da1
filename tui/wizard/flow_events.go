package wizard

import (
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// Event is what a front-end tells the Flow: a choice, a form submitted,
// or the answer of an effect it ran.
type Event interface{ event() }

// Pick: the engineer took a choice (one of View.Choices).
type Pick struct{ Choice Choice }

// ChecksRan: RunChecks answered.
type ChecksRan struct{ Checks []Check }

// DraftsListed: ListDrafts answered.
type DraftsListed struct {
	Infos []DraftInfo
	Err   error
}

// ResumeDraft: the engineer chose to resume draft ID.
type ResumeDraft struct{ ID string }

// DiscardDraft: the engineer confirmed discarding draft ID.
type DiscardDraft struct{ ID string }

// DraftLoaded: LoadDraft answered.
type DraftLoaded struct {
	Draft store.Draft
	Err   error
}

// DraftDiscarded: RemoveDraft answered.
type DraftDiscarded struct {
	ID  string
	Err error
}

// CustomerEntered: the customer form was submitted (valid).
type CustomerEntered struct{ Customer store.Customer }

// AppsChosen: the apps to authorize, by App.ID, in catalog order.
type AppsChosen struct{ IDs []string }

// CodeIssued: StartCode answered.
type CodeIssued struct {
	Gen  int
	Code flows.DeviceCode
	Err  error
}

// Polled: one poll of WaitCode (its report).
type Polled struct {
	Gen   int
	Event flows.PollEvent
}

// WaitEnded: WaitCode returned (a grant, or why not).
type WaitEnded struct {
	Gen   int
	Grant flows.Grant
	Err   error
}

// Identified: Identify answered.
type Identified struct {
	Gen      int
	Identity flows.Identity
	Err      error
}

// Retried: StartCode or Identify of generation Gen retries after a
// transient failure (its onRetry).
type Retried struct {
	Gen   int
	Event flows.RetryEvent
}

// SecretTyped: the client secret the engineer typed when Webex rejected
// the configured one (AuthView.AskSecret); "" is ignored.
type SecretTyped struct{ Secret string }

// OrgRead: what has arrived of an org (Orgs.Facts), after ReadOrg and
// each time one of its reads ends.
type OrgRead struct{ Facts OrgFacts }

// Saved: Save answered (ID is the draft's). Stale: a newer save was
// written first, so this one was not.
type Saved struct {
	ID    string
	Seq   int
	Err   error
	Stale bool
}

// Complete: COMPLETE REQUEST, with the passphrase typed twice when the
// bundle is protected by one ("" otherwise).
type Complete struct{ Passphrase, Again string }

// BundleWritten: WriteBundle answered (see WriteBundle).
type BundleWritten struct {
	Receipt store.Receipt
	DraftID string
	Written *store.Completion
	Err     error
}

// DraftRemoved: FinishDraft answered.
type DraftRemoved struct {
	ID  string
	Err error
}

func (Pick) event()            {}
func (ChecksRan) event()       {}
func (DraftsListed) event()    {}
func (ResumeDraft) event()     {}
func (DiscardDraft) event()    {}
func (DraftLoaded) event()     {}
func (DraftDiscarded) event()  {}
func (CustomerEntered) event() {}
func (AppsChosen) event()      {}
func (CodeIssued) event()      {}
func (Polled) event()          {}
func (WaitEnded) event()       {}
func (Identified) event()      {}
func (Retried) event()         {}
func (SecretTyped) event()     {}
func (OrgRead) event()         {}
func (Saved) event()           {}
func (Complete) event()        {}
func (BundleWritten) event()   {}
func (DraftRemoved) event()    {}

// Effect is work the Flow asks a front-end to do; each answers with the
// event its doc names.
type Effect interface{ effect() }

// RunChecks runs Deps.Preflight; answer ChecksRan.
type RunChecks struct{}

// ListDrafts lists the drafts (Deps.Drafts.List); answer DraftsListed.
type ListDrafts struct{}

// LoadDraft loads draft ID; answer DraftLoaded.
type LoadDraft struct{ ID string }

// RemoveDraft discards draft ID; answer DraftDiscarded.
type RemoveDraft struct{ ID string }

// StartCode asks for App's device code, the prefetched one when it is
// there (Prefetch.Take), under a new context for generation Gen (the
// older one is canceled); report retries as Retried; answer CodeIssued.
type StartCode struct {
	Gen int
	App flows.App
}

// WaitCode waits for the approval of Code (Authorizer.Wait) under Gen's
// context, reporting each poll as Polled; answer WaitEnded. A WaitCode of
// a newer Gen than the context's (a secret typed) gets a new context.
type WaitCode struct {
	Gen  int
	App  flows.App
	Code flows.DeviceCode
}

// CheckApprover asks who approved (Authorizer.Approver), within Timeout, under
// Gen's context (a new one when there is none: a resumed approval);
// report retries as Retried; answer Identified.
type CheckApprover struct {
	Gen     int
	App     flows.App
	Grant   flows.Grant
	Timeout time.Duration
}

// StopCalls cancels the calls of the current generation.
type StopCalls struct{}

// TryNow makes the wait poll at once (the network was down): call Poll.
type TryNow struct{ Poll func() }

// PrefetchCode asks for App's code ahead (Prefetch.Ahead).
type PrefetchCode struct{ App flows.App }

// EndCodes drops the prefetched codes (Prefetch.Close).
type EndCodes struct{}

// ReadOrg starts the reads of the org's name and size (Orgs.Fetch, one per
// job); answer OrgRead with Orgs.Facts at once, and again each time a read
// ends.
type ReadOrg struct{ Reads []OrgReadJob }

// OrgReadJob is one Orgs.Fetch.
type OrgReadJob struct {
	App   flows.App
	Grant flows.Grant
	OrgID string
}

// Save saves Draft (its ID is set); answer Saved. Seq numbers the saves
// in the order asked: one older than a save already written is not
// written (Saved.Stale).
type Save struct {
	Draft store.Draft
	Seq   int
}

// WriteBundle writes the bundle (see the package's WriteBundleWith);
// answer BundleWritten.
type WriteBundle struct {
	Path       string
	Bundle     store.Bundle
	Passphrase store.Secret
	Draft      store.Draft
	Written    *store.Completion
}

// FinishDraft removes the draft once its bundle is written; answer
// DraftRemoved.
type FinishDraft struct {
	Draft   store.Draft
	Receipt store.Receipt
}

// Quit ends the front-end, with Err (nil: the bundle is written), once the
// save of Seq AfterSave (the Flow's last; 0: none) has ended.
type Quit struct {
	Err       error
	AfterSave int
}

func (RunChecks) effect()     {}
func (ListDrafts) effect()    {}
func (LoadDraft) effect()     {}
func (RemoveDraft) effect()   {}
func (StartCode) effect()     {}
func (WaitCode) effect()      {}
func (CheckApprover) effect() {}
func (StopCalls) effect()     {}
func (TryNow) effect()        {}
func (PrefetchCode) effect()  {}
func (EndCodes) effect()      {}
func (ReadOrg) effect()       {}
func (Save) effect()          {}
func (WriteBundle) effect()   {}
func (FinishDraft) effect()   {}
func (Quit) effect()          {}
