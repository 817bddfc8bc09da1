package webextest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// recorder fills in the request's record as the answer starts, before the
// client can see it, so that Requests is up to date once a client has its
// answer. Unwrap lets http.ResponseController reach the connection (for
// DropPolls).
type recorder struct {
	http.ResponseWriter
	s         *Server
	idx       int
	info      *reqInfo
	status    int
	committed bool
}

// commit records status (0: no answer) with what the handler learned.
func (r *recorder) commit(status int) {
	if r.committed {
		return
	}
	r.committed, r.status = true, status
	r.s.mu.Lock()
	rq := &r.s.requests[r.idx]
	rq.Status, rq.ClientID, rq.UserCode = status, r.info.clientID, r.info.userCode
	r.s.mu.Unlock()
}

func (r *recorder) WriteHeader(code int) {
	r.commit(code)
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.commit(http.StatusOK)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// reqInfo is what a handler learned about a request, for the record.
type reqInfo struct{ clientID, userCode string }

// serveAPI serves the API host.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) { s.serve(w, r, s.routeAPIFaulty) }

// serveVerify serves the verification host.
func (s *Server) serveVerify(w http.ResponseWriter, r *http.Request) { s.serve(w, r, s.routeVerify) }

func (s *Server) serve(w http.ResponseWriter, r *http.Request, route func(http.ResponseWriter, *http.Request, *reqInfo)) {
	s.mu.Lock()
	idx := len(s.requests)
	s.requests = append(s.requests, Request{At: s.now(), Method: r.Method, Path: r.URL.Path})
	s.mu.Unlock()
	if s.onArrive != nil {
		s.onArrive()
	}

	info := &reqInfo{}
	rw := &recorder{ResponseWriter: w, s: s, idx: idx, info: info}
	// Deferred: a cut-short answer ends the handler with a panic.
	defer func() {
		rw.commit(0) // no answer written (dropped, or the client left)
		if s.onRequest != nil {
			s.mu.Lock()
			done := s.requests[idx]
			s.mu.Unlock()
			s.onRequest(done)
		}
	}()
	if s.wait(r, s.latency) {
		route(rw, r, info)
	}
}

// wait holds the request for d of real time; it returns false when the
// client left or the server is closing first.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.closing:
		return false
	}
}

// routeVerify routes requests to the verification host.
func (s *Server) routeVerify(w http.ResponseWriter, r *http.Request, info *reqInfo) {
	switch r.URL.Path {
	case "/verify":
		if allow(w, r, http.MethodGet, http.MethodPost) {
			s.handleVerify(w, r, info)
		}
	case "/":
		if allow(w, r, http.MethodGet) {
			http.Redirect(w, r, "/verify", http.StatusFound)
		}
	default:
		s.writeError(w, http.StatusNotFound, "", "The requested resource could not be found.")
	}
}

// routeAPI routes requests to the API host.
func (s *Server) routeAPI(w http.ResponseWriter, r *http.Request, info *reqInfo) {
	p := r.URL.Path
	switch {
	case p == "/v1/device/authorize":
		if allow(w, r, http.MethodPost) {
			s.handleAuthorize(w, r, info)
		}
	case p == "/v1/device/token":
		if allow(w, r, http.MethodPost) {
			s.handleToken(w, r, info)
		}
	case p == "/v1/access_token":
		if allow(w, r, http.MethodPost) {
			s.handleRefresh(w, r, info)
		}
	case p == "/v1/people/me":
		if allow(w, r, http.MethodGet) {
			s.handleMe(w, r, info)
		}
	case p == "/v1/people":
		if allow(w, r, http.MethodGet) {
			s.handlePeople(w, r, info)
		}
	case strings.HasPrefix(p, "/v1/organizations/") && len(p) > len("/v1/organizations/") && !strings.Contains(p[len("/v1/organizations/"):], "/"):
		if allow(w, r, http.MethodGet) {
			s.handleOrg(w, r, info, p[len("/v1/organizations/"):])
		}
	default:
		s.writeError(w, http.StatusNotFound, "", "The requested resource could not be found.")
	}
}

// allow answers 405 unless r.Method is one of methods.
func allow(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	if slices.Contains(methods, r.Method) {
		return true
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	writeWebexError(w, http.StatusMethodNotAllowed, "Method "+r.Method+" is not allowed.")
	return false
}

// webexError is Webex's error body: message, errors and trackingId.
type webexError struct {
	Message    string        `json:"message"`
	Errors     []errorDetail `json:"errors"`
	TrackingID string        `json:"trackingId"`
}

// rfcError is RFC 6749 §5.2's error body (RFCErrors).
type rfcError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

type errorDetail struct {
	Description string `json:"description"`
}

// answer is a response prepared under the lock and written after it.
type answer struct {
	status     int
	oauthErr   string // for error answers
	msg        string // for error answers
	retryAfter string
	body       any    // for 2xx answers
	raw        []byte // written verbatim (CorruptNextToken)
	cutShort   bool   // body is sent cut short (CutShortNextToken)
	rfc        bool   // RFC-shaped error body whatever the ErrorStyle
}

func (s *Server) write(w http.ResponseWriter, a answer) {
	if a.retryAfter != "" {
		w.Header().Set("Retry-After", a.retryAfter)
	}
	switch {
	case a.raw != nil:
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Header().Set("TrackingID", trackingID())
		w.WriteHeader(a.status)
		_, _ = w.Write(a.raw)
	case a.status >= 400 && a.rfc:
		w.Header().Set("TrackingID", trackingID())
		writeJSON(w, a.status, rfcError{Error: a.oauthErr, ErrorDescription: a.msg})
	case a.status >= 400:
		s.writeError(w, a.status, a.oauthErr, a.msg)
	default:
		writeJSON(w, a.status, a.body)
	}
}

func errAnswer(status int, oauthErr, msg string) answer {
	return answer{status: status, oauthErr: oauthErr, msg: msg}
}

// writeError writes an error body in the server's ErrorStyle. oauthErr is
// the OAuth error code, or "" for errors that have none.
func (s *Server) writeError(w http.ResponseWriter, status int, oauthErr, msg string) {
	switch {
	case oauthErr == "":
		writeWebexError(w, status, msg)
	case s.errStyle == RFCErrors:
		w.Header().Set("TrackingID", trackingID())
		writeJSON(w, status, rfcError{Error: oauthErr, ErrorDescription: msg})
	default:
		// Webex: the code is the message (Cisco's SDK reads slow_down
		// there); slow_down's description is the code as well.
		desc := msg
		if oauthErr == "slow_down" {
			desc = oauthErr
		}
		id := trackingID()
		w.Header().Set("TrackingID", id)
		writeJSON(w, status, webexError{Message: oauthErr, Errors: []errorDetail{{Description: desc}}, TrackingID: id})
	}
}

// writeWebexError writes a Webex error body without an OAuth code.
func writeWebexError(w http.ResponseWriter, status int, msg string) {
	id := trackingID()
	w.Header().Set("TrackingID", id)
	writeJSON(w, status, webexError{Message: msg, Errors: []errorDetail{{Description: msg}}, TrackingID: id})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic("webextest: " + err.Error()) // our own types always marshal
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	if w.Header().Get("TrackingID") == "" {
		w.Header().Set("TrackingID", trackingID())
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// parseForm reads a capped form body; on failure it answers and returns false.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.writeError(w, http.StatusRequestEntityTooLarge, "invalid_request", "Request body too large.")
		} else {
			s.writeError(w, http.StatusBadRequest, "invalid_request", "Malformed form body.")
		}
		return false
	}
	return true
}

// clientCreds returns the client credentials of r: HTTP Basic (both parts
// query-escaped, as RFC 6749 §2.3.1 and x/oauth2 do) or client_id and
// client_secret in the body. ok is false when there is no secret at all.
func clientCreds(r *http.Request) (id, secret string, ok bool) {
	if u, p, basic := r.BasicAuth(); basic {
		uu, err1 := url.QueryUnescape(u)
		pp, err2 := url.QueryUnescape(p)
		if err1 != nil || err2 != nil {
			return u, "", false
		}
		if bid := r.PostForm.Get("client_id"); bid != "" && bid != uu {
			return uu, "", false
		}
		return uu, pp, true
	}
	id = r.PostForm.Get("client_id")
	secret = r.PostForm.Get("client_secret")
	return id, secret, secret != ""
}

// authClient checks the client credentials; mu must be held.
func (s *Server) authClient(id, secret string, ok bool) (Integration, *answer) {
	if !ok {
		a := errAnswer(s.badClientStatus, "invalid_client", "The request requires client authentication.")
		return Integration{}, &a
	}
	in, known := s.integrations[id]
	if !known || subtle.ConstantTimeCompare([]byte(in.ClientSecret), []byte(secret)) != 1 {
		a := errAnswer(s.badClientStatus, "invalid_client", "Client authentication failed: invalid client_id or client_secret.")
		return Integration{}, &a
	}
	return in, nil
}

// deviceAuthResponse is the body of a successful /v1/device/authorize.
type deviceAuthResponse struct {
	DeviceCode              string `json:"device_code"`
	UserCode                string `json:"user_code"`
	VerificationURI         string `json:"verification_uri"`
	VerificationURIComplete string `json:"verification_uri_complete,omitempty"`
	ExpiresIn               int64  `json:"expires_in"`
	Interval                int64  `json:"interval"`
}

func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request, info *reqInfo) {
	if !s.parseForm(w, r) {
		return
	}
	id := r.PostForm.Get("client_id")
	info.clientID = id
	scopes := strings.Fields(r.PostForm.Get("scope"))

	s.mu.Lock()
	a := s.authorizeLocked(id, scopes, info)
	s.mu.Unlock()
	s.write(w, a)
}

func (s *Server) authorizeLocked(id string, scopes []string, info *reqInfo) answer {
	in, ok := s.integrations[id]
	if id == "" {
		return errAnswer(http.StatusBadRequest, "invalid_request", "Missing client_id.")
	}
	if !ok {
		return errAnswer(http.StatusBadRequest, "invalid_client", fmt.Sprintf("Invalid client_id %q.", id))
	}
	if len(scopes) == 0 {
		return errAnswer(http.StatusBadRequest, "invalid_scope", "Missing scope.")
	}
	for _, sc := range scopes {
		if !slices.Contains(in.Scopes, sc) {
			return errAnswer(http.StatusBadRequest, "invalid_scope", fmt.Sprintf("Invalid scope %q: the integration does not include it.", sc))
		}
	}
	now := s.now()
	g := &grant{
		deviceCode: "dc-FAKE-" + randomHex(24),
		clientID:   id,
		scopes:     slices.Clone(scopes),
		issued:     now,
		expires:    now.Add(s.expiresIn),
		interval:   s.interval,
	}
	for g.userCode == "" || s.byUser[g.userCode] != nil {
		g.userCode = newUserCode()
	}
	g.hash = userCodeHash(g.userCode)
	s.grants[g.deviceCode] = g
	s.byUser[g.userCode] = g
	s.byHash[g.hash] = g
	s.order = append(s.order, g)
	info.userCode = g.userCode
	return answer{status: http.StatusOK, body: deviceAuthResponse{
		DeviceCode:              g.deviceCode,
		UserCode:                g.userCode,
		VerificationURI:         s.VerifyURL + "/verify",
		VerificationURIComplete: s.completeURI(g.hash),
		ExpiresIn:               int64(s.expiresIn / time.Second),
		Interval:                int64(s.interval / time.Second),
	}}
}

// completeURI is the verification_uri_complete of a code whose user code
// hashes to hash, as Options.Complete chooses.
func (s *Server) completeURI(hash string) string {
	u := s.VerifyURL + "/verify?userCode=" + hash
	switch s.complete {
	case CompleteOmitted:
		return ""
	case CompletePlainHTTP:
		return "http://verify.webextest.invalid/verify?userCode=" + hash
	case CompleteHuge:
		u += "&pad="
		return u + strings.Repeat("x", max(HugeCompleteLen-len(u), 0))
	}
	return u
}

// tokenResponse is the body of a successful token answer.
type tokenResponse struct {
	AccessToken           string `json:"access_token"`
	ExpiresIn             int64  `json:"expires_in"`
	RefreshToken          string `json:"refresh_token"`
	RefreshTokenExpiresIn int64  `json:"refresh_token_expires_in"`
	TokenType             string `json:"token_type"`
	Scope                 string `json:"scope,omitempty"` // Options.TokenScope
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request, info *reqInfo) {
	if !s.parseForm(w, r) {
		return
	}
	id, secret, credsOK := clientCreds(r)
	info.clientID = id
	dc := r.PostForm.Get("device_code")

	s.mu.Lock()
	if g := s.grants[dc]; g != nil {
		info.userCode = g.userCode
	}
	if len(s.faults) > 0 {
		f := s.faults[0]
		if s.faults[0].n--; s.faults[0].n == 0 {
			s.faults = s.faults[1:]
		}
		switch f.kind {
		case faultStatus:
			s.mu.Unlock()
			s.writeError(w, f.status, "", statusMessage(f.status))
			return
		case faultRateLimit:
			s.mu.Unlock()
			s.write(w, errAnswer(http.StatusTooManyRequests, "", "Too many requests have been made. Please retry later.").
				withRetryAfter(f.retryAfter))
			return
		case faultSlowDown:
			if g := s.grants[dc]; g != nil && g.state != stateConsumed {
				g.interval += 5 * time.Second
				g.lastPoll = s.now()
			}
			s.mu.Unlock()
			s.writeError(w, http.StatusBadRequest, "slow_down", "Polling too frequently: slow down.")
			return
		case faultDrop:
			s.mu.Unlock()
			drop(w)
			return
		case faultDelay:
			s.mu.Unlock()
			if !s.wait(r, f.delay) {
				return
			}
			s.mu.Lock()
		}
	}
	a := s.pollLocked(id, secret, credsOK, r.PostForm.Get("grant_type"), dc)
	s.mu.Unlock()
	if a.cutShort {
		cutShort(w, a.body)
		return
	}
	s.write(w, a)
}

// cutShort writes a 200 that announces the whole of body's JSON but sends
// only half of it, then closes the connection.
func cutShort(w http.ResponseWriter, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		panic("webextest: " + err.Error())
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("TrackingID", trackingID())
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b[:len(b)/2])
	_ = http.NewResponseController(w).Flush()
	panic(http.ErrAbortHandler) // closes the connection short of Content-Length
}

func (a answer) withRetryAfter(v string) answer {
	a.retryAfter = v
	return a
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter) {
	if rw, ok := w.(*recorder); ok {
		rw.commit(0)
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // closes the connection all the same
	}
	_ = conn.Close()
}

func statusMessage(status int) string {
	switch status {
	case http.StatusServiceUnavailable:
		return "Service Unavailable: the server is overloaded, please try again later."
	case http.StatusBadGateway:
		return "Bad Gateway."
	case http.StatusGatewayTimeout:
		return "Gateway Timeout."
	case http.StatusInternalServerError:
		return "Internal Server Error: something went wrong on the server."
	}
	if t := http.StatusText(status); t != "" {
		return t + "."
	}
	return fmt.Sprintf("Error %d.", status)
}

// checkGrant checks what both token endpoints check first: the grant_type
// is want, and the client authenticated. It returns the error answer, or
// nil. mu must be held.
func (s *Server) checkGrant(want, grantType, id, secret string, credsOK bool) *answer {
	if bad := grantTypeError(want, grantType); bad != nil {
		return bad
	}
	_, bad := s.authClient(id, secret, credsOK)
	return bad
}

// grantTypeError is the answer to a grant_type other than want, or nil.
func grantTypeError(want, grantType string) *answer {
	switch grantType {
	case want:
		return nil
	case "":
		a := errAnswer(http.StatusBadRequest, "invalid_request", "Missing grant_type.")
		return &a
	}
	a := errAnswer(http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("Unsupported grant_type %q.", grantType))
	return &a
}

// pollLocked handles a device-code poll; mu must be held.
func (s *Server) pollLocked(id, secret string, credsOK bool, grantType, dc string) answer {
	if s.secretCheck == SecretAtRedemption {
		// Only the grant type and client_id now; the secret at redemption.
		if bad := grantTypeError(DeviceGrantType, grantType); bad != nil {
			return *bad
		}
		if _, known := s.integrations[id]; !known {
			_, bad := s.authClient(id, secret, credsOK)
			return *bad
		}
	} else if bad := s.checkGrant(DeviceGrantType, grantType, id, secret, credsOK); bad != nil {
		return *bad
	}
	if dc == "" {
		return errAnswer(http.StatusBadRequest, "invalid_request", "Missing device_code.")
	}
	g := s.grants[dc]
	if g == nil || g.clientID != id {
		return errAnswer(http.StatusBadRequest, "invalid_grant", "The device code is invalid.")
	}
	now := s.now()
	s.refreshState(g, now)
	switch g.state {
	case stateConsumed:
		return errAnswer(http.StatusBadRequest, "invalid_grant", "The device code has already been used.")
	case stateExpired:
		return errAnswer(http.StatusBadRequest, s.expiredCode, "The device code has expired.")
	}
	if !g.lastPoll.IsZero() {
		if elapsed := now.Sub(g.lastPoll); elapsed < g.interval-pollMargin {
			wait := (g.interval - elapsed + time.Second - 1) / time.Second
			return errAnswer(http.StatusTooManyRequests, "", "Polling too frequently: wait the interval between polls.").
				withRetryAfter(strconv.FormatInt(int64(max(wait, 1)), 10))
		}
	}
	g.lastPoll = now
	if g.firstPoll.IsZero() {
		g.firstPoll = now
	}
	g.polls++
	if g.approveAtPoll > 0 && g.polls >= g.approveAtPoll {
		g.approveAtPoll = 0
		if g.state == statePending {
			g.state = stateApproved
			g.person = s.approver
		}
	}
	switch g.state {
	case stateDenied:
		return errAnswer(http.StatusBadRequest, "access_denied", "Your administrator denied access to the integration you selected.")
	case statePending:
		if s.rfcPending {
			a := errAnswer(http.StatusBadRequest, "authorization_pending", "The user has not yet completed authorization.")
			a.rfc = true
			return a
		}
		return errAnswer(http.StatusPreconditionRequired, "", "The user has not yet completed authorization.")
	}
	if s.secretCheck == SecretAtRedemption {
		if _, bad := s.authClient(id, secret, credsOK); bad != nil {
			return *bad // the code stays approved
		}
	}
	if g.cutShort != nil { // the answer cut short before, now in full
		g.state = stateConsumed
		return answer{status: http.StatusOK, body: *g.cutShort}
	}
	if s.limitNext {
		s.limitNext = false
		g.state = stateConsumed
		return errAnswer(http.StatusBadRequest, "tokenlimit_reached", "The token limit for this integration and user has been reached.")
	}
	if s.cutNext {
		s.cutNext = false
		tr := s.issueLocked(g.clientID, g.userCode, g.scopes, g.person, "", now)
		g.cutShort = &tr // still approved: redeemable again
		return answer{status: http.StatusOK, body: tr, cutShort: true}
	}
	// Approved: the code is used up whatever happens next.
	g.state = stateConsumed
	if s.corruptNext {
		s.corruptNext = false
		return answer{status: http.StatusOK, raw: []byte(`{"access_token":"`)}
	}
	return answer{status: http.StatusOK, body: s.issueLocked(g.clientID, g.userCode, g.scopes, g.person, "", now)}
}

// issueLocked creates an access token (and a refresh token unless one is
// given, as for a refresh) and records it; mu must be held.
func (s *Server) issueLocked(clientID, userCode string, scopes []string, p Person, refreshTok string, now time.Time) tokenResponse {
	at := "tok-FAKE-" + randomHex(24)
	s.access[at] = &token{clientID: clientID, userCode: userCode, scopes: scopes, person: p, expires: now.Add(AccessTokenLifetime)}
	refreshLeft := RefreshTokenLifetime
	if refreshTok == "" {
		refreshTok = "ref-FAKE-" + randomHex(24)
		s.refresh[refreshTok] = &token{clientID: clientID, userCode: userCode, scopes: scopes, person: p, expires: now.Add(RefreshTokenLifetime)}
	} else {
		refreshLeft = s.refresh[refreshTok].expires.Sub(now)
	}
	s.issued = append(s.issued, IssuedToken{ClientID: clientID, UserCode: userCode, AccessToken: at, RefreshToken: refreshTok, Person: p})
	tr := tokenResponse{
		AccessToken:           at,
		ExpiresIn:             int64(AccessTokenLifetime / time.Second),
		RefreshToken:          refreshTok,
		RefreshTokenExpiresIn: int64(refreshLeft / time.Second),
		TokenType:             "Bearer",
	}
	if s.tokenScope {
		tr.Scope = strings.Join(scopes, " ")
	}
	return tr
}

func (s *Server) handleRefresh(w http.ResponseWriter, r *http.Request, info *reqInfo) {
	if !s.parseForm(w, r) {
		return
	}
	id, secret, credsOK := clientCreds(r)
	info.clientID = id
	s.mu.Lock()
	a := s.refreshLocked(id, secret, credsOK, r.PostForm.Get("grant_type"), r.PostForm.Get("refresh_token"), info)
	s.mu.Unlock()
	s.write(w, a)
}

func (s *Server) refreshLocked(id, secret string, credsOK bool, grantType, rt string, info *reqInfo) answer {
	if bad := s.checkGrant("refresh_token", grantType, id, secret, credsOK); bad != nil {
		return *bad
	}
	if rt == "" {
		return errAnswer(http.StatusBadRequest, "invalid_request", "Missing refresh_token.")
	}
	t := s.refresh[rt]
	now := s.now()
	if t == nil || t.clientID != id || !now.Before(t.expires) {
		return errAnswer(http.StatusBadRequest, "invalid_grant", "The refresh token is invalid or expired.")
	}
	info.userCode = t.userCode
	return answer{status: http.StatusOK, body: s.issueLocked(t.clientID, t.userCode, t.scopes, t.person, rt, now)}
}

// bearer resolves the request's access token; on failure it answers 401.
func (s *Server) bearer(w http.ResponseWriter, r *http.Request, info *reqInfo) (token, bool) {
	h := r.Header.Get("Authorization")
	tok, found := strings.CutPrefix(h, "Bearer ")
	s.mu.Lock()
	t := s.access[strings.TrimSpace(tok)]
	var out token
	ok := found && t != nil && s.now().Before(t.expires)
	if ok {
		out = *t
		out.person.Roles = slices.Clone(t.person.Roles)
		info.clientID, info.userCode = t.clientID, t.userCode
	}
	s.mu.Unlock()
	if !ok {
		writeWebexError(w, http.StatusUnauthorized, "The request requires a valid access token set in the Authorization request header.")
	}
	return out, ok
}

// forbiddenMessage is Webex's 403 message.
const forbiddenMessage = "The server understood the request, but refused to fulfill it because the access token is missing required scopes or the user is missing required roles or licenses."

// allowed reports whether t may call an admin API that needs scope: the
// token holds the scope and its approver has an admin role (admin scopes
// give a non-admin nothing). If not, it answers 403.
func allowed(w http.ResponseWriter, t token, scope string) bool {
	if slices.Contains(t.scopes, scope) && len(t.person.Roles) > 0 {
		return true
	}
	writeWebexError(w, http.StatusForbidden, forbiddenMessage)
	return false
}

// personJSON is a person as /v1/people returns it.
type personJSON struct {
	ID          string   `json:"id"`
	Emails      []string `json:"emails"`
	DisplayName string   `json:"displayName"`
	OrgID       string   `json:"orgId"`
	Roles       []string `json:"roles"`
	Type        string   `json:"type"`
}

func toJSON(p Person) personJSON {
	roles := p.Roles
	if roles == nil {
		roles = []string{}
	}
	emails := []string{}
	if p.Email != "" {
		emails = []string{p.Email}
	}
	return personJSON{ID: p.ID, Emails: emails, DisplayName: p.DisplayName, OrgID: p.OrgID, Roles: roles, Type: "person"}
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request, info *reqInfo) {
	t, ok := s.bearer(w, r, info)
	if !ok {
		return
	}
	may := true
	switch s.peopleMe {
	case MePeopleRead:
		may = slices.Contains(t.scopes, UserPeopleReadScope)
	case MeEitherPeopleScope:
		may = slices.Contains(t.scopes, UserPeopleReadScope) || slices.Contains(t.scopes, AdminPeopleReadScope)
	}
	if !may {
		writeWebexError(w, http.StatusForbidden, forbiddenMessage)
		return
	}
	writeJSON(w, http.StatusOK, toJSON(t.person))
}

func (s *Server) handleOrg(w http.ResponseWriter, r *http.Request, info *reqInfo, id string) {
	t, ok := s.bearer(w, r, info)
	if !ok || !allowed(w, t, "spark-admin:organizations_read") {
		return
	}
	s.mu.Lock()
	o, ok := s.orgs[id]
	s.mu.Unlock()
	if !ok {
		writeWebexError(w, http.StatusNotFound, "The requested resource could not be found.")
		return
	}
	writeJSON(w, http.StatusOK, struct {
		ID          string `json:"id"`
		DisplayName string `json:"displayName"`
	}{o.ID, o.Name})
}

// Page sizes of /v1/people.
const (
	defaultPeoplePage = 100
	maxPeoplePage     = 100 // a larger max is clamped
	defaultOrgUsers   = 25
)

func (s *Server) handlePeople(w http.ResponseWriter, r *http.Request, info *reqInfo) {
	t, ok := s.bearer(w, r, info)
	if !ok || !allowed(w, t, "spark-admin:people_read") {
		return
	}
	q := r.URL.Query()
	size := defaultPeoplePage
	if v := q.Get("max"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeWebexError(w, http.StatusBadRequest, fmt.Sprintf("Invalid max %q.", v))
			return
		}
		size = min(n, maxPeoplePage)
	}
	start := 0
	if c := q.Get("cursor"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "offset:"))
		if err != nil || err2 != nil || n < 0 || !strings.HasPrefix(string(b), "offset:") {
			writeWebexError(w, http.StatusBadRequest, "Invalid cursor.")
			return
		}
		start = n
	}
	s.mu.Lock()
	org := s.orgs[t.person.OrgID]
	s.mu.Unlock()
	total := org.Users
	if total == 0 {
		total = defaultOrgUsers
	}
	end := min(start+size, total)
	orgSum := sha256.Sum256([]byte(org.ID))
	items := make([]personJSON, 0, max(end-start, 0))
	for i := start; i < end; i++ {
		if i == 0 {
			items = append(items, toJSON(t.person))
			continue
		}
		email := fmt.Sprintf("user%04d@%s", i, orgDomain(org))
		items = append(items, toJSON(Person{
			ID:          webexID("PEOPLE", fmt.Sprintf("%x-fake-%06d", orgSum[:6], i)),
			Email:       email,
			DisplayName: fmt.Sprintf("User %d", i),
			OrgID:       org.ID,
		}))
	}
	if end < total {
		next := url.Values{}
		next.Set("max", strconv.Itoa(size))
		next.Set("cursor", base64.RawURLEncoding.EncodeToString([]byte("offset:"+strconv.Itoa(end))))
		w.Header().Set("Link", fmt.Sprintf("<%s/v1/people?%s>; rel=\"next\"", s.URL, next.Encode()))
	}
	writeJSON(w, http.StatusOK, struct {
		Items []personJSON `json:"items"`
	}{items})
}

// orgDomain makes a mail domain for synthetic users of o.
func orgDomain(o Org) string {
	var b strings.Builder
	for _, c := range strings.ToLower(o.Name) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
		if b.Len() >= 20 {
			break
		}
	}
	if b.Len() == 0 {
		b.WriteString("org")
	}
	return b.String() + ".example.com"
}
