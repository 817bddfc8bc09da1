package tui

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// TestResumedUndecidedWarningSurvivesAppRename: the app catalog renames "users" between quit and resume; the
// undecided approver warning must neither vanish nor be taken as accepted.
func TestResumedUndecidedWarningSurvivesAppRename(t *testing.T) {
	g := resumeAfterQuit(t,
		func(f *fixture) {
			f.auth.identity = func(flows.App) flows.Identity { return otherApprover() }
		},
		func(g *fixture) {
			apps := append([]flows.App(nil), g.m.c.deps.Apps...)
			for i := range apps {
				if apps[i].ID == "users" {
					apps[i].Name = "UCX Users Sync"
				}
			}
			g.m.c.deps.Apps = apps
		})
	if g.m.screen != scrAuth || g.m.auth.app.ID != "users" || g.m.auth.state != authWarning {
		r := g.m.s.Results["users"]
		t.Errorf("undecided warning not asked again after a rename: screen %d app %q state %d; users result pending=%v warnings=%q",
			g.m.screen, g.m.auth.app.ID, g.m.auth.state, r != nil && r.Pending(), r.Warnings)
	}
	g.m.s.Snapshot()
	found := false
	for _, n := range g.m.s.Draft.Approvals {
		for _, w := range n.Warnings {
			found = found || n.AppID == "users" && n.Undecided && strings.Contains(w, "Help Desk")
		}
	}
	if !found {
		t.Errorf("the undecided Help Desk warning is gone from the draft: %+v", g.m.s.Draft.Approvals)
	}
}

// TestResumedUndecidedClaimsNoOrg: the draft keeps one org, so a resumed
// undecided approval whose approver is in another org must not be shown
// in the draft's org next to the warning that says it is another one.
func TestResumedUndecidedClaimsNoOrg(t *testing.T) {
	f := newFakes()
	apps := testApps()
	jane := testIdentity()
	users := wizard.AppGrant(apps[0], testGrant(apps[0]), jane, adminEmail)
	other := otherApprover()
	other.OrgID, other.OrgName = "org-other", "Other Support Co"
	presence := wizard.AppGrant(apps[1], testGrant(apps[1]), other, adminEmail)
	warns := wizard.ApproverWarnings(other, adminEmail, jane.OrgID)
	dr := Draft{Customer: testCustomer(), SelectedApps: []string{"users", "presence"},
		Apps: []store.AppGrant{users, presence}, Org: store.Org{ID: jane.OrgID, Name: jane.OrgName},
		Approvals: []store.ApprovalNote{{AppID: "presence", Warnings: warns, Undecided: true}}}
	if err := f.drafts.Save(&dr); err != nil {
		t.Fatal(err)
	}
	d := testDeps(f)
	d.Accessible = true
	in := "1\n" + strings.Repeat("\n", 6) + "y\n" + "a\n" + "y\n"
	var out bytes.Buffer
	Run(context.Background(), d, Options{In: strings.NewReader(in), Out: &out})
	text := out.String()
	i := strings.Index(text, "warnings were not accepted")
	if i < 0 {
		t.Fatalf("no resumed warning:\n%s", text)
	}
	line := text[i:]
	line = line[:strings.Index(line, "Warning:")]
	if strings.Contains(line, "Acme Industries") || !strings.Contains(line, "Approved by Help Desk") {
		t.Errorf("resumed approver shown in the draft's org:\n%s", line)
	}
}

// TestKeysIgnoredOnceQuitConfirmed: once the quit is confirmed (its save
// in flight, the screen blank), a stray key must not reach the warning
// screen: s would drop the approval from the draft being kept.
func TestKeysIgnoredOnceQuitConfirmed(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.auth.identity = func(flows.App) flows.Identity { return otherApprover() }
	f.toAuth()
	f.withCode()
	f.drive(t, grantMsg{gen: f.m.auth.gen, app: f.m.auth.app.ID, grant: testGrant(f.m.auth.app)})
	if f.m.auth.state != authWarning || !savedGrant(f.drafts, "users") {
		t.Fatalf("setup: state %d", f.m.auth.state)
	}
	f.step(press("q"))
	_, save := f.m.Update(press("y"))
	_, cmd := f.m.Update(press("s"))
	f.drive(t, save())
	if cmd != nil {
		f.drive(t, cmd())
	}
	if !savedGrant(f.drafts, "users") {
		t.Errorf("a key pressed after the quit was confirmed removed the approval from the draft")
	}
}
