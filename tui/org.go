package tui

import (
	"context"
	"errors"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// What the wizard knows of the customer's organization, and in what words
// it says what it does not know. Both front-ends (the screens and the
// accessible mode) word it from here.

// idOrgName is the org's name as the approval screens show it: the name,
// or "name unknown" with a short reason.
func idOrgName(id flows.Identity) string {
	if n := clean(id.OrgName); n != "" {
		return n
	}
	switch id.OrgNameUnknown {
	case flows.UnknownNoScope:
		return "name unknown (no " + flows.OrganizationsReadScope + ")"
	case flows.UnknownForbidden:
		return "name unknown (Webex refused it, " + wizard.StatusText(id.OrgNameErr) + ")"
	case flows.UnknownFailed:
		return "name unknown (it could not be read)"
	}
	return "name unknown"
}

// orgGaps says why the org's name and size, as the review has them, are
// not known (the core's wizard.Gaps).
type orgGaps = wizard.Gaps

// identifyProblem words a failed check of who approved: a title and its
// likely cause, without the keys (each front-end lists its own). A 401 or
// 403 (flows.ErrForbidden) is a permission outcome, not a network problem.
func identifyProblem(err error) (title, cause string) {
	var we *flows.WebexError
	switch {
	case errors.Is(err, flows.ErrForbidden):
		return "Webex refused to say who approved",
			"Webex refused this app's token when asked who approved (" + wizard.StatusText(err) + "). " +
				"Reading one's own profile needs no admin scope, so the token itself was refused: " +
				"the approving account may be deactivated or without a Webex license, or the authorization was revoked meanwhile. " +
				"This is not a network problem: authorizing again with the customer's Full Admin may help."
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, flows.ErrUnreachable):
	case errors.As(err, &we) && we.Status != 408 && we.Status != 429 && we.Status < 500:
		return "Could not check who approved", "Webex refused the check (" + wizard.StatusText(err) + ")."
	}
	return "Could not check who approved", "This is most likely a network problem."
}
