package tui

import (
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// TestKeysMapChoices: in each place of the flow, every choice the core
// offers (wizard.View.Choices, whose legality and effects
// tui/wizard.TestFlowChoices pins) is the one its key takes on the screen,
// and the help line names it. The full-screen front-end adds no choice of
// its own and drops none.
func TestKeysMapChoices(t *testing.T) {
	other := testIdentity()
	other.FullAdmin, other.Emails, other.DisplayName = false, []string{"bob@help.example"}, "Bob Helper"
	for _, tc := range []struct {
		name string
		to   func(f *fixture)
	}{
		{"customer", func(f *fixture) { f.step(ev(wizard.DraftsListed{})) }},
		{"apps", func(f *fixture) { f.toApps() }},
		{"starting", func(f *fixture) { f.toAuth() }},
		{"waiting", func(f *fixture) { f.toAuth(); f.withCode() }},
		{"waiting, network down", func(f *fixture) {
			f.toAuth()
			f.withCode()
			f.step(ev(wizard.Polled{Gen: f.gen(), Event: flows.PollEvent{Outcome: flows.PollTransient, Unreachable: true, TryNow: func() {}}}))
		}},
		{"skip asked", func(f *fixture) { f.toAuth(); f.withCode(); f.step(press("s")) }},
		{"quit asked", func(f *fixture) { f.toAuth(); f.withCode(); f.step(press("q")) }},
		{"identifying", func(f *fixture) {
			f.toAuth()
			f.withCode()
			f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(f.m.v.Auth.App)}))
		}},
		{"warning", func(f *fixture) {
			f.toAuth()
			f.withCode()
			f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(f.m.v.Auth.App)}))
			f.step(ev(wizard.Identified{Gen: f.gen(), Identity: other}))
		}},
		{"unidentified", func(f *fixture) {
			f.toAuth()
			f.withCode()
			f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(f.m.v.Auth.App)}))
			f.step(ev(wizard.Identified{Gen: f.gen(), Err: errors.New("people/me: HTTP 503")}))
		}},
		{"failed", func(f *fixture) {
			f.toAuth()
			f.withCode()
			f.step(ev(wizard.WaitEnded{Gen: f.gen(), Err: flows.ErrDenied}))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 120, 40, nil)
			tc.to(f)
			v := f.m.v
			if len(v.Choices) == 0 {
				t.Fatalf("no choices at step %d", v.Step)
			}
			typing := false
			if ty, ok := f.m.screens[v.Step].(typer); ok {
				typing = ty.typing()
			}
			help := ansi.Strip(f.m.helpLine)
			for _, o := range v.Choices {
				k := o.Key
				if typing && o.Choice == wizard.ChoiceQuit {
					k = "ctrl+c" // q is a letter in a text field
				}
				if got, ok := f.m.choice(press(k), typing); !ok || got != o.Choice {
					t.Errorf("key %q takes choice %d (%v), want %d (%s)", k, got, ok, o.Choice, o.Label)
				}
				if !strings.Contains(help, o.Label) && !typing {
					t.Errorf("the help line %q does not offer %q", help, o.Label)
				}
			}
		})
	}
}
