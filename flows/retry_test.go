package flows

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// webextest's faults apply to the token endpoint only; Start and Identify
// meet theirs in faultTransport, between the Client and the fake Webex.

// fault is one scripted failure of a request: no answer (err), an error
// answer (status, with Retry-After and Webex's error body), or a 200 whose
// body breaks off (cut).
type fault struct {
	status     int
	retryAfter string
	code       string // the OAuth error code in the body, if any
	err        error
	cut        bool
}

// Network failures as http.Transport reports them.
var (
	errReset   = &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	errDNS     = &net.DNSError{Err: "server misbehaving", Name: "webexapis.com", IsTemporary: true}
	errTimeout = &net.OpError{Op: "dial", Net: "tcp", Err: timeoutError{}}
	errCert    = x509.UnknownAuthorityError{}
)

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func times(n int, f fault) []fault {
	out := make([]fault, n)
	for i := range out {
		out[i] = f
	}
	return out
}

// faultTransport answers requests to a path from its script while the
// script lasts, then lets them through to next. It records when (on the
// clock) every request to each path came, faulted or not.
type faultTransport struct {
	next  http.RoundTripper
	clock Clock

	mu     sync.Mutex
	script map[string][]fault
	sent   map[string][]time.Time
}

// withFaults replaces e.client with one whose requests go through a
// faultTransport, on the same clock.
// mods may adjust the Config.
func (e *env) withFaults(t *testing.T, clock Clock, mods ...func(*Config)) *faultTransport {
	t.Helper()
	hc := *e.srv.Client()
	ft := &faultTransport{next: hc.Transport, clock: clock, script: map[string][]fault{}, sent: map[string][]time.Time{}}
	hc.Transport = ft
	cfg := Config{BaseURL: e.srv.URL, HTTPClient: &hc, Clock: clock}
	for _, mod := range mods {
		mod(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return ft
}

func (ft *faultTransport) fail(path string, faults ...fault) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	ft.script[path] = append(ft.script[path], faults...)
}

func (ft *faultTransport) times(path string) []time.Time {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return append([]time.Time(nil), ft.sent[path]...)
}

func (ft *faultTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	p := req.URL.Path
	ft.mu.Lock()
	ft.sent[p] = append(ft.sent[p], ft.clock.Now())
	var f fault
	script := ft.script[p]
	if len(script) > 0 {
		f, ft.script[p] = script[0], script[1:]
	}
	ft.mu.Unlock()
	if len(script) == 0 {
		return ft.next.RoundTrip(req)
	}
	if req.Body != nil {
		req.Body.Close()
	}
	if f.err != nil {
		return nil, f.err
	}
	h := http.Header{"Content-Type": {"application/json"}}
	if f.retryAfter != "" {
		h.Set("Retry-After", f.retryAfter)
	}
	if f.cut {
		body := io.MultiReader(strings.NewReader(`{"id":"p`), errReader{io.ErrUnexpectedEOF})
		return &http.Response{StatusCode: http.StatusOK, Header: h, Body: io.NopCloser(body), Request: req}, nil
	}
	// A careless server echoes the request's Authorization header.
	body := fmt.Sprintf(`{"error":%q,"message":"fault %d for %s","trackingId":"TRK-fault"}`, f.code, f.status, req.Header.Get("Authorization"))
	return &http.Response{StatusCode: f.status, Status: http.StatusText(f.status), Header: h,
		Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
}

// checkGaps fails if consecutive requests in sent came sooner than the
// given minimum gaps apart.
func checkGaps(t *testing.T, what string, sent []time.Time, gaps []time.Duration) {
	t.Helper()
	for i, g := range gaps {
		if i+1 >= len(sent) {
			t.Errorf("%s: %d requests, want at least %d", what, len(sent), len(gaps)+1)
			return
		}
		if d := sent[i+1].Sub(sent[i]); d < g {
			t.Errorf("%s: request %d came %v after the previous, want >= %v", what, i+2, d, g)
		}
	}
}

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		base     time.Duration
		failures int
		want     time.Duration
	}{
		{time.Second, 0, time.Second},
		{time.Second, 1, time.Second},
		{time.Second, 4, 8 * time.Second},
		{time.Second, 7, maxBackoff},
		{time.Second, 1000, maxBackoff},
		{5 * time.Second, 2, 10 * time.Second},
		{5 * time.Second, 5, maxBackoff},
		{90 * time.Second, 3, 90 * time.Second}, // never below the base
	} {
		if got := backoff(tc.base, tc.failures); got != tc.want {
			t.Errorf("backoff(%v, %d) = %v, want %v", tc.base, tc.failures, got, tc.want)
		}
	}
}

// TestStartRetries: Start rides out transient failures within RetryBudget,
// honours Retry-After, and returns final answers at once.
func TestStartRetries(t *testing.T) {
	const s = time.Second
	for _, tc := range []struct {
		name     string
		faults   []fault
		attempts int             // requests to /v1/device/authorize
		gaps     []time.Duration // minimum virtual time between them
		want     error           // a sentinel the error wraps; nil with status 0 and text "": success
		status   int             // the status of the *WebexError the error wraps
		text     string          // in the error
	}{
		{"503 twice then a code", times(2, fault{status: 503}), 3, []time.Duration{1 * s, 2 * s}, nil, 0, ""},
		{"reset, DNS, timeout then a code", []fault{{err: errReset}, {err: errDNS}, {err: errTimeout}}, 4, []time.Duration{1 * s, 2 * s, 4 * s}, nil, 0, ""},
		{"502 and 504 then a code", []fault{{status: 502}, {status: 504}}, 3, nil, nil, 0, ""},
		{"200 cut short then a code", []fault{{cut: true}}, 2, []time.Duration{1 * s}, nil, 0, ""},
		{"429 Retry-After seconds", []fault{{status: 429, retryAfter: "7"}}, 2, []time.Duration{7 * s}, nil, 0, ""},
		{"503 Retry-After date", []fault{{status: 503, retryAfter: "Sat, 21 Nov 2026 09:00:12 GMT"}}, 2, []time.Duration{12 * s}, nil, 0, ""},
		{"429 Retry-After date", []fault{{status: 429, retryAfter: "Sat, 21 Nov 2026 09:00:09 GMT"}}, 2, []time.Duration{9 * s}, nil, 0, ""},
		{"429s: Retry-After each time, longer than the backoff", []fault{{status: 429, retryAfter: "3"}, {status: 429, retryAfter: "6"}}, 3, []time.Duration{3 * s, 6 * s}, nil, 0, ""},
		{"429 Retry-After shorter than the backoff", []fault{{status: 503}, {status: 503}, {status: 429, retryAfter: "1"}}, 4, []time.Duration{1 * s, 2 * s, 4 * s}, nil, 0, ""},

		{"400 invalid_scope final", []fault{{status: 400, code: "invalid_scope"}}, 1, nil, nil, 400, "invalid_scope"},
		{"401 final", []fault{{status: 401}}, 1, nil, ErrInvalidClient, 401, "check the client_id"},
		{"400 invalid_client final", []fault{{status: 400, code: "invalid_client"}}, 1, nil, ErrInvalidClient, 400, ""},
		{"400 tokenlimit_reached final", []fault{{status: 400, code: "tokenlimit_reached"}}, 1, nil, ErrTokenLimit, 400, "tokenlimit_reached"},
		{"403 final", []fault{{status: 403}}, 1, nil, nil, 403, "fault 403"},
		{"404 final", []fault{{status: 404}}, 1, nil, nil, 404, ""},
		{"untrusted certificate final", []fault{{err: errCert}}, 1, nil, ErrUnreachable, 0, "certificate not trusted"},

		// Attempts at 0, 1, 3, 7, 15 s; the next would be at 31 s.
		{"budget spent on 503s", times(20, fault{status: 503}), 5, []time.Duration{1 * s, 2 * s, 4 * s, 8 * s}, nil, 503, "gave up after 5 attempts within the 30s retry budget"},
		{"budget spent on resets", times(20, fault{err: errReset}), 5, nil, ErrUnreachable, 0, "gave up after 5 attempts"},
		{"Retry-After past the budget", []fault{{status: 429, retryAfter: "120"}}, 1, nil, nil, 429, "gave up after 1 attempt: Webex asked to retry after 2m0s"},
		{"Retry-After past the end of the budget", []fault{{status: 503}, {status: 503, retryAfter: "29"}}, 2, nil, nil, 503, "gave up after 2 attempts: Webex asked to retry after 29s, past the end of the 30s retry budget"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			ft := e.withFaults(t, e.clock)
			ft.fail(deviceAuthPath, tc.faults...)
			began := e.clock.Now()
			dc, err := e.client.Start(context.Background(), e.app, nil)
			sent := ft.times(deviceAuthPath)
			if len(sent) != tc.attempts {
				t.Errorf("%d attempts, want %d", len(sent), tc.attempts)
			}
			checkGaps(t, "authorize", sent, tc.gaps)
			switch elapsed := e.clock.Now().Sub(began); {
			case elapsed > RetryBudget:
				t.Errorf("Start took %v, over the %v budget", elapsed, RetryBudget)
			case tc.attempts == 1 && elapsed != 0:
				t.Errorf("Start waited %v after its only attempt", elapsed)
			}

			if tc.want == nil && tc.status == 0 && tc.text == "" {
				if err != nil {
					t.Fatalf("Start: %v", err)
				}
				// The code is the one Webex issued last, with its full
				// lifetime, and an approval of it is not lost.
				if codes := e.srv.UserCodes(); len(codes) != 1 || codes[0] != dc.UserCode {
					t.Errorf("server issued %v, DeviceCode has %q", codes, dc.UserCode)
				}
				if d := dc.Expiry.Sub(dc.IssuedAt); d != 300*time.Second {
					t.Errorf("Expiry - IssuedAt = %v, want 300s", d)
				}
				e.srv.ApproveAfterPolls(dc.UserCode, 1)
				if g, _, err := e.wait(t, dc); err != nil || g.AccessToken.IsZero() {
					t.Fatalf("Wait after a retried Start: %v", err)
				}
				return
			}

			if err == nil {
				t.Fatalf("Start succeeded, want an error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Start: %v, want %v", err, tc.want)
			}
			var we *WebexError
			switch {
			case tc.status == 0 && errors.As(err, &we):
				t.Errorf("Start: %v wraps a WebexError", err)
			case tc.status != 0 && (!errors.As(err, &we) || we.Status != tc.status || we.TrackingID != "TRK-fault"):
				t.Errorf("Start: %v, want a %d WebexError with its trackingId", err, tc.status)
			}
			if !strings.Contains(err.Error(), tc.text) || !strings.HasPrefix(err.Error(), "flows: presence: start: ") {
				t.Errorf("Start: %q, want flows: presence: start: ...%s...", err, tc.text)
			}
			if dc.UserCode != "" {
				t.Error("DeviceCode returned with an error")
			}
		})
	}
}

// TestIdentifyRetries: each GET of Identify rides out transient failures,
// within one RetryBudget per call, and keeps what it learned when it gives
// up.
func TestIdentifyRetries(t *testing.T) {
	const (
		s    = time.Second
		me   = "/v1/people/me"
		org  = "/v1/organizations/org-1"
		list = "/v1/people"
	)
	full := func(t *testing.T, id Identity) {
		if !id.FullAdmin || id.OrgName != "Acme S.p.A." || !id.OrgUsersCounted || id.OrgUsers != 25 {
			t.Errorf("Identity = %+v, want it complete", id)
		}
	}
	for _, tc := range []struct {
		name   string
		faults map[string][]fault
		sent   map[string]int             // requests per path
		gaps   map[string][]time.Duration // minimum virtual gaps per path
		status int                        // the WebexError the error wraps; 0 and want nil: success
		want   error
		text   string
		// in: the error is not Identify's but that of the fact it left
		// unknown ("name": OrgNameErr, "users": OrgUsersErr).
		in    string
		check func(t *testing.T, id Identity)
	}{
		{name: "people/me 503 then reset",
			faults: map[string][]fault{me: {{status: 503}, {err: errReset}}},
			sent:   map[string]int{me: 3, org: 1, list: 1},
			gaps:   map[string][]time.Duration{me: {1 * s, 2 * s}},
			check:  full},
		{name: "organization 429 Retry-After",
			faults: map[string][]fault{org: {{status: 429, retryAfter: "9"}}},
			sent:   map[string]int{me: 1, org: 2, list: 1},
			gaps:   map[string][]time.Duration{org: {9 * s}},
			check:  full},
		{name: "user page cut short, then DNS",
			faults: map[string][]fault{list: {{cut: true}, {err: errDNS}}},
			sent:   map[string]int{me: 1, org: 1, list: 3},
			check:  full},
		{name: "people/me 401 final",
			faults: map[string][]fault{me: {{status: 401}}},
			sent:   map[string]int{me: 1},
			status: 401, want: ErrForbidden, text: "people/me: not allowed by Webex: webex: HTTP 401",
			check: func(t *testing.T, id Identity) {
				if id.PersonID != "" {
					t.Errorf("Identity = %+v", id)
				}
			}},
		{name: "organization 404 final",
			faults: map[string][]fault{org: {{status: 404}}},
			sent:   map[string]int{me: 1, org: 1, list: 1},
			status: 404, text: "organization: webex: HTTP 404", in: "name",
			check: func(t *testing.T, id Identity) {
				if !id.FullAdmin || id.OrgID != "org-1" || id.OrgName != "" {
					t.Errorf("Identity = %+v, want people/me's part", id)
				}
			}},
		{name: "untrusted certificate final",
			faults: map[string][]fault{me: {{err: errCert}}},
			sent:   map[string]int{me: 1},
			want:   ErrUnreachable, text: "certificate not trusted"},
		{name: "user count budget spent",
			faults: map[string][]fault{list: times(20, fault{status: 503})},
			sent:   map[string]int{me: 1, org: 1, list: 5},
			gaps:   map[string][]time.Duration{list: {1 * s, 2 * s, 4 * s, 8 * s}},
			status: 503, text: "count users: gave up after 5 attempts within the 30s retry budget", in: "users",
			check: func(t *testing.T, id Identity) {
				if !id.FullAdmin || id.OrgName != "Acme S.p.A." || id.OrgUsersCounted {
					t.Errorf("Identity = %+v, want all but the count", id)
				}
			}},
		// people/me succeeds at 15 s; the organization fails at 15, 16, 18
		// and 22 s, and the next try (30 s) is past the shared budget: the
		// name is unknown, and the count gets its one attempt, no retry.
		{name: "one budget for all GETs",
			faults: map[string][]fault{me: times(4, fault{status: 503}), org: times(4, fault{status: 502})},
			sent:   map[string]int{me: 5, org: 4, list: 1},
			status: 502, text: "organization: gave up after 4 attempts", in: "name",
			check: func(t *testing.T, id Identity) {
				if id.PersonID == "" || id.OrgName != "" {
					t.Errorf("Identity = %+v, want people/me's part", id)
				}
			}},
		{name: "resets until the budget is spent",
			faults: map[string][]fault{me: times(20, fault{err: errReset})},
			sent:   map[string]int{me: 5},
			want:   ErrUnreachable, text: "people/me: gave up after 5 attempts within the 30s retry budget: webex API unreachable: connection failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			ft := e.withFaults(t, e.clock)
			_, g := e.grant(t)
			for p, fs := range tc.faults {
				ft.fail(p, fs...)
			}
			began := e.clock.Now()
			id, err := e.client.Identify(context.Background(), e.app, g, nil)
			if elapsed := e.clock.Now().Sub(began); elapsed > RetryBudget {
				t.Errorf("Identify took %v, over the %v budget", elapsed, RetryBudget)
			}
			for _, p := range []string{me, org, list} {
				if n := len(ft.times(p)); n != tc.sent[p] {
					t.Errorf("%d requests to %s, want %d", n, p, tc.sent[p])
				}
				checkGaps(t, p, ft.times(p), tc.gaps[p])
			}
			if tc.check != nil {
				tc.check(t, id)
			}
			if tc.in != "" {
				if err != nil {
					t.Fatalf("Identify: %v, want the %s unknown, not a failed check", err, tc.in)
				}
				err = map[string]error{"name": id.OrgNameErr, "users": id.OrgUsersErr}[tc.in]
			}
			if tc.status == 0 && tc.want == nil {
				if err != nil {
					t.Fatalf("Identify: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Identify succeeded, want an error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Identify: %v, want %v", err, tc.want)
			}
			var we *WebexError
			if tc.status != 0 && (!errors.As(err, &we) || we.Status != tc.status) {
				t.Errorf("Identify: %v, want a %d WebexError", err, tc.status)
			}
			if !strings.Contains(err.Error(), tc.text) {
				t.Errorf("Identify: %q, want ...%s...", err, tc.text)
			}
			// The fault echoes the Authorization header: it must be scrubbed.
			if strings.Contains(err.Error(), g.AccessToken.Reveal()) || strings.Contains(err.Error(), "tok-FAKE") {
				t.Errorf("error %q holds the bearer token", err)
			}
		})
	}
}

// stallClock is a clock whose waits never end by themselves: each After
// call is announced on waiting, so a test can cancel while flows waits.
type stallClock struct {
	now     time.Time
	waiting chan time.Duration
}

func (c *stallClock) Now() time.Time { return c.now }

func (c *stallClock) After(d time.Duration) <-chan time.Time {
	c.waiting <- d
	return make(chan time.Time)
}

// TestRetryCanceled: a canceled context ends Start and Identify at once,
// while they wait to retry, without another attempt.
func TestRetryCanceled(t *testing.T) {
	e := newEnv(t, nil)
	_, g := e.grant(t)
	for _, tc := range []struct {
		name string
		path string
		call func(ctx context.Context, c *Client) error
	}{
		{"start", deviceAuthPath, func(ctx context.Context, c *Client) error { _, err := c.Start(ctx, e.app, nil); return err }},
		{"identify", "/v1/people/me", func(ctx context.Context, c *Client) error { _, err := c.Identify(ctx, e.app, g, nil); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &stallClock{now: e.clock.Now(), waiting: make(chan time.Duration, 8)}
			e := *e
			ft := e.withFaults(t, clock)
			ft.fail(tc.path, times(10, fault{status: 503})...)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- tc.call(ctx, e.client) }()
			select {
			case d := <-clock.waiting:
				if d != retryFirstWait {
					t.Errorf("waiting %v after the first failure, want %v", d, retryFirstWait)
				}
			case err := <-done:
				t.Fatalf("returned %v without waiting to retry", err)
			}
			cancel()
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Errorf("%s: %v, want context.Canceled", tc.name, err)
			}
			if n := len(ft.times(tc.path)); n != 1 {
				t.Errorf("%d attempts, want 1", n)
			}
			if len(clock.waiting) != 0 {
				t.Error("waited again after the cancel")
			}
		})
	}
}

var _ http.RoundTripper = (*faultTransport)(nil)

// errReader is a body that fails with err.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
