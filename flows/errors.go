package flows

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/imagicle/ucx-onboard/store"
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
// status). Code is the OAuth error code when there is one, found in the
// RFC "error" field or in Webex's message or error descriptions; Message
// is Webex's message or the OAuth error description; TrackingID is what Webex
// support asks for. All fields are sanitized and bounded in length; the raw
// body is never kept.
type WebexError struct {
	Status     int
	Code       string
	Message    string
	TrackingID string

	// saysExpired: a text of the answer has the word "expired" (how an
	// invalid_grant for an expired code is told from a used one).
	saysExpired bool
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
	if e.Message != "" && !strings.EqualFold(e.Message, e.Code) {
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

// clip sanitizes s, redacts it (store.Redact: no run of a token, device
// code or client secret the process holds) and cuts it to at most n bytes
// on a rune boundary.
func clip(s string, n int) string {
	s = store.Redact(Sanitize(s))
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// OAuth error codes flows recognizes in an error answer: RFC 8628's
// (https://datatracker.ietf.org/doc/html/rfc8628#section-3.5), RFC
// 6749's (https://datatracker.ietf.org/doc/html/rfc6749#section-5.2) and
// Webex's tokenlimit_reached, all documented for Webex's token endpoint.
const (
	errAuthorizationPending = "authorization_pending"
	errSlowDown             = "slow_down"
	errAccessDenied         = "access_denied"
	errExpiredToken         = "expired_token"
	errInvalidGrant         = "invalid_grant"
	errInvalidClient        = "invalid_client"
	errTokenLimit           = "tokenlimit_reached"
	errUnsupportedGrantType = "unsupported_grant_type"
	errInvalidRequest       = "invalid_request"
)

var oauthCodes = map[string]bool{
	errAuthorizationPending: true, errSlowDown: true, errAccessDenied: true, errExpiredToken: true,
	errInvalidGrant: true, errInvalidClient: true, errTokenLimit: true, errUnsupportedGrantType: true,
	errInvalidRequest: true,
}

// findCode returns the first of the codes in oauthCodes that occurs in s
// as a whole word (letters, digits and _ delimit words), compared without
// case, in lower case; "" when there is none. "SLOW_DOWN" and "the
// client must slow_down." match; "slow_downs" and "xslow_down" do not.
func findCode(s string) string {
	isWord := func(b byte) bool {
		return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
	}
	for i := 0; i < len(s); {
		if !isWord(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isWord(s[j]) {
			j++
		}
		if w := s[i:j]; len(w) <= len(errUnsupportedGrantType) {
			if w = strings.ToLower(w); oauthCodes[w] {
				return w
			}
		}
		i = j
	}
	return ""
}

// saysExpired reports whether s has the word "expired" (any case), as in
// Webex's "The device code has expired."
func saysExpired(s string) bool {
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return !(r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r))
	}) {
		if strings.EqualFold(f, "expired") {
			return true
		}
	}
	return false
}

// parseWebexError reads an error answer: Webex's {"message", "errors":
// [{"description"}], "trackingId"} or RFC 6749's {"error",
// "error_description"}, as JSON or form encoding. It never fails: an
// unreadable body gives a WebexError with the status only. The tracking id
// also comes from the TrackingID header when the body lacks it.
//
// Code is the first OAuth code of oauthCodes found as a whole word, case
// ignored, in the RFC "error" field, else in "message", else in any
// "errors[].description" (Webex puts its codes in the message, e.g.
// {"message":"slow_down"}); failing that, the "error" field as sent.
//
// redact lists the values no field may show (see redactions): they are
// replaced by "[redacted]" before the fields are cut to length.
func parseWebexError(status int, h http.Header, body []byte, redact ...string) *WebexError {
	e := &WebexError{Status: status}
	var j struct {
		Message          any `json:"message"`
		Error            any `json:"error"`
		ErrorDescription any `json:"error_description"`
		TrackingID       any `json:"trackingId"`
		// Errors is decoded apart, so that an odd "errors" does not
		// lose the message.
		Errors json.RawMessage `json:"errors"`
	}
	var rfcCode string
	var texts []string // where a code may be, in order of precedence
	if json.Unmarshal(body, &j) == nil {
		rfcCode = stringOf(j.Error)
		texts = append(texts, rfcCode, stringOf(j.Message))
		var errs []struct {
			Description any `json:"description"`
		}
		_ = json.Unmarshal(j.Errors, &errs)
		var descs []string
		for _, d := range errs {
			if s := stringOf(d.Description); s != "" {
				descs = append(descs, s)
			}
		}
		texts = append(texts, descs...)
		switch {
		case stringOf(j.Message) != "":
			e.Message = stringOf(j.Message)
		case stringOf(j.ErrorDescription) != "":
			e.Message = stringOf(j.ErrorDescription)
		case len(descs) > 0:
			e.Message = descs[0]
		}
		e.TrackingID = stringOf(j.TrackingID)
	} else if strings.HasPrefix(h.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if v, err := url.ParseQuery(string(body)); err == nil {
			rfcCode = v.Get("error")
			texts = append(texts, rfcCode, v.Get("message"))
			e.Message = v.Get("error_description")
			if e.Message == "" {
				e.Message = v.Get("message")
			}
			e.TrackingID = v.Get("trackingId")
		}
	}
	for _, t := range texts {
		if e.Code = findCode(t); e.Code != "" {
			break
		}
	}
	if e.Code == "" {
		e.Code = rfcCode
	}
	for _, t := range append(texts, e.Message) {
		e.saysExpired = e.saysExpired || saysExpired(t)
	}
	if e.TrackingID == "" {
		e.TrackingID = h.Get("Trackingid")
	}
	e.Code = clip(scrub(e.Code, redact...), 64)
	e.Message = clip(scrub(e.Message, redact...), maxMessageLen)
	e.TrackingID = clip(scrub(e.TrackingID, redact...), maxIDLen)
	return e
}

func stringOf(v any) string {
	s, _ := v.(string)
	return s
}

// minRedactLen: values shorter than this are not redacted (they would
// blank out common words); no secret flows handles is that short.
const minRedactLen = 4

// redactions expands secret values (client secret, device code, tokens)
// into every form in which flows itself sends them, so that a server that
// echoes a request back into an error cannot make flows show any of them:
//   - the value itself (which covers "Bearer <token>" too), and with
//     control characters removed (as Sanitize would show it);
//   - its query escaping (form bodies) and path escaping, also with
//     lower-case percent hex;
//   - when clientID is set, the HTTP Basic credentials exactly as poll
//     builds them, base64(QueryEscape(clientID) ":" QueryEscape(value)),
//     in standard and URL-safe base64, with and without padding.
//
// The result is longest first, so that no shorter form breaks a longer
// one apart before it is replaced. Values shorter than 4 bytes are left
// out.
func redactions(clientID string, values ...string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if len(s) >= minRedactLen && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, v := range values {
		if len(v) < minRedactLen {
			continue
		}
		add(v)
		add(Sanitize(v))
		for _, esc := range []string{url.QueryEscape(v), url.PathEscape(v)} {
			add(esc)
			add(lowerPercentHex(esc))
		}
		if clientID != "" {
			pair := []byte(url.QueryEscape(clientID) + ":" + url.QueryEscape(v))
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
				add(enc.EncodeToString(pair))
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// lowerPercentHex returns s with the hex digits of its %XX escapes in lower
// case, as some servers re-encode them.
func lowerPercentHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1] = lowerHex(b[i+1])
			b[i+2] = lowerHex(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func lowerHex(c byte) byte {
	if 'A' <= c && c <= 'F' {
		return c + ('a' - 'A')
	}
	return c
}

// scrub replaces every occurrence of the given forms (from redactions) in
// s by "[redacted]", before and after removing control characters, so a
// server that echoes a device code, secret or token into a message cannot
// make flows print it, even with escapes spliced into it.
func scrub(s string, forms ...string) string {
	if len(forms) == 0 {
		return s
	}
	replace := func(s string) string {
		for _, v := range forms {
			if len(v) >= minRedactLen {
				s = strings.ReplaceAll(s, v, "[redacted]")
			}
		}
		return s
	}
	return replace(Sanitize(replace(s)))
}
