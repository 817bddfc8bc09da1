package flows

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows/webextest"
	"github.com/imagicle/ucx-onboard/store"
)

// TestVerifyAgainstWebextest runs Verify against the fake Webex: a good app
// is accepted with one device authorization and one poll an interval
// later; a wrong secret, an unknown client_id and a scope the integration
// lacks are refused, naming the catalog field. The assertions are on
// outcomes, not on the fake's body shapes.
func TestVerifyAgainstWebextest(t *testing.T) {
	tests := []struct {
		name       string
		mod        func(*App)
		want       VerifyOutcome
		fields     []string // acceptable Field values
		wantSource string
		polls      int
	}{
		{name: "pending means accepted", want: VerifyAccepted, fields: []string{""}, polls: 1},
		{name: "wrong secret", mod: func(a *App) { a.Secret = store.NewSecret("sec-FAKE-wrong-4242") },
			want: VerifySecretRejected, fields: []string{"client_secret_env"}, wantSource: testEnv, polls: 1},
		{name: "wrong secret from a file", mod: func(a *App) {
			a.Secret = store.NewSecret("sec-FAKE-wrong-4242")
			a.SecretSource = "file /etc/ucx/presence.secret"
		}, want: VerifySecretRejected, fields: []string{"client_secret_file"}, wantSource: "file /etc/ucx/presence.secret", polls: 1},
		{name: "unknown client id", mod: func(a *App) { a.ClientID = "C-unknown" },
			want: VerifyClientRefused, fields: []string{"client_id", "client_id/scopes"}},
		{name: "scope not held", mod: func(a *App) { a.Scopes = append(slices.Clone(a.Scopes), "spark-admin:xsi") },
			want: VerifyClientRefused, fields: []string{"scopes", "client_id/scopes"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			app := e.app
			if tc.mod != nil {
				tc.mod(&app)
			}
			res, err := e.client.Verify(context.Background(), app)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if res.Outcome != tc.want || res.AppID != "presence" || !slices.Contains(tc.fields, res.Field) || res.SecretSource != tc.wantSource {
				t.Fatalf("Verify = %+v, want %v, field in %q, source %q", res, tc.want, tc.fields, tc.wantSource)
			}
			if (res.Err != nil) != (tc.want != VerifyAccepted) {
				t.Errorf("Err = %v", res.Err)
			}
			polls := e.polls()
			if len(polls) != tc.polls {
				t.Fatalf("%d polls, want %d", len(polls), tc.polls)
			}
			if tc.polls > 0 {
				// One interval after the code was issued, by the fake's clock.
				reqs := e.srv.Requests()
				if reqs[0].Path != deviceAuthPath {
					t.Fatalf("first request %s", reqs[0].Path)
				}
				if gap := polls[0].At.Sub(reqs[0].At); gap < 5*time.Second {
					t.Errorf("poll %v after the code was issued, want >= the 5s interval", gap)
				}
			}
			// Nothing was approved, nothing issued.
			if issued := e.srv.Issued(); len(issued) != 0 {
				t.Errorf("issued %d tokens", len(issued))
			}
			for _, s := range []string{testSecret, "sec-FAKE-wrong-4242", "dc-FAKE-"} {
				if out := fmt.Sprintf("%v %+v %#v", res, res, res); strings.Contains(out, s) {
					t.Errorf("result shows %q: %s", s, out)
				}
			}
		})
	}
}

// TestVerifyParallel: one Verify per app at once on one Client (run with
// -race).
func TestVerifyParallel(t *testing.T) {
	e := newEnv(t, func(o *webextest.Options) {
		o.Integrations = append(o.Integrations, webextest.Integration{ClientID: "C-cdr", ClientSecret: "sec-FAKE-cdr-0000", Scopes: []string{"spark-admin:calling_cdr_read"}})
	})
	apps := []App{e.app, {ID: "cdr", ClientID: "C-cdr", Scopes: []string{"spark-admin:calling_cdr_read"},
		Secret: store.NewSecret("sec-FAKE-cdr-bad0"), SecretSource: "env UCX_SECRET_CDR"}}
	got := make([]VerifyOutcome, len(apps))
	var wg sync.WaitGroup
	for i, a := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := e.client.Verify(context.Background(), a)
			if err != nil {
				t.Errorf("Verify %s: %v", a.ID, err)
			}
			got[i] = res.Outcome
		}()
	}
	wg.Wait()
	if want := []VerifyOutcome{VerifyAccepted, VerifySecretRejected}; !slices.Equal(got, want) {
		t.Errorf("outcomes %v, want %v", got, want)
	}
}

// verifyServer is an httptest server whose device authorization and token
// answers are given by the test, with a Client on a skip clock. It records
// when the poll came, by that clock.
type verifyServer struct {
	client     *Client
	clock      *skipClock
	mu         sync.Mutex
	authorizes int
	polls      []time.Time
	issued     time.Time
}

// goodDeviceAuth answers a device authorization as Webex documents it.
func goodDeviceAuth(base string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"device_code":"dc-FAKE-verify-0123456789","user_code":"729703","verification_uri":%q,
			"verification_uri_complete":%q,"expires_in":300,"interval":2}`, base+"/verify", base+"/verify?userCode=abc")
	}
}

func newVerifyServer(t *testing.T, authorize func(base string) http.HandlerFunc, token http.HandlerFunc) *verifyServer {
	t.Helper()
	vs := &verifyServer{clock: newSkipClock()}
	var base string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		vs.mu.Lock()
		now := vs.clock.Now()
		switch r.URL.Path {
		case deviceAuthPath:
			vs.authorizes++
			vs.issued = now
		case deviceTokenPath:
			vs.polls = append(vs.polls, now)
		}
		vs.mu.Unlock()
		switch r.URL.Path {
		case deviceAuthPath:
			authorize(base)(w, r)
		case deviceTokenPath:
			token(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	base = srv.URL
	c, err := NewClient(Config{BaseURL: srv.URL, HTTPClient: srv.Client(), Clock: vs.clock})
	if err != nil {
		t.Fatal(err)
	}
	vs.client = c
	return vs
}

// TestVerifyAnswers runs Verify against specific wire shapes of both
// endpoints.
func TestVerifyAnswers(t *testing.T) {
	never := func(http.ResponseWriter, *http.Request) { panic("no poll expected") }
	tests := []struct {
		name      string
		authorize func(base string) http.HandlerFunc
		token     http.HandlerFunc
		want      VerifyOutcome
		field     string
		polls     int
		text      string // in res.Err
	}{
		{name: "428 pending", token: answer(428, webexBody("The user has not yet completed authorization.")), want: VerifyAccepted, polls: 1},
		{name: "rfc authorization_pending", token: answer(400, `{"error":"authorization_pending"}`), want: VerifyAccepted, polls: 1},
		{name: "rfc slow_down", token: answer(400, `{"error":"slow_down"}`), want: VerifyAccepted, polls: 1},
		{name: "webex slow_down", token: answer(400, webexBody("slow_down")), want: VerifyAccepted, polls: 1},
		{name: "401", token: answer(401, webexBody("The request requires a valid access token.")), want: VerifySecretRejected,
			field: "client_secret_env", polls: 1, text: "401"},
		{name: "rfc 400 invalid_client", token: answer(400, `{"error":"invalid_client"}`), want: VerifySecretRejected,
			field: "client_secret_env", polls: 1, text: "invalid_client"},
		{name: "webex 400 invalid_client", token: answer(400, webexBody("invalid_client")), want: VerifySecretRejected,
			field: "client_secret_env", polls: 1, text: "invalid_client"},
		{name: "access_denied", token: answer(400, `{"error":"access_denied"}`), want: VerifyDenied, polls: 1, text: "access_denied"},
		{name: "403", token: answer(403, webexBody("Forbidden")), want: VerifyDenied, polls: 1, text: "403"},
		{name: "token issued", token: answer(200, `{"access_token":"tok-FAKE-verify","refresh_token":"ref-FAKE-verify","expires_in":64799}`),
			want: VerifyApproved, polls: 1},
		{name: "token unreadable", token: answer(200, `{"access_token":`), want: VerifyApproved, polls: 1},
		{name: "invalid_grant", token: answer(400, `{"error":"invalid_grant"}`), want: VerifyUnexpected, polls: 1, text: "invalid_grant"},
		{name: "poll 503", token: answer(503, webexBody("Service Unavailable")), want: VerifyUnreachable, polls: 1, text: "503"},
		{name: "poll 429", token: answer(429, webexBody("Too many requests")), want: VerifyUnreachable, polls: 1, text: "429"},
		{name: "poll connection dropped", token: func(w http.ResponseWriter, _ *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}, want: VerifyUnreachable, polls: 1, text: "unreachable"},
		{name: "webex 400 to the authorization", authorize: func(string) http.HandlerFunc {
			return answer(400, webexBody("invalid_client"))
		}, token: never, want: VerifyClientRefused, field: "client_id", text: "400"},
		{name: "plain 400 to the authorization", authorize: func(string) http.HandlerFunc {
			return answer(400, `{"message":"Bad Request","trackingId":"ROUTER_1"}`)
		}, token: never, want: VerifyClientRefused, field: "client_id/scopes", text: "ROUTER_1"},
		{name: "rfc invalid_scope", authorize: func(string) http.HandlerFunc {
			return answer(400, `{"error":"invalid_scope"}`)
		}, token: never, want: VerifyClientRefused, field: "scopes", text: "invalid_scope"},
		{name: "401 to the authorization", authorize: func(string) http.HandlerFunc {
			return answer(401, webexBody("Unauthorized"))
		}, token: never, want: VerifyClientRefused, field: "client_id", text: "401"},
		{name: "authorization 503 until the budget is spent", authorize: func(string) http.HandlerFunc {
			return answer(503, webexBody("Service Unavailable"))
		}, token: never, want: VerifyUnreachable, text: "gave up after"},
		{name: "authorization 404", authorize: func(string) http.HandlerFunc {
			return answer(404, webexBody("Not Found"))
		}, token: never, want: VerifyUnexpected, text: "404"},
		{name: "authorization malformed", authorize: func(string) http.HandlerFunc {
			return answer(200, `{"user_code":"729703"}`)
		}, token: never, want: VerifyUnexpected, text: "device_code missing"},
		{name: "code expires before the first poll", authorize: func(base string) http.HandlerFunc {
			return answer(200, fmt.Sprintf(`{"device_code":"dc-FAKE-short-000","user_code":"729703","verification_uri":%q,"expires_in":1,"interval":2}`, base+"/verify"))
		}, token: never, want: VerifyUnexpected, text: "expires"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			authorize := tc.authorize
			if authorize == nil {
				authorize = goodDeviceAuth
			}
			vs := newVerifyServer(t, authorize, tc.token)
			app := testApp()
			res, err := vs.client.Verify(context.Background(), app)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if res.Outcome != tc.want || res.Field != tc.field {
				t.Fatalf("Verify = %v (field %q, err %v), want %v (field %q)", res.Outcome, res.Field, res.Err, tc.want, tc.field)
			}
			if tc.text != "" && (res.Err == nil || !strings.Contains(res.Err.Error(), tc.text)) {
				t.Errorf("Err = %v, want ...%s...", res.Err, tc.text)
			}
			if tc.text == "" && res.Err != nil {
				t.Errorf("Err = %v, want nil", res.Err)
			}
			vs.mu.Lock()
			defer vs.mu.Unlock()
			if len(vs.polls) != tc.polls {
				t.Fatalf("%d polls, want %d", len(vs.polls), tc.polls)
			}
			if tc.polls == 1 {
				if gap := vs.polls[0].Sub(vs.issued); gap < 2*time.Second {
					t.Errorf("polled %v after the code was issued, want >= the 2s interval", gap)
				}
				if vs.authorizes != 1 {
					t.Errorf("%d device authorizations, want 1", vs.authorizes)
				}
			}
			for _, s := range []string{testSecret, "dc-FAKE-", "tok-FAKE-", "ref-FAKE-"} {
				if out := fmt.Sprintf("%v %+v %#v", res, res, res); strings.Contains(out, s) {
					t.Errorf("result shows %q: %s", s, out)
				}
			}
		})
	}
}

// TestVerifyScrubsEchoedSecrets: a server that echoes the client secret and
// the device code into its error answer does not get them into the result.
func TestVerifyScrubsEchoedSecrets(t *testing.T) {
	vs := newVerifyServer(t, goodDeviceAuth,
		answer(401, webexBody("bad secret "+testSecret+" for dc-FAKE-verify-0123456789")))
	res, err := vs.client.Verify(context.Background(), testApp())
	if err != nil || res.Outcome != VerifySecretRejected {
		t.Fatalf("Verify = %+v, %v", res, err)
	}
	if msg := res.Err.Error(); strings.Contains(msg, testSecret) || strings.Contains(msg, "dc-FAKE-verify") || !strings.Contains(msg, "[redacted]") {
		t.Errorf("Err = %q", msg)
	}
}

// TestVerifyErrors: an app that cannot be checked, and a done context, are
// errors, not outcomes.
func TestVerifyErrors(t *testing.T) {
	e := newEnv(t, nil)
	noSecret := e.app
	noSecret.Secret = store.Secret{}
	if _, err := e.client.Verify(context.Background(), noSecret); !errors.Is(err, ErrInvalidClient) || !strings.Contains(err.Error(), testEnv) {
		t.Errorf("no secret: %v", err)
	}
	oidc := e.app
	oidc.Scopes = []string{"openid"}
	if _, err := e.client.Verify(context.Background(), oidc); !errors.Is(err, ErrUnsupported) {
		t.Errorf("openid: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := e.client.Verify(ctx, e.app)
	if !errors.Is(err, context.Canceled) || res.Outcome != VerifyUnknown {
		t.Errorf("canceled: %+v, %v", res, err)
	}
	if len(e.srv.Requests()) != 0 {
		t.Errorf("requests sent: %+v", e.srv.Requests())
	}
}

func TestVerifyOutcomeString(t *testing.T) {
	seen := map[string]bool{}
	for o := VerifyUnknown; o <= VerifyUnexpected; o++ {
		s := o.String()
		if s == "" || strings.HasPrefix(s, "VerifyOutcome(") || seen[s] {
			t.Errorf("%d: %q", o, s)
		}
		seen[s] = true
	}
	if s := VerifyOutcome(99).String(); s != "VerifyOutcome(99)" {
		t.Errorf("99: %q", s)
	}
}
