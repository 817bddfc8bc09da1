package wizard

import (
	"context"
	"slices"
	"sync"

	"github.com/imagicle/ucx-onboard/flows"
)

// OrgFactsFunc reads the org's name and user count with app's grant g,
// each only when g's scopes hold the scope it needs (flows.Client.OrgFacts
// without retry reports: the work is not on any screen).
type OrgFactsFunc func(ctx context.Context, app flows.App, g flows.Grant, orgID string) (flows.Identity, error)

// Orgs reads the org's name and counts its users in the background, off
// the path from one app to the next: once per org and fact, with the
// token of the first approved app that holds the scope. Only the approver
// (flows.Client.Approver) decides whether the wizard warns; the name and
// size are only needed by the review, which waits for them (Wait) if they
// have not arrived yet.
//
// Use it like this: Fetch after each approval whose approver is checked
// (with the app's grant and the approver's org); Facts at any time (what
// has arrived); Wait before the review; Session.ApplyOrgFacts with what
// arrived. Close cancels what is under way (the wizard quits). Safe for
// concurrent use.
type Orgs struct {
	ctx    context.Context
	fetch  OrgFactsFunc
	notify func(orgID string)

	mu    sync.Mutex
	facts map[string]*orgJobs
	calls int
	// version counts the reads started and ended, so that what Facts
	// returns is ordered (OrgFacts.Version).
	version int
}

// orgJobs are the reads of one org: name and count, each started at most
// once (again only after a canceled one).
type orgJobs struct {
	name, count *orgJob
}

type orgJob struct {
	cancel context.CancelFunc
	done   chan struct{}
	id     flows.Identity
	err    error
}

// NewOrgs returns an Orgs whose reads run under ctx, call fetch, and call
// notify (when not nil) with the org's ID, from the read's goroutine, each
// time a read ends.
func NewOrgs(ctx context.Context, fetch OrgFactsFunc, notify func(orgID string)) *Orgs {
	return &Orgs{ctx: ctx, fetch: fetch, notify: notify, facts: map[string]*orgJobs{}}
}

// Fetch starts reading what is still unread of org orgID that app's grant g
// may read: the name with spark-admin:organizations_read, the count with
// spark-admin:people_read (g's scopes, or the app's when Webex did not
// say). It reports whether it started anything.
func (o *Orgs) Fetch(app flows.App, g flows.Grant, orgID string) bool {
	if o == nil || orgID == "" || g.AccessToken.IsZero() {
		return false
	}
	scopes := g.Scopes
	if len(scopes) == 0 {
		scopes = app.Scopes
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	j := o.facts[orgID]
	if j == nil {
		j = &orgJobs{}
		o.facts[orgID] = j
	}
	started := false
	if slices.Contains(scopes, flows.OrganizationsReadScope) && redo(j.name) {
		j.name, started = o.launchLocked(app, g, orgID, flows.OrganizationsReadScope), true
	}
	if slices.Contains(scopes, flows.PeopleReadScope) && redo(j.count) {
		j.count, started = o.launchLocked(app, g, orgID, flows.PeopleReadScope), true
	}
	return started
}

// redo tells whether a fact must be read (again): never read, or its read
// was canceled.
func redo(j *orgJob) bool {
	if j == nil {
		return true
	}
	select {
	case <-j.done:
		return j.err != nil
	default:
		return false
	}
}

// launchLocked reads the one fact that scope allows, with a grant narrowed
// to that scope.
func (o *Orgs) launchLocked(app flows.App, g flows.Grant, orgID, scope string) *orgJob {
	ctx, cancel := context.WithCancel(o.ctx)
	j := &orgJob{cancel: cancel, done: make(chan struct{})}
	g.Scopes = []string{scope}
	o.calls++
	o.version++
	go func() {
		func() {
			defer close(j.done)
			// A panic here would end the program with the terminal in raw
			// mode and no draft saved: the fact is unknown instead.
			defer func() {
				if recover() != nil {
					j.err = errInternal
				}
			}()
			j.id, j.err = o.fetch(ctx, app, g, orgID)
		}()
		o.mu.Lock()
		o.version++
		o.mu.Unlock()
		if o.notify != nil {
			o.notify(orgID)
		}
	}()
	return j
}

// Calls counts the reads started (one per org and fact, plus the ones
// started again after a cancel).
func (o *Orgs) Calls() int {
	if o == nil {
		return 0
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.calls
}

// OrgFacts is what has arrived of an org.
type OrgFacts struct {
	// Identity holds the org's ID and its OrgName* and OrgUsers* fields,
	// as flows.Client.OrgFacts words them (UnknownNoScope for a fact no
	// app asked for yet).
	flows.Identity
	// Pending tells that a read is still under way.
	Pending bool
	// Version orders the Facts of one Orgs: one taken later has a Version
	// at least as high. What reaches a front-end late (a read's end,
	// reported after a newer read started) has a lower one, and is older
	// than what the front-end has.
	Version int
}

// Facts is what has arrived of org orgID so far.
func (o *Orgs) Facts(orgID string) OrgFacts {
	f := OrgFacts{Identity: flows.Identity{OrgID: orgID, OrgNameUnknown: flows.UnknownNoScope, OrgUsersUnknown: flows.UnknownNoScope}}
	if o == nil {
		return f
	}
	o.mu.Lock()
	var jobs []*orgJob // read under the lock: Fetch replaces them
	if j := o.facts[orgID]; j != nil {
		jobs = []*orgJob{j.name, j.count}
	}
	f.Version = o.version
	o.mu.Unlock()
	for i, x := range jobs {
		if x == nil {
			continue
		}
		select {
		case <-x.done:
		default:
			f.Pending = true
			continue
		}
		if x.err != nil {
			continue // canceled: still unknown
		}
		if i == 0 { // the name's
			f.OrgName, f.OrgNameUnknown, f.OrgNameErr = x.id.OrgName, x.id.OrgNameUnknown, x.id.OrgNameErr
		} else {
			f.OrgUsers, f.OrgUsersCounted = x.id.OrgUsers, x.id.OrgUsersCounted
			f.OrgUsersUnknown, f.OrgUsersErr = x.id.OrgUsersUnknown, x.id.OrgUsersErr
		}
	}
	return f
}

// Wait waits until no read of org orgID is under way, or ctx is done, and
// returns what has arrived.
func (o *Orgs) Wait(ctx context.Context, orgID string) (OrgFacts, error) {
	if o != nil {
		o.mu.Lock()
		j := o.facts[orgID]
		o.mu.Unlock()
		if j != nil {
			for _, x := range []*orgJob{j.name, j.count} {
				if x == nil {
					continue
				}
				select {
				case <-x.done:
				case <-ctx.Done():
					return o.Facts(orgID), ctx.Err()
				}
			}
		}
	}
	return o.Facts(orgID), nil
}

// Close cancels every read under way.
func (o *Orgs) Close() {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, j := range o.facts {
		for _, x := range []*orgJob{j.name, j.count} {
			if x != nil {
				x.cancel()
			}
		}
	}
}

// ApplyOrgFacts gives what arrived of an org (f, from Orgs.Facts) to the
// results of the apps authorized in it: the name and the user count, or
// why they are unknown (Result.NameWhy, UsersWhy, for the apps whose
// token holds the scope). Snapshot then puts them in the draft, and the
// review and the bundle have them.
func (s *Session) ApplyOrgFacts(f OrgFacts) {
	if f.OrgID == "" {
		return
	}
	if s.Draft.Org.ID == f.OrgID {
		if f.OrgName != "" {
			s.Draft.Org.Name = flows.Sanitize(f.OrgName)
		}
		if f.OrgUsersCounted {
			s.Draft.Org.UserCount = f.OrgUsers
		}
	}
	for _, r := range s.Results {
		if r.Status != Authorized || r.Org.ID != f.OrgID {
			continue
		}
		if f.OrgName != "" {
			r.Org.Name, r.NameWhy = flows.Sanitize(f.OrgName), ""
		} else if holds(*r, flows.OrganizationsReadScope) && f.OrgNameUnknown != flows.UnknownNoScope {
			r.NameWhy = UnknownWhy(f.OrgNameUnknown, f.OrgNameErr, flows.OrganizationsReadScope)
		}
		if f.OrgUsersCounted {
			r.Org.UserCount, r.UsersWhy = f.OrgUsers, ""
		} else if holds(*r, flows.PeopleReadScope) && f.OrgUsersUnknown != flows.UnknownNoScope {
			r.UsersWhy = UnknownWhy(f.OrgUsersUnknown, f.OrgUsersErr, flows.PeopleReadScope)
		}
	}
}

// UpNext is the app whose code to prefetch while the current one's is
// pending: the second in the queue, unless its approval is only waiting
// for the engineer (Result.Pending: no code is asked for it).
func (s *Session) UpNext() (flows.App, bool) {
	if len(s.Queue) < 2 {
		return flows.App{}, false
	}
	id := s.Queue[1]
	if r := s.Results[id]; r != nil && r.Status == Authorized {
		return flows.App{}, false
	}
	return s.App(id)
}
