package wizard

import (
	"strings"
	"testing"
)

// TestClean: escapes, control characters and line ends are dropped or
// made spaces.
func TestClean(t *testing.T) {
	if got := Clean("a\x1b]52;c;ZXZpbA==\x07b\x1b[31mc\n"); strings.ContainsAny(got, "\x1b\x07\n") || !strings.HasPrefix(got, "abc") {
		t.Errorf("clean = %q", got)
	}
}

// TestShortID: Webex's 87-character org id (the same base64 start for
// every org) is shortened around a … for the review's one line; short ids
// stay whole.
func TestShortID(t *testing.T) {
	const webexOrg = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8xZWI2NWZkZi05NjQzLTQxN2YtOTk3NC1hZDcyY2FlMGUxMGY"
	for _, tc := range []struct{ in, want string }{
		{webexOrg, "Y2lzY2…2FlMGUxMGY"},
		{"other-org", "other-org"},
		{"", ""},
	} {
		if got := ShortID(tc.in); got != tc.want {
			t.Errorf("ShortID(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
