package tui

import (
	"bytes"
	"context"
	"fmt"
	"github.com/imagicle/ucx-onboard/store"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// flowsErr is an error worded as flows words its own (one "flows:"
// prefix) that wraps errs.
type flowsErr struct {
	msg  string
	errs []error
}

func (e *flowsErr) Error() string   { return e.msg }
func (e *flowsErr) Unwrap() []error { return e.errs }

// forbiddenErr is Identify's error for a 403 of /v1/people/me.
func forbiddenErr() error {
	we := &flows.WebexError{Status: 403, Message: "Authorization refused.", TrackingID: "ROUTER_6561F0A1-3C2B"}
	return &flowsErr{"flows: users: identify: people/me: not allowed by Webex: " + we.Error(), []error{flows.ErrForbidden, we}}
}

// tokenLimitErr is Wait's error for tokenlimit_reached.
func tokenLimitErr() error {
	we := &flows.WebexError{Status: 400, Code: "tokenlimit_reached", TrackingID: "ROUTER_6561F0A1-3C2C"}
	return &flowsErr{"flows: users: poll: token limit reached: " + we.Error(), []error{flows.ErrTokenLimit, we}}
}

// noticeCode is a code whose verification_uri_complete Start dropped.
func noticeCode(app flows.App) flows.DeviceCode {
	c := testCode(app)
	c.VerificationURIComplete, c.Notice = "", "Webex sent no usable link with the code (it is not an https URL): scan the QR code of the verification page and type the code."
	return c
}

// noOrgScopes is the catalog with no app allowed to read the org's name
// or users.
func noOrgScopes(d *Deps) {
	d.Apps = testApps()
	for i := range d.Apps {
		d.Apps[i].Scopes = []string{"spark-admin:calling_cdr_read"}
	}
}

// userPeopleReadApps are the test apps, users holding spark:people_read.
func userPeopleReadApps() []flows.App {
	apps := testApps()
	apps[0].Scopes = append(apps[0].Scopes, wizard.UserPeopleReadScope)
	return apps
}

func userPeopleRead(d *Deps) { d.Apps = userPeopleReadApps() }

// blindIdentity is an approver whose token could read neither the org's
// name nor its users.
func blindIdentity() flows.Identity {
	id := testIdentity()
	id.OrgName, id.OrgUsers, id.OrgUsersCounted = "", 0, false
	id.OrgNameUnknown, id.OrgUsersUnknown = flows.UnknownNoScope, flows.UnknownNoScope
	return id
}

// refusedIdentity is an approver whose org name and count Webex refused.
func refusedIdentity() flows.Identity {
	id := blindIdentity()
	we := &flows.WebexError{Status: 403, Message: "Forbidden"}
	id.OrgNameUnknown, id.OrgNameErr = flows.UnknownForbidden, fmt.Errorf("flows: identify: organization: %w: %w", flows.ErrForbidden, we)
	id.OrgUsersUnknown, id.OrgUsersErr = flows.UnknownForbidden, fmt.Errorf("flows: identify: count users: %w: %w", flows.ErrForbidden, we)
	return id
}

// expireOnce lets the first code of the current app expire at
// t0+5m and shows a fresh one.
func (f *fixture) expireOnce() {
	f.at(5 * time.Minute)
	f.step(grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, err: fmt.Errorf("flows: wait: %w", flows.ErrExpired)})
	c := testCode(f.m.auth.app)
	c.IssuedAt, c.Expiry = t0.Add(5*time.Minute), t0.Add(10*time.Minute)
	f.step(codeMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, code: c})
	f.at(6 * time.Minute)
}

// TestIdentifyScreens are the goldens of what Identify and Start tell the
// engineer (issue #7): a refused check, an org whose name or size is
// unknown, a dropped verification_uri_complete, an expired code, the
// token limit.
func TestIdentifyScreens(t *testing.T) {
	checkGolden(t, "auth_identify_forbidden", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		g := testGrant(testApps()[0])
		g.Scopes = []string{wizard.UserPeopleReadScope} // a 403 despite the documented scope
		f.step(grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, grant: g})
		f.step(identityMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, err: forbiddenErr()})
	})
	checkGolden(t, "review_approver_not_identified", nil, func(f *fixture) {
		f.toAuth()
		for i := range testApps() {
			f.withCode()
			if i != 3 {
				f.approve(testIdentity())
				continue
			}
			f.step(grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, grant: testGrant(testApps()[3])})
			if _, cmd := f.m.Update(identityMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, err: forbiddenErr()}); cmd != nil {
				f.m.Update(cmd())
			}
		}
	})
	checkGolden(t, "auth_code_notice", nil, func(f *fixture) {
		f.toAuth()
		f.step(codeMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, code: noticeCode(f.m.auth.app)})
		f.at(10 * time.Second)
	})
	checkGolden(t, "auth_code_notice_fullscreen_qr", nil, func(f *fixture) {
		f.toAuth()
		f.step(codeMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, code: noticeCode(f.m.auth.app)})
		f.at(10 * time.Second)
		f.step(press("f"))
	})
	checkGolden(t, "auth_previous_code_expired", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.expireOnce()
	})
	checkGolden(t, "auth_token_limit", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.step(grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, err: tokenLimitErr()})
	})
	checkGolden(t, "auth_other_org_name_unknown", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.approve(testIdentity())
		f.withCode()
		id := blindIdentity()
		id.OrgID = otherApprover().OrgID
		f.approve(id)
	})
	checkGolden(t, "review_org_unknown", noOrgScopes, func(f *fixture) {
		f.toAuth()
		for range testApps() {
			f.withCode()
			f.approve(blindIdentity())
		}
	})
	checkGolden(t, "review_size_not_checked", nil, func(f *fixture) {
		f.toAuth("users", "presence")
		for range 2 {
			f.withCode()
			f.approve(refusedIdentity())
		}
	})
}

// TestOrgFromEarlierApp: an app whose token may not read the org's name
// or users takes them from an earlier app of the same org (matched by ID);
// an app of another org is warned about by ID even when neither name is
// known.
func TestOrgFromEarlierApp(t *testing.T) {
	for _, tc := range []struct {
		name        string
		first, then flows.Identity
		wantWarn    string // "" when none
		wantOrg     string // in the review's org line
	}{
		{name: "same org", first: func() flows.Identity { id := testIdentity(); id.OrgUsers = 240; return id }(),
			then: blindIdentity(), wantOrg: "Acme Industries · 240 users · id " + wizard.ShortID(orgID)},
		{name: "other org, no names", first: blindIdentity(),
			then:     func() flows.Identity { id := blindIdentity(); id.OrgID = "other-org"; return id }(),
			wantWarn: "belongs to another organization (other-org), not the organization of the apps approved before (" + orgID + ")"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 120, 40, nil)
			f.toAuth("users", "cdr")
			f.withCode()
			f.approve(tc.first)
			f.withCode()
			f.approve(tc.then)
			if tc.wantWarn != "" {
				if f.m.screen != scrAuth || f.m.auth.state != authWarning || !strings.Contains(strings.Join(f.m.auth.ap.Warnings, " "), tc.wantWarn) {
					t.Fatalf("state %v, warnings %q, want ...%s...", f.m.auth.state, f.m.auth.ap.Warnings, tc.wantWarn)
				}
				return
			}
			if f.m.screen != scrReview {
				t.Fatalf("screen %v, warnings %q: want the review", f.m.screen, f.m.auth.ap.Warnings)
			}
			if got := wizard.OrgLine(f.m.review.data.org, f.m.review.data.gaps); got != tc.wantOrg {
				t.Errorf("org line %q, want %q", got, tc.wantOrg)
			}
			if r := f.m.s.Results["cdr"]; r.Org.Name != "Acme Industries" || r.Org.UserCount != 240 {
				t.Errorf("cdr's org %+v, want the name and count of the earlier app", r.Org)
			}
		})
	}
}

// TestOrgUnknownsFromDraft: a resumed draft keeps no reasons (store.Org's
// empty Name and zero UserCount mean unknown); the review derives why from
// the apps' scopes.
func TestOrgUnknownsFromDraft(t *testing.T) {
	apps := testApps()
	res := func(i int) appResult {
		return appResult{App: apps[i], Status: statusAuthorized, Grant: wizard.AppGrant(apps[i], testGrant(apps[i]), testIdentity(), adminEmail),
			Org: wizard.OrgOf(blindIdentity())}
	}
	org := wizard.OrgOf(blindIdentity())
	for _, tc := range []struct {
		name          string
		apps          []appResult
		nameWhy, size string
	}{
		{"cdr only: nobody may read", []appResult{res(3)},
			"no authorized app may read it: none holds spark-admin:organizations_read",
			"no authorized app may read it: none holds spark-admin:people_read"},
		{"users could count", []appResult{res(0), res(3)},
			"no authorized app may read it: none holds spark-admin:organizations_read",
			"it could not be read (the reason is not kept in a draft)"},
		{"reasons of this run", []appResult{func() appResult {
			r := res(1)
			r.NameWhy, r.UsersWhy = "Webex refused it", "it could not be read: timeout"
			return r
		}()}, "Webex refused it", "it could not be read: timeout"},
		{"reasons differ per app", []appResult{func() appResult {
			r := res(0)
			r.UsersWhy = "it could not be read: timeout"
			return r
		}(), func() appResult {
			r := res(1)
			r.NameWhy, r.UsersWhy = "Webex refused it", "Webex refused it"
			return r
		}()}, "Webex refused it",
			"UCX Suite Users' Synch from Control Hub: it could not be read: timeout; Attendant Console Presence Connector: Webex refused it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := wizard.OrgGaps(tc.apps, org)
			if g.Name != tc.nameWhy || g.Size != tc.size {
				t.Errorf("gaps %+v, want name %q, size %q", g, tc.nameWhy, tc.size)
			}
		})
	}
	// Known facts have no gaps.
	if g := wizard.OrgGaps([]appResult{res(0)}, wizard.OrgOf(testIdentity())); g != (wizard.Gaps{}) {
		t.Errorf("gaps of a known org: %+v", g)
	}
}

// TestTokenLimitIsFinal: tokenlimit_reached stops the app with its remedy;
// no fresh code is requested.
func TestTokenLimitIsFinal(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	f.withCode()
	gen := f.m.auth.gen
	_, cmd := f.m.Update(grantMsg{gen: gen, app: f.m.auth.app.ID, err: tokenLimitErr()})
	if cmd != nil || f.m.auth.state != authFailed || f.m.auth.gen != gen {
		t.Fatalf("state %v, gen %d (was %d), cmd %v: want final, no fresh code", f.m.auth.state, f.m.auth.gen, gen, cmd != nil)
	}
	if v := flat(f.view()); !strings.Contains(v, "Token limit reached") || !strings.Contains(v, "Revoke them") {
		t.Errorf("view lacks the remedy:\n%s", f.view())
	}
	f.pressRun("s")
	f.pressRun("y")
	if r := f.m.s.Results["users"]; r == nil || r.Status != statusFailed || !strings.Contains(r.Reason, "token limit") {
		t.Errorf("result %+v", r)
	}
}

// TestExpiredNoticeLasts: the notice of the expired code stays on the
// fresh code's screen (ticks, resizes) and goes when the engineer asks
// for a code (r).
func TestExpiredNoticeLasts(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.toAuth()
	f.withCode()
	f.expireOnce()
	for _, step := range []func(){func() { f.at(9 * time.Minute) }, func() { f.step(resize(120, 40)) }} {
		step()
		if v := flat(f.view()); !strings.Contains(v, "The previous code expired at 09:30 unused") {
			t.Fatalf("notice gone:\n%s", f.view())
		}
	}
	f.expireOnce()
	if v := flat(f.view()); !strings.Contains(v, "The previous 2 codes expired unused, the last at 09:30") {
		t.Errorf("second expiry:\n%s", f.view())
	}
	f.step(press("r"))
	f.withCode()
	if v := flat(f.view()); strings.Contains(v, "expired") {
		t.Errorf("notice kept after r:\n%s", f.view())
	}
}

var spaces = regexp.MustCompile(`\s+`)

// flat is a view as one line of words, for phrases that wrap.
func flat(v string) string {
	var lines []string
	for _, l := range strings.Split(v, "\n") {
		// Drop a QR code's columns (block glyphs) left of the text.
		if i := strings.LastIndexAny(l, "█▀▄"); i >= 0 {
			l = l[i+len("█"):]
		}
		lines = append(lines, strings.TrimSpace(l))
	}
	return spaces.ReplaceAllString(strings.Join(lines, " "), " ")
}

// identifyScenarios run through both front-ends: each phrase must be said
// by the screens (flattened) and by the accessible mode.
var identifyScenarios = []struct {
	name   string
	fakes  func(f *fixture)
	deps   func(d *Deps)
	answer string // the accessible mode's answers after "authorize all"
	screen func(f *fixture)
	want   []string
}{
	{name: "identify forbidden",
		fakes:  func(f *fixture) { f.auth.identifyErr = []error{forbiddenErr()} },
		deps:   userPeopleRead,
		answer: "a\n",
		screen: func(f *fixture) {
			f.toAuth()
			f.withCode()
			f.step(grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, grant: testGrant(userPeopleReadApps()[0])})
			f.step(identityMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, err: forbiddenErr()})
		},
		want: []string{"Webex refused to say who approved", "answered 403", "holds spark:people_read", "Not a network problem"}},
	{name: "approver not identified",
		fakes: func(f *fixture) { f.auth.identifyErr = []error{forbiddenErr()} },
		screen: func(f *fixture) {
			f.toAuth()
			f.withCode()
			f.step(grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, grant: testGrant(testApps()[0])})
			if _, cmd := f.m.Update(identityMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, err: forbiddenErr()}); cmd != nil {
				f.m.Update(cmd()) // no key: the app is done
			}
			for range testApps()[1:] {
				f.withCode()
				f.approve(testIdentity())
			}
		},
		want: []string{"approver not identified: this app's token may not read people (it holds spark-admin:people_read, not spark:people_read; Webex answered 403 to /people/me)",
			"probably Jane Admin <Jane.Admin@acme.example>, who approved Attendant Console Presence Connector 0s apart (inferred, not verified"}},
	{name: "code notice",
		fakes: func(f *fixture) { f.auth.code = noticeCode },
		screen: func(f *fixture) {
			f.toAuth()
			f.step(codeMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, code: noticeCode(f.m.auth.app)})
		},
		want: []string{"Webex sent no usable link with the code (it is not an https URL)"}},
	{name: "previous code expired",
		fakes: func(f *fixture) { f.auth.waitErr["users"] = []error{fmt.Errorf("flows: wait: %w", flows.ErrExpired)} },
		screen: func(f *fixture) {
			f.toAuth()
			f.withCode()
			f.expireOnce()
		},
		want: []string{"The previous code expired at 09:30 unused.", "device-grant redirect URIs", "We've encountered an error"}},
	{name: "token limit",
		fakes:  func(f *fixture) { f.auth.waitErr["users"] = []error{tokenLimitErr()} },
		answer: "s\ny\n",
		screen: func(f *fixture) {
			f.toAuth()
			f.withCode()
			f.step(grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, err: tokenLimitErr()})
		},
		want: []string{"Webex will not issue more tokens for this integration", "Revoke them", "press s to skip this app"}},
	{name: "org unknown",
		fakes: func(f *fixture) { f.auth.identity = func(flows.App) flows.Identity { return blindIdentity() } },
		deps:  noOrgScopes,
		screen: func(f *fixture) {
			f.toAuth()
			for range testApps() {
				f.withCode()
				f.approve(blindIdentity())
			}
		},
		want: []string{"name unknown · size not checked · id " + wizard.ShortID(orgID),
			"The organization's name is unknown: no authorized app may read it: none holds spark-admin:organizations_read.",
			"The organization's size could not be checked (no authorized app may read it: none holds spark-admin:people_read): make sure it has at most 1,000 users before enabling the presence integration"}},
}

func TestIdentifyBothFrontEnds(t *testing.T) {
	for _, sc := range identifyScenarios {
		t.Run(sc.name+"/screen", func(t *testing.T) {
			f := newFixture(t, 120, 40, sc.deps)
			sc.screen(f)
			v := flat(f.view())
			for _, w := range sc.want {
				if !strings.Contains(v, w) {
					t.Errorf("screen lacks %q:\n%s", w, f.view())
				}
			}
		})
		t.Run(sc.name+"/accessible", func(t *testing.T) {
			f, out := runAccessibleScenario(t, sc.fakes, sc.deps, sc.answer)
			text := spaces.ReplaceAllString(out.String(), " ")
			for _, w := range sc.want {
				if !strings.Contains(text, w) {
					t.Errorf("accessible output lacks %q:\n%s", w, out.String())
				}
			}
			if sc.name == "org unknown" {
				b, _, _ := f.writer.got()
				if !slices.ContainsFunc(b.Warnings, func(w string) bool { return strings.Contains(w, "size could not be checked") }) || b.Org.Name != "" || b.Org.ID != orgID {
					t.Errorf("bundle org %+v, warnings %q", b.Org, b.Warnings)
				}
			}
			if strings.Contains(text, "most likely a network problem") {
				t.Errorf("a permission outcome worded as a network problem:\n%s", out.String())
			}
		})
	}
}

// TestAccessibleIdentifyGolden keeps the accessible mode's words for the
// new states, as the screens' goldens do.
func TestAccessibleIdentifyGolden(t *testing.T) {
	for _, sc := range identifyScenarios {
		t.Run(strings.ReplaceAll(sc.name, " ", "_"), func(t *testing.T) {
			_, out := runAccessibleScenario(t, sc.fakes, sc.deps, sc.answer)
			golden.RequireEqual(t, out.Bytes())
		})
	}
}

// TestAccessibleRenewalCap: the accessible mode renews an expired code
// at most maxAutoRenew times in a row, as the screen does, then asks, with
// the redirect-URI cause in the remedy.
func TestAccessibleRenewalCap(t *testing.T) {
	f, text := renewalCapRun(t, flows.ErrExpired)
	if n := strings.Count(text, "here is a fresh one"); n != maxAutoRenew {
		t.Errorf("%d fresh codes, want %d", n, maxAutoRenew)
	}
	if f.auth.startCount() != maxAutoRenew+1+3 { // users' codes, then one per other app
		t.Errorf("%d codes requested", f.auth.startCount())
	}
	if !strings.Contains(text, "The previous 5 codes expired unused, the last at 09:30.") || !strings.Contains(text, "Type r to try again, s to skip the app, or q to quit") ||
		!strings.Contains(spaces.ReplaceAllString(text, " "), "device-grant redirect URIs") {
		t.Errorf("output:\n%s", text)
	}
}

// renewalCapRun runs the accessible mode with users' first maxAutoRenew+1
// waits failing with sentinel, then skips users at the question; it
// returns the fakes and the output.
func renewalCapRun(t *testing.T, sentinel error) (*fixture, string) {
	t.Helper()
	f := newFakes()
	for range maxAutoRenew + 1 {
		f.auth.waitErr["users"] = append(f.auth.waitErr["users"], fmt.Errorf("flows: wait: %w", sentinel))
	}
	d := testDeps(f)
	d.Accessible = true
	in := "Acme Industries\njane.admin@acme.example\n2\nucx01.acme.example\nMarco Rossi\n\ny\ns\ny\ny\n"
	var out bytes.Buffer
	if _, err := Run(context.Background(), d, Options{In: strings.NewReader(in), Out: &out}); err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	return f, out.String()
}

// runAccessibleScenario runs the accessible mode through the customer
// form and the app selection, then answers with answer and confirms the
// review; it fails the test when Run fails.
func runAccessibleScenario(t *testing.T, fakes func(*fixture), deps func(*Deps), answer string) (*fixture, *bytes.Buffer) {
	t.Helper()
	f := newFakes()
	if fakes != nil {
		fakes(f)
	}
	d := testDeps(f)
	if deps != nil {
		deps(&d)
	}
	d.Accessible = true
	in := "Acme Industries\njane.admin@acme.example\n2\nucx01.acme.example\nMarco Rossi\n\ny\n" + answer + "y\n"
	var out bytes.Buffer
	if _, err := Run(context.Background(), d, Options{In: strings.NewReader(in), Out: &out}); err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	return f, &out
}

// TestOrgLineFits: the review's org line, with Webex's 87-character org
// id (shortened by wizard.ShortID), fits 80 columns beside its label.
func TestOrgLineFits(t *testing.T) {
	const webexOrg = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8xZWI2NWZkZi05NjQzLTQxN2YtOTk3NC1hZDcyY2FlMGUxMGY"
	line := wizard.OrgLine(store.Org{ID: webexOrg, Name: "Acme Industries", UserCount: 1001}, wizard.Gaps{})
	if w := width(line); w > 80-11 {
		t.Errorf("the review's org line is %d wide, more than 80x24 leaves beside its label: %q", w, line)
	}
}
