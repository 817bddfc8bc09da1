package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// Messages. Async results carry the generation (gen) of the device code
// they belong to and the app (App.ID) it was asked for, so results of a
// canceled code, or of an app the engineer left, are dropped. Generations
// are unique across apps (common.nextGen).

// checksMsg delivers the preflight checks.
type checksMsg struct{ checks []Check }

// draftsMsg delivers the drafts found at start.
type draftsMsg struct {
	infos []DraftInfo
	err   error
}

// draftLoadedMsg delivers the draft chosen on the resume screen.
type draftLoadedMsg struct {
	draft Draft
	err   error
}

// preflightDoneMsg: the engineer goes on from the preflight screen.
type preflightDoneMsg struct{}

// resumeChosenMsg: resume draft id, or start fresh when id is "".
type resumeChosenMsg struct{ id string }

// customerSubmittedMsg: the customer form was completed.
type customerSubmittedMsg struct{}

// appsChosenMsg: the apps to authorize, by App.ID, in catalog order.
type appsChosenMsg struct{ ids []string }

// codeMsg: Authorizer.Start answered.
type codeMsg struct {
	gen  int
	app  string
	code flows.DeviceCode
	err  error
}

// pollMsg: one PollEvent reported by Authorizer.Wait.
type pollMsg struct {
	gen int
	app string
	ev  flows.PollEvent
	ch  <-chan flows.PollEvent // where the next event comes from
}

// grantMsg: Authorizer.Wait returned. The Grant's secrets never leave the
// model except into the bundle.
type grantMsg struct {
	gen   int
	app   string
	grant flows.Grant
	err   error
}

// orgFactsMsg: the reads of the org's name and size under way when the
// review opened have ended.
type orgFactsMsg struct{}

// identityMsg: Authorizer.Approver answered.
type identityMsg struct {
	gen int
	app string
	id  flows.Identity
	err error
}

// appDoneMsg: the authorization screen is finished with its app.
// adminEmail, when set, is the approver's email the engineer made the
// customer's admin email (e on the approver warning).
type appDoneMsg struct {
	res        appResult
	adminEmail string
}

// retryMsg: the Start or Approver call of generation gen of app retries
// after a transient failure (its onRetry); next delivers the call's next
// retry or its answer (see withRetries).
type retryMsg struct {
	gen  int
	app  string
	ev   flows.RetryEvent
	next tea.Cmd
}

// tickMsg: one clock tick (countdown, spinner).
type tickMsg struct{ now time.Time }

// copiedMsg: the URL was (or could not be) copied to the clipboard.
type copiedMsg struct{ err error }

// completeMsg: COMPLETE REQUEST was pressed (passphrase checked).
type completeMsg struct{}

// bundleWrittenMsg: WriteBundle answered (wizard.WriteBundle); id is the
// draft's, written the bundle on disk after a failure (wizard.WriteBundle).
type bundleWrittenMsg struct {
	receipt Receipt
	err     error
	id      string
	written *store.Completion
}

// draftRemovedMsg: DraftStore.Remove answered after the bundle was
// written.
type draftRemovedMsg struct {
	id  string
	err error
}

// draftDiscardedMsg: DraftStore.Remove answered for a draft discarded on
// the resume screen.
type draftDiscardedMsg struct {
	id  string
	err error
}

// draftSavedMsg: DraftStore.Save answered.
type draftSavedMsg struct {
	id  string
	err error
}
