package tui

// Tests of what the engineer and the customer see between steps: the app
// just approved, the org name being read, the resume screen's offer.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// TestJustDoneShown: once an app is approved, the next app's screen says
// so above its code ("✓ <app> approved by <name> (Full Admin)"), so the
// admin with the phone sees the approval worked before scanning again; a
// skipped app is said too, and an approver screen is about its own app.
func TestJustDoneShown(t *testing.T) {
	checkGolden(t, "auth_after_approval", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.approve(testIdentity())
		f.withCode()
	})
	f := newFixture(t, 100, 30, nil)
	f.toAuth()
	f.withCode()
	if strings.Contains(f.view(), "approved by") {
		t.Fatalf("the first app's screen says an app was approved:\n%s", f.view())
	}
	f.approve(testIdentity())
	f.withCode()
	// Beside the QR code the line wraps: each part is looked for.
	for _, want := range []string{"✓ UCX Suite Users' Synch from Control", "approved by Jane Admin (Full Admin)", "Authorize app 2 of 4"} {
		if v := f.view(); !strings.Contains(v, want) {
			t.Fatalf("app 2's screen lacks %q:\n%s", want, v)
		}
	}
	f.step(press("s"), press("y"))
	f.withCode()
	if v := f.view(); !strings.Contains(v, "Attendant Console Presence") || !strings.Contains(v, "Connector skipped") {
		t.Fatalf("app 3's screen does not say app 2 was skipped:\n%s", v)
	}
}

// TestWarningOrgNameWhileRead: an approver of the session's org whose
// token may not read its name is shown with the name being read (not
// "name unknown"), then with the name once another app's read brings it.
func TestWarningOrgNameWhileRead(t *testing.T) {
	f := newFixture(t, 120, 40, nil)
	jane := testIdentity()
	jane.OrgName, jane.OrgNameUnknown = "", flows.UnknownNoScope
	bob := jane
	bob.FullAdmin, bob.DisplayName, bob.Emails = false, "Bob Helper", []string{"bob@help.example"}
	f.toAuth()
	f.withCode()
	f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(f.m.v.Auth.App)}))
	f.step(ev(wizard.Identified{Gen: f.gen(), Identity: jane}))
	f.step(ev(wizard.OrgRead{Facts: wizard.OrgFacts{Identity: flows.Identity{OrgID: orgID}, Pending: true, Version: 1}}))
	f.withCode()
	f.step(ev(wizard.WaitEnded{Gen: f.gen(), Grant: testGrant(f.m.v.Auth.App)}))
	f.step(ev(wizard.Identified{Gen: f.gen(), Identity: bob}))
	if f.m.v.Auth == nil || f.m.v.Auth.Phase != wizard.PhaseWarning {
		t.Fatalf("not on the approver warning:\n%s", f.view())
	}
	if v := f.view(); !strings.Contains(v, "name being read…") || strings.Contains(v, "name unknown") {
		t.Fatalf("the Org row while the name is read:\n%s", v)
	}
	f.step(ev(wizard.OrgRead{Facts: wizard.OrgFacts{Identity: flows.Identity{OrgID: orgID, OrgName: "Acme Industries"}, Version: 2}}))
	if v := f.view(); !strings.Contains(v, "Org         Acme Industries") {
		t.Fatalf("the Org row once the name is read:\n%s", v)
	}
}

// TestResumeIntroOffersWhatWorks: with only a draft another ucx-onboard
// holds, the resume screen's intro offers neither resuming nor d (which
// would do nothing), only a new onboarding.
func TestResumeIntroOffersWhatWorks(t *testing.T) {
	f := newFixture(t, 100, 30, nil)
	held := DraftInfo{ID: "20261121-0930-held", Err: fmt.Errorf("store: draft 20261121-0930-held: %w", store.ErrDraftInUse)}
	f.step(ev(wizard.DraftsListed{Infos: []DraftInfo{held}}))
	v := f.view()
	if f.m.v.Step != wizard.StepResume || !strings.Contains(v, "press n to start a new one") {
		t.Fatalf("resume screen:\n%s", v)
	}
	if strings.Contains(v, "press d") || strings.Contains(v, "Resume one") {
		t.Fatalf("the intro offers what the held draft does not allow:\n%s", v)
	}
}
