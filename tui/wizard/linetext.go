package wizard

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// The line-by-line front-end's words for what a View shows, as the
// screens say it (the accessible flow prints them; see DoneText for the
// last step).

// ChecksText is the checks' outcome: each check with its problems (one a
// line) and fix, each note once, then whether a check blocks or how many
// apps cannot be authorized.
func ChecksText(v View) []string {
	var lines, notes []string
	for _, c := range v.Checks {
		state := "ok"
		switch {
		case !c.OK && c.Blocking:
			state = "BLOCKING"
		case !c.OK && c.AppBlocked:
			state = "this app cannot be authorized"
		case !c.OK:
			state = "warning"
		}
		problems := strings.Split(c.Detail, "\n")
		lines = append(lines, fmt.Sprintf("- %s: %s. %s", c.Name, state, Clean(problems[0])))
		for _, p := range problems[1:] {
			lines = append(lines, "  "+Clean(p))
		}
		if !c.OK && c.Fix != "" {
			lines = append(lines, "  Fix: "+c.Fix)
		}
		if c.Note != "" && !slices.Contains(notes, c.Note) {
			notes = append(notes, c.Note)
		}
	}
	for _, n := range notes {
		lines = append(lines, Clean(n))
	}
	switch {
	case v.Restart:
		lines = append(lines, "A check blocks on what was read at start: fix it, then type q and start ucx-onboard again (r checks the same input again).")
	case v.Blocked:
		lines = append(lines, "A check blocks.")
	case v.AppsBlocked > 0:
		lines = append(lines, Plural(v.AppsBlocked, "One app cannot be authorized;", fmt.Sprintf("%d apps cannot be authorized;", v.AppsBlocked))+" the others can be authorized.")
	}
	return lines
}

// DraftLine is draft d, numbered n, in the list of drafts to resume.
func DraftLine(n int, d DraftInfo) string {
	switch {
	case InUse(d):
		return fmt.Sprintf("%d. %s: %s; it can be neither resumed nor discarded while that one runs", n, Clean(d.ID), InUseText(d))
	case d.Err != nil:
		return fmt.Sprintf("%d. %s: unreadable (%s)", n, Clean(d.ID), CleanErrorText(d.Err))
	case d.Completed != nil:
		return fmt.Sprintf("%d. %s: %s; it can only be discarded (d%d)", n, Clean(d.Company), CompletedText(d), n)
	}
	return fmt.Sprintf("%d. %s, %d apps authorized, saved %s", n, Clean(d.Company), len(d.AppsDone), d.Updated.UTC().Format("2006-01-02 15:04 UTC"))
}

// AppText heads an app's authorization; a resumed approval says what
// was left undone.
func AppText(a *AuthView) []string {
	lines := []string{fmt.Sprintf("\nApp %d of %d: %s", a.Pos, a.Total, a.App.Name),
		fmt.Sprintf("Integration ID %s; scopes %s.", a.App.ClientID, strings.Join(a.App.Scopes, " "))}
	switch {
	case a.Approved && !a.HaveCode && a.Phase == PhaseIdentifying:
		lines = append(lines, "Approved before the wizard stopped, but who approved was not checked.")
	case a.Approved && !a.HaveCode:
		lines = append(lines, "Approved before the wizard stopped, but the approver's warnings were not accepted.")
	}
	return lines
}

// CodeText says where to enter the code shown (a.Code), its notices and
// its lifetime.
func CodeText(a *AuthView) []string {
	c := a.Code
	lines := []string{"On a phone or computer, open " + Clean(c.VerificationURI) + " and enter the code " + Clean(c.UserCode)}
	if c.VerificationURIComplete != "" {
		lines = append(lines, "(or open "+Clean(c.VerificationURIComplete)+", which carries the code).")
	}
	if c.Notice != "" {
		lines = append(lines, "Note: "+CodeNotice(c.Notice))
	}
	if n := a.Approval.Expiries; n > 0 {
		lines = append(lines, "Note: "+ExpiredNotice(n, a.ExpiredAt))
	}
	return append(lines, fmt.Sprintf("Sign in as the customer's Full Admin. The code expires in %d minutes.", int(c.Expiry.Sub(c.IssuedAt).Minutes()+0.5)))
}

// PhaseText is what is said as the authorization enters a.Phase from
// phase was: why a fresh code comes, an approval (kept: in the draft),
// who approved and the warnings, why the check of who approved failed.
// known is the org known so far (Session.KnownOrg).
func PhaseText(a *AuthView, was Phase, kept bool, known store.Org) []string {
	ap := a.Approval
	switch a.Phase {
	case PhaseRenewing:
		switch {
		case a.Expired && ap.Expired:
			return []string{"The code expired unused at " + a.ExpiredAt.Format("15:04") + "; here is a fresh one."}
		case a.Expired:
			return []string{"The code can no longer be used; here is a fresh one."}
		}
		return []string{"Here is a new code."}
	case PhaseIdentifying:
		switch {
		case was != PhaseWaiting:
			return []string{"Checking who approved…"}
		case kept:
			return []string{"Approved; the authorization is kept in the draft. Checking who approved…"}
		}
		return []string{"Approved. Checking who approved…"}
	case PhaseWarning:
		lines := []string{ApproverLine(ap, known)}
		for _, w := range ap.Warnings {
			lines = append(lines, "Warning: "+w)
		}
		return lines
	case PhaseUnidentified:
		title, cause := IdentifyProblem(ap.Cause, ap.Err)
		return []string{title + ": " + CleanErrorText(ap.Err), cause}
	}
	return nil
}

// ApproverLine says who approved (ap), and the org as far as it is known
// (known: what was read meanwhile).
func ApproverLine(ap *Approval, known store.Org) string {
	if ap.NotIdentified != "" {
		return NotIdentifiedText(ap)
	}
	id := WithPrior(ap.Identity, known)
	who := Clean(id.DisplayName) + " <" + Clean(strings.Join(id.Emails, ", ")) + "> (" + map[bool]string{true: "Full Admin", false: "not a Full Admin"}[id.FullAdmin] + ")" // as JustDone
	switch {
	case id.OrgID != "" && (id.OrgName != "" || id.OrgNameUnknown != flows.Known):
		return "Approved by " + who + ", organization " + OrgNameText(id) + "."
	case id.OrgID != "" && MayReadOrgName(ap.App, ap.Grant): // read in the background; the review gives it
		return "Approved by " + who + "; the organization's name is being read."
	}
	return "Approved by " + who + "."
}

// PollText words a poll's outcome when it changes ("" for none to say).
func PollText(p flows.PollEvent) string {
	var we *flows.WebexError
	switch {
	case p.Outcome == flows.PollSlowDown:
		return fmt.Sprintf("Webex asked to slow down: polling every %d seconds.", int(p.Interval.Seconds()))
	case p.Outcome == flows.PollRateLimited:
		return "Rate limited by Webex; waiting."
	case p.Outcome == flows.PollTransient && p.Unreachable:
		return fmt.Sprintf("No answer from Webex: the network seems down (%s). Still trying every %d seconds while the code is valid; an approval given meanwhile is not lost. Type r and enter to try now.",
			CleanErrorDetail(p.Err), int(p.Interval.Seconds()))
	case p.Outcome == flows.PollTransient && errors.As(p.Err, &we):
		return fmt.Sprintf("Webex is busy (HTTP %d), retrying: %s", we.Status, CleanErrorDetail(p.Err))
	case p.Outcome == flows.PollTransient:
		return "Network problem, retrying: " + CleanErrorDetail(p.Err)
	case p.Outcome == flows.PollPending:
		return "Still waiting for approval."
	}
	return ""
}

// ReviewText is the review: the customer, the org and its notes, each
// app's outcome, the warnings, and where the bundle goes.
func ReviewText(r *ReviewView) []string {
	lines := []string{"\nReview", "Customer: " + CustomerLine(r.Customer), "Webex organization: " + OrgLine(r.Org, r.Gaps)}
	for _, n := range r.Notes {
		lines = append(lines, "Note: "+n)
	}
	for _, x := range r.Apps {
		switch x.Status {
		case Authorized:
			line := "- " + x.App.Name + ": authorized, " + ApproverText(x.Grant.Approver)
			if exp := ExpiryText(x.Grant); exp != "" {
				line += "; tokens: " + exp
			}
			lines = append(lines, line+".")
		case Failed:
			lines = append(lines, "- "+x.App.Name+": failed: "+x.Reason)
		default:
			lines = append(lines, "- "+x.App.Name+": skipped.")
		}
	}
	for _, w := range r.Warnings {
		lines = append(lines, "Warning: "+w)
	}
	lines = append(lines, "The bundle goes to "+r.OutPath+", protected by "+DescribeProtection(r.Protection)+".")
	if r.Authorized == 0 {
		lines = append(lines, "No app is authorized: there is nothing to write.")
	}
	return lines
}
