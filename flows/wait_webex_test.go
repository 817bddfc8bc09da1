package flows

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// sequence answers the n-th request with the n-th handler, and every
// request after the last with the last.
func sequence(hs ...http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		h := hs[min(n, len(hs)-1)]
		n++
		mu.Unlock()
		h(w, r)
	}
}

// answer writes a fixed answer with a JSON content type.
func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

// webexBody is an error body the way Webex writes it: the code in
// message and errors[].description, no RFC "error" field.
func webexBody(msg string) string {
	return `{"message":"` + msg + `","errors":[{"description":"` + msg + `"}],"trackingId":"ROUTER_5F3A"}`
}

// cutShort answers 200 and breaks the connection mid-body.
func cutShort(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", "500")
	fmt.Fprint(w, `{"access_token":"tok-FAKE-1"`)
	w.(http.Flusher).Flush()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

// TestWaitWebexShapedAnswers: Webex's error bodies carry the code in
// message and errors[].description; Wait reads them as RFC 8628 codes.
func TestWaitWebexShapedAnswers(t *testing.T) {
	pending := answer(http.StatusPreconditionRequired, webexBody("The user has not yet completed authorization."))
	for _, tc := range []struct {
		name     string
		token    http.HandlerFunc
		want     error // a sentinel; nil: success
		outcomes []PollOutcome
		gaps     []time.Duration // between polls
		status   int             // of the *WebexError wrapped, 0: none wanted
	}{
		{"slow_down in message", sequence(answer(400, webexBody("slow_down")), okToken), nil,
			[]PollOutcome{PollSlowDown, PollDone}, []time.Duration{10 * time.Second}, 0},
		{"SLOW_DOWN in a sentence", sequence(answer(400, `{"message":"Polling too often: SLOW_DOWN.","trackingId":"T"}`), okToken), nil,
			[]PollOutcome{PollSlowDown, PollDone}, []time.Duration{10 * time.Second}, 0},
		{"authorization_pending in a description", sequence(answer(400, `{"message":"Bad Request","errors":[{"description":"authorization_pending"}]}`), okToken), nil,
			[]PollOutcome{PollPending, PollDone}, []time.Duration{5 * time.Second}, 0},
		{"access_denied in message", sequence(pending, answer(400, webexBody("access_denied"))), ErrDenied,
			[]PollOutcome{PollPending, PollFailed}, nil, 400},
		{"expired_token in message", answer(400, webexBody("expired_token")), ErrExpired,
			[]PollOutcome{PollFailed}, nil, 400},
		{"invalid_grant saying expired", answer(400, `{"message":"invalid_grant","errors":[{"description":"The device code has expired."}],"trackingId":"T"}`), ErrExpired,
			[]PollOutcome{PollFailed}, nil, 400},
		{"invalid_client in message", answer(400, webexBody("invalid_client")), ErrInvalidClient,
			[]PollOutcome{PollFailed}, nil, 400},
		{"401", answer(401, webexBody("The request requires a valid access token.")), ErrInvalidClient,
			[]PollOutcome{PollFailed}, nil, 401},
		{"tokenlimit_reached", answer(400, webexBody("tokenlimit_reached")), ErrTokenLimit,
			[]PollOutcome{PollFailed}, nil, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHostile(t, false, nil, tc.token)
			_, evs, err := h.run(t)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Wait: %v, want %v", err, tc.want)
			}
			if !slices.Equal(outcomes(evs), tc.outcomes) {
				t.Errorf("outcomes %v, want %v", outcomes(evs), tc.outcomes)
			}
			checkGaps(t, "polls", h.polls, tc.gaps)
			if tc.status != 0 {
				var we *WebexError
				if !errors.As(err, &we) || we.Status != tc.status {
					t.Errorf("Wait: %v, want a %d WebexError wrapped", err, tc.status)
				}
			}
			if errors.Is(err, ErrInvalidClient) && !strings.Contains(err.Error(), testEnv) {
				t.Errorf("Wait: %q does not name the secret's source", err)
			}
			for _, s := range []error{ErrExpired, ErrDenied, ErrInvalidClient, ErrTokenLimit, ErrCodeSpent} {
				if s != tc.want && errors.Is(err, s) {
					t.Errorf("Wait: %v also matches %v", err, s)
				}
			}
		})
	}
}

// TestWaitInvalidGrant: invalid_grant is the expiry when it says so or
// comes at or after the code's own expiry; before it, a final error that
// is not ErrExpired.
func TestWaitInvalidGrant(t *testing.T) {
	t.Run("before the expiry", func(t *testing.T) {
		h := newHostile(t, false, nil, answer(400, `{"message":"invalid_grant","trackingId":"T"}`))
		_, _, err := h.run(t)
		var we *WebexError
		if !errors.As(err, &we) || we.Code != "invalid_grant" || errors.Is(err, ErrExpired) || errors.Is(err, ErrCodeSpent) {
			t.Fatalf("Wait: %v, want a final invalid_grant WebexError", err)
		}
	})
	t.Run("at the expiry", func(t *testing.T) {
		var h *hostile
		h = newHostile(t, false, nil, func(w http.ResponseWriter, r *http.Request) {
			h.clock.Advance(10 * time.Minute) // the answer arrives after the expiry
			answer(400, `{"message":"invalid_grant","trackingId":"T"}`)(w, r)
		})
		if _, _, err := h.run(t); !errors.Is(err, ErrExpired) {
			t.Fatalf("Wait: %v, want ErrExpired", err)
		}
	})
}

// TestWaitIntervalCapped: slow_down and 429 raise the interval by 5 s,
// but never above 60 s, the cap of the announced interval.
func TestWaitIntervalCapped(t *testing.T) {
	authorize := func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"device_code":"dc-FAKE-slow","user_code":"729703","verification_uri":"http://%s/verify","expires_in":1800,"interval":50}`, r.Host)
	}
	for _, tc := range []struct {
		name    string
		slow    http.HandlerFunc
		outcome PollOutcome
	}{
		{"slow_down", answer(400, webexBody("slow_down")), PollSlowDown},
		{"429 without Retry-After", answer(429, webexBody("Too many requests.")), PollRateLimited},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHostile(t, false, authorize, sequence(tc.slow, tc.slow, tc.slow, tc.slow, okToken))
			_, evs, err := h.run(t)
			if err != nil {
				t.Fatal(err)
			}
			want := []time.Duration{55 * time.Second, 60 * time.Second, 60 * time.Second, 60 * time.Second, 60 * time.Second}
			for i, ev := range evs {
				if ev.Interval != want[i] {
					t.Errorf("event %d: interval %v, want %v", i+1, ev.Interval, want[i])
				}
				if i < 4 && (ev.Outcome != tc.outcome || ev.NextPoll.Sub(ev.At) != want[i]+pollMargin) {
					t.Errorf("event %d: %v, next poll %v after", i+1, ev.Outcome, ev.NextPoll.Sub(ev.At))
				}
			}
			checkGaps(t, "polls", h.polls, want[:4])
			for i := 1; i < len(h.polls); i++ {
				if gap := h.polls[i].Sub(h.polls[i-1]); gap > maxInterval+pollMargin {
					t.Errorf("poll %d came %v after the previous, above the %v cap", i+1, gap, maxInterval)
				}
			}
		})
	}
}

// TestWaitCutShortRepoll: a 200 whose token cannot be read is not the end
// of the approval: Wait asks again with the same code, at most twice, an
// interval apart, before calling it spent.
func TestWaitCutShortRepoll(t *testing.T) {
	const s = time.Second
	notJSON := answer(200, `<html>upstream reset</html>`)
	used := answer(400, `{"message":"invalid_grant","errors":[{"description":"The device code has already been used."}],"trackingId":"T"}`)
	pending := answer(428, webexBody("The user has not yet completed authorization."))
	busy := answer(503, webexBody("Service Unavailable."))
	for _, tc := range []struct {
		name      string
		authorize http.HandlerFunc // nil: 300 s code, interval 5 s
		token     http.HandlerFunc
		want      error // nil: success
		outcomes  []PollOutcome
		gaps      []time.Duration
		webex     bool // the error wraps a *WebexError
	}{
		{"cut short, then the token", nil, sequence(cutShort, okToken), nil,
			[]PollOutcome{PollTransient, PollDone}, []time.Duration{5 * s}, false},
		{"not JSON, then the token", nil, sequence(notJSON, okToken), nil,
			[]PollOutcome{PollTransient, PollDone}, []time.Duration{5 * s}, false},
		{"cut short twice, then the token", nil, sequence(cutShort, cutShort, okToken), nil,
			[]PollOutcome{PollTransient, PollTransient, PollDone}, []time.Duration{5 * s, 5 * s}, false},
		{"cut short, 503, then the token", nil, sequence(cutShort, busy, okToken), nil,
			[]PollOutcome{PollTransient, PollTransient, PollDone}, []time.Duration{5 * s, 5 * s}, false},
		{"cut short, then invalid_grant", nil, sequence(cutShort, used), ErrCodeSpent,
			[]PollOutcome{PollTransient, PollFailed}, []time.Duration{5 * s}, true},
		{"cut short, then expired_token", nil, sequence(cutShort, answer(400, webexBody("expired_token"))), ErrCodeSpent,
			[]PollOutcome{PollTransient, PollFailed}, []time.Duration{5 * s}, true},
		{"cut short three times", nil, cutShort, ErrCodeSpent,
			[]PollOutcome{PollTransient, PollTransient, PollFailed}, []time.Duration{5 * s, 5 * s}, false},
		{"cut short, then 503s", nil, sequence(cutShort, busy), ErrCodeSpent,
			[]PollOutcome{PollTransient, PollTransient, PollFailed}, []time.Duration{5 * s, 5 * s}, true},
		{"cut short, then pending: polling goes on", nil, sequence(cutShort, pending, pending, pending, okToken), nil,
			[]PollOutcome{PollTransient, PollPending, PollPending, PollPending, PollDone}, []time.Duration{5 * s, 5 * s, 5 * s, 5 * s}, false},
		{"cut short, then the code expires", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"device_code":"dc-FAKE-x","user_code":"729703","verification_uri":"http://%s/v","expires_in":8,"interval":5}`, r.Host)
		}, sequence(cutShort, okToken), ErrCodeSpent,
			[]PollOutcome{PollTransient}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHostile(t, false, tc.authorize, tc.token)
			_, evs, err := h.run(t)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Wait: %v, want %v", err, tc.want)
			}
			if !slices.Equal(outcomes(evs), tc.outcomes) {
				t.Fatalf("outcomes %v, want %v", outcomes(evs), tc.outcomes)
			}
			if len(h.polls) != len(tc.outcomes) {
				t.Errorf("%d polls, want %d", len(h.polls), len(tc.outcomes))
			}
			checkGaps(t, "polls", h.polls, tc.gaps)
			// The first re-poll is announced as such.
			if ev := evs[0]; ev.Err == nil || !strings.Contains(ev.Err.Error(), "token answer was cut short") || !strings.Contains(ev.Err.Error(), "same code") {
				t.Errorf("first event error %v, want the token answer cut short", ev.Err)
			}
			var we *WebexError
			if tc.webex != errors.As(err, &we) {
				t.Errorf("Wait: %v; wraps a WebexError: %v, want %v", err, !tc.webex, tc.webex)
			}
			if err != nil && (strings.Contains(err.Error(), "tok-FAKE") || strings.Contains(err.Error(), "dc-FAKE")) {
				t.Errorf("Wait: %q quotes a token or the device code", err)
			}
			for _, ev := range evs {
				if ev.Err != nil && strings.Contains(ev.Err.Error(), "tok-FAKE") {
					t.Errorf("event error %q quotes the token", ev.Err)
				}
			}
		})
	}
}

// TestStartWebexShapedErrors: Start finds the codes where Webex puts them.
func TestStartWebexShapedErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		want error
	}{
		{"invalid_client in message", webexBody("invalid_client"), ErrInvalidClient},
		{"tokenlimit_reached in a description", `{"message":"Bad Request","errors":[{"description":"TOKENLIMIT_REACHED"}],"trackingId":"T"}`, ErrTokenLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHostile(t, false, answer(400, tc.body), okToken)
			_, err := h.client.Start(t.Context(), testApp(), nil)
			var we *WebexError
			if !errors.Is(err, tc.want) || !errors.As(err, &we) || we.Status != 400 {
				t.Fatalf("Start: %v, want %v wrapping the 400", err, tc.want)
			}
		})
	}
	h := newHostile(t, false, answer(400, `{"message":"Invalid scope: spark-admin:x","trackingId":"T"}`), okToken)
	_, err := h.client.Start(t.Context(), testApp(), nil)
	if errors.Is(err, ErrInvalidClient) || errors.Is(err, ErrTokenLimit) {
		t.Errorf("Start: %v, want a plain WebexError", err)
	}
}
