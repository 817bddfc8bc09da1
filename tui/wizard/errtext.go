package wizard

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// maxErrText bounds the words of an error shown to the engineer.
const maxErrText = 240

// ErrorText is err in the engineer's words, for the screens and the
// accessible mode: what happened, without the packages and calls it went
// through ("flows: call-control: wait: ..."), and, when Webex answered, the
// trackingId its support asks for. The full chain is for a log file, not a
// screen. The text is sanitized, redacted (store.Redact) and bounded; ""
// for nil.
func ErrorText(err error) string {
	if err == nil {
		return ""
	}
	what := happened(err)
	var we *flows.WebexError
	if errors.As(err, &we) && we.TrackingID != "" {
		what = strings.TrimSuffix(what, ".") + "; trackingId " + flows.Sanitize(we.TrackingID) + "."
	}
	return store.Redact(what)
}

// happened says what err means, in a sentence.
func happened(err error) string {
	var we *flows.WebexError
	switch {
	case errors.Is(err, flows.ErrDenied):
		return "Webex denied access to the integration."
	case errors.Is(err, flows.ErrInvalidClient):
		return "Webex rejected the integration's client secret."
	case errors.Is(err, flows.ErrTokenLimit):
		return "Webex will issue no more tokens of this integration for this user."
	case errors.Is(err, flows.ErrExpired):
		return "The code expired before it was approved."
	case errors.Is(err, flows.ErrCodeSpent):
		return "The code was spent: Webex's answer could not be read."
	case errors.Is(err, flows.ErrUnsupported):
		return "The app cannot be authorized with a device grant."
	case errors.Is(err, flows.ErrNoSecret):
		return "The integration's client secret was not found."
	case errors.Is(err, context.DeadlineExceeded):
		return "Webex did not answer in time."
	case errors.Is(err, flows.ErrUnreachable):
		return "Webex cannot be reached (" + last(err) + ")."
	case errors.As(err, &we):
		s := fmt.Sprintf("Webex refused the request (HTTP %d", we.Status)
		switch {
		case we.Status == 429:
			s = "Webex is busy (HTTP 429"
		case we.Status >= 500:
			s = fmt.Sprintf("Webex failed (HTTP %d", we.Status)
		}
		msg := we.Message
		if msg == "" {
			msg = we.Code
		}
		if msg = strings.TrimRight(msg, ". "); msg != "" {
			s += ": " + msg
		}
		return flows.Sanitize(clipText(s)) + ")."
	case errors.Is(err, flows.ErrForbidden):
		return "Webex did not allow it."
	}
	return sentence(plain(err.Error()))
}

// plain drops the leading "package: step: " labels of an error chain
// (single lowercase words such as "flows", "store", "call-control",
// "wait"), and the package names further in, keeping what happened.
func plain(s string) string {
	for _, pkg := range []string{"flows", "store", "webex", "tui", "wizard"} {
		s = strings.ReplaceAll(s, ": "+pkg+": ", ": ")
	}
	for {
		label, rest, ok := strings.Cut(s, ": ")
		if !ok || rest == "" || !isLabel(label) {
			return s
		}
		s = rest
	}
}

func isLabel(s string) bool {
	if s == "" || len(s) > 24 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// last is the last part of err's chain (after its last ": "), e.g. the
// network's "connection refused".
func last(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	// Windows ends its words with a period ("Connection refused."), which
	// the caller's sentence has after the parenthesis.
	return flows.Sanitize(clipText(strings.TrimSuffix(s, ".")))
}

// sentence capitalizes s when it starts with a word (a path, a file name
// or a quoted value is left as it is), bounds it and ends it with a
// period.
func sentence(s string) string {
	s = flows.Sanitize(clipText(strings.TrimSpace(s)))
	if s == "" {
		return ""
	}
	if startsWithWord(s) {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// startsWithWord reports whether s's first word (up to a space, or a
// colon or comma that ends it) is made of lowercase ASCII letters only:
// "open", not "out2/x.receipt.txt", "acme.ucxbundle" or `"value"`.
func startsWithWord(s string) bool {
	w, _, _ := strings.Cut(s, " ")
	w = strings.TrimRight(w, ":,")
	if w == "" {
		return false
	}
	for _, r := range w {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

func clipText(s string) string {
	if r := []rune(s); len(r) > maxErrText {
		return string(r[:maxErrText-1]) + "…"
	}
	return s
}

// ErrorDetail is what to add to a line that already says what kind of
// failure err is ("Webex is busy (HTTP 503), retrying", "Network problem,
// retrying"): Webex's own message and trackingId, or the network's words
// ("connection reset by peer"); ErrorText for other errors. "" for nil or
// when there is nothing to add. The text is redacted (store.Redact).
func ErrorDetail(err error) string { return store.Redact(errorDetail(err)) }

func errorDetail(err error) string {
	var we *flows.WebexError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &we):
		msg := we.Message
		if msg == "" {
			msg = we.Code
		}
		msg = flows.Sanitize(clipText(strings.TrimRight(msg, ". ")))
		if we.TrackingID != "" {
			if msg != "" {
				msg += "; "
			}
			msg += "trackingId " + flows.Sanitize(we.TrackingID)
		}
		return msg
	case errors.Is(err, flows.ErrUnreachable), errors.Is(err, context.DeadlineExceeded):
		return last(err)
	}
	return ErrorText(err)
}
