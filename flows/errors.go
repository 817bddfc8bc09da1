package flows

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// CatalogError is one problem in a catalog. ParseCatalog and LoadCatalog
// return every problem they find, joined with errors.Join; use errors.As to
// get the first CatalogError, or unwrap the join (interface{ Unwrap()
// []error }) to list them all.
type CatalogError struct {
	// App is the app's id, or "#n" (1-based position) when the app has no
	// usable id; empty for problems of the catalog as a whole.
	App string
	// Field is the JSON key at fault, e.g. "client_secret_env".
	Field string
	// Err says what is wrong. It wraps ErrUnsupported for OpenID Connect
	// scopes.
	Err error
}

func (e *CatalogError) Error() string {
	var b strings.Builder
	b.WriteString("catalog")
	if e.App != "" {
		fmt.Fprintf(&b, ": app %s", e.App)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": %s", e.Field)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *CatalogError) Unwrap() error { return e.Err }

// WebexError is a final error answer from Webex (a 4xx other than those
// mapped to ErrDenied, ErrInvalidClient and ErrExpired, or an unexpected
// status). Code is the OAuth error code when there is one; Message is
// Webex's message or the OAuth error description; TrackingID is what Webex
// support asks for. All fields are sanitized and bounded in length; the raw
// body is never kept.
type WebexError struct {
	Status     int
	Code       string
	Message    string
	TrackingID string
}

func (e *WebexError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "webex: HTTP %d", e.Status)
	if t := http.StatusText(e.Status); t != "" {
		b.WriteString(" " + t)
	}
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.TrackingID != "" {
		b.WriteString(" (trackingId " + e.TrackingID + ")")
	}
	return b.String()
}

// Length limits for server strings kept in errors and results.
const (
	maxMessageLen = 300
	maxIDLen      = 200
)

// clip sanitizes s and cuts it to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	s = Sanitize(s)
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// parseWebexError reads an error answer: Webex's {"message", "errors":
// [{"description"}], "trackingId"} or RFC 6749's {"error",
// "error_description"}, as JSON or form encoding. It never fails: an
// unreadable body gives a WebexError with the status only. The tracking id
// also comes from the TrackingID header when the body lacks it.
// Occurrences of secrets (device code, client secret) are redacted.
func parseWebexError(status int, h http.Header, body []byte, secrets ...string) *WebexError {
	e := &WebexError{Status: status}
	var j struct {
		Message          any    `json:"message"`
		Error            any    `json:"error"`
		ErrorDescription string `json:"error_description"`
		TrackingID       any    `json:"trackingId"`
		Errors           []struct {
			Description string `json:"description"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &j) == nil {
		if s, ok := j.Error.(string); ok {
			e.Code = s
		}
		switch {
		case stringOf(j.Message) != "":
			e.Message = stringOf(j.Message)
		case j.ErrorDescription != "":
			e.Message = j.ErrorDescription
		case len(j.Errors) > 0:
			e.Message = j.Errors[0].Description
		}
		e.TrackingID = stringOf(j.TrackingID)
	} else if strings.HasPrefix(h.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if v, err := url.ParseQuery(string(body)); err == nil {
			e.Code = v.Get("error")
			e.Message = v.Get("error_description")
		}
	}
	if e.TrackingID == "" {
		e.TrackingID = h.Get("Trackingid")
	}
	e.Code = clip(scrub(e.Code, secrets...), 64)
	e.Message = clip(scrub(e.Message, secrets...), maxMessageLen)
	e.TrackingID = clip(scrub(e.TrackingID, secrets...), maxIDLen)
	return e
}

func stringOf(v any) string {
	s, _ := v.(string)
	return s
}

// scrub replaces every occurrence of the given secret values in s, so a
// server that echoes a device code or secret into a message cannot make
// flows print it.
func scrub(s string, secrets ...string) string {
	for _, v := range secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return s
}
