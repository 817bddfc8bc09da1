package tui

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/flows"
)

var err503 = &flows.WebexError{Status: 503, TrackingID: "ROUTER_6561F0A1-3C2B"}

// retryFixture is a fixture whose Deps carry a Retries channel, as cmd
// fills from flows.Config.OnRetry.
func retryFixture(t *testing.T) (*fixture, chan flows.RetryEvent) {
	ch := make(chan flows.RetryEvent, 8)
	f := newFixture(t, 100, 30, func(d *Deps) { d.Retries = ch })
	return f, ch
}

// deliver runs the model's retry listener on what ch holds, as the program
// would, and returns the listener the model asks for next.
func (f *fixture) deliver(t *testing.T, listen func() tea.Msg) func() tea.Msg {
	t.Helper()
	msg := listen()
	if _, ok := msg.(retryMsg); !ok {
		t.Fatalf("listener returned %T", msg)
	}
	_, cmd := f.m.Update(msg)
	if cmd == nil {
		t.Fatal("the model stopped listening for retries")
	}
	return cmd
}

// TestRetryShownWhileStarting: a retry of Start shows on the current app's
// status line, with a countdown, until the code arrives.
func TestRetryShownWhileStarting(t *testing.T) {
	f, ch := retryFixture(t)
	f.toAuth()
	ch <- flows.RetryEvent{Op: "start", AppID: "users", Attempt: 2, Wait: 4 * time.Second, Err: err503}
	next := f.deliver(t, f.m.listenRetries())
	want := "Webex is busy (HTTP 503, attempt 2), retrying in 4s: webex: HTTP 503 Service Unavailable"
	if v := f.view(); !strings.Contains(strings.Join(strings.Fields(v), " "), want) {
		t.Fatalf("no retry line %q:\n%s", want, v)
	}
	f.at(3 * time.Second)
	if v := f.view(); !strings.Contains(v, "retrying in 1s") {
		t.Errorf("no countdown:\n%s", v)
	}
	// Another app's retry, or an identify retry while starting: ignored.
	ch <- flows.RetryEvent{Op: "start", AppID: "presence", Attempt: 5, Wait: time.Second, Err: err503}
	ch <- flows.RetryEvent{Op: "identify", AppID: "users", Attempt: 6, Wait: time.Second, Err: err503}
	next = f.deliver(t, next)
	f.deliver(t, next)
	if v := f.view(); strings.Contains(v, "attempt 5") || strings.Contains(v, "attempt 6") {
		t.Errorf("a retry of something else shown:\n%s", v)
	}
	f.withCode()
	if v := f.view(); strings.Contains(v, "Webex is busy") {
		t.Errorf("retry line stays once the code is there:\n%s", v)
	}
}

// TestRetryShownWhileIdentifying: a retry of Identify shows while checking
// who approved.
func TestRetryShownWhileIdentifying(t *testing.T) {
	f, ch := retryFixture(t)
	f.toAuth()
	f.withCode()
	f.step(grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, grant: testGrant(f.m.auth.app)})
	if f.m.auth.state != authIdentifying {
		t.Fatalf("state %d", f.m.auth.state)
	}
	ch <- flows.RetryEvent{Op: "identify", AppID: "users", Attempt: 1, Wait: 2 * time.Second, Err: fmt.Errorf("flows: %w: read tcp: connection reset by peer", flows.ErrUnreachable)}
	f.deliver(t, f.m.listenRetries())
	if v := f.view(); !strings.Contains(v, "No answer from Webex (attempt 1), retrying in 2s") || !strings.Contains(v, "connection reset") {
		t.Fatalf("no retry line:\n%s", v)
	}
}

// TestRetriesListenedFromInit: Init listens on Deps.Retries; without it,
// nothing listens.
func TestRetriesListenedFromInit(t *testing.T) {
	f, ch := retryFixture(t)
	if f.m.listenRetries() == nil {
		t.Fatal("no listener with Deps.Retries set")
	}
	close(ch)
	if msg := f.m.listenRetries()(); msg != nil {
		t.Errorf("closed channel: %T, want nil", msg)
	}
	g := newFixture(t, 80, 24, nil)
	if g.m.listenRetries() != nil {
		t.Error("a listener without Deps.Retries")
	}
}

// retryingAuth sends retries of its calls to ch, as flows.Config.OnRetry
// would, before answering like fakeAuth.
type retryingAuth struct {
	*fakeAuth
	ch chan flows.RetryEvent
}

func (r retryingAuth) Start(ctx context.Context, app flows.App) (flows.DeviceCode, error) {
	if app.ID == "users" {
		r.ch <- flows.RetryEvent{Op: "start", AppID: "users", Attempt: 2, Wait: 4 * time.Second, Err: &flows.WebexError{Status: 503, Message: "\x1b[31mdown for maintenance\x1b[0m"}}
		r.ch <- flows.RetryEvent{Op: "start", AppID: "presence", Attempt: 7, Wait: time.Second, Err: err503} // not this call
	}
	return r.fakeAuth.Start(ctx, app)
}

func (r retryingAuth) Identify(ctx context.Context, app flows.App, g flows.Grant) (flows.Identity, error) {
	if app.ID == "users" {
		r.ch <- flows.RetryEvent{Op: "identify", AppID: "users", Attempt: 1, Wait: 1500 * time.Millisecond, Err: fmt.Errorf("flows: %w: read tcp: connection reset by peer", flows.ErrUnreachable)}
	}
	return r.fakeAuth.Identify(ctx, app, g)
}

// TestAccessibleShowsRetries: the line-by-line flow prints a line for each
// retry of the current app's Start and Identify, sanitized, and none for
// others.
func TestAccessibleShowsRetries(t *testing.T) {
	f := newFakes()
	d := testDeps(f)
	ch := make(chan flows.RetryEvent, 16)
	d.Authorizer = retryingAuth{fakeAuth: f.auth, ch: ch}
	d.Retries = ch
	d.Accessible = true
	c := testCustomer()
	d.Prefill = &c
	in := strings.Repeat("\n", 6) + "y\ny\n"
	var out bytes.Buffer
	res, err := Run(context.Background(), d, Options{In: strings.NewReader(in), Out: &out})
	text := out.String()
	if err != nil || res.Receipt == nil {
		t.Fatalf("Run = %+v, %v\n%s", res, err, text)
	}
	for _, want := range []string{
		"Webex is busy (HTTP 503, attempt 2), retrying in 4s: webex: HTTP 503 Service Unavailable: down for maintenance\n",
		"No answer from Webex (attempt 1), retrying in 2s: ",
		"(attempt 1), retrying in 2s: flows: flows: webex API unreachable: read tcp: connection reset by peer\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "attempt 7") || strings.Contains(text, "\x1b") {
		t.Errorf("another app's retry, or an escape, printed:\n%s", text)
	}
}

// TestRetryWordedByCause: the retry line says what happened: a busy Webex
// (408, 5xx), a slow-down (429), or no answer at all.
func TestRetryWordedByCause(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&flows.WebexError{Status: 503}, "Webex is busy (HTTP 503, attempt 3), retrying in 2s: webex: HTTP 503 Service Unavailable"},
		{fmt.Errorf("flows: start: %w", &flows.WebexError{Status: 408}), "Webex is busy (HTTP 408, attempt 3)"},
		{&flows.WebexError{Status: 429}, "Webex asked to slow down (attempt 3), retrying in 2s"},
		{fmt.Errorf("flows: %w: dial tcp: i/o timeout", flows.ErrUnreachable), "No answer from Webex (attempt 3), retrying in 2s: "},
		{nil, "No answer from Webex (attempt 3), retrying in 2s"},
	} {
		got := retryText(flows.RetryEvent{Op: flows.RetryStart, AppID: "users", Attempt: 3, Wait: 2 * time.Second, Err: tc.err})
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("%v: %q, want %q…", tc.err, got, tc.want)
		}
	}
}
