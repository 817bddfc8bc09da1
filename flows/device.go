package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/imagicle/ucx-onboard/store"
)

// Webex device-grant endpoints, relative to the base URL.
const (
	deviceAuthPath  = "/v1/device/authorize"
	deviceTokenPath = "/v1/device/token"
)

// deviceGrantType is the grant_type of a device access token request
// (https://datatracker.ietf.org/doc/html/rfc8628#section-3.4).
const deviceGrantType = "urn:ietf:params:oauth:grant-type:device_code"

// Limits applied to a device authorization answer.
const (
	// defaultInterval is used when the answer has no interval ("If no value
	// is provided, clients MUST use 5 as the default", RFC 8628 section 3.2).
	defaultInterval = 5 * time.Second
	minInterval     = 1 * time.Second
	maxInterval     = 60 * time.Second
	// maxExpiresIn caps expires_in. Webex issues codes for 300-1800 s; a
	// larger value is clamped. A missing, zero or negative expires_in is
	// rejected: the code would be dead on arrival, and guessing a lifetime
	// would show the admin a countdown that Webex does not honour.
	maxExpiresIn     = 3600 * time.Second
	maxUserCodeLen   = 64
	maxURILen        = 2048
	maxDeviceCodeLen = 4096
	maxTokenLen      = 16 << 10
)

// Poll loop tuning.
const (
	// pollMargin is added to every wait, counted from when the previous
	// poll was sent, so that a poll never reaches the server sooner than
	// the interval after the previous one even when this one travels a
	// little faster (jitter) or the two clocks tick a little apart.
	pollMargin = 50 * time.Millisecond
	// slowDownStep is what slow_down (and a 429) adds to the interval
	// "for this and all subsequent requests" (RFC 8628 section 3.5), up
	// to maxInterval.
	slowDownStep = 5 * time.Second
	// maxRepolls is how many more times Wait polls the same code after a
	// 200 whose token could not be read, before calling it spent.
	maxRepolls = 2
	// maxBackoff caps the wait after consecutive transient failures (see
	// backoff): Wait's starts at the interval and doubles.
	maxBackoff = 60 * time.Second
)

// deviceAuth is a checked device authorization answer.
type deviceAuth struct {
	resp      oauth2.DeviceAuthResponse // Expiry unset: Start sets it from the Clock
	expiresIn time.Duration             // in (0, maxExpiresIn]
	interval  time.Duration             // in [minInterval, maxInterval]
	// notice says why verification_uri_complete was dropped (DeviceCode.Notice);
	// "" when it was usable or absent.
	notice string
}

// parseDeviceAuth checks a device authorization answer. It is a pure
// function of the answer (fuzzed by FuzzParseDeviceAuth). allowHTTP permits
// plain http verification URIs to a loopback host (only against a loopback
// base URL). A non-2xx answer gives a *WebexError; a malformed 2xx answer
// (device_code, user_code, verification_uri, expires_in or interval
// unusable) an error that names the field but never quotes the device code
// or the body. An unusable verification_uri_complete, which RFC 8628
// makes optional, is dropped and the notice says why, in words that quote
// nothing of it.
func parseDeviceAuth(status int, h http.Header, body []byte, allowHTTP bool) (deviceAuth, error) {
	if status < 200 || status > 299 {
		return deviceAuth{}, parseWebexError(status, h, body)
	}
	var aux struct {
		DeviceCode      *string `json:"device_code"`
		UserCode        *string `json:"user_code"`
		VerificationURI *string `json:"verification_uri"`
		VerificationURL *string `json:"verification_url"` // a common misspelling, as x/oauth2 accepts
		// Optional: any JSON value, so that a wrong type drops it
		// rather than the answer.
		VerificationURIComplete json.RawMessage `json:"verification_uri_complete"`
		ExpiresIn               json.Number     `json:"expires_in"`
		Interval                json.Number     `json:"interval"`
	}
	if err := json.Unmarshal(body, &aux); err != nil {
		return deviceAuth{}, fmt.Errorf("malformed device authorization answer: %s", jsonErr(err))
	}
	var da deviceAuth
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }

	switch {
	case aux.DeviceCode == nil || *aux.DeviceCode == "":
		bad("device_code missing")
	case len(*aux.DeviceCode) > maxDeviceCodeLen:
		bad("device_code longer than %d bytes", maxDeviceCodeLen)
	default:
		da.resp.DeviceCode = *aux.DeviceCode
	}

	switch {
	case aux.UserCode == nil || Sanitize(*aux.UserCode) == "":
		bad("user_code missing")
	case len(Sanitize(*aux.UserCode)) > maxUserCodeLen:
		bad("user_code longer than %d bytes", maxUserCodeLen)
	default:
		da.resp.UserCode = Sanitize(*aux.UserCode)
	}

	vu := aux.VerificationURI
	if vu == nil || *vu == "" {
		vu = aux.VerificationURL
	}
	if vu == nil || *vu == "" {
		bad("verification_uri missing")
	} else if err := checkVerificationURI(*vu, allowHTTP); err != nil {
		bad("verification_uri %v", err)
	} else {
		da.resp.VerificationURI = *vu
	}
	da.resp.VerificationURIComplete, da.notice = optionalURI(aux.VerificationURIComplete, allowHTTP)

	if aux.ExpiresIn == "" {
		bad("expires_in missing")
	} else if f, err := aux.ExpiresIn.Float64(); err != nil || math.IsNaN(f) {
		bad("expires_in not a number")
	} else if f <= 0 {
		bad("expires_in not positive")
	} else {
		da.expiresIn = clampSeconds(f, time.Second, maxExpiresIn)
	}

	da.interval = defaultInterval
	if aux.Interval != "" {
		f, err := aux.Interval.Float64()
		switch {
		case err != nil || math.IsNaN(f):
			bad("interval not a number")
		case f == 0:
			// RFC 8628 default.
		default:
			da.interval = clampSeconds(math.Ceil(f), minInterval, maxInterval)
		}
	}
	da.resp.Interval = int64(da.interval / time.Second)

	if len(errs) > 0 {
		return deviceAuth{}, fmt.Errorf("malformed device authorization answer: %s", strings.Join(errs, "; "))
	}
	return da, nil
}

// optionalURI reads verification_uri_complete: absent, null or "" gives
// ("", "") (the screen shows verification_uri and the code, no notice); a
// usable URI gives (uri, ""); anything else ("", notice), the notice
// saying in fixed words why it was dropped, never quoting it.
func optionalURI(raw json.RawMessage, allowHTTP bool) (uri, notice string) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", ""
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", completeURINotice("it is not text")
	}
	if s == "" {
		return "", ""
	}
	if err := checkVerificationURI(s, allowHTTP); err != nil {
		why := "it is not usable"
		var ue *uriError
		if errors.As(err, &ue) {
			why = ue.plain
		}
		return "", completeURINotice(why)
	}
	return s, ""
}

// completeURINotice is DeviceCode.Notice for a dropped
// verification_uri_complete; why is one of flows' own phrases.
func completeURINotice(why string) string {
	return "Webex sent no usable link with the code (" + why +
		"): scan the QR code of the verification page and type the code."
}

// clampSeconds converts f seconds to a duration in [lo, hi].
func clampSeconds(f float64, lo, hi time.Duration) time.Duration {
	switch {
	case f < lo.Seconds():
		return lo
	case f > hi.Seconds():
		return hi
	}
	return time.Duration(f * float64(time.Second))
}

// uriError is why checkVerificationURI refused a URI: Error() for the
// error of a refused answer (it may name the host), plain for a notice
// (flows' own words only).
type uriError struct {
	msg   string
	plain string // "it is ...", quoting nothing of the URI
}

func (e *uriError) Error() string { return e.msg }

// checkVerificationURI accepts an absolute https URL with a host, no user
// info and nothing a terminal would interpret. When allowHTTP (the base URL
// is http, so a loopback fake) it also accepts http, but only to a loopback
// host (localhost, 127.0.0.0/8, ::1): a fake may not send the admin to a
// plain-http page elsewhere. The error is a *uriError.
func checkVerificationURI(s string, allowHTTP bool) error {
	if len(s) > maxURILen {
		return &uriError{fmt.Sprintf("longer than %d bytes", maxURILen), "it is too long"}
	}
	if Sanitize(s) != s || strings.ContainsAny(s, " \\") {
		return &uriError{"contains spaces or control characters", "it contains spaces or control characters"}
	}
	u, err := url.Parse(s)
	if err != nil {
		return &uriError{"is not a URL", "it is not a URL"}
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && allowHTTP:
	default:
		return &uriError{"is not an absolute https URL", "it is not an https URL"}
	}
	if u.Host == "" || u.Opaque != "" {
		return &uriError{"has no host", "it has no host"}
	}
	if u.User != nil {
		return &uriError{"has user info", "it has user info"}
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return &uriError{fmt.Sprintf("is http to %s: http only to a loopback host", Sanitize(u.Hostname())), "it is not an https URL"}
	}
	return nil
}

// Start requests a device code for app: POST {base}/v1/device/authorize
// with the form fields client_id and scope (space separated); no client
// secret is sent. The answer is checked by the same rules as
// FuzzParseDeviceAuth exercises (see DeviceCode): missing device_code,
// user_code or verification_uri, a verification_uri that is not https
// (http only to a loopback host, against a loopback base URL) or a
// non-positive expires_in are errors; expires_in and interval may be JSON
// numbers or numeric strings; interval 0 means 5 s, a fraction is rounded
// up, and it is clamped to [1 s, 60 s]; expires_in is clamped to at most
// 3600 s, measured from when the answered request was sent.
// verification_uri_complete is optional (RFC 8628): when it is absent the
// DeviceCode has none; when it is unusable by the same rules (or not a
// string) it is dropped and DeviceCode.Notice says why, without quoting it.
//
// Start sends the request again after a transient failure (no answer:
// timeout, connection reset, DNS failure; 408, 423, 429 or 5xx; a 200 cut
// short), waiting 1 s, then 2 s, 4 s... or Retry-After if longer, within
// RetryBudget; each retry is reported to onRetry (nil: no reports),
// synchronously on the caller's goroutine, after the transient failure and
// before the wait (so it should return quickly). A code lost to a
// failed attempt is never shown and simply expires. Final answers (400
// such as invalid_scope, 401, 403, 404...) and an untrusted TLS
// certificate are not retried.
//
// Errors wrap ErrUnsupported (OpenID Connect scopes), ErrInvalidClient
// (401 or invalid_client: the client_id is at fault, as no secret is
// sent), ErrTokenLimit (tokenlimit_reached), ErrUnreachable (no answer,
// and retrying could not help or ran out of budget), the context's error
// (as soon as ctx is done, even between retries), or a *WebexError (any
// other error answer, including the last 429 or 5xx when the budget ran
// out: the text then starts "gave up after N attempts"). Webex's error
// codes are found as Wait finds them. The client secret appears in no
// error, in any form (see Wait).
func (c *Client) Start(ctx context.Context, app App, onRetry func(RetryEvent)) (DeviceCode, error) {
	prefix := "flows: " + app.ID + ": start"
	if err := checkApp(app, false); err != nil {
		return DeviceCode{}, newError(prefix, err)
	}
	cfg := c.oauthConfig(app, false)
	form := url.Values{
		"client_id": {cfg.ClientID},
		"scope":     {strings.Join(cfg.Scopes, " ")},
	}
	rt := c.newRetrier(opStart, app.ID)
	rt.onRetry = onRetry
	rt.secrets = redactions(app.ClientID, app.Secret.Reveal())
	var sent *sendTime
	r, err := rt.do(ctx, func(ctx context.Context) (*response, error) {
		sent = &sendTime{t: c.clock.Now()}
		ctx = httptrace.WithClientTrace(ctx, sent.trace(c.clock))
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.Endpoint.DeviceAuthURL, strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		return c.do(req)
	})
	switch {
	case err != nil:
		return DeviceCode{}, newError(prefix, err)
	case r.readErr != nil:
		return DeviceCode{}, newError(prefix, fmt.Errorf("reading the answer: %s", describeNetErr(r.readErr)))
	}
	da, err := parseDeviceAuth(r.status, r.header, r.body, c.plainHTTP)
	if err != nil {
		var we *WebexError
		if !errors.As(err, &we) {
			return DeviceCode{}, newError(prefix, err)
		}
		we = parseWebexError(r.status, r.header, r.body, rt.secrets...)
		switch {
		case we.Status == http.StatusUnauthorized || we.Code == errInvalidClient:
			// Start sends no secret: the client_id is at fault.
			return DeviceCode{}, newError(prefix, ErrInvalidClient,
				fmt.Errorf("check the client_id of app %s", app.ID), we)
		case we.Code == errTokenLimit && we.Status >= 400 && we.Status <= 499:
			return DeviceCode{}, newError(prefix, ErrTokenLimit, we)
		}
		return DeviceCode{}, newError(prefix, we)
	}
	store.RegisterSecret(store.NewSecret(da.resp.DeviceCode))
	return DeviceCode{
		AppID:                   app.ID,
		UserCode:                da.resp.UserCode,
		VerificationURI:         da.resp.VerificationURI,
		VerificationURIComplete: da.resp.VerificationURIComplete,
		Notice:                  da.notice,
		// Both from when the request was sent: Webex issued the code
		// after that, so its expiry is never earlier than this one, and a
		// first poll one interval later is never sooner than the interval
		// after the code was issued.
		IssuedAt:   sent.get(),
		Expiry:     sent.get().Add(da.expiresIn),
		Interval:   da.interval,
		deviceCode: store.NewSecret(da.resp.DeviceCode),
	}, nil
}

// checkApp checks what Start and Wait need of an app.
func checkApp(app App, needSecret bool) error {
	switch {
	case app.ID == "":
		return errors.New("app has no id")
	case app.ClientID == "":
		return errors.New("app has no client_id")
	case len(app.Scopes) == 0:
		return errors.New("app has no scopes")
	case needSecret && app.Secret.IsZero():
		return fmt.Errorf("%w (client secret from %s is empty)", ErrInvalidClient, app.SecretSource)
	}
	for _, s := range app.Scopes {
		if oidcScopes[s] {
			return fmt.Errorf("%w: OpenID Connect scope %q", ErrUnsupported, s)
		}
	}
	return nil
}

// oauthConfig is the x/oauth2 view of an app on this client. The client
// secret is sent with HTTP Basic (AuthStyleInHeader, set explicitly:
// AutoDetect would send two requests per pending poll).
func (c *Client) oauthConfig(app App, withSecret bool) *oauth2.Config {
	cfg := &oauth2.Config{
		ClientID: app.ClientID,
		Scopes:   app.Scopes,
		Endpoint: oauth2.Endpoint{
			DeviceAuthURL: c.endpoint(deviceAuthPath),
			TokenURL:      c.endpoint(deviceTokenPath),
			AuthStyle:     oauth2.AuthStyleInHeader,
		},
	}
	if withSecret {
		cfg.ClientSecret = app.Secret.Reveal()
	}
	return cfg
}

// pollKind classifies one token endpoint answer.
type pollKind int

const (
	kindPending pollKind = iota
	kindSlowDown
	kindRateLimited
	kindTransient
	kindDone
	kindUnreadable // a 2xx whose token could not be read
	kindExpired
	kindInvalidGrant // invalid_grant not saying "expired": Wait decides
	kindDenied
	kindInvalidClient
	kindTokenLimit
	kindFailed
	kindUnreachable // no answer, and waiting will not help (untrusted certificate)
	kindNoAnswer    // no answer at all (DNS, connect, reset, timeout): Webex may not have seen the poll
)

// codeKinds maps the OAuth codes found in a 4xx answer to their kind.
var codeKinds = map[string]pollKind{
	errAuthorizationPending: kindPending,
	errSlowDown:             kindSlowDown,
	errAccessDenied:         kindDenied,
	errExpiredToken:         kindExpired,
	errInvalidGrant:         kindInvalidGrant,
	errInvalidClient:        kindInvalidClient,
	errTokenLimit:           kindTokenLimit,
	errUnsupportedGrantType: kindFailed,
	errInvalidRequest:       kindFailed,
}

// tokenAnswer is a classified token endpoint answer.
type tokenAnswer struct {
	kind       pollKind
	retryAfter time.Duration // from Retry-After; 0 when absent or invalid
	token      *oauth2.Token // kindDone only
	werr       *WebexError   // the server's error answer, if any
	reason     string        // kindUnreadable: why the token is unreadable
	cause      error         // kindTransient, kindUnreachable without an answer: why
}

// webexErr returns werr as an error, nil when there is none.
func (a tokenAnswer) webexErr() error {
	if a.werr == nil {
		return nil
	}
	return a.werr
}

// err returns cause, or else werr as an error; nil when there is neither.
func (a tokenAnswer) err() error {
	if a.cause != nil {
		return a.cause
	}
	return a.webexErr()
}

// maxRetryAfter bounds a Retry-After value; the code's expiry bounds it
// further.
const maxRetryAfter = time.Hour

// parseTokenResponse classifies a token endpoint answer. It is a pure
// function of (status, headers, body, now), fuzzed by
// FuzzParseTokenResponse. In a 4xx answer (but 408) the OAuth code wins
// over the status, wherever Webex put it (see parseWebexError): authorization_pending
// (pending), slow_down, access_denied (denied), expired_token (expired),
// invalid_grant (expired when the text says "expired", else
// kindInvalidGrant, for Wait to judge by the code's expiry),
// invalid_client, tokenlimit_reached, unsupported_grant_type and
// invalid_request (final). Otherwise the status decides: 2xx is a token
// (or unreadable), 428 pending, 429 rate limited, 401 invalid client, 403
// denied, 408/5xx transient (whatever words their body holds: a timed-out
// or overloaded server's page is not a protocol answer), anything else
// final.
func parseTokenResponse(status int, h http.Header, body []byte, now time.Time) tokenAnswer {
	if status >= 200 && status <= 299 {
		return parseToken(body, now)
	}
	a := tokenAnswer{retryAfter: parseRetryAfter(h.Get("Retry-After"), now)}
	a.werr = parseWebexError(status, h, body)
	class := classifyStatus(status)
	if k, ok := codeKinds[a.werr.Code]; ok && status >= 400 && status <= 499 && class != exchangeTransient {
		a.kind = k
		if k == kindInvalidGrant && a.werr.saysExpired {
			a.kind = kindExpired
		}
		return a
	}
	// A 400 without an OAuth code whose text says the code expired is
	// the expiry, read by its words (Webex documents no code for it).
	if status == http.StatusBadRequest && a.werr.Code == "" && a.werr.saysExpired {
		a.kind = kindExpired
		return a
	}
	switch {
	case status == http.StatusPreconditionRequired:
		a.kind = kindPending
	case class == exchangeRateLimited:
		a.kind = kindRateLimited
	case status == http.StatusUnauthorized:
		a.kind = kindInvalidClient
	case status == http.StatusForbidden:
		a.kind = kindDenied
	case class == exchangeTransient:
		a.kind = kindTransient
	default:
		a.kind = kindFailed
	}
	return a
}

// parseToken reads a 2xx token answer. Anything but a JSON object with a
// usable access_token is unreadable (kindUnreadable).
func parseToken(body []byte, now time.Time) tokenAnswer {
	spent := func(reason string) tokenAnswer { return tokenAnswer{kind: kindUnreadable, reason: reason} }
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		return spent("not a JSON object")
	}
	at, _ := raw["access_token"].(string)
	if at == "" {
		return spent("no access_token")
	}
	if !isTokenString(at) {
		return spent("access_token is not a printable token")
	}
	rt, _ := raw["refresh_token"].(string)
	if rt != "" && !isTokenString(rt) {
		return spent("refresh_token is not a printable token")
	}
	tt, _ := raw["token_type"].(string)
	if tt == "" {
		tt = "Bearer"
	}
	if !strings.EqualFold(tt, "bearer") {
		return spent("token_type is not Bearer")
	}
	tok := &oauth2.Token{AccessToken: at, TokenType: "Bearer", RefreshToken: rt}
	if d, ok := secondsField(raw, "expires_in"); ok {
		tok.Expiry = now.Add(d)
		tok.ExpiresIn = int64(d / time.Second)
	}
	return tokenAnswer{kind: kindDone, token: tok.WithExtra(raw)}
}

// isTokenString reports whether s can go into an Authorization header.
func isTokenString(s string) bool {
	if len(s) > maxTokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// secondsField reads a positive number of seconds (a JSON number or
// numeric string), capped at ten years.
func secondsField(m map[string]any, key string) (time.Duration, bool) {
	var f float64
	switch v := m[key].(type) {
	case float64:
		f = v
	case string:
		var err error
		if f, err = strconv.ParseFloat(v, 64); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	if math.IsNaN(f) || f <= 0 {
		return 0, false
	}
	return clampSeconds(f, 0, 10*365*24*time.Hour), true
}

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP date
// (RFC 9110 section 10.2.3), bounded to [0, maxRetryAfter].
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		return time.Duration(n) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	d := t.Sub(now)
	switch {
	case d < 0:
		return 0
	case d > maxRetryAfter:
		return maxRetryAfter
	}
	return d
}

// Wait polls the token endpoint for dc until Webex issues a token, gives a
// final answer, the code expires or ctx is done. It polls
// {base}/v1/device/token itself, with HTTP Basic client authentication,
// because x/oauth2's DeviceAccessToken aborts on Webex's 428 and on every
// transient error.
//
// Webex puts its OAuth codes in "message" or "errors[].description"
// rather than RFC 6749's "error": Wait looks in all three, for the code as
// a whole word in any case (see parseTokenResponse); in a 4xx answer (but
// 408) the code wins over the status. The first poll is one interval after
// dc.IssuedAt; each later poll is sent the interval (plus 50 ms) after the
// previous one was sent, so that the server never sees two polls closer
// than the interval, and at least Retry-After (plus 50 ms) after the
// previous answer when it had one:
//   - 428, or authorization_pending: pending, poll again;
//   - slow_down: the interval grows by 5 s for this and later polls, up
//     to 60 s;
//   - 429: wait Retry-After (seconds or HTTP date), and the interval grows
//     by 5 s, up to 60 s;
//   - 5xx, 408, 423 Locked: retry after the interval, doubling for each
//     consecutive failure up to 60 s (or Retry-After if longer); reported
//     with the error;
//   - no answer at all (timeouts, connection resets, refused connections,
//     DNS failures): poll again one interval later, for as long as the code
//     is valid, without backing off (nothing asked to slow down, and the
//     admin may approve meanwhile); reported as PollTransient with
//     Unreachable, DownSince and TryNow set (see PollEvent);
//   - a 400 without an OAuth code whose text says "expired": expired;
//   - a 2xx whose token cannot be read (cut short, not JSON, no usable
//     access_token): Webex may have spent the code on it, but may also
//     answer again, so Wait polls the same code up to twice more, an
//     interval apart, each reported as PollTransient with an error saying
//     the token answer was cut short. A token ends Wait well; pending or
//     slow_down means the code lives on and polling goes on as usual;
//     invalid_grant or expired_token, no definitive answer in those two
//     polls, or the expiry coming first, give ErrCodeSpent;
//   - a TLS certificate the client does not trust (a TLS-inspecting proxy
//     or a wrong base URL), or a server that does not speak TLS: no retry,
//     the error wraps ErrUnreachable, as Start's and Identify's do.
//
// report, if not nil, is called synchronously from Wait's goroutine after
// every poll.
//
// The error wraps ErrExpired (expired_token, invalid_grant saying
// "expired", an invalid_grant or any other 400 at or after the expiry, or
// the next allowed poll would fall after dc.Expiry: Wait returns then,
// without waiting for the expiry), ErrDenied (access_denied or 403),
// ErrInvalidClient (401 or invalid_client: the text names the app and its
// SecretSource), ErrTokenLimit (tokenlimit_reached), ErrCodeSpent (above),
// ErrUnreachable (untrusted certificate), the context's error
// (context.Canceled), or a *WebexError (any other answer, such as
// invalid_grant before the expiry, invalid_request or
// unsupported_grant_type). Errors for an answer also wrap its *WebexError
// with Webex's message and trackingId. Neither the errors nor the events
// hold the device code, the client secret or the Basic credentials built
// from it, in any form flows sends them (see redactions), even when Webex
// echoes the request.
func (c *Client) Wait(ctx context.Context, app App, dc DeviceCode, report func(PollEvent)) (Grant, error) {
	prefix := "flows: " + app.ID + ": wait"
	if err := checkApp(app, true); err != nil {
		return Grant{}, newError(prefix, err)
	}
	if dc.deviceCode.IsZero() {
		return Grant{}, newError(prefix, errors.New("device code not from Start"))
	}
	if dc.AppID != "" && dc.AppID != app.ID {
		return Grant{}, newError(prefix, fmt.Errorf("device code is for app %s", dc.AppID))
	}
	if report == nil {
		report = func(PollEvent) {}
	}
	w := &waiter{
		prefix:   prefix,
		app:      app,
		dc:       dc,
		interval: dc.Interval,
		redact:   redactions(app.ClientID, dc.deviceCode.Reveal(), app.Secret.Reveal()),
		tryNow:   make(chan struct{}, 1),
	}
	if w.interval < minInterval {
		w.interval = defaultInterval
	}
	w.interval = min(w.interval, maxInterval)
	tryNow := w.tryNowFunc()

	next := dc.IssuedAt.Add(w.interval + pollMargin)
	for attempt := 1; ; attempt++ {
		if !next.Before(dc.Expiry) {
			return Grant{}, w.expired()
		}
		if err := c.sleepPoll(ctx, w, next); err != nil {
			return Grant{}, newError(prefix, err)
		}
		st := &sendTime{t: c.clock.Now()}
		pctx, pcancel := context.WithCancel(ctx)
		w.setInflight(pcancel)
		r, err := c.poll(httptrace.WithClientTrace(pctx, st.trace(c.clock)), app, dc)
		cut := w.setInflight(nil)
		pcancel()
		at := c.clock.Now()
		sent := st.get()
		x := classifyExchange(ctx, r, err)
		if x.kind == exchangeCanceled {
			return Grant{}, newError(prefix, x.cause)
		}
		if cut && err != nil {
			// A poll hanging in the outage, cut by "try now": poll again
			// at once (sleepPoll keeps the interval after the last poll
			// Webex answered).
			next = at
			continue
		}
		w.noteAnswer(x, sent)
		a := w.classify(x, at)
		s := w.schedule(a, at)
		ev := PollEvent{Attempt: attempt, Outcome: s.outcome, At: at, Interval: w.interval, Err: s.err}
		switch s.outcome {
		case PollDone:
			g := grantFrom(a.token, app, at)
			store.RegisterSecret(g.AccessToken)
			store.RegisterSecret(g.RefreshToken)
			report(ev)
			return g, nil
		case PollFailed:
			report(ev)
			return Grant{}, s.err
		}
		// The next poll is counted from when this one was sent (the
		// server saw it about then), a Retry-After from when its answer
		// came, as Webex counts it.
		next = sent.Add(s.wait + pollMargin)
		if s.retryAfter > 0 {
			next = latest(next, at.Add(s.retryAfter+pollMargin))
		}
		ev.NextPoll = next
		if !w.downSince.IsZero() {
			ev.Unreachable, ev.DownSince, ev.TryNow = true, w.downSince, tryNow
		}
		report(ev)
	}
}

// sendTime is when a request was sent: the Clock's time once it has
// been written out (after any dial, TLS handshake or wait for a
// connection, which would otherwise count as time the server already saw
// it), the closest the client can tell to when the server saw it; until
// then (and for a request never written) the time it was handed over.
type sendTime struct {
	mu sync.Mutex
	t  time.Time
}

// trace sets the time from the transport's WroteRequest (called on the
// transport's own goroutine, possibly after the answer is read).
func (s *sendTime) trace(clock Clock) *httptrace.ClientTrace {
	return &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
		if info.Err != nil {
			return
		}
		now := clock.Now()
		s.mu.Lock()
		s.t = now
		s.mu.Unlock()
	}}
}

func (s *sendTime) get() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.t
}

// latest returns the later of a and b.
func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// tryNowFunc is PollEvent.TryNow: while Webex cannot be reached, it cuts
// a poll still hanging (a connection that neither answers nor fails) and
// otherwise ends the wait for the next poll; Wait then polls at once.
func (w *waiter) tryNowFunc() func() {
	return func() {
		w.mu.Lock()
		cut := w.down && w.inflight != nil
		if cut {
			w.cut = true
			w.inflight()
		}
		w.mu.Unlock()
		if cut {
			return // Wait polls again at once
		}
		select {
		case w.tryNow <- struct{}{}:
		default:
		}
	}
}

// setInflight sets the cancel function of the poll in flight (nil when
// none) and tells whether "try now" cut the previous one.
func (w *waiter) setInflight(cancel context.CancelFunc) (cut bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.inflight, cut, w.cut = cancel, w.cut, false
	return cut
}

// noteAnswer keeps track of whether Webex can be reached, from one poll
// sent at sent: no answer at all starts (or continues) an outage; any
// answer ends it and is the last poll the server surely saw.
func (w *waiter) noteAnswer(x exchange, sent time.Time) {
	w.mu.Lock()
	w.down = x.kind == exchangeNoAnswer
	w.mu.Unlock()
	if x.kind == exchangeNoAnswer {
		if w.downSince.IsZero() {
			w.downSince = sent
		}
		return
	}
	w.downSince, w.lastSeen = time.Time{}, sent
	// A "try now" asked for while the network was down is moot.
	select {
	case <-w.tryNow:
	default:
	}
}

// sleepPoll waits on the Clock until next, or until ctx is done. While
// Webex cannot be reached, a "try now" (PollEvent.TryNow) ends the wait
// early: the poll goes at once, but never sooner than the interval after
// the last poll that got an answer (the server surely saw that one; a
// poll that got none may or may not have reached it).
func (c *Client) sleepPoll(ctx context.Context, w *waiter, next time.Time) error {
	var wake <-chan struct{}
	if !w.downSince.IsZero() {
		wake = w.tryNow
	}
	woken, err := c.sleepUntil(ctx, next, wake)
	if !woken || w.lastSeen.IsZero() {
		return err
	}
	_, err = c.sleepUntil(ctx, w.lastSeen.Add(w.interval+pollMargin), nil)
	return err
}

// waiter is the state of one Wait between polls.
type waiter struct {
	prefix   string
	app      App
	dc       DeviceCode
	redact   []string      // forms of the device code and secret (redactions)
	interval time.Duration // in force, in [minInterval, maxInterval]
	// transient counts consecutive transient failures (for backoff).
	transient int
	// cutShort, when not "", says why a 2xx token answer could not be
	// read: the token is owed, and repolls counts the polls since.
	cutShort string
	repolls  int
	// downSince is when the first of the latest polls that got no answer
	// at all was sent (zero while Webex answers); lastSeen when the
	// latest poll that got an answer was sent (zero before one).
	downSince, lastSeen time.Time
	// tryNow holds a pending "try now" (PollEvent.TryNow).
	tryNow chan struct{}
	// mu guards what TryNow, called from any goroutine, reads and sets:
	// down (the last poll got no answer), the cancel function of the
	// poll in flight, and cut (TryNow canceled it).
	mu       sync.Mutex
	down     bool
	inflight context.CancelFunc
	cut      bool
}

// classify turns one classified poll exchange (not exchangeCanceled) into
// a tokenAnswer, its error answer redacted: no answer is kindTransient or
// kindUnreachable as classifyExchange decided, a 2xx body that could not
// be read (or an answer that is not valid HTTP) kindUnreadable, and an
// answer is read by parseTokenResponse.
func (w *waiter) classify(x exchange, at time.Time) tokenAnswer {
	switch x.kind {
	case exchangeUnreachable:
		return tokenAnswer{kind: kindUnreachable, cause: x.cause}
	case exchangeNoAnswer:
		return tokenAnswer{kind: kindNoAnswer, cause: x.cause}
	case exchangeCutShort, exchangeOversized, exchangeMalformed:
		// An answer that cannot be read may have been the token: asked
		// again with the same code, as for one cut short.
		return tokenAnswer{kind: kindUnreadable, reason: x.cause.Error()}
	}
	r := x.resp
	a := parseTokenResponse(r.status, r.header, r.body, at)
	if a.werr != nil {
		a.werr = parseWebexError(r.status, r.header, r.body, w.redact...)
	}
	return a
}

// step is what schedule decided for one answer: the outcome to report,
// its error, and when the next poll goes (not for PollDone and
// PollFailed, which end Wait): wait after this poll was sent, and at
// least retryAfter after its answer came.
type step struct {
	outcome    PollOutcome
	err        error
	wait       time.Duration
	retryAfter time.Duration
}

// schedule updates the interval, the failure count and the owed token
// for answer a, and says what comes next.
func (w *waiter) schedule(a tokenAnswer, at time.Time) step {
	// owedAgain counts a poll that did not settle an owed token, and
	// tells whether the re-polls are used up.
	owedAgain := func() bool {
		if w.cutShort == "" {
			return false
		}
		w.repolls++
		return w.repolls >= maxRepolls
	}
	switch a.kind {
	case kindDone:
		return step{outcome: PollDone}
	case kindPending, kindSlowDown:
		w.transient, w.cutShort = 0, "" // the code lives on
		if a.kind == kindPending {
			return step{outcome: PollPending, wait: w.interval, retryAfter: a.retryAfter}
		}
		w.interval = min(w.interval+slowDownStep, maxInterval)
		return step{outcome: PollSlowDown, wait: w.interval, retryAfter: a.retryAfter}
	case kindRateLimited:
		w.transient = 0
		w.interval = min(w.interval+slowDownStep, maxInterval)
		if owedAgain() {
			return w.fail(w.spent(a.webexErr()))
		}
		return step{outcome: PollRateLimited, err: a.webexErr(), wait: w.interval, retryAfter: a.retryAfter}
	case kindTransient:
		// An answer that says the server is busy (408, 423, 5xx): back off.
		w.transient++
		if owedAgain() {
			return w.fail(w.spent(a.err()))
		}
		return step{outcome: PollTransient, err: a.err(),
			wait: backoff(w.interval, w.transient), retryAfter: a.retryAfter}
	case kindNoAnswer:
		// No answer at all: nothing asked to slow down, and the code may
		// be approved meanwhile, so the next poll goes one interval after
		// this one, however long the outage (an outage costs at most one
		// interval once the network is back). The backoff count is kept
		// for the busy answers around it.
		if owedAgain() {
			return w.fail(w.spent(a.err()))
		}
		return step{outcome: PollTransient, err: a.err(), wait: w.interval}
	case kindUnreadable:
		if w.cutShort == "" {
			w.cutShort, w.repolls = a.reason, 0
		} else if owedAgain() {
			return w.fail(w.spent(errors.New(a.reason)))
		}
		return step{outcome: PollTransient, wait: w.interval,
			err: fmt.Errorf("the token answer was cut short (%s): asking again with the same code", a.reason)}
	}
	return w.fail(w.finalError(a, at))
}

func (w *waiter) fail(err error) step { return step{outcome: PollFailed, err: err} }

// spent is ErrCodeSpent for an owed token that did not come; last is the
// answer that ended the wait for it, if any.
func (w *waiter) spent(last error) error {
	errs := []error{ErrCodeSpent, errors.New(w.cutShort)}
	if last != nil {
		errs = append(errs, fmt.Errorf("asked again: %w", last))
	}
	return newError(w.prefix, errs...)
}

// expired is Wait's error when the next poll would fall after the expiry.
func (w *waiter) expired() error {
	if w.cutShort != "" {
		return w.spent(errors.New("the code expired before Webex answered again"))
	}
	return newError(w.prefix, ErrExpired)
}

// finalError builds Wait's error for a final answer.
func (w *waiter) finalError(a tokenAnswer, at time.Time) error {
	werr := a.webexErr()
	withWebex := func(sentinel error) error {
		if werr != nil {
			return newError(w.prefix, sentinel, werr)
		}
		return newError(w.prefix, sentinel)
	}
	pastExpiry := !at.Before(w.dc.Expiry)
	switch a.kind {
	case kindUnreachable:
		// An untrusted certificate will not go away by waiting: give
		// up at once, in the words of Start and Identify.
		return newError(w.prefix, a.cause)
	case kindExpired, kindInvalidGrant:
		switch {
		case w.cutShort != "":
			return w.spent(werr) // the code went on the answer that was cut short
		case a.kind == kindExpired || pastExpiry:
			return withWebex(ErrExpired)
		}
	case kindDenied:
		return withWebex(ErrDenied)
	case kindTokenLimit:
		return withWebex(ErrTokenLimit)
	case kindInvalidClient:
		src := w.app.SecretSource
		if src == "" {
			src = "an unknown source"
		}
		errs := []error{ErrInvalidClient, fmt.Errorf("check the client secret of app %s (from %s)", w.app.ID, src)}
		if werr != nil {
			errs = append(errs, werr)
		}
		return newError(w.prefix, errs...)
	}
	// A 400 at or after the expiry is the expiry (Webex answers expired
	// codes with a plain 400).
	if a.werr != nil && a.werr.Status == http.StatusBadRequest && pastExpiry {
		return withWebex(ErrExpired)
	}
	if werr != nil {
		return newError(w.prefix, werr)
	}
	return newError(w.prefix, errors.New("unexpected answer"))
}

// poll sends one device access token request, bounded by the code's
// expiry (measured on the Clock).
func (c *Client) poll(ctx context.Context, app App, dc DeviceCode) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, max(dc.Expiry.Sub(c.clock.Now()), time.Millisecond))
	defer cancel()
	cfg := c.oauthConfig(app, true)
	form := url.Values{
		"grant_type":  {deviceGrantType},
		"device_code": {dc.deviceCode.Reveal()},
		"client_id":   {cfg.ClientID},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.Endpoint.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if cfg.Endpoint.AuthStyle == oauth2.AuthStyleInHeader {
		// As x/oauth2 does (RFC 6749 section 2.3.1: form-encode, then Basic).
		req.SetBasicAuth(url.QueryEscape(cfg.ClientID), url.QueryEscape(cfg.ClientSecret))
	}
	return c.do(req)
}

// sleepUntil waits on the Clock until t, until ctx is done, or until
// wake delivers (a nil wake never does); woken reports the last (err is
// then nil). It does not wait, nor take from wake, when ctx is done
// already or t has come.
func (c *Client) sleepUntil(ctx context.Context, t time.Time, wake <-chan struct{}) (woken bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	d := t.Sub(c.clock.Now())
	if d <= 0 {
		return false, nil
	}
	select {
	case <-c.clock.After(d):
		return false, ctx.Err()
	case <-ctx.Done():
		return false, ctx.Err()
	case <-wake:
		return true, nil
	}
}

// grantFrom copies a token into a Grant; the *oauth2.Token goes no further.
func grantFrom(tok *oauth2.Token, app App, now time.Time) Grant {
	g := Grant{
		AccessToken:       store.NewSecret(tok.AccessToken),
		AccessTokenExpiry: tok.Expiry,
		RefreshToken:      store.NewSecret(tok.RefreshToken),
		TokenType:         tok.TokenType,
		Scopes:            append([]string(nil), app.Scopes...),
		ObtainedAt:        now,
	}
	if d, ok := secondsField(map[string]any{"v": tok.Extra("refresh_token_expires_in")}, "v"); ok {
		g.RefreshTokenExpiry = now.Add(d)
	}
	if s, ok := tok.Extra("scope").(string); ok {
		if f := strings.Fields(Sanitize(s)); len(f) > 0 {
			g.Scopes = f
		}
	}
	return g
}

// flowsError is an error with its own message that wraps several errors
// (a sentinel, a *WebexError, a detail) for errors.Is and errors.As.
type flowsError struct {
	msg  string
	errs []error
}

func (e *flowsError) Error() string   { return e.msg }
func (e *flowsError) Unwrap() []error { return e.errs }

// newError joins prefix and the texts of errs ("flows: " stripped from
// sentinels) into one message and wraps all of errs.
func newError(prefix string, errs ...error) error {
	parts := make([]string, 0, len(errs)+1)
	if prefix != "" {
		parts = append(parts, prefix)
	}
	for _, e := range errs {
		parts = append(parts, strings.TrimPrefix(e.Error(), "flows: "))
	}
	return &flowsError{msg: strings.Join(parts, ": "), errs: errs}
}
