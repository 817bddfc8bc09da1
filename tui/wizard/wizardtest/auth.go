package wizardtest

import (
	"context"
	"sync"

	"github.com/imagicle/ucx-onboard/flows"
)

// Auth is a wizard.Authorizer that answers at once: approve, or the
// scripted error per app. Set its fields before the wizard runs; the
// zero Auth approves everything as Identity.
type Auth struct {
	mu       sync.Mutex
	WaitErr  map[string][]error // per app, consumed one per Wait
	Identity func(app flows.App) flows.Identity
	// IDs, when it has app's ID, is who approved app and what its token
	// may read of the org (SetIdentity); it takes precedence over
	// Identity.
	IDs map[string]flows.Identity
	// Code, when set, makes the codes Start returns (default Code).
	Code func(app flows.App) flows.DeviceCode
	// starts counts Start calls, per app in started: the wizard also
	// prefetches the next app's code in the background, so a count of
	// one app's codes is what a test can pin (StartsOf) while the queue
	// is under way; read both under mu (StartCount, StartsOf).
	starts  int
	started map[string]int
	Events  []flows.PollEvent // reported by each Wait before it answers
	Block   map[string]bool   // Wait blocks until canceled for these apps
	// Hold makes Wait of these apps wait until the channel is closed (an
	// approval then) or canceled.
	Hold map[string]chan struct{}
	// IdentifyErr is consumed one per Approver; IdentifyBlock makes
	// Approver block until canceled, after signalling Identifying;
	// Identifies counts Approver calls.
	IdentifyErr   []error
	IdentifyBlock bool
	Identifying   chan string
	Identifies    int
	// ApproverBare makes Approver leave the org's name and size to
	// OrgFacts, as flows.Client.Approver does.
	ApproverBare bool
	// parked hears from Wait and Approver when they block on purpose
	// (a test's driver then leaves their command pending).
	parked chan struct{}
}

// NewAuth returns an Auth with empty WaitErr and Block maps, to fill.
func NewAuth() *Auth {
	return &Auth{WaitErr: map[string][]error{}, Block: map[string]bool{}}
}

// Parked hears from Wait and Approver when they block on purpose (Block,
// IdentifyBlock): a driver that runs commands one at a time leaves theirs
// pending then.
func (f *Auth) Parked() chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.parked == nil {
		f.parked = make(chan struct{}, 64)
	}
	return f.parked
}

// park tells the driver that the caller blocks on purpose.
func (f *Auth) park() {
	select {
	case f.Parked() <- struct{}{}:
	default: // nobody drives this fixture (a real program)
	}
}

// DrainParked forgets parks nobody waited for.
func (f *Auth) DrainParked() {
	ch := f.Parked()
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

func (f *Auth) Start(ctx context.Context, app flows.App, onRetry func(flows.RetryEvent)) (flows.DeviceCode, error) {
	f.mu.Lock()
	f.starts++
	if f.started == nil {
		f.started = map[string]int{}
	}
	f.started[app.ID]++
	mk := f.Code
	f.mu.Unlock()
	if mk != nil {
		return mk(app), nil
	}
	return Code(app), nil
}

// StartCount is the number of Start calls so far, for all apps.
func (f *Auth) StartCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.starts
}

// StartsOf is the number of Start calls so far for app appID.
func (f *Auth) StartsOf(appID string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.started[appID]
}

func (f *Auth) Wait(ctx context.Context, app flows.App, code flows.DeviceCode, report func(flows.PollEvent)) (flows.Grant, error) {
	for _, ev := range f.Events {
		report(ev)
	}
	f.mu.Lock()
	if ch := f.Hold[app.ID]; ch != nil {
		f.mu.Unlock()
		select {
		case <-ch:
			return Grant(app), nil
		case <-ctx.Done():
			return flows.Grant{}, ctx.Err()
		}
	}
	if f.Block[app.ID] {
		f.mu.Unlock()
		f.park()
		<-ctx.Done()
		return flows.Grant{}, ctx.Err()
	}
	defer f.mu.Unlock()
	if errs := f.WaitErr[app.ID]; len(errs) > 0 {
		f.WaitErr[app.ID] = errs[1:]
		return flows.Grant{}, errs[0]
	}
	return Grant(app), nil
}

// Approver answers with the whole identity (IdentityOf): the org's name
// and size come with the approver, so that the screens do not depend on
// when OrgFacts answers (unless ApproverBare).
func (f *Auth) Approver(ctx context.Context, app flows.App, g flows.Grant, onRetry func(flows.RetryEvent)) (flows.Identity, error) {
	f.mu.Lock()
	f.Identifies++
	block, bare := f.IdentifyBlock, f.ApproverBare
	var err error
	if len(f.IdentifyErr) > 0 {
		err, f.IdentifyErr = f.IdentifyErr[0], f.IdentifyErr[1:]
	}
	f.mu.Unlock()
	if block {
		if f.Identifying != nil {
			f.Identifying <- app.ID
		}
		f.park()
		<-ctx.Done()
		return flows.Identity{}, ctx.Err()
	}
	if err != nil {
		return flows.Identity{}, err
	}
	id := f.IdentityOf(app)
	if bare {
		id.OrgName, id.OrgNameUnknown, id.OrgNameErr = "", flows.Known, nil
		id.OrgUsers, id.OrgUsersCounted, id.OrgUsersUnknown, id.OrgUsersErr = 0, false, flows.Known, nil
	}
	return id, nil
}

// SetIdentity makes id who approved app, and what app's token may read
// of the org.
func (f *Auth) SetIdentity(appID string, id flows.Identity) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.IDs == nil {
		f.IDs = map[string]flows.Identity{}
	}
	f.IDs[appID] = id
}

// IdentityOf is app's identity: IDs, Identity, or the package's
// Identity.
func (f *Auth) IdentityOf(app flows.App) flows.Identity {
	f.mu.Lock()
	id, ok := f.IDs[app.ID]
	mk := f.Identity
	f.mu.Unlock()
	switch {
	case ok:
		return id
	case mk != nil:
		return mk(app)
	}
	return Identity()
}

// OrgFacts answers at once with the org's facts of app's identity
// (IdentityOf): what app's token may read of the org, consistent with
// what Approver said.
func (f *Auth) OrgFacts(ctx context.Context, app flows.App, g flows.Grant, orgID string, onRetry func(flows.RetryEvent)) (flows.Identity, error) {
	id := f.IdentityOf(app)
	return flows.Identity{
		OrgID:   orgID,
		OrgName: id.OrgName, OrgNameUnknown: id.OrgNameUnknown, OrgNameErr: id.OrgNameErr,
		OrgUsers: id.OrgUsers, OrgUsersCounted: id.OrgUsersCounted,
		OrgUsersUnknown: id.OrgUsersUnknown, OrgUsersErr: id.OrgUsersErr,
	}, nil
}
