package flows

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"strings"
	"time"
)

// RetryBudget bounds how long Start, and each call of Identify, keep
// retrying through transient failures (5xx, 408, 423, 429, timeouts, connection
// resets, DNS failures), measured on the Client's Clock from the call: no
// retry is started, and no request runs, past it. Wait is bounded by the
// device code's expiry instead.
const RetryBudget = 30 * time.Second

// Retry tuning of the one-shot requests (Start, Identify's GETs).
const (
	// retryFirstWait is the wait after the first transient failure; it
	// doubles with each further one (backoff, as Wait does from the
	// interval), and a longer Retry-After wins.
	retryFirstWait = time.Second
	// minAttemptTime: a retry is only started if at least this much of the
	// budget is left for it (a request cut short by the budget is wasted).
	minAttemptTime = time.Second
)

// backoff is the wait after the given number (>= 1) of consecutive
// transient failures: base, doubling with each further failure, capped at
// maxBackoff but never below base. Wait uses it from the poll interval,
// Start and Identify from retryFirstWait.
func backoff(base time.Duration, failures int) time.Duration {
	failures = max(failures, 1)
	return max(min(base<<min(failures-1, 6), maxBackoff), base)
}

// exchangeKind is what one HTTP exchange (a request, and its answer if
// one came) amounts to before anything of the answer's protocol is read:
// the transient-or-final decision that the retrier of Start and Identify
// and the poll loop of Wait share (see classifyExchange).
type exchangeKind int

const (
	// exchangeAnswer is an answer for the caller to read: final for the
	// retrier; Wait reads its OAuth code.
	exchangeAnswer exchangeKind = iota
	// exchangeCanceled: the caller's context ended while no answer came.
	exchangeCanceled
	// exchangeNoAnswer: no answer, and sending again may get one
	// (timeouts, resets, refused connections, DNS, proxy hiccups).
	exchangeNoAnswer
	// exchangeUnreachable: no answer, and sending again will not help
	// (see retryableNetErr).
	exchangeUnreachable
	// exchangeTransient: 408 Request Timeout, 423 Locked (temporary, as
	// Webex lists it, with Retry-After) or a 5xx, worth sending again
	// unchanged.
	exchangeTransient
	// exchangeRateLimited: 429, to send again after Retry-After (Wait also
	// slows down, unless the answer holds an OAuth code).
	exchangeRateLimited
	// exchangeCutShort: a 2xx whose body could not be read in full.
	exchangeCutShort
	// exchangeOversized: a 2xx whose body is larger than 1 MiB; sending
	// again would bring the same, so the retrier hands it to its caller,
	// while Wait, which may be owed a token, asks again as for a cut one.
	exchangeOversized
	// exchangeMalformed: the server answered, but not in HTTP that can be
	// read (a malformed status line or header, e.g. a Location with
	// control characters): a bad answer, final, not a network drop.
	exchangeMalformed
)

// exchange is one classified HTTP exchange.
type exchange struct {
	kind exchangeKind
	resp *response // the answer; nil when none came
	// cause says why, for every kind but exchangeAnswer, exchangeTransient
	// and exchangeRateLimited (whose answer says it): the context's error;
	// for no answer an error wrapping ErrUnreachable in describeNetErr's
	// words; for a 2xx body "reading the answer: ...".
	cause error
}

// classifyExchange classifies the outcome of one request sent under ctx:
// its answer r, or the error of a request that got none. A failure after
// ctx is done is exchangeCanceled, whatever the transport said.
func classifyExchange(ctx context.Context, r *response, err error) exchange {
	switch {
	case err != nil && ctx.Err() != nil:
		return exchange{kind: exchangeCanceled, cause: ctx.Err()}
	case err != nil && malformedAnswer(err):
		return exchange{kind: exchangeMalformed, cause: errMalformedAnswer}
	case err != nil:
		x := exchange{kind: exchangeNoAnswer, cause: newError("", ErrUnreachable, errors.New(describeNetErr(err)))}
		if !retryableNetErr(err) {
			x.kind = exchangeUnreachable
		}
		return x
	case r.readErr != nil && r.status >= 200 && r.status <= 299:
		x := exchange{kind: exchangeCutShort, resp: r, cause: fmt.Errorf("reading the answer: %s", describeNetErr(r.readErr))}
		if errors.Is(r.readErr, errBodyTooLarge) {
			x.kind = exchangeOversized
		}
		return x
	}
	return exchange{kind: classifyStatus(r.status), resp: r}
}

// errMalformedAnswer is the cause of an exchangeMalformed. It quotes
// nothing of the answer (a header may hold anything).
var errMalformedAnswer = errors.New("the server's answer is not valid HTTP (a malformed status line or header); not sent again")

// malformedAnswer reports whether err, of a request that got no usable
// answer, says that the server did answer, but with a status line or
// header net/http cannot read (textproto.ProtocolError, "malformed
// HTTP ...", a Location that is no URL).
func malformedAnswer(err error) bool {
	var pe textproto.ProtocolError
	s := err.Error()
	return errors.As(err, &pe) || strings.Contains(s, "malformed HTTP ") || strings.Contains(s, "failed to parse Location header")
}

// classifyStatus is the part of classifyExchange that a status alone
// decides: exchangeTransient for 408, 423 and every 5xx,
// exchangeRateLimited for 429, else exchangeAnswer. parseTokenResponse uses it too, so that a
// token answer is transient exactly when a one-shot request would be
// retried.
func classifyStatus(status int) exchangeKind {
	switch {
	case status == http.StatusTooManyRequests:
		return exchangeRateLimited
	case status == http.StatusRequestTimeout, status == http.StatusLocked, status >= 500 && status <= 599:
		return exchangeTransient
	}
	return exchangeAnswer
}

// transientStatus reports whether an error answer is worth sending again
// unchanged: 408 Request Timeout, 423 Locked and every 5xx
// (classifyStatus). 429 is
// apart: Wait raises its interval, the one-shot requests retry it like
// these.
func transientStatus(status int) bool {
	return classifyStatus(status) == exchangeTransient
}

// retryableNetErr reports whether a request that got no answer may succeed
// when sent again: timeouts, resets, refused connections, DNS failures,
// proxy hiccups. A certificate the client does not trust, or a server that
// does not speak TLS, is not: that is an interception proxy or a wrong
// base URL to fix, not Wi-Fi to wait out.
func retryableNetErr(err error) bool {
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certInvalid x509.CertificateInvalidError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &certInvalid),
		errors.As(err, &certErr), errors.As(err, &recErr),
		strings.Contains(err.Error(), "HTTP response to HTTPS client"):
		return false
	}
	return true
}

// The operations a RetryEvent names (RetryEvent.Op).
const (
	RetryStart    = "start"    // Client.Start
	RetryIdentify = "identify" // Client.Identify
)

const (
	opStart    = RetryStart
	opIdentify = RetryIdentify
)

// retrier sends the one-shot requests of one Start or Identify call,
// retrying each through transient failures within one shared RetryBudget.
type retrier struct {
	c     *Client
	op    string // opStart or opIdentify, for RetryEvent
	appID string // for RetryEvent
	// onRetry hears of each retry (the onRetry of the Start or Identify
	// call); nil means no reports.
	onRetry  func(RetryEvent)
	deadline time.Time // on c.clock
	// secrets are the forms (see redactions) of the values that error
	// answers must not echo; scrubbed from every error answer. Pass them
	// to parseWebexError as they are.
	secrets []string
}

// newRetrier starts a budget of RetryBudget from now for op on app appID.
// secrets are values (client secret, tokens) that error answers must not
// echo in any form; newRetrier expands them with redactions (without a
// Basic pair: set r.secrets to redactions(clientID, ...) for that).
func (c *Client) newRetrier(op, appID string, secrets ...string) *retrier {
	return &retrier{c: c, op: op, appID: appID, deadline: c.clock.Now().Add(RetryBudget), secrets: redactions("", secrets...)}
}

// do calls send, which sends one request bound to the context it is given
// (cut at the budget's end), and sends it again after a transient failure
// as classifyExchange sees it: no answer (but see retryableNetErr), 408,
// 423, 429 or 5xx, or a 2xx whose body could not be read in full (but not one
// over 1 MiB). The wait is
// backoff(retryFirstWait, failures), or Retry-After if longer; each retry
// is first reported to r.onRetry.
//
// It returns the first answer that is not transient, whatever its status
// (the caller interprets it), or an error: the context's error, as is, as
// soon as ctx is done; ErrUnreachable for a failure retrying cannot fix;
// or, when the next attempt would not fit in the budget, an error that
// says so and wraps the last failure (a *WebexError, or ErrUnreachable).
func (r *retrier) do(ctx context.Context, send func(context.Context) (*response, error)) (*response, error) {
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		actx, cancel := context.WithTimeout(ctx, max(r.deadline.Sub(r.c.clock.Now()), minAttemptTime))
		resp, err := send(actx)
		cancel()
		at := r.c.clock.Now()

		x := classifyExchange(ctx, resp, err)
		var cause error
		var retryAfter time.Duration
		switch x.kind {
		case exchangeCanceled, exchangeUnreachable, exchangeMalformed:
			return nil, x.cause
		case exchangeNoAnswer:
			cause = x.cause
		case exchangeTransient, exchangeRateLimited:
			cause = parseWebexError(resp.status, resp.header, resp.body, r.secrets...)
			retryAfter = parseRetryAfter(resp.header.Get("Retry-After"), at)
		case exchangeCutShort:
			cause = newError("", ErrUnreachable, x.cause)
		default: // exchangeAnswer, exchangeOversized: the caller reads it
			return resp, nil
		}

		wait := max(backoff(retryFirstWait, attempt), retryAfter)
		next := at.Add(wait)
		if next.Add(minAttemptTime).After(r.deadline) {
			return nil, r.exhausted(attempt, retryAfter >= wait, retryAfter, cause)
		}
		if r.onRetry != nil {
			r.onRetry(RetryEvent{Op: r.op, AppID: r.appID, Attempt: attempt, Wait: wait, Err: cause})
		}
		if _, err := r.c.sleepUntil(ctx, next, nil); err != nil {
			return nil, err
		}
	}
}

// exhausted is do's error when the next attempt would not fit in the
// budget; it wraps cause. byServer: the wait was Webex's Retry-After.
func (r *retrier) exhausted(attempts int, byServer bool, retryAfter time.Duration, cause error) error {
	tries := "1 attempt"
	if attempts > 1 {
		tries = fmt.Sprintf("%d attempts", attempts)
	}
	if byServer {
		return newError("", fmt.Errorf("gave up after %s: Webex asked to retry after %v, past the end of the %v retry budget",
			tries, retryAfter, RetryBudget), cause)
	}
	return newError("", fmt.Errorf("gave up after %s within the %v retry budget", tries, RetryBudget), cause)
}
