package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// TestLateIdentifyIgnoredByNextApp: s while "Checking who approved…"
// moves on; the first app's late Identify answer is not taken as the
// approver of the next app, even at the same point of its flow.
func TestLateIdentifyIgnoredByNextApp(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	f.withCode()
	first := f.m.auth.app.ID
	gen1 := f.m.auth.gen
	f.step(grantMsg{gen: gen1, app: first, grant: testGrant(f.m.auth.app)}) // Identify in flight
	if f.m.auth.state != authIdentifying {
		t.Fatalf("state %v", f.m.auth.state)
	}
	f.pressRun("s")
	f.pressRun("y")
	if f.m.auth.app.ID == first {
		t.Fatal("did not move on")
	}
	f.withCode()
	second := f.m.auth.app
	if f.m.auth.gen == gen1 {
		t.Fatalf("the next app reuses generation %d", gen1)
	}
	f.step(grantMsg{gen: f.m.auth.gen, app: second.ID, grant: testGrant(second)})
	// The first app's Identify answers now (another account), with its own
	// generation, or (whatever the generations) its own app.
	for _, msg := range []identityMsg{
		{gen: gen1, app: first, id: otherApprover()},
		{gen: f.m.auth.gen, app: first, id: otherApprover()},
	} {
		f.step(msg)
		if f.m.auth.state != authIdentifying {
			t.Fatalf("%s took %s's late Identify answer %+v: state %v", second.ID, first, msg, f.m.auth.state)
		}
	}
}

// TestCanceledStartIgnoredByNextApp: s while app 1's code is requested;
// its canceled Start answers late and does not fail app 2.
func TestCanceledStartIgnoredByNextApp(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	if f.m.auth.state != authStarting {
		t.Fatalf("state %v", f.m.auth.state)
	}
	first, gen1 := f.m.auth.app.ID, f.m.auth.gen
	f.pressRun("s")
	f.pressRun("y")
	for _, msg := range []codeMsg{
		{gen: gen1, app: first, err: context.Canceled},
		{gen: f.m.auth.gen, app: first, err: context.Canceled},
	} {
		f.step(msg)
		if f.m.auth.state == authFailed {
			t.Fatalf("%s failed with the previous app's canceled Start %+v: %v", f.m.auth.app.ID, msg, f.m.auth.err)
		}
	}
	// Nor do a late poll or grant of the first app reach it.
	f.withCode()
	f.step(pollMsg{gen: f.m.auth.gen, app: first}, grantMsg{gen: f.m.auth.gen, app: first, grant: testGrant(testApps()[0])})
	if f.m.auth.state != authWaiting || f.m.auth.haveEv {
		t.Errorf("a late result of %s applied to %s: state %v", first, f.m.auth.app.ID, f.m.auth.state)
	}
}

// TestSkipCancelsIdentify: Identify runs under the app's context, which
// leaving the app cancels.
func TestSkipCancelsIdentify(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.auth.identifyBlock = true
	f.auth.identifying = make(chan string, 1)
	f.toAuth()
	f.withCode()
	_, cmd := f.m.Update(grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, grant: testGrant(f.m.auth.app)})
	done := make(chan any, 1)
	go func() {
		// The batch holds the save and Identify: run Identify.
		for _, c := range flatten(cmd) {
			if strings.Contains(cmdName(c), "identify") {
				done <- c()
				return
			}
		}
		done <- nil
	}()
	select {
	case <-f.auth.identifying:
	case <-time.After(5 * time.Second):
		t.Fatal("Identify did not start")
	}
	f.pressRun("s")
	f.pressRun("y")
	select {
	case msg := <-done:
		im, ok := msg.(identityMsg)
		if !ok || im.err == nil {
			t.Fatalf("Identify answered %#v", msg)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("leaving the app did not cancel its Identify")
	}
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
