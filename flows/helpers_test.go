package flows

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows/webextest"
	"github.com/imagicle/ucx-onboard/store"
)

// skipClock is a virtual clock: After(d) moves Now forward by d and returns
// a channel that has already fired, so a 5 s interval costs no real time.
// It is shared with webextest, which judges "polled too early" on the same
// virtual time.
type skipClock struct {
	mu  sync.Mutex
	now time.Time
}

func newSkipClock() *skipClock {
	return &skipClock{now: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
}

func (c *skipClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *skipClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
	}
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

func (c *skipClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Test fixtures. The secret carries a marker so guard tests can look for it.
const (
	testClientID = "C-presence-test"
	testSecret   = "sec-FAKE-presence-0123456789"
	testEnv      = "env UCX_SECRET_PRESENCE"
)

var presenceScopes = []string{"spark-admin:people_read", "spark-admin:organizations_read"}

func testApp() App {
	return App{
		ID:           "presence",
		Name:         "Attendant Console Presence Connector",
		ClientID:     testClientID,
		Scopes:       presenceScopes,
		Secret:       store.NewSecret(testSecret),
		SecretSource: testEnv,
	}
}

// env is a fake Webex plus a Client that talks to it on a skip clock.
type env struct {
	srv    *webextest.Server
	client *Client
	clock  *skipClock
	app    App
}

// newEnv starts webextest with the presence integration. mod may adjust
// the options (Clock is set afterwards).
func newEnv(t testing.TB, mod func(*webextest.Options)) *env {
	t.Helper()
	clock := newSkipClock()
	opts := webextest.Options{
		Integrations: []webextest.Integration{{ClientID: testClientID, ClientSecret: testSecret, Scopes: presenceScopes}},
		Org:          webextest.Org{ID: "org-1", Name: "Acme S.p.A.", Users: 25},
		Interval:     5 * time.Second,
		ExpiresIn:    300 * time.Second,
	}
	if mod != nil {
		mod(&opts)
	}
	opts.Clock = clock
	srv := webextest.NewServer(opts)
	t.Cleanup(srv.Close)
	c, err := NewClient(Config{BaseURL: srv.URL, HTTPClient: srv.Client(), Clock: clock, UserAgent: "ucx-onboard/test"})
	if err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, client: c, clock: clock, app: testApp()}
}

// start starts a device authorization and returns it with its user code.
func (e *env) start(t *testing.T) DeviceCode {
	t.Helper()
	dc, err := e.client.Start(context.Background(), e.app, nil)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	return dc
}

// wait runs Wait and collects the reported events.
func (e *env) wait(t *testing.T, dc DeviceCode) (Grant, []PollEvent, error) {
	t.Helper()
	var evs []PollEvent
	g, err := e.client.Wait(context.Background(), e.app, dc, func(ev PollEvent) { evs = append(evs, ev) })
	return g, evs, err
}

// polls returns the token endpoint requests webextest recorded.
func (e *env) polls() []webextest.Request {
	var out []webextest.Request
	for _, r := range e.srv.Requests() {
		if r.Path == deviceTokenPath {
			out = append(out, r)
		}
	}
	return out
}

// checkSpacing fails if a poll came sooner than want after the previous
// one (by the server's clock), or the first sooner than one interval after
// the code was issued.
func checkSpacing(t *testing.T, polls []webextest.Request, issued time.Time, want ...time.Duration) {
	t.Helper()
	prev := issued
	for i, p := range polls {
		w := want[min(i, len(want)-1)]
		if gap := p.At.Sub(prev); gap < w {
			t.Errorf("poll %d came %v after the previous event, want >= %v", i+1, gap, w)
		}
		prev = p.At
	}
}

func outcomes(evs []PollEvent) []PollOutcome {
	var out []PollOutcome
	for _, ev := range evs {
		out = append(out, ev.Outcome)
	}
	return out
}
