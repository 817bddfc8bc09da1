package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/tui/wizard"
	"github.com/imagicle/ucx-onboard/tui/wizard/wizardtest"
)

// The fake Webex and its user are wizardtest's, under the short names
// the tests use.
type webexUser = wizardtest.WebexUser

var parityApps = wizardtest.WebexApps

// outcome is what a run leaves, compared across front-ends.
type outcome struct {
	aborted bool     // the run ended with ErrUserAborted
	bundle  []string // "appID approver-email" per bundled app, then the warnings
	drafts  []string // per draft left: apps, skipped apps and approval notes
}

func (o outcome) String() string {
	return fmt.Sprintf("aborted=%v\nbundle:\n  %s\ndrafts:\n  %s", o.aborted, strings.Join(o.bundle, "\n  "), strings.Join(o.drafts, "\n  "))
}

func outcomeOf(err error, w *fakeWriter, d *fakeDrafts) outcome {
	o := outcome{aborted: errors.Is(err, ErrUserAborted)}
	if b, _, _ := w.Got(); b != nil {
		for _, g := range b.Apps {
			o.bundle = append(o.bundle, g.AppID+" "+strings.ToLower(g.Approver.Email))
		}
		o.bundle = append(o.bundle, b.Warnings...)
	}
	d.Mu.Lock()
	defer d.Mu.Unlock()
	for _, dr := range d.Drafts {
		var apps []string
		for _, g := range dr.Apps {
			apps = append(apps, g.AppID)
		}
		o.drafts = append(o.drafts, fmt.Sprintf("apps %v skipped %v approvals %+v", apps, dr.SkippedApps, dr.Approvals))
	}
	slices.Sort(o.drafts)
	return o
}

// oneCodeOneTokenEach checks that the fake issued each of parityApps
// one device code and one token, and that the bundle written holds both
// apps.
func oneCodeOneTokenEach(t *testing.T, d Deps, f *fixture) {
	t.Helper()
	srv := d.Authorizer.(*webexUser).Server
	codes, tokens := map[string]int{}, map[string]int{}
	for _, r := range srv.Requests() {
		if r.Path == "/v1/device/authorize" {
			codes[r.ClientID]++
		}
	}
	for _, it := range srv.Issued() {
		tokens[it.ClientID]++
	}
	for _, a := range parityApps() {
		if codes[a.ClientID] != 1 || tokens[a.ClientID] != 1 {
			t.Errorf("%s: %d codes, %d tokens; want one of each", a.ID, codes[a.ClientID], tokens[a.ClientID])
		}
	}
	if b, _, _ := f.writer.Got(); b == nil || len(b.Apps) != 2 {
		t.Errorf("bundle %+v, want both apps", b)
	}
}

// paritySetup is a fake Webex for a scenario, and Deps that use it. The
// catalog secret of app wrongSecret (if not "") is wrong, and the fake
// checks secrets only at redemption (webextest.SecretAtRedemption).
func paritySetup(t *testing.T, act map[string][]string, wrongSecret ...string) (Deps, *fixture, func()) {
	t.Helper()
	wrong := ""
	if len(wrongSecret) > 0 {
		wrong = wrongSecret[0]
	}
	u, err := wizardtest.NewWebexUser(act, wrong)
	if err != nil {
		t.Fatal(err)
	}
	f := newFakes()
	d := testDeps(f)
	u.Use(&d)
	return d, f, u.Server.Close
}

// parityScenario is one onboarding, as keys for the screen and lines for
// the accessible prompts, optionally run twice (a quit, then a resume of
// the draft it left).
type parityScenario struct {
	name string
	act  map[string][]string // the Webex user's acts per app, for each run
	// screen drives the full-screen front-end; accessible is its input.
	screen     func(t *testing.T, f *fixture)
	accessible string
	// resume, when set, runs again on the drafts the first run left.
	resumeScreen     func(t *testing.T, f *fixture)
	resumeAccessible string
	// wrongSecret is an app whose catalog secret is wrong, against a
	// Webex that checks it only at redemption.
	wrongSecret string
	want        outcome // of the last run
}

// TestFrontEndParity runs the scenario table through both front-ends
// (the screen's keys, the accessible front-end's lines), against a fake
// Webex (webextest) through a real flows.Client: the same bundle, the
// same drafts and the same exit, whichever front-end ran it, and the
// ones each scenario wants.
func TestFrontEndParity(t *testing.T) {
	for _, sc := range parityScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			var got [2]outcome
			for i, name := range []string{"screen", "accessible"} {
				d, f, done := paritySetup(t, sc.act, sc.wrongSecret)
				var err error
				if name == "screen" {
					err = runScreen(t, d, f, sc.screen)
				} else {
					_, _, err = runAccessible(t, d, sc.accessible)
				}
				if sc.resumeScreen != nil {
					if !errors.Is(err, ErrUserAborted) {
						t.Fatalf("%s: first run: %v", name, err)
					}
					if name == "screen" {
						err = runScreen(t, d, f, sc.resumeScreen)
					} else {
						_, _, err = runAccessible(t, d, sc.resumeAccessible)
					}
				}
				done()
				got[i] = outcomeOf(err, f.writer, f.drafts)
				if b, _, _ := f.writer.Got(); b != nil {
					// Read in the background, once per org, with the first
					// app that may: the bundle has them all the same. Only
					// presence may read the name, both may count, and only
					// for an admin (a non-admin's admin scopes get 403).
					named := slices.Contains(got[i].bundle, "presence "+adminEmail)
					counted := named || slices.Contains(got[i].bundle, "users "+adminEmail)
					if (b.Org.UserCount == 25) != counted || (b.Org.Name != "") != named {
						t.Errorf("%s: bundle org %+v, want 25 users: %v, a name: %v; warnings %q; requests %v", name, b.Org, counted, named, b.Warnings, d.Authorizer.(*webexUser).Server.Requests())
					}
				}
				if got[i].String() != sc.want.String() {
					t.Errorf("%s:\n%s\nwant:\n%s", name, got[i], sc.want)
				}
			}
			if got[0].String() != got[1].String() {
				t.Errorf("the front-ends differ:\nscreen:\n%s\naccessible:\n%s", got[0], got[1])
			}
		})
	}
}

// settle hands the flow what effects reported in the background (the
// org's reads, which drive leaves to the program's listener), as a
// program would: what is there, and, while the review waits for the
// org's name and size, what comes until they are in.
func (f *fixture) settle(t *testing.T) {
	t.Helper()
	for {
		select {
		case e := <-f.m.events:
			f.drive(t, ev(e))
			continue
		default:
		}
		if f.m.v.Step != wizard.StepReview || !f.m.v.Review.OrgPending {
			return
		}
		select {
		case e := <-f.m.events:
			f.drive(t, ev(e))
		case <-time.After(cmdLimit):
			t.Fatalf("the org's reads never ended:\n%s", f.view())
		}
	}
}

// parityToApps takes a full-screen run past the drafts (resuming the
// first, if any), the prefilled form and the apps.
func parityToApps(t *testing.T, f *fixture) {
	t.Helper()
	f.drive(t, ev(wizard.DraftsListed{Infos: mustList(t, f.drafts)}))
	if f.m.v.Step == wizard.StepResume {
		f.drive(t, press("enter"))
	}
	f.confirmForm(t)
	f.drive(t, press("enter"))
	f.settle(t)
}

// parityScenarios is the scenario table.
func parityScenarios() []parityScenario {
	form := strings.Repeat("\n", 6) // keep the prefilled customer data
	toApps := parityToApps
	keys := func(ks ...string) func(*testing.T, *fixture) {
		return func(t *testing.T, f *fixture) {
			toApps(t, f)
			for _, k := range ks {
				f.drive(t, press(k))
				f.settle(t)
			}
		}
	}
	notAdmin := "Attendant Console Presence Connector: Bob Helper is not a Full Administrator of the Webex organization; UCX Suite needs a Full Admin's authorization."
	notNamed := "Attendant Console Presence Connector: Bob Helper (bob@help.example) is not the admin named in the customer data (jane.admin@acme.example)."
	both := []string{"users " + adminEmail, "presence " + adminEmail}
	return []parityScenario{
		{name: "happy", screen: keys("enter"), accessible: form + "y\ny\n", want: outcome{bundle: both}},
		{name: "denied", act: map[string][]string{"presence": {"deny"}}, screen: keys("s", "y", "enter"), accessible: form + "y\ns\ny\ny\n",
			want: outcome{bundle: []string{"users " + adminEmail,
				"Attendant Console Presence Connector failed: access denied; allow the integration in Control Hub (Apps > Integrations)"}}},
		{name: "expired code", act: map[string][]string{"users": {"expire", "approve"}}, screen: keys("enter"), accessible: form + "y\ny\n",
			want: outcome{bundle: both}},
		{name: "wrong approver accepted", act: map[string][]string{"presence": {"other"}}, screen: keys("a", "enter"), accessible: form + "y\na\ny\n",
			want: outcome{bundle: []string{"users " + adminEmail, "presence bob@help.example", notAdmin, notNamed}}},
		{name: "wrong approver skipped", act: map[string][]string{"presence": {"other"}}, screen: keys("s", "y", "enter"), accessible: form + "y\ns\ny\ny\n",
			want: outcome{bundle: []string{"users " + adminEmail,
				"Attendant Console Presence Connector was skipped: its features will not work until it is authorized."}}},
		{name: "approver's email taken", act: map[string][]string{"presence": {"other"}}, screen: keys("e", "a", "enter"), accessible: form + "y\ne\na\ny\n",
			want: outcome{bundle: []string{"users " + adminEmail, "presence bob@help.example", notAdmin}}},
		{name: "approver's email taken once for both apps", act: map[string][]string{"users": {"other"}, "presence": {"other"}}, screen: keys("e", "a", "a", "enter"),
			accessible: form + "y\ne\na\na\ny\n",
			want: outcome{bundle: []string{"users bob@help.example", "presence bob@help.example",
				"The organization's size could not be checked (Webex refused it (HTTP 403) although the token holds spark-admin:people_read: the approver may not be an admin of the organization (an admin scope gives a non-admin nothing)): make sure it has at most 1,000 users before enabling the presence integration (Attendant Console Presence Connector); Cisco's API does not support more.",
				"UCX Suite Users' Synch from Control Hub: Bob Helper is not a Full Administrator of the Webex organization; UCX Suite needs a Full Admin's authorization.", notAdmin}}},
		{name: "skip not confirmed", act: map[string][]string{"presence": {"other"}}, screen: keys("s", "n", "a", "enter"), accessible: form + "y\ns\nn\na\ny\n",
			want: outcome{bundle: []string{"users " + adminEmail, "presence bob@help.example", notAdmin, notNamed}}},
		{name: "skipped, then back from the review", act: map[string][]string{"presence": {"other", "approve"}}, screen: keys("s", "y", "b", "enter"),
			accessible: form + "y\ns\ny\nb\ny\n", want: outcome{bundle: both}},
		{name: "denied, then back from the review", act: map[string][]string{"presence": {"deny", "approve"}}, screen: keys("s", "y", "b", "enter"),
			accessible: form + "y\ns\ny\nb\ny\n", want: outcome{bundle: both}},
		{name: "approver check fails, kept unchecked", act: map[string][]string{"presence": {"unchecked"}}, screen: keys("a", "enter"),
			accessible: form + "y\na\ny\n",
			want: outcome{bundle: []string{"users " + adminEmail, "presence ",
				"Attendant Console Presence Connector: Could not tell who approved (Webex cannot be reached (connection reset by peer))."}}},
		{name: "approver check fails, then checked again", act: map[string][]string{"presence": {"unchecked"}}, screen: keys("i", "enter"),
			accessible: form + "y\ni\ny\n", want: outcome{bundle: both}},
		{name: "quit at a warning", act: map[string][]string{"presence": {"other"}}, screen: keys("q", "y"), accessible: form + "y\n",
			want: outcome{aborted: true, drafts: []string{"apps [users presence] skipped [] approvals [{AppID:presence Warnings:[" +
				strings.TrimPrefix(notAdmin, "Attendant Console Presence Connector: ") + " " +
				strings.TrimPrefix(notNamed, "Attendant Console Presence Connector: ") + "] Undecided:true}]"}}},
		{name: "quit and resume", act: map[string][]string{"presence": {"other"}}, screen: keys("q", "y"), accessible: form + "y\n",
			resumeScreen: keys("a", "enter"), resumeAccessible: "1\n" + form + "y\na\ny\n",
			want: outcome{bundle: []string{"users " + adminEmail, "presence bob@help.example", notAdmin, notNamed}}},
		{name: "secret rejected at redemption, fixed in the prompt", wrongSecret: "presence",
			screen: keys("sec-FAKE-presence", "enter", "enter"), accessible: form + "y\nsec-FAKE-presence\ny\n",
			want: outcome{bundle: both}},
		{name: "secret rejected at redemption, typed wrong, then right", wrongSecret: "presence",
			screen: keys("sec-FAKE-typo", "enter", "sec-FAKE-presence", "enter", "enter"), accessible: form + "y\nsec-FAKE-typo\nsec-FAKE-presence\ny\n",
			want: outcome{bundle: both}},
		{name: "secret rejected at redemption, prompt left", wrongSecret: "presence",
			screen: keys("esc", "s", "y", "enter"), accessible: form + "y\n\ns\ny\ny\n",
			want: outcome{bundle: []string{"users " + adminEmail, "Attendant Console Presence Connector failed: client secret rejected by Webex"}}},
		{name: "stdin at EOF", screen: func(t *testing.T, f *fixture) {
			f.drive(t, ev(wizard.DraftsListed{}))
			f.drive(t, press("ctrl+c"), press("y"))
			if f.m.v.Step != wizard.StepEnded {
				t.Errorf("y did not confirm the quit (%s):\n%s", f.where(), f.view())
			}
		}, accessible: "", want: outcome{aborted: true}},
	}
}

// runScreen runs the full-screen front-end's model with keys (no program,
// commands run in turn: see drive) and returns its exit error.
func runScreen(t *testing.T, d Deps, f *fixture, keys func(*testing.T, *fixture)) error {
	t.Helper()
	f.m = New(d)
	defer f.m.cancel()
	f.m.Init()
	f.m.c.now = t0
	f.step(tea.WindowSizeMsg{Width: 100, Height: 40})
	keys(t, f)
	_, err := f.m.Result()
	return err
}

// frontEnds are the names of the two front-ends, as the tests that run
// both call them (runFront).
var frontEnds = []string{"screen", "accessible"}

// runFront runs front-end name on d: the screen with keys, the accessible
// front-end with the input lines. It returns what the run showed (the
// screen's view after keys, the accessible output) and its error.
func runFront(t *testing.T, name string, d Deps, f *fixture, keys func(*testing.T, *fixture), lines string) (string, error) {
	t.Helper()
	if name == "screen" {
		err := runScreen(t, d, f, keys)
		return f.view(), err
	}
	_, text, err := runAccessible(t, d, lines)
	return text, err
}

// TestBackgroundRequests: both front-ends, against the fake Webex through
// a real client, ask Webex nothing beyond one code per app (the second
// one prefetched while the first was pending, not asked again) and one
// read of the org's name and one count per org, whichever app approved.
func TestBackgroundRequests(t *testing.T) {
	for _, name := range frontEnds {
		t.Run(name, func(t *testing.T) {
			d, f, done := paritySetup(t, nil)
			defer done()
			_, err := runFront(t, name, d, f, func(t *testing.T, f *fixture) {
				parityToApps(t, f)
				f.drive(t, press("enter"))
			}, prefilledForm+"y\n")
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, r := range d.Authorizer.(*webexUser).Server.Requests() {
				p := r.Path
				if strings.HasPrefix(p, "/v1/organizations/") {
					p = "/v1/organizations"
				}
				got[p]++
			}
			want := map[string]int{"/v1/device/authorize": 2, "/v1/people/me": 2, "/v1/organizations": 1, "/v1/people": 1}
			for p, n := range want {
				if got[p] != n {
					t.Errorf("%s: %d requests, want %d (all: %v)", p, got[p], n, got)
				}
			}
		})
	}
}

// TestSecretFixedWithoutNewApproval: against a Webex that checks the
// client secret only at redemption, a wrong catalog secret is refused
// after the admin approved; the right one typed in the prompt redeems
// that same code, in both front-ends: one device code per app, one token
// per app, and the typed secret never shows.
func TestSecretFixedWithoutNewApproval(t *testing.T) {
	const right = "sec-FAKE-presence"
	for _, name := range frontEnds {
		t.Run(name, func(t *testing.T) {
			d, f, done := paritySetup(t, nil, "presence")
			defer done()
			var typed string // the screen's view with the secret typed
			shown, err := runFront(t, name, d, f, func(t *testing.T, f *fixture) {
				parityToApps(t, f)
				if a := f.m.v.Auth; f.m.v.Step != wizard.StepAuthorize || !a.AskSecret {
					t.Fatalf("no secret prompt (%s):\n%s", f.where(), f.view())
				}
				f.drive(t, press(right))
				typed = f.view()
				f.drive(t, press("enter"))
				f.settle(t)
				f.drive(t, press("enter"))
				f.settle(t)
			}, prefilledForm+right+"\ny\n")
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(typed+shown, right) {
				t.Errorf("the typed secret is shown:\n%s%s", typed, shown)
			}
			oneCodeOneTokenEach(t, d, f)
		})
	}
}

// TestBlockedApp: a preflight check that stops one app only
// (AppBlocked: its secret is missing) lets the engineer go on with the
// others in both front-ends, with Enter alone: the app is asked nothing of
// Webex, and the review and the bundle list it as not done, saying why.
func TestBlockedApp(t *testing.T) {
	checks := []Check{
		{Name: "App catalog and client secrets", Detail: "2 apps; 1 without a client secret cannot be authorized", AtStart: true},
		{Name: "Webex accepts presence", App: "presence", AppBlocked: true, AtStart: true,
			Detail: "secret missing: fix env UCX_SECRET_PRESENCE", Fix: "set env UCX_SECRET_PRESENCE and start again, or go on without this app"},
	}
	want := outcome{bundle: []string{"users " + adminEmail,
		"Attendant Console Presence Connector failed: cannot be authorized: secret missing: fix env UCX_SECRET_PRESENCE"}}
	var got [2]outcome
	for i, name := range frontEnds {
		d, f, done := paritySetup(t, nil)
		d.Preflight = func(context.Context) []Check { return checks }
		text, err := runFront(t, name, d, f, func(t *testing.T, f *fixture) {
			f.drive(t, ev(wizard.ChecksRan{Checks: checks}))
			if v := flat(f.view()); !strings.Contains(v, "One app cannot be authorized") {
				t.Errorf("preflight screen:\n%s", f.view())
			}
			f.drive(t, press("enter"), ev(wizard.DraftsListed{Infos: mustList(t, f.drafts)}))
			f.confirmForm(t)
			if v := flat(f.view()); !strings.Contains(v, "Attendant Console Presence Connector ✗ cannot be authorized (see the checks)") {
				t.Errorf("apps screen:\n%s", f.view())
			}
			f.drive(t, press("enter"))
			f.settle(t)
			if v := flat(f.view()); !strings.Contains(v, "cannot be authorized: secret missing: fix env UCX_SECRET_PRESENCE") {
				t.Errorf("review:\n%s", f.view())
			}
			f.drive(t, press("enter"))
			f.settle(t)
		}, prefilledForm+"y\n")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if name == "accessible" && !strings.Contains(text, "2. Attendant Console Presence Connector (integration ID "+parityApps()[1].ClientID+"): cannot be authorized (see the checks)") {
			t.Errorf("the accessible list of apps does not mark the blocked one:\n%s", text)
		}
		for _, r := range d.Authorizer.(*webexUser).Server.Requests() {
			if r.ClientID == parityApps()[1].ClientID {
				t.Errorf("%s: %s %s for the blocked app", name, r.Method, r.Path)
			}
		}
		done()
		got[i] = outcomeOf(err, f.writer, f.drafts)
		if got[i].String() != want.String() {
			t.Errorf("%s:\n%s\nwant:\n%s", name, got[i], want)
		}
	}
	if got[0].String() != got[1].String() {
		t.Errorf("the front-ends differ:\nscreen:\n%s\naccessible:\n%s", got[0], got[1])
	}
}
