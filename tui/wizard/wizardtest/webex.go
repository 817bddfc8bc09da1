package wizardtest

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/flows/webextest"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// Helper is who approves a code scripted "other": a helper who is no
// Full Admin of the customer's org.
var Helper = webextest.Person{ID: "p-bob", Email: "bob@help.example", DisplayName: "Bob Helper"}

// WebexApps are two catalog apps (of Apps) the fake Webex of NewWebexUser
// knows, with secrets.
func WebexApps() []flows.App {
	apps := Apps()[:2]
	for i := range apps {
		apps[i].Secret = store.NewSecret("sec-FAKE-" + apps[i].ID)
	}
	return apps
}

// WebexUser is a wizard.Authorizer over a real flows.Client talking to a
// fake Webex (Server), whose user acts on each code as soon as it is
// issued: per app, a script of "approve" (as the customer's admin, the
// default), "other" (approve as Helper), "deny", "expire", or
// "unchecked" (approve, but the check of who approved fails once).
type WebexUser struct {
	c      *flows.Client
	Server *webextest.Server
	mu     sync.Mutex
	act    map[string][]string
	idFail []string // apps whose next Approver call fails
	// wrongSecret is the app whose catalog secret Use makes wrong.
	wrongSecret string
}

// NewWebexUser starts a fake Webex that knows WebexApps, approved by the
// customer's Full Admin (AdminEmail), and a client of it; both run on a
// SkipClock from T0. act is the user's script per app (copied). The
// catalog secret of app wrongSecret (if not "") is wrong in the Deps of
// Use, and the fake then checks secrets only at redemption
// (webextest.SecretAtRedemption). Close the Server when done.
func NewWebexUser(act map[string][]string, wrongSecret string) (*WebexUser, error) {
	clock := NewSkipClock(T0)
	var ints []webextest.Integration
	for _, a := range WebexApps() {
		ints = append(ints, webextest.Integration{ClientID: a.ClientID, ClientSecret: a.Secret.Reveal(), Scopes: a.Scopes})
	}
	opts := webextest.Options{Integrations: ints, Clock: clock,
		Approver: webextest.Person{ID: "p-jane", Email: AdminEmail, DisplayName: "Jane Admin", Roles: []string{webextest.FullAdminRole}}}
	if wrongSecret != "" {
		opts.SecretCheck = webextest.SecretAtRedemption
	}
	srv := webextest.NewServer(opts)
	c, err := flows.NewClient(flows.Config{BaseURL: srv.URL, HTTPClient: srv.Client(), Clock: clock})
	if err != nil {
		srv.Close()
		return nil, err
	}
	copied := map[string][]string{}
	for k, v := range act {
		copied[k] = slices.Clone(v)
	}
	return &WebexUser{c: c, Server: srv, act: copied, wrongSecret: wrongSecret}, nil
}

// Use makes d a run against u: the catalog WebexApps (with the wrong
// secret of NewWebexUser), u as the Authorizer, and the form prefilled
// with Customer.
func (u *WebexUser) Use(d *wizard.Deps) {
	d.Apps = WebexApps()
	for i := range d.Apps {
		if d.Apps[i].ID == u.wrongSecret {
			d.Apps[i].Secret = store.NewSecret("sec-FAKE-wrong")
		}
	}
	d.Authorizer = u
	cust := Customer()
	d.Prefill = &cust
}

func (u *WebexUser) Start(ctx context.Context, app flows.App, onRetry func(flows.RetryEvent)) (flows.DeviceCode, error) {
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
		err = u.Server.Approve(code.UserCode)
	case "unchecked":
		err = u.Server.Approve(code.UserCode)
		u.mu.Lock()
		u.idFail = append(u.idFail, app.ID)
		u.mu.Unlock()
	case "other":
		err = u.Server.ApproveAs(code.UserCode, Helper)
	case "deny":
		err = u.Server.Deny(code.UserCode)
	case "expire":
		err = u.Server.Expire(code.UserCode)
	}
	if err != nil {
		panic(err)
	}
	return code, nil
}

func (u *WebexUser) Wait(ctx context.Context, app flows.App, dc flows.DeviceCode, report func(flows.PollEvent)) (flows.Grant, error) {
	return u.c.Wait(ctx, app, dc, report)
}

// Approver and OrgFacts are the real client's: the wizard prefetches
// codes and reads the org in the background, in both front-ends.
func (u *WebexUser) Approver(ctx context.Context, app flows.App, g flows.Grant, onRetry func(flows.RetryEvent)) (flows.Identity, error) {
	if err := u.failID(app); err != nil {
		return flows.Identity{}, err
	}
	return u.c.Approver(ctx, app, g, onRetry)
}

func (u *WebexUser) OrgFacts(ctx context.Context, app flows.App, g flows.Grant, orgID string, onRetry func(flows.RetryEvent)) (flows.Identity, error) {
	return u.c.OrgFacts(ctx, app, g, orgID, onRetry)
}

// failID fails the check of who approved app once, when scripted.
func (u *WebexUser) failID(app flows.App) error {
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
