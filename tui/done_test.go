package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// demoPaths are the paths and the command of a demo run from a deep
// folder: the 80x24 Done screen split the command mid-word.
func demoPaths(d *Deps) {
	const dir = "/home/field-engineer/customers/acme-industries/onboarding"
	d.OutPath = func(company string, now time.Time) string { return dir + "/" + DefaultOutPath(company, now) }
	d.OpenHint = func(r Receipt) string {
		return "ucx-onboard inspect " + r.BundlePath + " -i " + dir + "/ucx-onboard-demo-identity.txt"
	}
}

// TestDoneScreenLongPaths: paths and the open command are never wrapped:
// beside their label or indented when they fit, else on a line of their
// own, cut with … in the middle only when not even that fits (and then
// the screen says they are printed whole at exit).
func TestDoneScreenLongPaths(t *testing.T) {
	checkGolden(t, "done_long_paths", demoPaths, func(f *fixture) {
		f.toReviewAllOK()
		f.drive(t, press("enter"))
	})
	for _, w := range []int{60, 80, 100, 120, 200} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			f := newFixture(t, w, 40, demoPaths)
			f.toReviewAllOK()
			f.drive(t, press("enter"))
			if f.m.screen != scrDone {
				t.Fatalf("screen %d, want done", f.m.screen)
			}
			r := f.m.done.receipt
			v := f.view()
			cut := false
			for _, s := range []string{r.BundlePath, r.ReceiptPath, f.m.c.deps.OpenHint(r)} {
				found := false
				for _, l := range strings.Split(v, "\n") {
					l = strings.TrimSpace(l)
					l = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(l, "Bundle"), "Receipt"))
					if l == s {
						found = true
					}
					if short, ok := fitWhole(s, w); ok && l == short {
						found, cut = true, true
					}
				}
				if !found {
					t.Errorf("%q is not on a line of its own (or cut with …) at width %d:\n%s", s, w, v)
				}
			}
			if said := strings.Contains(v, cutNote); said != cut {
				t.Errorf("cut %v, but the exit note shown = %v", cut, said)
			}
		})
	}
}

// TestFitWhole: what fits is kept; what does not keeps its start and end.
func TestFitWhole(t *testing.T) {
	tests := []struct {
		s     string
		w     int
		want  string
		short bool
	}{
		{"abc", 3, "abc", false},
		{"abcdefghij", 7, "ab…ghij", true},
		{"abcdef", 1, "…", true},
	}
	for _, tt := range tests {
		got, short := fitWhole(tt.s, tt.w)
		if got != tt.want || short != tt.short {
			t.Errorf("fitWhole(%q, %d) = %q, %v; want %q, %v", tt.s, tt.w, got, short, tt.want, tt.short)
		}
	}
}
