package tui

import (
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// TestReviewWaitsForOrg: while the org's name and size are still being
// read in the background, the review shows a spinner and COMPLETE REQUEST
// waits (queued: nothing is written); once they arrive (OrgRead) the
// review takes them in, keeps its place, and the bundle is written.
func TestReviewWaitsForOrg(t *testing.T) {
	f := newFixture(t, 80, 24, prefill)
	f.drive(t, ev(wizard.DraftsListed{}))
	f.confirmForm(t)
	f.drive(t, press("enter"))
	if f.m.v.Step != wizard.StepReview {
		t.Fatalf("not on review (%s):\n%s", f.where(), f.view())
	}
	facts := wizard.OrgFacts{Identity: flows.Identity{OrgID: orgID, OrgName: "Acme Industries", OrgUsers: 1001, OrgUsersCounted: true}}
	pending := facts
	pending.Pending = true // as Orgs.Facts says it while a read is under way
	f.drive(t, ev(wizard.OrgRead{Facts: pending}))
	if v := f.view(); !strings.Contains(v, "Reading the organization's name and size") || !f.m.v.Review.OrgPending {
		t.Errorf("no spinner while the org is read:\n%s", v)
	}
	f.drive(t, press("enter"))
	if b, _, _ := f.writer.Got(); f.m.v.Step != wizard.StepReview || b != nil || !f.m.v.Review.Queued {
		t.Fatalf("completed (or forgot COMPLETE REQUEST) while the org was still being read (%s):\n%s", f.where(), f.view())
	}
	if v := f.view(); !strings.Contains(v, "Reading the organization's name and size; the bundle") {
		t.Errorf("the queued COMPLETE REQUEST is not said:\n%s", v)
	}
	f.drive(t, ev(wizard.OrgRead{Facts: facts}))
	if f.m.v.Step != wizard.StepDone {
		t.Fatalf("not done once the reads ended (%s):\n%s", f.where(), f.view())
	}
	if b, _, _ := f.writer.Got(); b == nil || b.Org.Name != "Acme Industries" || b.Org.UserCount != 1001 {
		t.Errorf("bundle org %+v", b)
	}
}
