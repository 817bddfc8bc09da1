package flows

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestClassifyExchange: the one transient-or-final decision of the
// retrier (Start, Identify) and of Wait, for every kind of outcome.
func TestClassifyExchange(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	answer := func(status int, readErr error) *response {
		return &response{status: status, header: http.Header{}, readErr: readErr}
	}
	for _, tc := range []struct {
		name      string
		ctx       context.Context
		resp      *response
		err       error
		want      exchangeKind
		cause     string // in the cause's text; "" for no cause
		retryable bool   // the retrier sends again
	}{
		{"canceled", canceled, nil, errReset, exchangeCanceled, "context canceled", false},
		{"reset", nil, nil, errReset, exchangeNoAnswer, "connection", true},
		{"DNS", nil, nil, errDNS, exchangeNoAnswer, "DNS", true},
		{"timeout", nil, nil, errTimeout, exchangeNoAnswer, "timeout", true},
		{"untrusted certificate", nil, nil, errCert, exchangeUnreachable, "certificate", false},
		{"200", nil, answer(200, nil), nil, exchangeAnswer, "", false},
		{"200 cut short", nil, answer(200, io.ErrUnexpectedEOF), nil, exchangeCutShort, "reading the answer", true},
		{"200 over 1 MiB", nil, answer(200, errBodyTooLarge), nil, exchangeOversized, "reading the answer", false},
		{"400", nil, answer(400, nil), nil, exchangeAnswer, "", false},
		{"404 cut short", nil, answer(404, io.ErrUnexpectedEOF), nil, exchangeAnswer, "", false},
		{"408", nil, answer(408, nil), nil, exchangeTransient, "", true},
		{"428", nil, answer(428, nil), nil, exchangeAnswer, "", false},
		{"429", nil, answer(429, nil), nil, exchangeRateLimited, "", true},
		{"500", nil, answer(500, nil), nil, exchangeTransient, "", true},
		{"503 cut short", nil, answer(503, io.ErrUnexpectedEOF), nil, exchangeTransient, "", true},
		{"599", nil, answer(599, nil), nil, exchangeTransient, "", true},
		{"600", nil, answer(600, nil), nil, exchangeAnswer, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			x := classifyExchange(ctx, tc.resp, tc.err)
			if x.kind != tc.want {
				t.Fatalf("kind %d, want %d", x.kind, tc.want)
			}
			if x.resp != tc.resp {
				t.Errorf("resp %v, want the answer as given", x.resp)
			}
			switch {
			case tc.cause == "" && x.cause != nil:
				t.Errorf("cause %v, want none", x.cause)
			case tc.cause != "" && (x.cause == nil || !strings.Contains(x.cause.Error(), tc.cause)):
				t.Errorf("cause %v, want it to say %q", x.cause, tc.cause)
			}
			if tc.err != nil && tc.want != exchangeCanceled && !errors.Is(x.cause, ErrUnreachable) {
				t.Errorf("cause %v does not wrap ErrUnreachable", x.cause)
			}
			if got := retriedByRetrier(t, tc.ctx, tc.resp, tc.err); got != tc.retryable {
				t.Errorf("the retrier sends again: %v, want %v", got, tc.retryable)
			}
		})
	}
}

// retriedByRetrier reports whether retrier.do sends a second request after
// the outcome (resp, err) of the first (ctx nil: not canceled).
func retriedByRetrier(t *testing.T, ctx context.Context, resp *response, err error) bool {
	t.Helper()
	if ctx == nil {
		ctx = context.Background()
	}
	c := &Client{clock: newSkipClock()} // waits pass at once
	r := c.newRetrier(opStart, "app")
	sends := 0
	r.do(ctx, func(context.Context) (*response, error) {
		sends++
		if sends > 1 {
			return &response{status: 200, header: http.Header{}}, nil
		}
		return resp, err
	})
	return sends > 1
}

// TestTokenAnswerSharesStatusClass: a token answer without an OAuth code
// is transient exactly when classifyStatus says a one-shot request would
// be retried unchanged, and rate limited exactly on its 429.
func TestTokenAnswerSharesStatusClass(t *testing.T) {
	for status := 100; status <= 599; status++ {
		if status >= 200 && status <= 299 {
			continue
		}
		a := parseTokenResponse(status, http.Header{}, nil, fuzzNow)
		class := classifyStatus(status)
		if (a.kind == kindTransient) != (class == exchangeTransient) || (a.kind == kindRateLimited) != (class == exchangeRateLimited) {
			t.Errorf("status %d: token answer kind %d, exchange class %d", status, a.kind, class)
		}
	}
}
