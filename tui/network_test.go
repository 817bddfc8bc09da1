package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// downEvent is a poll that got no answer, the network down since 25 s
// before t0+30s; tried counts the calls of its TryNow.
func downEvent(tried *int) flows.PollEvent {
	return flows.PollEvent{Attempt: 9, Outcome: flows.PollTransient, At: t0.Add(30 * time.Second), NextPoll: t0.Add(32 * time.Second),
		Interval: 2 * time.Second, Err: fmt.Errorf("%w: connection reset by peer", flows.ErrUnreachable),
		Unreachable: true, DownSince: t0.Add(5 * time.Second), TryNow: func() { *tried++ }}
}

// polled is the message that hands the flow a poll of the code on screen.
func (f *fixture) polled(e flows.PollEvent) {
	f.step(ev(wizard.Polled{Gen: f.gen(), Event: e}))
}

// TestNetworkDownScreen: while Webex gives no answer at all the screen
// says the network is down, that polling goes on and the admin can still
// approve, and offers r to try now.
func TestNetworkDownScreen(t *testing.T) {
	var tried int
	checkGolden(t, "auth_network_down", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.at(30 * time.Second)
		f.polled(downEvent(&tried))
	})
}

// TestNetworkDownTryNow: while the network is down, r polls at once
// (PollEvent.TryNow) and asks for no new code, which would throw away a
// code the admin may have approved; once Webex answers again, r is a new
// code as before.
func TestNetworkDownTryNow(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	f.withCode()
	var tried int
	f.polled(downEvent(&tried))
	// Starts of this app only: the next app's code is asked for in the
	// background meanwhile (prefetch), at a time of its own.
	app := f.m.v.Auth.App.ID
	starts, gen := f.auth.StartsOf(app), f.gen()
	if help := f.view(); !strings.Contains(help, "r try now") || strings.Contains(help, "new code") {
		t.Errorf("help while down does not offer r to try now:\n%s", help)
	}
	f.drive(t, press("r"))
	if a := f.m.v.Auth; tried != 1 || f.auth.StartsOf(app) != starts || a.Gen != gen || a.Phase != wizard.PhaseWaiting || a.Code != testCode(a.App) {
		t.Errorf("r while down: tried %d, starts %d -> %d, gen %d -> %d, phase %v; want one try, the same code",
			tried, starts, f.auth.StartsOf(app), gen, a.Gen, a.Phase)
	}
	f.polled(flows.PollEvent{Attempt: 10, Outcome: flows.PollPending, At: t0.Add(31 * time.Second), NextPoll: t0.Add(33 * time.Second), Interval: 2 * time.Second})
	if help := f.view(); !strings.Contains(help, "r new code") || strings.Contains(help, "try now") {
		t.Errorf("help with Webex answering does not offer r for a new code:\n%s", help)
	}
	f.step(press("r"))
	if a := f.m.v.Auth; tried != 1 || a.Gen == gen || a.Phase != wizard.PhaseRenewing {
		t.Errorf("r with Webex answering: tried %d, gen %d -> %d, phase %v; want a new code", tried, gen, a.Gen, a.Phase)
	}
}

// TestBusyIsNotTheNetwork: a poll Webex answered 503 or 423 is worded as
// Webex being busy, not as a network problem; no answer at all is the
// network.
func TestBusyIsNotTheNetwork(t *testing.T) {
	for _, tc := range []struct {
		err      error
		down     bool
		want, no string
	}{
		{&flows.WebexError{Status: 503, TrackingID: "ROUTER_1"}, false, "Webex is busy (HTTP 503)", "Network"},
		{&flows.WebexError{Status: 423}, false, "Webex is busy (HTTP 423)", "Network"},
		{fmt.Errorf("%w: connection reset by peer", flows.ErrUnreachable), true, "Network down", "busy"},
	} {
		f := newFixture(t, 120, 40, nil)
		f.toAuth()
		f.withCode()
		e := flows.PollEvent{Attempt: 2, Outcome: flows.PollTransient, At: t0, NextPoll: t0.Add(5 * time.Second), Interval: 5 * time.Second, Err: tc.err}
		if tc.down {
			e.Unreachable, e.DownSince, e.TryNow = true, t0, func() {}
		}
		f.polled(e)
		if v := f.view(); !strings.Contains(v, tc.want) || strings.Contains(v, tc.no) {
			t.Errorf("%v: want %q and no %q:\n%s", tc.err, tc.want, tc.no, v)
		}
	}
}
