package tui

import (
	"strings"
	"testing"
)

// TestReviewWaitsForOrg: while the org's name and size are still being
// read in the background, the review shows a spinner and COMPLETE REQUEST
// waits; once they arrive (orgFactsMsg) the review takes them in, keeps
// its place, and completes.
func TestReviewWaitsForOrg(t *testing.T) {
	f := newFixture(t, 80, 24, prefill)
	f.drive(t, draftsMsg{})
	f.submitForm(t)
	f.drive(t, press("enter"))
	if f.m.screen != scrReview {
		t.Fatalf("not on review:\n%s", f.view())
	}
	f.m.review.data.orgPending = true // as reviewData sets it while a read is under way
	if v := f.view(); !strings.Contains(v, "Reading the organization's name and size") {
		t.Errorf("no spinner while the org is read:\n%s", v)
	}
	f.drive(t, press("enter"))
	if b, _, _ := f.writer.got(); f.m.screen != scrReview || b != nil {
		t.Fatalf("completed while the org was still being read:\n%s", f.view())
	}
	f.drive(t, orgFactsMsg{})
	if f.m.review.data.orgPending {
		t.Fatal("still pending after the reads ended")
	}
	f.drive(t, press("enter"))
	if f.m.screen != scrDone {
		t.Fatalf("not done:\n%s", f.view())
	}
}
