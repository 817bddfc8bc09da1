// Package wizard is the UI-free core of the ucx-onboard wizard: the
// decisions both front-ends (the full-screen Bubble Tea one and the
// line-by-line accessible one, in package tui) share, so that they are
// made once and only rendered twice.
//
// Use it like this:
//
//  1. NewSession(apps) with the app catalog, or Session.Resume(draft) to
//     take up a saved draft.
//  2. Session.Select(ids) with the apps the engineer chose: it builds the
//     queue of apps still to authorize (Session.Queue; Session.Current is
//     the next one).
//  3. For each app, an Approval: Approval.AfterWait says what the end of a
//     device-code wait means (a fresh code within MaxAutoRenew, a check of
//     who approved, or a final failure), Approval.AfterIdentify what the
//     check found (done, warnings to accept, or a failed check). Keep an
//     approval in the draft as soon as it is known (Session.Keep), and
//     record the app's outcome with Session.Done.
//  4. Session.Snapshot is the draft to save at any time (a projection of
//     the results); Session.Bundle the bundle to write; CheckPassphrase
//     the passphrase rules.
//
// Off the path from one app to the next: Prefetch asks for the next app's
// code (Session.UpNext) while the current one is pending, and Orgs reads
// the org's name and user count once per org in the background
// (Session.ApplyOrgFacts takes them in); after an approval only the
// approver (flows.Client.Approver) decides what comes next.
//
// The package imports no Bubble Tea, lipgloss or huh (a test checks it),
// does no I/O of its own and reads no clock: callers pass the time in, and
// Prefetch and Orgs run the calls and clock they are given on goroutines.
package wizard

import (
	"cmp"
	"slices"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// Status is what became of an app.
type Status int

// The statuses of an app, in the review.
const (
	Pending    Status = iota // not done yet
	Authorized               // approved (and, unless Result.Pending, checked)
	Skipped                  // skipped by the engineer
	Failed                   // failed, then skipped (Result.Reason says why)
)

// Result is what became of one app.
type Result struct {
	App    flows.App
	Status Status
	Grant  store.AppGrant // tokens only in here; never rendered
	Org    store.Org
	// Warnings are the approver warnings the engineer accepted (or, when
	// Undecided, has not decided on yet), each as "AppName: text".
	Warnings []string
	Reason   string // why it failed, sanitized
	// NameWhy and UsersWhy say why this approval's Identify left the
	// org's name and user count unknown ("" when known, or when the
	// approval comes from a draft, which keeps no reasons).
	NameWhy, UsersWhy string
	// An approval kept in the draft before the engineer was done with it
	// (Status is Authorized): Unchecked, its approver was never checked
	// (Identify runs again when its turn comes); Undecided, its approver
	// warnings (in Warnings) were never accepted (the warning comes back).
	// Either way the app is authorized again from there, without a new
	// device code.
	Unchecked, Undecided bool
}

// Pending tells whether an approval still waits for the engineer.
func (r *Result) Pending() bool {
	return r.Status == Authorized && (r.Unchecked || r.Undecided)
}

// BareWarnings are r's warnings without the app's name, as a draft keeps
// them (store.ApprovalNote).
func (r *Result) BareWarnings() []string {
	var w []string
	for _, x := range r.Warnings {
		w = append(w, trimName(x, r.App.Name))
	}
	return w
}

func trimName(w, name string) string {
	if len(w) > len(name)+2 && w[:len(name)] == name && w[len(name):len(name)+2] == ": " {
		return w[len(name)+2:]
	}
	return w
}

// Session is one onboarding: the catalog, the draft (customer, org, ID)
// and what became of each app. Its fields are the front-ends' to read;
// change them through the methods.
type Session struct {
	// Apps is the catalog, in order.
	Apps []flows.App
	// Draft holds the customer, the org and the draft's ID; its app lists
	// are rebuilt from Results by Snapshot.
	Draft store.Draft
	// Results are the outcomes so far, by app ID.
	Results map[string]*Result
	// Selected are the IDs of the apps chosen, in catalog order.
	Selected []string
	// Queue are the IDs of the selected apps still to authorize; the
	// first is the current one.
	Queue []string
	// Blocked are the apps that cannot be authorized (a missing or
	// rejected secret, a refused client), by ID, with why: Select marks
	// them Failed instead of queuing them (see Block).
	Blocked map[string]string
}

// Block marks app id as one that cannot be authorized, reason saying why
// ("cannot be authorized: ..."): Select records it Failed with that
// reason and does not queue it, unless it is already authorized. The
// other apps go on.
func (s *Session) Block(id, reason string) {
	if s.Blocked == nil {
		s.Blocked = map[string]string{}
	}
	s.Blocked[id] = reason
}

// NewSession starts an onboarding of the catalog apps.
func NewSession(apps []flows.App) *Session {
	return &Session{Apps: apps, Results: map[string]*Result{}}
}

// App returns the catalog app with ID id.
func (s *Session) App(id string) (flows.App, bool) {
	for _, a := range s.Apps {
		if a.ID == id {
			return a, true
		}
	}
	return flows.App{}, false
}

// Resume takes up draft d: its customer, org and ID, and its approved and
// skipped apps (of the catalog; others are dropped). An approval whose
// warnings were never accepted comes back Undecided (without the draft's
// org: its approver's may be another, which can be what a warning says);
// one whose approver was never checked comes back Unchecked. Warnings
// carry the app's current name (the catalog may have renamed it since).
func (s *Session) Resume(d store.Draft) {
	s.Draft = d
	s.Results = map[string]*Result{}
	for _, g := range d.Apps {
		app, ok := s.App(g.AppID)
		if !ok {
			continue
		}
		r := &Result{App: app, Status: Authorized, Grant: g, Org: d.Org}
		var note store.ApprovalNote
		if i := slices.IndexFunc(d.Approvals, func(n store.ApprovalNote) bool { return n.AppID == app.ID }); i >= 0 {
			note = d.Approvals[i]
		}
		for _, w := range note.Warnings {
			r.Warnings = append(r.Warnings, app.Name+": "+w)
		}
		r.Grant.AppName = app.Name
		switch {
		case note.Undecided && len(r.Warnings) > 0:
			r.Undecided, r.Org = true, store.Org{}
		case note.Undecided, len(r.Warnings) == 0 && NoApprover(g.Approver):
			// Undecided without its warnings, or never checked: ask
			// Webex again rather than take it as accepted.
			r.Warnings, r.Unchecked = nil, true
		}
		s.Results[g.AppID] = r
	}
	for _, id := range d.SkippedApps {
		if app, ok := s.App(id); ok && s.Results[id] == nil {
			s.Results[id] = &Result{App: app, Status: Skipped}
		}
	}
}

// NoApprover tells an approval whose approver was never checked (one
// checked but not identified, Approver.NotIdentified, was).
func NoApprover(a store.Approver) bool {
	return a.PersonID == "" && a.Email == "" && a.DisplayName == "" && a.NotIdentified == ""
}

// Select chooses the apps to authorize (IDs in catalog order) and queues
// those not authorized yet, or whose approval still waits for the
// engineer (Result.Pending).
func (s *Session) Select(ids []string) {
	s.Selected = ids
	s.Draft.SelectedApps = ids
	s.Queue = nil
	for _, id := range ids {
		r := s.Results[id]
		if r != nil && r.Status == Authorized && !r.Pending() {
			continue
		}
		if why, ok := s.Blocked[id]; ok && (r == nil || r.Status != Authorized) {
			if app, ok := s.App(id); ok {
				s.Results[id] = &Result{App: app, Status: Failed, Reason: why}
			}
			continue
		}
		s.Queue = append(s.Queue, id)
	}
}

// Current is the app to authorize now; ok is false when the queue is done.
func (s *Session) Current() (app flows.App, pos int, ok bool) {
	if len(s.Queue) == 0 {
		return flows.App{}, 0, false
	}
	app, _ = s.App(s.Queue[0])
	return app, slices.Index(s.Selected, app.ID) + 1, true
}

// Keep notes r (an approval not yet finished: the draft must hold it
// before the engineer is asked anything) without moving the queue.
func (s *Session) Keep(r Result) {
	s.Results[r.App.ID] = &r
}

// Forget drops what was noted of app id (the engineer authorizes it again).
func (s *Session) Forget(id string) {
	delete(s.Results, id)
}

// Done records r as its app's outcome and moves the queue on.
func (s *Session) Done(r Result) {
	s.Results[r.App.ID] = &r
	if len(s.Queue) > 0 && s.Queue[0] == r.App.ID {
		s.Queue = s.Queue[1:]
	}
}

// Authorized counts the apps authorized.
func (s *Session) Authorized() int {
	n := 0
	for _, r := range s.Results {
		if r.Status == Authorized {
			n++
		}
	}
	return n
}

// OrgID is the org of the apps authorized so far ("" when none).
func (s *Session) OrgID() string {
	for _, id := range s.Selected {
		if r := s.Results[id]; r != nil && r.Status == Authorized && r.Org.ID != "" {
			return r.Org.ID
		}
	}
	return s.Draft.Org.ID
}

// KnownOrg is the org of the apps authorized so far, with the name and
// user count any of them (or the resumed draft) learned: a later app whose
// token may not read them takes them from here (WithPrior).
func (s *Session) KnownOrg() store.Org {
	o := store.Org{ID: s.OrgID()}
	if o.ID == "" {
		return o
	}
	if s.Draft.Org.ID == o.ID {
		o = s.Draft.Org
	}
	for _, id := range s.Selected {
		if r := s.Results[id]; r != nil && r.Status == Authorized && r.Org.ID == o.ID {
			o.Name = cmp.Or(o.Name, r.Org.Name)
			o.UserCount = max(o.UserCount, r.Org.UserCount)
		}
	}
	return o
}

// Snapshot is the draft of the results so far: the customer, the selection,
// the approvals (with their per-app notes), the skipped and failed apps
// and the org. It also updates s.Draft's org and lists.
func (s *Session) Snapshot() store.Draft {
	d := &s.Draft
	d.SelectedApps = s.Selected
	d.Apps, d.SkippedApps, d.Approvals = nil, nil, nil
	for _, a := range s.Apps {
		r := s.Results[a.ID]
		if r == nil {
			continue
		}
		switch r.Status {
		case Authorized:
			d.Apps = append(d.Apps, r.Grant)
			if r.Org.ID != "" && (d.Org.ID == "" || d.Org.ID == r.Org.ID) {
				// An app whose token may not read the name keeps the one
				// another app of the same org read.
				d.Org.ID, d.Org.Name = r.Org.ID, cmp.Or(r.Org.Name, d.Org.Name)
				d.Org.UserCount = max(d.Org.UserCount, r.Org.UserCount)
			}
			if len(r.Warnings) > 0 || r.Undecided {
				d.Approvals = append(d.Approvals, store.ApprovalNote{AppID: a.ID, Warnings: r.BareWarnings(), Undecided: r.Undecided})
			}
		case Skipped, Failed:
			d.SkippedApps = append(d.SkippedApps, a.ID)
		}
	}
	return *d
}

// Bundle is the bundle of the results: created at now (UTC) by version,
// with the pitfalls raised on the review (BundleWarnings) as its warnings.
func (s *Session) Bundle(now time.Time, version string) store.Bundle {
	d := s.Snapshot()
	review := s.Review()
	warnings := BundleWarnings(review, d.Org)
	apps := slices.Clone(d.Apps)
	for i := range apps {
		for _, r := range review {
			if r.App.ID == apps[i].AppID && r.Status == Authorized {
				apps[i].Approver.Inferred = r.Grant.Approver.Inferred
			}
		}
	}
	return store.Bundle{
		Created:     now.UTC(),
		ToolVersion: version,
		Customer:    d.Customer,
		Org:         d.Org,
		Apps:        apps,
		Warnings:    warnings,
	}
}
