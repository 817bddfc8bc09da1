package flows

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows/webextest"
)

// renderShapes writes shapes as the --debug log does: slog text lines.
func renderShapes(shapes []Shape) string {
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, nil))
	for _, s := range shapes {
		l.LogAttrs(context.Background(), slog.LevelInfo, "webex exchange", s.LogAttrs()...)
	}
	return buf.String()
}

// TestShapeHoldsNoValue runs an authorization (with a 428, a 503 with
// Retry-After, a dropped connection and the token answer carrying scope),
// the approver and the org's facts through a ShapeTransport, and checks
// that the shapes, as logged, hold no token, device or user code, secret,
// email, name or id, while they tell what a reader needs.
func TestShapeHoldsNoValue(t *testing.T) {
	e := newEnv(t, func(o *webextest.Options) { o.TokenScope = true })
	var mu sync.Mutex
	var shapes []Shape
	hc := *e.srv.Client()
	hc.Transport = &ShapeTransport{Next: hc.Transport, Now: e.clock.Now, Record: func(s Shape) {
		mu.Lock()
		shapes = append(shapes, s)
		mu.Unlock()
	}}
	c, err := NewClient(Config{BaseURL: e.srv.URL, HTTPClient: &hc, Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	dc := e.start(t)
	e.srv.FailPath(deviceTokenPath, 1, http.StatusServiceUnavailable, "3")
	e.srv.DropPolls(1)
	e.srv.ApproveAfterPolls(dc.UserCode, 2)
	g, _, err := e.wait(t, dc)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	id, err := c.Approver(context.Background(), e.app, g, nil)
	if err != nil {
		t.Fatalf("Approver: %v", err)
	}
	if _, err := c.OrgFacts(context.Background(), e.app, g, id.OrgID, nil); err != nil {
		t.Fatalf("OrgFacts: %v", err)
	}
	mu.Lock()
	log := renderShapes(shapes)
	mu.Unlock()

	issued := e.srv.Issued()
	secrets := []string{"tok-FAKE", "ref-FAKE", "dc-FAKE", testSecret, testClientID, dc.UserCode,
		url.QueryEscape(testSecret), base64.StdEncoding.EncodeToString([]byte(testClientID + ":" + testSecret)),
		issued[0].Person.Email, issued[0].Person.DisplayName, issued[0].Person.ID, id.OrgID, "Acme",
		dc.VerificationURI, dc.VerificationURIComplete, e.srv.URL}
	for _, s := range secrets {
		if s != "" && strings.Contains(log, s) {
			t.Errorf("the shapes hold %q:\n%s", s, log)
		}
	}
	for _, want := range []string{
		`path=/v1/device/authorize`, `form="client_id scope"`,
		`path=/v1/device/token`, `form="client_id device_code grant_type"`, "req_headers=\"Accept Authorization Content-Type\"",
		`status=428`, `status=503`, `retry_after=3`, `no_answer=reset`,
		`access_token: string`, `scope: string`, `expires_in: number`,
		`path=/v1/people/me`, `emails[]: string`, `path=/v1/organizations/{id}`, `tracking_id=`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the shapes lack %q:\n%s", want, log)
		}
	}
}

func TestMaskPath(t *testing.T) {
	for in, want := range map[string]string{
		"":                                    "/",
		"/v1/device/token":                    "/v1/device/token",
		"/v1/people/me":                       "/v1/people/me",
		"/v1/people/Y2lzY29zcGFyazovL3VzL1BF": "/v1/people/{id}",
		"/v1/organizations/abc/":              "/v1/organizations/{id}/",
		"/jane.doe@acme.example/v1":           "/{id}/v1",
	} {
		if got := maskPath(in); got != want {
			t.Errorf("maskPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBodyShape(t *testing.T) {
	for _, tc := range []struct {
		body        string
		keys, codes []string
		kind        string
	}{
		{``, nil, nil, "empty"},
		{`{"message":"slow_down","errors":[{"description":"slow_down"}],"trackingId":"ROUTER_1"}`,
			[]string{"(top): object", "errors: array", "errors[].description: string", "errors[]: object", "message: string", "trackingId: string"},
			[]string{"slow_down"}, "json"},
		{`{"expires_in":"300","interval":2,"ok":true,"x":null,"jane@acme.example":"v"}`,
			[]string{"(top): object", "expires_in: string(number)", "interval: number", "ok: bool", "x: null", "{key}: string"}, nil, "json"},
		{`{"message":"The device code has expired."}`, []string{"(top): object", "message: string"}, []string{"text says expired"}, "json"},
		{`<html>invalid_grant</html>`, nil, []string{"invalid_grant"}, "not json"},
		{`error=access_denied&error_description=no`, []string{"error: string", "error_description: string"}, []string{"access_denied"}, "form"},
	} {
		keys, codes, kind := bodyShape([]byte(tc.body))
		if !slices.Equal(keys, tc.keys) || !slices.Equal(codes, tc.codes) || kind != tc.kind {
			t.Errorf("%s:\n got %q %q %q\nwant %q %q %q", tc.body, keys, codes, kind, tc.keys, tc.codes, tc.kind)
		}
	}
}

// stringsOf collects the string values and the keys of a JSON value.
func stringsOf(v any, vals, keys *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			*keys = append(*keys, k)
			stringsOf(e, vals, keys)
		}
	case []any:
		for _, e := range x {
			stringsOf(e, vals, keys)
		}
	case string:
		*vals = append(*vals, x)
	}
}

// FuzzBodyShape: whatever the body, its shape is bounded and holds none of
// its string values, except where a value is also a key or one of the
// shape's own words (an OAuth code found is one).
func FuzzBodyShape(f *testing.F) {
	f.Add([]byte(`{"access_token":"tok-FAKE-abcdef","refresh_token":"ref-FAKE-xyz123","scope":"spark-admin:people_read"}`))
	f.Add([]byte(`{"emails":["jane@acme.example"],"displayName":"Jane Doe","id":"Y2lzY29zcGFyazovL3VzL1BFT1BMRS8x"}`))
	f.Add([]byte(`{"message":"invalid_grant","errors":[{"description":"The device code has expired."}],"trackingId":"ROUTER_5F3A"}`))
	f.Add([]byte(`{"device_code":"dc-FAKE-0123456789","user_code":"729703","expires_in":"300"}`))
	f.Add([]byte(`[{"a":{"b":[["deep-secret-value"]]}}]`))
	f.Add([]byte(`error=slow_down&secret=hunter22`))
	f.Fuzz(func(t *testing.T, body []byte) {
		keys, codes, kind := bodyShape(body)
		if len(keys) > maxShapeKeys || len(codes) > len(oauthCodes)+1 {
			t.Fatalf("%d keys, %d codes", len(keys), len(codes))
		}
		var s Shape
		s.Keys, s.Codes, s.Body = keys, codes, kind
		out := renderShapes([]Shape{s})
		if kind != "json" {
			return
		}
		var v any
		if json.Unmarshal(body, &v) != nil {
			return
		}
		var vals, jkeys []string
		stringsOf(v, &vals, &jkeys)
		words := strings.Join(jkeys, "\n") + "\n" + strings.Join(codes, "\n") +
			"\n(top): object array string(number) number bool null {key} header_ms total_ms keys codes body level INFO msg webex exchange method path time"
		for _, val := range vals {
			if len(val) < 6 || strings.Contains(words, val) {
				continue
			}
			if strings.Contains(out, val) {
				t.Fatalf("shape of %q holds the value %q:\n%s", body, val, out)
			}
		}
	})
}

// TestShapeTransportTimes: the timings come from the transport's clock.
func TestShapeTransportTimes(t *testing.T) {
	e := newEnv(t, nil)
	var got []Shape
	hc := *e.srv.Client()
	hc.Transport = &ShapeTransport{Next: &slowTransport{next: hc.Transport, clock: e.clock, rtt: 150 * time.Millisecond}, Now: e.clock.Now,
		Record: func(s Shape) { got = append(got, s) }}
	c, err := NewClient(Config{BaseURL: e.srv.URL, HTTPClient: &hc, Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Start(context.Background(), e.app, nil); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Header != 150*time.Millisecond || got[0].Total != 150*time.Millisecond || got[0].Status != 200 {
		t.Errorf("shapes %+v, want one 200 in 150 ms", got)
	}
}
