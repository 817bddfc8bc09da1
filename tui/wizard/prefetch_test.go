package wizard

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// fakeStarts answers each Start with a code of the app that expires life
// after the clock's now; block holds an answer until released.
type fakeStarts struct {
	clock *fakeClock
	life  time.Duration
	err   error

	mu     sync.Mutex
	calls  []string
	gate   chan struct{} // nil: answer at once
	ctxErr []error
}

func (f *fakeStarts) start(ctx context.Context, app flows.App) (flows.DeviceCode, error) {
	f.mu.Lock()
	f.calls = append(f.calls, app.ID)
	n := len(f.calls)
	gate := f.gate
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			f.mu.Lock()
			f.ctxErr = append(f.ctxErr, ctx.Err())
			f.mu.Unlock()
			return flows.DeviceCode{}, ctx.Err()
		}
	}
	if f.err != nil {
		return flows.DeviceCode{}, f.err
	}
	return flows.DeviceCode{UserCode: app.ID + "-" + string(rune('0'+n)), IssuedAt: f.clock.Now(), Expiry: f.clock.Now().Add(f.life), Interval: 5 * time.Second}, nil
}

func (f *fakeStarts) count() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.calls) }

// settle waits until p holds no request still on its way (a prefetch
// answers at once unless gated).
func settle(t *testing.T, p *Prefetch, appID string) {
	t.Helper()
	p.mu.Lock()
	f := p.pending[appID]
	p.mu.Unlock()
	if f == nil {
		t.Fatalf("no prefetch of %s", appID)
	}
	<-f.done
}

func TestPrefetch(t *testing.T) {
	a := apps()
	for _, tc := range []struct {
		name     string
		life     time.Duration // of a code
		err      error         // of Start
		before   func(t *testing.T, p *Prefetch, c *fakeClock)
		wantOK   bool
		wantCode string
		starts   int
	}{
		{name: "a fresh code is handed over", life: 5 * time.Minute, wantOK: true, wantCode: "presence-1", starts: 1},
		{name: "asking twice asks once", life: 5 * time.Minute, wantOK: true, wantCode: "presence-1", starts: 1,
			before: func(t *testing.T, p *Prefetch, c *fakeClock) { p.Ahead(a[1]) }},
		{name: "a code with less than a minute left is not shown", life: 5 * time.Minute, starts: 1,
			before: func(t *testing.T, p *Prefetch, c *fakeClock) { c.Add(4*time.Minute + time.Second) }},
		{name: "exactly a minute left is shown", life: 5 * time.Minute, wantOK: true, wantCode: "presence-1", starts: 1,
			before: func(t *testing.T, p *Prefetch, c *fakeClock) { c.Add(4 * time.Minute) }},
		{name: "refreshed before it gets too old", life: 5 * time.Minute, wantOK: true, wantCode: "presence-2", starts: 2,
			before: func(t *testing.T, p *Prefetch, c *fakeClock) {
				c.Add(3*time.Minute + 31*time.Second)
				p.Refresh()
				settle(t, p, "presence")
				c.Add(time.Minute)
			}},
		{name: "not refreshed while young", life: 5 * time.Minute, wantOK: true, wantCode: "presence-1", starts: 1,
			before: func(t *testing.T, p *Prefetch, c *fakeClock) { c.Add(3 * time.Minute); p.Refresh() }},
		{name: "a failed prefetch leaves the start to the screen", life: 5 * time.Minute, err: errors.New("flows: boom"), starts: 1},
		{name: "dropped on skip", life: 5 * time.Minute, starts: 1,
			before: func(t *testing.T, p *Prefetch, c *fakeClock) { p.Drop("presence") }},
		{name: "dropped on quit", life: 5 * time.Minute, starts: 1,
			before: func(t *testing.T, p *Prefetch, c *fakeClock) { p.Close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{now: t0}
			fs := &fakeStarts{clock: clock, life: tc.life, err: tc.err}
			p := NewPrefetch(context.Background(), fs.start, clock.Now)
			p.Ahead(a[1])
			settle(t, p, "presence")
			if tc.before != nil {
				tc.before(t, p, clock)
			}
			code, ok := p.Take(context.Background(), a[1])
			if ok != tc.wantOK || code.UserCode != tc.wantCode {
				t.Errorf("Take = %q, %v; want %q, %v", code.UserCode, ok, tc.wantCode, tc.wantOK)
			}
			if ok && !code.IssuedAt.Equal(clock.Now()) {
				t.Errorf("IssuedAt %v, want the moment it is shown (%v): its first poll is one interval later", code.IssuedAt, clock.Now())
			}
			if n := fs.count(); n != tc.starts || p.Starts() != tc.starts {
				t.Errorf("%d starts (%d counted), want %d", n, p.Starts(), tc.starts)
			}
			if _, again := p.Take(context.Background(), a[1]); again {
				t.Error("a code was handed over twice")
			}
		})
	}
}

// TestPrefetchWaitsAndCancels: Take waits for a code on its way (no second
// request); Drop and Close cancel a request on its way; nothing is asked
// after Close.
func TestPrefetchWaitsAndCancels(t *testing.T) {
	a := apps()
	clock := &fakeClock{now: t0}
	gate := make(chan struct{})
	fs := &fakeStarts{clock: clock, life: 5 * time.Minute, gate: gate}
	p := NewPrefetch(context.Background(), fs.start, clock.Now)

	p.Ahead(a[1])
	if p.Ready("presence") {
		t.Error("Ready before the answer")
	}
	close(gate)
	code, ok := p.Take(context.Background(), a[1])
	if !ok || code.UserCode != "presence-1" || fs.count() != 1 {
		t.Fatalf("Take = %q, %v after %d starts", code.UserCode, ok, fs.count())
	}

	fs.mu.Lock()
	fs.gate = make(chan struct{}) // never opened
	fs.mu.Unlock()
	held := func(id string) *prefetched {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.pending[id]
	}
	p.Ahead(a[2])
	f := held("cdr")
	p.Drop("cdr")
	<-f.done
	p.Ahead(a[0])
	g := held("users")
	p.Close()
	<-g.done
	for _, x := range []*prefetched{f, g} {
		if !errors.Is(x.err, context.Canceled) {
			t.Errorf("%s: %v, want canceled", x.app.ID, x.err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, ok := p.Take(ctx, a[0]); ok {
		t.Error("Take after Close handed a code over")
	}

	root, stop := context.WithCancel(context.Background())
	q := NewPrefetch(root, fs.start, clock.Now)
	stop()
	before := fs.count()
	q.Ahead(a[1])
	if fs.count() != before {
		t.Error("asked for a code after the wizard's context ended")
	}
}

func TestOrgs(t *testing.T) {
	users := flows.App{ID: "users", Name: "Users", Scopes: []string{flows.PeopleReadScope, flows.OrganizationsReadScope}}
	cdr := flows.App{ID: "cdr", Name: "CDR", Scopes: []string{"spark-admin:calling_cdr_read"}}
	name := flows.App{ID: "name", Name: "Name", Scopes: []string{flows.OrganizationsReadScope}}
	tok := func(app flows.App) flows.Grant {
		return flows.Grant{AccessToken: store.NewSecret("tok-FAKE-" + app.ID)}
	}

	type call struct{ app, scope string }
	var mu sync.Mutex
	var calls []call
	fetch := func(ctx context.Context, app flows.App, g flows.Grant, orgID string) (flows.Identity, error) {
		mu.Lock()
		calls = append(calls, call{app.ID, g.Scopes[0]})
		mu.Unlock()
		id := flows.Identity{OrgID: orgID, OrgNameUnknown: flows.UnknownNoScope, OrgUsersUnknown: flows.UnknownNoScope}
		switch g.Scopes[0] {
		case flows.OrganizationsReadScope:
			id.OrgName, id.OrgNameUnknown = "Acme", flows.Known
		case flows.PeopleReadScope:
			id.OrgUsers, id.OrgUsersCounted, id.OrgUsersUnknown = 1500, true, flows.Known
		}
		return id, nil
	}
	notified := make(chan string, 10)
	o := NewOrgs(context.Background(), fetch, func(id string) { notified <- id })

	if o.Fetch(cdr, tok(cdr), "org-1") {
		t.Error("an app without the scopes started a read")
	}
	if !o.Fetch(name, tok(name), "org-1") {
		t.Error("the first app with organizations_read started nothing")
	}
	f, err := o.Wait(context.Background(), "org-1")
	if err != nil || f.OrgName != "Acme" || f.OrgUsersCounted || f.OrgUsersUnknown != flows.UnknownNoScope || f.Pending {
		t.Errorf("after the name: %+v, %v", f, err)
	}
	if !o.Fetch(users, tok(users), "org-1") {
		t.Error("the first app with people_read did not count")
	}
	if o.Fetch(users, tok(users), "org-1") || o.Fetch(name, tok(name), "org-1") {
		t.Error("a fact was read twice")
	}
	f, _ = o.Wait(context.Background(), "org-1")
	if f.OrgName != "Acme" || f.OrgUsers != 1500 || !f.OrgUsersCounted {
		t.Errorf("facts %+v", f)
	}
	if !slices.Equal(calls, []call{{"name", flows.OrganizationsReadScope}, {"users", flows.PeopleReadScope}}) || o.Calls() != 2 {
		t.Errorf("calls %v (%d)", calls, o.Calls())
	}
	if got := []string{<-notified, <-notified}; got[0] != "org-1" || got[1] != "org-1" {
		t.Errorf("notified %v", got)
	}

	// The session takes them: results of that org, the draft, the review.
	s := NewSession([]flows.App{users, cdr})
	s.Select([]string{"users", "cdr"})
	s.Done(Result{App: users, Status: Authorized, Org: store.Org{ID: "org-1"}, Grant: store.AppGrant{AppID: "users"}})
	s.Done(Result{App: cdr, Status: Authorized, Org: store.Org{ID: "org-1"}, Grant: store.AppGrant{AppID: "cdr"}})
	s.ApplyOrgFacts(f)
	if d := s.Snapshot(); d.Org.Name != "Acme" || d.Org.UserCount != 1500 {
		t.Errorf("draft org %+v", d.Org)
	}
	if g := OrgGaps(s.Review(), s.KnownOrg()); g.Name != "" || g.Size != "" {
		t.Errorf("gaps %+v", g)
	}
}

// TestApplyOrgFactsUnknown: a refused count is the reason of the apps that
// hold people_read; the others say nothing.
func TestApplyOrgFactsUnknown(t *testing.T) {
	users := flows.App{ID: "users", Name: "Users", Scopes: []string{flows.PeopleReadScope}}
	cdr := flows.App{ID: "cdr", Name: "CDR", Scopes: []string{"spark-admin:calling_cdr_read"}}
	s := NewSession([]flows.App{users, cdr})
	s.Select([]string{"users", "cdr"})
	s.Done(Result{App: users, Status: Authorized, Org: store.Org{ID: "org-1"}})
	s.Done(Result{App: cdr, Status: Authorized, Org: store.Org{ID: "org-1"}})
	forbidden := errors.Join(flows.ErrForbidden, &flows.WebexError{Status: 403})
	s.ApplyOrgFacts(OrgFacts{Identity: flows.Identity{OrgID: "org-1", OrgNameUnknown: flows.UnknownNoScope,
		OrgUsersUnknown: flows.UnknownForbidden, OrgUsersErr: forbidden}})
	if r := s.Results["users"]; r.UsersWhy == "" || r.NameWhy != "" {
		t.Errorf("users: name %q, users %q", r.NameWhy, r.UsersWhy)
	}
	if r := s.Results["cdr"]; r.UsersWhy != "" {
		t.Errorf("cdr: users %q", r.UsersWhy)
	}
	if g := OrgGaps(s.Review(), s.KnownOrg()); g.Size == "" || g.Name == "" {
		t.Errorf("gaps %+v", g)
	}
}

func TestUpNext(t *testing.T) {
	s := NewSession(apps())
	s.Select([]string{"users", "presence", "cdr"})
	if app, ok := s.UpNext(); !ok || app.ID != "presence" {
		t.Errorf("UpNext = %v, %v", app.ID, ok)
	}
	s.Keep(Result{App: apps()[2], Status: Authorized, Unchecked: true}) // resumed, pending: no code
	s.Done(Result{App: apps()[0], Status: Skipped})
	s.Done(Result{App: apps()[1], Status: Skipped})
	if app, ok := s.UpNext(); ok {
		t.Errorf("UpNext past the last app: %v", app.ID)
	}
	s2 := NewSession(apps())
	s2.Keep(Result{App: apps()[1], Status: Authorized, Undecided: true, Warnings: []string{"Presence: x"}})
	s2.Select([]string{"users", "presence", "cdr"})
	if app, ok := s2.UpNext(); ok {
		t.Errorf("UpNext of an approval waiting for the engineer: %v", app.ID)
	}
}

// TestBackgroundPanics: a panic in a prefetch or an org read is a failed
// call, not the end of the program (it would leave the terminal in raw
// mode and the draft unsaved): the prefetched code is not handed over, so
// the front-end asks again where it recovers panics, and the fact stays
// unknown.
func TestBackgroundPanics(t *testing.T) {
	a := apps()
	c := &fakeClock{now: time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)}
	p := NewPrefetch(context.Background(), func(context.Context, flows.App) (flows.DeviceCode, error) {
		panic("start blew up")
	}, c.Now)
	p.Ahead(a[1])
	if _, ok := p.Take(context.Background(), a[1]); ok {
		t.Error("a prefetch that panicked handed over a code")
	}

	users := flows.App{ID: "users", Scopes: []string{flows.PeopleReadScope}}
	o := NewOrgs(context.Background(), func(context.Context, flows.App, flows.Grant, string) (flows.Identity, error) {
		panic("org read blew up")
	}, nil)
	if !o.Fetch(users, flows.Grant{AccessToken: store.NewSecret("tok-FAKE-users")}, "org-1") {
		t.Fatal("no read started")
	}
	f, err := o.Wait(context.Background(), "org-1")
	if err != nil || f.Pending || f.OrgUsersCounted {
		t.Errorf("after a panicking read: %+v, %v", f, err)
	}
}

// settleAll waits until p holds no request still on its way.
func settleAll(p *Prefetch) {
	p.mu.Lock()
	var dones []chan struct{}
	for _, f := range p.pending {
		dones = append(dones, f.done)
	}
	p.mu.Unlock()
	for _, d := range dones {
		<-d
	}
}

// TestPrefetchBounded: whatever the code lifetime, the next app's code is
// asked for at most once per half of its lifetime (66 s of 250 ms ticks,
// each also asking Ahead, as a front-end may); a code too short-lived to
// wait for its turn is asked for once, then only when shown. The storm
// this prevents: 213 requests in 66 s with codes of 90 s or less.
func TestPrefetchBounded(t *testing.T) {
	a := apps()
	for _, tc := range []struct {
		life      time.Duration
		maxStarts int
		prefetch  bool // codes still prefetched at the end
	}{
		{45 * time.Second, 1, false}, // Dex
		{59 * time.Second, 1, false},
		{89 * time.Second, 1, false},
		{90 * time.Second, 2, true}, // at 0 s and 45 s
		{120 * time.Second, 2, true},
		{300 * time.Second, 1, true}, // Webex
	} {
		t.Run(tc.life.String(), func(t *testing.T) {
			clock := &fakeClock{now: t0}
			fs := &fakeStarts{clock: clock, life: tc.life}
			p := NewPrefetch(context.Background(), fs.start, clock.Now)
			for tick := 0; tick <= 66*4; tick++ {
				p.Ahead(a[1])
				settleAll(p)
				p.Refresh()
				settleAll(p)
				clock.Add(250 * time.Millisecond)
			}
			if n := fs.count(); n > tc.maxStarts || n != p.Starts() {
				t.Errorf("%d device authorizations in 66 s (Starts %d), want at most %d", n, p.Starts(), tc.maxStarts)
			}
			if got := p.Ready(a[1].ID); got != tc.prefetch {
				t.Errorf("a code held at the end: %v, want %v", got, tc.prefetch)
			}
			// When its turn comes, a short-lived app's code is asked for
			// then, by the screen.
			if _, ok := p.Take(context.Background(), a[1]); ok && !tc.prefetch {
				t.Error("a short-lived code was handed over")
			}
		})
	}
}
