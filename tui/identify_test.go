package tui

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
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
	f.step(ev(wizard.WaitEnded{Gen: f.gen(), Err: fmt.Errorf("flows: wait: %w", flows.ErrExpired)}))
	c := testCode(f.m.v.Auth.App)
	c.IssuedAt, c.Expiry = t0.Add(5*time.Minute), t0.Add(10*time.Minute)
	f.step(ev(wizard.CodeIssued{Gen: f.gen(), Code: c}))
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
		f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: g}))
		f.step(ev(wizard.Identified{Gen: f.gen(), Err: forbiddenErr()}))
	})
	checkGolden(t, "review_approver_not_identified", nil, func(f *fixture) {
		f.toAuth()
		for i := range testApps() {
			f.withCode()
			if i != 3 {
				f.approve(testIdentity())
				continue
			}
			f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(testApps()[3])}))
			f.step(ev(wizard.Identified{Gen: f.gen(), Err: forbiddenErr()})) // no key: the app is done
			f.settleOrg()
		}
	})
	checkGolden(t, "auth_code_notice", nil, func(f *fixture) {
		f.toAuth()
		f.step(ev(wizard.CodeIssued{Gen: f.gen(), Code: noticeCode(f.m.v.Auth.App)}))
		f.at(10 * time.Second)
	})
	checkGolden(t, "auth_code_notice_fullscreen_qr", nil, func(f *fixture) {
		f.toAuth()
		f.step(ev(wizard.CodeIssued{Gen: f.gen(), Code: noticeCode(f.m.v.Auth.App)}))
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
		f.step(ev(wizard.WaitEnded{Gen: f.gen(), Err: tokenLimitErr()}))
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
				a := f.m.v.Auth
				if f.m.v.Step != wizard.StepAuthorize || a.Phase != wizard.PhaseWarning || !strings.Contains(strings.Join(a.Approval.Warnings, " "), tc.wantWarn) {
					t.Fatalf("step %v, auth %+v, want the warning ...%s...", f.m.v.Step, a, tc.wantWarn)
				}
				return
			}
			if f.m.v.Step != wizard.StepReview {
				t.Fatalf("step %v, auth %+v: want the review", f.m.v.Step, f.m.v.Auth)
			}
			if got := wizard.OrgLine(f.m.review.data.org, f.m.review.data.gaps); got != tc.wantOrg {
				t.Errorf("org line %q, want %q", got, tc.wantOrg)
			}
			if r := f.m.flow.Session().Results["cdr"]; r.Org.Name != "Acme Industries" || r.Org.UserCount != 240 {
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
	gen := f.gen()
	_, cmd := f.m.Update(ev(wizard.WaitEnded{Gen: gen, Err: tokenLimitErr()}))
	if a := f.m.v.Auth; cmd != nil || a.Phase != wizard.PhaseFailed || a.Gen != gen {
		t.Fatalf("phase %v, gen %d (was %d), cmd %v: want final, no fresh code", a.Phase, a.Gen, gen, cmd != nil)
	}
	if v := flat(f.view()); !strings.Contains(v, "Token limit reached") || !strings.Contains(v, "Revoke them") {
		t.Errorf("view lacks the remedy:\n%s", f.view())
	}
	f.pressRun("s")
	f.pressRun("y")
	if r := f.m.flow.Session().Results["users"]; r == nil || r.Status != statusFailed || !strings.Contains(r.Reason, "token limit") {
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

// identifyScenarios are what both front-ends say of Identify's and
// Start's outcomes: each phrase must be on the screen (flattened) and in
// the accessible front-end's output. fakes sets up the accessible run's
// fakes to play the outcome; answer is its input after "authorize all".
var identifyScenarios = []struct {
	name   string
	fakes  func(f *fixture)
	deps   func(d *Deps)
	screen func(f *fixture)
	answer string
	want   []string
}{
	{name: "identify forbidden",
		fakes:  func(f *fixture) { f.auth.IdentifyErr = []error{forbiddenErr()} },
		deps:   userPeopleRead,
		answer: "a\n",
		screen: func(f *fixture) {
			f.toAuth()
			f.withCode()
			f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(userPeopleReadApps()[0])}))
			f.step(ev(wizard.Identified{Gen: f.gen(), Err: forbiddenErr()}))
		},
		want: []string{"Webex refused to say who approved", "answered 403", "holds spark:people_read", "Not a network problem"}},
	{name: "approver not identified",
		fakes: func(f *fixture) { f.auth.IdentifyErr = []error{forbiddenErr()} },
		screen: func(f *fixture) {
			f.toAuth()
			f.withCode()
			f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(testApps()[0])}))
			f.step(ev(wizard.Identified{Gen: f.gen(), Err: forbiddenErr()})) // no key: the app is done
			f.settleOrg()
			for range testApps()[1:] {
				f.withCode()
				f.approve(testIdentity())
			}
		},
		want: []string{"approver not identified: this app's token may not read people (it holds spark-admin:people_read, not spark:people_read; Webex answered 403 to /people/me)",
			"probably Jane Admin <Jane.Admin@acme.example>, who approved Attendant Console Presence Connector 0s apart (inferred, not verified"}},
	{name: "code notice",
		fakes: func(f *fixture) { f.auth.Code = noticeCode },
		screen: func(f *fixture) {
			f.toAuth()
			f.step(ev(wizard.CodeIssued{Gen: f.gen(), Code: noticeCode(f.m.v.Auth.App)}))
		},
		want: []string{"Webex sent no usable link with the code (it is not an https URL)"}},
	{name: "previous code expired",
		fakes: func(f *fixture) { f.auth.WaitErr["users"] = []error{fmt.Errorf("flows: wait: %w", flows.ErrExpired)} },
		screen: func(f *fixture) {
			f.toAuth()
			f.withCode()
			f.expireOnce()
		},
		want: []string{"The previous code expired at 09:30 unused.", "device-grant redirect URIs", "We've encountered an error"}},
	{name: "token limit",
		fakes:  func(f *fixture) { f.auth.WaitErr["users"] = []error{tokenLimitErr()} },
		answer: "s\ny\n",
		screen: func(f *fixture) {
			f.toAuth()
			f.withCode()
			f.step(ev(wizard.WaitEnded{Gen: f.gen(), Err: tokenLimitErr()}))
		},
		want: []string{"Webex will not issue more tokens for this integration", "Revoke them", "press s to skip this app"}},
	{name: "org unknown",
		fakes: func(f *fixture) { f.auth.Identity = func(flows.App) flows.Identity { return blindIdentity() } },
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

// TestIdentifyBothFrontEnds: each scenario's phrases are said by the
// screen and by the accessible front-end, neither as a network problem.
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
			if strings.Contains(v, "most likely a network problem") {
				t.Errorf("a permission outcome worded as a network problem:\n%s", f.view())
			}
		})
		t.Run(sc.name+"/accessible", func(t *testing.T) {
			f, out := runAccessibleScenario(t, sc.fakes, sc.deps, sc.answer)
			text := spaces.ReplaceAllString(out, " ")
			for _, w := range sc.want {
				if !strings.Contains(text, w) {
					t.Errorf("accessible output lacks %q:\n%s", w, out)
				}
			}
			if sc.name == "org unknown" {
				b, _, _ := f.writer.Got()
				if b == nil || !slices.ContainsFunc(b.Warnings, func(w string) bool { return strings.Contains(w, "size could not be checked") }) || b.Org.Name != "" || b.Org.ID != orgID {
					t.Errorf("bundle %+v", b)
				}
			}
			if strings.Contains(text, "most likely a network problem") {
				t.Errorf("a permission outcome worded as a network problem:\n%s", out)
			}
		})
	}
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
