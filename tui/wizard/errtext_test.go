package wizard

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
)

// TestErrorText: the screens say what happened in plain words, with
// Webex's trackingId, never the program's chain of packages and calls
// (issue #10, item 9).
func TestErrorText(t *testing.T) {
	denied := &flows.WebexError{Status: 400, Code: "access_denied", TrackingID: "ROUTER_1"}
	tests := []struct {
		name   string
		err    error
		want   string
		detail string
	}{
		{"nil", nil, "", ""},
		{"denied, the issue's chain", fmt.Errorf("flows: call-control: wait: %w: %w", flows.ErrDenied, denied),
			"Webex denied access to the integration; trackingId ROUTER_1.", "access_denied; trackingId ROUTER_1"},
		{"webex 403", fmt.Errorf("flows: users: identify: people/me: %w: %w", flows.ErrForbidden, &flows.WebexError{Status: 403, Message: "Authorization refused.", TrackingID: "T2"}),
			"Webex refused the request (HTTP 403: Authorization refused); trackingId T2.", "Authorization refused; trackingId T2"},
		{"webex 503", &flows.WebexError{Status: 503}, "Webex failed (HTTP 503).", ""},
		{"webex 429", &flows.WebexError{Status: 429, TrackingID: "T3"}, "Webex is busy (HTTP 429); trackingId T3.", "trackingId T3"},
		{"unreachable", fmt.Errorf("flows: %w: read tcp: connection reset by peer", flows.ErrUnreachable),
			"Webex cannot be reached (connection reset by peer).", "connection reset by peer"},
		{"timeout", fmt.Errorf("flows: start: %w", context.DeadlineExceeded), "Webex did not answer in time.", "context deadline exceeded"},
		{"expired", fmt.Errorf("flows: users: wait: %w", flows.ErrExpired), "The code expired before it was approved.", "The code expired before it was approved."},
		{"token limit", fmt.Errorf("flows: users: poll: %w", flows.ErrTokenLimit), "Webex will issue no more tokens of this integration for this user.", "Webex will issue no more tokens of this integration for this user."},
		{"store chain", errors.New("store: save draft: write /x/d.age: no space left on device"),
			"Save draft: write /x/d.age: no space left on device.", "Save draft: write /x/d.age: no space left on device."},
		{"inner package", errors.New("draft 2026: store: draft is damaged"), "Draft 2026: draft is damaged.", "Draft 2026: draft is damaged."},
		{"escapes", errors.New("flows: \x1b[31mred\x1b[0m"), "Red.", "Red."},
		// A path, a file name or a quoted value first is left as it is.
		{"path first", errors.New("store: out2/x.ucxbundle.receipt.txt already exists; refusing to overwrite it"),
			"out2/x.ucxbundle.receipt.txt already exists; refusing to overwrite it.", "out2/x.ucxbundle.receipt.txt already exists; refusing to overwrite it."},
		{"file name first", errors.New("acme.ucxbundle already exists"), "acme.ucxbundle already exists.", "acme.ucxbundle already exists."},
		{"windows path first", errors.New(`c:\out\x already exists`), `c:\out\x already exists.`, `c:\out\x already exists.`},
		{"quoted first", errors.New(`"spark-admin:x" is invalid`), `"spark-admin:x" is invalid.`, `"spark-admin:x" is invalid.`},
		{"dir first", errors.New("out2 is not a directory"), "out2 is not a directory.", "out2 is not a directory."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ErrorText(tt.err)
			if got != tt.want {
				t.Errorf("ErrorText = %q, want %q", got, tt.want)
			}
			if d := ErrorDetail(tt.err); d != tt.detail {
				t.Errorf("ErrorDetail = %q, want %q", d, tt.detail)
			}
			for _, internal := range []string{"flows:", "webex:", "wait:", "call-control:", "\x1b"} {
				if strings.Contains(got, internal) {
					t.Errorf("ErrorText shows %q: %q", internal, got)
				}
			}
		})
	}
	long := ErrorText(errors.New(strings.Repeat("x", 1000)))
	if n := len([]rune(long)); n > maxErrText+1 {
		t.Errorf("a long error gives %d runes", n)
	}
}
