package webextest

import (
	"net/http"
	"net/url"
	"testing"
)

// TestPeopleMeScope plays each reading of what GET /v1/people/me demands
// (Options.PeopleMe), for tokens holding each kind of people scope.
func TestPeopleMeScope(t *testing.T) {
	const userClient, userSecret = "Cuser", "user-secret"
	integrations := append([]Integration{{ClientID: userClient, ClientSecret: userSecret,
		Scopes: []string{UserPeopleReadScope, "spark-admin:organizations_read"}}}, testIntegrations...)
	tests := []struct {
		mode                 MeScope
		admin, user, noScope int // tokens with spark-admin:people_read, spark:people_read, neither
	}{
		{MeAnyToken, 200, 200, 200},
		{MePeopleRead, 403, 200, 403},
		{MeEitherPeopleScope, 200, 200, 403},
	}
	for _, tt := range tests {
		s, _ := newTest(t, Options{Integrations: integrations, PeopleMe: tt.mode})
		for _, c := range []struct {
			name  string
			token string
			want  int
		}{
			{"admin people scope", tokenFor(t, s, testClient, testSecret, []string{AdminPeopleReadScope}, nil), tt.admin},
			{"user people scope", tokenFor(t, s, userClient, userSecret, []string{UserPeopleReadScope}, nil), tt.user},
			{"no people scope", tokenFor(t, s, otherClient, otherSecret, []string{"spark-admin:calling_cdr_read"}, nil), tt.noScope},
		} {
			st, _, b := get(t, s, "/v1/people/me", c.token)
			if st != c.want {
				t.Errorf("mode %d, %s: %d, want %d: %s", tt.mode, c.name, st, c.want, b)
			}
			if st == http.StatusForbidden {
				if e := errBody(t, b); e.Message != forbiddenMessage {
					t.Errorf("mode %d, %s: 403 message %q", tt.mode, c.name, e.Message)
				}
			}
		}
	}
}

// TestSecretAtRedemption: with SecretCheck SecretAtRedemption a wrong
// secret is answered 428 like the right one while the code is pending,
// refused (BadClientStatus, invalid_client) once the code is approved,
// and the code stays approved: the right secret redeems it. SecretAlways
// refuses the wrong secret at once.
func TestSecretAtRedemption(t *testing.T) {
	pollWith := func(s *Server, dc, secret string) (int, []byte) {
		st, _, b := post(t, s, "/v1/device/token", url.Values{"grant_type": {DeviceGrantType}, "device_code": {dc}, "client_id": {testClient}}, testClient, secret)
		return st, b
	}
	t.Run("redemption", func(t *testing.T) {
		s, clk := newTest(t, Options{SecretCheck: SecretAtRedemption})
		da := authorize(t, s)
		if st, b := pollWith(s, da.DeviceCode, "wrong"); st != http.StatusPreconditionRequired {
			t.Fatalf("pending, wrong secret: %d %s, want 428", st, b)
		}
		if err := s.Approve(da.UserCode); err != nil {
			t.Fatal(err)
		}
		clk.Advance(s.interval)
		st, b := pollWith(s, da.DeviceCode, "wrong")
		if st != http.StatusUnauthorized || errCode(t, b) != "invalid_client" {
			t.Fatalf("approved, wrong secret: %d %s, want 401 invalid_client", st, b)
		}
		clk.Advance(s.interval)
		st, b = pollWith(s, da.DeviceCode, testSecret)
		if st != http.StatusOK {
			t.Fatalf("approved, right secret after a wrong one: %d %s", st, b)
		}
		checkToken(t, s, b, da.UserCode)
		// An unknown client is refused whatever the code's state.
		st, _, b = post(t, s, "/v1/device/token", url.Values{"grant_type": {DeviceGrantType}, "device_code": {da.DeviceCode}, "client_id": {"Cnobody"}}, "Cnobody", "x")
		if st != http.StatusUnauthorized {
			t.Errorf("unknown client: %d %s", st, b)
		}
	})
	t.Run("always", func(t *testing.T) {
		s, _ := newTest(t, Options{})
		da := authorize(t, s)
		if st, b := pollWith(s, da.DeviceCode, "wrong"); st != http.StatusUnauthorized {
			t.Fatalf("pending, wrong secret: %d %s, want 401", st, b)
		}
	})
}
