package wizard

import (
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
)

// TestFlowLateOrgReadIgnored: a read's end reported late (its facts say
// nothing is pending, but a newer read started since: a lower Version)
// does not end the wait for the org: COMPLETE REQUEST stays queued until
// the newer read's end.
func TestFlowLateOrgReadIgnored(t *testing.T) {
	w := newWorld(t, Config{})
	w.hold = true
	toReview(w)
	w.send(OrgRead{Facts: OrgFacts{Identity: flows.Identity{OrgID: "org-1"}, Pending: true, Version: 3}})
	w.pick("enter")
	w.send(OrgRead{Facts: OrgFacts{Identity: flows.Identity{OrgID: "org-1"}, Version: 2}}) // the older read's end
	if got := summary(w.f); got != "review/queued" {
		t.Fatalf("after a late report of an older read: %s", got)
	}
	w.send(OrgRead{Facts: OrgFacts{Identity: flows.Identity{OrgID: "org-1", OrgName: "Acme Corp"}, Version: 4}})
	if got := summary(w.f); got != "review/writing" {
		t.Fatalf("once read: %s", got)
	}
	w.release()
	if w.bundle == nil || w.bundle.Org.Name != "Acme Corp" {
		t.Fatalf("bundle %+v", w.bundle)
	}
}
