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

// retry is the retryMsg the current Start or Identify of f's screen
// delivers for ev (see withRetries).
func (f *fixture) retry(ev flows.RetryEvent) retryMsg {
	return retryMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, ev: ev}
}

// TestRetryShownWhileStarting: a retry of Start shows on the current app's
// status line, with a countdown, until the code arrives.
func TestRetryShownWhileStarting(t *testing.T) {
	f := newFixture(t, 100, 30, nil)
	f.toAuth()
	f.step(f.retry(flows.RetryEvent{Op: "start", AppID: "users", Attempt: 2, Wait: 4 * time.Second, Err: err503}))
	want := "Webex is busy (HTTP 503, attempt 2), retrying in 4s"
	if v := f.view(); !strings.Contains(strings.Join(strings.Fields(v), " "), want) {
		t.Fatalf("no retry line %q:\n%s", want, v)
	}
	f.at(3 * time.Second)
	if v := f.view(); !strings.Contains(v, "retrying in 1s") {
		t.Errorf("no countdown:\n%s", v)
	}
	// A retry of an older call of this app, of another app, or an identify
	// retry while starting: ignored.
	stale := f.retry(flows.RetryEvent{Op: "start", AppID: "users", Attempt: 4, Wait: time.Second, Err: err503})
	stale.gen--
	other := f.retry(flows.RetryEvent{Op: "start", AppID: "presence", Attempt: 5, Wait: time.Second, Err: err503})
	other.app = "presence"
	f.step(stale, other, f.retry(flows.RetryEvent{Op: "identify", AppID: "users", Attempt: 6, Wait: time.Second, Err: err503}))
	if v := f.view(); strings.Contains(v, "attempt 4") || strings.Contains(v, "attempt 5") || strings.Contains(v, "attempt 6") {
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
	f := newFixture(t, 100, 30, nil)
	f.toAuth()
	f.withCode()
	f.step(grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, grant: testGrant(f.m.auth.app)})
	if f.m.auth.state != authIdentifying {
		t.Fatalf("state %d", f.m.auth.state)
	}
	f.step(f.retry(flows.RetryEvent{Op: "identify", AppID: "users", Attempt: 1, Wait: 2 * time.Second, Err: fmt.Errorf("flows: %w: read tcp: connection reset by peer", flows.ErrUnreachable)}))
	if v := f.view(); !strings.Contains(v, "No answer from Webex (attempt 1), retrying in 2s") || !strings.Contains(v, "connection reset") {
		t.Fatalf("no retry line:\n%s", v)
	}
}

// TestWithRetries: the command of one call delivers each retry the call
// reports, in order, each retryMsg carrying the command for what follows,
// then the call's own message; the root keeps listening even on a stale
// retry, so that the answer is not lost; a call whose context is done
// never blocks on a retry nobody reads.
func TestWithRetries(t *testing.T) {
	evs := []flows.RetryEvent{{Op: "start", AppID: "users", Attempt: 1}, {Op: "start", AppID: "users", Attempt: 2}}
	call := func(onRetry func(flows.RetryEvent)) tea.Msg {
		for _, ev := range evs {
			onRetry(ev)
		}
		return codeMsg{gen: 7, app: "users"}
	}
	cmd := withRetries(context.Background(), 7, "users", call)
	var got []int
	for range 10 {
		switch msg := cmd().(type) {
		case retryMsg:
			if msg.gen != 7 || msg.app != "users" {
				t.Fatalf("retryMsg %+v", msg)
			}
			got = append(got, msg.ev.Attempt)
			cmd = msg.next
			continue
		case codeMsg:
			if fmt.Sprint(got) != "[1 2]" {
				t.Fatalf("retries %v before the answer, want [1 2]", got)
			}
		default:
			t.Fatalf("%T", msg)
		}
		break
	}

	// Nobody listens after the first retry; the context ends the call.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	cmd = withRetries(ctx, 8, "users", func(onRetry func(flows.RetryEvent)) tea.Msg {
		defer close(done)
		return call(onRetry)
	})
	if _, ok := cmd().(retryMsg); !ok {
		t.Fatal("no first retry")
	}
	cancel()
	<-done

	// The root passes a stale retry's next on.
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	next := func() tea.Msg { return nil }
	_, got2 := f.m.Update(retryMsg{gen: -1, app: "users", ev: evs[0], next: next})
	if got2 == nil {
		t.Error("the root stopped listening on a stale retry")
	}
}

// retryingAuth reports retries to the onRetry of its calls, as
// flows.Client does, before answering like fakeAuth.
type retryingAuth struct{ *fakeAuth }

func (r retryingAuth) Start(ctx context.Context, app flows.App, onRetry func(flows.RetryEvent)) (flows.DeviceCode, error) {
	if app.ID == "users" {
		onRetry(flows.RetryEvent{Op: "start", AppID: "users", Attempt: 2, Wait: 4 * time.Second, Err: &flows.WebexError{Status: 503, Message: "\x1b[31mdown for maintenance\x1b[0m"}})
	}
	return r.fakeAuth.Start(ctx, app, onRetry)
}

func (r retryingAuth) Approver(ctx context.Context, app flows.App, g flows.Grant, onRetry func(flows.RetryEvent)) (flows.Identity, error) {
	if app.ID == "users" {
		onRetry(flows.RetryEvent{Op: "identify", AppID: "users", Attempt: 1, Wait: 1500 * time.Millisecond, Err: fmt.Errorf("flows: %w: read tcp: connection reset by peer", flows.ErrUnreachable)})
	}
	return r.fakeAuth.Approver(ctx, app, g, onRetry)
}

// TestAccessibleShowsRetries: the line-by-line flow prints a line for each
// retry of the current app's Start and Identify, sanitized.
func TestAccessibleShowsRetries(t *testing.T) {
	f := newFakes()
	d := testDeps(f)
	d.Authorizer = retryingAuth{fakeAuth: f.auth}
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
		"Webex is busy (HTTP 503, attempt 2), retrying in 4s: down for maintenance\n",
		"No answer from Webex (attempt 1), retrying in 2s: ",
		"(attempt 1), retrying in 2s: connection reset by peer\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "\x1b") {
		t.Errorf("an escape printed:\n%s", text)
	}
}
