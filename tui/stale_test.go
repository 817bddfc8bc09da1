package tui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// TestLateIdentifyIgnoredByNextApp: s while "Checking who approved…"
// moves on; the first app's late Identify answer is not taken as the
// approver of the next app, even at the same point of its flow.
func TestLateIdentifyIgnoredByNextApp(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	f.withCode()
	first := f.m.v.Auth.App
	gen1 := f.gen()
	f.step(ev(wizard.WaitEnded{Gen: gen1, Grant: testGrant(first)})) // Identify in flight
	if f.m.v.Auth.Phase != wizard.PhaseIdentifying {
		t.Fatalf("phase %v", f.m.v.Auth.Phase)
	}
	f.step(press("s"), press("y"))
	if f.m.v.Auth.App.ID == first.ID {
		t.Fatal("did not move on")
	}
	f.withCode()
	second := f.m.v.Auth.App
	if f.gen() == gen1 {
		t.Fatalf("the next app reuses generation %d", gen1)
	}
	f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(second)}))
	// The first app's Identify answers now (another account), with its own
	// generation.
	f.step(ev(wizard.Identified{Gen: gen1, Identity: otherApprover()}))
	if a := f.m.v.Auth; a.App.ID != second.ID || a.Phase != wizard.PhaseIdentifying {
		t.Fatalf("%s took %s's late Identify answer: phase %v", second.ID, first.ID, a.Phase)
	}
	if r := f.m.flow.Session().Results[first.ID]; r == nil || r.Status != statusSkipped {
		t.Errorf("%s after its late Identify answer: %+v", first.ID, r)
	}
}

// TestCanceledStartIgnoredByNextApp: s while app 1's code is requested;
// its canceled Start answers late and does not fail app 2.
func TestCanceledStartIgnoredByNextApp(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	if f.m.v.Auth.Phase != wizard.PhaseStarting {
		t.Fatalf("phase %v", f.m.v.Auth.Phase)
	}
	first, gen1 := f.m.v.Auth.App, f.gen()
	f.step(press("s"), press("y"))
	if f.m.v.Auth.App.ID == first.ID {
		t.Fatal("did not move on")
	}
	f.step(ev(wizard.CodeIssued{Gen: gen1, Err: context.Canceled}))
	if a := f.m.v.Auth; a.Phase == wizard.PhaseFailed {
		t.Fatalf("%s failed with the previous app's canceled Start: %v", a.App.ID, a.Err)
	}
	// Nor do a late poll or grant of the first app reach it.
	f.withCode()
	f.step(ev(wizard.Polled{Gen: gen1, Event: flows.PollEvent{Outcome: flows.PollSlowDown}}),
		ev(wizard.WaitEnded{Gen: gen1, Grant: testGrant(first)}))
	if a := f.m.v.Auth; a.Phase != wizard.PhaseWaiting || a.HavePoll {
		t.Errorf("a late result of %s applied to %s: phase %v", first.ID, a.App.ID, a.Phase)
	}
	if r := f.m.flow.Session().Results[first.ID]; r == nil || r.Status != statusSkipped {
		t.Errorf("%s after its late grant: %+v", first.ID, r)
	}
}

// TestSkipCancelsIdentify: Identify runs under the app's context, which
// leaving the app cancels.
func TestSkipCancelsIdentify(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.auth.IdentifyBlock = true
	f.auth.Identifying = make(chan string, 1)
	f.toAuth()
	f.withCode()
	_, cmd := f.m.Update(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(f.m.v.Auth.App)}))
	// The batch holds the save and Identify: run them all.
	msgs := make(chan tea.Msg, 8)
	cmds := flatten(cmd)
	for _, c := range cmds {
		go func() { msgs <- c() }()
	}
	select {
	case <-f.auth.Identifying:
	case <-time.After(5 * time.Second):
		t.Fatal("Identify did not start")
	}
	f.step(press("s"), press("y"))
	timeout := time.After(5 * time.Second)
	for range cmds {
		select {
		case msg := <-msgs:
			em, ok := msg.(eventMsg)
			if !ok {
				continue
			}
			if id, ok := em.ev.(wizard.Identified); ok {
				if !errors.Is(id.Err, context.Canceled) {
					t.Fatalf("Identify answered %+v", id)
				}
				return
			}
		case <-timeout:
			t.Fatal("leaving the app did not cancel its Identify")
		}
	}
	t.Fatal("no command answered for Identify")
}

// flatten lists the commands of cmd, opening batches (running cmd itself
// when it is one: a batch's function only returns its commands).
func flatten(cmd tea.Cmd) []tea.Cmd {
	if cmd == nil {
		return nil
	}
	if !strings.Contains(cmdName(cmd), "Batch") {
		return []tea.Cmd{cmd}
	}
	var out []tea.Cmd
	if b, ok := cmd().(tea.BatchMsg); ok {
		for _, c := range b {
			out = append(out, flatten(c)...)
		}
	}
	return out
}
