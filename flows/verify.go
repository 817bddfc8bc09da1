package flows

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// VerifyOutcome is what Webex said of an app's credentials (see
// Client.Verify).
type VerifyOutcome int

// Outcomes of Client.Verify. Only VerifyClientRefused and
// VerifySecretRejected say that the catalog is wrong; VerifyUnreachable and
// VerifyUnexpected mean "not verified": nothing is known either way.
const (
	// VerifyUnknown is the zero value: not verified.
	VerifyUnknown VerifyOutcome = iota
	// VerifyAccepted: Webex issued a device code for the client_id and
	// scopes, and answered the poll with the client secret "pending" (428,
	// authorization_pending or slow_down): the client_id and scopes are
	// accepted and the secret was not rejected. It does not prove the
	// secret: whether Webex checks it while a code is pending is
	// undocumented, and a Webex that checks it only at redemption answers
	// a wrong one "pending" too (Wait then gets ErrInvalidClient after the
	// approval). Only VerifyApproved proves it.
	VerifyAccepted
	// VerifyClientRefused: the device authorization was refused (400, 401
	// or invalid_client): Webex does not know the client_id or the
	// integration does not hold one of the scopes. Field names the catalog
	// field at fault.
	VerifyClientRefused
	// VerifySecretRejected: the poll was answered 401 or invalid_client:
	// the client secret is wrong (fix it where App.SecretSource says).
	VerifySecretRejected
	// VerifyUnreachable: no usable answer: no connection, DNS, TLS,
	// timeout, or Webex busy (408, 429, 5xx) past Start's retries.
	VerifyUnreachable
	// VerifyDenied: the poll was answered access_denied or 403, although
	// nobody was shown the code: Webex or the organization refuses the
	// integration. The secret is not confirmed.
	VerifyDenied
	// VerifyApproved: the poll was answered with a token (2xx), although
	// nobody was shown the code. The secret is proven accepted; the token
	// is dropped at once, never returned.
	VerifyApproved
	// VerifyUnexpected: any other answer (e.g. 400 invalid_grant, an
	// expired code, 403 or 404 to the device authorization, a malformed
	// device authorization): not verified; Err says what Webex answered.
	VerifyUnexpected
)

// String returns the outcome's name, e.g. "secret rejected".
func (o VerifyOutcome) String() string {
	switch o {
	case VerifyUnknown:
		return "not verified"
	case VerifyAccepted:
		return "accepted"
	case VerifyClientRefused:
		return "client refused"
	case VerifySecretRejected:
		return "secret rejected"
	case VerifyUnreachable:
		return "unreachable"
	case VerifyDenied:
		return "denied"
	case VerifyApproved:
		return "approved"
	case VerifyUnexpected:
		return "unexpected answer"
	}
	return "VerifyOutcome(" + strconv.Itoa(int(o)) + ")"
}

// VerifyResult is the outcome of Client.Verify for one app. It holds no
// secret, device code or token.
type VerifyResult struct {
	AppID   string
	Outcome VerifyOutcome
	// Field is the catalog field at fault: for VerifyClientRefused
	// "client_id", "scopes", or "client_id/scopes" when Webex does not say
	// which; for VerifySecretRejected the secret's field
	// ("client_secret_env" or "client_secret_file"). Empty otherwise.
	Field string
	// SecretSource is the app's SecretSource ("env VAR" or "file PATH"),
	// for VerifySecretRejected's remedy.
	SecretSource string
	// Err is the answer or failure behind the outcome: a *WebexError (with
	// Webex's message and trackingId), or an error wrapping ErrUnreachable,
	// or another error of Start; nil for VerifyAccepted and
	// VerifyApproved. It is sanitized and scrubbed of secrets, like every
	// flows error.
	Err error
}

// Verify checks, before any customer is involved, that Webex accepts app:
// it requests a device code exactly as Start does (same request, checks
// and retries), waits one interval on the Client's Clock, then polls the
// token endpoint once with the client secret, as one poll of Wait. The
// code is never shown and simply expires; a token Webex might issue for
// it is dropped. Verify takes about one interval; run one per app in
// parallel (the Client is safe for concurrent use).
//
// Every answer of Webex, and every network failure, is an outcome in the
// VerifyResult (see VerifyOutcome), not an error. The error is non-nil
// only when the app cannot be checked at all (no id, client_id, scopes or
// secret: it wraps ErrInvalidClient for an empty secret, ErrUnsupported for
// OpenID Connect scopes) or when ctx is done (it wraps the context's
// error); the result is then zero but for AppID.
func (c *Client) Verify(ctx context.Context, app App) (VerifyResult, error) {
	prefix := "flows: " + app.ID + ": verify"
	res := VerifyResult{AppID: app.ID}
	if err := checkApp(app, true); err != nil {
		return res, newError(prefix, err)
	}

	dc, err := c.Start(ctx, app, nil) // Verify reports no retries
	if err != nil {
		if ctx.Err() != nil {
			return res, newError(prefix, ctx.Err())
		}
		res.Outcome, res.Field, res.Err = classifyStartError(err)
		return res, nil
	}

	// One poll, one interval after the code was issued, as Wait's first.
	next := dc.IssuedAt.Add(dc.Interval + pollMargin)
	if !next.Before(dc.Expiry) {
		res.Outcome = VerifyUnexpected
		res.Err = newError("", fmt.Errorf("the device code expires (in %v) before its first poll is allowed", dc.Expiry.Sub(dc.IssuedAt)))
		return res, nil
	}
	if _, err := c.sleepUntil(ctx, next, nil); err != nil {
		return res, newError(prefix, err)
	}
	r, err := c.poll(ctx, app, dc)
	at := c.clock.Now()
	switch {
	case err != nil && ctx.Err() != nil:
		return res, newError(prefix, ctx.Err())
	case err != nil:
		res.Outcome = VerifyUnreachable
		res.Err = newError("", ErrUnreachable, errors.New(describeNetErr(err)))
		return res, nil
	case r.status >= 200 && r.status <= 299:
		// A token (readable or not) for a code nobody saw: the client
		// authenticated. Whatever it is, it goes no further.
		res.Outcome = VerifyApproved
		return res, nil
	}
	a := parseTokenResponse(r.status, r.header, r.body, at)
	a.token = nil
	var werr error
	if a.werr != nil {
		werr = parseWebexError(r.status, r.header, r.body, dc.deviceCode.Reveal(), app.Secret.Reveal())
	}
	switch a.kind {
	case kindPending, kindSlowDown:
		res.Outcome = VerifyAccepted
	case kindInvalidClient:
		res.Outcome = VerifySecretRejected
		res.Field = secretField(app.SecretSource)
		res.SecretSource = app.SecretSource
		res.Err = werr
	case kindDenied:
		res.Outcome = VerifyDenied
		res.Err = werr
	case kindRateLimited, kindTransient:
		res.Outcome = VerifyUnreachable
		res.Err = werr
	default:
		res.Outcome = VerifyUnexpected
		res.Err = werr
	}
	return res, nil
}

// classifyStartError turns Start's error into Verify's outcome, the
// catalog field at fault and the cause to show.
func classifyStartError(err error) (VerifyOutcome, string, error) {
	var we *WebexError
	hasWebex := errors.As(err, &we)
	var cause error = err
	if hasWebex {
		cause = we
	}
	switch {
	case errors.Is(err, ErrInvalidClient):
		// Start sends no secret: a 401 or invalid_client is the client_id.
		return VerifyClientRefused, "client_id", cause
	case hasWebex && we.Status == http.StatusBadRequest:
		return VerifyClientRefused, refusedField(we), cause
	case errors.Is(err, ErrUnreachable):
		return VerifyUnreachable, "", err
	case hasWebex && (we.Status == http.StatusTooManyRequests || transientStatus(we.Status)):
		return VerifyUnreachable, "", err // "gave up after N attempts": keep the count
	}
	return VerifyUnexpected, "", err
}

// refusedField guesses which catalog field a 400 to the device
// authorization is about. Webex documents only "invalid client_id or
// invalid scope", not the body, so both are named unless the answer says.
func refusedField(we *WebexError) string {
	switch strings.ToLower(we.Code) {
	case "invalid_scope":
		return "scopes"
	case errInvalidClient:
		return "client_id"
	}
	msg := strings.ToLower(we.Message)
	scope := strings.Contains(msg, "scope")
	client := strings.Contains(msg, "client")
	switch {
	case scope && !client:
		return "scopes"
	case client && !scope:
		return "client_id"
	}
	return "client_id/scopes"
}

// secretField is the catalog field a SecretSource comes from.
func secretField(source string) string {
	if strings.HasPrefix(source, "file ") {
		return "client_secret_file"
	}
	return "client_secret_env"
}
