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
)

// Small inline servers for answers a faithful fake Webex never gives.

// hostile is an httptest server with one handler per path and a skip clock.
type hostile struct {
	srv    *httptest.Server
	client *Client
	clock  *skipClock
	mu     sync.Mutex
	polls  []time.Time
}

func newHostile(t *testing.T, tls bool, authorize, token http.HandlerFunc) *hostile {
	t.Helper()
	h := &hostile{clock: newSkipClock()}
	mux := http.NewServeMux()
	if authorize == nil {
		authorize = func(w http.ResponseWriter, r *http.Request) {
			base := "https://" + r.Host
			if !tls {
				base = "http://" + r.Host
			}
			fmt.Fprintf(w, `{"device_code":"dc-FAKE-hostile","user_code":"HOST-1LE","verification_uri":"%s/verify","expires_in":300,"interval":5}`, base)
		}
	}
	mux.HandleFunc("POST "+deviceAuthPath, authorize)
	mux.HandleFunc("POST "+deviceTokenPath, func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.polls = append(h.polls, h.clock.Now())
		h.mu.Unlock()
		token(w, r)
	})
	if tls {
		h.srv = httptest.NewTLSServer(mux)
	} else {
		h.srv = httptest.NewServer(mux)
	}
	t.Cleanup(h.srv.Close)
	c, err := NewClient(Config{BaseURL: h.srv.URL, HTTPClient: h.srv.Client(), Clock: h.clock})
	if err != nil {
		t.Fatal(err)
	}
	h.client = c
	return h
}

func (h *hostile) run(t *testing.T) (DeviceCode, []PollEvent, error) {
	t.Helper()
	dc, err := h.client.Start(context.Background(), testApp(), nil)
	if err != nil {
		return dc, nil, err
	}
	var evs []PollEvent
	_, err = h.client.Wait(context.Background(), testApp(), dc, func(ev PollEvent) { evs = append(evs, ev) })
	return dc, evs, err
}

func okToken(w http.ResponseWriter, _ *http.Request) {
	fmt.Fprint(w, `{"access_token":"tok-FAKE-1","token_type":"Bearer","expires_in":60}`)
}

func TestStartHostileAnswers(t *testing.T) {
	const fields = `"device_code":"dc-FAKE-x","user_code":"U","expires_in":60`
	for _, tc := range []struct {
		name string
		tls  bool
		body string
		err  string // "" for success
	}{
		{"https uri on https base", true, `{` + fields + `,"verification_uri":"https://verify.example/x"}`, ""},
		{"http uri on https base", true, `{` + fields + `,"verification_uri":"http://verify.example/x"}`, "not an absolute https URL"},
		{"http uri on loopback base", false, `{` + fields + `,"verification_uri":"http://127.0.0.1/x"}`, ""},
		{"http localhost uri on loopback base", false, `{` + fields + `,"verification_uri":"http://localhost:8080/x"}`, ""},
		{"https uri on loopback base", false, `{` + fields + `,"verification_uri":"https://verify.example/x"}`, ""},
		{"http uri to another host on loopback base", false, `{` + fields + `,"verification_uri":"http://verify.example/x"}`, "http only to a loopback host"},
		{"http complete uri to another host on loopback base: dropped", false, `{` + fields + `,"verification_uri":"http://127.0.0.1/x","verification_uri_complete":"http://phish.example/x"}`, ""},
		{"body over 1 MiB", false, `{"user_code":"` + strings.Repeat("A", maxBody) + `"}`, "larger than 1 MiB"},
		{"missing user_code", false, `{"device_code":"dc-FAKE-x","verification_uri":"https://v.example/","expires_in":60}`, "user_code missing"},
		{"interval not a number", false, `{` + fields + `,"verification_uri":"https://v.example/","interval":"1.5s"}`, "malformed device authorization answer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHostile(t, tc.tls, func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, tc.body) }, okToken)
			dc, err := h.client.Start(context.Background(), testApp(), nil)
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(tc.body, "phish") && (dc.VerificationURIComplete != "" || dc.Notice == "" || strings.Contains(dc.Notice, "phish")) {
					t.Errorf("complete URI %q, notice %q: want it dropped, said without quoting it", dc.VerificationURIComplete, dc.Notice)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("Start: %v, want ...%s...", err, tc.err)
			}
			if strings.Contains(err.Error(), "dc-FAKE") || len(err.Error()) > 500 {
				t.Errorf("error %q quotes the answer", err)
			}
			if dc.UserCode != "" {
				t.Errorf("DeviceCode returned with an error")
			}
		})
	}
}

func TestStartSanitizes(t *testing.T) {
	h := newHostile(t, false, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"device_code":"dc-FAKE-x","user_code":"\u001b]0;pwned\u0007AB\u202eCD","verification_uri":"http://%s/v","expires_in":60}`, r.Host)
	}, okToken)
	dc, err := h.client.Start(context.Background(), testApp(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if dc.UserCode != "ABCD" {
		t.Errorf("UserCode %q", dc.UserCode)
	}
	h = newHostile(t, false, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"message":"Invalid scope \u001b[2J\u001b[31mspark:x","trackingId":"TRK\u0007"}`)
	}, okToken)
	_, err = h.client.Start(context.Background(), testApp(), nil)
	var we *WebexError
	if !errors.As(err, &we) || we.Message != "Invalid scope spark:x" || we.TrackingID != "TRK" {
		t.Errorf("Start: %#v", err)
	}
}

func TestWaitHostileAnswers(t *testing.T) {
	for _, tc := range []struct {
		name  string
		token http.HandlerFunc
		want  error
		check func(t *testing.T, err error, evs []PollEvent, polls []time.Time)
	}{
		{"200 over 1 MiB", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprintf(w, `{"access_token":"tok-FAKE-1","pad":"%s"}`, strings.Repeat("x", maxBody))
		}, ErrCodeSpent, nil},
		{"200 cut mid-body", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Length", "500")
			fmt.Fprint(w, `{"access_token":"tok-FAKE-1"`)
			w.(http.Flusher).Flush()
			conn, _, _ := http.NewResponseController(w).Hijack()
			conn.Close()
		}, ErrCodeSpent, func(t *testing.T, err error, evs []PollEvent, polls []time.Time) {
			// Cut short every time: asked again twice, an interval apart.
			if len(polls) != 1+maxRepolls {
				t.Errorf("%d polls, want %d (the 200, then %d more)", len(polls), 1+maxRepolls, maxRepolls)
			}
			checkGaps(t, "polls", polls, []time.Duration{5 * time.Second, 5 * time.Second})
			if want := []PollOutcome{PollTransient, PollTransient, PollFailed}; !slices.Equal(outcomes(evs), want) {
				t.Errorf("outcomes %v, want %v", outcomes(evs), want)
			}
		}},
		{"redirect not followed", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://evil.example/steal", http.StatusTemporaryRedirect)
		}, nil, func(t *testing.T, err error, _ []PollEvent, _ []time.Time) {
			var we *WebexError
			if !errors.As(err, &we) || we.Status != http.StatusTemporaryRedirect {
				t.Errorf("Wait: %v, want a 307 WebexError", err)
			}
		}},
		{"device code echoed", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"message":"no such code %s (client %s)","trackingId":"T"}`, r.FormValue("device_code"), testSecret)
		}, nil, func(t *testing.T, err error, _ []PollEvent, _ []time.Time) {
			if err == nil || strings.Contains(err.Error(), "dc-FAKE") || strings.Contains(err.Error(), "sec-FAKE") || !strings.Contains(err.Error(), "[redacted]") {
				t.Errorf("Wait: %v", err)
			}
		}},
		{"503 with Retry-After", retryThenToken(http.StatusServiceUnavailable, "30"), nil, func(t *testing.T, err error, evs []PollEvent, polls []time.Time) {
			if err != nil {
				t.Fatal(err)
			}
			if gap := polls[1].Sub(polls[0]); gap < 30*time.Second {
				t.Errorf("polled %v after a 503 with Retry-After: 30", gap)
			}
		}},
		{"428 with Retry-After", retryThenToken(http.StatusPreconditionRequired, "20"), nil, func(t *testing.T, err error, evs []PollEvent, polls []time.Time) {
			if err != nil || evs[0].Outcome != PollPending {
				t.Fatalf("Wait %v, events %v", err, outcomes(evs))
			}
			if gap := polls[1].Sub(polls[0]); gap < 20*time.Second {
				t.Errorf("polled %v after a 428 with Retry-After: 20", gap)
			}
		}},
		{"form-encoded slow_down", func() http.HandlerFunc {
			n := 0
			return func(w http.ResponseWriter, r *http.Request) {
				if n++; n == 1 {
					w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
					w.WriteHeader(http.StatusBadRequest)
					fmt.Fprint(w, "error=slow_down")
					return
				}
				okToken(w, r)
			}
		}(), nil, func(t *testing.T, err error, evs []PollEvent, polls []time.Time) {
			if err != nil || evs[0].Outcome != PollSlowDown || polls[1].Sub(polls[0]) < 10*time.Second {
				t.Errorf("Wait %v, events %v", err, outcomes(evs))
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHostile(t, false, nil, tc.token)
			_, evs, err := h.run(t)
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Wait: %v, want %v", err, tc.want)
			}
			if tc.check != nil {
				tc.check(t, err, evs, h.polls)
			}
		})
	}
}

func retryThenToken(status int, retryAfter string) http.HandlerFunc {
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		if n++; n == 1 {
			w.Header().Set("Retry-After", retryAfter)
			w.WriteHeader(status)
			return
		}
		okToken(w, r)
	}
}

// TestWait400AtExpiry: Webex answers an expired code with a plain 400; at
// or after the expiry that is ErrExpired.
func TestWait400AtExpiry(t *testing.T) {
	var h *hostile
	h = newHostile(t, false, nil, func(w http.ResponseWriter, _ *http.Request) {
		h.clock.Advance(10 * time.Minute) // the answer arrives after the expiry
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"message":"Bad request","trackingId":"T"}`)
	})
	_, _, err := h.run(t)
	if !errors.Is(err, ErrExpired) {
		t.Fatalf("Wait: %v, want ErrExpired", err)
	}
}

// TestWaitSendsBasicAuth checks the poll request itself.
func TestWaitSendsBasicAuth(t *testing.T) {
	var got *http.Request
	var form string
	h := newHostile(t, false, nil, func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		got, form = r, r.PostForm.Encode()
		okToken(w, r)
	})
	if _, _, err := h.run(t); err != nil {
		t.Fatal(err)
	}
	id, secret, ok := got.BasicAuth()
	if !ok || id != testClientID || secret != testSecret {
		t.Errorf("Basic auth %v %q", ok, id)
	}
	if want := "client_id=" + testClientID + "&device_code=dc-FAKE-hostile&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"; form != want {
		t.Errorf("form %q, want %q", form, want)
	}
	if strings.Contains(form, "secret") {
		t.Error("client secret in the form")
	}
	if ua := got.UserAgent(); !strings.HasPrefix(ua, "Go-http-client") && !strings.HasPrefix(ua, "ucx-onboard/") {
		t.Errorf("User-Agent %q", ua)
	}
}
