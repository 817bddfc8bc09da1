package tui

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// resumeAfterQuit takes a prefilled fixture to the first app (users), approved,
// with Identify answering as the fixture's fakes say, then quits, and
// returns a fresh fixture on the same drafts that resumed the draft and
// submitted the form and the apps.
func resumeAfterQuit(t *testing.T, setup func(*fixture), resumed func(*fixture)) *fixture {
	t.Helper()
	f := newFixture(t, 80, 24, prefill)
	defer f.m.cancel()
	setup(f)
	f.drive(t, draftsMsg{})
	f.submitForm(t)
	f.drive(t, press("enter"))
	if f.m.screen != scrAuth || f.m.auth.app.ID != "users" {
		t.Fatalf("not on users:\n%s", f.view())
	}
	f.drive(t, press("q"), press("y"))
	if _, err := f.m.Result(); !errors.Is(err, ErrUserAborted) {
		t.Fatal(err)
	}
	if !savedGrant(f.drafts, "users") {
		t.Fatal("users not in the draft")
	}
	g := newFixture(t, 80, 24, nil)
	g.drafts = f.drafts
	g.m.c.deps.Drafts = f.drafts
	if resumed != nil {
		resumed(g)
	}
	g.drive(t, draftsMsg{infos: mustList(t, f.drafts)})
	g.drive(t, press("enter"))
	g.submitForm(t)
	g.drive(t, press("enter"))
	return g
}

// TestResumedUncheckedApproverWarnsWhenAccepted: a draft saved before
// Identify answered; on resume Identify runs again for that app (no new
// code) and fails; a keeps the approval, and the bundle carries the same
// warning as pressing a on the unidentified screen.
func TestResumedUncheckedApproverWarnsWhenAccepted(t *testing.T) {
	g := resumeAfterQuit(t,
		func(f *fixture) { f.auth.identifyBlock = true },
		func(g *fixture) {
			g.auth.identifyErr = []error{errors.New("webex: Get people/me: dial tcp: i/o timeout")}
		})
	if g.m.screen != scrAuth || g.m.auth.app.ID != "users" || g.m.auth.state != authUnidentified {
		t.Fatalf("want users unidentified after resume, got screen %d state %d:\n%s", g.m.screen, g.m.auth.state, g.view())
	}
	if g.auth.startCount() != 0 {
		t.Errorf("%d codes requested for an app already approved", g.auth.startCount())
	}
	g.drive(t, press("a"))
	if g.m.screen != scrReview {
		t.Fatalf("not on review:\n%s", g.view())
	}
	found := false
	for _, w := range g.m.review.data.warnings {
		found = found || strings.HasPrefix(w, "UCX Suite Users' Synch from Control Hub: Could not tell who approved")
	}
	if !found {
		t.Errorf("no warning that the approver was not checked: %q", g.m.review.data.warnings)
	}
}

// TestResumedUndecidedWarningAsksAgain: the engineer quit on the approver
// warning screen without accepting; on resume the app comes back to the
// warning (a/r/s), not as authorized, without a new code or Identify; a
// accepts it and the bundle carries the warning.
func TestResumedUndecidedWarningAsksAgain(t *testing.T) {
	g := resumeAfterQuit(t,
		func(f *fixture) {
			f.auth.identity = func(flows.App) flows.Identity { return otherApprover() }
		},
		nil)
	if g.m.screen != scrAuth || g.m.auth.app.ID != "users" || g.m.auth.state != authWarning {
		t.Fatalf("want the users warning after resume, got screen %d state %d:\n%s", g.m.screen, g.m.auth.state, g.view())
	}
	v := g.view()
	for _, want := range []string{"Help Desk", "not a Full Admin", "a accept", "r authorize again"} {
		if !strings.Contains(v, want) {
			t.Errorf("warning screen lacks %q:\n%s", want, v)
		}
	}
	if g.auth.startCount() != 0 || g.auth.identifies != 0 {
		t.Errorf("resume asked Webex again: %d starts, %d identifies", g.auth.startCount(), g.auth.identifies)
	}
	g.drive(t, press("a"))
	// The other apps are approved by Jane, in another org than Help
	// Desk's: accept those warnings too.
	for i := 0; i < 3 && g.m.screen == scrAuth && g.m.auth.state == authWarning; i++ {
		g.drive(t, press("a"))
	}
	if g.m.screen != scrReview {
		t.Fatalf("not on review:\n%s", g.view())
	}
	n := 0
	for _, w := range g.m.review.data.warnings {
		if strings.HasPrefix(w, "UCX Suite Users' Synch from Control Hub: Help Desk") {
			n++
		}
	}
	if n == 0 {
		t.Errorf("the accepted warning is not in the bundle: %q", g.m.review.data.warnings)
	}
	if r := g.m.s.Results["users"]; r == nil || r.Grant.Approver.Email != "helpdesk@acme-support.example" || r.Pending() {
		t.Errorf("users: %+v", r)
	}
}

// TestResumedUndecidedWarningReauthorize: r on a resumed warning drops the
// approval and asks for a fresh code.
func TestResumedUndecidedWarningReauthorize(t *testing.T) {
	g := resumeAfterQuit(t,
		func(f *fixture) { f.auth.identity = func(flows.App) flows.Identity { return otherApprover() } },
		func(g *fixture) { g.auth.block["users"] = true })
	if g.m.auth.state != authWarning {
		t.Fatalf("state %d:\n%s", g.m.auth.state, g.view())
	}
	g.drive(t, press("r"))
	if n := g.auth.startsOf("users"); n != 1 || savedGrant(g.drafts, "users") {
		t.Errorf("r: %d starts of users, still saved %v", n, savedGrant(g.drafts, "users"))
	}
}

// TestAccessibleResumesPendingApprovals: in the line-by-line flow, a
// resumed approval whose approver was never checked is checked again, and
// one whose warnings were never accepted asks a/r/s again; neither asks
// for a new code.
func TestAccessibleResumesPendingApprovals(t *testing.T) {
	f := newFakes()
	apps := testApps()
	users := wizard.AppGrant(apps[0], testGrant(apps[0]), flows.Identity{}, adminEmail)
	other := otherApprover()
	other.OrgID, other.OrgName = orgID, "Acme Industries"
	presence := wizard.AppGrant(apps[1], testGrant(apps[1]), other, adminEmail)
	warns := wizard.ApproverWarnings(other, adminEmail, "")
	dr := Draft{Customer: testCustomer(), SelectedApps: []string{"users", "presence", "callcontrol", "cdr"},
		Apps: []store.AppGrant{users, presence}, Org: store.Org{ID: orgID, Name: "Acme Industries"},
		Approvals: []store.ApprovalNote{{AppID: "presence", Warnings: warns, Undecided: true}}}
	if err := f.drafts.Save(&dr); err != nil {
		t.Fatal(err)
	}
	d := testDeps(f)
	d.Accessible = true
	in := "1\n" + strings.Repeat("\n", 6) + "y\n" + "a\n" + "y\n"
	var out bytes.Buffer
	res, err := Run(context.Background(), d, Options{In: strings.NewReader(in), Out: &out})
	text := out.String()
	if err != nil || res.Receipt == nil {
		t.Fatalf("Run = %+v, %v\n%s", res, err, text)
	}
	for _, want := range []string{"who approved was not checked", "warnings were not accepted", "Warning: Help Desk is not a Full Administrator"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if f.auth.startCount() != 2 || f.auth.identifies != 3 {
		t.Errorf("%d starts, %d identifies; want 2 and 3 (users checked again)", f.auth.startCount(), f.auth.identifies)
	}
	b, _, _ := f.writer.got()
	if len(b.Apps) != 4 || b.Apps[0].Approver.Email != "Jane.Admin@acme.example" {
		t.Fatalf("bundle apps %+v", b.Apps)
	}
	found := false
	for _, w := range b.Warnings {
		found = found || strings.HasPrefix(w, apps[1].Name+": Help Desk is not a Full Administrator")
	}
	if !found {
		t.Errorf("accepted warning not in the bundle: %q", b.Warnings)
	}
}
