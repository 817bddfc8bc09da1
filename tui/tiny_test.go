package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// pastChecks takes a fixture with withPreflight(okChecks()) past the
// checks (all passed, enter) to the customer form (no drafts).
func (f *fixture) pastChecks() {
	f.step(ev(wizard.ChecksRan{Checks: okChecks()}), ev(wizard.DraftsListed{}), press("enter"))
	if f.m.v.Step != wizard.StepCustomer {
		panic(fmt.Sprintf("pastChecks: at step %v, not the customer form", f.m.v.Step))
	}
}

// setupSteps are the steps the setups of the tests below reach.
var setupSteps = map[string]wizard.Step{"preflight": wizard.StepChecks, "customer": wizard.StepCustomer, "apps": wizard.StepApps,
	"auth": wizard.StepAuthorize, "full": wizard.StepAuthorize, "denied": wizard.StepAuthorize, "warning": wizard.StepAuthorize,
	"review": wizard.StepReview, "done": wizard.StepDone}

// TestTinyTerminals: every screen survives absurd sizes and always fills
// exactly the terminal's height.
func TestTinyTerminals(t *testing.T) {
	setups := map[string]func(f *fixture){
		"preflight": func(f *fixture) { f.step(ev(wizard.ChecksRan{Checks: blockingChecks()})) },
		"apps":      func(f *fixture) { f.pastChecks(); f.toApps() },
		"auth":      func(f *fixture) { f.pastChecks(); f.toAuth(); f.withCode(); f.at(3 * time.Second) },
		"full":      func(f *fixture) { f.pastChecks(); f.toAuth(); f.withCode(); f.step(press("f")) },
		"denied": func(f *fixture) {
			f.pastChecks()
			f.toAuth()
			f.withCode()
			f.step(ev(wizard.WaitEnded{Gen: f.gen(), Err: flows.ErrDenied}))
		},
		"warning": func(f *fixture) { f.pastChecks(); f.toAuth(); f.withCode(); f.approve(otherApprover()) },
		"review":  func(f *fixture) { f.pastChecks(); f.toReview() },
		"done":    func(f *fixture) { f.pastChecks(); f.toReviewAllOK(); f.drive(t, press("enter")) },
	}
	for name, setup := range setups {
		for _, sz := range []struct{ w, h int }{{1, 1}, {12, 4}, {40, 12}, {300, 100}} {
			t.Run(fmt.Sprintf("%s_%dx%d", name, sz.w, sz.h), func(t *testing.T) {
				f := newFixture(t, 80, 24, withPreflight(okChecks()))
				setup(f)
				if f.m.v.Step != setupSteps[name] {
					t.Fatalf("setup %s: step %v", name, f.m.v.Step)
				}
				f.step(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
				v := f.m.View()
				if n := strings.Count(v, "\n") + 1; n != sz.h {
					t.Errorf("%d lines, want %d", n, sz.h)
				}
				for i, l := range strings.Split(v, "\n") {
					if w := width(l); w > sz.w {
						t.Errorf("line %d is %d cells wide: %q", i, w, l)
					}
				}
			})
		}
	}
}

// TestTooSmallKeysDoNothing: while the window is too small (only "Enlarge
// the window" on screen), no key acts on the screen the engineer cannot
// see: after it, enlarged again, the screen is exactly as before and
// nothing was written. Enter on the review used to write the bundle.
func TestTooSmallKeysDoNothing(t *testing.T) {
	setups := map[string]func(f *fixture){
		"preflight": func(f *fixture) { f.step(ev(wizard.ChecksRan{Checks: blockingChecks()})) },
		"customer": func(f *fixture) {
			f.drive(t, ev(wizard.DraftsListed{}), ev(wizard.ChecksRan{Checks: okChecks()}), press("enter"))
		},
		"apps":    func(f *fixture) { f.pastChecks(); f.toApps() },
		"auth":    func(f *fixture) { f.pastChecks(); f.toAuth(); f.withCode(); f.at(3 * time.Second) },
		"warning": func(f *fixture) { f.pastChecks(); f.toAuth(); f.withCode(); f.approve(otherApprover()) },
		"review":  func(f *fixture) { f.pastChecks(); f.toReviewAllOK() },
		"done":    func(f *fixture) { f.pastChecks(); f.toReviewAllOK(); f.drive(t, press("enter")) },
	}
	keys := []string{"enter", " ", "y", "n", "a", "s", "r", "e", "i", "f", "c", "b", "d", "x", "tab", "down", "esc", "backspace"}
	for name, setup := range setups {
		for _, k := range keys {
			t.Run(name+"/"+k, func(t *testing.T) {
				f := newFixture(t, 80, 24, withPreflight(okChecks()))
				setup(f)
				if f.m.v.Step != setupSteps[name] {
					t.Fatalf("setup %s: step %v", name, f.m.v.Step)
				}
				before := f.view()
				if name == "customer" && !strings.Contains(before, "Company") {
					t.Fatalf("not the customer form:\n%s", before)
				}
				_, _, wrote := f.writer.Got()
				f.step(resize(20, 5))
				if !strings.Contains(f.view(), "Enlarge") {
					t.Fatalf("20x5 shows:\n%s", f.view())
				}
				f.drive(t, press(k))
				if f.m.quitting || f.m.v.AskQuit {
					t.Fatalf("%q quits", k)
				}
				f.step(resize(80, 24))
				if after := f.view(); after != before {
					t.Errorf("%q acted on the hidden screen; before:\n%s\nafter:\n%s", k, before, after)
				}
				if _, _, w := f.writer.Got(); w != wrote {
					t.Errorf("%q wrote a bundle (%q)", k, w)
				}
			})
		}
	}
}

// TestTooSmallQuit: q and Ctrl-C work while the window is too small, as
// usual: on the review, the quit question waits (y does not answer a
// question the engineer cannot see) and shows once the window is large
// enough; Ctrl-C twice quits, keeping the draft.
func TestTooSmallQuit(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		t.Run(k, func(t *testing.T) {
			f := newFixture(t, 80, 24, withPreflight(okChecks()))
			f.pastChecks()
			f.toReviewAllOK()
			f.step(resize(20, 5))
			f.drive(t, press(k))
			if !f.m.v.AskQuit {
				t.Fatalf("%q at 20x5 does not ask to quit", k)
			}
			f.drive(t, press("y"))
			if f.m.quitting {
				t.Fatal("y answered a question not on screen")
			}
			f.step(resize(80, 24))
			if v := f.view(); !strings.Contains(v, "Quit") && !strings.Contains(v, "quit") {
				t.Errorf("the question is not shown once enlarged:\n%s", v)
			}
			f.step(resize(20, 5))
			f.drive(t, press("ctrl+c"))
			if !f.m.quitting {
				t.Fatal("Ctrl-C does not confirm the quit at 20x5")
			}
			if _, _, w := f.writer.Got(); w != "" {
				t.Errorf("a bundle was written: %q", w)
			}
		})
	}
	// On the preflight, q quits at once, as it does at any size.
	f := newFixture(t, 80, 24, withPreflight(blockingChecks()))
	f.step(ev(wizard.ChecksRan{Checks: blockingChecks()}))
	f.step(resize(20, 5))
	f.drive(t, press("q"))
	if !f.m.quitting {
		t.Error("q on the preflight at 20x5 does not quit")
	}
}
