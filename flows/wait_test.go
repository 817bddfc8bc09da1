package flows

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/imagicle/ucx-onboard/flows/webextest"
	"github.com/imagicle/ucx-onboard/store"
)

func TestStartAgainstWebex(t *testing.T) {
	e := newEnv(t, nil)
	before := e.clock.Now()
	dc := e.start(t)
	if dc.AppID != "presence" || dc.UserCode == "" || dc.deviceCode.IsZero() {
		t.Fatalf("DeviceCode = %+v", dc)
	}
	if !strings.HasPrefix(dc.VerificationURI, e.srv.VerifyURL) || !strings.HasPrefix(dc.VerificationURIComplete, e.srv.VerifyURL) {
		t.Errorf("verification URIs %q, %q not on the fake's verification host", dc.VerificationURI, dc.VerificationURIComplete)
	}
	if dc.Interval != 5*time.Second {
		t.Errorf("Interval = %v, want 5s", dc.Interval)
	}
	if got := dc.Expiry.Sub(before); got != 300*time.Second {
		t.Errorf("Expiry - sent = %v, want 300s", got)
	}
	if codes := e.srv.UserCodes(); !slices.Equal(codes, []string{dc.UserCode}) {
		t.Errorf("server issued %v, DeviceCode has %q", codes, dc.UserCode)
	}
	reqs := e.srv.Requests()
	if len(reqs) != 1 || reqs[0].Path != deviceAuthPath || reqs[0].Status != 200 || reqs[0].ClientID != testClientID {
		t.Errorf("requests = %+v", reqs)
	}
}

// TestWaitPending428 is the main path on Webex: 428 while pending, then a
// token on the 3rd poll, each poll one interval after the previous.
func TestWaitPending428(t *testing.T) {
	e := newEnv(t, nil)
	dc := e.start(t)
	e.srv.ApproveAfterPolls(dc.UserCode, 3)
	g, evs, err := e.wait(t, dc)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if want := []PollOutcome{PollPending, PollPending, PollDone}; !slices.Equal(outcomes(evs), want) {
		t.Fatalf("outcomes = %v, want %v", outcomes(evs), want)
	}
	for i, ev := range evs {
		if ev.Attempt != i+1 || ev.Interval != 5*time.Second || ev.Err != nil {
			t.Errorf("event %d = %+v", i, ev)
		}
	}
	if evs[0].NextPoll.Sub(evs[0].At) != 5*time.Second+pollMargin || !evs[2].NextPoll.IsZero() {
		t.Errorf("NextPoll: %v after %v; last %v", evs[0].NextPoll, evs[0].At, evs[2].NextPoll)
	}
	polls := e.polls()
	if len(polls) != 3 {
		t.Fatalf("%d polls, want 3", len(polls))
	}
	for i, p := range polls {
		want := http.StatusPreconditionRequired
		if i == 2 {
			want = http.StatusOK
		}
		if p.Status != want {
			t.Errorf("poll %d answered %d, want %d", i+1, p.Status, want)
		}
	}
	checkSpacing(t, polls, dc.IssuedAt, 5*time.Second)

	issued := e.srv.Issued()
	if len(issued) != 1 || g.AccessToken.Reveal() != issued[0].AccessToken || g.RefreshToken.Reveal() != issued[0].RefreshToken {
		t.Fatalf("grant does not hold the issued tokens")
	}
	if g.TokenType != "Bearer" || !slices.Equal(g.Scopes, presenceScopes) {
		t.Errorf("TokenType %q, Scopes %v", g.TokenType, g.Scopes)
	}
	if d := g.AccessTokenExpiry.Sub(g.ObtainedAt); d != webextest.AccessTokenLifetime {
		t.Errorf("access token lifetime %v, want %v", d, webextest.AccessTokenLifetime)
	}
	if d := g.RefreshTokenExpiry.Sub(g.ObtainedAt); d != webextest.RefreshTokenLifetime {
		t.Errorf("refresh token lifetime %v, want %v", d, webextest.RefreshTokenLifetime)
	}
	if u := e.srv.Unused(); len(u) != 0 {
		t.Errorf("unused: %v", u)
	}
}

// TestWaitPendingRFC8628 accepts RFC 8628's 400 authorization_pending too.
func TestWaitPendingRFC8628(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.RFC8628Pending(true)
	dc := e.start(t)
	e.srv.ApproveAfterPolls(dc.UserCode, 2)
	_, evs, err := e.wait(t, dc)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if want := []PollOutcome{PollPending, PollDone}; !slices.Equal(outcomes(evs), want) {
		t.Fatalf("outcomes = %v, want %v", outcomes(evs), want)
	}
	if p := e.polls(); p[0].Status != http.StatusBadRequest {
		t.Errorf("first poll answered %d, want 400 authorization_pending", p[0].Status)
	}
}

// TestStockDeviceAccessTokenFailsOn428 shows why flows polls by itself:
// x/oauth2's DeviceAccessToken gives up on Webex's first 428, where Wait
// keeps going and gets the token. It costs one real second (the smallest
// interval webextest announces), because DeviceAccessToken uses a real
// ticker.
func TestStockDeviceAccessTokenFailsOn428(t *testing.T) {
	srv := webextest.NewServer(webextest.Options{
		Integrations: []webextest.Integration{{ClientID: testClientID, ClientSecret: testSecret, Scopes: presenceScopes}},
		Interval:     time.Second,
	})
	defer srv.Close()
	cfg := oauth2.Config{ClientID: testClientID, ClientSecret: testSecret, Scopes: presenceScopes, Endpoint: srv.Endpoint()}
	cfg.Endpoint.AuthStyle = oauth2.AuthStyleInHeader
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client())
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srv.ApproveAfterPolls(srv.UserCodes()[0], 2)
	_, err = cfg.DeviceAccessToken(ctx, da)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response.StatusCode != http.StatusPreconditionRequired {
		t.Fatalf("DeviceAccessToken: %v, want a RetrieveError for the 428", err)
	}

	// The same script against Wait: a token on the 2nd poll.
	e := newEnv(t, nil)
	dc := e.start(t)
	e.srv.ApproveAfterPolls(dc.UserCode, 2)
	if _, _, err := e.wait(t, dc); err != nil {
		t.Fatalf("Wait: %v", err)
	}
}

func TestWaitSlowDown(t *testing.T) {
	e := newEnv(t, nil)
	dc := e.start(t)
	e.srv.SlowDownPolls(2)
	e.srv.ApproveAfterPolls(dc.UserCode, 2)
	_, evs, err := e.wait(t, dc)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if want := []PollOutcome{PollSlowDown, PollSlowDown, PollPending, PollDone}; !slices.Equal(outcomes(evs), want) {
		t.Fatalf("outcomes = %v, want %v", outcomes(evs), want)
	}
	for i, want := range []time.Duration{10, 15, 15, 15} {
		if evs[i].Interval != want*time.Second {
			t.Errorf("event %d: interval %v, want %ds", i+1, evs[i].Interval, want)
		}
	}
	checkSpacing(t, e.polls(), dc.IssuedAt, 5*time.Second, 10*time.Second, 15*time.Second)
}

func TestWaitRateLimited(t *testing.T) {
	for _, tc := range []struct {
		name       string
		retryAfter func(now time.Time) string
		gap        time.Duration // the wait after the 429
	}{
		{"seconds", func(time.Time) string { return "40" }, 40 * time.Second},
		{"http date", func(now time.Time) string { return now.Add(30 * time.Second).Format(http.TimeFormat) }, 30 * time.Second},
		{"absent", func(time.Time) string { return "" }, 10 * time.Second}, // the raised interval
		{"shorter than interval", func(time.Time) string { return "1" }, 10 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			dc := e.start(t)
			// The 429 answers the first poll, one interval after issue.
			e.srv.RateLimitPolls(1, tc.retryAfter(dc.IssuedAt.Add(5*time.Second)))
			e.srv.ApproveAfterPolls(dc.UserCode, 1)
			_, evs, err := e.wait(t, dc)
			if err != nil {
				t.Fatalf("Wait: %v", err)
			}
			if want := []PollOutcome{PollRateLimited, PollDone}; !slices.Equal(outcomes(evs), want) {
				t.Fatalf("outcomes = %v, want %v", outcomes(evs), want)
			}
			if evs[0].Interval != 10*time.Second {
				t.Errorf("interval after 429 = %v, want 10s", evs[0].Interval)
			}
			var we *WebexError
			if !errors.As(evs[0].Err, &we) || we.Status != 429 {
				t.Errorf("429 event error = %v", evs[0].Err)
			}
			checkSpacing(t, e.polls(), dc.IssuedAt, 5*time.Second, tc.gap)
		})
	}
}

// TestWaitServerErrors retries 5xx with a doubling wait, reports each, and
// gets the token after the fault.
func TestWaitServerErrors(t *testing.T) {
	e := newEnv(t, nil)
	dc := e.start(t)
	e.srv.FailPolls(3, http.StatusServiceUnavailable)
	e.srv.FailPolls(1, http.StatusBadGateway)
	e.srv.ApproveAfterPolls(dc.UserCode, 1)
	_, evs, err := e.wait(t, dc)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	want := []PollOutcome{PollTransient, PollTransient, PollTransient, PollTransient, PollDone}
	if !slices.Equal(outcomes(evs), want) {
		t.Fatalf("outcomes = %v, want %v", outcomes(evs), want)
	}
	for _, ev := range evs[:4] {
		var we *WebexError
		if !errors.As(ev.Err, &we) || we.TrackingID == "" || we.Status < 500 {
			t.Errorf("event %d error = %v, want a WebexError with a trackingId", ev.Attempt, ev.Err)
		}
	}
	checkSpacing(t, e.polls(), dc.IssuedAt, 5*time.Second, 5*time.Second, 10*time.Second, 20*time.Second, 40*time.Second)
}

func TestWaitBackoffCapped(t *testing.T) {
	e := newEnv(t, func(o *webextest.Options) { o.ExpiresIn = 1800 * time.Second })
	dc := e.start(t)
	e.srv.FailPolls(8, http.StatusInternalServerError)
	e.srv.ApproveAfterPolls(dc.UserCode, 1)
	_, evs, err := e.wait(t, dc)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	for _, ev := range evs[:8] {
		if d := ev.NextPoll.Sub(ev.At); d > maxBackoff+pollMargin {
			t.Errorf("poll %d: waiting %v, above the %v cap", ev.Attempt, d, maxBackoff)
		}
	}
	if d := evs[7].NextPoll.Sub(evs[7].At); d != maxBackoff+pollMargin {
		t.Errorf("8th wait %v, want the cap", d)
	}
}

// TestWaitDroppedConnections treats a connection closed without an answer
// as transient, reported as ErrUnreachable.
func TestWaitDroppedConnections(t *testing.T) {
	e := newEnv(t, nil)
	dc := e.start(t)
	e.srv.DropPolls(2)
	e.srv.ApproveAfterPolls(dc.UserCode, 1)
	_, evs, err := e.wait(t, dc)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if want := []PollOutcome{PollTransient, PollTransient, PollDone}; !slices.Equal(outcomes(evs), want) {
		t.Fatalf("outcomes = %v, want %v", outcomes(evs), want)
	}
	if !errors.Is(evs[0].Err, ErrUnreachable) {
		t.Errorf("dropped poll error = %v, want ErrUnreachable", evs[0].Err)
	}
}

// TestWaitTimeout: a poll that gets no answer within the HTTP client's
// timeout is transient. Costs 200 ms of real time (webextest's DelayPolls
// waits in real time).
func TestWaitTimeout(t *testing.T) {
	e := newEnv(t, nil)
	hc := *e.srv.Client()
	hc.Timeout = 200 * time.Millisecond
	c, err := NewClient(Config{BaseURL: e.srv.URL, HTTPClient: &hc, Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	dc := e.start(t)
	e.srv.DelayPolls(1, 2*time.Second)
	e.srv.ApproveAfterPolls(dc.UserCode, 1)
	_, evs, err := e.wait(t, dc)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if want := []PollOutcome{PollTransient, PollDone}; !slices.Equal(outcomes(evs), want) {
		t.Fatalf("outcomes = %v, want %v", outcomes(evs), want)
	}
	if !errors.Is(evs[0].Err, ErrUnreachable) || !strings.Contains(evs[0].Err.Error(), "timeout") {
		t.Errorf("timed-out poll error = %v", evs[0].Err)
	}
}

// TestWaitCorruptToken: after a 200 with an unparseable body Wait asks
// again with the same code; webextest spent it on the 200 and says
// invalid_grant, so the code is spent.
func TestWaitCorruptToken(t *testing.T) {
	e := newEnv(t, nil)
	dc := e.start(t)
	e.srv.CorruptNextToken()
	e.srv.ApproveAfterPolls(dc.UserCode, 2)
	_, evs, err := e.wait(t, dc)
	if !errors.Is(err, ErrCodeSpent) {
		t.Fatalf("Wait: %v, want ErrCodeSpent", err)
	}
	if want := []PollOutcome{PollPending, PollTransient, PollFailed}; !slices.Equal(outcomes(evs), want) {
		t.Fatalf("outcomes = %v, want %v", outcomes(evs), want)
	}
	if !strings.Contains(evs[1].Err.Error(), "cut short") {
		t.Errorf("re-poll event error %v, want one saying the answer was cut short", evs[1].Err)
	}
	if n := len(e.polls()); n != 3 {
		t.Errorf("%d polls, want 3 (the 200 asked again once: invalid_grant)", n)
	}
}

func TestWaitFinalAnswers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script func(e *env, dc DeviceCode)
		want   error
		status int // the WebexError wrapped, 0 for none
	}{
		{"denied", func(e *env, dc DeviceCode) { mustOK(e.srv.Deny(dc.UserCode)) }, ErrDenied, 400},
		{"403", func(e *env, dc DeviceCode) { e.srv.FailPolls(1, http.StatusForbidden) }, ErrDenied, 403},
		{"expired_token", func(e *env, dc DeviceCode) { mustOK(e.srv.Expire(dc.UserCode)) }, ErrExpired, 400},
		{"401", func(e *env, dc DeviceCode) { e.srv.FailPolls(1, http.StatusUnauthorized) }, ErrInvalidClient, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			dc := e.start(t)
			tc.script(e, dc)
			_, evs, err := e.wait(t, dc)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Wait: %v, want %v", err, tc.want)
			}
			var we *WebexError
			if !errors.As(err, &we) || we.Status != tc.status || we.TrackingID == "" {
				t.Errorf("Wait error %v does not wrap a %d WebexError with a trackingId", err, tc.status)
			}
			if !strings.HasPrefix(err.Error(), "flows: presence: wait: ") {
				t.Errorf("error %q does not name the app", err)
			}
			if len(evs) != 1 || evs[0].Outcome != PollFailed || evs[0].Err != err {
				t.Errorf("events = %+v", evs)
			}
		})
	}
}

// TestWaitWrongSecret: Webex's 401 for a bad client secret names the app
// and where its secret came from.
func TestWaitWrongSecret(t *testing.T) {
	e := newEnv(t, nil)
	dc := e.start(t)
	app := e.app
	app.Secret = store.NewSecret("sec-FAKE-wrong-value")
	_, err := e.client.Wait(context.Background(), app, dc, nil)
	if !errors.Is(err, ErrInvalidClient) {
		t.Fatalf("Wait: %v, want ErrInvalidClient", err)
	}
	for _, want := range []string{"presence", "env UCX_SECRET_PRESENCE"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "sec-FAKE") {
		t.Errorf("error %q leaks the secret", err)
	}
	if p := e.polls(); len(p) != 1 || p[0].Status != http.StatusUnauthorized {
		t.Errorf("polls = %+v", p)
	}
}

func TestWaitOther4xx(t *testing.T) {
	e := newEnv(t, nil)
	dc := e.start(t)
	e.srv.FailPolls(1, http.StatusNotFound)
	_, err := e.client.Wait(context.Background(), e.app, dc, nil)
	var we *WebexError
	if !errors.As(err, &we) || we.Status != 404 || we.TrackingID == "" || we.Message == "" {
		t.Fatalf("Wait: %v, want a 404 WebexError with message and trackingId", err)
	}
	for _, s := range []error{ErrExpired, ErrDenied, ErrInvalidClient, ErrCodeSpent} {
		if errors.Is(err, s) {
			t.Errorf("404 matches %v", s)
		}
	}
	if n := len(e.polls()); n != 1 {
		t.Errorf("%d polls, want 1", n)
	}
}

// TestWaitExpiry: with nobody approving, Wait polls until the next poll
// would fall after the expiry, never polls after it, and returns ErrExpired.
func TestWaitExpiry(t *testing.T) {
	e := newEnv(t, func(o *webextest.Options) { o.ExpiresIn = 30 * time.Second })
	dc := e.start(t)
	_, evs, err := e.wait(t, dc)
	if !errors.Is(err, ErrExpired) {
		t.Fatalf("Wait: %v, want ErrExpired", err)
	}
	polls := e.polls()
	if len(polls) != 5 || len(evs) != 5 {
		t.Errorf("%d polls, %d events; want 5 (at 5, 10, ... 25 s of a 30 s code)", len(polls), len(evs))
	}
	for _, p := range polls {
		if !p.At.Before(dc.Expiry) || p.Status != http.StatusPreconditionRequired {
			t.Errorf("poll at %v answered %d (expiry %v)", p.At, p.Status, dc.Expiry)
		}
	}
	if e.clock.Now().After(dc.Expiry) {
		t.Errorf("Wait returned at %v, after the expiry %v", e.clock.Now(), dc.Expiry)
	}
}

// TestWaitTransientNeverPastExpiry: a server that keeps failing does not
// make Wait poll after the expiry.
func TestWaitTransientNeverPastExpiry(t *testing.T) {
	e := newEnv(t, func(o *webextest.Options) { o.ExpiresIn = 60 * time.Second })
	dc := e.start(t)
	e.srv.FailPolls(100, http.StatusServiceUnavailable)
	_, evs, err := e.wait(t, dc)
	if !errors.Is(err, ErrExpired) {
		t.Fatalf("Wait: %v, want ErrExpired", err)
	}
	// 5 s, then waits of 5, 10, 20 s: polls at 5, 10, 20, 40 s; the next
	// (40 s later) would be past 60 s.
	if len(evs) != 4 {
		t.Errorf("%d polls, want 4", len(evs))
	}
	for _, p := range e.polls() {
		if !p.At.Before(dc.Expiry) {
			t.Errorf("poll at %v, at or after the expiry %v", p.At, dc.Expiry)
		}
	}
}

func TestWaitCanceled(t *testing.T) {
	e := newEnv(t, nil)
	dc := e.start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	_, err := e.client.Wait(ctx, e.app, dc, func(PollEvent) {
		if n++; n == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait: %v, want context.Canceled", err)
	}
	if got := len(e.polls()); got != 2 {
		t.Errorf("%d polls after cancel on the 2nd, want 2", got)
	}
}

func TestWaitRejectsBadInput(t *testing.T) {
	e := newEnv(t, nil)
	dc := e.start(t)
	other := e.app
	other.ID = "cdr"
	noSecret := e.app
	noSecret.Secret = store.NewSecret("")
	for name, tc := range map[string]struct {
		app  App
		dc   DeviceCode
		want error
	}{
		"zero DeviceCode": {e.app, DeviceCode{AppID: "presence"}, nil},
		"other app":       {other, dc, nil},
		"no secret":       {noSecret, dc, ErrInvalidClient},
	} {
		_, err := e.client.Wait(context.Background(), tc.app, tc.dc, nil)
		if err == nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: Wait = %v", name, err)
		}
	}
	if n := len(e.polls()); n != 0 {
		t.Errorf("%d polls for bad input", n)
	}
}

func TestStartErrors(t *testing.T) {
	e := newEnv(t, nil)
	oidc := e.app
	oidc.Scopes = []string{"openid", "email"}
	if _, err := e.client.Start(context.Background(), oidc, nil); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Start with OIDC scopes: %v, want ErrUnsupported", err)
	}
	unknown := e.app
	unknown.ClientID = "C-unknown"
	_, err := e.client.Start(context.Background(), unknown, nil)
	var we *WebexError
	if !errors.As(err, &we) || we.Status < 400 {
		t.Errorf("Start with an unknown client: %v, want a WebexError", err)
	}
	if n := len(e.srv.Requests()); n != 1 {
		t.Errorf("%d requests, want 1 (none for OIDC)", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.client.Start(ctx, e.app, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Start with a canceled context: %v", err)
	}
}

// TestConcurrentAuthorizations runs the four default apps at once, as the
// wizard may.
func TestConcurrentAuthorizations(t *testing.T) {
	cat, err := DefaultCatalog(func(k string) string { return "sec-FAKE-" + k })
	if err != nil {
		t.Fatal(err)
	}
	var integ []webextest.Integration
	for _, a := range cat.Apps {
		integ = append(integ, webextest.Integration{ClientID: a.ClientID, ClientSecret: a.Secret.Reveal(), Scopes: a.Scopes})
	}
	e := newEnv(t, func(o *webextest.Options) { o.Integrations = integ })
	errs := make(chan error, len(cat.Apps))
	for i, app := range cat.Apps {
		dc, err := e.client.Start(context.Background(), app, nil)
		if err != nil {
			t.Fatal(err)
		}
		e.srv.ApproveAfterPolls(dc.UserCode, i+1)
		go func() {
			g, err := e.client.Wait(context.Background(), app, dc, nil)
			if err == nil && g.AccessToken.IsZero() {
				err = errors.New("empty grant")
			}
			errs <- err
		}()
	}
	for range cat.Apps {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := len(e.srv.Issued()); n != 4 {
		t.Errorf("%d grants issued, want 4", n)
	}
}

func mustOK(err error) {
	if err != nil {
		panic(err)
	}
}
