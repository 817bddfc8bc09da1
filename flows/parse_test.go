package flows

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseTokenResponse(t *testing.T) {
	webexBody := func(msg string) string {
		return `{"message":"` + msg + `","errors":[{"description":"` + msg + `"}],"trackingId":"ROUTER_ABC"}`
	}
	for _, tc := range []struct {
		name       string
		status     int
		retryAfter string
		body       string
		want       pollKind
	}{
		{"token", 200, "", `{"access_token":"tok-FAKE-1","expires_in":1209599,"refresh_token":"ref-FAKE-1","refresh_token_expires_in":7775999,"token_type":"Bearer"}`, kindDone},
		{"token without type", 200, "", `{"access_token":"tok-FAKE-1"}`, kindDone},
		{"empty 200", 200, "", ``, kindUnreadable},
		{"html 200", 200, "", `<html>`, kindUnreadable},
		{"200 without access_token", 200, "", `{"token_type":"Bearer"}`, kindUnreadable},
		{"200 null", 200, "", `null`, kindUnreadable},
		{"200 token with newline", 200, "", `{"access_token":"tok\nX"}`, kindUnreadable},
		{"200 non-bearer", 200, "", `{"access_token":"t","token_type":"mac"}`, kindUnreadable},
		{"webex 428", 428, "", webexBody("The user has not yet completed authorization."), kindPending},
		{"428 empty body", 428, "", ``, kindPending},
		{"rfc pending", 400, "", `{"error":"authorization_pending"}`, kindPending},
		{"slow_down", 400, "", `{"error":"slow_down"}`, kindSlowDown},
		{"access_denied", 400, "", `{"error":"access_denied"}`, kindDenied},
		{"expired_token", 400, "", `{"error":"expired_token"}`, kindExpired},
		{"invalid_client 400", 400, "", `{"error":"invalid_client"}`, kindInvalidClient},
		{"401", 401, "", webexBody("Unauthorized"), kindInvalidClient},
		{"403", 403, "", webexBody("Forbidden"), kindDenied},
		{"429", 429, "3", ``, kindRateLimited},
		{"408", 408, "", ``, kindTransient},
		{"500", 500, "", ``, kindTransient},
		{"503 with retry-after", 503, "20", webexBody("overloaded"), kindTransient},
		{"504", 504, "", `<html>gateway</html>`, kindTransient},
		{"404", 404, "", webexBody("Not Found"), kindFailed},
		{"400 other", 400, "", `{"error":"invalid_grant"}`, kindInvalidGrant},
		{"302", 302, "", ``, kindFailed},
		{"form body", 400, "", `error=slow_down`, kindFailed}, // JSON content type: not read as a form
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{"Content-Type": {"application/json"}}
			if tc.retryAfter != "" {
				h.Set("Retry-After", tc.retryAfter)
			}
			a := parseTokenResponse(tc.status, h, []byte(tc.body), fuzzNow)
			if a.kind != tc.want {
				t.Fatalf("kind %d, want %d", a.kind, tc.want)
			}
			if tc.status != 200 && a.werr == nil {
				t.Fatal("no WebexError")
			}
			if strings.Contains(tc.body, "ROUTER_ABC") && a.werr.TrackingID != "ROUTER_ABC" {
				t.Errorf("trackingId %q", a.werr.TrackingID)
			}
		})
	}
	a := parseTokenResponse(200, nil, []byte(`{"access_token":"tok-FAKE-1","expires_in":"60","refresh_token_expires_in":7775999,"scope":"a:b c:d"}`), fuzzNow)
	if a.token.Expiry != fuzzNow.Add(time.Minute) || a.token.Extra("refresh_token_expires_in") != 7775999.0 {
		t.Errorf("token %+v", a.token)
	}
	if g := grantFrom(a.token, testApp(), fuzzNow); g.Scopes[1] != "c:d" || g.RefreshTokenExpiry != fuzzNow.Add(7775999*time.Second) {
		t.Errorf("grant scopes %v, refresh expiry %v", g.Scopes, g.RefreshTokenExpiry)
	}
	a = parseTokenResponse(400, http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, []byte(`error=slow_down`), fuzzNow)
	if a.kind != kindSlowDown {
		t.Errorf("form-encoded slow_down: kind %d", a.kind)
	}
}

func TestParseRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"-5", 0},
		{"7", 7 * time.Second},
		{" 12 ", 12 * time.Second},
		{"99999999999999999999", 0}, // overflows ParseInt: not a number, not a date
		{"86400", maxRetryAfter},
		{fuzzNow.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{fuzzNow.Add(-time.Hour).Format(http.TimeFormat), 0},
		{fuzzNow.Add(48 * time.Hour).Format(http.TimeFormat), maxRetryAfter},
		{"soon", 0},
	} {
		if got := parseRetryAfter(tc.in, fuzzNow); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseDeviceAuth(t *testing.T) {
	const ok = `"device_code":"dc-FAKE-1","user_code":"ABCD-1234","verification_uri":"https://idbroker.webex.com/verify"`
	for _, tc := range []struct {
		name      string
		body      string
		allowHTTP bool
		interval  time.Duration
		expiresIn time.Duration
		err       string // substring of the error; "" for success
	}{
		{"webex", `{` + ok + `,"verification_uri_complete":"https://idbroker.webex.com/verify?usercode=abc","expires_in":300,"interval":2}`, false, 2 * time.Second, 300 * time.Second, ""},
		{"interval absent", `{` + ok + `,"expires_in":300}`, false, 5 * time.Second, 300 * time.Second, ""},
		{"interval 0", `{` + ok + `,"expires_in":300,"interval":0}`, false, 5 * time.Second, 300 * time.Second, ""},
		{"interval negative", `{` + ok + `,"expires_in":300,"interval":-4}`, false, time.Second, 300 * time.Second, ""},
		{"interval huge", `{` + ok + `,"expires_in":300,"interval":3600}`, false, time.Minute, 300 * time.Second, ""},
		{"interval fractional", `{` + ok + `,"expires_in":300,"interval":1.2}`, false, 2 * time.Second, 300 * time.Second, ""},
		{"interval string", `{` + ok + `,"expires_in":300,"interval":"3"}`, false, 3 * time.Second, 300 * time.Second, ""},
		{"interval junk", `{` + ok + `,"expires_in":300,"interval":"soon"}`, false, 0, 0, "malformed"},
		{"expires huge", `{` + ok + `,"expires_in":1e12}`, false, 5 * time.Second, time.Hour, ""},
		{"expires zero", `{` + ok + `,"expires_in":0}`, false, 0, 0, "expires_in not positive"},
		{"expires negative", `{` + ok + `,"expires_in":-30}`, false, 0, 0, "expires_in not positive"},
		{"expires absent", `{` + ok + `}`, false, 0, 0, "expires_in missing"},
		{"misspelled verification_url", `{"device_code":"d","user_code":"u","verification_url":"https://x.example/v","expires_in":60}`, false, 5 * time.Second, time.Minute, ""},
		{"no device_code", `{"user_code":"u","verification_uri":"https://x.example/v","expires_in":60}`, false, 0, 0, "device_code missing"},
		{"no user_code", `{"device_code":"d","user_code":"\u001b[0m","verification_uri":"https://x.example/v","expires_in":60}`, false, 0, 0, "user_code missing"},
		{"no verification_uri", `{"device_code":"d","user_code":"u","expires_in":60}`, false, 0, 0, "verification_uri missing"},
		{"http uri", `{"device_code":"d","user_code":"u","verification_uri":"http://x.example/v","expires_in":60}`, false, 0, 0, "not an absolute https URL"},
		{"http uri on loopback", `{"device_code":"d","user_code":"u","verification_uri":"http://127.0.0.1:9/v","expires_in":60}`, true, 5 * time.Second, time.Minute, ""},
		{"http uri on loopback, localhost", `{"device_code":"d","user_code":"u","verification_uri":"http://localhost:9/v","expires_in":60}`, true, 5 * time.Second, time.Minute, ""},
		{"http uri on loopback, 127/8", `{"device_code":"d","user_code":"u","verification_uri":"http://127.8.9.10/v","expires_in":60}`, true, 5 * time.Second, time.Minute, ""},
		{"http uri on loopback, ::1", `{"device_code":"d","user_code":"u","verification_uri":"http://[::1]:9/v","expires_in":60}`, true, 5 * time.Second, time.Minute, ""},
		{"https uri to any host on loopback", `{"device_code":"d","user_code":"u","verification_uri":"https://idbroker.webex.com/v","expires_in":60}`, true, 5 * time.Second, time.Minute, ""},
		{"http uri to another host on loopback", `{"device_code":"d","user_code":"u","verification_uri":"http://evil.example/v","expires_in":60}`, true, 0, 0, "http only to a loopback host"},
		{"http uri to a LAN address on loopback", `{"device_code":"d","user_code":"u","verification_uri":"http://10.0.0.1/v","expires_in":60}`, true, 0, 0, "http only to a loopback host"},
		{"http uri to a look-alike host on loopback", `{"device_code":"d","user_code":"u","verification_uri":"http://127.0.0.1.evil.example/v","expires_in":60}`, true, 0, 0, "http only to a loopback host"},
		{"relative uri", `{"device_code":"d","user_code":"u","verification_uri":"/verify","expires_in":60}`, false, 0, 0, "not an absolute https URL"},
		{"javascript uri", `{"device_code":"d","user_code":"u","verification_uri":"javascript:alert(1)","expires_in":60}`, true, 0, 0, "not an absolute https URL"},
		{"userinfo uri", `{"device_code":"d","user_code":"u","verification_uri":"https://webex.com@evil.example/","expires_in":60}`, false, 0, 0, "user info"},
		{"escape in uri", `{"device_code":"d","user_code":"u","verification_uri":"https://x.example/\u001b]8;;","expires_in":60}`, false, 0, 0, "control characters"},
		{"not json", `<html>`, false, 0, 0, "malformed"},
		{"all wrong at once", `{"expires_in":-1}`, false, 0, 0, "device_code missing; user_code missing; verification_uri missing; expires_in not positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			da, err := parseDeviceAuth(200, http.Header{}, []byte(tc.body), tc.allowHTTP)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want ...%s...", err, tc.err)
				}
				if strings.Contains(err.Error(), "dc-FAKE") {
					t.Errorf("error %q quotes the device code", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if da.interval != tc.interval || da.expiresIn != tc.expiresIn || da.resp.Interval != int64(tc.interval/time.Second) {
				t.Errorf("interval %v expires %v, want %v %v", da.interval, da.expiresIn, tc.interval, tc.expiresIn)
			}
		})
	}
	_, err := parseDeviceAuth(400, http.Header{}, []byte(`{"message":"Invalid scope \u001b[31m","trackingId":"T1"}`), false)
	var we *WebexError
	if !errors.As(err, &we) || we.Message != "Invalid scope" || we.TrackingID != "T1" {
		t.Errorf("error answer: %#v", err)
	}
}

func TestWebexErrorText(t *testing.T) {
	big := strings.Repeat("é", 1000)
	we := parseWebexError(503, http.Header{"Trackingid": {"HDR_1"}}, []byte(`{"message":"`+big+`","errors":[{"description":"x"}]}`))
	if we.TrackingID != "HDR_1" || len(we.Message) > maxMessageLen+len("…") {
		t.Errorf("WebexError %+v", we)
	}
	we = parseWebexError(400, nil, []byte(`{"message":"bad device code dc-FAKE-123456 for client","trackingId":"T"}`), "dc-FAKE-123456")
	if strings.Contains(we.Error(), "dc-FAKE") || !strings.Contains(we.Error(), "[redacted]") {
		t.Errorf("echoed device code not redacted: %q", we)
	}
	if got := (&WebexError{Status: 404, Message: "Not found", TrackingID: "T"}).Error(); got != "webex: HTTP 404 Not Found: Not found (trackingId T)" {
		t.Errorf("Error() = %q", got)
	}
}
