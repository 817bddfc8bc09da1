package wizard

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
)

// TestBlockApps: only a failed check that blocks one app (AppBlocked, with
// App) blocks it, with its detail cleaned; the others block nothing here.
func TestBlockApps(t *testing.T) {
	checks := []Check{
		{Name: "secret", App: "cdr", AppBlocked: true, Detail: "secret missing:\x1b[31m env X"},
		{Name: "ok", App: "users", AppBlocked: true, OK: true},
		{Name: "network", Blocking: true, Detail: "down"},
		{Name: "no app", AppBlocked: true, Detail: "?"},
		{Name: "warning", App: "presence", Detail: "slow"},
	}
	s := NewSession(apps())
	BlockApps(s, checks)
	want := map[string]string{"cdr": "cannot be authorized: secret missing: env X"}
	if !maps.Equal(s.Blocked, want) {
		t.Errorf("Blocked = %q, want %q", s.Blocked, want)
	}
	if n := AppsBlocked(checks); n != 1 {
		t.Errorf("AppsBlocked = %d, want 1", n)
	}
}

// TestIdentifyProblem: a matched cause words itself; otherwise no answer
// (a timeout, an unreachable Webex, a 408, 429 or 5xx) is a network
// problem, and another answer a refusal.
func TestIdentifyProblem(t *testing.T) {
	for _, tc := range []struct {
		c    Cause
		err  error
		want string
	}{
		{Cause{Title: "T", Text: "because"}, &flows.WebexError{Status: 403}, "because"},
		{Cause{}, context.DeadlineExceeded, "This is most likely a network problem."},
		{Cause{}, fmt.Errorf("x: %w", flows.ErrUnreachable), "This is most likely a network problem."},
		{Cause{}, &flows.WebexError{Status: 503}, "This is most likely a network problem."},
		{Cause{}, &flows.WebexError{Status: 429}, "This is most likely a network problem."},
		{Cause{}, &flows.WebexError{Status: 403}, "Webex refused the check (" + StatusText(&flows.WebexError{Status: 403}) + ")."},
	} {
		if _, got := IdentifyProblem(tc.c, tc.err); got != tc.want {
			t.Errorf("IdentifyProblem(%+v, %v) = %q, want %q", tc.c, tc.err, got, tc.want)
		}
	}
}
