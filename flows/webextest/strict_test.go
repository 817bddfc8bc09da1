package webextest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Tests of what makes the fake as strict as Webex is documented
// (DOMAIN.md): defaults, scope checks, error shapes and the knobs.

func TestDocumentedDefaults(t *testing.T) {
	s, _ := newTest(t, Options{})
	seen := map[string]bool{}
	for range 50 {
		da := authorize(t, s)
		if da.Interval != 2 || da.ExpiresIn != 300 {
			t.Fatalf("interval %d expires_in %d, want 2 and 300", da.Interval, da.ExpiresIn)
		}
		if !sixDigits.MatchString(da.UserCode) || seen[da.UserCode] {
			t.Fatalf("user code %q: not six digits, or issued twice", da.UserCode)
		}
		seen[da.UserCode] = true
	}
	// The verification host is not the API host.
	api, _ := url.Parse(s.URL)
	ver, _ := url.Parse(s.VerifyURL)
	if api.Host == ver.Host || ver.Hostname() != "localhost" {
		t.Errorf("API %s, verification %s: want another host", s.URL, s.VerifyURL)
	}
}

func TestUserCodeHash(t *testing.T) {
	// SHA-256 of "729703", Webex's documented example code.
	sum := sha256.Sum256([]byte("729703"))
	if got := userCodeHash("729703"); got != hex.EncodeToString(sum[:]) || len(got) != 64 {
		t.Errorf("userCodeHash = %q", got)
	}
}

// tokenFor runs a device grant for client with scopes, approved as p (zero:
// the default approver), and returns the access token.
func tokenFor(t *testing.T, s *Server, client, secret string, scopes []string, p *Person) string {
	t.Helper()
	st, _, b := post(t, s, "/v1/device/authorize", url.Values{"client_id": {client}, "scope": {strings.Join(scopes, " ")}}, "", "")
	if st != 200 {
		t.Fatalf("authorize %v: %d %s", scopes, st, b)
	}
	var da deviceAuthResponse
	mustJSON(t, b, &da)
	var err error
	if p == nil {
		err = s.Approve(da.UserCode)
	} else {
		err = s.ApproveAs(da.UserCode, *p)
	}
	if err != nil {
		t.Fatal(err)
	}
	st, _, b = post(t, s, "/v1/device/token", url.Values{"grant_type": {DeviceGrantType}, "device_code": {da.DeviceCode}}, client, secret)
	if st != 200 {
		t.Fatalf("token: %d %s", st, b)
	}
	var tr tokenResponse
	mustJSON(t, b, &tr)
	return tr.AccessToken
}

func TestScopeChecks(t *testing.T) {
	s, _ := newTest(t, Options{Org: Org{ID: "orgA", Name: "Acme"}})
	user := &Person{Email: "user@acme.example", DisplayName: "Not An Admin"} // no admin role
	cdrRole := &Person{Email: "cdr@acme.example", Roles: []string{"Y2lzY29zcGFyazovL3VzL1JPTEUvY2FsbGluZ19jZHJfcmVhZA"}}
	tokens := map[string]string{
		"admin, people+org":  tokenFor(t, s, testClient, testSecret, []string{"spark-admin:people_read", "spark-admin:organizations_read"}, nil),
		"admin, org only":    tokenFor(t, s, testClient, testSecret, []string{"spark-admin:organizations_read"}, nil),
		"admin, people only": tokenFor(t, s, testClient, testSecret, []string{"spark-admin:people_read"}, nil),
		"admin, cdr only":    tokenFor(t, s, otherClient, otherSecret, []string{"spark-admin:calling_cdr_read"}, nil),
		"cdr role, cdr only": tokenFor(t, s, otherClient, otherSecret, []string{"spark-admin:calling_cdr_read"}, cdrRole),
		"non-admin, all":     tokenFor(t, s, testClient, testSecret, []string{"spark-admin:people_read", "spark-admin:organizations_read"}, user),
	}
	tests := []struct {
		token           string
		me, org, people int
	}{
		{"admin, people+org", 200, 200, 200},
		{"admin, org only", 200, 200, 403},
		{"admin, people only", 200, 403, 200},
		{"admin, cdr only", 200, 403, 403},
		{"cdr role, cdr only", 200, 403, 403},
		{"non-admin, all", 200, 403, 403}, // admin scopes give a non-admin nothing
	}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			for _, c := range []struct {
				path string
				want int
			}{{"/v1/people/me", tt.me}, {"/v1/organizations/orgA", tt.org}, {"/v1/people?max=5", tt.people}} {
				st, _, b := get(t, s, c.path, tokens[tt.token])
				if st != c.want {
					t.Errorf("%s: %d, want %d: %s", c.path, st, c.want, b)
				}
				if st == 403 {
					if e := errBody(t, b); e.Message != forbiddenMessage {
						t.Errorf("%s: 403 message %q", c.path, e.Message)
					}
				}
			}
		})
	}
}

func TestAuthorizeErrorShapes(t *testing.T) {
	tests := []struct {
		name   string
		style  ErrorStyle
		form   url.Values
		status int
		code   string
	}{
		{"webex: unknown client", WebexErrors, url.Values{"client_id": {"Cnope"}, "scope": {"spark-admin:people_read"}}, 400, "invalid_client"},
		{"webex: scope not held", WebexErrors, url.Values{"client_id": {otherClient}, "scope": {"spark-admin:people_read"}}, 400, "invalid_scope"},
		{"rfc: unknown client", RFCErrors, url.Values{"client_id": {"Cnope"}, "scope": {"spark-admin:people_read"}}, 400, "invalid_client"},
		{"rfc: scope not held", RFCErrors, url.Values{"client_id": {otherClient}, "scope": {"spark-admin:xsi"}}, 400, "invalid_scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTest(t, Options{Errors: tt.style})
			st, h, b := post(t, s, "/v1/device/authorize", tt.form, "", "")
			if st != tt.status || h.Get("TrackingID") == "" {
				t.Fatalf("status %d TrackingID %q, want %d: %s", st, h.Get("TrackingID"), tt.status, b)
			}
			var code string
			if tt.style == RFCErrors {
				code = rfcCode(t, b)
			} else {
				code = errCode(t, b)
			}
			if code != tt.code {
				t.Errorf("code %q, want %q", code, tt.code)
			}
			// Errors without an OAuth code stay Webex-shaped in both styles.
			st, _, b = get(t, s, "/v1/people/me", "tok-FAKE-nope")
			if st != 401 || errCode(t, b) != "" {
				t.Errorf("bad bearer: %d %s", st, b)
			}
		})
	}
	// Webex's slow_down body, exactly.
	s, _ := newTest(t, Options{})
	da := authorize(t, s)
	s.SlowDownPolls(1)
	st, _, b := poll(t, s, da.DeviceCode)
	e := errBody(t, b)
	if st != 400 || e.Message != "slow_down" || e.Errors[0].Description != "slow_down" {
		t.Errorf("slow_down: %d %s", st, b)
	}
}

func TestBadClientStatus(t *testing.T) {
	tests := []struct {
		name   string
		opt    int
		status int
	}{{"default 401", 0, 401}, {"400 on request", 400, 400}, {"401 explicit", 401, 401}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTest(t, Options{BadClientStatus: tt.opt})
			da := authorize(t, s)
			for _, c := range []struct {
				path string
				form url.Values
			}{
				{"/v1/device/token", url.Values{"grant_type": {DeviceGrantType}, "device_code": {da.DeviceCode}}},
				{"/v1/access_token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"ref-FAKE-x"}}},
			} {
				st, _, b := post(t, s, c.path, c.form, testClient, "wrong")
				if st != tt.status || errCode(t, b) != "invalid_client" {
					t.Errorf("%s wrong secret: %d %s, want %d invalid_client", c.path, st, b, tt.status)
				}
			}
		})
	}
}

func TestCompleteURI(t *testing.T) {
	tests := []struct {
		name  string
		opt   CompleteURI
		check func(t *testing.T, s *Server, got, hash string)
	}{
		{"hashed", CompleteHashed, func(t *testing.T, s *Server, got, hash string) {
			if got != s.VerifyURL+"/verify?userCode="+hash {
				t.Errorf("got %q", got)
			}
		}},
		{"omitted", CompleteOmitted, func(t *testing.T, s *Server, got, hash string) {
			if got != "" {
				t.Errorf("got %q", got)
			}
		}},
		{"plain http elsewhere", CompletePlainHTTP, func(t *testing.T, s *Server, got, hash string) {
			u, err := url.Parse(got)
			if err != nil || u.Scheme != "http" || u.Hostname() == "localhost" || net.ParseIP(u.Hostname()) != nil || u.Query().Get("userCode") != hash {
				t.Errorf("got %q", got)
			}
		}},
		{"huge", CompleteHuge, func(t *testing.T, s *Server, got, hash string) {
			if len(got) != HugeCompleteLen || !strings.HasPrefix(got, s.VerifyURL+"/verify?userCode="+hash+"&") {
				t.Errorf("got %d bytes: %.120q", len(got), got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTest(t, Options{Complete: tt.opt})
			st, _, b := post(t, s, "/v1/device/authorize", url.Values{"client_id": {testClient}, "scope": {"spark-admin:people_read"}}, "", "")
			if st != 200 {
				t.Fatalf("%d %s", st, b)
			}
			var raw map[string]any
			mustJSON(t, b, &raw)
			got, present := raw["verification_uri_complete"].(string)
			if present == (tt.opt == CompleteOmitted) {
				t.Errorf("field present %v: %s", present, b)
			}
			uc, _ := raw["user_code"].(string)
			tt.check(t, s, got, userCodeHash(uc))
			if raw["verification_uri"] != s.VerifyURL+"/verify" {
				t.Errorf("verification_uri %v", raw["verification_uri"])
			}
		})
	}
}

func TestCutShortNextToken(t *testing.T) {
	s, clk := newTest(t, Options{})
	da := authorize(t, s)
	if err := s.Approve(da.UserCode); err != nil {
		t.Fatal(err)
	}
	s.CutShortNextToken()
	if u := s.Unused(); len(u) != 1 || !strings.Contains(u[0], "CutShortNextToken: not used") {
		t.Errorf("Unused before: %q", u)
	}

	// The 200 arrives, its body does not.
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/v1/device/token",
		strings.NewReader(url.Values{"grant_type": {DeviceGrantType}, "device_code": {da.DeviceCode}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(testClient), url.QueryEscape(testSecret))
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("cut-short answer: %d, read err %v", resp.StatusCode, err)
	}
	if json.Valid(body) {
		t.Fatalf("cut-short body is whole: %s", body)
	}
	is := s.Issued()
	if len(is) != 1 {
		t.Fatalf("Issued %d, want 1", len(is))
	}
	if u := s.Unused(); len(u) != 1 || !strings.Contains(u[0], "not polled again") {
		t.Errorf("Unused after the cut: %q", u)
	}
	if rq := s.Requests(); rq[len(rq)-1].Status != 200 {
		t.Errorf("cut-short request recorded as %+v", rq[len(rq)-1])
	}

	// The interval still holds; then the same tokens come in full, once.
	if st, _, _ := poll(t, s, da.DeviceCode); st != 429 {
		t.Errorf("poll at once after the cut: %d, want 429", st)
	}
	clk.Advance(2 * time.Second)
	st, _, b := poll(t, s, da.DeviceCode)
	var tr tokenResponse
	if st != 200 || json.Unmarshal(b, &tr) != nil || tr.AccessToken != is[0].AccessToken || tr.RefreshToken != is[0].RefreshToken {
		t.Fatalf("poll after the cut: %d, want the same tokens", st)
	}
	if n := len(s.Issued()); n != 1 {
		t.Errorf("Issued %d after the second answer, want 1", n)
	}
	clk.Advance(2 * time.Second)
	if st, _, b := poll(t, s, da.DeviceCode); st != 400 || errCode(t, b) != "invalid_grant" {
		t.Errorf("third poll: %d %s", st, b)
	}
	if u := s.Unused(); len(u) != 0 {
		t.Errorf("Unused at the end: %q", u)
	}
	// The token works.
	if st, _, _ := get(t, s, "/v1/people/me", tr.AccessToken); st != 200 {
		t.Errorf("me with the re-sent token: %d", st)
	}
}

// TestLatency uses real time: 50 ms per request.
func TestLatency(t *testing.T) {
	const lat = 50 * time.Millisecond
	s, _ := newTest(t, Options{Latency: lat})
	start := time.Now()
	authorize(t, s)
	if el := time.Since(start); el < lat {
		t.Errorf("authorize took %v, want at least %v", el, lat)
	}
	start = time.Now()
	if st, _, _ := get(t, s, s.VerifyURL+"/verify", ""); st != 200 || time.Since(start) < lat {
		t.Errorf("verify page: %d after %v", st, time.Since(start))
	}
	// A client that gives up during the latency changes nothing.
	ctx, cancel := context.WithTimeout(context.Background(), lat/5)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/v1/device/authorize",
		strings.NewReader(url.Values{"client_id": {testClient}, "scope": {"spark-admin:people_read"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if _, err := s.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("abandoned request: %v", err)
	}
	s.Close() // waits for the handler
	if n := len(s.UserCodes()); n != 1 {
		t.Errorf("%d codes issued, want 1 (the abandoned request must not issue one)", n)
	}
	if rq := s.Requests(); len(rq) != 3 || rq[2].Status != 0 {
		t.Errorf("Requests %+v", rq)
	}
}

func TestStrictOptionsErrors(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"negative latency", Options{Latency: -time.Millisecond}},
		{"unknown error style", Options{Errors: 7}},
		{"unknown expired code", Options{ExpiredCode: "access_denied"}},
		{"bad client status 403", Options{BadClientStatus: 403}},
		{"unknown complete", Options{Complete: CompleteHuge + 1}},
		{"unknown people/me scope", Options{PeopleMe: MeEitherPeopleScope + 1}},
		{"unknown secret check", Options{SecretCheck: SecretAtRedemption + 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewServerAt("127.0.0.1:0", tt.opts); err == nil || !strings.HasPrefix(err.Error(), "webextest: ") {
				t.Errorf("err %v, want webextest: ...", err)
			}
		})
	}
}

func TestNewServerAtVerifyAddr(t *testing.T) {
	// A free port for the verification host.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s, err := NewServerAt("127.0.0.1:0", Options{VerifyAddr: "127.0.0.1:" + strconv.Itoa(port)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if want := "http://localhost:" + strconv.Itoa(port); s.VerifyURL != want {
		t.Errorf("VerifyURL %q, want %q", s.VerifyURL, want)
	}
	if st, _, _ := get(t, s, s.VerifyURL+"/verify", ""); st != 200 {
		t.Errorf("GET %s/verify: %d", s.VerifyURL, st)
	}
	// The verification address is taken: the API server is not left running.
	if _, err := NewServerAt("127.0.0.1:0", Options{VerifyAddr: s.VerifyAddr().String()}); err == nil {
		t.Error("verification address in use: no error")
	}
	// Default: the API's host, another port.
	s2, err := NewServerAt("127.0.0.1:0", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.VerifyAddr().String() == s2.Addr().String() || !slices.Contains([]string{"127.0.0.1"}, s2.VerifyAddr().(*net.TCPAddr).IP.String()) {
		t.Errorf("verify %v, API %v", s2.VerifyAddr(), s2.Addr())
	}
}
