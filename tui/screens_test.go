package tui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

var sizes = []struct{ w, h int }{{80, 24}, {120, 40}}

// golden checks the view against testdata/<test>/<state>_<w>x<h>.golden.
func checkGolden(t *testing.T, name string, setup func(f *fixture)) {
	t.Helper()
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%s_%dx%d", name, sz.w, sz.h), func(t *testing.T) {
			f := newFixture(t, sz.w, sz.h, nil)
			setup(f)
			golden.RequireEqual(t, []byte(f.view()))
		})
	}
}

func TestScreens(t *testing.T) {
	checkGolden(t, "auth_pending", func(f *fixture) {
		f.toAuth()
		f.withCode()
	})
}
