package flows

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
)

// fuzzNow is the "now" of the token parser under fuzzing.
var fuzzNow = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// checkDisplayable fails when an error text could mislead a terminal or
// carries a whole body.
func checkDisplayable(t *testing.T, what, s string) {
	t.Helper()
	if len(s) > 2000 {
		t.Fatalf("%s is %d bytes long", what, len(s))
	}
	for _, r := range s {
		if unicode.IsControl(r) || invisible(r) {
			t.Fatalf("%s holds control character %U: %q", what, r, s)
		}
	}
}

// secretValues returns the string values of keys in a JSON body, the
// things no error may quote.
func secretValues(body []byte, keys ...string) []string {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	var out []string
	for _, k := range keys {
		if s, ok := m[k].(string); ok && len(s) >= 8 {
			out = append(out, s)
		}
	}
	return out
}

func FuzzParseDeviceAuth(f *testing.F) {
	f.Add(200, "application/json", []byte(`{"device_code":"dc-FAKE-1234567890","user_code":"ABCD-1234","verification_uri":"https://oauth-helper-a.wbx2.com/helperservice/v1/actions/device/verify","verification_uri_complete":"https://oauth-helper-a.wbx2.com/helperservice/v1/actions/device/verify?usercode=3f1a","expires_in":300,"interval":2}`), false)
	f.Add(200, "application/json", []byte(`{"device_code":"d","user_code":"u","verification_url":"http://127.0.0.1:8080/verify","expires_in":"1800","interval":0}`), true)
	f.Add(200, "application/json", []byte(`{"device_code":"d","user_code":"u","verification_uri":"http://localhost/v","verification_uri_complete":"http://evil.example/v?c=1","expires_in":60,"interval":2.5}`), true)
	f.Add(200, "application/json", []byte(`{"device_code":"d","user_code":"\u001b[31mX","verification_uri":"javascript:alert(1)","expires_in":-1,"interval":1e9}`), false)
	f.Add(200, "", []byte(`{"device_code":null,"user_code":7,"verification_uri":"https://a@b/","expires_in":1e400}`), false)
	f.Add(400, "application/json", []byte(`{"message":"Invalid client_id","errors":[{"description":"bad"}],"trackingId":"ROUTER_123"}`), false)
	f.Add(401, "application/x-www-form-urlencoded", []byte(`error=invalid_client&error_description=nope`), false)
	f.Add(503, "text/html", []byte("<html>\x1b]0;pwned\x07 overloaded</html>"), false)
	// Unusable verification_uri_complete: dropped, with a notice.
	const fine = `"device_code":"dc-FAKE-1234567890","user_code":"729703","verification_uri":"https://oauth-helper-r.wbx2.com/verify","expires_in":300,"interval":2`
	f.Add(200, "application/json", []byte(`{`+fine+`,"verification_uri_complete":"http://oauth-helper-r.wbx2.com/verify?userCode=1"}`), false)
	f.Add(200, "application/json", []byte(`{`+fine+`,"verification_uri_complete":"https://x.example/`+strings.Repeat("a", 70<<10)+`"}`), false)
	f.Add(200, "application/json", []byte(`{`+fine+`,"verification_uri_complete":"https://x.example/\u001b]8;;https://phish.example\u0007"}`), false)
	f.Add(200, "application/json", []byte(`{`+fine+`,"verification_uri_complete":"https://webex.com@phish.example/v"}`), false)
	f.Add(200, "application/json", []byte(`{`+fine+`,"verification_uri_complete":42}`), false)
	f.Add(200, "application/json", []byte(`{`+fine+`,"verification_uri_complete":null}`), false)
	f.Add(200, "application/json", []byte(`{`+fine+`,"verification_uri_complete":"scan the QR code of the verification page"}`), false)
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte, allowHTTP bool) {
		h := http.Header{"Content-Type": {contentType}}
		da, err := parseDeviceAuth(status, h, body, allowHTTP)
		if err != nil {
			checkDisplayable(t, "error", err.Error())
			for _, v := range secretValues(body, "device_code") {
				if strings.Contains(err.Error(), v) {
					t.Fatalf("error %q quotes the device code", err)
				}
			}
			return
		}
		if status < 200 || status > 299 {
			t.Fatalf("status %d accepted", status)
		}
		r := da.resp
		if r.DeviceCode == "" || len(r.DeviceCode) > maxDeviceCodeLen {
			t.Fatalf("device code of %d bytes accepted", len(r.DeviceCode))
		}
		if r.UserCode == "" || r.UserCode != Sanitize(r.UserCode) || len(r.UserCode) > maxUserCodeLen {
			t.Fatalf("user code %q accepted", r.UserCode)
		}
		for _, s := range []string{r.VerificationURI, r.VerificationURIComplete} {
			if s == "" && s == r.VerificationURIComplete {
				continue
			}
			u, err := url.Parse(s)
			if err != nil || u.Host == "" || u.User != nil || !(u.Scheme == "https" || allowHTTP && u.Scheme == "http") {
				t.Fatalf("verification URI %q accepted (allowHTTP %v)", s, allowHTTP)
			}
			if ip := net.ParseIP(u.Hostname()); u.Scheme == "http" && !strings.EqualFold(u.Hostname(), "localhost") && (ip == nil || !ip.IsLoopback()) {
				t.Fatalf("http verification URI %q to a host that is not loopback accepted", s)
			}
			if s != Sanitize(s) || strings.ContainsAny(s, " \\") {
				t.Fatalf("verification URI %q has characters a terminal may interpret", s)
			}
		}
		if da.interval < minInterval || da.interval > maxInterval || da.interval%time.Second != 0 {
			t.Fatalf("interval %v outside [1s, 60s] or fractional", da.interval)
		}
		if da.expiresIn <= 0 || da.expiresIn > maxExpiresIn {
			t.Fatalf("expires_in %v outside (0, 3600s]", da.expiresIn)
		}
		// A notice only for a dropped verification_uri_complete, and
		// then one of flows' own sentences, which quote nothing of it.
		var m struct { // keys matched as parseDeviceAuth's (case folded)
			C json.RawMessage `json:"verification_uri_complete"`
		}
		_ = json.Unmarshal(body, &m)
		sent := m.C
		var sentStr string
		present := len(sent) > 0 && string(sent) != "null" && !(json.Unmarshal(sent, &sentStr) == nil && sentStr == "")
		switch {
		case r.VerificationURIComplete != "" && da.notice != "":
			t.Fatalf("notice %q with a usable complete URI", da.notice)
		case !present && da.notice != "":
			t.Fatalf("notice %q without a complete URI", da.notice)
		case present && r.VerificationURIComplete == "" && !completeURINotices[da.notice]:
			t.Fatalf("complete URI %s dropped with notice %q", sent, da.notice)
		}
	})
}

// completeURINotices are the notices Start may give; every other text is
// a leak.
var completeURINotices = func() map[string]bool {
	m := map[string]bool{}
	for _, why := range []string{"it is too long", "it contains spaces or control characters", "it is not a URL",
		"it is not an https URL", "it has no host", "it has user info", "it is not text", "it is not usable"} {
		m[completeURINotice(why)] = true
	}
	return m
}()

// codeOracle finds the OAuth code of an error answer apart from findCode:
// ASCII case folded, a regular expression for the whole word, in the
// fields in order (RFC error, message, then each errors[].description; in
// a body that is not a JSON object and is sent as a form: error, then
// message).
var codeOracle = regexp.MustCompile(`(?:^|[^a-z0-9_])(authorization_pending|slow_down|access_denied|expired_token|invalid_grant|invalid_client|tokenlimit_reached|unsupported_grant_type|invalid_request)(?:[^a-z0-9_]|$)`)

func oracleCode(form bool, body []byte) string {
	var texts []string
	var j struct {
		Error   any             `json:"error"`
		Message any             `json:"message"`
		Errors  json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &j) == nil {
		texts = []string{stringOf(j.Error), stringOf(j.Message)}
		var errs []struct {
			Description any `json:"description"`
		}
		_ = json.Unmarshal(j.Errors, &errs)
		for _, d := range errs {
			texts = append(texts, stringOf(d.Description))
		}
	} else if form {
		if v, err := url.ParseQuery(string(body)); err == nil {
			texts = []string{v.Get("error"), v.Get("message")}
		}
	}
	for _, t := range texts {
		lower := strings.Map(func(r rune) rune {
			if 'A' <= r && r <= 'Z' {
				return r + 'a' - 'A'
			}
			return r
		}, t)
		if m := codeOracle.FindStringSubmatch(lower); m != nil {
			return m[1]
		}
	}
	return ""
}

func FuzzParseTokenResponse(f *testing.F) {
	f.Add(200, "", false, []byte(`{"access_token":"tok-FAKE-abc","expires_in":1209599,"refresh_token":"ref-FAKE-def","refresh_token_expires_in":7775999,"token_type":"Bearer"}`))
	f.Add(200, "", false, []byte(`{"access_token":"tok-FAKE-abc","token_type":"mac","expires_in":"12"}`))
	f.Add(200, "", false, []byte(`{"access_token":"tok FAKE\nx"}`))
	f.Add(200, "", false, []byte(`not json`))
	f.Add(200, "", false, []byte(`{"access_token":"tok-FAKE-abc"`))
	f.Add(428, "", false, []byte(`{"message":"The user has not yet completed authorization.","errors":[{"description":"pending"}],"trackingId":"ROUTER_1"}`))
	f.Add(400, "", false, []byte(`{"error":"authorization_pending"}`))
	f.Add(400, "", false, []byte(`{"error":"slow_down"}`))
	f.Add(400, "", false, []byte(`{"error":"expired_token","error_description":"The device code has expired."}`))
	f.Add(400, "", false, []byte(`{"error":"access_denied"}`))
	f.Add(401, "", false, []byte(`{"error":"invalid_client","message":"Bad secret"}`))
	// Webex-shaped: the code in message or errors[].description.
	f.Add(400, "", false, []byte(`{"message":"slow_down","errors":[{"description":"slow_down"}],"trackingId":"ROUTER_5F3A"}`))
	f.Add(400, "", false, []byte(`{"message":"Bad Request","errors":[{"description":"x"},{"description":"TokenLimit_Reached"}]}`))
	f.Add(400, "", false, []byte(`{"message":"invalid_grant","errors":[{"description":"The device code has expired."}]}`))
	f.Add(400, "", false, []byte(`{"message":"invalid_grant: already used"}`))
	f.Add(400, "", false, []byte(`{"message":"Request failed (access_denied): see docs"}`))
	f.Add(400, "", false, []byte(`{"message":"xslow_downs unsupported_grant_types invalid_requests"}`))
	f.Add(400, "", false, []byte(`{"error":"invalid_scope","message":"invalid_request"}`))
	f.Add(400, "", true, []byte(`error=unsupported_grant_type&error_description=nope`))
	f.Add(400, "", true, []byte(`message=INVALID_CLIENT`))
	f.Add(503, "", false, []byte(`{"message":"access_denied by the balancer"}`))
	f.Add(408, "", false, []byte(`{"message":"slow_down"}`))
	f.Add(400, "", true, []byte(`{"errors":1,"m":"&error=slow_down","message":"access_denied"}`))
	f.Add(429, "120", false, []byte(``))
	f.Add(429, "Wed, 21 Oct 2015 07:28:00 GMT", false, []byte(`{}`))
	f.Add(503, "99999999999999999999", false, []byte(`{"message":"\x1b[2J\u202eoverloaded","trackingId":7}`))
	f.Fuzz(func(t *testing.T, status int, retryAfter string, form bool, body []byte) {
		ct := "application/json"
		if form {
			ct = "application/x-www-form-urlencoded"
		}
		h := http.Header{"Retry-After": {retryAfter}, "Content-Type": {ct}}
		a := parseTokenResponse(status, h, body, fuzzNow)
		if a.kind < kindPending || a.kind > kindFailed {
			t.Fatalf("kind %d", a.kind)
		}
		if a.retryAfter < 0 || a.retryAfter > maxRetryAfter {
			t.Fatalf("retryAfter %v", a.retryAfter)
		}
		ok := status >= 200 && status <= 299
		switch {
		case ok && a.kind != kindDone && a.kind != kindUnreadable:
			t.Fatalf("2xx classified %d", a.kind)
		case !ok && (a.kind == kindDone || a.kind == kindUnreadable):
			t.Fatalf("status %d classified %d", status, a.kind)
		case !ok && a.werr == nil:
			t.Fatalf("status %d without a WebexError", status)
		}
		if !ok {
			// The code is the one the oracle finds (when the body is
			// read the way the oracle reads it), and in a 4xx it decides.
			if want := oracleCode(form, body); want != "" && a.werr.Code != want {
				t.Fatalf("code %q, the oracle finds %q", a.werr.Code, want)
			}
			if k, known := codeKinds[a.werr.Code]; known && status >= 400 && status <= 499 && !transientStatus(status) {
				if a.werr.Code == errInvalidGrant && a.werr.saysExpired {
					k = kindExpired
				}
				if a.kind != k {
					t.Fatalf("code %q in a %d classified %d, want %d", a.werr.Code, status, a.kind, k)
				}
			}
			if transientStatus(status) && a.kind != kindTransient {
				t.Fatalf("%d classified %d: the status decides", status, a.kind)
			}
		}
		if a.kind == kindDone {
			tok := a.token
			if tok == nil || !isTokenString(tok.AccessToken) || tok.AccessToken == "" || tok.TokenType != "Bearer" {
				t.Fatalf("bad token accepted: %+v", tok)
			}
			if tok.RefreshToken != "" && !isTokenString(tok.RefreshToken) {
				t.Fatalf("bad refresh token accepted")
			}
			if !tok.Expiry.IsZero() && tok.Expiry.Before(fuzzNow) {
				t.Fatalf("token expired on arrival: %v", tok.Expiry)
			}
			g := grantFrom(tok, testApp(), fuzzNow)
			if !g.RefreshTokenExpiry.IsZero() && g.RefreshTokenExpiry.Before(fuzzNow) {
				t.Fatalf("refresh token expired on arrival")
			}
			for _, s := range g.Scopes {
				checkDisplayable(t, "scope", s)
			}
		}
		if a.werr != nil {
			msg := a.werr.Error()
			checkDisplayable(t, "WebexError", msg)
			if len(msg) > 700 {
				t.Fatalf("WebexError of %d bytes", len(msg))
			}
		}
		checkDisplayable(t, "reason", a.reason)
		for _, v := range secretValues(body, "access_token", "refresh_token") {
			if strings.Contains(a.reason, v) {
				t.Fatalf("reason %q quotes a token", a.reason)
			}
		}
	})
}

// FuzzLinkHeader: the Link header of a user page never makes Identify
// send the bearer token to another scheme or host, whatever the header
// and the current page, and splitLinks loses nothing.
func FuzzLinkHeader(f *testing.F) {
	f.Add(true, "v1/people?max=1000", `<https://webexapis.com/v1/people?max=1000&cursor=abc>; rel="next"`)
	f.Add(true, "", `</v1/people?cursor=a,b>; rel="prev", </v1/people?cursor=c>; rel="next first"`)
	f.Add(true, "v1/people", `<https://evil.example/v1/people>; rel=next`)
	f.Add(true, "v1/people", `<//evil.example/steal>; rel="next"`)
	f.Add(true, "v1/people", `<http://webexapis.com/v1/people>; rel="next"`)
	f.Add(false, "v1/people", `<https://127.0.0.1:8080/v1/people>; rel="next"`)
	f.Add(false, "%zz", `<x>; rel="next"`)
	f.Add(true, "v1/people", `<https://webexapis.com@evil.example/>; rel="next"`)
	f.Add(true, "v1/people", `<<<>>>,,;;rel=next;rel="NEXT"`)
	f.Fuzz(func(t *testing.T, https bool, path, link string) {
		base := "https://webexapis.com"
		if !https {
			base = "http://127.0.0.1:8080"
		}
		c, err := NewClient(Config{BaseURL: base})
		if err != nil {
			t.Fatal(err)
		}
		if parts := splitLinks(link); strings.Join(parts, ",") != link {
			t.Fatalf("splitLinks(%q) = %q loses text", link, parts)
		}
		h := http.Header{"Link": {link}}
		current := c.endpoint("/" + path)
		for range 3 { // follow the chain as countPeople would
			next, err := c.nextLink(h, current)
			if err != nil {
				checkDisplayable(t, "error", err.Error())
				return
			}
			if next == "" {
				return
			}
			req, err := http.NewRequest(http.MethodGet, next, nil)
			if err != nil {
				return // getJSON fails before sending anything
			}
			if req.URL.Scheme != c.base.Scheme || req.URL.Host != c.base.Host {
				t.Fatalf("next link %q (from %q, page %q) leaves %s", next, link, current, base)
			}
			current = next
		}
	})
}

// FuzzParseCatalog: a catalog either fails, with errors that are safe to
// display and quote no secret, or yields apps that Start and Wait can use:
// id, name, client_id, scopes (none of them OpenID Connect) and a secret.
func FuzzParseCatalog(f *testing.F) {
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("sec-FAKE-file-0123456789\n"), 0o600); err != nil {
		f.Fatal(err)
	}
	f.Add(DefaultCatalogJSON())
	f.Add([]byte(`{"apps":[{"id":"presence","name":"P","client_id":"C1","client_secret_file":"secret.txt","scopes":["spark-admin:people_read"]}]}`))
	f.Add([]byte(`{"apps":[{"id":"sso","name":"S","client_id":"C2","client_secret_env":"UNSET_SSO","scopes":["openid","email","profile"]}]}`))
	f.Add([]byte(`{"apps":[{"id":"a","name":"A","client_id":"C","client_secret_env":"X","scopes":["s"]},{"id":"a","name":"A","client_id":"C","client_secret_env":"X","scopes":["s","s"]}]}`))
	f.Add([]byte(`{"apps":[{"id":"A B","name":"\u001b[31mx","client_id":"C 1","client_secret_env":"X","client_secret_file":"nope\u202e","scopes":[]}],"extra":1}`))
	f.Add([]byte(`{"apps":[{"id":"a","name":"A","client_id":"C","client_secret_file":"missing\u001b]0;t\u0007","scopes":["s"],"note":"\u202e"}]}`))
	f.Add([]byte(`{"apps":[]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Only files under dir may be read: a fuzzed path could name a
		// device that blocks (/dev/tty) or a file outside the test.
		var top map[string]json.RawMessage
		var apps []map[string]json.RawMessage
		if json.Unmarshal(data, &top) == nil && json.Unmarshal(top["apps"], &apps) == nil {
			for _, a := range apps {
				var p string
				if json.Unmarshal(a["client_secret_file"], &p) == nil && (filepath.IsAbs(p) || strings.Contains(p, "..")) {
					t.Skip()
				}
			}
		}
		getenv := func(name string) string {
			if strings.HasPrefix(name, "UNSET") {
				return ""
			}
			return "sec-FAKE-env-" + name
		}
		cat, err := ParseCatalog(bytes.NewReader(data), dir, getenv)
		if err != nil {
			if len(cat.Apps) != 0 {
				t.Fatalf("apps returned with an error")
			}
			var leaves []error
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				leaves = j.Unwrap()
			} else {
				leaves = []error{err}
			}
			for _, e := range leaves {
				var ce *CatalogError
				if !errors.As(e, &ce) {
					t.Fatalf("error %q is not a *CatalogError", e)
				}
				checkDisplayable(t, "catalog error", e.Error())
				if strings.Contains(e.Error(), "sec-FAKE") {
					t.Fatalf("catalog error %q quotes a secret", e)
				}
			}
			return
		}
		if len(cat.Apps) == 0 {
			t.Fatal("a catalog without apps accepted")
		}
		ids := map[string]bool{}
		for _, a := range cat.Apps {
			switch {
			case a.ID == "" || !appIDPattern.MatchString(a.ID) || ids[a.ID]:
				t.Fatalf("app id %q accepted (duplicate: %v)", a.ID, ids[a.ID])
			case a.Name == "" || a.Name != Sanitize(a.Name):
				t.Fatalf("app %s: name %q accepted", a.ID, a.Name)
			case a.ClientID == "":
				t.Fatalf("app %s: empty client_id accepted", a.ID)
			case len(a.Scopes) == 0:
				t.Fatalf("app %s: no scopes accepted", a.ID)
			case a.Secret.IsZero() || a.SecretSource == "":
				t.Fatalf("app %s: no secret accepted", a.ID)
			}
			ids[a.ID] = true
			for _, s := range a.Scopes {
				if s == "" || oidcScopes[s] {
					t.Fatalf("app %s: scope %q accepted", a.ID, s)
				}
			}
			if err := checkApp(a, true); err != nil {
				t.Fatalf("app %s accepted by the catalog, refused by Start/Wait: %v", a.ID, err)
			}
			checkDisplayable(t, "secret source", a.SecretSource)
		}
	})
}
