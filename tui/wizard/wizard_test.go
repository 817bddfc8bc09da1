package wizard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

var t0 = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

const admin = "jane.admin@acme.example"

// TestNoUI: the core imports no Bubble Tea, lipgloss, huh or bubbles, even
// indirectly: both front-ends sit on it, neither is in it.
func TestNoUI(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/charmbracelet/") {
			t.Errorf("the core depends on %s", dep)
		}
	}
}

func apps() []flows.App {
	return []flows.App{
		{ID: "users", Name: "Users", ClientID: "C1", Scopes: []string{"spark-admin:people_read"}},
		{ID: "presence", Name: "Presence", ClientID: "C2", Scopes: []string{"spark-admin:people_read"}},
		{ID: "cdr", Name: "CDR", ClientID: "C3", Scopes: []string{"spark-admin:calling_cdr_read"}},
	}
}

func grant(app flows.App) flows.Grant {
	return flows.Grant{AccessToken: store.NewSecret("tok-FAKE-access-" + app.ID), RefreshToken: store.NewSecret("tok-FAKE-refresh-" + app.ID),
		TokenType: "Bearer", ObtainedAt: t0, AccessTokenExpiry: t0.Add(time.Hour)}
}

func jane() flows.Identity {
	return flows.Identity{PersonID: "p-jane", Emails: []string{"Jane.Admin@acme.example"}, DisplayName: "Jane Admin",
		OrgID: "org-1", OrgName: "Acme", FullAdmin: true, OrgUsers: 250, OrgUsersCounted: true}
}

// step is one scripted answer for an app: what Wait returns, then (for
// an approval) what Identify returns, and the engineer's choice.
type step struct {
	waitErr error
	id      flows.Identity
	idErr   error
	choice  string // on Warn/Unchecked/Fail/Denied: "a" accept, "r" again, "s" skip, "q" quit
}

// onboard drives sess through its queue as a front-end would, with the
// scripted answers per app, recording each outcome; it returns early
// (quit) at a "q" choice, with the approval kept as the front-ends keep it.
func onboard(t *testing.T, sess *Session, script map[string][]step) (quit bool) {
	t.Helper()
	for guard := 0; guard < 100; guard++ {
		app, _, ok := sess.Current()
		if !ok {
			return false
		}
		a := &Approval{App: app, AdminEmail: admin, Prior: sess.KnownOrg()}
		next := Identify
		if r := sess.Results[app.ID]; r != nil && r.Pending() {
			next = a.Resumed(*r)
		} else {
			next = a.AfterWait(grant(app), pop(script, app.ID).waitErr)
		}
		for next != Finish {
			var st step
			switch next {
			case Renew:
				next = a.AfterWait(grant(app), pop(script, app.ID).waitErr)
				continue
			case Identify:
				sess.Keep(a.Result(Authorized, "")) // kept before the check
				st = pop(script, app.ID)
				next = a.AfterIdentify(st.id, st.idErr)
				if next == Warn {
					r := a.Result(Authorized, "")
					r.Undecided = true
					sess.Keep(r)
				}
				if next == Finish || st.choice == "" {
					continue
				}
			default:
				st = pop(script, app.ID)
			}
			switch st.choice {
			case "a":
				next = Finish
			case "s":
				status := Skipped
				if next == Fail || next == Denied {
					status = Failed
				}
				sess.Done(a.Result(status, "failed"))
				next = -1
			case "r":
				sess.Forget(app.ID)
				a.Again()
				next = a.AfterWait(grant(app), pop(script, app.ID).waitErr)
			case "q":
				return true
			default:
				t.Fatalf("%s: no choice scripted at %d", app.ID, next)
			}
			if next == -1 {
				break
			}
		}
		if next == Finish {
			sess.Done(a.Result(Authorized, ""))
		}
	}
	t.Fatal("onboarding did not end")
	return false
}

func pop(script map[string][]step, id string) step {
	s := script[id]
	if len(s) == 0 {
		return step{id: jane()}
	}
	script[id] = s[1:]
	return s[0]
}

// TestOnboardings drives whole onboardings through the core, without any
// UI: the outcome of each app, the draft the session projects, and what a
// resumed draft brings back.
func TestOnboardings(t *testing.T) {
	other := jane()
	other.FullAdmin, other.Emails, other.DisplayName = false, []string{"bob@help.example"}, "Bob Helper"
	expired := step{waitErr: fmt.Errorf("flows: wait: %w", flows.ErrExpired)}
	for _, tc := range []struct {
		name       string
		script     map[string][]step
		quit       bool
		status     map[string]Status
		skipped    []string
		approvals  []store.ApprovalNote
		queueAfter []string // the queue once the draft is resumed and the same apps selected
		noOrg      bool     // no approver checked: the org is unknown
	}{
		{name: "happy", status: map[string]Status{"users": Authorized, "presence": Authorized, "cdr": Authorized}},
		{name: "denied then skipped",
			script:  map[string][]step{"presence": {{waitErr: flows.ErrDenied}, {choice: "s"}}},
			status:  map[string]Status{"users": Authorized, "presence": Failed, "cdr": Authorized},
			skipped: []string{"presence"}},
		{name: "expired five times renews, the sixth asks",
			script: map[string][]step{"users": {expired, expired, expired, expired, expired, expired, {choice: "s"}}},
			status: map[string]Status{"users": Failed, "presence": Authorized, "cdr": Authorized}, skipped: []string{"users"}},
		{name: "expired, renewed, approved",
			script: map[string][]step{"users": {expired, {}, {id: jane()}}},
			status: map[string]Status{"users": Authorized, "presence": Authorized, "cdr": Authorized}},
		{name: "wrong approver accepted",
			script: map[string][]step{"cdr": {{}, {id: other, choice: "a"}}},
			status: map[string]Status{"users": Authorized, "presence": Authorized, "cdr": Authorized},
			approvals: []store.ApprovalNote{{AppID: "cdr", Warnings: []string{
				"Bob Helper is not a Full Administrator of the Webex organization; UCX Suite needs a Full Admin's authorization.",
				"Bob Helper (bob@help.example) is not the admin named in the customer data (jane.admin@acme.example)."}}}},
		{name: "wrong approver, authorize again", script: map[string][]step{"presence": {{}, {id: other, choice: "r"}, {}, {id: jane()}}},
			status: map[string]Status{"users": Authorized, "presence": Authorized, "cdr": Authorized}},
		{name: "skip", script: map[string][]step{"users": {{waitErr: errors.New("boom")}, {choice: "s"}}},
			status: map[string]Status{"users": Failed, "presence": Authorized, "cdr": Authorized}, skipped: []string{"users"}},
		{name: "quit while warned: undecided, asked again on resume",
			script: map[string][]step{"presence": {{}, {id: other, choice: "q"}}}, quit: true,
			status: map[string]Status{"users": Authorized, "presence": Authorized},
			approvals: []store.ApprovalNote{{AppID: "presence", Undecided: true, Warnings: []string{
				"Bob Helper is not a Full Administrator of the Webex organization; UCX Suite needs a Full Admin's authorization.",
				"Bob Helper (bob@help.example) is not the admin named in the customer data (jane.admin@acme.example)."}}},
			queueAfter: []string{"presence", "cdr"}},
		{name: "quit while the check failed: kept unchecked, checked again on resume",
			script: map[string][]step{"users": {{}, {idErr: errors.New("people/me: HTTP 503"), choice: "q"}}}, quit: true,
			status: map[string]Status{"users": Authorized}, queueAfter: []string{"users", "presence", "cdr"}, noOrg: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sess := NewSession(apps())
			sess.Draft.Customer = store.Customer{Company: "Acme", AdminEmail: admin}
			sess.Select([]string{"users", "presence", "cdr"})
			if quit := onboard(t, sess, tc.script); quit != tc.quit {
				t.Fatalf("quit = %v", quit)
			}
			got := map[string]Status{}
			for id, r := range sess.Results {
				got[id] = r.Status
			}
			if !reflect.DeepEqual(got, tc.status) {
				t.Errorf("statuses %v, want %v", got, tc.status)
			}
			d := sess.Snapshot()
			if !reflect.DeepEqual(d.SkippedApps, tc.skipped) || !reflect.DeepEqual(d.Approvals, tc.approvals) {
				t.Errorf("draft skipped %v approvals %+v, want %v %+v", d.SkippedApps, d.Approvals, tc.skipped, tc.approvals)
			}
			if !tc.noOrg && (d.Org.ID != "org-1" || d.Org.Name != "Acme" || d.Org.UserCount != 250) {
				t.Errorf("draft org %+v", d.Org)
			}
			b := sess.Bundle(t0.In(time.FixedZone("CET", 3600)), "v-test")
			if len(b.Apps) != len(d.Apps) || !b.Created.Equal(t0) || b.Created.Location() != time.UTC {
				t.Errorf("bundle: %d apps (draft %d), created %v", len(b.Apps), len(d.Apps), b.Created)
			}
			// The bundle warns of each app skipped or failed, and carries
			// the approver warnings accepted.
			for _, id := range tc.skipped {
				app, _ := sess.App(id)
				if !slices.ContainsFunc(b.Warnings, func(w string) bool {
					return strings.HasPrefix(w, app.Name+" was skipped") || strings.HasPrefix(w, app.Name+" failed")
				}) {
					t.Errorf("no bundle warning for %s: %q", id, b.Warnings)
				}
			}
			for _, n := range d.Approvals {
				app, _ := sess.App(n.AppID)
				if !n.Undecided && !slices.Contains(b.Warnings, app.Name+": "+n.Warnings[0]) {
					t.Errorf("the accepted warning of %s is not in the bundle: %q", n.AppID, b.Warnings)
				}
			}

			// Resume the draft in a new session.
			again := NewSession(apps())
			again.Resume(d)
			again.Select([]string{"users", "presence", "cdr"})
			want := tc.queueAfter
			if !tc.quit {
				want = nil
				for _, id := range []string{"users", "presence", "cdr"} {
					if tc.status[id] != Authorized {
						want = append(want, id)
					}
				}
			}
			if !reflect.DeepEqual(again.Queue, want) {
				t.Errorf("queue after resume %v, want %v", again.Queue, want)
			}
			if tc.quit {
				if quit := onboard(t, again, map[string][]step{"presence": {{choice: "a"}}}); quit {
					t.Fatal("quit again")
				}
				if n := again.Authorized(); n != 3 {
					t.Errorf("%d authorized after the resumed run", n)
				}
			}
			// The draft's and the bundle's formatting never show a token.
			j, _ := json.Marshal(d)
			for _, s := range []string{fmt.Sprintf("%v %+v %#v", d, *sess.Results["users"], Approval{Grant: grant(apps()[0])}), string(j)} {
				if strings.Contains(s, "tok-FAKE") {
					t.Errorf("a token is shown: %s", s)
				}
			}
		})
	}
}

// TestAfterWait: what the end of a wait means, with the renewal cap (a
// spent code counts as an expired one), a final token limit, and the
// engineer's fresh code (Again) resetting the count.
func TestAfterWait(t *testing.T) {
	for _, tc := range []struct {
		err      error
		renewals int
		want     Next
	}{
		{nil, 3, Identify},
		{flows.ErrExpired, 0, Renew},
		{flows.ErrExpired, MaxAutoRenew - 1, Renew},
		{flows.ErrExpired, MaxAutoRenew, Fail},
		{flows.ErrCodeSpent, MaxAutoRenew, Fail},
		{flows.ErrCodeSpent, 0, Renew},
		{flows.ErrTokenLimit, 0, Fail},
		{flows.ErrDenied, 0, Denied},
		{fmt.Errorf("x: %w", context.Canceled), 0, Stay},
		{errors.New("boom"), 0, Fail},
	} {
		a := &Approval{Renewals: tc.renewals}
		if got := a.AfterWait(flows.Grant{}, tc.err); got != tc.want {
			t.Errorf("%v after %d renewals: %d, want %d", tc.err, tc.renewals, got, tc.want)
		}
	}
	a := &Approval{}
	for range MaxAutoRenew {
		a.AfterWait(flows.Grant{}, flows.ErrExpired)
	}
	if a.Expiries != MaxAutoRenew || a.AfterWait(flows.Grant{}, flows.ErrExpired) != Fail {
		t.Fatalf("expiries %d", a.Expiries)
	}
	a.Again()
	if a.AfterWait(flows.Grant{}, flows.ErrExpired) != Renew {
		t.Error("no fresh code after Again")
	}
}

// TestCheckPassphrase: the passphrase rules, in characters (not bytes).
func TestCheckPassphrase(t *testing.T) {
	long := strings.Repeat("x", store.MinPassphraseLen)
	for _, tc := range []struct {
		p1, p2 string
		want   error
	}{
		{long, long, nil},
		{long[1:], long[1:], ErrPassphraseShort},
		{strings.Repeat("é", store.MinPassphraseLen), strings.Repeat("é", store.MinPassphraseLen), nil},
		{strings.Repeat("é", store.MinPassphraseLen/2), strings.Repeat("é", store.MinPassphraseLen/2), ErrPassphraseShort},
		{long, long + "y", ErrPassphraseMismatch},
		{"", "", ErrPassphraseShort},
	} {
		if got := CheckPassphrase(tc.p1, tc.p2); got != tc.want {
			t.Errorf("%q/%q: %v, want %v", tc.p1, tc.p2, got, tc.want)
		}
	}
}
