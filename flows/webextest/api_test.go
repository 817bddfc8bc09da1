package webextest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// grantToken runs a device grant for testClient to the end and returns the
// token answer.
func grantToken(t *testing.T, s *Server, approve func(userCode string) error) tokenResponse {
	t.Helper()
	da := authorize(t, s)
	if err := approve(da.UserCode); err != nil {
		t.Fatal(err)
	}
	st, _, b := poll(t, s, da.DeviceCode)
	if st != 200 {
		t.Fatalf("poll: %d %s", st, b)
	}
	var tr tokenResponse
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestRefresh(t *testing.T) {
	s, clk := newTest(t, Options{})
	tr := grantToken(t, s, s.Approve)
	clk.Advance(24 * time.Hour)
	tests := []struct {
		name          string
		form          url.Values
		basicID, pass string
		status        int
		oauthErr      string
	}{
		{"secret in body", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.RefreshToken}, "client_id": {testClient}, "client_secret": {testSecret}}, "", "", 200, ""},
		{"basic auth", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.RefreshToken}}, testClient, testSecret, 200, ""},
		{"wrong secret", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.RefreshToken}}, testClient, "x", 401, "invalid_client"},
		{"other client", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.RefreshToken}}, otherClient, otherSecret, 400, "invalid_grant"},
		{"unknown token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"ref-FAKE-nope"}}, testClient, testSecret, 400, "invalid_grant"},
		{"access token is no refresh token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.AccessToken}}, testClient, testSecret, 400, "invalid_grant"},
		{"missing token", url.Values{"grant_type": {"refresh_token"}}, testClient, testSecret, 400, "invalid_request"},
		{"device grant type", url.Values{"grant_type": {DeviceGrantType}, "refresh_token": {tr.RefreshToken}}, testClient, testSecret, 400, "unsupported_grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _, b := post(t, s, "/v1/access_token", tt.form, tt.basicID, tt.pass)
			if st != tt.status {
				t.Fatalf("status %d, want %d: %s", st, tt.status, b)
			}
			if st != 200 {
				if code := errCode(t, b); code != tt.oauthErr {
					t.Fatalf("error %q, want %q", code, tt.oauthErr)
				}
				return
			}
			var nt tokenResponse
			if err := json.Unmarshal(b, &nt); err != nil {
				t.Fatal(err)
			}
			if nt.AccessToken == tr.AccessToken || !strings.HasPrefix(nt.AccessToken, "tok-FAKE-") || nt.RefreshToken != tr.RefreshToken {
				t.Fatalf("refresh answer %s", b)
			}
			if want := int64((RefreshTokenLifetime - 24*time.Hour) / time.Second); nt.RefreshTokenExpiresIn != want {
				t.Errorf("refresh_token_expires_in %d, want %d", nt.RefreshTokenExpiresIn, want)
			}
			if st, _, b := get(t, s, "/v1/people/me", nt.AccessToken); st != 200 {
				t.Errorf("people/me with refreshed token: %d %s", st, b)
			}
		})
	}
	// The device grant's token plus two refreshes.
	if n := len(s.Issued()); n != 3 {
		t.Errorf("Issued: %d, want 3", n)
	}
	// The refresh endpoint is not the device token endpoint.
	if st, _, _ := post(t, s, "/v1/device/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.RefreshToken}}, testClient, testSecret); st != 400 {
		t.Errorf("refresh at /v1/device/token: %d, want 400", st)
	}
}

func TestPeopleMeAndOrganizations(t *testing.T) {
	s, clk := newTest(t, Options{Org: Org{ID: "orgA", Name: "Acme <Inc>"}})
	s.AddOrg(Org{ID: "orgB", Name: "Beta"})
	admin := grantToken(t, s, s.Approve)
	ro := grantToken(t, s, func(uc string) error {
		return s.ApproveAs(uc, Person{Email: "ro@beta.example", DisplayName: "Read Only", OrgID: "orgB", Roles: []string{"id_readonly_admin"}})
	})

	tests := []struct {
		name, path, bearer string
		status             int
		check              func(t *testing.T, b []byte)
	}{
		{"me as default approver", "/v1/people/me", admin.AccessToken, 200, func(t *testing.T, b []byte) {
			var p personJSON
			mustJSON(t, b, &p)
			if !slices.Equal(p.Emails, []string{"admin@example.com"}) || p.OrgID != "orgA" || !slices.Equal(p.Roles, []string{FullAdminRole}) || p.ID == "" || p.DisplayName == "" {
				t.Errorf("me: %s", b)
			}
		}},
		{"me as other person", "/v1/people/me", ro.AccessToken, 200, func(t *testing.T, b []byte) {
			var p personJSON
			mustJSON(t, b, &p)
			if !slices.Equal(p.Emails, []string{"ro@beta.example"}) || p.OrgID != "orgB" || !slices.Equal(p.Roles, []string{"id_readonly_admin"}) {
				t.Errorf("me: %s", b)
			}
		}},
		{"org", "/v1/organizations/orgA", admin.AccessToken, 200, func(t *testing.T, b []byte) {
			var o struct{ ID, DisplayName string }
			mustJSON(t, b, &o)
			if o.ID != "orgA" || o.DisplayName != "Acme <Inc>" {
				t.Errorf("org: %s", b)
			}
		}},
		{"added org", "/v1/organizations/orgB", ro.AccessToken, 200, nil},
		{"unknown org", "/v1/organizations/nope", admin.AccessToken, 404, nil},
		{"no bearer", "/v1/people/me", "", 401, nil},
		{"bad bearer", "/v1/people/me", "tok-FAKE-nope", 401, nil},
		{"refresh token as bearer", "/v1/people/me", admin.RefreshToken, 401, nil},
		{"org without bearer", "/v1/organizations/orgA", "", 401, nil},
		{"unknown path", "/v1/rooms", admin.AccessToken, 404, nil},
		{"nested org path", "/v1/organizations/orgA/x", admin.AccessToken, 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _, b := get(t, s, tt.path, tt.bearer)
			if st != tt.status {
				t.Fatalf("status %d, want %d: %s", st, tt.status, b)
			}
			if st >= 400 {
				errBody(t, b)
			}
			if tt.check != nil {
				tt.check(t, b)
			}
		})
	}
	// Access tokens expire after 14 days, by the clock.
	clk.Advance(AccessTokenLifetime)
	if st, _, _ := get(t, s, "/v1/people/me", admin.AccessToken); st != 401 {
		t.Errorf("expired token: %d, want 401", st)
	}
}

func mustJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
}

var linkNext = regexp.MustCompile(`^<([^>]+)>; rel="next"$`)

// listPeople follows Link headers and returns the page sizes.
func listPeople(t *testing.T, s *Server, path, bearer string) (pages []int, first personJSON) {
	t.Helper()
	for path != "" {
		st, h, b := get(t, s, path, bearer)
		if st != 200 {
			t.Fatalf("%s: %d %s", path, st, b)
		}
		var page struct{ Items []personJSON }
		mustJSON(t, b, &page)
		if len(pages) == 0 && len(page.Items) > 0 {
			first = page.Items[0]
		}
		pages = append(pages, len(page.Items))
		path = ""
		if l := h.Get("Link"); l != "" {
			m := linkNext.FindStringSubmatch(l)
			if m == nil || !strings.HasPrefix(m[1], s.URL+"/v1/people?") {
				t.Fatalf("Link %q", l)
			}
			path = strings.TrimPrefix(m[1], s.URL)
		}
		if len(pages) > 10 {
			t.Fatal("too many pages")
		}
	}
	return pages, first
}

func TestPeoplePagination(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		users int
		query string
		pages []int
	}{
		{"default org size and page", 0, "", []int{25}},
		{"max splits pages", 0, "?max=10", []int{10, 10, 5}},
		{"exact multiple", 20, "?max=10", []int{10, 10}},
		{"max clamped to 100", 250, "?max=5000", []int{100, 100, 50}},
		{"default page 100", 250, "", []int{100, 100, 50}},
		{"max 101 is 100", 101, "?max=101", []int{100, 1}},
		{"one user", 1, "?max=1", []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := newTest(t, Options{Org: Org{Users: tt.users}})
			tr := grantToken(t, s, s.Approve)
			pages, first := listPeople(t, s, "/v1/people"+tt.query, tr.AccessToken)
			if !slices.Equal(pages, tt.pages) {
				t.Errorf("pages %v, want %v", pages, tt.pages)
			}
			if !slices.Equal(first.Emails, []string{"admin@example.com"}) {
				t.Errorf("first person %+v, want the approver", first)
			}
		})
	}

	s, _ := newTest(t, Options{})
	tr := grantToken(t, s, s.Approve)
	for _, q := range []string{"?max=0", "?max=-3", "?max=ten", "?cursor=!!!", "?cursor=bm9wZQ"} {
		if st, _, _ := get(t, s, "/v1/people"+q, tr.AccessToken); st != 400 {
			t.Errorf("%s: %d, want 400", q, st)
		}
	}
	if st, _, _ := get(t, s, "/v1/people", "tok-FAKE-nope"); st != 401 {
		t.Errorf("bad bearer: %d, want 401", st)
	}
	// A token without people_read cannot list people.
	st, _, b := post(t, s, "/v1/device/authorize", url.Values{"client_id": {testClient}, "scope": {"spark-admin:organizations_read"}}, "", "")
	if st != 200 {
		t.Fatal(st, string(b))
	}
	var da deviceAuthResponse
	mustJSON(t, b, &da)
	_ = s.Approve(da.UserCode)
	_, _, b = poll(t, s, da.DeviceCode)
	var orgOnly tokenResponse
	mustJSON(t, b, &orgOnly)
	if st, _, b := get(t, s, "/v1/people?max=1", orgOnly.AccessToken); st != 403 {
		t.Errorf("without people_read: %d %s, want 403", st, b)
	}
}

func TestVerifyPage(t *testing.T) {
	s, _ := newTest(t, Options{})
	da := authorize(t, s)
	verify := s.VerifyURL + "/verify"
	if !strings.HasPrefix(da.VerificationURIComplete, verify+"?userCode=") {
		t.Fatalf("verification_uri_complete %q not on %s", da.VerificationURIComplete, verify)
	}
	// The API host does not serve the page: it is on the verification host.
	if st, _, _ := get(t, s, "/verify", ""); st != 404 {
		t.Errorf("GET /verify on the API host: %d, want 404", st)
	}
	if st, _, _ := get(t, s, s.VerifyURL+"/v1/people/me", ""); st != 404 {
		t.Errorf("GET /v1/people/me on the verification host: %d, want 404", st)
	}

	st, h, b := get(t, s, da.VerificationURIComplete, "")
	body := string(b)
	if st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Fatalf("GET %s: %d %s", da.VerificationURIComplete, st, h.Get("Content-Type"))
	}
	for _, want := range []string{da.UserCode, "Presence &lt;Connector&gt;", "spark-admin:people_read", `value="approve"`, `value="deny"`, `method="post"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, "<Connector>") {
		t.Error("page does not escape the app name")
	}

	// The plain verification URI asks for the code; a typed code finds it.
	if _, _, b := get(t, s, da.VerificationURI, ""); !strings.Contains(string(b), `name="user_code"`) {
		t.Errorf("GET /verify has no code form: %s", b)
	}
	typed := " " + da.UserCode[:3] + "-" + da.UserCode[3:] + " "
	if _, _, b := get(t, s, verify+"?user_code="+url.QueryEscape(typed), ""); !strings.Contains(string(b), `value="approve"`) {
		t.Errorf("typed code %q not found: %s", typed, b)
	}
	if st, _, _ := get(t, s, verify+"?userCode=nope", ""); st != 404 {
		t.Errorf("unknown code: %d, want 404", st)
	}

	form := func(hash, action string) (int, string) {
		st, _, b := post(t, s, verify, url.Values{"userCode": {hash}, "action": {action}}, "", "")
		return st, string(b)
	}
	hash := strings.TrimPrefix(da.VerificationURIComplete, verify+"?userCode=")
	if st, b := form(hash, "dance"); st != 400 || !strings.Contains(b, "Choose Approve or Deny") {
		t.Errorf("bad action: %d %s", st, b)
	}
	if st, b := form(hash, "approve"); st != 200 || !strings.Contains(b, "Approved") {
		t.Errorf("approve: %d %s", st, b)
	}
	if st, b := form(hash, "deny"); st != 409 || !strings.Contains(b, "approved") {
		t.Errorf("deny after approve: %d %s", st, b)
	}
	if st, _, b := poll(t, s, da.DeviceCode); st != 200 {
		t.Errorf("poll after page approval: %d %s", st, b)
	}

	da2 := authorize(t, s)
	hash2 := strings.TrimPrefix(da2.VerificationURIComplete, verify+"?userCode=")
	if st, b := form(hash2, "deny"); st != 200 || !strings.Contains(b, "Denied") {
		t.Errorf("deny: %d %s", st, b)
	}
	if st, _, b := poll(t, s, da2.DeviceCode); st != 400 || errCode(t, b) != "access_denied" {
		t.Errorf("poll after page denial: %d %s", st, b)
	}
	if st, _, _ := post(t, s, verify, url.Values{"userCode": {"nope"}, "action": {"approve"}}, "", ""); st != 404 {
		t.Errorf("approve unknown: %d, want 404", st)
	}
}

func TestRequestsRecord(t *testing.T) {
	var mu sync.Mutex
	var seen []Request
	s, clk := newTest(t, Options{OnRequest: func(r Request) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r)
	}})
	t0 := clk.Now()
	da := authorize(t, s)
	clk.Advance(5 * time.Second)
	poll(t, s, da.DeviceCode)
	_ = s.Approve(da.UserCode)
	clk.Advance(5 * time.Second)
	_, _, b := poll(t, s, da.DeviceCode)
	var tr tokenResponse
	mustJSON(t, b, &tr)
	get(t, s, "/v1/people/me", tr.AccessToken)

	want := []Request{
		{At: t0, Method: "POST", Path: "/v1/device/authorize", ClientID: testClient, UserCode: da.UserCode, Status: 200},
		{At: t0.Add(5 * time.Second), Method: "POST", Path: "/v1/device/token", ClientID: testClient, UserCode: da.UserCode, Status: 428},
		{At: t0.Add(10 * time.Second), Method: "POST", Path: "/v1/device/token", ClientID: testClient, UserCode: da.UserCode, Status: 200},
		{At: t0.Add(10 * time.Second), Method: "GET", Path: "/v1/people/me", ClientID: testClient, UserCode: da.UserCode, Status: 200},
	}
	got := s.Requests()
	if !slices.Equal(got, want) {
		t.Errorf("Requests:\n got %+v\nwant %+v", got, want)
	}
	mu.Lock()
	if !slices.Equal(seen, want) {
		t.Errorf("OnRequest saw %+v", seen)
	}
	mu.Unlock()
	// No secret, device code or token in the record.
	dump := fmt.Sprintf("%+v %#v", got, got)
	for _, secret := range []string{testSecret, da.DeviceCode, tr.AccessToken, tr.RefreshToken, "FAKE"} {
		if strings.Contains(dump, secret) {
			t.Errorf("Requests contain %q", secret)
		}
	}
}

// TestOAuth2Client checks the server against golang.org/x/oauth2 itself:
// its Basic auth escaping, its device auth parsing, and that a stock
// DeviceAccessToken fails on Webex's 428 but succeeds with RFC 8628
// answers. Each case waits one real interval (1 s), in parallel.
func TestOAuth2Client(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		rfc     bool
		wantErr bool
	}{
		{"stock client fails on 428", false, true},
		{"stock client polls on authorization_pending", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewServer(Options{Integrations: testIntegrations, Interval: time.Second})
			defer s.Close()
			s.RFC8628Pending(tt.rfc)
			cfg := &oauth2.Config{ClientID: testClient, ClientSecret: testSecret, Endpoint: s.Endpoint(), Scopes: []string{"spark-admin:people_read"}}
			ctx := context.WithValue(context.Background(), oauth2.HTTPClient, s.Client())
			da, err := cfg.DeviceAuth(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if da.VerificationURIComplete == "" || da.Interval != 1 || da.Expiry.IsZero() {
				t.Fatalf("DeviceAuth: %+v", da)
			}
			if tt.rfc {
				s.ApproveAfterPolls(da.UserCode, 2) // one pending answer, then 200
			}
			ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			tok, err := cfg.DeviceAccessToken(ctx, da)
			if tt.wantErr {
				var re *oauth2.RetrieveError
				if !errors.As(err, &re) || re.Response.StatusCode != http.StatusPreconditionRequired {
					t.Fatalf("err %v, want a RetrieveError for 428", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(tok.AccessToken, "tok-FAKE-") || tok.Extra("refresh_token_expires_in") != float64(7775999) {
				t.Fatalf("token type %q, extra %v", tok.TokenType, tok.Extra("refresh_token_expires_in"))
			}
			if is := s.Issued(); len(is) != 1 || is[0].AccessToken != tok.AccessToken {
				t.Fatalf("Issued does not match the token")
			}
		})
	}
}

func TestNewServerAt(t *testing.T) {
	s, err := NewServerAt("127.0.0.1:0", Options{Integrations: DemoIntegrations()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.URL != "http://"+s.Addr().String() {
		t.Errorf("URL %q, addr %v", s.URL, s.Addr())
	}
	if _, err := NewServerAt(s.Addr().String(), Options{}); err == nil {
		t.Error("second server on the same address: no error")
	}
	if _, err := NewServerAt("127.0.0.1:0", Options{Interval: time.Millisecond}); err == nil || !strings.HasPrefix(err.Error(), "webextest: ") {
		t.Errorf("bad options: %v", err)
	}
}

func TestDemo(t *testing.T) {
	apps := DemoApps()
	ids := []string{}
	for _, a := range apps {
		ids = append(ids, a.ID)
		if !strings.HasPrefix(a.ClientSecret, demoSecretPrefix) || !strings.HasPrefix(a.SecretEnv, "UCX_DEMO_SECRET_") || len(a.ClientID) != 65 || len(a.Scopes) == 0 {
			t.Errorf("demo app %+v", a)
		}
	}
	if !slices.Equal(ids, []string{"users-sync", "presence", "call-control", "cdr"}) {
		t.Errorf("demo ids %v", ids)
	}
	var cat struct {
		Apps []struct {
			ID, Name, ClientID, ClientSecretEnv string
			Scopes                              []string
		}
	}
	dec := json.NewDecoder(strings.NewReader(string(DemoCatalogJSON())))
	if err := dec.Decode(&cat); err != nil || len(cat.Apps) != 4 {
		t.Fatalf("catalog: %v %+v", err, cat)
	}
	if strings.Contains(string(DemoCatalogJSON()), demoSecretPrefix) {
		t.Error("the catalog holds secrets; it should name env vars")
	}
	// Every demo app can be authorized on a server with DemoIntegrations.
	s := NewServer(Options{Integrations: DemoIntegrations()})
	defer s.Close()
	for _, a := range apps {
		st, _, b := post(t, s, "/v1/device/authorize", url.Values{"client_id": {a.ClientID}, "scope": {strings.Join(a.Scopes, " ")}}, "", "")
		if st != 200 {
			t.Errorf("%s: %d %s", a.ID, st, b)
		}
	}
}

func TestMethodsAndRoot(t *testing.T) {
	s, _ := newTest(t, Options{})
	for _, tc := range []struct{ method, path, allow string }{
		{"GET", "/v1/device/token", "POST"},
		{"GET", "/v1/access_token", "POST"},
		{"POST", "/v1/people/me", "GET"},
		{"DELETE", s.VerifyURL + "/verify", "GET, POST"},
	} {
		req, _ := http.NewRequest(tc.method, abs(s, tc.path), nil)
		st, h, b := do(t, s, req)
		if st != 405 || h.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q", tc.method, tc.path, st, h.Get("Allow"))
		}
		errBody(t, b)
	}
	if st, _, b := get(t, s, s.VerifyURL+"/", ""); st != 200 || !strings.Contains(string(b), `name="user_code"`) {
		t.Errorf("GET / on the verification host does not lead to the code form: %d", st)
	}
	if st, _, _ := get(t, s, "/", ""); st != 404 {
		t.Errorf("GET / on the API host: %d, want 404", st)
	}
}

func TestUnused(t *testing.T) {
	s, _ := newTest(t, Options{})
	da := authorize(t, s)
	s.FailPolls(2, 503)
	s.CorruptNextToken()
	s.TokenLimitNext()
	s.ApproveAfterPolls(da.UserCode, 1)
	poll(t, s, da.DeviceCode)
	u := s.Unused()
	if len(u) != 4 || !strings.Contains(u[0], "FailPolls: 1") || !strings.Contains(u[1], "CorruptNextToken") ||
		!strings.Contains(u[2], "TokenLimitNext") || !strings.Contains(u[3], "ApproveAfterPolls") {
		t.Errorf("Unused %q", u)
	}
}
