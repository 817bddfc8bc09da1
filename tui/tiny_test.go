package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/flows"
)

// TestTinyTerminals: every screen survives absurd sizes and always fills
// exactly the terminal's height.
func TestTinyTerminals(t *testing.T) {
	setups := map[string]func(f *fixture){
		"preflight": func(f *fixture) { f.step(checksMsg{checks: blockingChecks()}) },
		"apps":      func(f *fixture) { f.toApps() },
		"auth":      func(f *fixture) { f.toAuth(); f.withCode(); f.at(3 * time.Second) },
		"full":      func(f *fixture) { f.toAuth(); f.withCode(); f.step(press("f")) },
		"denied": func(f *fixture) {
			f.toAuth()
			f.withCode()
			f.step(grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, err: flows.ErrDenied})
		},
		"warning": func(f *fixture) { f.toAuth(); f.withCode(); f.approve(otherApprover()) },
		"review":  func(f *fixture) { f.toReview() },
		"done":    func(f *fixture) { f.toReviewAllOK(); f.drive(t, press("enter")) },
	}
	for name, setup := range setups {
		for _, sz := range []struct{ w, h int }{{1, 1}, {12, 4}, {40, 12}, {300, 100}} {
			t.Run(fmt.Sprintf("%s_%dx%d", name, sz.w, sz.h), func(t *testing.T) {
				f := newFixture(t, 80, 24, withPreflight(okChecks()))
				setup(f)
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
