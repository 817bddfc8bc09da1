package wizard

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

var t0 = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

const admin = "jane.admin@acme.example"

// TestNoUI: the core imports no Bubble Tea, lipgloss, huh or bubbles, even
// indirectly: both front-ends sit on it, neither is in it.
func TestNoUI(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/charmbracelet/") {
			t.Errorf("the core depends on %s", dep)
		}
	}
}

func apps() []flows.App {
	return []flows.App{
		{ID: "users", Name: "Users", ClientID: "C1", Scopes: []string{"spark-admin:people_read"}},
		{ID: "presence", Name: "Presence", ClientID: "C2", Scopes: []string{"spark-admin:people_read"}},
		{ID: "cdr", Name: "CDR", ClientID: "C3", Scopes: []string{"spark-admin:calling_cdr_read"}},
	}
}

func grant(app flows.App) flows.Grant {
	return flows.Grant{AccessToken: store.NewSecret("tok-FAKE-access-" + app.ID), RefreshToken: store.NewSecret("tok-FAKE-refresh-" + app.ID),
		TokenType: "Bearer", ObtainedAt: t0, AccessTokenExpiry: t0.Add(time.Hour)}
}

func jane() flows.Identity {
	return flows.Identity{PersonID: "p-jane", Emails: []string{"Jane.Admin@acme.example"}, DisplayName: "Jane Admin",
		OrgID: "org-1", OrgName: "Acme", FullAdmin: true, OrgUsers: 250, OrgUsersCounted: true}
}

// TestAfterWait: what the end of a wait means, with the renewal cap (a
// spent code counts as an expired one), a final token limit, and the
// engineer's fresh code (Again) resetting the count.
func TestAfterWait(t *testing.T) {
	for _, tc := range []struct {
		err      error
		renewals int
		want     Next
	}{
		{nil, 3, Identify},
		{flows.ErrExpired, 0, Renew},
		{flows.ErrExpired, MaxAutoRenew - 1, Renew},
		{flows.ErrExpired, MaxAutoRenew, Fail},
		{flows.ErrCodeSpent, MaxAutoRenew, Fail},
		{flows.ErrCodeSpent, 0, Renew},
		{flows.ErrTokenLimit, 0, Fail},
		{flows.ErrDenied, 0, Denied},
		{fmt.Errorf("x: %w", context.Canceled), 0, Stay},
		{errors.New("boom"), 0, Fail},
	} {
		a := &Approval{Renewals: tc.renewals}
		if got := a.AfterWait(flows.Grant{}, tc.err); got != tc.want {
			t.Errorf("%v after %d renewals: %d, want %d", tc.err, tc.renewals, got, tc.want)
		}
	}
	a := &Approval{}
	for range MaxAutoRenew {
		a.AfterWait(flows.Grant{}, flows.ErrExpired)
	}
	if a.Expiries != MaxAutoRenew || a.AfterWait(flows.Grant{}, flows.ErrExpired) != Fail {
		t.Fatalf("expiries %d", a.Expiries)
	}
	a.Again()
	if a.AfterWait(flows.Grant{}, flows.ErrExpired) != Renew {
		t.Error("no fresh code after Again")
	}
}

// TestCheckPassphrase: the passphrase rules, in characters (not bytes).
func TestCheckPassphrase(t *testing.T) {
	long := strings.Repeat("x", store.MinPassphraseLen)
	for _, tc := range []struct {
		p1, p2 string
		want   error
	}{
		{long, long, nil},
		{long[1:], long[1:], ErrPassphraseShort},
		{strings.Repeat("é", store.MinPassphraseLen), strings.Repeat("é", store.MinPassphraseLen), nil},
		{strings.Repeat("é", store.MinPassphraseLen/2), strings.Repeat("é", store.MinPassphraseLen/2), ErrPassphraseShort},
		{long, long + "y", ErrPassphraseMismatch},
		{"", "", ErrPassphraseShort},
	} {
		if got := CheckPassphrase(tc.p1, tc.p2); got != tc.want {
			t.Errorf("%q/%q: %v, want %v", tc.p1, tc.p2, got, tc.want)
		}
	}
}
