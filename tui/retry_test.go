package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

var err503 = &flows.WebexError{Status: 503, TrackingID: "ROUTER_6561F0A1-3C2B"}

// retry is the message that hands the flow a retry of the current app's
// Start or Identify (Retried, as effects.Runner reports it).
func (f *fixture) retry(e flows.RetryEvent) tea.Msg {
	return ev(wizard.Retried{Gen: f.gen(), Event: e})
}

// TestRetryShownWhileStarting: a retry of Start shows on the current app's
// status line, with a countdown, until the code arrives.
func TestRetryShownWhileStarting(t *testing.T) {
	f := newFixture(t, 100, 30, nil)
	f.toAuth()
	f.step(f.retry(flows.RetryEvent{Op: flows.RetryStart, AppID: "users", Attempt: 2, Wait: 4 * time.Second, Err: err503}))
	want := "Webex is busy (HTTP 503, attempt 2), retrying in 4s"
	if v := f.view(); !strings.Contains(strings.Join(strings.Fields(v), " "), want) {
		t.Fatalf("no retry line %q:\n%s", want, v)
	}
	f.at(3 * time.Second)
	if v := f.view(); !strings.Contains(v, "retrying in 1s") {
		t.Errorf("no countdown:\n%s", v)
	}
	// A retry of an older call of this app, or an identify retry while
	// starting: ignored.
	stale := ev(wizard.Retried{Gen: f.gen() - 1, Event: flows.RetryEvent{Op: flows.RetryStart, AppID: "users", Attempt: 4, Wait: time.Second, Err: err503}})
	f.step(stale, f.retry(flows.RetryEvent{Op: flows.RetryIdentify, AppID: "users", Attempt: 6, Wait: time.Second, Err: err503}))
	if v := f.view(); strings.Contains(v, "attempt 4") || strings.Contains(v, "attempt 6") {
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
	f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(f.m.v.Auth.App)}))
	if f.m.v.Auth.Phase != wizard.PhaseIdentifying {
		t.Fatalf("phase %d", f.m.v.Auth.Phase)
	}
	f.step(f.retry(flows.RetryEvent{Op: flows.RetryIdentify, AppID: "users", Attempt: 1, Wait: 2 * time.Second, Err: fmt.Errorf("flows: %w: read tcp: connection reset by peer", flows.ErrUnreachable)}))
	if v := f.view(); !strings.Contains(v, "No answer from Webex (attempt 1), retrying in 2s") || !strings.Contains(v, "connection reset") {
		t.Fatalf("no retry line:\n%s", v)
	}
}

// retryingAuth reports retries to the onRetry of its calls, as
// flows.Client does, before answering like fakeAuth: starts retries of
// each Start of users (attempts 1, 2...), the last one's error a message
// with a terminal escape; one retry of each Approver of users.
type retryingAuth struct {
	*fakeAuth
	starts int
}

func (r retryingAuth) Start(ctx context.Context, app flows.App, onRetry func(flows.RetryEvent)) (flows.DeviceCode, error) {
	if app.ID == "users" && onRetry != nil {
		for i := 1; i <= r.starts; i++ {
			var err error = err503
			if i == r.starts {
				err = &flows.WebexError{Status: 503, Message: "\x1b[31mdown for maintenance\x1b[0m"}
			}
			onRetry(flows.RetryEvent{Op: flows.RetryStart, AppID: "users", Attempt: i, Wait: 4 * time.Second, Err: err})
		}
	}
	return r.fakeAuth.Start(ctx, app, onRetry)
}

func (r retryingAuth) Approver(ctx context.Context, app flows.App, g flows.Grant, onRetry func(flows.RetryEvent)) (flows.Identity, error) {
	if app.ID == "users" {
		onRetry(flows.RetryEvent{Op: flows.RetryIdentify, AppID: "users", Attempt: 1, Wait: 1500 * time.Millisecond, Err: fmt.Errorf("flows: %w: read tcp: connection reset by peer", flows.ErrUnreachable)})
	}
	return r.fakeAuth.Approver(ctx, app, g, onRetry)
}

// startCmds hands the flow the apps chosen (users first) and returns the
// commands of the effects that asks for (StartCode among them).
func (f *fixture) startCmds(t *testing.T) []tea.Cmd {
	t.Helper()
	f.toApps()
	_, cmd := f.m.Update(ev(wizard.AppsChosen{IDs: []string{"users"}}))
	if f.m.v.Auth == nil || f.m.v.Auth.Phase != wizard.PhaseStarting {
		t.Fatalf("not starting:\n%s", f.view())
	}
	return flatten(cmd)
}

// TestRetriesReachTheScreen: the retries Start reports while it runs (in
// its command) reach the screen one by one, in order, through the root's
// listener, before the call's answer, their text stripped of terminal
// escapes; the root keeps listening after a stale retry, so that no later
// report is lost; and a call whose reports nobody reads any more (the
// wizard is over) does not block on them.
func TestRetriesReachTheScreen(t *testing.T) {
	f := newFakes()
	f.m = New(func() Deps {
		d := testDeps(f)
		d.Authorizer = retryingAuth{fakeAuth: f.auth, starts: 2}
		return d
	}())
	f.m.Init()
	f.step(resize(100, 30))
	defer f.m.cancel()
	var answers []tea.Msg
	for _, c := range f.startCmds(t) {
		answers = append(answers, f.run(t, c)...)
	}
	for i := 1; i <= 2; i++ {
		msg := f.m.listen()()
		em, ok := msg.(eventMsg)
		r, ok2 := em.ev.(wizard.Retried)
		if !ok || !ok2 || !em.listened || r.Gen != f.gen() || r.Event.Attempt != i {
			t.Fatalf("report %d: %#v", i, msg)
		}
		_, next := f.m.Update(msg)
		if !strings.Contains(f.view(), fmt.Sprintf("attempt %d), retrying in 4s", i)) {
			t.Errorf("retry %d not shown:\n%s", i, f.view())
		}
		if !listens(next) {
			t.Errorf("the root stopped listening after retry %d", i)
		}
	}
	if v := f.m.View(); !strings.Contains(v, ": down for maintenance") || strings.Contains(v, "\x1b") {
		t.Errorf("the retry's message not shown, or shown with its escapes:\n%q", v)
	}
	var code bool
	for _, msg := range answers {
		if em, ok := msg.(eventMsg); ok {
			if _, ok := em.ev.(wizard.CodeIssued); ok {
				code = true
				f.step(msg)
			}
		}
	}
	if !code || f.m.v.Auth.Phase != wizard.PhaseWaiting || strings.Contains(f.view(), "Webex is busy") {
		t.Fatalf("Start's answer (after its retries) not taken:\n%s", f.view())
	}
	// A stale retry, listened: the root listens on.
	_, next := f.m.Update(eventMsg{ev: wizard.Retried{Gen: -1, Event: flows.RetryEvent{Op: flows.RetryStart, Attempt: 9}}, listened: true})
	if !listens(next) || strings.Contains(f.view(), "attempt 9") {
		t.Errorf("a stale retry: listening %v\n%s", listens(next), f.view())
	}

	// Nobody listens any more (the wizard's context is done): a call that
	// reports more retries than the reports' buffer holds still answers
	// (drive's run fails the test if it never does).
	g := newFakes()
	g.m = New(func() Deps {
		d := testDeps(g)
		d.Authorizer = retryingAuth{fakeAuth: g.auth, starts: 3 * cap(f.m.events)}
		return d
	}())
	g.m.Init()
	cmds := g.startCmds(t)
	g.m.cancel()
	for _, c := range cmds {
		g.run(t, c)
	}
}

// listens tells whether cmd holds the root's listener of Model.events.
func listens(cmd tea.Cmd) bool {
	for _, c := range flatten(cmd) {
		if strings.Contains(cmdName(c), "listen") {
			return true
		}
	}
	return false
}
