package webextest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestDropAllFor: every request to the API host loses its connection for
// the period, by the server's clock, and is recorded with status 0; the
// verification host and the state of codes are untouched.
func TestDropAllFor(t *testing.T) {
	s, clk := newTest(t, Options{})
	da := authorize(t, s)
	s.DropAllFor(25 * time.Second)
	if got, want := s.OutageUntil(), clk.Now().Add(25*time.Second); !got.Equal(want) {
		t.Errorf("OutageUntil = %v, want %v", got, want)
	}
	tryPoll := func() error {
		resp, err := s.Client().PostForm(s.URL+"/v1/device/token", url.Values{"grant_type": {DeviceGrantType},
			"device_code": {da.DeviceCode}, "client_id": {testClient}, "client_secret": {testSecret}})
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	for _, path := range []string{"/v1/device/authorize", "/v1/people/me"} {
		if resp, err := s.Client().PostForm(s.URL+path, url.Values{}); err == nil {
			resp.Body.Close()
			t.Errorf("%s during the outage: answered %d", path, resp.StatusCode)
		}
	}
	if err := tryPoll(); err == nil {
		t.Error("poll during the outage: answered")
	}
	if err := s.Approve(da.UserCode); err != nil { // the admin approves meanwhile
		t.Fatal(err)
	}
	clk.Advance(25 * time.Second)
	st, _, b := poll(t, s, da.DeviceCode)
	if st != http.StatusOK {
		t.Fatalf("after the outage: %d %s", st, b)
	}
	var statuses []int
	for _, r := range s.Requests() {
		statuses = append(statuses, r.Status)
	}
	if want := []int{200, 0, 0, 0, 200}; !slices.Equal(statuses, want) {
		t.Errorf("recorded statuses %v, want %v", statuses, want)
	}
	s.DropAllFor(time.Minute)
	s.DropAllFor(0)
	if !s.OutageUntil().IsZero() {
		t.Error("DropAllFor(0) did not end the outage")
	}
}

// TestFailPath: the next n requests to a path (or under a prefix) answer
// the status with a Webex error body and Retry-After; other paths, and
// later requests, are served as usual.
func TestFailPath(t *testing.T) {
	s, _ := newTest(t, Options{})
	s.FailPath("/v1/device/authorize", 2, http.StatusTooManyRequests, "7")
	s.FailPath("/v1/organizations/", 1, http.StatusLocked, "3")
	s.FailPath("/v1/device/token", 1, http.StatusBadGateway, "")
	for i := range 2 {
		st, h, b := post(t, s, "/v1/device/authorize", url.Values{"client_id": {testClient}, "scope": {"spark-admin:people_read"}}, "", "")
		if st != http.StatusTooManyRequests || h.Get("Retry-After") != "7" {
			t.Errorf("authorize %d: %d Retry-After %q", i+1, st, h.Get("Retry-After"))
		}
		if e := errBody(t, b); e.TrackingID == "" || e.Message == "" {
			t.Errorf("authorize %d: body %s", i+1, b)
		}
	}
	da := authorize(t, s) // the third is served
	if st, h, _ := poll(t, s, da.DeviceCode); st != http.StatusBadGateway || h.Get("Retry-After") != "" {
		t.Errorf("poll: %d Retry-After %q, want 502 without", st, h.Get("Retry-After"))
	}
	if st, _, b := poll(t, s, da.DeviceCode); st != http.StatusPreconditionRequired {
		t.Errorf("second poll: %d %s", st, b)
	}
	if u := s.Unused(); len(u) != 1 || !strings.Contains(u[0], "/v1/organizations/ 423") {
		t.Errorf("Unused = %q, want the organizations fault", u)
	}
	if st, h, _ := get(t, s, "/v1/organizations/abc", "tok"); st != http.StatusLocked || h.Get("Retry-After") != "3" {
		t.Errorf("organizations: %d Retry-After %q", st, h.Get("Retry-After"))
	}
	if u := s.Unused(); len(u) != 0 {
		t.Errorf("Unused = %q", u)
	}
	for _, bad := range []func(){
		func() { s.FailPath("/v1/people/me", 1, http.StatusNotFound, "") },
		func() { s.FailPath("v1/people/me", 1, http.StatusServiceUnavailable, "") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("FailPath with a bad argument did not panic")
				}
			}()
			bad()
		}()
	}
}

// TestTokenScope: "scope" in the token answer only with Options.TokenScope,
// then the scopes granted.
func TestTokenScope(t *testing.T) {
	for _, on := range []bool{false, true} {
		s, _ := newTest(t, Options{TokenScope: on})
		da := authorize(t, s)
		if err := s.Approve(da.UserCode); err != nil {
			t.Fatal(err)
		}
		st, _, b := poll(t, s, da.DeviceCode)
		if st != http.StatusOK {
			t.Fatalf("poll: %d %s", st, b)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		scope, has := m["scope"]
		switch {
		case on && scope != "spark-admin:people_read spark-admin:organizations_read":
			t.Errorf("TokenScope: scope = %v", scope)
		case !on && has:
			t.Errorf("no TokenScope: scope = %v", scope)
		}
	}
}
