package tui

import (
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
			f.auth.Identity = func(flows.App) flows.Identity { return otherApprover() }
		},
		nil,
		func(d *Deps) {
			apps := append([]flows.App(nil), d.Apps...)
			for i := range apps {
				if apps[i].ID == "users" {
					apps[i].Name = "UCX Users Sync"
				}
			}
			d.Apps = apps
		})
	if !g.onApp("users", wizard.PhaseWarning) {
		r := g.m.flow.Session().Results["users"]
		t.Errorf("undecided warning not asked again after a rename: %s; users result pending=%v warnings=%q",
			g.where(), r != nil && r.Pending(), r.Warnings)
	}
	if g.m.v.Auth == nil || g.m.v.Auth.App.Name != "UCX Users Sync" {
		t.Errorf("the renamed catalog is not the one resumed: %+v", g.m.v.Auth)
	}
	d := g.m.flow.Session().Snapshot()
	found := false
	for _, n := range d.Approvals {
		for _, w := range n.Warnings {
			found = found || n.AppID == "users" && n.Undecided && strings.Contains(w, "Help Desk")
		}
	}
	if !found {
		t.Errorf("the undecided Help Desk warning is gone from the draft: %+v", d.Approvals)
	}
}

// TestKeysIgnoredOnceQuitConfirmed: once the quit is confirmed (its save
// in flight, the screen blank), a stray key must not reach the warning
// screen: s would drop the approval from the draft being kept.
func TestKeysIgnoredOnceQuitConfirmed(t *testing.T) {
	f := newFixture(t, 80, 24, nil)
	f.auth.Identity = func(flows.App) flows.Identity { return otherApprover() }
	f.toAuth()
	f.withCode()
	a := f.m.v.Auth
	f.drive(t, ev(wizard.WaitEnded{Gen: a.Gen, Grant: testGrant(a.App)}))
	if !f.onApp("users", wizard.PhaseWarning) || !savedGrant(f.drafts, "users") {
		t.Fatalf("setup: %s, saved %v", f.where(), savedGrant(f.drafts, "users"))
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
	if n := len(f.drafts.Drafts); n != 1 {
		t.Errorf("%d drafts, want 1", n)
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
	fixtureOn(t, f, 100, 40, nil)
	f.drive(t, ev(wizard.DraftsListed{Infos: mustList(t, f.drafts)}))
	f.drive(t, press("enter"))
	f.confirmForm(t)
	f.drive(t, press("enter"))
	if !f.onApp("presence", wizard.PhaseWarning) {
		t.Fatalf("want the presence warning after resume, got %s:\n%s", f.where(), f.view())
	}
	v := f.view()
	if !strings.Contains(v, "Help Desk") {
		t.Fatalf("the approver is not shown:\n%s", v)
	}
	org := false
	for _, l := range strings.Split(v, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "Org ") {
			org = true
			if strings.Contains(l, "Acme Industries") {
				t.Errorf("resumed approver shown in the draft's org: %q\n%s", l, v)
			}
		}
	}
	if !org {
		t.Errorf("no Org line for the approver:\n%s", v)
	}
}
