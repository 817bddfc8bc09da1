package tui

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
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
// not known ("" when known).
type orgGaps struct{ name, size string }

// orgUnknowns finds why org's name and size are unknown, from the apps
// authorized in it: no app may read them (none holds the scope), or the
// reasons of the apps that could.
func orgUnknowns(apps []appResult, org store.Org) orgGaps {
	var g orgGaps
	if org.Name == "" {
		g.name = gapText(apps, org, flows.OrganizationsReadScope, func(r appResult) string { return r.NameWhy })
	}
	if org.UserCount == 0 {
		g.size = gapText(apps, org, flows.PeopleReadScope, func(r appResult) string { return r.UsersWhy })
	}
	return g
}

func gapText(apps []appResult, org store.Org, scope string, why func(appResult) string) string {
	can := false
	var reasons []string         // distinct, in order
	who := map[string][]string{} // apps per reason
	for _, r := range apps {
		if r.Status != statusAuthorized || (org.ID != "" && r.Org.ID != "" && r.Org.ID != org.ID) {
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
			who[w] = append(who[w], clean(r.App.Name))
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
	s := r.Grant.Scopes
	if len(s) == 0 {
		s = r.App.Scopes
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
