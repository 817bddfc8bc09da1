package webextest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a Clock that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const (
	testClient = "Ctest0123456789"
	// testSecret has characters that Basic auth must query-escape.
	testSecret  = "s3cr:t/+= &%x"
	otherClient = "Cother"
	otherSecret = "other-secret"
)

// sixDigits is the shape of Webex's user codes.
var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

var testIntegrations = []Integration{
	{ClientID: testClient, ClientSecret: testSecret, Scopes: []string{"spark-admin:people_read", "spark-admin:organizations_read"}, Name: "Presence <Connector>"},
	{ClientID: otherClient, ClientSecret: otherSecret, Scopes: []string{"spark-admin:calling_cdr_read"}},
}

// newTest starts a server with the test integrations and a fake clock.
func newTest(t *testing.T, opts Options) (*Server, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	if opts.Integrations == nil {
		opts.Integrations = testIntegrations
	}
	if opts.Clock == nil {
		opts.Clock = clk
	}
	s := NewServer(opts)
	t.Cleanup(s.Close)
	return s, clk
}

// abs makes path absolute on the API host; a full URL (e.g. on the
// verification host) is kept.
func abs(s *Server, path string) string {
	if strings.HasPrefix(path, "http://") {
		return path
	}
	return s.URL + path
}

// post sends a form to path (see abs) and returns the status, headers and
// body.
func post(t *testing.T, s *Server, path string, form url.Values, basicID, basicSecret string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, abs(s, path), strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" {
		req.SetBasicAuth(url.QueryEscape(basicID), url.QueryEscape(basicSecret))
	}
	return do(t, s, req)
}

func get(t *testing.T, s *Server, path, bearer string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, abs(s, path), nil)
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return do(t, s, req)
}

func do(t *testing.T, s *Server, req *http.Request) (int, http.Header, []byte) {
	t.Helper()
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// authorize starts a device grant for testClient.
func authorize(t *testing.T, s *Server) deviceAuthResponse {
	t.Helper()
	st, _, b := post(t, s, "/v1/device/authorize", url.Values{"client_id": {testClient}, "scope": {"spark-admin:people_read spark-admin:organizations_read"}}, "", "")
	if st != http.StatusOK {
		t.Fatalf("authorize: %d %s", st, b)
	}
	var da deviceAuthResponse
	if err := json.Unmarshal(b, &da); err != nil {
		t.Fatal(err)
	}
	return da
}

// poll polls the token endpoint the way x/oauth2 does with AuthStyleInHeader.
func poll(t *testing.T, s *Server, deviceCode string) (int, http.Header, []byte) {
	t.Helper()
	return post(t, s, "/v1/device/token", url.Values{"grant_type": {DeviceGrantType}, "device_code": {deviceCode}, "client_id": {testClient}}, testClient, testSecret)
}

// errBody decodes a Webex error body and checks its shape: message,
// errors, trackingId and nothing else.
func errBody(t *testing.T, b []byte) webexError {
	t.Helper()
	var e webexError
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("error body %q: %v", b, err)
	}
	if e.Message == "" || len(e.Errors) != 1 || e.Errors[0].Description == "" || !strings.HasPrefix(e.TrackingID, "WEBEXTEST_") {
		t.Fatalf("error body not Webex-shaped: %s", b)
	}
	return e
}

// oauthCode matches an OAuth error code, as Webex puts it in message.
var oauthCode = regexp.MustCompile(`^[a-z]+(_[a-z]+)+$`)

// errCode checks a Webex-shaped error body and returns its OAuth code (the
// message, when it is one), or "" for an error without a code.
func errCode(t *testing.T, b []byte) string {
	t.Helper()
	if e := errBody(t, b); oauthCode.MatchString(e.Message) {
		return e.Message
	}
	return ""
}

// rfcCode checks an RFC 6749-shaped error body and returns its code.
func rfcCode(t *testing.T, b []byte) string {
	t.Helper()
	var e rfcError
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error == "" || e.ErrorDescription == "" {
		t.Fatalf("error body not RFC-shaped: %s (%v)", b, err)
	}
	return e.Error
}

func TestAuthorize(t *testing.T) {
	s, _ := newTest(t, Options{Interval: 2 * time.Second, ExpiresIn: 60 * time.Second})
	big := url.Values{"client_id": {testClient}, "scope": {strings.Repeat("x", maxBody)}}
	tests := []struct {
		name     string
		form     url.Values
		status   int
		oauthErr string
	}{
		{"ok", url.Values{"client_id": {testClient}, "scope": {"spark-admin:people_read spark-admin:organizations_read"}}, 200, ""},
		{"subset of scopes", url.Values{"client_id": {testClient}, "scope": {"spark-admin:people_read"}}, 200, ""},
		{"unknown client", url.Values{"client_id": {"Cnope"}, "scope": {"spark-admin:people_read"}}, 400, "invalid_client"},
		{"missing client", url.Values{"scope": {"spark-admin:people_read"}}, 400, "invalid_request"},
		{"scope not granted", url.Values{"client_id": {testClient}, "scope": {"spark-admin:people_read spark:calls_write"}}, 400, "invalid_scope"},
		{"openid scope", url.Values{"client_id": {testClient}, "scope": {"openid email"}}, 400, "invalid_scope"},
		{"no scope", url.Values{"client_id": {testClient}}, 400, "invalid_scope"},
		{"body too large", big, 413, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _, b := post(t, s, "/v1/device/authorize", tt.form, "", "")
			if st != tt.status {
				t.Fatalf("status %d, want %d: %s", st, tt.status, b)
			}
			if tt.status != 200 {
				if code := errCode(t, b); code != tt.oauthErr {
					t.Fatalf("error %q, want %q", code, tt.oauthErr)
				}
				return
			}
			var da deviceAuthResponse
			if err := json.Unmarshal(b, &da); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(da.DeviceCode, "dc-FAKE-") || !sixDigits.MatchString(da.UserCode) {
				t.Errorf("device_code %q user_code %q", da.DeviceCode, da.UserCode)
			}
			sum := sha256.Sum256([]byte(da.UserCode))
			if da.VerificationURI != s.VerifyURL+"/verify" || da.VerificationURIComplete != s.VerifyURL+"/verify?userCode="+hex.EncodeToString(sum[:]) {
				t.Errorf("verification URIs %q %q", da.VerificationURI, da.VerificationURIComplete)
			}
			if n := len(da.VerificationURIComplete); n < 100 || n > 112 {
				t.Errorf("verification_uri_complete is %d chars, want about 105", n)
			}
			if da.Interval != 2 || da.ExpiresIn != 60 {
				t.Errorf("interval %d expires_in %d", da.Interval, da.ExpiresIn)
			}
		})
	}
	if got := len(s.UserCodes()); got != 2 {
		t.Errorf("UserCodes: %d codes, want 2", got)
	}
	st, h, b := get(t, s, "/v1/device/authorize", "")
	if st != 405 || h.Get("Allow") != "POST" {
		t.Errorf("GET authorize: %d Allow %q", st, h.Get("Allow"))
	}
	errBody(t, b)
}

// step is one action in a poll scenario: advance the clock, optionally act,
// poll, and check the answer.
type step struct {
	advance    time.Duration
	act        func(s *Server, userCode string) error
	status     int
	oauthErr   string // expected "error" of a 400 answer
	retryAfter string
}

func TestTokenPoll(t *testing.T) {
	approve := func(s *Server, uc string) error { return s.Approve(uc) }
	tests := []struct {
		name    string
		opts    Options
		rfcBody bool // RFC-shaped error bodies whatever opts.Errors
		setup   func(s *Server, userCode string)
		steps   []step
	}{
		{name: "pending is 428", steps: []step{{advance: 5 * time.Second, status: 428}, {advance: 5 * time.Second, status: 428}}},
		{name: "approved then spent", steps: []step{
			{advance: 5 * time.Second, status: 428},
			{advance: 5 * time.Second, act: approve, status: 200},
			{advance: 5 * time.Second, status: 400, oauthErr: "invalid_grant"},
		}},
		{name: "first poll at once is allowed", steps: []step{{status: 428}}},
		{name: "denied", steps: []step{{advance: 5 * time.Second, act: func(s *Server, uc string) error { return s.Deny(uc) }, status: 400, oauthErr: "access_denied"}}},
		{name: "expired by Expire is invalid_grant", steps: []step{{act: func(s *Server, uc string) error { return s.Expire(uc) }, status: 400, oauthErr: "invalid_grant"}}},
		{name: "expired by time", opts: Options{ExpiresIn: 10 * time.Second}, steps: []step{
			{advance: 5 * time.Second, status: 428},
			{advance: 5 * time.Second, status: 400, oauthErr: "invalid_grant"},
		}},
		{name: "expired_token when asked", opts: Options{ExpiresIn: 10 * time.Second, ExpiredCode: "expired_token"}, steps: []step{
			{advance: 10 * time.Second, status: 400, oauthErr: "expired_token"},
		}},
		{name: "rfc errors: expired_token", opts: Options{ExpiresIn: 10 * time.Second, Errors: RFCErrors}, steps: []step{
			{advance: 10 * time.Second, status: 400, oauthErr: "expired_token"},
			{advance: 5 * time.Second, status: 400, oauthErr: "expired_token"},
		}},
		{name: "rfc errors: slow_down and access_denied", opts: Options{Errors: RFCErrors}, setup: func(s *Server, _ string) { s.SlowDownPolls(1) }, steps: []step{
			{status: 400, oauthErr: "slow_down"},
			{advance: 10 * time.Second, status: 428},
			{advance: 10 * time.Second, act: func(s *Server, uc string) error { return s.Deny(uc) }, status: 400, oauthErr: "access_denied"},
		}},
		{name: "token limit is final", setup: func(s *Server, uc string) { s.TokenLimitNext(); _ = s.Approve(uc) }, steps: []step{
			{status: 400, oauthErr: "tokenlimit_reached"},
			{advance: 5 * time.Second, status: 400, oauthErr: "invalid_grant"},
		}},
		{name: "token limit waits for an approved code", setup: func(s *Server, _ string) { s.TokenLimitNext() }, steps: []step{
			{status: 428},
			{advance: 5 * time.Second, act: approve, status: 400, oauthErr: "tokenlimit_reached"},
		}},
		{name: "too fast is 429", steps: []step{
			{advance: 5 * time.Second, status: 428},
			{advance: 1 * time.Second, status: 429, retryAfter: "4"},
			{advance: 3800 * time.Millisecond, status: 429, retryAfter: "1"},
			{advance: 100 * time.Millisecond, status: 428}, // 4.9 s after: inside the margin
			{advance: 4950 * time.Millisecond, status: 428},
		}},
		{name: "rfc 8628 pending", rfcBody: true, setup: func(s *Server, _ string) { s.RFC8628Pending(true) }, steps: []step{
			{status: 400, oauthErr: "authorization_pending"},
		}},
		{name: "auto approve", opts: Options{AutoApprove: 12 * time.Second}, steps: []step{
			{advance: 5 * time.Second, status: 428},
			{advance: 5 * time.Second, status: 428},
			{advance: 2 * time.Second, status: 429, retryAfter: "3"},
			{advance: 3 * time.Second, status: 200},
		}},
		{name: "auto approve from the first poll", opts: Options{AutoApprove: 12 * time.Second, AutoApproveFromFirstPoll: true}, steps: []step{
			{advance: 20 * time.Second, status: 428}, // issued 20 s ago, first polled now
			{advance: 5 * time.Second, status: 428},
			{advance: 5 * time.Second, status: 428}, // 10 s after the first poll
			{advance: 5 * time.Second, status: 200}, // 15 s
		}},
		{name: "auto approve from the first poll: never polled, never approved", opts: Options{AutoApprove: 12 * time.Second, AutoApproveFromFirstPoll: true, ExpiresIn: 30 * time.Second}, steps: []step{
			{advance: 30 * time.Second, status: 400, oauthErr: "invalid_grant"}, // expired, not approved
		}},
		{name: "approve after polls", setup: func(s *Server, uc string) { s.ApproveAfterPolls(uc, 3) }, steps: []step{
			{advance: 5 * time.Second, status: 428},
			{advance: 1 * time.Second, status: 429, retryAfter: "4"}, // not counted
			{advance: 4 * time.Second, status: 428},
			{advance: 5 * time.Second, status: 200},
		}},
		{name: "approve as another org", setup: func(s *Server, uc string) {
			s.AddOrg(Org{ID: "org2", Name: "Other"})
			if err := s.ApproveAs(uc, Person{Email: "ro@other.example", OrgID: "org2"}); err != nil {
				panic(err)
			}
		}, steps: []step{{status: 200}}},
		{name: "fault 503 twice then pending", setup: func(s *Server, _ string) { s.FailPolls(2, 503) }, steps: []step{
			{status: 503}, {status: 503}, {status: 428},
		}},
		{name: "faults queue in order", setup: func(s *Server, _ string) {
			s.FailPolls(1, 502)
			s.RateLimitPolls(1, "7")
			s.FailPolls(1, 500)
		}, steps: []step{{status: 502}, {status: 429, retryAfter: "7"}, {status: 500}, {status: 428}}},
		{name: "rate limit with http date", setup: func(s *Server, _ string) { s.RateLimitPolls(1, "Sat, 21 Nov 2026 09:00:30 GMT") }, steps: []step{
			{status: 429, retryAfter: "Sat, 21 Nov 2026 09:00:30 GMT"},
		}},
		{name: "slow down raises the interval", setup: func(s *Server, _ string) { s.SlowDownPolls(1) }, steps: []step{
			{advance: 5 * time.Second, status: 400, oauthErr: "slow_down"},
			{advance: 5 * time.Second, status: 429, retryAfter: "5"},
			{advance: 5 * time.Second, status: 428},
			{advance: 5 * time.Second, status: 429, retryAfter: "5"},
			{advance: 5 * time.Second, status: 428},
		}},
		{name: "corrupt token spends the code", setup: func(s *Server, uc string) {
			s.CorruptNextToken()
			_ = s.Approve(uc)
		}, steps: []step{{status: 200}, {advance: 5 * time.Second, status: 400, oauthErr: "invalid_grant"}}},
		{name: "denied after fault", setup: func(s *Server, uc string) { s.FailPolls(1, 504); _ = s.Deny(uc) }, steps: []step{
			{status: 504}, {status: 400, oauthErr: "access_denied"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.opts.Interval == 0 {
				tt.opts.Interval = 5 * time.Second // the steps are written for 5 s
			}
			s, clk := newTest(t, tt.opts)
			da := authorize(t, s)
			if tt.setup != nil {
				tt.setup(s, da.UserCode)
			}
			for i, st := range tt.steps {
				clk.Advance(st.advance)
				if st.act != nil {
					if err := st.act(s, da.UserCode); err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
				}
				status, h, b := poll(t, s, da.DeviceCode)
				if status != st.status {
					t.Fatalf("step %d: status %d, want %d: %s", i, status, st.status, b)
				}
				if got := h.Get("Retry-After"); got != st.retryAfter {
					t.Errorf("step %d: Retry-After %q, want %q", i, got, st.retryAfter)
				}
				if status == 200 {
					checkToken(t, s, b, da.UserCode)
					continue
				}
				code := ""
				if (tt.opts.Errors == RFCErrors || tt.rfcBody) && st.oauthErr != "" {
					code = rfcCode(t, b)
				} else {
					code = errCode(t, b)
				}
				if code != st.oauthErr {
					t.Errorf("step %d: error %q, want %q", i, code, st.oauthErr)
				}
			}
			if u := s.Unused(); len(u) != 0 {
				t.Errorf("unused: %v", u)
			}
		})
	}
}

// checkToken checks a 200 token answer (or the corrupt one) against Issued.
func checkToken(t *testing.T, s *Server, b []byte, userCode string) {
	t.Helper()
	var tr tokenResponse
	if err := json.Unmarshal(b, &tr); err != nil {
		if len(s.Issued()) != 0 {
			t.Fatalf("corrupt answer but tokens recorded as issued")
		}
		return // CorruptNextToken
	}
	if !strings.HasPrefix(tr.AccessToken, "tok-FAKE-") || !strings.HasPrefix(tr.RefreshToken, "ref-FAKE-") ||
		tr.ExpiresIn != 1209599 || tr.RefreshTokenExpiresIn != 7775999 || tr.TokenType != "Bearer" {
		t.Fatalf("token answer %s", b)
	}
	is := s.Issued()
	if len(is) != 1 || is[0].AccessToken != tr.AccessToken || is[0].RefreshToken != tr.RefreshToken ||
		is[0].UserCode != userCode || is[0].ClientID != testClient {
		t.Fatalf("Issued %+v", is)
	}
}

func TestTokenRequestErrors(t *testing.T) {
	s, _ := newTest(t, Options{})
	da := authorize(t, s)
	form := func(kv ...string) url.Values {
		v := url.Values{"grant_type": {DeviceGrantType}, "device_code": {da.DeviceCode}, "client_id": {testClient}}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return v
	}
	tests := []struct {
		name          string
		form          url.Values
		basicID, pass string
		status        int
		oauthErr      string
	}{
		{"wrong secret", form(), testClient, "nope", 401, "invalid_client"},
		{"no client auth", form(), "", "", 401, "invalid_client"},
		{"unknown client", form("client_id", "Cx"), "Cx", "x", 401, "invalid_client"},
		{"basic and body ids differ", form("client_id", otherClient), testClient, testSecret, 401, "invalid_client"},
		{"other client's code", form("client_id", otherClient), otherClient, otherSecret, 400, "invalid_grant"},
		{"unknown code", form("device_code", "dc-FAKE-nope"), testClient, testSecret, 400, "invalid_grant"},
		{"missing code", form("device_code", ""), testClient, testSecret, 400, "invalid_request"},
		{"wrong grant type", form("grant_type", "authorization_code"), testClient, testSecret, 400, "unsupported_grant_type"},
		{"missing grant type", form("grant_type", ""), testClient, testSecret, 400, "invalid_request"},
		{"secret in body", form("client_secret", testSecret), "", "", 428, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _, b := post(t, s, "/v1/device/token", tt.form, tt.basicID, tt.pass)
			if st != tt.status {
				t.Fatalf("status %d, want %d: %s", st, tt.status, b)
			}
			if code := errCode(t, b); code != tt.oauthErr {
				t.Fatalf("error %q, want %q", code, tt.oauthErr)
			}
		})
	}
}

func TestDropPolls(t *testing.T) {
	s, _ := newTest(t, Options{})
	da := authorize(t, s)
	s.DropPolls(1)
	_, err := s.Client().PostForm(s.URL+"/v1/device/token", url.Values{"grant_type": {DeviceGrantType}, "device_code": {da.DeviceCode}, "client_id": {testClient}, "client_secret": {testSecret}})
	if err == nil {
		t.Fatal("dropped poll: no error")
	}
	if st, _, b := poll(t, s, da.DeviceCode); st != 428 {
		t.Fatalf("after drop: %d %s", st, b)
	}
	rq := s.Requests()
	if rq[1].Status != 0 || rq[1].UserCode != da.UserCode {
		t.Errorf("dropped request recorded as %+v", rq[1])
	}
}

func TestDelayPolls(t *testing.T) {
	s, _ := newTest(t, Options{})
	da := authorize(t, s)
	if err := s.Approve(da.UserCode); err != nil {
		t.Fatal(err)
	}
	s.DelayPolls(1, time.Hour)
	// The client gives up; the delayed poll must not spend the code.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/v1/device/token",
		strings.NewReader(url.Values{"grant_type": {DeviceGrantType}, "device_code": {da.DeviceCode}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(testClient), url.QueryEscape(testSecret))
	if _, err := s.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("delayed poll: err %v, want deadline exceeded", err)
	}
	if st, _, b := poll(t, s, da.DeviceCode); st != 200 {
		t.Fatalf("after delay: %d %s", st, b)
	}

	// A short delay answers normally.
	da2 := authorize(t, s)
	s.DelayPolls(1, 10*time.Millisecond)
	if st, _, b := poll(t, s, da2.DeviceCode); st != 428 {
		t.Fatalf("short delay: %d %s", st, b)
	}
}

func TestCloseAbandonsDelayedPolls(t *testing.T) {
	s, _ := newTest(t, Options{})
	arrived := make(chan struct{}, 10)
	s.onArrive = func() { arrived <- struct{}{} } // set before any request
	da := authorize(t, s)
	<-arrived
	s.DelayPolls(1, time.Hour)
	done := make(chan error, 1)
	go func() {
		_, err := s.Client().PostForm(s.URL+"/v1/device/token", url.Values{"grant_type": {DeviceGrantType}, "device_code": {da.DeviceCode}})
		done <- err
	}()
	<-arrived // the delayed poll is in the server
	s.Close() // must not wait an hour
	<-done
}

func TestApproveErrors(t *testing.T) {
	s, clk := newTest(t, Options{ExpiresIn: 10 * time.Second})
	da := authorize(t, s)
	if err := s.Approve("NOPE1234"); err == nil {
		t.Error("Approve of unknown code: no error")
	}
	if err := s.ApproveAs(da.UserCode, Person{Email: "x@y", OrgID: "unknown-org"}); err == nil || !strings.Contains(err.Error(), "unknown org") {
		t.Errorf("ApproveAs unknown org: %v", err)
	}
	if err := s.Approve(da.UserCode); err != nil {
		t.Fatal(err)
	}
	if err := s.Approve(da.UserCode); err == nil {
		t.Error("second Approve: no error")
	}
	if err := s.Deny(da.UserCode); err == nil {
		t.Error("Deny after Approve: no error")
	}
	da2 := authorize(t, s)
	clk.Advance(10 * time.Second)
	if err := s.Approve(da2.UserCode); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("Approve of expired code: %v", err)
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.HasPrefix(fmt.Sprint(r), "webextest: ") {
				t.Errorf("ApproveAfterPolls of unknown code: panic %v", r)
			}
		}()
		s.ApproveAfterPolls("NOPE1234", 1)
	}()
}

func TestOptionsPanics(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"fractional interval", Options{Interval: 1500 * time.Millisecond}},
		{"negative expiry", Options{ExpiresIn: -time.Second}},
		{"duplicate integration", Options{Integrations: []Integration{{ClientID: "a", ClientSecret: "b"}, {ClientID: "a", ClientSecret: "c"}}}},
		{"no secret", Options{Integrations: []Integration{{ClientID: "a"}}}},
		{"approver in unknown org", Options{Approver: Person{Email: "a@b", OrgID: "nope"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(fmt.Sprint(r), "webextest: ") {
					t.Errorf("panic %v, want webextest: ...", r)
				}
			}()
			NewServer(tt.opts).Close()
		})
	}
}
