package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// manyAppChecks is the checks of a 64-app catalog, each app "pending" at
// Webex (the note shared by all), one with its secret missing.
func manyAppChecks() []Check {
	const note = "Webex answers a test code with \"pending\" without looking at the client secret."
	checks := okChecks()
	for i := range 64 {
		ck := Check{Name: fmt.Sprintf("App app-%02d", i), OK: true, Detail: "Webex accepts its client ID and permissions; the secret is not proven yet", Note: note}
		if i == 7 {
			ck = Check{Name: "App app-07", App: "app-07", AppBlocked: true, AtStart: true, Detail: "client secret missing: environment variable UCX_SECRET_07 is not set",
				Fix: "set UCX_SECRET_07 and start again, or go on without this app"}
		}
		checks = append(checks, ck)
	}
	return checks
}

// TestPreflightScrolls: 64 apps at 100x30 do not fit; the list scrolls
// (↓, pgdown) while the title, the verdict and the help stay in view, and
// the note shared by the apps is said once, after the last.
func TestPreflightScrolls(t *testing.T) {
	checks := manyAppChecks()
	f := newFixture(t, 100, 30, withPreflight(checks))
	f.step(ev(wizard.ChecksRan{Checks: checks}))
	top := f.view()
	golden.RequireEqual(t, []byte(top))
	lines := strings.Split(top, "\n")
	if len(lines) != 30 {
		t.Fatalf("%d lines, want 30", len(lines))
	}
	for _, want := range []string{"Before the customer is involved", "One app cannot be authorized", "scroll", "q quit"} {
		if !strings.Contains(top, want) {
			t.Errorf("the first screen lacks %q:\n%s", want, top)
		}
	}
	if strings.Contains(top, "App app-63") {
		t.Errorf("the last app is on the first screen: nothing to scroll?\n%s", top)
	}
	f.step(press("down"))
	if v := f.view(); strings.Contains(v, "App catalog and secrets") || !strings.Contains(v, "One app cannot be authorized") {
		t.Errorf("↓ did not scroll one line, or lost the verdict:\n%s", v)
	}
	for range 10 {
		f.step(press("pgdown"))
	}
	end := f.view()
	if !strings.Contains(end, "App app-63") || strings.Count(end, "without looking at the client secret") != 1 || !strings.Contains(end, "One app cannot be authorized") {
		t.Errorf("at the end: the last app, the note once and the verdict expected:\n%s", end)
	}
	if n := strings.Count(strings.Join([]string{f.m.preflight.listText()}, ""), "without looking at the client secret"); n != 1 {
		t.Errorf("the note is said %d times, want once", n)
	}
	if f.m.preflight.blocked() { // app-07 stops alone: the others go on
		t.Errorf("one app without its secret blocks the wizard")
	}
}

// TestPreflightOneProblemALine: a check's problems (lines of its Detail)
// each start a line of their own.
func TestPreflightOneProblemALine(t *testing.T) {
	checks := okChecks()
	checks[0] = Check{Name: "App catalog and secrets", Blocking: true, AtStart: true,
		Detail: "App users-sync, client_secret_env: Environment variable UCX_USERS is not set.\nApp cdr, scopes: Empty.\nApp #3: Missing id.",
		Fix:    "correct the catalog and start again"}
	checkGolden(t, "preflight_problems", withPreflight(checks), func(f *fixture) {
		f.step(ev(wizard.ChecksRan{Checks: checks}))
	})
	f := newFixture(t, 80, 24, withPreflight(checks))
	f.step(ev(wizard.ChecksRan{Checks: checks}))
	v := f.view()
	for _, p := range []string{"App users-sync, client_secret_env:", "App cdr, scopes: Empty.", "App #3: Missing id."} {
		found := false
		for _, l := range strings.Split(v, "\n") {
			found = found || strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "✗ App catalog and secrets")), p)
		}
		if !found {
			t.Errorf("%q does not start a line:\n%s", p, v)
		}
	}
}

// TestPreflightGoOnSaysWhereEnterLeads: the "All set" line names the
// resume screen when drafts exist, and says resuming only when a draft can
// be resumed.
func TestPreflightGoOnSaysWhereEnterLeads(t *testing.T) {
	done := &store.Completion{BundlePath: "x.ucxbundle"}
	for _, tc := range []struct {
		name   string
		loaded bool
		drafts []DraftInfo
		want   string
	}{
		{"not listed yet", false, nil, "Press enter to continue."},
		{"no drafts", true, nil, "Press enter to enter the customer's data."},
		{"resumable", true, []DraftInfo{{ID: "a"}}, "Press enter to continue (an unfinished onboarding can be resumed)."},
		{"in use only", true, []DraftInfo{{ID: "a", Err: store.ErrDraftInUse}}, "Press enter to continue (earlier drafts are listed first)."},
		{"completed only", true, []DraftInfo{{ID: "a", Completed: done}}, "Press enter to continue (earlier drafts are listed first)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := preflightScreen{drafts: tc.drafts, draftsLoaded: tc.loaded}
			if got := s.goOn(); got != tc.want {
				t.Errorf("goOn() = %q, want %q", got, tc.want)
			}
		})
	}
}
