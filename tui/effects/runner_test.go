package effects

import (
	"context"
	"testing"
)

// TestNewGenOlderLate: the calls of an older generation that start after
// a newer one's (effects run side by side) get a canceled context, and do
// not cancel the newer one's calls.
func TestNewGenOlderLate(t *testing.T) {
	r := &Runner{ctx: context.Background()}
	newer := r.newGen(2)
	older := r.newGen(1)
	if older.Err() == nil {
		t.Error("the older generation's context is not canceled")
	}
	if newer.Err() != nil {
		t.Error("the older generation canceled the newer one's calls")
	}
	if r.genContext(2) != newer {
		t.Error("the newer generation's calls do not share its context")
	}
	if next := r.newGen(3); newer.Err() == nil || next.Err() != nil {
		t.Error("a newer generation does not cancel the older one's calls")
	}
}
