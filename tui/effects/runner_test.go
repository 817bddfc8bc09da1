package effects

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

var t0 = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

// fixedClock is a flows.Clock that stays at t0; After never fires.
type fixedClock struct{}

func (fixedClock) Now() time.Time                       { return t0 }
func (fixedClock) After(time.Duration) <-chan time.Time { return nil }

var (
	users = flows.App{ID: "users", Name: "Users", ClientID: "C1", Scopes: []string{flows.PeopleReadScope}}
	cdr   = flows.App{ID: "cdr", Name: "CDR", ClientID: "C3", Scopes: []string{"spark-admin:calling_cdr_read"}}
	acme  = store.Customer{Company: "Acme", AdminEmail: "jane.admin@acme.example", Deployment: store.DeploymentCloud}
)

func codeOf(app flows.App, n int) flows.DeviceCode {
	return flows.DeviceCode{AppID: app.ID, UserCode: fmt.Sprintf("CODE-%s-%d", app.ID, n),
		VerificationURI: "https://login.example/device", IssuedAt: t0, Expiry: t0.Add(5 * time.Minute), Interval: 5 * time.Second}
}

func grantOf(app flows.App) flows.Grant {
	return flows.Grant{AccessToken: store.NewSecret("tok-FAKE-access-" + app.ID), RefreshToken: store.NewSecret("tok-FAKE-refresh-" + app.ID),
		TokenType: "Bearer", ObtainedAt: t0, AccessTokenExpiry: t0.Add(time.Hour)}
}

func jane() flows.Identity {
	return flows.Identity{PersonID: "p-jane", Emails: []string{"Jane.Admin@acme.example"}, DisplayName: "Jane Admin",
		OrgID: "org-1", OrgName: "Acme", FullAdmin: true, OrgUsers: 250, OrgUsersCounted: true}
}

// startCall is one Authorizer.Start: the app, its context, and whether it
// had retry reports (the foreground's) or not (a prefetch's).
type startCall struct {
	app       flows.App
	ctx       context.Context
	reporting bool
}

// fakeAuth is an Authorizer whose methods are the test's functions; a nil
// one answers at once (a code, a grant, jane). Every Start is recorded,
// and sent on started when that is not nil.
type fakeAuth struct {
	start    func(ctx context.Context, app flows.App, onRetry func(flows.RetryEvent)) (flows.DeviceCode, error)
	wait     func(ctx context.Context, app flows.App, code flows.DeviceCode, report func(flows.PollEvent)) (flows.Grant, error)
	approver func(ctx context.Context, app flows.App, g flows.Grant, onRetry func(flows.RetryEvent)) (flows.Identity, error)
	orgFacts func(ctx context.Context, app flows.App, g flows.Grant, orgID string) (flows.Identity, error)
	started  chan startCall

	mu     sync.Mutex
	starts []startCall
}

func (a *fakeAuth) Start(ctx context.Context, app flows.App, onRetry func(flows.RetryEvent)) (flows.DeviceCode, error) {
	c := startCall{app: app, ctx: ctx, reporting: onRetry != nil}
	a.mu.Lock()
	a.starts = append(a.starts, c)
	n := len(a.starts)
	a.mu.Unlock()
	if a.started != nil {
		a.started <- c
	}
	if a.start != nil {
		return a.start(ctx, app, onRetry)
	}
	return codeOf(app, n), nil
}

func (a *fakeAuth) Wait(ctx context.Context, app flows.App, code flows.DeviceCode, report func(flows.PollEvent)) (flows.Grant, error) {
	if a.wait != nil {
		return a.wait(ctx, app, code, report)
	}
	return grantOf(app), nil
}

func (a *fakeAuth) Approver(ctx context.Context, app flows.App, g flows.Grant, onRetry func(flows.RetryEvent)) (flows.Identity, error) {
	if a.approver != nil {
		return a.approver(ctx, app, g, onRetry)
	}
	return jane(), nil
}

func (a *fakeAuth) OrgFacts(ctx context.Context, app flows.App, g flows.Grant, orgID string, _ func(flows.RetryEvent)) (flows.Identity, error) {
	if a.orgFacts != nil {
		return a.orgFacts(ctx, app, g, orgID)
	}
	return jane(), nil
}

func (a *fakeAuth) startCalls() []startCall {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.starts)
}

// blockingWait is a Wait that sends its context on ctxs and returns once
// it is done.
func blockingWait(ctxs chan<- context.Context) func(context.Context, flows.App, flows.DeviceCode, func(flows.PollEvent)) (flows.Grant, error) {
	return func(ctx context.Context, _ flows.App, _ flows.DeviceCode, _ func(flows.PollEvent)) (flows.Grant, error) {
		ctxs <- ctx
		<-ctx.Done()
		return flows.Grant{}, ctx.Err()
	}
}

// fakeDrafts is a DraftStore that records its calls in order. With gate
// set, Save sends on entered (when not nil) and then waits for gate to be
// closed. inSave counts the saves under way; Remove records how many
// there were when it was called.
type fakeDrafts struct {
	gate    chan struct{}
	entered chan string
	saveErr error
	infos   []wizard.DraftInfo
	listErr error
	loaded  map[string]store.Draft

	mu        sync.Mutex
	log       []string // "save <ID> <Company>", "remove <ID>", "record <ID>", "list", "load <ID>"
	saved     []store.Draft
	inSave    int
	overlaps  int // Removes called while a save was under way
	recordErr error
	records   []*store.Completion
	ids       int
}

func (d *fakeDrafts) NewID() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ids++
	return fmt.Sprintf("new-%d", d.ids)
}

func (d *fakeDrafts) Save(dr *store.Draft) error {
	d.mu.Lock()
	d.inSave++
	d.mu.Unlock()
	if d.gate != nil {
		if d.entered != nil {
			d.entered <- dr.ID
		}
		<-d.gate
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.inSave--
	if dr.ID == "" {
		d.ids++
		dr.ID = fmt.Sprintf("new-%d", d.ids)
	}
	d.log = append(d.log, "save "+dr.ID+" "+dr.Customer.Company)
	d.saved = append(d.saved, *dr)
	return d.saveErr
}

func (d *fakeDrafts) List() ([]wizard.DraftInfo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.log = append(d.log, "list")
	return d.infos, d.listErr
}

func (d *fakeDrafts) Load(id string) (store.Draft, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.log = append(d.log, "load "+id)
	dr, ok := d.loaded[id]
	if !ok {
		return store.Draft{}, errNoDraft
	}
	return dr, nil
}

func (d *fakeDrafts) Remove(id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inSave > 0 {
		d.overlaps++
	}
	d.log = append(d.log, "remove "+id)
	if _, ok := d.loaded[id]; d.loaded != nil && !ok {
		return errNoDraft
	}
	return nil
}

func (d *fakeDrafts) Record(dr *store.Draft, c *store.Completion) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.recordErr != nil {
		return d.recordErr
	}
	if dr.ID == "" {
		d.ids++
		dr.ID = fmt.Sprintf("new-%d", d.ids)
	}
	d.log = append(d.log, "record "+dr.ID)
	d.records = append(d.records, c)
	return nil
}

func (d *fakeDrafts) calls() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.log)
}

var (
	errNoDraft = errors.New("no such draft")
	errBoom    = errors.New("boom")
)

func noProgress(t *testing.T) func(wizard.Event) {
	return func(ev wizard.Event) { t.Errorf("unexpected progress %T", ev) }
}

func newRunner(t *testing.T, deps Deps) *Runner {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if deps.Clock == nil {
		deps.Clock = fixedClock{}
	}
	return New(ctx, deps, nil)
}

// TestRunAnswers: each effect answers with the event its doc names,
// carrying what its dependency returned (and the effect's Gen).
func TestRunAnswers(t *testing.T) {
	checks := []wizard.Check{{Name: "App catalog and secrets", OK: true}}
	infos := []wizard.DraftInfo{{ID: "d1", Company: "Acme"}}
	loaded := store.Draft{ID: "d1", Customer: acme}
	polled := false
	for _, tc := range []struct {
		name   string
		deps   func(*Deps)
		effect wizard.Effect
		want   wizard.Event
	}{
		{name: "checks, none", effect: wizard.RunChecks{}, want: wizard.ChecksRan{}},
		{name: "checks", deps: func(d *Deps) {
			d.Preflight = func(context.Context) []wizard.Check { return checks }
		}, effect: wizard.RunChecks{}, want: wizard.ChecksRan{Checks: checks}},
		{name: "list", deps: func(d *Deps) { d.Drafts = &fakeDrafts{infos: infos} },
			effect: wizard.ListDrafts{}, want: wizard.DraftsListed{Infos: infos}},
		{name: "list fails", deps: func(d *Deps) { d.Drafts = &fakeDrafts{listErr: errBoom} },
			effect: wizard.ListDrafts{}, want: wizard.DraftsListed{Err: errBoom}},
		{name: "load", deps: func(d *Deps) { d.Drafts = &fakeDrafts{loaded: map[string]store.Draft{"d1": loaded}} },
			effect: wizard.LoadDraft{ID: "d1"}, want: wizard.DraftLoaded{Draft: loaded}},
		{name: "load fails", deps: func(d *Deps) { d.Drafts = &fakeDrafts{loaded: map[string]store.Draft{}} },
			effect: wizard.LoadDraft{ID: "d2"}, want: wizard.DraftLoaded{Err: errNoDraft}},
		{name: "discard", deps: func(d *Deps) { d.Drafts = &fakeDrafts{loaded: map[string]store.Draft{"d1": loaded}} },
			effect: wizard.RemoveDraft{ID: "d1"}, want: wizard.DraftDiscarded{ID: "d1"}},
		{name: "discard fails", deps: func(d *Deps) { d.Drafts = &fakeDrafts{loaded: map[string]store.Draft{}} },
			effect: wizard.RemoveDraft{ID: "d2"}, want: wizard.DraftDiscarded{ID: "d2", Err: errNoDraft}},
		{name: "start", effect: wizard.StartCode{Gen: 3, App: users}, want: wizard.CodeIssued{Gen: 3, Code: codeOf(users, 1)}},
		{name: "start fails", deps: func(d *Deps) {
			d.Authorizer.(*fakeAuth).start = func(context.Context, flows.App, func(flows.RetryEvent)) (flows.DeviceCode, error) {
				return flows.DeviceCode{}, flows.ErrInvalidClient
			}
		}, effect: wizard.StartCode{Gen: 3, App: users}, want: wizard.CodeIssued{Gen: 3, Err: flows.ErrInvalidClient}},
		{name: "wait", effect: wizard.WaitCode{Gen: 4, App: users, Code: codeOf(users, 1)}, want: wizard.WaitEnded{Gen: 4, Grant: grantOf(users)}},
		{name: "wait denied", deps: func(d *Deps) {
			d.Authorizer.(*fakeAuth).wait = func(context.Context, flows.App, flows.DeviceCode, func(flows.PollEvent)) (flows.Grant, error) {
				return flows.Grant{}, flows.ErrDenied
			}
		}, effect: wizard.WaitCode{Gen: 4, App: users}, want: wizard.WaitEnded{Gen: 4, Err: flows.ErrDenied}},
		{name: "approver", effect: wizard.CheckApprover{Gen: 5, App: users, Grant: grantOf(users), Timeout: time.Hour},
			want: wizard.Identified{Gen: 5, Identity: jane()}},
		{name: "approver fails", deps: func(d *Deps) {
			d.Authorizer.(*fakeAuth).approver = func(context.Context, flows.App, flows.Grant, func(flows.RetryEvent)) (flows.Identity, error) {
				return flows.Identity{}, errBoom
			}
		}, effect: wizard.CheckApprover{Gen: 5, App: users, Timeout: time.Hour}, want: wizard.Identified{Gen: 5, Err: errBoom}},
		{name: "stop", effect: wizard.StopCalls{}},
		{name: "try now", effect: wizard.TryNow{Poll: func() { polled = true }}},
		{name: "end codes", effect: wizard.EndCodes{}},
		{name: "quit", effect: wizard.Quit{Err: wizard.ErrUserAborted}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			polled = false
			deps := Deps{Authorizer: &fakeAuth{}}
			if tc.deps != nil {
				tc.deps(&deps)
			}
			got := newRunner(t, deps).Run(tc.effect, noProgress(t))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Run(%T) = %#v\nwant %#v", tc.effect, got, tc.want)
			}
			if _, ok := tc.effect.(wizard.TryNow); ok && !polled {
				t.Error("TryNow did not call Poll")
			}
		})
	}
}

// TestGenerations: the calls of one code share its generation's context;
// a newer generation cancels the older one's calls; StopCalls cancels the
// current one; CheckApprover's Timeout bounds its call alone.
func TestGenerations(t *testing.T) {
	t.Run("a new code cancels the older code's wait", func(t *testing.T) {
		ctxs := make(chan context.Context, 1)
		r := newRunner(t, Deps{Authorizer: &fakeAuth{wait: blockingWait(ctxs)}})
		r.Run(wizard.StartCode{Gen: 1, App: users}, noProgress(t))
		ended := make(chan wizard.Event, 1)
		go func() { ended <- r.Run(wizard.WaitCode{Gen: 1, App: users, Code: codeOf(users, 1)}, noProgress(t)) }()
		<-ctxs // the wait is in flight
		got := r.Run(wizard.StartCode{Gen: 2, App: users}, noProgress(t)).(wizard.CodeIssued)
		if got.Err != nil || got.Gen != 2 {
			t.Fatalf("StartCode gen 2 = %+v", got)
		}
		w := (<-ended).(wizard.WaitEnded)
		if w.Gen != 1 || !errors.Is(w.Err, context.Canceled) {
			t.Errorf("gen 1's wait ended with %+v, want context.Canceled", w)
		}
	})

	t.Run("wait and approver of the current code share its context", func(t *testing.T) {
		ctxs := make(chan context.Context, 2)
		a := &fakeAuth{wait: blockingWait(ctxs)}
		a.approver = func(ctx context.Context, _ flows.App, _ flows.Grant, _ func(flows.RetryEvent)) (flows.Identity, error) {
			ctxs <- ctx
			<-ctx.Done()
			return flows.Identity{}, ctx.Err()
		}
		r := newRunner(t, Deps{Authorizer: a})
		r.Run(wizard.StartCode{Gen: 1, App: users}, noProgress(t))
		ended := make(chan wizard.Event, 2)
		go func() { ended <- r.Run(wizard.WaitCode{Gen: 1, App: users}, noProgress(t)) }()
		waitCtx := <-ctxs
		go func() {
			ended <- r.Run(wizard.CheckApprover{Gen: 1, App: users, Grant: grantOf(users), Timeout: time.Hour}, noProgress(t))
		}()
		idCtx := <-ctxs
		if waitCtx.Err() != nil || idCtx.Err() != nil {
			t.Fatalf("the approver's check canceled the wait (%v) or itself (%v)", waitCtx.Err(), idCtx.Err())
		}
		r.Run(wizard.StopCalls{}, noProgress(t)) // the current generation's calls end
		for range 2 {
			switch ev := (<-ended).(type) {
			case wizard.WaitEnded:
				if !errors.Is(ev.Err, context.Canceled) {
					t.Errorf("wait ended with %v, want context.Canceled", ev.Err)
				}
			case wizard.Identified:
				if !errors.Is(ev.Err, context.Canceled) {
					t.Errorf("approver ended with %v, want context.Canceled", ev.Err)
				}
			}
		}
	})

	t.Run("a wait of a newer generation (a secret typed) gets a fresh context", func(t *testing.T) {
		ctxs := make(chan context.Context, 2)
		r := newRunner(t, Deps{Authorizer: &fakeAuth{wait: blockingWait(ctxs)}})
		r.Run(wizard.StartCode{Gen: 1, App: users}, noProgress(t))
		ended := make(chan wizard.Event, 2)
		go func() { ended <- r.Run(wizard.WaitCode{Gen: 1, App: users}, noProgress(t)) }()
		old := <-ctxs
		go func() { ended <- r.Run(wizard.WaitCode{Gen: 2, App: users}, noProgress(t)) }()
		fresh := <-ctxs
		if w := (<-ended).(wizard.WaitEnded); w.Gen != 1 || !errors.Is(w.Err, context.Canceled) || !errors.Is(old.Err(), context.Canceled) {
			t.Fatalf("gen 1's wait ended with %+v, want context.Canceled", w)
		}
		if fresh.Err() != nil {
			t.Fatalf("gen 2's wait started canceled: %v", fresh.Err())
		}
		r.Run(wizard.StopCalls{}, noProgress(t))
		if w := (<-ended).(wizard.WaitEnded); w.Gen != 2 || !errors.Is(w.Err, context.Canceled) {
			t.Errorf("gen 2's wait ended with %+v after StopCalls, want context.Canceled", w)
		}
	})

	// The front-ends run each effect on its own goroutine, so a call of a
	// generation may start after a newer one started, or after StopCalls
	// ended its own (an app skipped before its wait began).
	errLive := errors.New("called with a live context")
	late := func(ctx context.Context) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return errLive
	}
	lateAuth := func(a *fakeAuth) *fakeAuth {
		a.wait = func(ctx context.Context, _ flows.App, _ flows.DeviceCode, _ func(flows.PollEvent)) (flows.Grant, error) {
			return flows.Grant{}, late(ctx)
		}
		a.approver = func(ctx context.Context, _ flows.App, _ flows.Grant, _ func(flows.RetryEvent)) (flows.Identity, error) {
			return flows.Identity{}, late(ctx)
		}
		return a
	}
	lateCalls := []wizard.Effect{
		wizard.StartCode{Gen: 1, App: cdr}, // n pressed twice: the first code's request starts last
		wizard.WaitCode{Gen: 1, App: users},
		wizard.CheckApprover{Gen: 1, App: users, Timeout: time.Hour},
	}
	errOf := func(ev wizard.Event) error {
		switch ev := ev.(type) {
		case wizard.WaitEnded:
			return ev.Err
		case wizard.Identified:
			return ev.Err
		case wizard.CodeIssued:
			return ev.Err
		}
		return fmt.Errorf("answer %T", ev)
	}

	t.Run("a late call of an older generation is canceled, the newer one lives on", func(t *testing.T) {
		for _, call := range lateCalls {
			gate := make(chan struct{})
			a := lateAuth(&fakeAuth{started: make(chan startCall, 2)})
			a.start = func(ctx context.Context, app flows.App, _ func(flows.RetryEvent)) (flows.DeviceCode, error) {
				if app.ID != users.ID { // the late one
					return flows.DeviceCode{}, late(ctx)
				}
				<-gate
				return codeOf(app, 2), ctx.Err()
			}
			r := newRunner(t, Deps{Authorizer: a})
			issued := make(chan wizard.Event, 1)
			go func() { issued <- r.Run(wizard.StartCode{Gen: 2, App: users}, noProgress(t)) }()
			c := <-a.started // gen 2's Start is under way
			if err := errOf(r.Run(call, noProgress(t))); !errors.Is(err, context.Canceled) {
				t.Errorf("%T of gen 1 after gen 2 began: %v, want context.Canceled", call, err)
			}
			if c.ctx.Err() != nil {
				t.Errorf("%T of gen 1 canceled gen 2's Start: %v", call, c.ctx.Err())
			}
			close(gate)
			if got := (<-issued).(wizard.CodeIssued); got.Err != nil {
				t.Errorf("gen 2's code: %v", got.Err)
			}
		}
	})

	t.Run("a late call of a stopped generation is canceled", func(t *testing.T) {
		for _, call := range lateCalls[1:] { // a code's own StartCode comes before its StopCalls
			r := newRunner(t, Deps{Authorizer: lateAuth(&fakeAuth{})})
			r.Run(wizard.StartCode{Gen: 1, App: users}, noProgress(t))
			r.Run(wizard.StopCalls{}, noProgress(t))
			if err := errOf(r.Run(call, noProgress(t))); !errors.Is(err, context.Canceled) {
				t.Errorf("%T of gen 1 after StopCalls: %v, want context.Canceled", call, err)
			}
		}
	})

	t.Run("a check of who approved is bounded by its Timeout", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ctxs := make(chan context.Context, 1)
			a := &fakeAuth{wait: blockingWait(ctxs)}
			a.approver = func(ctx context.Context, _ flows.App, _ flows.Grant, _ func(flows.RetryEvent)) (flows.Identity, error) {
				<-ctx.Done() // hangs until the timeout
				return flows.Identity{}, ctx.Err()
			}
			r := newRunner(t, Deps{Authorizer: a})
			r.Run(wizard.StartCode{Gen: 1, App: users}, noProgress(t))
			begin := time.Now()
			got := r.Run(wizard.CheckApprover{Gen: 1, App: users, Timeout: wizard.IdentifyTimeout}, noProgress(t)).(wizard.Identified)
			if !errors.Is(got.Err, context.DeadlineExceeded) {
				t.Errorf("check ended with %v, want context.DeadlineExceeded", got.Err)
			}
			if d := time.Since(begin); d != wizard.IdentifyTimeout {
				t.Errorf("the check ended after %v, want %v", d, wizard.IdentifyTimeout)
			}
			// The timeout is the check's alone: the code's generation lives on.
			ended := make(chan wizard.Event, 1)
			go func() { ended <- r.Run(wizard.WaitCode{Gen: 1, App: users}, noProgress(t)) }()
			if ctx := <-ctxs; ctx.Err() != nil {
				t.Errorf("the generation ended with its check: %v", ctx.Err())
			}
			r.Run(wizard.StopCalls{}, noProgress(t))
			<-ended
		})
	})
}

// TestProgress: the reports of a call (Polled, Retried) reach progress
// on the call's goroutine, in order, carrying the effect's Gen, all
// before the answer.
func TestProgress(t *testing.T) {
	polls := []flows.PollEvent{{Attempt: 1, Outcome: flows.PollPending}, {Attempt: 2, Outcome: flows.PollTransient}, {Attempt: 3, Outcome: flows.PollPending}}
	retries := func(op string) []flows.RetryEvent {
		return []flows.RetryEvent{{Op: op, AppID: "users", Attempt: 1, Wait: time.Second}, {Op: op, AppID: "users", Attempt: 2, Wait: 2 * time.Second}}
	}
	a := &fakeAuth{
		start: func(_ context.Context, _ flows.App, onRetry func(flows.RetryEvent)) (flows.DeviceCode, error) {
			for _, ev := range retries(flows.RetryStart) {
				onRetry(ev)
			}
			return codeOf(users, 1), nil
		},
		wait: func(_ context.Context, app flows.App, _ flows.DeviceCode, report func(flows.PollEvent)) (flows.Grant, error) {
			for _, ev := range polls {
				report(ev)
			}
			return grantOf(app), nil
		},
		approver: func(_ context.Context, _ flows.App, _ flows.Grant, onRetry func(flows.RetryEvent)) (flows.Identity, error) {
			for _, ev := range retries(flows.RetryIdentify) {
				onRetry(ev)
			}
			return jane(), nil
		},
	}
	var wantPolls []wizard.Event
	for _, ev := range polls {
		wantPolls = append(wantPolls, wizard.Polled{Gen: 7, Event: ev})
	}
	retried := func(gen int, op string) []wizard.Event {
		var evs []wizard.Event
		for _, ev := range retries(op) {
			evs = append(evs, wizard.Retried{Gen: gen, Event: ev})
		}
		return evs
	}
	for _, tc := range []struct {
		name   string
		effect wizard.Effect
		want   []wizard.Event
	}{
		{"start", wizard.StartCode{Gen: 6, App: users}, retried(6, flows.RetryStart)},
		{"wait", wizard.WaitCode{Gen: 7, App: users}, wantPolls},
		{"approver", wizard.CheckApprover{Gen: 8, App: users, Timeout: time.Hour}, retried(8, flows.RetryIdentify)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRunner(t, Deps{Authorizer: a})
			var got []wizard.Event
			answered := false
			ans := r.Run(tc.effect, func(ev wizard.Event) {
				if answered {
					t.Errorf("progress %T after the answer", ev)
				}
				got = append(got, ev)
			})
			answered = true
			if ans == nil {
				t.Fatal("no answer")
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("progress %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestPrefetch: StartCode takes the code PrefetchCode asked for (one Start
// for the app, without retry reports); EndCodes drops it, so StartCode
// asks for a fresh one.
func TestPrefetch(t *testing.T) {
	for _, tc := range []struct {
		name      string
		end       bool
		wantCalls []bool // reporting, per Start
		wantCode  int    // which Start's code is shown
	}{
		{name: "prefetched code taken", wantCalls: []bool{false}, wantCode: 1},
		{name: "dropped by EndCodes", end: true, wantCalls: []bool{false, true}, wantCode: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := &fakeAuth{started: make(chan startCall, 2)}
			r := newRunner(t, Deps{Authorizer: a})
			if ev := r.Run(wizard.PrefetchCode{App: cdr}, noProgress(t)); ev != nil {
				t.Errorf("PrefetchCode answered %T", ev)
			}
			<-a.started // the prefetch's Start runs
			if tc.end {
				r.Run(wizard.EndCodes{}, noProgress(t))
			}
			got := r.Run(wizard.StartCode{Gen: 1, App: cdr}, noProgress(t)).(wizard.CodeIssued)
			if got.Err != nil || got.Code.UserCode != codeOf(cdr, tc.wantCode).UserCode {
				t.Errorf("CodeIssued %+v, want the code of Start #%d", got, tc.wantCode)
			}
			var calls []bool
			for _, c := range a.startCalls() {
				if c.app.ID != cdr.ID {
					t.Errorf("Start for %s", c.app.ID)
				}
				calls = append(calls, c.reporting)
			}
			if !slices.Equal(calls, tc.wantCalls) {
				t.Errorf("Start calls (with retry reports) %v, want %v", calls, tc.wantCalls)
			}
		})
	}
}

func draftSeq(seq int) store.Draft {
	return store.Draft{ID: "draft-1", Customer: store.Customer{Company: fmt.Sprint(seq)}}
}

// TestSavesInOrder: saves run from several goroutines at once are written
// in Seq order; one older than a save written is answered Stale and not
// written; every answer carries its Seq.
func TestSavesInOrder(t *testing.T) {
	t.Run("sequential", func(t *testing.T) {
		for _, tc := range []struct {
			seqs    []int
			written []string
		}{
			{seqs: []int{1, 2, 3}, written: []string{"1", "2", "3"}},
			{seqs: []int{2, 1, 3}, written: []string{"2", "3"}},
			{seqs: []int{3, 1, 2}, written: []string{"3"}},
			{seqs: []int{1, 1}, written: []string{"1"}},
		} {
			d := &fakeDrafts{}
			r := newRunner(t, Deps{Authorizer: &fakeAuth{}, Drafts: d})
			var written []string
			for _, seq := range tc.seqs {
				s := r.Run(wizard.Save{Draft: draftSeq(seq), Seq: seq}, noProgress(t)).(wizard.Saved)
				if s.Seq != seq || s.ID != "draft-1" || s.Err != nil {
					t.Errorf("%v: Saved %+v for seq %d", tc.seqs, s, seq)
				}
				if !s.Stale {
					written = append(written, fmt.Sprint(seq))
				}
			}
			var stored []string
			for _, dr := range d.saved {
				stored = append(stored, dr.Customer.Company)
			}
			if !slices.Equal(stored, tc.written) || !slices.Equal(written, tc.written) {
				t.Errorf("%v: stored %v, answered written %v, want %v", tc.seqs, stored, written, tc.written)
			}
		}
	})

	t.Run("concurrent", func(t *testing.T) {
		const n = 16
		d := &fakeDrafts{}
		r := newRunner(t, Deps{Authorizer: &fakeAuth{}, Drafts: d})
		answers := make([]wizard.Saved, n+1)
		var wg sync.WaitGroup
		for _, seq := range rand.Perm(n) {
			wg.Go(func() {
				answers[seq+1] = r.Run(wizard.Save{Draft: draftSeq(seq + 1), Seq: seq + 1}, noProgress(t)).(wizard.Saved)
			})
		}
		wg.Wait()
		last := 0
		var stored []string
		for _, dr := range d.saved {
			var seq int
			fmt.Sscan(dr.Customer.Company, &seq)
			if seq <= last {
				t.Errorf("seq %d written after %d", seq, last)
			}
			last = seq
			stored = append(stored, dr.Customer.Company)
		}
		for seq := 1; seq <= n; seq++ {
			s := answers[seq]
			if s.Seq != seq || s.Stale == slices.Contains(stored, fmt.Sprint(seq)) {
				t.Errorf("seq %d answered %+v; written: %v", seq, s, stored)
			}
		}
		if last != n {
			t.Errorf("the newest save (%d) was not written: %v", n, stored)
		}
	})

	t.Run("a failed save answers its error", func(t *testing.T) {
		r := newRunner(t, Deps{Authorizer: &fakeAuth{}, Drafts: &fakeDrafts{saveErr: errBoom}})
		s := r.Run(wizard.Save{Draft: draftSeq(1), Seq: 1}, noProgress(t)).(wizard.Saved)
		if !errors.Is(s.Err, errBoom) || s.Stale {
			t.Errorf("Saved %+v, want errBoom", s)
		}
	})
}

// TestFinishDraftWaitsForSave: the draft's removal waits for the save in
// flight, and no later save writes the draft again.
func TestFinishDraftWaitsForSave(t *testing.T) {
	d := &fakeDrafts{gate: make(chan struct{}), entered: make(chan string, 1)}
	r := newRunner(t, Deps{Authorizer: &fakeAuth{}, Drafts: d})
	saved := make(chan wizard.Event, 1)
	go func() { saved <- r.Run(wizard.Save{Draft: draftSeq(1), Seq: 1}, noProgress(t)) }()
	<-d.entered // the save is under way
	removed := make(chan wizard.Event, 1)
	running := make(chan struct{})
	go func() {
		close(running)
		removed <- r.Run(wizard.FinishDraft{Draft: draftSeq(1), Receipt: store.Receipt{BundlePath: "acme.ucxbundle"}}, noProgress(t))
	}()
	<-running
	// Not synchronization (the test passes whatever the schedule): room
	// for a removal that does not wait to run now, into d.overlaps.
	for range 100 {
		runtime.Gosched()
	}
	close(d.gate)
	if s := (<-saved).(wizard.Saved); s.Stale || s.Err != nil {
		t.Errorf("the save in flight answered %+v", s)
	}
	if rm := (<-removed).(wizard.DraftRemoved); rm.ID != "draft-1" || rm.Err != nil {
		t.Errorf("DraftRemoved %+v", rm)
	}
	late := r.Run(wizard.Save{Draft: draftSeq(2), Seq: 2}, noProgress(t)).(wizard.Saved)
	if !late.Stale {
		t.Errorf("a save after the removal answered %+v, want Stale", late)
	}
	want := []string{"save draft-1 1", "remove draft-1"}
	if got := d.calls(); !slices.Equal(got, want) || d.overlaps != 0 {
		t.Errorf("draft calls %q (removes during a save: %d), want %q", got, d.overlaps, want)
	}
}

// TestQuitWaitsForSaves: Quit returns once the saves in flight are
// written, not before.
func TestQuitWaitsForSaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := &fakeDrafts{gate: make(chan struct{}), entered: make(chan string, 1)}
		r := newRunner(t, Deps{Authorizer: &fakeAuth{}, Drafts: d})
		var saves sync.WaitGroup
		saves.Go(func() { r.Run(wizard.Save{Draft: draftSeq(1), Seq: 1}, noProgress(t)) })
		<-d.entered // (a second save would wait on a mutex, which synctest.Wait cannot see)
		quit := make(chan []string, 1)
		go func() {
			r.Run(wizard.Quit{}, noProgress(t))
			quit <- d.calls()
		}()
		synctest.Wait()
		select {
		case calls := <-quit:
			close(d.gate)
			t.Fatalf("Quit returned while a save was under way (written: %q)", calls)
		default:
		}
		close(d.gate)
		calls := <-quit
		saves.Wait()
		if len(calls) != len(d.calls()) {
			t.Errorf("Quit returned after %q were written, before %q", calls, d.calls())
		}
	})
}

// TestReadOrg: ReadOrg answers at once with the reads pending, and notify
// gets what arrived when a read ends.
func TestReadOrg(t *testing.T) {
	gate := make(chan struct{})
	a := &fakeAuth{orgFacts: func(ctx context.Context, _ flows.App, g flows.Grant, orgID string) (flows.Identity, error) {
		if !slices.Equal(g.Scopes, []string{flows.PeopleReadScope}) {
			t.Errorf("read with scopes %v", g.Scopes)
		}
		<-gate
		return flows.Identity{OrgID: orgID, OrgUsers: 250, OrgUsersCounted: true}, nil
	}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	notified := make(chan wizard.Event, 2)
	r := New(ctx, Deps{Authorizer: a, Clock: fixedClock{}}, func(ev wizard.Event) { notified <- ev })
	g := grantOf(users)
	g.Scopes = []string{flows.PeopleReadScope}
	got := r.Run(wizard.ReadOrg{Reads: []wizard.OrgReadJob{{App: users, Grant: g, OrgID: "org-1"}}}, noProgress(t)).(wizard.OrgRead)
	if !got.Facts.Pending || got.Facts.OrgID != "org-1" || got.Facts.OrgUsersCounted {
		t.Errorf("ReadOrg answered %+v, want org-1 pending", got.Facts)
	}
	close(gate)
	n := (<-notified).(wizard.OrgRead)
	if n.Facts.Pending || n.Facts.OrgID != "org-1" || n.Facts.OrgUsers != 250 || !n.Facts.OrgUsersCounted {
		t.Errorf("notified %+v, want org-1 with 250 users", n.Facts)
	}
}

// completion is a sealed bundle as store.SealBundle makes it, in dir.
func completion(dir string) *store.Completion {
	sealed := []byte("age-encryption.org/v1 FAKE sealed bundle")
	sum := sha256.Sum256(sealed)
	path := filepath.Join(dir, "acme.ucxbundle")
	return &store.Completion{BundlePath: path, Path: path, SHA256: hex.EncodeToString(sum[:]), Sealed: sealed,
		ReceiptText: "receipt of acme.ucxbundle\n", Recipients: []string{"age1fake"}}
}

// TestWriteBundle: BundleWritten carries the receipt, the draft's ID
// (assigned by the record of a draft never saved), and the bundle written
// by an attempt that failed after it (its receipt), which the next attempt
// publishes again instead of sealing a second bundle.
func TestWriteBundle(t *testing.T) {
	errReceipt := errors.New("bundle written, but not its receipt")
	type writeFn = func(c *store.Completion, record func(*store.Completion) error) (store.Receipt, error)
	wrote := func(c *store.Completion, record func(*store.Completion) error) (store.Receipt, error) {
		if err := record(c); err != nil {
			return store.Receipt{}, err
		}
		return store.Receipt{BundlePath: c.BundlePath, ReceiptPath: c.BundlePath + ".receipt", SHA256: c.SHA256}, nil
	}
	for _, tc := range []struct {
		name      string
		drafts    *fakeDrafts
		draftID   string
		write     writeFn
		wantID    string
		wantErr   error
		wantRcpt  bool // the receipt names the bundle
		written   bool // the answer hands the bundle to the next attempt
		wantCalls []string
	}{
		{name: "written, draft saved before", drafts: &fakeDrafts{}, draftID: "draft-1", write: wrote,
			wantID: "draft-1", wantRcpt: true, wantCalls: []string{"record draft-1"}},
		{name: "written, draft never saved", drafts: &fakeDrafts{}, write: wrote,
			wantID: "new-1", wantRcpt: true, wantCalls: []string{"record new-1"}},
		{name: "written, drafts off", write: wrote, wantRcpt: true},
		{name: "written although the record failed", drafts: &fakeDrafts{recordErr: errBoom}, draftID: "draft-1", write: wrote,
			wantID: "draft-1", wantRcpt: true},
		{name: "nothing written", drafts: &fakeDrafts{}, draftID: "draft-1",
			write: func(c *store.Completion, record func(*store.Completion) error) (store.Receipt, error) {
				_ = record(c)
				_ = record(nil)
				return store.Receipt{}, store.ErrExists
			}, wantID: "draft-1", wantErr: store.ErrExists, wantCalls: []string{"record draft-1", "record draft-1"}},
		{name: "sealing failed", drafts: &fakeDrafts{}, draftID: "draft-1",
			write: func(*store.Completion, func(*store.Completion) error) (store.Receipt, error) {
				return store.Receipt{}, store.ErrNoProtection
			}, wantID: "draft-1", wantErr: store.ErrNoProtection},
		{name: "written, receipt failed", drafts: &fakeDrafts{}, draftID: "draft-1",
			write: func(c *store.Completion, record func(*store.Completion) error) (store.Receipt, error) {
				_ = record(c)
				return store.Receipt{BundlePath: c.BundlePath, SHA256: c.SHA256}, errReceipt
			}, wantID: "draft-1", wantErr: errReceipt, wantRcpt: true, written: true, wantCalls: []string{"record draft-1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := completion(t.TempDir())
			writes := 0
			deps := Deps{Authorizer: &fakeAuth{}, WriteBundle: func(path string, b store.Bundle, pass store.Secret, record func(*store.Completion) error) (store.Receipt, error) {
				writes++
				if path != c.BundlePath || b.Customer.Company != "Acme" {
					t.Errorf("WriteBundle(%q, %+v)", path, b.Customer)
				}
				return tc.write(c, record)
			}}
			if tc.drafts != nil {
				deps.Drafts = tc.drafts
			}
			r := newRunner(t, deps)
			e := wizard.WriteBundle{Path: c.BundlePath, Bundle: store.Bundle{Customer: acme}, Draft: store.Draft{ID: tc.draftID, Customer: acme}}
			got := r.Run(e, noProgress(t)).(wizard.BundleWritten)
			if got.DraftID != tc.wantID || !errors.Is(got.Err, tc.wantErr) || (tc.wantErr == nil) != (got.Err == nil) {
				t.Errorf("BundleWritten draft %q err %v, want %q %v", got.DraftID, got.Err, tc.wantID, tc.wantErr)
			}
			if (got.Receipt.BundlePath == c.BundlePath) != tc.wantRcpt {
				t.Errorf("receipt %+v", got.Receipt)
			}
			if (got.Written == c) != tc.written || (got.Written == nil) == tc.written {
				t.Errorf("Written %p, want %v (the bundle %p)", got.Written, tc.written, c)
			}
			if tc.drafts != nil {
				if calls := tc.drafts.calls(); !slices.Equal(calls, tc.wantCalls) {
					t.Errorf("draft calls %q, want %q", calls, tc.wantCalls)
				}
			}
			if !tc.written {
				return
			}
			// The next attempt publishes the bundle on disk again (its
			// receipt), never seals a second one.
			if err := os.WriteFile(c.Path, c.Sealed, 0o600); err != nil {
				t.Fatal(err)
			}
			e.Written = got.Written
			again := r.Run(e, noProgress(t)).(wizard.BundleWritten)
			if writes != 1 {
				t.Errorf("WriteBundleFunc called %d times, want once", writes)
			}
			if again.Err != nil || again.Written != nil || again.DraftID != tc.wantID ||
				again.Receipt.BundlePath != c.BundlePath || again.Receipt.ReceiptPath != c.BundlePath+store.ReceiptSuffix {
				t.Errorf("the next attempt answered %+v", again)
			}
			if text, err := os.ReadFile(c.Path + store.ReceiptSuffix); err != nil || string(text) != c.ReceiptText {
				t.Errorf("receipt on disk %q, %v", text, err)
			}
		})
	}

	t.Run("written bundle gone", func(t *testing.T) {
		c := completion(t.TempDir())
		c.Sealed = nil // an older draft's: it cannot be written again
		r := newRunner(t, Deps{Authorizer: &fakeAuth{}, WriteBundle: func(string, store.Bundle, store.Secret, func(*store.Completion) error) (store.Receipt, error) {
			t.Error("a second bundle sealed")
			return store.Receipt{}, nil
		}})
		got := r.Run(wizard.WriteBundle{Path: c.BundlePath, Draft: store.Draft{ID: "draft-1"}, Written: c}, noProgress(t)).(wizard.BundleWritten)
		if !errors.Is(got.Err, store.ErrBundleMissing) || got.Written != nil || got.Receipt.BundlePath != "" {
			t.Errorf("BundleWritten %+v, want ErrBundleMissing and nothing to publish again", got)
		}
	})
}

// flowRun drives a real Flow through a Runner, as a sequential front-end
// would: each effect is run and its answer handled, except the effects
// hold keeps (a front-end killed before running them).
type flowRun struct {
	t    *testing.T
	f    *wizard.Flow
	r    *Runner
	hold func(wizard.Effect) bool
	held []wizard.Effect
	quit bool
}

func newFlowRun(t *testing.T, deps Deps) *flowRun {
	t.Helper()
	n := 0
	f := wizard.NewFlow(wizard.Config{Apps: deps.Apps, Drafts: true, NewDraftID: func() string { n++; return fmt.Sprintf("draft-%d", n) }})
	fr := &flowRun{t: t, f: f, r: newRunner(t, deps), hold: func(wizard.Effect) bool { return false }}
	fr.run(f.Start(t0))
	return fr
}

func (fr *flowRun) send(ev wizard.Event) {
	fr.t.Helper()
	fr.run(fr.f.Handle(t0, ev))
}

func (fr *flowRun) pick(c wizard.Choice) { fr.send(wizard.Pick{Choice: c}) }

func (fr *flowRun) run(fx []wizard.Effect) {
	fr.t.Helper()
	for _, e := range fx {
		if fr.hold(e) {
			fr.held = append(fr.held, e)
			continue
		}
		if _, ok := e.(wizard.Quit); ok {
			fr.quit = true
		}
		if ans := fr.r.Run(e, func(ev wizard.Event) { fr.f.Handle(t0, ev) }); ans != nil {
			fr.send(ans)
		}
	}
}

// TestFinish: what the Runner does once the front-end has ended: save the
// Flow's leftover progress (killed mid-onboarding), nothing after the
// Flow's own quit whose save was written, remove the draft of a written
// bundle whose removal never answered.
func TestFinish(t *testing.T) {
	// A program killed before its saves ran never ends its Quit either
	// (Quit waits for the save it follows).
	holdSaves := func(e wizard.Effect) bool {
		switch e.(type) {
		case wizard.Save, wizard.Quit:
			return true
		}
		return false
	}
	for _, tc := range []struct {
		name      string
		hold      func(wizard.Effect) bool
		play      func(fr *flowRun)
		wantSaved *wizard.Saved
		wantCalls []string
	}{
		{name: "killed while authorizing",
			hold: func(e wizard.Effect) bool { _, ok := e.(wizard.WaitCode); return ok },
			play: func(fr *flowRun) {
				fr.send(wizard.CustomerEntered{Customer: acme})
				fr.send(wizard.AppsChosen{IDs: []string{"users"}})
			},
			wantSaved: &wizard.Saved{ID: "draft-1", Seq: 1}, wantCalls: []string{"list", "save draft-1 Acme"}},
		{name: "quit, its save written",
			play: func(fr *flowRun) {
				fr.send(wizard.CustomerEntered{Customer: acme})
				fr.pick(wizard.ChoiceQuit)
				fr.pick(wizard.ChoiceQuitYes)
			},
			wantCalls: []string{"list", "save draft-1 Acme"}},
		{name: "quit, its save never run",
			hold: holdSaves,
			play: func(fr *flowRun) {
				fr.send(wizard.CustomerEntered{Customer: acme})
				fr.pick(wizard.ChoiceQuit)
				fr.pick(wizard.ChoiceQuitYes)
			},
			wantSaved: &wizard.Saved{ID: "draft-1", Seq: 2}, wantCalls: []string{"list", "save draft-1 Acme"}},
		{name: "bundle written, its draft's removal never run",
			hold: func(e wizard.Effect) bool { _, ok := e.(wizard.FinishDraft); return ok },
			play: func(fr *flowRun) {
				fr.send(wizard.CustomerEntered{Customer: acme})
				fr.send(wizard.AppsChosen{IDs: []string{"users"}}) // approved by jane, at once
				if v := fr.f.View(); v.Step != wizard.StepReview {
					fr.t.Fatalf("at step %v, want the review", v.Step)
				}
				fr.pick(wizard.ChoiceComplete)
			},
			wantCalls: []string{"list", "save draft-1 Acme", "save draft-1 Acme", "record draft-1", "remove draft-1"}},
		{name: "bundle written, its draft removed",
			play: func(fr *flowRun) {
				fr.send(wizard.CustomerEntered{Customer: acme})
				fr.send(wizard.AppsChosen{IDs: []string{"users"}})
				fr.pick(wizard.ChoiceComplete)
				fr.pick(wizard.ChoiceContinue)
			},
			wantCalls: []string{"list", "save draft-1 Acme", "save draft-1 Acme", "record draft-1", "remove draft-1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &fakeDrafts{}
			deps := Deps{Apps: []flows.App{users, cdr}, Authorizer: &fakeAuth{}, Drafts: d,
				WriteBundle: func(path string, b store.Bundle, _ store.Secret, record func(*store.Completion) error) (store.Receipt, error) {
					c := &store.Completion{BundlePath: path}
					if err := record(c); err != nil {
						return store.Receipt{}, err
					}
					return store.Receipt{BundlePath: path}, nil
				}}
			fr := newFlowRun(t, deps)
			if tc.hold != nil {
				fr.hold = tc.hold
			}
			tc.play(fr)
			got := fr.r.Finish(fr.f, time.Hour)
			if !reflect.DeepEqual(got, tc.wantSaved) {
				t.Errorf("Finish saved %+v, want %+v", got, tc.wantSaved)
			}
			if calls := d.calls(); !slices.Equal(calls, tc.wantCalls) {
				t.Errorf("draft calls %q, want %q", calls, tc.wantCalls)
			}
		})
	}
}

// quitWithSaveHeld runs a Flow over drafts d (whose saves wait for their
// gate; entered holds n) through an approval held at its wait, then the
// quit, whose save (returned) and Quit are held: a run killed while its
// last save waited.
func quitWithSaveHeld(t *testing.T, n int) (*fakeDrafts, *flowRun, wizard.Effect) {
	t.Helper()
	d := &fakeDrafts{gate: make(chan struct{}), entered: make(chan string, n)}
	fr := newFlowRun(t, Deps{Apps: []flows.App{users}, Authorizer: &fakeAuth{}, Drafts: d})
	fr.hold = func(e wizard.Effect) bool {
		switch e.(type) {
		case wizard.Save, wizard.WaitCode, wizard.Quit: // Quit waits for the save
			return true
		}
		return false
	}
	fr.send(wizard.CustomerEntered{Customer: acme})
	fr.send(wizard.AppsChosen{IDs: []string{"users"}})
	fr.pick(wizard.ChoiceQuit)
	fr.pick(wizard.ChoiceQuitYes)
	i := slices.IndexFunc(fr.held, func(e wizard.Effect) bool { _, ok := e.(wizard.Save); return ok })
	if i < 0 {
		t.Fatalf("the quit saved nothing: %v", fr.held)
	}
	return d, fr, fr.held[i]
}

// TestFinishWaitsForSaves: Finish lets the save in flight end first, then
// saves what it did not hold (the Flow never heard of its answer).
func TestFinishWaitsForSaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d, fr, quitSave := quitWithSaveHeld(t, 2)
		go fr.r.Run(quitSave, noProgress(t)) // its answer never reaches the Flow
		<-d.entered
		finished := make(chan *wizard.Saved, 1)
		go func() { finished <- fr.r.Finish(fr.f, time.Hour) }()
		synctest.Wait()
		select {
		case s := <-finished:
			close(d.gate)
			t.Fatalf("Finish returned %+v while a save was under way", s)
		default:
		}
		close(d.gate)
		got := <-finished
		if want := (&wizard.Saved{ID: "draft-1", Seq: 2}); !reflect.DeepEqual(got, want) {
			t.Errorf("Finish saved %+v, want %+v", got, want)
		}
		if calls, want := d.calls(), []string{"list", "save draft-1 Acme", "save draft-1 Acme"}; !slices.Equal(calls, want) {
			t.Errorf("draft calls %q, want %q", calls, want)
		}
	})
}

// TestFinishBoundedWait: a save that outlasts Finish's wait does not hold
// Finish (nor the end of the program) past it: Finish answers
// ErrSaveStillRunning instead of queuing its own save behind it.
func TestFinishBoundedWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d, fr, quitSave := quitWithSaveHeld(t, 1)
		saved := make(chan wizard.Event, 1)
		go func() { saved <- fr.r.Run(quitSave, noProgress(t)) }() // hangs until the gate opens
		<-d.entered
		begin := time.Now()
		got := fr.r.Finish(fr.f, time.Minute)
		if d := time.Since(begin); d != time.Minute {
			t.Errorf("Finish returned after %v, want its wait (%v)", d, time.Minute)
		}
		if got == nil || !errors.Is(got.Err, ErrSaveStillRunning) || got.ID != "draft-1" || got.Seq != 2 {
			t.Errorf("Finish answered %+v, want draft-1's save 2 with ErrSaveStillRunning", got)
		}
		close(d.gate)
		if s := (<-saved).(wizard.Saved); s.Seq != 1 || s.Stale || s.Err != nil {
			t.Errorf("the hung save answered %+v once it ended", s)
		}
		if calls, want := d.calls(), []string{"list", "save draft-1 Acme"}; !slices.Equal(calls, want) {
			t.Errorf("draft calls %q, want %q", calls, want)
		}
	})
}
