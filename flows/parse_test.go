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

// TestTokenErrorCodes: every OAuth code Webex documents for its token
// endpoint is found in every shape an answer may give it: RFC 6749's
// "error" (JSON or form-encoded), Webex's "message" or any
// "errors[].description", in any case, inside a sentence as a whole
// word; never as part of another word.
func TestTokenErrorCodes(t *testing.T) {
	codes := []struct {
		code string
		kind pollKind
	}{
		{"authorization_pending", kindPending},
		{"slow_down", kindSlowDown},
		{"access_denied", kindDenied},
		{"expired_token", kindExpired},
		{"invalid_grant", kindInvalidGrant},
		{"invalid_client", kindInvalidClient},
		{"tokenlimit_reached", kindTokenLimit},
		{"unsupported_grant_type", kindFailed},
		{"invalid_request", kindFailed},
	}
	const jsonCT, formCT = "application/json", "application/x-www-form-urlencoded"
	mixed := func(s string) string { // sLoW_DoWn
		b := []byte(s)
		for i := range b {
			if i%2 == 1 {
				b[i] = strings.ToUpper(string(b[i]))[0]
			}
		}
		return string(b)
	}
	shapes := []struct {
		name  string
		ct    string
		body  func(code string) string
		found bool // the code is found (else: the status decides, no Code)
	}{
		{"rfc error", jsonCT, func(c string) string { return `{"error":"` + c + `","error_description":"Something."}` }, true},
		{"webex message", jsonCT, func(c string) string { return `{"message":"` + c + `","trackingId":"ROUTER_1"}` }, true},
		{"webex message and description", jsonCT, func(c string) string {
			return `{"message":"` + c + `","errors":[{"description":"` + c + `"}],"trackingId":"ROUTER_1"}`
		}, true},
		{"second errors description", jsonCT, func(c string) string {
			return `{"message":"Bad Request","errors":[{"description":"The request failed."},{"description":"` + c + `"}],"trackingId":"ROUTER_1"}`
		}, true},
		{"form-encoded rfc", formCT, func(c string) string { return "error=" + c + "&error_description=Something." }, true},
		{"upper case", jsonCT, func(c string) string { return `{"message":"` + strings.ToUpper(c) + `"}` }, true},
		{"mixed case", jsonCT, func(c string) string { return `{"errors":[{"description":"` + mixed(c) + `"}]}` }, true},
		{"in a sentence", jsonCT, func(c string) string { return `{"message":"Token request failed (` + c + `): see the docs."}` }, true},
		{"at the end of a sentence", jsonCT, func(c string) string { return `{"message":"The answer is ` + c + `."}` }, true},
		{"prefix of a word", jsonCT, func(c string) string { return `{"message":"` + c + `s happen"}` }, false},
		{"suffix of a word", jsonCT, func(c string) string { return `{"message":"x` + c + `"}` }, false},
		{"inside a word", jsonCT, func(c string) string { return `{"errors":[{"description":"no` + c + `2"}]}` }, false},
		{"json body read as a form", jsonCT, func(c string) string { return "error=" + c }, false},
	}
	for _, c := range codes {
		for _, sh := range shapes {
			t.Run(c.code+"/"+sh.name, func(t *testing.T) {
				h := http.Header{"Content-Type": {sh.ct}}
				a := parseTokenResponse(http.StatusBadRequest, h, []byte(sh.body(c.code)), fuzzNow)
				wantKind, wantCode := c.kind, c.code
				if !sh.found {
					wantKind, wantCode = kindFailed, ""
				}
				if a.kind != wantKind || a.werr == nil || a.werr.Code != wantCode {
					t.Fatalf("kind %d, WebexError %+v; want kind %d, code %q", a.kind, a.werr, wantKind, wantCode)
				}
			})
		}
	}
}

// TestTokenErrorPrecedence: where the code is looked for first, and when
// the status decides instead.
func TestTokenErrorPrecedence(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		kind   pollKind
		code   string
	}{
		{"error before message", 400, `{"error":"slow_down","message":"access_denied"}`, kindSlowDown, "slow_down"},
		{"message before descriptions", 400, `{"message":"authorization_pending","errors":[{"description":"access_denied"}]}`, kindPending, "authorization_pending"},
		{"unknown error, code in message", 400, `{"error":"bad_thing","message":"slow_down"}`, kindSlowDown, "slow_down"},
		{"unknown error kept as the code", 400, `{"error":"invalid_scope","message":"Bad scope"}`, kindFailed, "invalid_scope"},
		{"first code of a sentence", 400, `{"message":"not slow_down but access_denied"}`, kindSlowDown, "slow_down"},
		{"invalid_grant saying expired", 400, `{"message":"invalid_grant","errors":[{"description":"The device code has EXPIRED."}]}`, kindExpired, "invalid_grant"},
		{"invalid_grant, used", 400, `{"message":"invalid_grant: the device code has already been used"}`, kindInvalidGrant, "invalid_grant"},
		{"invalid_grant, expiredness not a word", 400, `{"message":"invalid_grant: not_expired"}`, kindInvalidGrant, "invalid_grant"},
		{"401 invalid_client", 401, `{"message":"invalid_client"}`, kindInvalidClient, "invalid_client"},
		{"429 slow_down", 429, `{"message":"slow_down"}`, kindSlowDown, "slow_down"},
		{"428 Webex pending", 428, `{"message":"The user has not yet completed authorization."}`, kindPending, ""},
		{"503 words are not codes", 503, `{"message":"access_denied by the load balancer"}`, kindTransient, "access_denied"},
		{"500 words are not codes", 500, `{"message":"slow_down"}`, kindTransient, "slow_down"},
		{"odd errors keeps the message", 400, `{"message":"slow_down","errors":{"description":"x"}}`, kindSlowDown, "slow_down"},
		{"non-string fields", 400, `{"error":7,"message":["slow_down"],"errors":[{"description":{"x":1}}]}`, kindFailed, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := parseTokenResponse(tc.status, http.Header{"Content-Type": {"application/json"}}, []byte(tc.body), fuzzNow)
			if a.kind != tc.kind || a.werr.Code != tc.code {
				t.Errorf("kind %d code %q, want %d %q", a.kind, a.werr.Code, tc.kind, tc.code)
			}
		})
	}
}

// TestWebexErrorCodeNotRepeated: a message that is only the code is not
// printed twice.
func TestWebexErrorCodeNotRepeated(t *testing.T) {
	we := parseWebexError(400, nil, []byte(`{"message":"slow_down","errors":[{"description":"slow_down"}],"trackingId":"T1"}`))
	if got, want := we.Error(), "webex: HTTP 400 Bad Request: slow_down (trackingId T1)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestParseDeviceAuthOptionalComplete: an unusable
// verification_uri_complete is dropped, with a notice that says why and
// quotes none of it; an absent one gives no notice; the answer stays good.
func TestParseDeviceAuthOptionalComplete(t *testing.T) {
	const ok = `"device_code":"dc-FAKE-1","user_code":"729703","verification_uri":"https://oauth-helper-r.wbx2.com/verify","expires_in":300,"interval":2`
	good := "https://oauth-helper-r.wbx2.com/verify?userCode=" + strings.Repeat("ab", 32)
	for _, tc := range []struct {
		name      string
		complete  string // the JSON value; "" for absent
		allowHTTP bool
		want      string // the kept URI
		why       string // in the notice; "" for no notice
	}{
		{"absent", ``, false, "", ""},
		{"null", `null`, false, "", ""},
		{"empty", `""`, false, "", ""},
		{"usable", `"` + good + `"`, false, good, ""},
		{"http", `"http://oauth-helper-r.wbx2.com/verify?userCode=1"`, false, "", "it is not an https URL"},
		{"ftp", `"ftp://x.example/"`, false, "", "it is not an https URL"},
		{"relative", `"/verify?userCode=1"`, false, "", "it is not an https URL"},
		{"http to another host on a loopback base", `"http://phish.example/v?c=1"`, true, "", "it is not an https URL"},
		{"70 KB", `"https://x.example/` + strings.Repeat("a", 70<<10) + `"`, false, "", "it is too long"},
		{"control characters", `"https://x.example/\u001b]8;;https://phish.example\u0007v"`, false, "", "it contains spaces or control characters"},
		{"user info", `"https://webex.com@phish.example/v"`, false, "", "it has user info"},
		{"no host", `"https:///v"`, false, "", "it has no host"},
		{"a number", `42`, false, "", "it is not text"},
		{"an object", `{"url":"https://x.example/"}`, false, "", "it is not text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{` + ok
			if tc.complete != "" {
				body += `,"verification_uri_complete":` + tc.complete
			}
			body += `}`
			da, err := parseDeviceAuth(200, http.Header{}, []byte(body), tc.allowHTTP)
			if err != nil {
				t.Fatalf("answer refused: %v", err)
			}
			if da.resp.VerificationURIComplete != tc.want || da.resp.UserCode != "729703" || da.resp.VerificationURI == "" {
				t.Errorf("complete URI %q, want %q (user code %q, uri %q)", da.resp.VerificationURIComplete, tc.want, da.resp.UserCode, da.resp.VerificationURI)
			}
			if tc.why == "" {
				if da.notice != "" {
					t.Errorf("notice %q, want none", da.notice)
				}
				return
			}
			want := "Webex sent no usable link with the code (" + tc.why + "): scan the QR code of the verification page and type the code."
			if da.notice != want {
				t.Errorf("notice %q, want %q", da.notice, want)
			}
			for _, leak := range []string{"phish", "wbx2", "x.example", "aaaa", "42", "userCode"} {
				if strings.Contains(da.notice, leak) {
					t.Errorf("notice %q quotes the dropped URI (%q)", da.notice, leak)
				}
			}
		})
	}
	// The required fields still refuse the answer.
	for _, body := range []string{
		`{"device_code":"d","user_code":"u","verification_uri":"http://x.example/v","verification_uri_complete":"` + good + `","expires_in":60}`,
		`{"device_code":"d","user_code":"","verification_uri":"https://x.example/v","verification_uri_complete":"` + good + `","expires_in":60}`,
		`{"user_code":"u","verification_uri":"https://x.example/v","verification_uri_complete":"` + good + `","expires_in":60}`,
	} {
		if _, err := parseDeviceAuth(200, http.Header{}, []byte(body), false); err == nil {
			t.Errorf("answer %s accepted", body)
		}
	}
}
