// Package webextest provides a fake Webex: an HTTP server that runs the
// OAuth 2.0 Device Authorization Grant the way webexapis.com is documented
// to (428 while pending, Webex-shaped error bodies with a trackingId, Basic
// client authentication, the approval page on another host) plus the few
// REST endpoints ucx-onboard reads afterwards, each with its scope check.
//
// Use it like net/http/httptest:
//
//	srv := webextest.NewServer(webextest.Options{
//		Integrations: []webextest.Integration{{ClientID: "C1", ClientSecret: "s", Scopes: []string{"spark-admin:people_read"}}},
//		Clock:        fakeClock, // optional; nil means time.Now
//	})
//	defer srv.Close()
//	cfg := oauth2.Config{ClientID: "C1", ClientSecret: "s", Endpoint: srv.Endpoint()}
//	ctx = context.WithValue(ctx, oauth2.HTTPClient, srv.Client())
//
// Then act as the user with Approve, ApproveAs, Deny, Expire or
// ApproveAfterPolls (by user code, see UserCodes), or set AutoApprove.
// Inject faults into the token endpoint with FailPolls, RateLimitPolls,
// SlowDownPolls, DropPolls and DelayPolls (one queue, served in the order
// they were added), and shape the next token answer with CorruptNextToken,
// CutShortNextToken or TokenLimitNext. Play a network outage with
// DropAllFor (every API connection dropped for a while, by Clock), and
// temporary error answers (408, 423, 429, 5xx, with Retry-After) at any
// path, /v1/device/authorize and the REST endpoints included, with
// FailPath. Options choose the rest: error body
// shape (Errors), the code of an expired device code (ExpiredCode), the
// status of a wrong secret (BadClientStatus), verification_uri_complete
// (Complete), whether token answers carry "scope" (TokenScope) and a
// per-request Latency. Assert afterwards with Requests
// and Issued, and with Unused for scripted faults that never fired.
//
// Endpoints of the API host (under URL):
//
//	POST /v1/device/authorize   form client_id, scope
//	POST /v1/device/token       grant_type=urn:ietf:params:oauth:grant-type:device_code, device_code; Basic auth or client_id+client_secret
//	POST /v1/access_token       grant_type=refresh_token, refresh_token; client auth as above
//	GET  /v1/people/me          Bearer; any scope, or a people scope (Options.PeopleMe)
//	GET  /v1/people?max=N       Bearer, spark-admin:people_read and an admin approver; max clamped to 100; Link rel="next"
//	GET  /v1/organizations/{id} Bearer, spark-admin:organizations_read and an admin approver
//
// and of the verification host (under VerifyURL):
//
//	GET  /verify[?userCode=HASH] HTML page with Approve and Deny buttons (POST /verify); without HASH it asks for the code
//
// Time-dependent behaviour (code expiry, poll interval enforcement,
// AutoApprove) follows Options.Clock, so tests can run without waiting.
// Only DelayPolls and Options.Latency wait in real time.
//
// Tokens handed out are prefixed "tok-FAKE-" (access), "ref-FAKE-"
// (refresh) and device codes "dc-FAKE-", so that guard tests can look for
// them in output that must not contain them.
//
// For demos and manual tests, DemoApps lists the four device-grant Imagicle
// apps with the vendor's scopes and demo secrets, and "ucx-onboard
// fake-webex" serves them on fixed addresses (NewServerAt).
//
// # Fidelity
//
// From Webex's documentation: six-digit user codes; expires_in 300 and
// interval 2 by default; verification_uri on a host other than the API's,
// and verification_uri_complete = that URI + "?userCode=" + 64 hex digits
// (here SHA-256 of the user code); 428 with a Webex error body while
// pending; error bodies {"message", "errors": [{"description"}],
// "trackingId"} without RFC's "error" field; 400 for a device
// authorization with an unknown client_id or a scope the integration does
// not hold; the token endpoint's 400 codes (invalid_grant, access_denied,
// slow_down, tokenlimit_reached, ...); 401 (or 400 invalid_client) for bad
// client credentials; 429 with Retry-After; the token lifetimes; 403 for
// an API call whose token lacks the endpoint's scope, and for admin
// scopes on a token of a non-admin; /v1/people's max defaulting to 100,
// Link pagination and no total count; the Full Admin role ID.
//
// Chosen where Webex documents nothing: the OAuth code of a Webex-shaped
// error is its message (as Cisco's SDK reads slow_down), with a sentence
// as description (slow_down: the code again); expiry is 400 invalid_grant
// (Webex does not document expired_token; ExpiredCode or RFCErrors give
// RFC 8628's, ExpiredNoCode a 400 that says so in words only); unknown or
// used codes are 400 invalid_grant; a denied code is 400 access_denied; a max over 100 is clamped, not refused; "admin"
// means any role at all; the interval is enforced between polls of one
// code (with a 100 ms margin), not between issue and first poll; a
// slow_down adds 5 s to that code's interval (RFC 8628 §3.5); a refresh
// returns the same refresh token; the verification host is "localhost"
// on another port; tokenlimit_reached is final for its code; a cut-short
// 200 leaves the code redeemable once more, with the same tokens; a token
// answer carries no "scope" unless TokenScope. AutoApprove stands for a
// person who approves a code that long after seeing it: from its issue, or
// (AutoApproveFromFirstPoll, as --demo uses it) from its first poll, since
// a client may ask for codes ahead and show (and poll) them later.
package webextest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// FullAdminRole is the Webex role ID of a Full Administrator (base64 of
// "ciscospark://us/ROLE/id_full_admin").
const FullAdminRole = "Y2lzY29zcGFyazovL3VzL1JPTEUvaWRfZnVsbF9hZG1pbg"

// DeviceGrantType is the grant_type of a device-code poll (RFC 8628 §3.4).
const DeviceGrantType = "urn:ietf:params:oauth:grant-type:device_code"

// Token lifetimes as Webex announces them.
const (
	AccessTokenLifetime  = 1209599 * time.Second // ~14 days
	RefreshTokenLifetime = 7775999 * time.Second // ~90 days
)

// maxBody caps request bodies.
const maxBody = 64 << 10

// pollMargin is how much earlier than the interval a poll may come before
// it is answered 429.
const pollMargin = 100 * time.Millisecond

// Integration is a registered Webex integration (an OAuth client).
type Integration struct {
	ClientID, ClientSecret string
	Scopes                 []string // scopes the integration may request
	Name                   string   // shown on the /verify page; optional
}

// Person is a Webex user, as /v1/people/me returns it.
type Person struct {
	ID, Email, DisplayName, OrgID string
	Roles                         []string
}

// Org is a Webex organization.
type Org struct {
	ID, Name string
	// Users is the number of users /v1/people lists for the org; 0 means 25.
	Users int
}

// Clock is the server's time source. A nil Clock in Options means
// time.Now.
type Clock interface{ Now() time.Time }

// Options configures a Server. The zero value is usable: no integrations,
// a default org and approver, Webex's documented interval 2 s and expiry
// 300 s, Webex-shaped error bodies.
type Options struct {
	Integrations []Integration
	// Approver is who approves a code through Approve, AutoApprove,
	// ApproveAfterPolls and the /verify page. Zero means a Full Admin
	// "admin@example.com" of Org. An empty ID or OrgID is filled in (OrgID
	// with Org's).
	Approver Person
	// Org is the default organization; zero fields get defaults.
	Org Org
	// Interval is the announced minimum poll interval, in whole seconds;
	// 0 means 5 s. Polls of a code sooner than Interval (less 100 ms) after
	// that code's previous poll are answered 429 with Retry-After and do
	// not count as that code's previous poll. The first poll is not
	// checked. 0 means 2 s, as Webex documents.
	Interval time.Duration
	// ExpiresIn is the device code lifetime, in whole seconds; 0 means 300 s.
	ExpiresIn time.Duration
	// Errors is the shape of error bodies; the zero value is WebexErrors.
	Errors ErrorStyle
	// ExpiredCode is the OAuth code of a poll of an expired device code:
	// "" means "invalid_grant" with WebexErrors and RFC 8628's
	// "expired_token" with RFCErrors; ExpiredNoCode answers a 400 whose
	// text says the code expired, with no OAuth code at all (Webex
	// documents none for it). Only these are accepted.
	ExpiredCode string
	// BadClientStatus is the status of a token request whose client
	// authentication fails (unknown client, wrong or missing secret):
	// 0 means 401, the other choice is 400. Both carry invalid_client.
	BadClientStatus int
	// Complete chooses the verification_uri_complete of new codes; the
	// zero value is the documented one.
	Complete CompleteURI
	// Latency, when > 0, holds every request for that much real time
	// before handling it (for benchmarks; tests keep it 0). A client that
	// gives up first gets nothing, and the request has no effect.
	Latency time.Duration
	// VerifyAddr is the listen address (host:port) of the verification
	// host, for NewServerAt; "" means the API's host with a random port.
	// NewServer always uses 127.0.0.1 with a random port.
	VerifyAddr string
	// AutoApprove, when > 0, approves each code (as Approver) once that
	// long has passed since it was issued, by Clock; with
	// AutoApproveFromFirstPoll, since its first poll.
	AutoApprove time.Duration
	// AutoApproveFromFirstPoll starts AutoApprove's clock at a code's
	// first poll instead of its issue: a client that asks for a code ahead
	// and polls it only once it shows it (as the wizard does) has it
	// approved AutoApprove after it is shown, like a person who scans it
	// then. A code never polled is never approved.
	AutoApproveFromFirstPoll bool
	// Clock is the time source; nil means time.Now.
	Clock Clock
	// OnRequest, if set, is called with each request's record once it has
	// been answered (for logging, e.g. by the fake-webex command). It runs
	// on the request's goroutine, without the server's lock held.
	OnRequest func(Request)

	// Readings of what Webex's documentation leaves open (see
	// DOMAIN.md, "Where the documentation is silent"). The zero values
	// are the fake's historical readings.

	// PeopleMe is the scope GET /v1/people/me demands of a token: the
	// zero value MeAnyToken demands none.
	PeopleMe MeScope
	// SecretCheck is when the token endpoint checks the client secret
	// of a device-code poll: the zero value SecretAlways checks it on
	// every poll (a wrong one is refused while the code is pending).
	SecretCheck SecretCheck

	// Readings of what Webex leaves undocumented (issue 15; see also
	// DropAllFor and FailPath).

	// TokenScope, when true, puts "scope" (the granted scopes, space
	// separated) in every token answer, as Webex's documentation shows;
	// false leaves it out, as RFC 6749 allows when the scopes are those
	// requested.
	TokenScope bool
}

// MeScope is what GET /v1/people/me demands of a token (Options.PeopleMe):
// Webex's docs say people reads need spark:people_read, and Cisco's SDK
// has /people/me refusing a token without it; whether
// spark-admin:people_read is enough is undocumented.
type MeScope int

const (
	// MeAnyToken: any valid token may read its own person.
	MeAnyToken MeScope = iota
	// MePeopleRead: only a token holding spark:people_read; others get
	// 403 with Webex's "missing required scopes" message.
	MePeopleRead
	// MeEitherPeopleScope: a token holding spark:people_read or
	// spark-admin:people_read; others get 403.
	MeEitherPeopleScope
)

// The people scopes of MeScope.
const (
	UserPeopleReadScope  = "spark:people_read"
	AdminPeopleReadScope = "spark-admin:people_read"
)

// SecretCheck is when a device-code poll's client secret is checked
// (Options.SecretCheck): undocumented at Webex.
type SecretCheck int

const (
	// SecretAlways: every poll checks the client credentials first (a
	// wrong secret gets BadClientStatus while the code is pending).
	SecretAlways SecretCheck = iota
	// SecretAtRedemption: while the code is pending (or denied, expired,
	// used) a poll with a known client_id and any secret gets the same
	// answer as with the right one; the secret is checked only when the
	// approved code would be redeemed. A rejected redemption leaves the
	// code approved: the right secret redeems it while it is valid.
	SecretAtRedemption
)

// ExpiredNoCode is the Options.ExpiredCode of a Webex that answers an
// expired code with a 400 whose text says so but holds no OAuth code.
const ExpiredNoCode = "none"

// ErrorStyle is the shape of the server's error bodies.
type ErrorStyle int

const (
	// WebexErrors: every error body is
	// {"message": ..., "errors": [{"description": ...}], "trackingId": ...}.
	// For an OAuth error (slow_down, invalid_grant, ...) the code is the
	// message; the description is the code for slow_down and a sentence
	// otherwise. There is no "error" field.
	WebexErrors ErrorStyle = iota
	// RFCErrors: an OAuth error is RFC 6749 §5.2's
	// {"error": code, "error_description": sentence}; errors without an
	// OAuth code (403, 404, 428, 5xx, ...) keep Webex's shape.
	RFCErrors
)

// CompleteURI chooses what a device authorization says in
// verification_uri_complete, for tests of that optional field.
type CompleteURI int

const (
	// CompleteHashed is the documented form:
	// VerifyURL + "/verify?userCode=" + 64 hex digits (SHA-256 of the
	// user code), about 105 characters on a loopback port.
	CompleteHashed CompleteURI = iota
	// CompleteOmitted leaves the field out of the answer.
	CompleteOmitted
	// CompletePlainHTTP sends an http URL to a host that is not loopback
	// ("http://verify.webextest.invalid/verify?userCode=..."), which no
	// client should show.
	CompletePlainHTTP
	// CompleteHuge sends a URL of HugeCompleteLen bytes (the hashed one,
	// padded with a long extra query parameter).
	CompleteHuge
)

// HugeCompleteLen is the length of a CompleteHuge verification_uri_complete:
// over any sane limit for a URL to show or put in a QR code.
const HugeCompleteLen = 4096

// Request is one request the server received. It never holds a secret,
// a device code or a token.
type Request struct {
	At       time.Time // arrival, by Clock
	Method   string
	Path     string // URL path, without query
	ClientID string // from the form, Basic auth or the bearer token's grant
	UserCode string // resolved from device_code, refresh or bearer token
	// Status is the HTTP status answered; 0 when no answer was written
	// (dropped connection, client gone during a delay, still in flight).
	// A cut-short answer (CutShortNextToken) is recorded with its 200.
	Status int
}

// IssuedToken is a token pair the server handed out.
type IssuedToken struct {
	ClientID, UserCode, AccessToken, RefreshToken string
	Person                                        Person
}

type codeState int

const (
	statePending codeState = iota
	stateApproved
	stateDenied
	stateExpired // forced by Expire
	stateConsumed
)

func (s codeState) String() string {
	return [...]string{"pending", "approved", "denied", "expired", "consumed"}[s]
}

// grant is one device authorization.
type grant struct {
	deviceCode, userCode, hash string
	clientID                   string
	scopes                     []string
	issued, expires            time.Time
	interval                   time.Duration // raised by slow_down
	state                      codeState
	person                     Person
	lastPoll                   time.Time // zero before the first poll
	firstPoll                  time.Time // zero before the first poll
	polls                      int       // polls that reached the code
	approveAtPoll              int       // >0: ApproveAfterPolls
	// cutShort holds the token answer sent cut short; the next poll of the
	// code answers it again in full.
	cutShort *tokenResponse
}

type token struct {
	clientID, userCode string
	scopes             []string
	person             Person
	expires            time.Time
}

type faultKind int

const (
	faultStatus faultKind = iota
	faultRateLimit
	faultSlowDown
	faultDrop
	faultDelay
)

// faultNames are the methods that queue each faultKind, for Unused.
var faultNames = [...]string{"FailPolls", "RateLimitPolls", "SlowDownPolls", "DropPolls", "DelayPolls"}

type fault struct {
	kind       faultKind
	n          int
	status     int
	retryAfter string
	delay      time.Duration
}

// Server is a running fake Webex. Create it with NewServer or NewServerAt;
// the caller must call Close when finished.
type Server struct {
	// URL is the base URL of the API, e.g. "http://127.0.0.1:41234", no
	// trailing slash.
	URL string
	// VerifyURL is the base URL of the verification host, where the
	// approval page /verify is served: another listener, named
	// "localhost" when it listens on 127.0.0.1, e.g.
	// "http://localhost:41235". The API host does not serve /verify.
	VerifyURL string

	hs, vs   *httptest.Server
	closing  chan struct{}
	closeOne sync.Once

	interval, expiresIn, autoApprove time.Duration
	autoApproveFromPoll              bool
	latency                          time.Duration
	errStyle                         ErrorStyle
	expiredCode                      string
	badClientStatus                  int
	complete                         CompleteURI
	clock                            Clock
	onRequest                        func(Request)
	peopleMe                         MeScope
	secretCheck                      SecretCheck
	onArrive                         func() // test hook: a request was recorded
	tokenScope                       bool

	mu           sync.Mutex
	integrations map[string]Integration
	orgs         map[string]Org
	approver     Person
	defaultOrg   string
	grants       map[string]*grant // by device code
	byUser       map[string]*grant
	byHash       map[string]*grant
	order        []*grant
	access       map[string]*token
	refresh      map[string]*token
	faults       []fault
	corruptNext  bool
	cutNext      bool
	limitNext    bool
	rfcPending   bool
	requests     []Request
	issued       []IssuedToken
	// outageUntil: DropAllFor; pathFaults: FailPath (faults.go).
	outageUntil time.Time
	pathFaults  []pathFault
}

// NewServer starts a fake Webex on 127.0.0.1 with a random port, and its
// verification host on another random port (see VerifyURL). It panics
// with a "webextest: ..." message on setup errors (bad options, no port),
// for ease of use in tests.
func NewServer(opts Options) *Server {
	s, err := newServer(opts, "")
	if err != nil {
		panic(err.Error())
	}
	return s
}

// NewServerAt starts a fake Webex listening on addr (host:port), and its
// verification host on Options.VerifyAddr. Unlike NewServer it returns
// setup errors. It does not restrict either address to loopback; callers
// decide that.
func NewServerAt(addr string, opts Options) (*Server, error) {
	if addr == "" {
		return nil, fmt.Errorf("webextest: empty listen address")
	}
	return newServer(opts, addr)
}

func newServer(opts Options, addr string) (*Server, error) {
	s := &Server{
		closing:             make(chan struct{}),
		interval:            opts.Interval,
		expiresIn:           opts.ExpiresIn,
		autoApprove:         opts.AutoApprove,
		autoApproveFromPoll: opts.AutoApproveFromFirstPoll,
		latency:             opts.Latency,
		errStyle:            opts.Errors,
		expiredCode:         opts.ExpiredCode,
		badClientStatus:     opts.BadClientStatus,
		complete:            opts.Complete,
		clock:               opts.Clock,
		onRequest:           opts.OnRequest,
		peopleMe:            opts.PeopleMe,
		secretCheck:         opts.SecretCheck,
		tokenScope:          opts.TokenScope,
		integrations:        map[string]Integration{},
		orgs:                map[string]Org{},
		grants:              map[string]*grant{},
		byUser:              map[string]*grant{},
		byHash:              map[string]*grant{},
		access:              map[string]*token{},
		refresh:             map[string]*token{},
	}
	if s.interval == 0 {
		s.interval = 2 * time.Second
	}
	if s.expiresIn == 0 {
		s.expiresIn = 300 * time.Second
	}
	if s.interval < time.Second || s.interval%time.Second != 0 {
		return nil, fmt.Errorf("webextest: Interval %v is not a positive whole number of seconds", opts.Interval)
	}
	if s.expiresIn < time.Second || s.expiresIn%time.Second != 0 {
		return nil, fmt.Errorf("webextest: ExpiresIn %v is not a positive whole number of seconds", opts.ExpiresIn)
	}
	if s.autoApprove < 0 {
		return nil, fmt.Errorf("webextest: negative AutoApprove %v", opts.AutoApprove)
	}
	if s.latency < 0 {
		return nil, fmt.Errorf("webextest: negative Latency %v", opts.Latency)
	}
	if s.errStyle != WebexErrors && s.errStyle != RFCErrors {
		return nil, fmt.Errorf("webextest: unknown ErrorStyle %d", opts.Errors)
	}
	switch s.expiredCode {
	case "":
		s.expiredCode = "invalid_grant"
		if s.errStyle == RFCErrors {
			s.expiredCode = "expired_token"
		}
	case "invalid_grant", "expired_token":
	case ExpiredNoCode:
		s.expiredCode = "" // the handler's "" is no code
	default:
		return nil, fmt.Errorf("webextest: ExpiredCode %q is neither invalid_grant, expired_token nor %s", opts.ExpiredCode, ExpiredNoCode)
	}
	switch s.badClientStatus {
	case 0:
		s.badClientStatus = http.StatusUnauthorized
	case http.StatusUnauthorized, http.StatusBadRequest:
	default:
		return nil, fmt.Errorf("webextest: BadClientStatus %d is neither 401 nor 400", opts.BadClientStatus)
	}
	if s.peopleMe < MeAnyToken || s.peopleMe > MeEitherPeopleScope {
		return nil, fmt.Errorf("webextest: unknown MeScope %d", opts.PeopleMe)
	}
	if s.secretCheck < SecretAlways || s.secretCheck > SecretAtRedemption {
		return nil, fmt.Errorf("webextest: unknown SecretCheck %d", opts.SecretCheck)
	}
	if s.complete < CompleteHashed || s.complete > CompleteHuge {
		return nil, fmt.Errorf("webextest: unknown CompleteURI %d", opts.Complete)
	}
	for _, in := range opts.Integrations {
		if in.ClientID == "" || in.ClientSecret == "" {
			return nil, fmt.Errorf("webextest: integration %q needs a ClientID and a ClientSecret", in.ClientID)
		}
		if _, dup := s.integrations[in.ClientID]; dup {
			return nil, fmt.Errorf("webextest: duplicate integration %q", in.ClientID)
		}
		in.Scopes = slices.Clone(in.Scopes)
		s.integrations[in.ClientID] = in
	}
	org := opts.Org
	if org.ID == "" {
		org.ID = webexID("ORGANIZATION", "00000000-0000-4000-8000-0000000fa4e0")
	}
	if org.Name == "" {
		org.Name = "Example Customer (fake Webex)"
	}
	if org.Users < 0 {
		return nil, fmt.Errorf("webextest: negative Org.Users %d", org.Users)
	}
	s.orgs[org.ID] = org
	s.defaultOrg = org.ID
	ap := opts.Approver
	if ap.ID == "" && ap.Email == "" && ap.DisplayName == "" && ap.OrgID == "" && ap.Roles == nil {
		ap = Person{Email: "admin@example.com", DisplayName: "Example Admin", Roles: []string{FullAdminRole}}
	}
	ap, err := s.fillPerson(ap)
	if err != nil {
		return nil, err
	}
	s.approver = ap

	verifyAddr := opts.VerifyAddr
	if addr != "" && verifyAddr == "" {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, fmt.Errorf("webextest: listen address %q: %v", addr, err)
		}
		verifyAddr = net.JoinHostPort(host, "0")
	}
	hs, err := startListener(http.HandlerFunc(s.serveAPI), addr)
	if err != nil {
		return nil, err
	}
	vs, err := startListener(http.HandlerFunc(s.serveVerify), verifyAddr)
	if err != nil {
		hs.Close()
		return nil, err
	}
	s.hs, s.vs = hs, vs
	s.URL = hs.URL
	s.VerifyURL = vs.URL
	if ta, ok := vs.Listener.Addr().(*net.TCPAddr); ok && ta.IP.Equal(net.IPv4(127, 0, 0, 1)) {
		s.VerifyURL = fmt.Sprintf("http://localhost:%d", ta.Port)
	}
	return s, nil
}

// startListener starts an httptest server for h on addr ("" means
// 127.0.0.1 with a random port).
func startListener(h http.Handler, addr string) (*httptest.Server, error) {
	hs := httptest.NewUnstartedServer(h)
	if addr != "" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			hs.Listener.Close()
			return nil, fmt.Errorf("webextest: listen: %v", err)
		}
		hs.Listener.Close()
		hs.Listener = l
	}
	hs.Config.ReadHeaderTimeout = 10 * time.Second
	hs.Start()
	return hs, nil
}

// fillPerson completes p with an ID and the default org; it fails when
// p.OrgID names an unknown org. Call with mu held or before serving.
func (s *Server) fillPerson(p Person) (Person, error) {
	if p.OrgID == "" {
		p.OrgID = s.defaultOrg
	}
	if _, ok := s.orgs[p.OrgID]; !ok {
		return p, fmt.Errorf("webextest: person %q: unknown org %q (add it with AddOrg)", p.Email, p.OrgID)
	}
	if p.ID == "" {
		sum := sha256.Sum256([]byte(p.Email + "\x00" + p.OrgID))
		p.ID = webexID("PEOPLE", hex.EncodeToString(sum[:16]))
	}
	p.Roles = slices.Clone(p.Roles)
	return p, nil
}

// webexID builds a Webex-style ID: unpadded base64 of ciscospark://us/KIND/id.
func webexID(kind, id string) string {
	return base64.RawStdEncoding.EncodeToString([]byte("ciscospark://us/" + kind + "/" + id))
}

// Close shuts both hosts down, abandoning delayed answers, and waits for
// handlers to return.
func (s *Server) Close() {
	s.closeOne.Do(func() { close(s.closing) })
	s.hs.Close()
	s.vs.Close()
}

// Client returns an HTTP client configured for the server (both hosts),
// closed by Close.
func (s *Server) Client() *http.Client { return s.hs.Client() }

// Addr returns the API listener's address.
func (s *Server) Addr() net.Addr { return s.hs.Listener.Addr() }

// VerifyAddr returns the verification host's listener address.
func (s *Server) VerifyAddr() net.Addr { return s.vs.Listener.Addr() }

// Endpoint returns the OAuth endpoint of the device grant: DeviceAuthURL
// {URL}/v1/device/authorize, TokenURL {URL}/v1/device/token, Basic client
// authentication. AuthURL is empty: the fake has no authorization-code flow.
func (s *Server) Endpoint() oauth2.Endpoint {
	return oauth2.Endpoint{
		DeviceAuthURL: s.URL + "/v1/device/authorize",
		TokenURL:      s.URL + "/v1/device/token",
		AuthStyle:     oauth2.AuthStyleInHeader,
	}
}

// RefreshEndpoint is like Endpoint with TokenURL {URL}/v1/access_token,
// where Webex refreshes tokens.
func (s *Server) RefreshEndpoint() oauth2.Endpoint {
	e := s.Endpoint()
	e.TokenURL = s.URL + "/v1/access_token"
	return e
}

func (s *Server) now() time.Time {
	if s.clock == nil {
		return time.Now()
	}
	return s.clock.Now()
}

// AddOrg registers (or replaces) an organization, for ApproveAs.
func (s *Server) AddOrg(o Org) {
	if o.ID == "" {
		panic("webextest: AddOrg with an empty ID")
	}
	if o.Users < 0 {
		panic("webextest: AddOrg with negative Users")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orgs[o.ID] = o
}

// lookupUser finds a pending code by user code; mu must be held.
func (s *Server) lookupUser(userCode string) (*grant, error) {
	g := s.byUser[userCode]
	if g == nil {
		return nil, fmt.Errorf("webextest: unknown user code %q", userCode)
	}
	s.refreshState(g, s.now())
	return g, nil
}

// refreshState applies time-based transitions (expiry, AutoApprove); mu held.
func (s *Server) refreshState(g *grant, now time.Time) {
	if g.state == statePending && !now.Before(g.expires) {
		g.state = stateExpired
	}
	start := g.issued
	if s.autoApproveFromPoll {
		start = g.firstPoll // zero (never reached) before the first poll
		if start.IsZero() {
			return
		}
	}
	if g.state == statePending && s.autoApprove > 0 && !now.Before(start.Add(s.autoApprove)) {
		g.state = stateApproved
		g.person = s.approver
	}
}

// Approve approves the code as Options.Approver. It fails if the code is
// unknown or no longer pending (approved, denied, expired or used).
func (s *Server) Approve(userCode string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.approveLocked(userCode, s.approver)
}

// ApproveAs approves the code as p. p.OrgID must name the default org or
// one added with AddOrg (empty means the default org); an empty p.ID is
// derived from the email.
func (s *Server) ApproveAs(userCode string, p Person) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.fillPerson(p)
	if err != nil {
		return err
	}
	return s.approveLocked(userCode, p)
}

func (s *Server) approveLocked(userCode string, p Person) error {
	g, err := s.lookupUser(userCode)
	if err != nil {
		return err
	}
	if g.state != statePending {
		return fmt.Errorf("webextest: user code %q is %v, not pending", userCode, g.state)
	}
	g.state = stateApproved
	g.person = p
	return nil
}

// Deny denies the code: its next poll answers 400 access_denied. It fails
// if the code is unknown or no longer pending.
func (s *Server) Deny(userCode string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.lookupUser(userCode)
	if err != nil {
		return err
	}
	if g.state != statePending {
		return fmt.Errorf("webextest: user code %q is %v, not pending", userCode, g.state)
	}
	g.state = stateDenied
	return nil
}

// Expire expires the code now: its next poll answers 400 with
// Options.ExpiredCode (invalid_grant by default, as Webex does).
// It fails if the code is unknown or already used.
func (s *Server) Expire(userCode string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.lookupUser(userCode)
	if err != nil {
		return err
	}
	if g.state == stateConsumed {
		return fmt.Errorf("webextest: user code %q is already used", userCode)
	}
	g.state = stateExpired
	return nil
}

// ApproveAfterPolls arranges for the code to be approved (as
// Options.Approver) when its n-th poll arrives, counting every poll of the
// code since it was issued that is not answered by an injected fault or a
// 429 for polling too fast; that poll answers 200. If n polls have
// already been counted, the next counted poll approves. It panics if the
// code is unknown or n < 1.
func (s *Server) ApproveAfterPolls(userCode string, n int) {
	if n < 1 {
		panic("webextest: ApproveAfterPolls needs n >= 1")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.byUser[userCode]
	if g == nil {
		panic(fmt.Sprintf("webextest: ApproveAfterPolls: unknown user code %q", userCode))
	}
	g.approveAtPoll = n
}

// UserCodes returns the user codes issued so far, oldest first.
func (s *Server) UserCodes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.order))
	for i, g := range s.order {
		out[i] = g.userCode
	}
	return out
}

func (s *Server) addFault(f fault) {
	if f.n < 1 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// FailPolls answers the next n polls of the token endpoint (any code) with
// status and a Webex error body. Faults queue up in the order added.
func (s *Server) FailPolls(n int, status int) {
	if status < 400 || status > 599 {
		panic(fmt.Sprintf("webextest: FailPolls with non-error status %d", status))
	}
	s.addFault(fault{kind: faultStatus, n: n, status: status})
}

// RateLimitPolls answers the next n polls 429 with the given Retry-After
// header value (seconds or an HTTP date; empty sends no header).
func (s *Server) RateLimitPolls(n int, retryAfter string) {
	s.addFault(fault{kind: faultRateLimit, n: n, retryAfter: retryAfter})
}

// SlowDownPolls answers the next n polls 400 slow_down: with WebexErrors
// {"message":"slow_down","errors":[{"description":"slow_down"}],...}, with
// RFCErrors {"error":"slow_down",...}. As RFC
// 8628 §3.5 prescribes, a slow_down also raises that code's interval by 5 s
// for all later polls, and counts as a poll for the interval check.
func (s *Server) SlowDownPolls(n int) { s.addFault(fault{kind: faultSlowDown, n: n}) }

// DropPolls makes the next n polls end with the connection closed and no
// answer.
func (s *Server) DropPolls(n int) { s.addFault(fault{kind: faultDrop, n: n}) }

// DelayPolls holds each of the next n polls for d of real time before
// handling it normally. If the client gives up first, the poll has no
// effect (the code is not consumed) and is recorded with Status 0.
func (s *Server) DelayPolls(n int, d time.Duration) {
	s.addFault(fault{kind: faultDelay, n: n, delay: d})
}

// CorruptNextToken makes the next successful token answer a 200 with an
// unparseable body. The code is used up, as with a real 200.
func (s *Server) CorruptNextToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.corruptNext = true
}

// CutShortNextToken makes the next successful token answer a 200 whose
// body stops half way (the connection closes before the announced
// Content-Length). The tokens are issued (see Issued) but the code stays
// redeemable: the next poll of the same code, once its interval has
// passed, answers the same tokens again in full and uses the code up.
func (s *Server) CutShortNextToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cutNext = true
}

// TokenLimitNext makes the next poll of an approved code answer Webex's
// final 400 tokenlimit_reached instead of tokens: no token is issued and
// the code is used up (later polls get invalid_grant).
func (s *Server) TokenLimitNext() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limitNext = true
}

// RFC8628Pending, when on, answers pending codes with RFC 8628's
// 400 {"error":"authorization_pending",...} (RFC-shaped whatever
// Options.Errors says) instead of Webex's 428.
func (s *Server) RFC8628Pending(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rfcPending = on
}

// Unused describes scripted behaviour that has not happened yet: queued
// faults, a pending CorruptNextToken, CutShortNextToken or TokenLimitNext,
// a cut-short answer not yet answered again, and ApproveAfterPolls that
// have not fired. Tests can fail when it is not empty, like httpmock's Verify.
func (s *Server) Unused() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, f := range s.faults {
		out = append(out, fmt.Sprintf("%s: %d poll(s) left", faultNames[f.kind], f.n))
	}
	if s.corruptNext {
		out = append(out, "CorruptNextToken: not used")
	}
	if s.cutNext {
		out = append(out, "CutShortNextToken: not used")
	}
	if s.limitNext {
		out = append(out, "TokenLimitNext: not used")
	}
	for _, g := range s.order {
		if g.cutShort != nil && g.state == stateApproved {
			out = append(out, fmt.Sprintf("CutShortNextToken: code %q not polled again", g.userCode))
		}
	}
	for _, g := range s.order {
		if g.approveAtPoll > 0 {
			out = append(out, fmt.Sprintf("ApproveAfterPolls(%q, %d): %d poll(s) seen", g.userCode, g.approveAtPoll, g.polls))
		}
	}
	out = append(out, s.unusedPathFaultsLocked()...)
	return out
}

// Requests returns every request received so far, in order of arrival.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Issued returns the token pairs handed out so far (device grants and
// refreshes), oldest first.
func (s *Server) Issued() []IssuedToken {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.issued)
	for i := range out {
		out[i].Person.Roles = slices.Clone(out[i].Person.Roles)
	}
	return out
}

// randomHex returns n random bytes, hex encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b)
}

// newUserCode returns six random decimal digits, like Webex's "729703".
func newUserCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic("webextest: " + err.Error()) // crypto/rand does not fail (Go 1.24+)
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// userCodeHash is the userCode parameter of verification_uri_complete:
// SHA-256 of the user code, 64 hex digits.
func userCodeHash(userCode string) string {
	sum := sha256.Sum256([]byte(userCode))
	return hex.EncodeToString(sum[:])
}

func trackingID() string {
	return "WEBEXTEST_" + strings.ToUpper(randomHex(4)) + "-" + strings.ToUpper(randomHex(6))
}
