package wizard

import (
	"slices"
	"strings"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// Review is what became of each selected app, in order (an app with no
// result is skipped), for the review and the bundle's warnings.
//
// An authorized app whose approver is not identified gets, in its
// Grant.Approver.Inferred, who probably approved it (InferApprovers).
func (s *Session) Review() []Result {
	var out []Result
	for _, id := range s.Selected {
		if r := s.Results[id]; r != nil {
			out = append(out, *r)
		} else if app, ok := s.App(id); ok {
			out = append(out, Result{App: app, Status: Skipped})
		}
	}
	InferApprovers(out)
	return out
}

// InferWindow is how far apart two approvals of one onboarding may be for
// the same person to have plausibly approved both.
const InferWindow = 15 * time.Minute

// InferApprovers sets Grant.Approver.Inferred of every authorized result
// whose approver is not identified (Approver.NotIdentified): the
// identified approver of the authorized app approved nearest in time,
// within InferWindow, provided every identified approver within that
// window is the same person (by person ID); nil otherwise. An inference
// only: it never sets FullAdmin, the person's fields of the Approver, or
// clears or raises a warning (the Full Admin, admin-email and org checks
// are not made for an approver not identified).
func InferApprovers(rs []Result) {
	for i := range rs {
		a := &rs[i].Grant.Approver
		if rs[i].Status != Authorized || a.NotIdentified == "" {
			continue
		}
		a.Inferred = nil
		var best *Result
		var bestD time.Duration
		same, person := true, ""
		for j := range rs {
			o := &rs[j]
			oa := o.Grant.Approver
			if j == i || o.Status != Authorized || oa.NotIdentified != "" || oa.PersonID == "" {
				continue
			}
			d := o.Grant.ApprovedAt.Sub(rs[i].Grant.ApprovedAt)
			if d < 0 {
				d = -d
			}
			if d > InferWindow {
				continue
			}
			if person != "" && person != oa.PersonID {
				same = false
			}
			person = oa.PersonID
			if best == nil || d < bestD {
				best, bestD = o, d
			}
		}
		if best != nil && same {
			b := best.Grant.Approver
			a.Inferred = &store.InferredApprover{PersonID: b.PersonID, Email: b.Email, DisplayName: b.DisplayName,
				FromApp: best.App.ID, FromName: best.App.Name, Apart: bestD}
		}
	}
}

// InferredText words an inferred approver for the review: "probably Ada
// Admin <ada@acme.example>, who approved Users' Synch 2m0s apart
// (inferred, not verified...)".
func InferredText(i *store.InferredApprover) string {
	if i == nil {
		return ""
	}
	fromName := i.FromName
	if fromName == "" {
		fromName = i.FromApp
	}
	who := flows.Sanitize(i.DisplayName)
	if i.Email != "" {
		who = strings.TrimSpace(who + " <" + flows.Sanitize(i.Email) + ">")
	}
	return "probably " + who + ", who approved " + flows.Sanitize(fromName) + " " + i.Apart.Round(time.Second).String() +
		" apart (inferred, not verified: not checked as Full Admin)"
}

// Gaps says why the org's name and size, as the review has them, are not
// known ("" when known); Org, why the org itself is not (no approver was
// identified, so no org either).
type Gaps struct{ Name, Size, Org string }

// orgNotIdentified is Gaps.Name and Gaps.Size when the org itself is not.
const orgNotIdentified = "the organization is not identified"

// OrgGaps finds why org's name and size are unknown, from the apps
// authorized in it: no app may read them (none holds the scope), or the
// reasons of the apps that could. When apps are authorized but none could
// say who approved (Approver.NotIdentified), the org itself is unknown.
func OrgGaps(apps []Result, org store.Org) Gaps {
	var g Gaps
	if org.ID == "" && org.Name == "" {
		var why []string
		for _, r := range apps {
			if r.Status != Authorized {
				continue
			}
			if r.Grant.Approver.NotIdentified == "" {
				why = nil
				break
			}
			if w := r.Grant.Approver.NotIdentified; !slices.Contains(why, w) {
				why = append(why, w)
			}
		}
		if len(why) > 0 {
			g.Org = "no app's token may read people, so none may say who approved or in which organization"
			g.Name, g.Size = orgNotIdentified, orgNotIdentified
			return g
		}
	}
	if org.Name == "" {
		g.Name = gapText(apps, org, flows.OrganizationsReadScope, func(r Result) string { return r.NameWhy })
	}
	if org.UserCount == 0 {
		g.Size = gapText(apps, org, flows.PeopleReadScope, func(r Result) string { return r.UsersWhy })
	}
	return g
}

func gapText(apps []Result, org store.Org, scope string, why func(Result) string) string {
	can := false
	var reasons []string         // distinct, in order
	who := map[string][]string{} // apps per reason
	for _, r := range apps {
		if r.Status != Authorized || (org.ID != "" && r.Org.ID != "" && r.Org.ID != org.ID) {
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
			who[w] = append(who[w], flows.Sanitize(r.App.Name))
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

// OrgNotes are the review's notes on what is unknown of the org, and why;
// the size only when no presence warning says it already.
func OrgNotes(g Gaps, presenceWarned bool) []string {
	if g.Org != "" {
		return []string{"The organization is not identified: " + g.Org + "; its name and size are unknown."}
	}
	var n []string
	if g.Name != "" {
		n = append(n, "The organization's name is unknown: "+g.Name+".")
	}
	if g.Size != "" && !presenceWarned {
		n = append(n, "The organization's size could not be checked: "+g.Size+".")
	}
	return n
}

// holds tells whether r's token holds scope (the granted scopes, or the
// app's when Webex did not say).
func holds(r Result, scope string) bool {
	s := r.Grant.Scopes
	if len(s) == 0 {
		s = r.App.Scopes
	}
	return slices.Contains(s, scope)
}

// BundleWarnings are the pitfalls raised before COMPLETE REQUEST, in the
// words written into the bundle. With only, the warnings about skipped and
// failed apps are left out (the review lists those apps anyway). The
// presence warning is raised when the org has more than 1,000 users, and
// also when its size could not be checked (saying why).
func BundleWarnings(apps []Result, org store.Org, only ...Status) []string {
	var w []string
	for _, r := range apps {
		switch {
		case r.Status != Authorized || !IsPresence(r.App):
		case org.UserCount > 1000:
			w = append(w, "The organization has more than 1,000 users: do not enable the presence integration ("+
				r.App.Name+"); Cisco's API does not support it.")
		case org.UserCount == 0:
			w = append(w, "The organization's size could not be checked ("+OrgGaps(apps, org).Size+
				"): make sure it has at most 1,000 users before enabling the presence integration ("+
				r.App.Name+"); Cisco's API does not support more.")
		}
	}
	for _, r := range apps {
		w = append(w, r.Warnings...)
		if r.Status == Authorized && r.Unchecked {
			// Not reached through the wizard (the check runs again first).
			w = append(w, r.App.Name+": Could not tell who approved (the approver was not checked).")
		}
		if len(only) > 0 {
			continue
		}
		switch r.Status {
		case Skipped:
			w = append(w, r.App.Name+" was skipped: its features will not work until it is authorized.")
		case Failed:
			w = append(w, r.App.Name+" failed: "+r.Reason)
		}
	}
	return w
}

// IsPresence tells the presence connector app apart.
func IsPresence(a flows.App) bool {
	return strings.Contains(strings.ToLower(a.ID+" "+a.Name), "presence")
}
