package wizard

import (
	"context"
	"errors"
	"slices"

	"github.com/imagicle/ucx-onboard/flows"
)

// What the wizard knows of the customer's organization, and in what words
// it says what it does not know. Both front-ends (the screens and the
// accessible mode) word it from here.

// OrgNameText is the org's name as the approval screens show it: the name,
// or "name unknown" with a short reason.
func OrgNameText(id flows.Identity) string {
	if n := Clean(id.OrgName); n != "" {
		return n
	}
	switch id.OrgNameUnknown {
	case flows.UnknownNoScope:
		return "name unknown (no " + flows.OrganizationsReadScope + ")"
	case flows.UnknownForbidden:
		return "name unknown (Webex refused it, " + StatusText(id.OrgNameErr) + ")"
	case flows.UnknownFailed:
		return "name unknown (it could not be read)"
	}
	return "name unknown"
}

// IdentifyProblem words a failed check of who approved: a title and its
// likely cause, without the keys (each front-end lists its own). The row
// of Causes (c) words it when one matched; otherwise a network
// failure is said to be one, and another answer is a refusal.
func IdentifyProblem(c Cause, err error) (title, cause string) {
	if c.Title != "" {
		return c.Title, c.Text
	}
	var we *flows.WebexError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, flows.ErrUnreachable):
	case errors.As(err, &we) && we.Status != 408 && we.Status != 429 && we.Status < 500:
		return "Could not check who approved", "Webex refused the check (" + StatusText(err) + ")."
	}
	return "Could not check who approved", "This is most likely a network problem."
}

// NotIdentifiedText is what both front-ends say of an approval whose
// approver is not identified (Approval.NotIdentified): the approval
// stands, nothing to press.
func NotIdentifiedText(ap *Approval) string {
	return "Approved; approver not identified: " + Clean(ap.NotIdentified) + ". The approval stands; the review and the bundle say so."
}

// MayReadOrgName reports whether g (app's scopes when Webex did not say)
// holds the scope to read the org's name.
func MayReadOrgName(app flows.App, g flows.Grant) bool {
	scopes := g.Scopes
	if len(scopes) == 0 {
		scopes = app.Scopes
	}
	return slices.Contains(scopes, flows.OrganizationsReadScope)
}
