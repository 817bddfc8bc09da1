package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// demoPaths are the paths and the command of a demo run from a deep
// folder: the 80x24 Done screen split the command mid-word, then
// cut it with … in the middle.
func demoPaths(d *Deps) {
	const dir = "/home/field-engineer/customers/acme-industries/onboarding"
	d.OutPath = func(company string, now time.Time) string { return dir + "/" + DefaultOutPath(company, now) }
	d.OpenHint = func(r Receipt) Command {
		return Command{
			Line:  "ucx-onboard inspect " + r.BundlePath + " -i " + dir + "/ucx-onboard-demo-identity.txt",
			Notes: []string{"It shows what the bundle holds, without the tokens."},
		}
	}
}

// TestDoneScreenLongPaths: paths and the open command are never cut: beside
// their label or indented when they fit, else on lines of their own,
// wrapped at the screen's edge; the command's note is on a line of its
// own.
func TestDoneScreenLongPaths(t *testing.T) {
	checkGolden(t, "done_long_paths", demoPaths, func(f *fixture) {
		f.toReviewAllOK()
		f.drive(t, press("enter"))
	})
	// At 80x24 the wrapped paths push the last steps down: the screen
	// scrolls to them.
	f := newFixture(t, 80, 24, demoPaths)
	f.toReviewAllOK()
	f.drive(t, press("enter"))
	if v := f.view(); !strings.Contains(v, "scroll") || strings.Contains(v, "authorize again") {
		t.Errorf("80x24: want the last step below and a scroll help:\n%s", v)
	}
	for range 3 {
		f.step(press("pgdown"))
	}
	if v := f.view(); !strings.Contains(v, "authorize again") || !strings.Contains(v, "enter leave") || !strings.Contains(v, "q quit") {
		t.Errorf("80x24 scrolled: want the last step and the help:\n%s", v)
	}
	squeeze := strings.NewReplacer(" ", "", "\n", "")
	for _, w := range []int{60, 80, 100, 120, 200} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			f := newFixture(t, w, 40, demoPaths)
			f.toReviewAllOK()
			f.drive(t, press("enter"))
			if f.m.v.Step != wizard.StepDone {
				t.Fatalf("step %v, want done", f.m.v.Step)
			}
			r := f.m.done.Receipt
			v := f.view()
			if strings.Contains(v, "…") {
				t.Errorf("something is cut with … at width %d:\n%s", w, v)
			}
			hint := f.m.c.deps.OpenHint(r)
			for _, s := range []string{r.BundlePath, r.ReceiptPath, hint.Line} {
				if !strings.Contains(squeeze.Replace(v), squeeze.Replace(s)) {
					t.Errorf("%q is not shown whole at width %d:\n%s", s, w, v)
				}
			}
			lines := strings.Split(v, "\n")
			for _, l := range lines {
				if width(l) > w {
					t.Errorf("line wider than %d: %q", w, l)
				}
				if strings.Contains(l, hint.Notes[0][:10]) && strings.Contains(l, "ucx-onboard") {
					t.Errorf("the note shares a line with the command: %q", l)
				}
			}
			// The command starts a line of its own.
			first := strings.Fields(hint.Line)[0]
			found := false
			for _, l := range lines {
				found = found || strings.HasPrefix(strings.TrimSpace(l), first)
			}
			if !found {
				t.Errorf("no line starts with the command at width %d:\n%s", w, v)
			}
		})
	}
}

// TestBreakAtSpaces: lines break between arguments, never at a hyphen;
// only a word wider than the screen is cut at its edge.
func TestBreakAtSpaces(t *testing.T) {
	for _, tc := range []struct {
		s    string
		w    int
		want string
	}{
		{"ucx-onboard open a-b.ucxbundle", 40, "ucx-onboard open a-b.ucxbundle"},
		{"ucx-onboard open acme-industries.ucxbundle -i x", 30, "ucx-onboard open\nacme-industries.ucxbundle -i x"},
		{"open /very-long-path/abc", 10, "open\n/very-long\n-path/abc"},
		{"a  b", 10, "a  b"},
	} {
		if got := breakAtSpaces(tc.s, tc.w); got != tc.want {
			t.Errorf("breakAtSpaces(%q, %d) = %q, want %q", tc.s, tc.w, got, tc.want)
		}
	}
}

// TestDoneTextIsTheScreen: the accessible flow's wizard.DoneText says what
// the done screen shows, without styles and unwrapped, in every variant
// (passphrase or recipients, a draft not deleted, each presence step, a
// command with notes).
func TestDoneTextIsTheScreen(t *testing.T) {
	apps := map[string]*appResult{}
	for _, app := range testApps() {
		apps[app.ID] = &appResult{App: app, Status: statusAuthorized}
	}
	ids := []string{"users", "presence", "cdr"}
	for _, tc := range []struct {
		name  string
		tweak func(*Deps)
		r     Receipt
		cust  store.Customer
		org   store.Org
		ids   []string
		del   error
	}{
		{"passphrase", nil, Receipt{BundlePath: "/b/acme.ucxbundle", SHA256: "ab12", ReceiptPath: "/b/acme.ucxbundle.receipt.txt", Passphrase: true},
			testCustomer(), store.Org{UserCount: 250}, ids[:1], nil},
		{"two recipients, big org", nil, Receipt{BundlePath: "/b/a", SHA256: "ab", ReceiptPath: "/b/r", Recipients: []string{"age1one", "age1two"}},
			testCustomer(), store.Org{UserCount: 1001}, ids, nil},
		{"on-prem, size unknown, draft kept", demoPaths, Receipt{BundlePath: "/b/a", SHA256: "ab", ReceiptPath: "/b/r"},
			store.Customer{Company: "Acme\x1b[31m", Deployment: store.DeploymentOnPrem, UCXHost: "ucx.acme.example"}, store.Org{}, ids,
			fmt.Errorf("store: remove: %w", store.ErrDraftInUse)},
		{"cloud, size unknown", nil, Receipt{BundlePath: "/b/a", SHA256: "ab", ReceiptPath: "/b/r"}, testCustomer(), store.Org{}, ids, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 10000, 40, tc.tweak)
			s := doneScreen{c: f.m.c}
			s.RemoveErr, s.DraftID = tc.del, "20261121-acme"
			s.Set(tc.r, tc.cust, tc.org, apps, tc.ids)
			want := ansi.Strip(s.content())
			got := strings.Join(wizard.DoneText(s.DoneContent, wizard.OpenCommand(f.m.c.deps, tc.r)), "\n") + "\n"
			if got != want {
				t.Errorf("DoneText:\n%s\nthe screen, without styles:\n%s", got, want)
			}
		})
	}
}
