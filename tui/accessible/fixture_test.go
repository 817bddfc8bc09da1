package accessible

// The fakes of the tests: an Authorizer that answers at once (fakeAuth),
// one over a real flows.Client and a fake Webex (webexUser, paritySetup),
// drafts in memory, a bundle writer that records. As package tui's.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// t0 is the fixed "now" of every test.
var t0 = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

const (
	verifyURI = "https://oauth-helper-a.wbx2.com/helperservice/v1/actions/device/verify"
	// completeURI is 144 characters, like Webex's verification_uri_complete.
	completeURI = verifyURI + "?userCode=5f0c8e2a9b7d4c1e3a6f8b0d2c4e6a8b1d3f5a7c9e0b2d4f6a8c0e2b4d6f8a1c"
	userCode    = "MXHW-KQRP"
	fakeAccess  = "tok-FAKE-access-0123456789"
	fakeRefresh = "tok-FAKE-refresh-9876543210"
	adminEmail  = "jane.admin@acme.example"
	orgID       = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9hY21l"
)

// testApps is the catalog of the tests: the four device-grant apps of
// DOMAIN.md.
func testApps() []flows.App {
	return []flows.App{
		{ID: "users", Name: "UCX Suite Users' Synch from Control Hub", ClientID: "C89a4ba3aa80c33dd80bfc17a1572c5026049234c0aa90b7793b47dac37d7fa6c",
			Scopes: []string{"spark-admin:people_read"}, SecretSource: "env UCX_SECRET_USERS"},
		{ID: "presence", Name: "Attendant Console Presence Connector", ClientID: "C1468e046a54f78620ca6d1b16eda8096165d0f960078c8e38c5ac09fb7f7f120",
			Scopes: []string{"spark-admin:people_read", "spark-admin:organizations_read"}, SecretSource: "env UCX_SECRET_PRESENCE"},
		{ID: "callcontrol", Name: "Attendant Console Call Control", ClientID: "C143958d8c8645673914400fbf4b06fa022da2a7caeac67b5eb48d062709cf24e",
			Scopes: []string{"spark:calls_write"}, SecretSource: "file /etc/ucx/callcontrol.secret"},
		{ID: "cdr", Name: "Call Analytics CDRs retrieval from Control Hub", ClientID: "C2b09ee9cb8a3ae94ae0e6417d7dcf7e33351ae00bbb22fb9937a79796a8371b5",
			Scopes: []string{"spark-admin:calling_cdr_read"}, SecretSource: "env UCX_SECRET_CDR"},
	}
}

func testCode(app flows.App) flows.DeviceCode {
	return flows.DeviceCode{
		AppID: app.ID, UserCode: userCode, VerificationURI: verifyURI, VerificationURIComplete: completeURI,
		IssuedAt: t0, Expiry: t0.Add(5 * time.Minute), Interval: 5 * time.Second,
	}
}

func testGrant(app flows.App) flows.Grant {
	return flows.Grant{
		AccessToken: store.NewSecret(fakeAccess + "-" + app.ID), AccessTokenExpiry: t0.Add(1209599 * time.Second),
		RefreshToken: store.NewSecret(fakeRefresh + "-" + app.ID), RefreshTokenExpiry: t0.Add(7775999 * time.Second),
		TokenType: "Bearer", Scopes: app.Scopes, ObtainedAt: t0,
	}
}

func testIdentity() flows.Identity {
	return flows.Identity{
		PersonID: "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9qYW5l", Emails: []string{"Jane.Admin@acme.example"},
		DisplayName: "Jane Admin", OrgID: orgID, OrgName: "Acme Industries", FullAdmin: true,
		OrgUsers: 1001, OrgUsersCounted: true,
	}
}

// fakeClock never fires: screen tests send tickMsg themselves.
type fakeClock struct{ now time.Time }

func (c fakeClock) Now() time.Time                       { return c.now }
func (c fakeClock) After(time.Duration) <-chan time.Time { return nil }

// fakeAuth answers at once: approve, or the scripted error per app.
type fakeAuth struct {
	mu       sync.Mutex
	waitErr  map[string][]error // per app, consumed one per Wait
	identity func(app flows.App) flows.Identity
	// ids, when it has app's ID, is who approved app and what its token
	// may read of the org (setIdentity); it takes precedence over
	// identity.
	ids map[string]flows.Identity
	// code, when set, makes the codes Start returns (default testCode).
	code func(app flows.App) flows.DeviceCode
	// starts counts Start calls, per app in started: the wizard also
	// prefetches the next app's code in the background, so a count of
	// one app's codes is what a test can pin (startsOf) while the queue
	// is under way; read both under mu (startCount, startsOf).
	starts  int
	started map[string]int
	events  []flows.PollEvent // reported by each Wait before it answers
	block   map[string]bool   // Wait blocks until canceled for these apps
	// hold makes Wait of these apps wait until the channel is closed (an
	// approval then) or canceled.
	hold map[string]chan struct{}
	// identifyErr is consumed one per Approver; identifyBlock makes
	// Approver block until canceled, after signalling identifying;
	// identifies counts Approver calls.
	identifyErr   []error
	identifyBlock bool
	identifying   chan string
	identifies    int
	// approverBare makes Approver leave the org's name and size to
	// OrgFacts, as flows.Client.Approver does.
	approverBare bool
	// parked hears from Wait and Approver when they block on purpose
	// (drive then leaves their command pending).
	parked chan struct{}
}

func (f *fakeAuth) parkedCh() chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.parked == nil {
		f.parked = make(chan struct{}, 64)
	}
	return f.parked
}

// park tells drive that the caller blocks on purpose.
func (f *fakeAuth) park() {
	select {
	case f.parkedCh() <- struct{}{}:
	default: // nobody drives this fixture (a real program)
	}
}

func (f *fakeAuth) Start(ctx context.Context, app flows.App, onRetry func(flows.RetryEvent)) (flows.DeviceCode, error) {
	f.mu.Lock()
	f.starts++
	if f.started == nil {
		f.started = map[string]int{}
	}
	f.started[app.ID]++
	mk := f.code
	f.mu.Unlock()
	if mk != nil {
		return mk(app), nil
	}
	return testCode(app), nil
}

// startsOf is the number of Start calls so far for app appID.
func (f *fakeAuth) startsOf(appID string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.started[appID]
}

func (f *fakeAuth) Wait(ctx context.Context, app flows.App, code flows.DeviceCode, report func(flows.PollEvent)) (flows.Grant, error) {
	for _, ev := range f.events {
		report(ev)
	}
	f.mu.Lock()
	if ch := f.hold[app.ID]; ch != nil {
		f.mu.Unlock()
		select {
		case <-ch:
			return testGrant(app), nil
		case <-ctx.Done():
			return flows.Grant{}, ctx.Err()
		}
	}
	if f.block[app.ID] {
		f.mu.Unlock()
		f.park()
		<-ctx.Done()
		return flows.Grant{}, ctx.Err()
	}
	defer f.mu.Unlock()
	if errs := f.waitErr[app.ID]; len(errs) > 0 {
		f.waitErr[app.ID] = errs[1:]
		return flows.Grant{}, errs[0]
	}
	return testGrant(app), nil
}

// Approver answers with the whole identity (identity, or testIdentity):
// the org's name and size come with the approver, so that the screens do
// not depend on when OrgFacts answers.
func (f *fakeAuth) Approver(ctx context.Context, app flows.App, g flows.Grant, onRetry func(flows.RetryEvent)) (flows.Identity, error) {
	f.mu.Lock()
	f.identifies++
	block, bare := f.identifyBlock, f.approverBare
	var err error
	if len(f.identifyErr) > 0 {
		err, f.identifyErr = f.identifyErr[0], f.identifyErr[1:]
	}
	f.mu.Unlock()
	if block {
		if f.identifying != nil {
			f.identifying <- app.ID
		}
		f.park()
		<-ctx.Done()
		return flows.Identity{}, ctx.Err()
	}
	if err != nil {
		return flows.Identity{}, err
	}
	id := f.identityOf(app)
	if bare {
		id.OrgName, id.OrgNameUnknown, id.OrgNameErr = "", flows.Known, nil
		id.OrgUsers, id.OrgUsersCounted, id.OrgUsersUnknown, id.OrgUsersErr = 0, false, flows.Known, nil
	}
	return id, nil
}

// identityOf is app's identity: ids, identity, or testIdentity.
func (f *fakeAuth) identityOf(app flows.App) flows.Identity {
	f.mu.Lock()
	id, ok := f.ids[app.ID]
	mk := f.identity
	f.mu.Unlock()
	switch {
	case ok:
		return id
	case mk != nil:
		return mk(app)
	}
	return testIdentity()
}

// OrgFacts answers at once with the org's facts of app's identity
// (identityOf): what app's token may read of the org, consistent with
// what Approver said.
func (f *fakeAuth) OrgFacts(ctx context.Context, app flows.App, g flows.Grant, orgID string, onRetry func(flows.RetryEvent)) (flows.Identity, error) {
	id := f.identityOf(app)
	return flows.Identity{
		OrgID:   orgID,
		OrgName: id.OrgName, OrgNameUnknown: id.OrgNameUnknown, OrgNameErr: id.OrgNameErr,
		OrgUsers: id.OrgUsers, OrgUsersCounted: id.OrgUsersCounted,
		OrgUsersUnknown: id.OrgUsersUnknown, OrgUsersErr: id.OrgUsersErr,
	}, nil
}

// fakeDrafts keeps drafts in memory.
type fakeDrafts struct {
	mu     sync.Mutex
	drafts map[string]wizard.Draft
	n      int
	saves  int
	// saveErr and removeErr, when set, fail every Save and Remove.
	saveErr, removeErr error
	removed            []string // ids passed to Remove
}

func newFakeDrafts() *fakeDrafts { return &fakeDrafts{drafts: map[string]wizard.Draft{}} }

func (f *fakeDrafts) Save(d *wizard.Draft) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.saveErr != nil {
		return f.saveErr
	}
	if d.ID == "" {
		d.ID = fmt.Sprintf("draft-%d", f.n+1)
	}
	if _, ok := f.drafts[d.ID]; !ok { // a new draft, under an ID given or assigned
		f.n++
		d.Created = t0
	}
	d.Updated = t0
	f.drafts[d.ID] = *d
	f.saves++
	return nil
}

// NewID names the next draft as Save would.
func (f *fakeDrafts) NewID() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprintf("draft-%d", f.n+1)
}

// Record keeps c in the draft, as store.Drafts.Record does (without
// keeping it through later saves).
func (f *fakeDrafts) Record(d *wizard.Draft, c *store.Completion) error {
	d.Completed = c
	return f.Save(d)
}

func (f *fakeDrafts) List() ([]wizard.DraftInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []wizard.DraftInfo
	for i := 1; i <= f.n; i++ {
		d, ok := f.drafts[fmt.Sprintf("draft-%d", i)]
		if !ok {
			continue
		}
		info := wizard.DraftInfo{ID: d.ID, Company: d.Customer.Company, Updated: d.Updated, Completed: d.Completed}
		for _, g := range d.Apps {
			info.AppsDone = append(info.AppsDone, g.AppID)
		}
		out = append(out, info)
	}
	return out, nil
}

func (f *fakeDrafts) Load(id string) (wizard.Draft, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.drafts[id]
	if !ok {
		return wizard.Draft{}, errors.New("no such draft")
	}
	return d, nil
}

func (f *fakeDrafts) Remove(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.removed = append(f.removed, id)
	if f.removeErr != nil {
		return f.removeErr
	}
	delete(f.drafts, id)
	return nil
}

// fakeWriter records the bundle instead of sealing it.
type fakeWriter struct {
	mu     sync.Mutex
	bundle *store.Bundle
	pass   store.Secret
	path   string
}

func (f *fakeWriter) write(path string, b store.Bundle, pass store.Secret, record func(*store.Completion) error) (wizard.Receipt, error) {
	if record != nil {
		// As store.WriteBundleRecorded: the draft keeps the sealed
		// bundle before it is written; no record, no bundle.
		c := &store.Completion{BundlePath: path, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Sealed: []byte("sealed")}
		if err := record(c); err != nil {
			return wizard.Receipt{}, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bundle, f.pass, f.path = &b, pass, path
	return wizard.Receipt{
		BundlePath: path, ReceiptPath: path + ".receipt.txt",
		SHA256:     "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Recipients: []string{"age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"},
	}, nil
}

func (f *fakeWriter) got() (*store.Bundle, store.Secret, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bundle, f.pass, f.path
}

// fixture is the fakes of a run.
type fixture struct {
	auth   *fakeAuth
	drafts *fakeDrafts
	writer *fakeWriter
	copied []string
}

func testDeps(f *fixture) wizard.Deps {
	return wizard.Deps{
		Apps:        testApps(),
		Authorizer:  f.auth,
		Drafts:      f.drafts,
		WriteBundle: f.writer.write,
		Clock:       fakeClock{now: t0},
		Protection:  wizard.Protection{Recipients: []string{"age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"}},
		OutPath: func(company string, now time.Time) string {
			return "/home/field/acme-industries-" + now.UTC().Format("2006-01-02") + ".ucxbundle"
		},
		Copy:           func(s string) error { f.copied = append(f.copied, s); return nil },
		Version:        "v0.9.0-test",
		NoColor:        true,
		DarkBackground: true,
	}
}

// newFakes returns a fixture of fresh fakes (Authorizer, DraftStore,
// bundle writer) with no model yet.
func newFakes() *fixture {
	return &fixture{auth: &fakeAuth{waitErr: map[string][]error{}, block: map[string]bool{}}, drafts: newFakeDrafts(), writer: &fakeWriter{}}
}

func testCustomer() store.Customer {
	return store.Customer{Company: "Acme Industries", AdminEmail: adminEmail, Deployment: store.DeploymentOnPrem,
		UCXHost: "ucx01.acme.example", Engineer: "Marco Rossi", Notes: "Pilot site"}
}

// run runs the wizard on d with input in, and returns its outcome and
// what it printed.
func run(t *testing.T, d wizard.Deps, in string) (wizard.Outcome, string, error) {
	t.Helper()
	var out bytes.Buffer
	res, err := Run(context.Background(), d, strings.NewReader(in), &out)
	return res, out.String(), err
}

// runScenario runs the wizard through the customer form and the app
// selection, then answers with answer and confirms the review; it fails
// the test when Run fails.
func runScenario(t *testing.T, fakes func(*fixture), deps func(*wizard.Deps), answer string) (*fixture, string) {
	t.Helper()
	f := newFakes()
	if fakes != nil {
		fakes(f)
	}
	d := testDeps(f)
	if deps != nil {
		deps(&d)
	}
	in := "Acme Industries\njane.admin@acme.example\n2\nucx01.acme.example\nMarco Rossi\n\ny\n" + answer + "y\n"
	_, out, err := run(t, d, in)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out)
	}
	return f, out
}

// downEvent is a poll that got no answer at all (the network is down).
func downEvent(tried *int) flows.PollEvent {
	return flows.PollEvent{Attempt: 9, Outcome: flows.PollTransient, At: t0.Add(30 * time.Second), NextPoll: t0.Add(32 * time.Second),
		Interval: 2 * time.Second, Err: fmt.Errorf("%w: connection reset by peer", flows.ErrUnreachable),
		Unreachable: true, DownSince: t0.Add(5 * time.Second), TryNow: func() { *tried++ }}
}
