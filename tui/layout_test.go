package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// urlRE finds URLs and dotted host names (with dashes) in text.
var urlRE = regexp.MustCompile(`https?://[^\s]+|[A-Za-z0-9-]+(\.[A-Za-z0-9*-]+){2,}`)

// TestWrapKeepsURLs: wrap never breaks inside a URL or host name (a dash
// or slash is no break point there); a URL longer than the width gets a
// line of its own.
func TestWrapKeepsURLs(t *testing.T) {
	text := "UCX Suite must reach https://webexapis.com, https://*.imagicle.com and https://*.api.imagicle.com. " +
		"Open https://oauth-helper-a.wbx2.com/helperservice/v1/actions/device/verify on a phone, and " +
		"check that ucx01.acme-industries.example answers."
	urls := urlRE.FindAllString(text, -1)
	for w := 30; w <= 120; w++ {
		got := wrap(text, w)
		for _, l := range strings.Split(got, "\n") {
			if ansi.StringWidth(l) > w && !strings.Contains(l, "helperservice") {
				t.Errorf("width %d: line wider than the width: %q", w, l)
			}
		}
		flat := strings.Split(got, "\n")
		for _, u := range urls {
			found := false
			for _, l := range flat {
				found = found || strings.Contains(l, u)
			}
			if !found && len(u) <= w {
				t.Errorf("width %d: %q broken:\n%s", w, u, got)
			}
		}
		if strings.ReplaceAll(got, "\n", " ") != text && w >= 72 {
			t.Errorf("width %d: words lost or changed:\n%s", w, got)
		}
	}
	// Longer than the width: its own line, then cut as a last resort.
	long := "Open https://oauth-helper-a.wbx2.com/helperservice/v1/actions/device/verify now."
	got := wrap(long, 40)
	lines := strings.Split(got, "\n")
	if lines[0] != "Open" || lines[len(lines)-1] != "now." {
		t.Errorf("a URL longer than the width does not get its own lines:\n%s", got)
	}
}

// TestDoneURLsWhole: the done screen at common widths keeps every URL on
// one line.
func TestDoneURLsWhole(t *testing.T) {
	for _, w := range []int{80, 90, 100, 120} {
		f := newFixture(t, w, 30, nil)
		f.toReviewAllOK()
		f.drive(t, press("enter"))
		v := f.view()
		for _, u := range []string{"https://webexapis.com", "https://*.imagicle.com", "https://*.api.imagicle.com"} {
			if !regexp.MustCompile(`(^|\s)` + regexp.QuoteMeta(u) + `[ .,]`).MatchString(v) {
				t.Errorf("width %d: %s is not whole on one line:\n%s", w, u, v)
			}
		}
	}
}

// TestReviewFits: at common sizes the review shows each app's approver and
// token expiries whole (refresh expiry included), without truncation, and
// never wider than the terminal.
func TestReviewFits(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h int
		pass bool
		to   func(f *fixture)
	}{
		{"same_approver", 80, 24, true, (*fixture).toReviewAllOK},
		{"same_approver", 100, 30, true, (*fixture).toReviewAllOK},
		{"same_approver", 100, 40, false, (*fixture).toReviewAllOK},
		{"mixed", 100, 30, false, (*fixture).toReview},
		{"mixed", 100, 40, false, (*fixture).toReview},
		{"mixed", 80, 40, false, (*fixture).toReview},
	} {
		t.Run(fmt.Sprintf("%s_%dx%d", tc.name, tc.w, tc.h), func(t *testing.T) {
			f := newFixture(t, tc.w, tc.h, func(d *Deps) {
				if tc.pass {
					d.Protection = Protection{Passphrase: true}
				}
			})
			tc.to(f)
			v := f.view()
			for _, l := range strings.Split(v, "\n") {
				// At 80x24 with a passphrase every line is used: the opaque
				// org id is the one thing cut.
				// The org id is shortened with … on purpose (wizard.ShortID).
				l = strings.Replace(l, wizard.ShortID(orgID), "", 1)
				if strings.Contains(l, "…") && !(tc.h == 24 && strings.HasPrefix(l, "Webex org")) {
					t.Errorf("cut: %q\n%s", l, v)
				}
			}
			for _, want := range []string{"refresh until 2027-02-19", "Jane.Admin@acme.example", "ucx01.acme.example", "COMPLETE REQUEST"} {
				if !strings.Contains(v, want) {
					t.Errorf("review lacks %q:\n%s", want, v)
				}
			}
			if tc.name == "mixed" && !strings.Contains(v, "NOT a Full Admin") {
				t.Errorf("the presence approver's role is not shown:\n%s", v)
			}
			for _, l := range strings.Split(v, "\n") {
				if ansi.StringWidth(l) > tc.w {
					t.Errorf("line wider than %d: %q", tc.w, l)
				}
			}
		})
	}
}
