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
	if n := wizard.Clean(id.OrgName); n != "" {
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
// likely cause, without the keys (each front-end lists its own). The row
// of wizard.Causes (c) words it when one matched; otherwise a network
// failure is said to be one, and another answer is a refusal.
func identifyProblem(c wizard.Cause, err error) (title, cause string) {
	if c.Title != "" {
		return c.Title, c.Text
	}
	var we *flows.WebexError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, flows.ErrUnreachable):
	case errors.As(err, &we) && we.Status != 408 && we.Status != 429 && we.Status < 500:
		return "Could not check who approved", "Webex refused the check (" + wizard.StatusText(err) + ")."
	}
	return "Could not check who approved", "This is most likely a network problem."
}

// notIdentifiedText is what both front-ends say of an approval whose
// approver is not identified (wizard.Approval.NotIdentified): the approval
// stands, nothing to press.
func notIdentifiedText(ap *wizard.Approval) string {
	return "Approved; approver not identified: " + wizard.Clean(ap.NotIdentified) + ". The approval stands; the review and the bundle say so."
}

// blockApps marks in s the apps whose preflight check failed with
// AppBlocked: they cannot be authorized, the others go on.
func blockApps(s *wizard.Session, checks []Check) {
	for _, c := range checks {
		if !c.OK && c.AppBlocked && c.App != "" {
			s.Block(c.App, "cannot be authorized: "+wizard.Clean(c.Detail))
		}
	}
}

// appsBlocked counts the failed checks that stop one app only.
func appsBlocked(checks []Check) int {
	n := 0
	for _, c := range checks {
		if !c.OK && c.AppBlocked && c.App != "" {
			n++
		}
	}
	return n
}
