package flows

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/imagicle/ucx-onboard/store"
)

// Secrets with characters that every escaping changes.
const (
	echoSecret     = "sec-FAKE/pa+ss=w:rd~01234567~~~" // its Basic pair encodes to +, / and padding
	echoDeviceCode = "dc-FAKE/x+y=z 0123456789"
	echoAccess     = "tok-FAKE/a+b=0123456789"
	echoRefresh    = "ref-FAKE+r/0123456789"
)

var percentHex = regexp.MustCompile(`%[0-9A-F]{2}`)

// forbiddenForms lists, computed apart from redactions, the forms of v that
// no error text may hold.
func forbiddenForms(clientID, v string) []string {
	lower := func(s string) string { return percentHex.ReplaceAllStringFunc(s, strings.ToLower) }
	forms := []string{v, url.QueryEscape(v), url.PathEscape(v), lower(url.QueryEscape(v)), lower(url.PathEscape(v))}
	pair := []byte(url.QueryEscape(clientID) + ":" + url.QueryEscape(v))
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		forms = append(forms, enc.EncodeToString(pair))
	}
	return forms
}

func TestRedactions(t *testing.T) {
	forms := redactions(testClientID, echoSecret, echoDeviceCode, "abc")
	for _, v := range []string{echoSecret, echoDeviceCode} {
		for _, f := range forbiddenForms(testClientID, v) {
			if got := scrub("x "+f+" y", forms...); got != "x [redacted] y" {
				t.Errorf("scrub of %q = %q", f, got)
			}
		}
	}
	for i := 1; i < len(forms); i++ {
		if len(forms[i]) > len(forms[i-1]) {
			t.Errorf("forms not longest first: %q after %q", forms[i], forms[i-1])
		}
	}
	for _, f := range forms {
		if f == "abc" {
			t.Error("a 3-byte value is redacted")
		}
	}
	if got := scrub("Bearer "+echoAccess, redactions("", echoAccess)...); got != "Bearer [redacted]" {
		t.Errorf("bearer: %q", got)
	}
	// A secret with an escape spliced in is redacted all the same.
	if got := scrub("sec-FAKE/pa+ss\x1b[0m=w:rd~01234567~~~", redactions("", echoSecret)...); got != "[redacted]" {
		t.Errorf("spliced: %q", got)
	}
}

// echoServer is a careless Webex: each error answer echoes one item of the
// request (a header, the body, its form values, the Basic credentials
// re-encoded) in one place of a Webex error body (message,
// errors[].description or trackingId). Every path answers 503 first
// (a retry or a transient poll), then a final status.
type echoServer struct {
	srv      *httptest.Server
	item     string // what to echo
	where    string // "message", "description" or "trackingId"
	final    int
	mu       sync.Mutex
	seen     map[string]int
	authJSON string // the device authorization answer for Start
}

func (s *echoServer) echo(r *http.Request, body string) string {
	form, _ := url.ParseQuery(body)
	switch s.item {
	case "authorization":
		return r.Header.Get("Authorization")
	case "body":
		return body
	case "body, lower-case escapes":
		return percentHex.ReplaceAllStringFunc(body, strings.ToLower)
	case "form values":
		var vals []string
		for _, k := range []string{"client_id", "device_code", "scope"} {
			vals = append(vals, form.Get(k))
		}
		return strings.Join(vals, " ")
	case "basic, re-encoded":
		id, secret, ok := r.BasicAuth()
		if !ok {
			// Start and Identify send no Basic credentials: echo the
			// secret's as a careless proxy's log would.
			id, secret = url.QueryEscape(testClientID), url.QueryEscape(echoSecret)
		}
		pair := []byte(id + ":" + secret)
		return base64.URLEncoding.EncodeToString(pair) + " " + base64.RawStdEncoding.EncodeToString(pair) + " " + base64.RawURLEncoding.EncodeToString(pair)
	case "secret, decoded":
		_, secret, ok := r.BasicAuth()
		if !ok {
			secret = url.QueryEscape(echoSecret)
		}
		s, _ := url.QueryUnescape(secret)
		return s + " " + url.PathEscape(s)
	case "token, escaped":
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		return url.QueryEscape(tok) + " " + percentHex.ReplaceAllStringFunc(url.PathEscape(tok), strings.ToLower)
	}
	panic("unknown echo item " + s.item)
}

func (s *echoServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.seen[r.URL.Path]++
	n := s.seen[r.URL.Path]
	s.mu.Unlock()
	if r.URL.Path == deviceAuthPath && s.authJSON != "" {
		fmt.Fprint(w, s.authJSON)
		return
	}
	e := s.echo(r, string(b))
	body := map[string]any{"trackingId": "TRK"}
	switch s.where {
	case "message":
		body["message"] = "no good: " + e
	case "description":
		body["errors"] = []map[string]string{{"description": "no good: " + e}}
	case "trackingId":
		body["trackingId"] = e
	}
	status := s.final
	if n == 1 {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// TestNoSecretEchoed: whatever a server echoes of the request into an
// error, neither the client secret, the device code nor the tokens reach
// an error, a PollEvent or a RetryEvent, in any form flows sent them.
func TestNoSecretEchoed(t *testing.T) {
	forbidden := []string{"FAKE"}
	for _, v := range []string{echoSecret, echoDeviceCode, echoAccess, echoRefresh} {
		forbidden = append(forbidden, forbiddenForms(testClientID, v)...)
	}
	app := testApp()
	app.Secret = store.NewSecret(echoSecret)
	items := map[string][]string{
		// Start sends no secret: a careless proxy's log may hold the
		// secret's Basic credentials all the same.
		"start": {"authorization", "body", "body, lower-case escapes", "form values", "basic, re-encoded", "secret, decoded"},
		"wait":  {"authorization", "body", "body, lower-case escapes", "form values", "basic, re-encoded", "secret, decoded"},
		// Identify sends only its bearer token (no body, no client secret).
		"identify": {"authorization", "token, escaped"},
	}
	for _, op := range []string{"start", "wait", "identify"} {
		for _, item := range items[op] {
			for _, where := range []string{"message", "description", "trackingId"} {
				t.Run(op+"/"+item+"/"+where, func(t *testing.T) {
					s := &echoServer{item: item, where: where, seen: map[string]int{}, final: http.StatusNotFound}
					s.srv = httptest.NewServer(s)
					defer s.srv.Close()
					var texts []string
					clock := newSkipClock()
					c, err := NewClient(Config{BaseURL: s.srv.URL, HTTPClient: s.srv.Client(), Clock: clock})
					onRetry := func(ev RetryEvent) { texts = append(texts, ev.Err.Error()) }
					if err != nil {
						t.Fatal(err)
					}
					ctx := context.Background()
					switch op {
					case "start":
						s.final = http.StatusBadRequest
						_, err = c.Start(ctx, app, onRetry)
					case "wait":
						s.authJSON = fmt.Sprintf(`{"device_code":%q,"user_code":"729703","verification_uri":"%s/verify","expires_in":300,"interval":5}`, echoDeviceCode, s.srv.URL)
						var dc DeviceCode
						if dc, err = c.Start(ctx, app, nil); err != nil {
							t.Fatal(err)
						}
						_, err = c.Wait(ctx, app, dc, func(ev PollEvent) {
							if ev.Err != nil {
								texts = append(texts, ev.Err.Error(), fmt.Sprintf("%+v", ev))
							}
						})
					case "identify":
						g := Grant{AccessToken: store.NewSecret(echoAccess), RefreshToken: store.NewSecret(echoRefresh)}
						_, err = c.Identify(ctx, app, g, onRetry)
					}
					if err == nil {
						t.Fatal("no error")
					}
					texts = append(texts, err.Error(), fmt.Sprintf("%+v", err))
					if len(texts) < 3 {
						t.Errorf("%d texts, want the transient one and the final one", len(texts))
					}
					redacted := false
					for _, txt := range texts {
						for _, f := range forbidden {
							if strings.Contains(txt, f) {
								t.Errorf("%q holds %q", txt, f)
							}
						}
						redacted = redacted || strings.Contains(txt, "[redacted]")
					}
					if !redacted && !(op == "start" && (item == "authorization" || item == "body" || item == "body, lower-case escapes" || item == "form values")) {
						// Start sends no secret: only the items made of
						// the secret echo one.
						t.Errorf("nothing redacted in %q: the echo did not happen", texts)
					}
				})
			}
		}
	}
}
