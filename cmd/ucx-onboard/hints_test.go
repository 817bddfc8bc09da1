package main

import (
	"fmt"
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
)

// TestFlowsHints: every flows sentinel a command can meet has a hint, and
// ErrTokenLimit its own (a fresh code, the remedy of ErrExpired, does not
// help there).
func TestFlowsHints(t *testing.T) {
	seen := map[string]error{}
	for _, err := range []error{
		flows.ErrTokenLimit, flows.ErrExpired, flows.ErrDenied, flows.ErrInvalidClient,
		flows.ErrUnsupported, flows.ErrUnreachable,
	} {
		h := hint(fmt.Errorf("wrapped: %w", err))
		if h == "" {
			t.Errorf("no hint for %v", err)
		}
		if prev, ok := seen[h]; ok {
			t.Errorf("%v and %v share a hint", prev, err)
		}
		seen[h] = err
	}
	if hint(flows.ErrCodeSpent) != hint(flows.ErrExpired) {
		t.Error("ErrCodeSpent and ErrExpired have different remedies: both want a fresh code")
	}
}
