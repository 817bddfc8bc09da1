package wizard

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
)

// TestRetryWordedByCause: the retry line says what happened: a busy Webex
// (408, 5xx), a slow-down (429), or no answer at all.
func TestRetryWordedByCause(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&flows.WebexError{Status: 503}, "Webex is busy (HTTP 503, attempt 3), retrying in 2s"},
		{&flows.WebexError{Status: 503, Message: "down", TrackingID: "T-1"}, "Webex is busy (HTTP 503, attempt 3), retrying in 2s: down; trackingId T-1"},
		{fmt.Errorf("flows: start: %w", &flows.WebexError{Status: 408}), "Webex is busy (HTTP 408, attempt 3)"},
		{&flows.WebexError{Status: 429}, "Webex asked to slow down (attempt 3), retrying in 2s"},
		{fmt.Errorf("flows: %w: dial tcp: i/o timeout", flows.ErrUnreachable), "No answer from Webex (attempt 3), retrying in 2s: "},
		{nil, "No answer from Webex (attempt 3), retrying in 2s"},
	} {
		got := RetryText(flows.RetryEvent{Op: flows.RetryStart, AppID: "users", Attempt: 3, Wait: 2 * time.Second, Err: tc.err})
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("%v: %q, want %q…", tc.err, got, tc.want)
		}
	}
}

// TestRetryLocked: a 423 is worded as Webex being locked for now.
func TestRetryLocked(t *testing.T) {
	if got := RetryCause(flows.RetryEvent{Attempt: 2, Err: &flows.WebexError{Status: 423}}); !strings.Contains(got, "HTTP 423") || !strings.Contains(got, "locked") {
		t.Errorf("RetryCause(423) = %q", got)
	}
}
