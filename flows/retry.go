package flows

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// RetryBudget bounds how long Start, and each call of Identify, keep
// retrying through transient failures (5xx, 408, 429, timeouts, connection
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

// transientStatus reports whether an error answer is worth sending again
// unchanged: 408 Request Timeout and every 5xx. (429 is handled apart:
// Wait raises its interval, the one-shot requests retry it like these.)
func transientStatus(status int) bool {
	return status == http.StatusRequestTimeout || status >= 500 && status <= 599
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
// (cut at the budget's end), and sends it again after a transient failure:
// no answer (but see retryableNetErr), 408, 429 or 5xx, or a 2xx whose body
// could not be read in full (but not one over 1 MiB). The wait is
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

		var cause error
		var retryAfter time.Duration
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil && !retryableNetErr(err):
			return nil, newError("", ErrUnreachable, errors.New(describeNetErr(err)))
		case err != nil:
			cause = newError("", ErrUnreachable, errors.New(describeNetErr(err)))
		case resp.status == http.StatusTooManyRequests || transientStatus(resp.status):
			cause = parseWebexError(resp.status, resp.header, resp.body, r.secrets...)
			retryAfter = parseRetryAfter(resp.header.Get("Retry-After"), at)
		case resp.readErr != nil && !errors.Is(resp.readErr, errBodyTooLarge) && resp.status >= 200 && resp.status <= 299:
			cause = newError("", ErrUnreachable, fmt.Errorf("reading the answer: %s", describeNetErr(resp.readErr)))
		default:
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
		if err := r.c.sleepUntil(ctx, next); err != nil {
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
