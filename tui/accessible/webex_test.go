//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package accessible

// A fake Webex for the terminal tests (tty_test.go): an Authorizer over a
// real flows.Client, as package tui's parity tests have it.

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/flows/webextest"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// skipClock is a virtual clock shared by the fake Webex and the client:
// After(d) moves Now forward by d and fires at once, so polls and code
// lifetimes cost no real time.
type skipClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *skipClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *skipClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now := c.now
	c.mu.Unlock()
	ch := make(chan time.Time, 1)
	ch <- now
	return ch
}

// webexUser is an Authorizer over a real flows.Client talking to a fake
// Webex, whose user acts on each code as soon as it is issued: per app, a
// script of "approve" (as the customer's admin, the default), "other"
// (approve as a helper who is no Full Admin), "deny", "expire", or
// "unchecked" (approve, but the check of who approved fails once).
type webexUser struct {
	c      *flows.Client
	srv    *webextest.Server
	mu     sync.Mutex
	act    map[string][]string
	idFail []string // apps whose next Approver call fails
}

var helper = webextest.Person{ID: "p-bob", Email: "bob@help.example", DisplayName: "Bob Helper"}

func (u *webexUser) Start(ctx context.Context, app flows.App, onRetry func(flows.RetryEvent)) (flows.DeviceCode, error) {
	code, err := u.c.Start(ctx, app, onRetry)
	if err != nil {
		return code, err
	}
	u.mu.Lock()
	act := "approve"
	if s := u.act[app.ID]; len(s) > 0 {
		act, u.act[app.ID] = s[0], s[1:]
	}
	u.mu.Unlock()
	switch act {
	case "approve":
		err = u.srv.Approve(code.UserCode)
	case "unchecked":
		err = u.srv.Approve(code.UserCode)
		u.mu.Lock()
		u.idFail = append(u.idFail, app.ID)
		u.mu.Unlock()
	case "other":
		err = u.srv.ApproveAs(code.UserCode, helper)
	case "deny":
		err = u.srv.Deny(code.UserCode)
	case "expire":
		err = u.srv.Expire(code.UserCode)
	}
	if err != nil {
		panic(err)
	}
	return code, nil
}

func (u *webexUser) Wait(ctx context.Context, app flows.App, dc flows.DeviceCode, report func(flows.PollEvent)) (flows.Grant, error) {
	return u.c.Wait(ctx, app, dc, report)
}

// Approver and OrgFacts are the real client's: the wizard prefetches
// codes and reads the org in the background, in both front-ends.
func (u *webexUser) Approver(ctx context.Context, app flows.App, g flows.Grant, onRetry func(flows.RetryEvent)) (flows.Identity, error) {
	if err := u.failID(app); err != nil {
		return flows.Identity{}, err
	}
	return u.c.Approver(ctx, app, g, onRetry)
}

func (u *webexUser) OrgFacts(ctx context.Context, app flows.App, g flows.Grant, orgID string, onRetry func(flows.RetryEvent)) (flows.Identity, error) {
	return u.c.OrgFacts(ctx, app, g, orgID, onRetry)
}

// failID fails the check of who approved app once, when scripted.
func (u *webexUser) failID(app flows.App) error {
	u.mu.Lock()
	i := slices.Index(u.idFail, app.ID)
	if i >= 0 {
		u.idFail = slices.Delete(u.idFail, i, i+1)
	}
	u.mu.Unlock()
	if i >= 0 {
		return fmt.Errorf("flows: %s: identify: %w: read tcp: connection reset by peer", app.ID, flows.ErrUnreachable)
	}
	return nil
}

// parityApps are two catalog apps the fake Webex knows, with secrets.
func parityApps() []flows.App {
	apps := testApps()[:2]
	for i := range apps {
		apps[i].Secret = store.NewSecret("sec-FAKE-" + apps[i].ID)
	}
	return apps
}

// oneCodeOneTokenEach checks that the fake issued each of parityApps
// one device code and one token, and that the bundle written holds both
// apps.
func oneCodeOneTokenEach(t *testing.T, d wizard.Deps, f *fixture) {
	t.Helper()
	srv := d.Authorizer.(*webexUser).srv
	codes, tokens := map[string]int{}, map[string]int{}
	for _, r := range srv.Requests() {
		if r.Path == "/v1/device/authorize" {
			codes[r.ClientID]++
		}
	}
	for _, it := range srv.Issued() {
		tokens[it.ClientID]++
	}
	for _, a := range parityApps() {
		if codes[a.ClientID] != 1 || tokens[a.ClientID] != 1 {
			t.Errorf("%s: %d codes, %d tokens; want one of each", a.ID, codes[a.ClientID], tokens[a.ClientID])
		}
	}
	if b, _, _ := f.writer.got(); b == nil || len(b.Apps) != 2 {
		t.Errorf("bundle %+v, want both apps", b)
	}
}

// paritySetup is a fake Webex for a scenario, and Deps that use it. The
// catalog secret of app wrongSecret (if not "") is wrong, and the fake
// checks secrets only at redemption (webextest.SecretAtRedemption).
func paritySetup(t *testing.T, act map[string][]string, wrongSecret ...string) (wizard.Deps, *fixture, func()) {
	t.Helper()
	clock := &skipClock{now: t0}
	var ints []webextest.Integration
	for _, a := range parityApps() {
		ints = append(ints, webextest.Integration{ClientID: a.ClientID, ClientSecret: a.Secret.Reveal(), Scopes: a.Scopes})
	}
	opts := webextest.Options{Integrations: ints, Clock: clock,
		Approver: webextest.Person{ID: "p-jane", Email: adminEmail, DisplayName: "Jane Admin", Roles: []string{webextest.FullAdminRole}}}
	if len(wrongSecret) > 0 && wrongSecret[0] != "" {
		opts.SecretCheck = webextest.SecretAtRedemption
	}
	srv := webextest.NewServer(opts)
	c, err := flows.NewClient(flows.Config{BaseURL: srv.URL, HTTPClient: srv.Client(), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	copied := map[string][]string{}
	for k, v := range act {
		copied[k] = slices.Clone(v)
	}
	f := newFakes()
	d := testDeps(f)
	d.Apps = parityApps()
	for i := range d.Apps {
		if len(wrongSecret) > 0 && d.Apps[i].ID == wrongSecret[0] {
			d.Apps[i].Secret = store.NewSecret("sec-FAKE-wrong")
		}
	}
	d.Authorizer = &webexUser{c: c, srv: srv, act: copied}
	cust := testCustomer()
	d.Prefill = &cust
	return d, f, srv.Close
}
