package tui

import "github.com/imagicle/ucx-onboard/tui/wizard"

// The wizard's decisions live in package wizard (the UI-free core); these
// are its names as the front-ends of this package use them.
type (
	appResult = wizard.Result
)

const (
	statusPending    = wizard.Pending
	statusAuthorized = wizard.Authorized
	statusSkipped    = wizard.Skipped
	statusFailed     = wizard.Failed
)
