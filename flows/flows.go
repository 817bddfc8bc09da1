// Package flows runs the OAuth 2.0 Device Authorization Grant (RFC 8628)
// against Webex, one per Imagicle app, and identifies who approved it.
//
// Use it in this order:
//
//  1. Load the apps with LoadCatalog (a --apps file) or DefaultCatalog. Both
//     report every problem of the catalog at once, each a *CatalogError
//     naming the app and the field; a secret to provide (an unset
//     variable, an unusable secret file) wraps ErrNoSecret.
//  2. Make a Client with NewClient (NewHTTPClient gives the default HTTP
//     client: timeouts, HTTPS_PROXY, User-Agent). Client.Ping is the
//     preflight: it says whether Webex is reachable, and if not, why
//     (Client.Proxy says which proxy, if any, the requests go through);
//     Client.Verify, one per app in parallel, says whether Webex accepts
//     the app's client_id, scopes and client secret (a device code that is
//     polled once and never shown), in about one interval.
//  3. For each app: Client.Start gives a DeviceCode whose
//     VerificationURIComplete is shown as a QR code; Client.Wait polls until
//     the admin approves and returns a Grant; Client.Identify tells who
//     approved, whether they are a Full Administrator, the organization and
//     whether it has more than 1,000 users, each asked only with a token
//     whose scopes may read it (Identity says why a fact is unknown).
//     Identify is Client.Approver (GET /v1/people/me: who, and which org)
//     then Client.OrgFacts (the org's name and user count); a caller in a
//     hurry asks Approver after each approval and OrgFacts once per org,
//     off its critical path.
//
// # Polling
//
// Webex answers 428 Precondition Required while the user has not finished,
// where RFC 8628 says 400 authorization_pending; Wait accepts both, honours
// slow_down and Retry-After (the interval never grows past 60 s), and
// retries transient network and server errors with a capped backoff until
// the code expires. Webex's error bodies carry the OAuth code in "message"
// or "errors[].description" rather than RFC 6749's "error": flows looks in
// all three, for the code as a whole word in any case. A 200 whose token
// cannot be read does not throw the approval away: Wait asks again with
// the same code, twice at most, before calling the code spent. Stock x/oauth2
// DeviceAccessToken aborts on all of those, so Wait polls by itself. Start
// sends its own request too, and reads the answer only by the rules under
// "Hostile servers" (x/oauth2's Config.DeviceAuth decodes more strictly and
// would reject, e.g., a fractional interval those rules accept). Wait
// sends each poll the interval (plus 50 ms) after the previous one was
// sent, so the server never sees two polls closer than the interval, and
// never polls after the code's expiry. Every poll is reported to a
// callback as a PollEvent.
//
// # Flaky networks
//
// On-site Wi-Fi drops requests. Nothing in flows gives up on the first
// transient failure (no answer: timeout, connection reset, DNS failure;
// 408, 423, 429 or 5xx): Wait retries within the code's lifetime, at the
// interval while no answer comes at all (an outage then costs at most one
// interval; PollEvent.Unreachable says so, and PollEvent.TryNow polls at
// once), backing off only for answers that ask for it (429, 408, 423,
// 5xx, slow_down);
// Start, and each GET of Identify, retry after 1 s, 2 s, 4 s... (the same
// backoff as Wait's, from 1 s instead of the interval), or Retry-After if
// longer, within RetryBudget (30 s) per call. Final answers (400, 401,
// 403, 404...) and an untrusted TLS certificate (a TLS-inspecting proxy or
// a wrong URL, not flaky Wi-Fi) are never retried, by Wait either; a
// canceled context stops at once, even between retries. When the budget
// runs out, the error says "gave up after N attempts" and wraps the last
// failure (a *WebexError, or ErrUnreachable). The onRetry argument of Start
// and Identify hears of each of their retries, so a screen can show it; Wait
// reports every poll to its own report callback: one progress route per call.
//
// # Errors
//
// Use errors.Is with ErrExpired (offer a fresh code), ErrDenied (allow the
// integration in Control Hub), ErrInvalidClient (fix the client secret: the
// text names the app and its SecretSource), ErrCodeSpent (start a fresh
// code), ErrTokenLimit (a fresh code will not help: older tokens must be
// revoked), ErrUnsupported (OpenID Connect scopes in the catalog),
// ErrUnreachable (network) and ErrForbidden (Webex answered a call of
// Identify 401 or 403: a permission outcome, not a network problem).
// errors.As with *WebexError gives Webex's
// message and trackingId. Remedies are the caller's business: flows only
// classifies.
//
// # Hostile servers
//
// Every answer is capped at 1 MiB. A device authorization answer without
// a usable device_code, user_code or verification_uri is rejected; so is
// one whose expires_in is missing, zero or negative (the code would be dead
// on arrival; flows does not guess a lifetime). verification_uri_complete
// is optional (RFC 8628): an unusable one (not https, too long, control
// characters, user info, not a string...) is dropped, and
// DeviceCode.Notice says why in flows' own words, quoting none of it. expires_in is clamped to at
// most 3600 s; interval 0 or missing means 5 s, a fraction is rounded up,
// and it is clamped to [1 s, 60 s]; both may be JSON numbers or numeric
// strings. Verification URIs must be absolute https URLs without user
// info, at most 2048 bytes; plain http only when the base URL itself is
// http (a loopback fake), and then only to a loopback host (localhost,
// 127.0.0.0/8, ::1).
// Every server string that may be displayed has passed through
// Sanitize. Redirects are never followed, and Identify sends the bearer
// token only to the base URL's host.
//
// # What Webex does where its documentation is silent
//
// ShapeTransport wraps an HTTP client's transport and reports the Shape
// of every exchange: method, path with ids masked, the names of headers,
// form fields and JSON keys, value types, status (or why no answer
// came), Retry-After, trackingId, the OAuth codes found and timings, never
// a value. ucx-onboard --debug logs them, so that a real onboarding
// tells which reading of an undocumented point Webex follows.
//
// # Secrets
//
// Tokens, device codes and client secrets are held in store.Secret and never
// appear in errors, logs or formatted output (DeviceCode formats with its
// device code redacted). A server that echoes a device code, secret or
// token into an error (message, description or trackingId) gets it
// replaced by "[redacted]", in every form flows itself sent it: as is,
// query- or path-escaped, and as the HTTP Basic credentials of the client
// secret in standard or URL-safe base64, padded or not.
//
// Beyond that, flows registers every client secret (ParseCatalog,
// LoadCatalog), device code (Start) and token (Wait) with the process's
// store.Redactor (store.RegisterSecret, store.RegisterClientSecret), and
// every server string it keeps (error fields, Identity's names, emails,
// IDs and org name) has passed through store.Redact: no run of 12 or more
// characters of any of them, in any of those forms, survives, whatever
// field a server echoes it into.
package flows

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/imagicle/ucx-onboard/store"
)

// Sentinel errors returned (wrapped) by Start and Wait. Use errors.Is.
var (
	// ErrExpired: the device code expired (expired_token, invalid_grant
	// saying "expired", or its expiry passed while polling). Start a fresh
	// code.
	ErrExpired = errors.New("flows: device code expired")
	// ErrDenied: the user or the organization's policy denied access
	// (access_denied, or 403). The remedy is to allow the integration in
	// Control Hub (Apps > Integrations) and authorize again.
	ErrDenied = errors.New("flows: access denied")
	// ErrInvalidClient: Webex rejected the client credentials (401 or
	// invalid_client): the client secret is wrong.
	ErrInvalidClient = errors.New("flows: client credentials rejected")
	// ErrCodeSpent: Webex answered 200 but the token could not be read,
	// and asking again with the same code (twice at most) did not give it:
	// Webex said invalid_grant or expired_token, gave no token, or the code
	// expired first. The code is used up, so start a fresh one.
	ErrCodeSpent = errors.New("flows: token answer unreadable, device code spent")
	// ErrUnsupported: the app cannot be authorized with a device grant
	// (e.g. OpenID Connect scopes).
	ErrUnsupported = errors.New("flows: not supported by the device grant")
	// ErrUnreachable: the Webex API could not be reached (DNS, TLS, timeout,
	// proxy or connection error). Ping returns it at once; Start and
	// Identify once retrying cannot help or RetryBudget is spent; Wait
	// reports it in PollEvent.Err and keeps polling, except for an
	// untrusted TLS certificate, which ends Wait at once.
	ErrUnreachable = errors.New("flows: webex API unreachable")
	// ErrTokenLimit: Webex refused to issue another token for this
	// integration and user (tokenlimit_reached). Final: a fresh code will
	// not help until older tokens of the integration are revoked.
	ErrTokenLimit = errors.New("flows: token limit reached")
)

// DeviceCode is a started device authorization. Only UserCode and the two
// verification URIs may be shown; the device code itself is a Secret.
// All strings have been sanitized (no control characters or escapes) and
// the URIs checked to be absolute https (http only to a loopback host,
// against a loopback base URL).
type DeviceCode struct {
	AppID                   string
	UserCode                string
	VerificationURI         string
	VerificationURIComplete string // may be empty if Webex did not send it, or sent an unusable one
	// Notice, when not empty, says in plain words why Start dropped the
	// answer's verification_uri_complete (e.g. "it is not an https URL"):
	// show it, and the QR code of VerificationURI with UserCode to type.
	// It is sanitized and holds no part of the dropped URL.
	Notice string
	// IssuedAt is when the request that got the code was sent (written
	// out), by the Client's Clock: Webex issued the code after it. Wait
	// polls first one interval after IssuedAt; a caller that shows the
	// code later may move it forward to then.
	IssuedAt time.Time
	// Expiry is IssuedAt plus the code's expires_in: never later than
	// Webex's own expiry.
	Expiry   time.Time
	Interval time.Duration // minimum time between polls, in [1s, 60s]

	deviceCode store.Secret
}

// deviceCodeView is how a DeviceCode prints: the same fields, with the
// device code as a store.Secret in an exported field, which fmt renders as
// "[redacted]" (fmt cannot call the Formatter of an unexported field and
// would print its raw value).
type deviceCodeView struct {
	AppID                   string
	UserCode                string
	VerificationURI         string
	VerificationURIComplete string
	Notice                  string
	IssuedAt                time.Time
	Expiry                  time.Time
	Interval                time.Duration
	DeviceCode              store.Secret
}

func (d DeviceCode) view() deviceCodeView {
	return deviceCodeView{d.AppID, d.UserCode, d.VerificationURI, d.VerificationURIComplete, d.Notice,
		d.IssuedAt, d.Expiry, d.Interval, d.deviceCode}
}

// Format implements fmt.Formatter: every verb prints the fields with the
// device code as "[redacted]".
func (d DeviceCode) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), d.view())
}

// LogValue implements slog.LogValuer, without the device code.
func (d DeviceCode) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("app", d.AppID),
		slog.String("user_code", d.UserCode),
		slog.String("verification_uri", d.VerificationURI),
		slog.Time("expiry", d.Expiry),
		slog.Duration("interval", d.Interval),
	)
}

// Grant is the token pair Webex issued for one app.
type Grant struct {
	AccessToken        store.Secret
	AccessTokenExpiry  time.Time
	RefreshToken       store.Secret
	RefreshTokenExpiry time.Time // zero when not sent
	TokenType          string
	Scopes             []string
	ObtainedAt         time.Time
}

// Identity is who approved a device code, and the organization they belong
// to. Identify learns each fact only with a token allowed to read it; a
// fact it could not learn is empty, and its Unknown field says why.
type Identity struct {
	PersonID    string
	Emails      []string
	DisplayName string
	OrgID       string
	// OrgName is the organization's display name; "" when not known (see
	// OrgNameUnknown).
	OrgName   string
	FullAdmin bool
	// OrgUsers is the number of users counted in the org, counting stops at
	// 1,001; 0 when not counted (see OrgUsersUnknown).
	OrgUsers int
	// OrgUsersCounted tells whether OrgUsers is meaningful.
	OrgUsersCounted bool

	// OrgNameUnknown says why OrgName is empty (Known when it is set, or
	// when this Identity did not come from Identify). OrgNameErr is the
	// failure behind UnknownForbidden or UnknownFailed (sanitized; it
	// wraps ErrForbidden for a 401 or 403), nil otherwise.
	OrgNameUnknown Unknown
	OrgNameErr     error
	// OrgUsersUnknown and OrgUsersErr say the same of OrgUsers.
	OrgUsersUnknown Unknown
	OrgUsersErr     error
}

// Unknown says why Identify left a fact of an Identity unknown.
type Unknown int

// Reasons for an unknown fact of an Identity.
const (
	// Known: the fact is known (the zero value).
	Known Unknown = iota
	// UnknownNoScope: the app's token lacks the scope the call needs
	// (OrganizationsReadScope, PeopleReadScope), so it was not asked.
	UnknownNoScope
	// UnknownForbidden: Webex answered 401 or 403 although the token holds
	// the scope: a 403, e.g. because the approver is not an admin of the
	// org (admin scopes give a non-admin nothing); a 401, because the
	// token is no longer valid (never a sign of the role).
	UnknownForbidden
	// UnknownFailed: the call failed otherwise (no answer, or Webex busy,
	// after the retries; another error answer; an unreadable or hostile
	// answer).
	UnknownFailed
)

// String returns the reason's name, e.g. "no scope".
func (u Unknown) String() string {
	switch u {
	case Known:
		return "known"
	case UnknownNoScope:
		return "no scope"
	case UnknownForbidden:
		return "forbidden"
	case UnknownFailed:
		return "failed"
	}
	return "Unknown(" + strconv.Itoa(int(u)) + ")"
}

// PollOutcome classifies one poll of the token endpoint.
type PollOutcome int

// Poll outcomes reported through PollEvent.
const (
	PollPending     PollOutcome = iota // 428 or authorization_pending
	PollSlowDown                       // slow_down: interval raised by 5 s
	PollRateLimited                    // 429: waiting Retry-After, interval raised
	PollTransient                      // 408, 423 or 5xx: retrying with backoff (or Retry-After); no answer (timeout, reset, DNS; see PollEvent.Unreachable): polling on at the interval; or a 200 whose token could not be read: asking again with the same code (Err says the token answer was cut short)
	PollDone                           // token obtained
	PollFailed                         // final error
)

// String returns the outcome's name, e.g. "pending".
func (o PollOutcome) String() string {
	switch o {
	case PollPending:
		return "pending"
	case PollSlowDown:
		return "slow_down"
	case PollRateLimited:
		return "rate limited"
	case PollTransient:
		return "transient error"
	case PollDone:
		return "done"
	case PollFailed:
		return "failed"
	}
	return "PollOutcome(" + strconv.Itoa(int(o)) + ")"
}

// PollEvent reports the outcome of one poll so a screen can show live status.
type PollEvent struct {
	Attempt  int // 1-based
	Outcome  PollOutcome
	At       time.Time     // when the answer arrived
	NextPoll time.Time     // zero after PollDone / PollFailed
	Interval time.Duration // the interval now in force
	// Err is the transient or final error, if any (safe to display after
	// sanitization; never holds a token).
	Err error

	// Unreachable: this poll, and every one since DownSince, got no
	// answer at all (DNS, connect, reset, timeout: the network is down,
	// not Webex busy). Outcome is then PollTransient and Err wraps
	// ErrUnreachable. Wait keeps polling one interval apart while the
	// code is valid, so the approval is seen within one interval of the
	// network's return; the code may be approved meanwhile, so it is no
	// reason to ask for a new one.
	Unreachable bool
	// DownSince is when the first of those polls was sent; zero unless
	// Unreachable.
	DownSince time.Time
	// TryNow, not nil only when Unreachable, makes Wait poll at once
	// instead of at NextPoll (the engineer's "try now"), though never
	// sooner than the interval after the last poll Webex answered; a poll
	// still hanging in the outage (neither answered nor failed) is cut
	// and sent again. Safe to call from any goroutine, any number of
	// times, also after Wait has returned (then it does nothing).
	TryNow func()
}

// RetryEvent reports that Start, or a request of Identify, met a
// transient failure and will be sent again after Wait (see the onRetry
// argument of Client.Start and Client.Identify). It holds no token, device
// code or client secret: Err is sanitized and scrubbed like the errors
// Start and Identify return.
type RetryEvent struct {
	Op      string        // RetryStart or RetryIdentify
	AppID   string        // the app being started or identified
	Attempt int           // the attempt that failed, 1-based; the next is Attempt+1
	Wait    time.Duration // until the next attempt (backoff, or Retry-After if longer)
	// Err is the failure: a *WebexError (408, 423, 429 or 5xx, with Webex's
	// message and trackingId) or an error wrapping ErrUnreachable (no
	// answer, or a 2xx cut short).
	Err error
}

// App is one Imagicle app (a Webex integration) to authorize.
type App struct {
	ID       string   // short, stable id used in drafts and bundles, e.g. "presence"
	Name     string   // human name
	ClientID string   // the Webex integration ID
	Scopes   []string // OAuth scopes, never OpenID Connect ones
	// Secret is the resolved client secret.
	Secret store.Secret
	// SecretSource says where the secret came from, for remedies:
	// "env UCX_SECRET_PRESENCE" or "file /path/to/secret".
	SecretSource string
	// Note is the catalog's free-text note (e.g. what the approving admin
	// needs besides); may be empty.
	Note string
}

// Catalog is the list of apps to authorize, in order.
type Catalog struct {
	Apps []App
}

// Clock is the time source of the poll loop; tests inject a fake one.
type Clock interface {
	Now() time.Time
	// After waits for d, like time.After.
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
