package flows

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestStartAcceptsWhatParserAccepts: Start accepts a device authorization
// answer exactly when parseDeviceAuth does (so FuzzParseDeviceAuth covers
// what Start accepts), with the same interval and lifetime. Fractional
// intervals and numeric strings once passed the parser and then failed in
// x/oauth2's stricter decoding.
func TestStartAcceptsWhatParserAccepts(t *testing.T) {
	const fields = `"device_code":"dc-FAKE-x","user_code":"ABCD","verification_uri":"%s/v"`
	for _, tc := range []struct {
		name string
		rest string // after the fields
	}{
		{"fractional interval", `"expires_in":300,"interval":2.5`},
		{"string expires_in", `"expires_in":"300","interval":5`},
		{"string interval", `"expires_in":300,"interval":"3"`},
		{"fractional expires_in", `"expires_in":299.5`},
		{"exponent", `"expires_in":3e2,"interval":1e0`},
		{"interval null", `"expires_in":300,"interval":null`},
		{"misspelled verification_url", `"verification_url":"http://127.0.0.1/x","expires_in":60`},
		{"integers", `"expires_in":300,"interval":5`},
		{"interval junk", `"expires_in":300,"interval":"soon"`},
		{"expires_in object", `"expires_in":{}`},
		{"expires_in absent", `"interval":5`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body string
			h := newHostile(t, false, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, body)
			}, okToken)
			body = "{" + fmt.Sprintf(fields, h.srv.URL) + "," + tc.rest + "}"
			da, perr := parseDeviceAuth(200, http.Header{}, []byte(body), true)
			sent := h.clock.Now()
			dc, serr := h.client.Start(context.Background(), testApp(), nil)
			if (perr == nil) != (serr == nil) {
				t.Fatalf("parseDeviceAuth: %v; Start: %v", perr, serr)
			}
			if perr != nil {
				if !strings.Contains(serr.Error(), perr.Error()) {
					t.Errorf("Start: %q, want the parser's %q", serr, perr)
				}
				return
			}
			if dc.Interval != da.interval || dc.Expiry.Sub(sent) != da.expiresIn || dc.UserCode != da.resp.UserCode || dc.deviceCode.Reveal() != da.resp.DeviceCode {
				t.Errorf("DeviceCode %+v, parser %v %v", dc, da.interval, da.expiresIn)
			}
		})
	}
}

// TestStartRequest: Start POSTs client_id and scope (space separated) as a
// form, and no client authentication.
func TestStartRequest(t *testing.T) {
	var got *http.Request
	var form url.Values
	h := newHostile(t, false, func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		got, form = r, r.PostForm
		fmt.Fprintf(w, `{"device_code":"dc-FAKE-x","user_code":"U","verification_uri":"http://%s/v","expires_in":60}`, r.Host)
	}, okToken)
	if _, err := h.client.Start(context.Background(), testApp(), nil); err != nil {
		t.Fatal(err)
	}
	if got.Method != http.MethodPost || got.URL.Path != deviceAuthPath {
		t.Errorf("%s %s", got.Method, got.URL.Path)
	}
	if ct := got.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q", ct)
	}
	if a := got.Header.Get("Accept"); a != "application/json" {
		t.Errorf("Accept %q", a)
	}
	want := url.Values{"client_id": {testClientID}, "scope": {strings.Join(presenceScopes, " ")}}
	if form.Encode() != want.Encode() {
		t.Errorf("form %q, want %q", form.Encode(), want.Encode())
	}
	if a := got.Header.Get("Authorization"); a != "" {
		t.Errorf("Authorization header sent to the authorize endpoint")
	}
}
