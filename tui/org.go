package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// What the wizard knows of the customer's organization, and in what words
// it says what it does not know. Both front-ends (the screens and the
// accessible mode) word it from here.

// unknownWhy words why one app's Identify left a fact of the org unknown
// (why, with the failure err), scope being the scope the call needs; ""
// when the fact is known.
func unknownWhy(why flows.Unknown, err error, scope string) string {
	switch why {
	case flows.UnknownNoScope:
		return "the app's token lacks " + scope
	case flows.UnknownForbidden:
		return "Webex refused it (" + statusText(err) + "): the approver is not an admin of the organization, and an admin scope gives a non-admin nothing"
	case flows.UnknownFailed:
		return "it could not be read: " + errText(err)
	}
	return ""
}

// statusText is "HTTP 403" for an error wrapping a *flows.WebexError,
// "refused" otherwise.
func statusText(err error) string {
	var we *flows.WebexError
	if errors.As(err, &we) {
		return fmt.Sprintf("HTTP %d", we.Status)
	}
	return "refused"
}

// withPrior completes id with what the apps approved before learned of the
// same org (prior): the name and user count this app's token may not read.
// The org is matched by ID only.
func withPrior(id flows.Identity, prior store.Org) flows.Identity {
	if id.OrgID == "" || id.OrgID != prior.ID {
		return id
	}
	if id.OrgName == "" && prior.Name != "" {
		id.OrgName, id.OrgNameUnknown, id.OrgNameErr = prior.Name, flows.Known, nil
	}
	if !id.OrgUsersCounted && prior.UserCount > 0 {
		id.OrgUsers, id.OrgUsersCounted, id.OrgUsersUnknown, id.OrgUsersErr = prior.UserCount, true, flows.Known, nil
	}
	return id
}

// orgOf is what an approval tells of the org, for the review and the draft.
func orgOf(id flows.Identity) store.Org {
	o := store.Org{ID: clean(id.OrgID), Name: clean(id.OrgName)}
	if id.OrgUsersCounted {
		o.UserCount = id.OrgUsers
	}
	return o
}

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
		return "name unknown (Webex refused it, " + statusText(id.OrgNameErr) + ")"
	case flows.UnknownFailed:
		return "name unknown (it could not be read)"
	}
	return "name unknown"
}

// orgGaps says why the org's name and size, as the review has them, are
// not known ("" when known).
type orgGaps struct{ name, size string }

// orgUnknowns finds why org's name and size are unknown, from the apps
// authorized in it: no app may read them (none holds the scope), or the
// reasons of the apps that could.
func orgUnknowns(apps []appResult, org store.Org) orgGaps {
	var g orgGaps
	if org.Name == "" {
		g.name = gapText(apps, org, flows.OrganizationsReadScope, func(r appResult) string { return r.nameWhy })
	}
	if org.UserCount == 0 {
		g.size = gapText(apps, org, flows.PeopleReadScope, func(r appResult) string { return r.usersWhy })
	}
	return g
}

func gapText(apps []appResult, org store.Org, scope string, why func(appResult) string) string {
	can := false
	var reasons []string         // distinct, in order
	who := map[string][]string{} // apps per reason
	for _, r := range apps {
		if r.status != statusAuthorized || (org.ID != "" && r.org.ID != "" && r.org.ID != org.ID) {
			continue
		}
		if !holds(r, scope) {
			continue
		}
		can = true
		if w := why(r); w != "" {
			if who[w] == nil {
				reasons = append(reasons, w)
			}
			who[w] = append(who[w], clean(r.app.Name))
		}
	}
	switch {
	case !can:
		return "no authorized app may read it: none holds " + scope
	case len(reasons) == 0:
		return "it could not be read (the reason is not kept in a draft)"
	case len(reasons) == 1:
		return reasons[0]
	}
	parts := make([]string, len(reasons))
	for i, w := range reasons {
		parts[i] = strings.Join(who[w], ", ") + ": " + w
	}
	return strings.Join(parts, "; ")
}

// orgNotes are the review's notes on what is unknown of the org, and why;
// the size only when no presence warning says it already.
func orgNotes(g orgGaps, presenceWarned bool) []string {
	var n []string
	if g.name != "" {
		n = append(n, "The organization's name is unknown: "+g.name+".")
	}
	if g.size != "" && !presenceWarned {
		n = append(n, "The organization's size could not be checked: "+g.size+".")
	}
	return n
}

// holds tells whether r's token holds scope (the granted scopes, or the
// app's when Webex did not say).
func holds(r appResult, scope string) bool {
	s := r.grant.Scopes
	if len(s) == 0 {
		s = r.app.Scopes
	}
	return slices.Contains(s, scope)
}

// identifyProblem words a failed check of who approved: a title and its
// likely cause, without the keys (each front-end lists its own). A 401 or
// 403 (flows.ErrForbidden) is a permission outcome, not a network problem.
func identifyProblem(err error) (title, cause string) {
	var we *flows.WebexError
	switch {
	case errors.Is(err, flows.ErrForbidden):
		return "Webex refused to say who approved",
			"Webex refused this app's token when asked who approved (" + statusText(err) + "). " +
				"Reading one's own profile needs no admin scope, so the token itself was refused: " +
				"the approving account may be deactivated or without a Webex license, or the authorization was revoked meanwhile. " +
				"This is not a network problem: authorizing again with the customer's Full Admin may help."
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, flows.ErrUnreachable):
	case errors.As(err, &we) && we.Status != 408 && we.Status != 429 && we.Status < 500:
		return "Could not check who approved", "Webex refused the check (" + statusText(err) + ")."
	}
	return "Could not check who approved", "This is most likely a network problem."
}
