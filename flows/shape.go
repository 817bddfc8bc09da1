package flows

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Shape is what one HTTP exchange with Webex looked like, without any of
// its values: enough to tell which reading of an undocumented point Webex
// follows (does /people/me need a people scope, is "scope" in the token
// answer, where does the OAuth code sit in an error body, is the secret
// checked while a code is pending...), and nothing a customer would mind
// sharing. The only values it holds are the status, the Retry-After and
// TrackingID headers (Webex support asks for the tracking id), the OAuth
// codes found (from a fixed list) and timings; every other string is a
// name (a header, a form field, a JSON key that looks like an
// identifier) or a word of flows' own.
type Shape struct {
	At     time.Time // when the request was handed to the transport
	Method string
	// Path is the URL path with every segment that is not a fixed word
	// of Webex's API (v1, device, token, people, me...) replaced by
	// "{id}", so that no person, org or code id is kept.
	Path string
	// Query holds the names of the query parameters, sorted.
	Query []string
	// RequestHeaders and Form are the names of the request's headers and
	// (for a form body) its fields, sorted.
	RequestHeaders []string
	Form           []string

	// Status is the answer's status; 0 when none came (NoAnswer says
	// why, in one word).
	Status   int
	NoAnswer string
	// ResponseHeaders are the names of the answer's headers, sorted;
	// RetryAfter and TrackingID the values of those two (sanitized,
	// clipped), "" when absent.
	ResponseHeaders []string
	RetryAfter      string
	TrackingID      string
	// ContentType is the answer's media type without parameters.
	ContentType string
	// Body says what the body was: "json", "empty", "not json", and
	// ", cut short" or ", over 1 MiB" when it could not be read whole;
	// BodyBytes its length as read.
	Body      string
	BodyBytes int
	// Keys are the JSON body's key paths with the type of their values,
	// e.g. "errors[].description: string", "expires_in: number" or
	// "interval: string(number)", sorted, at most maxShapeKeys. A key
	// that does not look like an identifier is shown as "{key}".
	Keys []string
	// Codes are the OAuth error codes found in the body's strings (the
	// ones flows recognizes), and "text says expired" when a string has
	// that word.
	Codes []string
	// Header is the time from sending to the answer's headers; Total to
	// the end of its body (or to the failure).
	Header, Total time.Duration
}

// Limits of a Shape.
const (
	maxShapeKeys  = 64
	maxShapeDepth = 8
	maxShapeNames = 32
)

// apiWords are the path segments of Webex's API kept in Shape.Path.
var apiWords = map[string]bool{
	"v1": true, "device": true, "authorize": true, "token": true, "access_token": true,
	"people": true, "me": true, "organizations": true, "roles": true, "licenses": true,
	"verify": true, "authorize_device": true,
}

// maskPath keeps the fixed words of a URL path and replaces every other
// segment by "{id}".
func maskPath(p string) string {
	if p == "" {
		return "/"
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if s != "" && !apiWords[s] {
			segs[i] = "{id}"
		}
	}
	return strings.Join(segs, "/")
}

// isName reports whether s looks like an identifier (a header, form or
// JSON key name), not a value.
func isName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '-' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// names returns the sorted, deduplicated names of keys, those that do not
// look like names shown as "{key}", at most maxShapeNames.
func names[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if !isName(k) {
			k = "{key}"
		}
		out = append(out, k)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > maxShapeNames {
		out = append(out[:maxShapeNames], "…")
	}
	return out
}

// shapeOfRequest fills in what the request shows.
func shapeOfRequest(r *http.Request, body []byte, at time.Time) Shape {
	s := Shape{At: at, Method: r.Method, Path: maskPath(r.URL.Path), Query: names(r.URL.Query()), RequestHeaders: names(r.Header)}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if form, err := url.ParseQuery(string(body)); err == nil {
			s.Form = names(form)
		}
	}
	return s
}

// addAnswer fills in what the answer shows: status, headers, body.
func (s *Shape) addAnswer(status int, h http.Header, body []byte, readErr error) {
	s.Status = status
	s.ResponseHeaders = names(h)
	s.RetryAfter = clip(Sanitize(h.Get("Retry-After")), 64)
	s.TrackingID = clip(Sanitize(h.Get("Trackingid")), maxIDLen)
	if ct := h.Get("Content-Type"); ct != "" {
		ct, _, _ = strings.Cut(ct, ";")
		s.ContentType = clip(Sanitize(strings.TrimSpace(ct)), 64)
	}
	s.BodyBytes = len(body)
	s.Keys, s.Codes, s.Body = bodyShape(body)
	switch {
	case errors.Is(readErr, errBodyTooLarge):
		s.Body += ", over 1 MiB"
	case readErr != nil:
		s.Body += ", cut short"
	}
}

// bodyShape describes a body: its JSON key paths and types, the OAuth
// codes its strings hold, and its kind. A pure function of the body
// (fuzzed by FuzzBodyShape).
func bodyShape(body []byte) (keys, codes []string, kind string) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil, "empty"
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		// Not JSON: an HTML error page, a form-encoded answer... Its
		// words may still hold a code.
		if form, err := url.ParseQuery(string(body)); err == nil && len(form) > 0 && !bytes.ContainsAny(body, " <>\n") {
			for k, vs := range form {
				t := "string"
				if len(vs) > 1 {
					t = "string[]"
				}
				keys = addKey(keys, nameOrKey(k)+": "+t)
				for _, x := range vs {
					codes = addCodes(codes, x)
				}
			}
			slices.Sort(keys)
			return keys, codes, "form"
		}
		return nil, addCodes(nil, string(body)), "not json"
	}
	seen := map[string]bool{}
	var walk func(prefix string, v any, depth int)
	walk = func(prefix string, v any, depth int) {
		add := func(t string) {
			k := prefix + ": " + t
			if prefix == "" {
				k = "(top): " + t
			}
			if !seen[k] && len(seen) < maxShapeKeys {
				seen[k] = true
			}
		}
		switch x := v.(type) {
		case map[string]any:
			add("object")
			if depth >= maxShapeDepth {
				return
			}
			for k, e := range x {
				p := nameOrKey(k)
				if prefix != "" {
					p = prefix + "." + p
				}
				walk(p, e, depth+1)
			}
		case []any:
			add("array")
			if depth >= maxShapeDepth {
				return
			}
			for _, e := range x {
				walk(prefix+"[]", e, depth+1)
			}
		case string:
			if _, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
				add("string(number)")
			} else {
				add("string")
			}
			codes = addCodes(codes, x)
		case json.Number:
			add("number")
		case bool:
			add("bool")
		case nil:
			add("null")
		}
	}
	walk("", v, 0)
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys, codes, "json"
}

func nameOrKey(k string) string {
	if isName(k) {
		return k
	}
	return "{key}"
}

func addKey(keys []string, k string) []string {
	if len(keys) < maxShapeKeys && !slices.Contains(keys, k) {
		keys = append(keys, k)
	}
	return keys
}

// addCodes adds the OAuth code s holds, and "text says expired", to codes.
func addCodes(codes []string, s string) []string {
	if c := findCode(s); c != "" && !slices.Contains(codes, c) {
		codes = append(codes, c)
	}
	if saysExpired(s) && !slices.Contains(codes, "text says expired") {
		codes = append(codes, "text says expired")
	}
	return codes
}

// noAnswerKind names in one word why a request got no answer.
func noAnswerKind(err error) string {
	var dnsErr *net.DNSError
	var netErr net.Error
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &dnsErr):
		return "dns"
	case errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &certErr), errors.As(err, &recErr):
		return "tls"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "reset"
	}
	return "other"
}

// LogAttrs renders the shape as slog attributes (lists joined with
// spaces, timings in milliseconds).
func (s Shape) LogAttrs() []slog.Attr {
	attrs := []slog.Attr{slog.String("method", s.Method), slog.String("path", s.Path)}
	list := func(k string, v []string) {
		if len(v) > 0 {
			attrs = append(attrs, slog.String(k, strings.Join(v, " ")))
		}
	}
	str := func(k, v string) {
		if v != "" {
			attrs = append(attrs, slog.String(k, v))
		}
	}
	list("query", s.Query)
	list("req_headers", s.RequestHeaders)
	list("form", s.Form)
	if s.Status != 0 {
		attrs = append(attrs, slog.Int("status", s.Status))
	}
	str("no_answer", s.NoAnswer)
	list("resp_headers", s.ResponseHeaders)
	str("retry_after", s.RetryAfter)
	str("tracking_id", s.TrackingID)
	str("content_type", s.ContentType)
	if s.Body != "" {
		attrs = append(attrs, slog.String("body", s.Body), slog.Int("body_bytes", s.BodyBytes))
	}
	if len(s.Keys) > 0 {
		attrs = append(attrs, slog.String("keys", strings.Join(s.Keys, "; ")))
	}
	list("codes", s.Codes)
	ms := func(d time.Duration) string {
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64)
	}
	attrs = append(attrs, slog.String("header_ms", ms(s.Header)), slog.String("total_ms", ms(s.Total)))
	return attrs
}

// ShapeTransport is an http.RoundTripper that reports the Shape of every
// exchange it carries to Record, once the answer's body is read to its
// end or closed (or at once when no answer came). It reads the request
// body (a form, to name its fields) and tees the answer's, up to 1 MiB
// more than flows reads; it changes neither. Record is called on the
// goroutine that closes the body (or sends the request) and must be safe
// for concurrent use. Use it to learn how Webex answers (the --debug log):
// a Shape holds no token, code, secret, email or name.
type ShapeTransport struct {
	Next   http.RoundTripper // nil: http.DefaultTransport
	Record func(Shape)
	// Now is the time source of the timings; nil means time.Now.
	Now func() time.Time
}

// RoundTrip implements http.RoundTripper.
func (t *ShapeTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	now := t.Now
	if now == nil {
		now = time.Now
	}
	next := t.Next
	if next == nil {
		next = http.DefaultTransport
	}
	var reqBody []byte
	if r.Body != nil && r.Body != http.NoBody && r.GetBody != nil {
		if rc, err := r.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(io.LimitReader(rc, maxBody))
			rc.Close()
		}
	}
	start := now()
	s := shapeOfRequest(r, reqBody, start)
	resp, err := next.RoundTrip(r)
	if err != nil {
		s.NoAnswer = noAnswerKind(err)
		s.Header = now().Sub(start)
		s.Total = s.Header
		t.record(s)
		return resp, err
	}
	s.Header = now().Sub(start)
	resp.Body = &shapeBody{rc: resp.Body, done: func(body []byte, readErr error) {
		s.addAnswer(resp.StatusCode, resp.Header, body, readErr)
		s.Total = now().Sub(start)
		t.record(s)
	}}
	return resp, nil
}

func (t *ShapeTransport) record(s Shape) {
	if t.Record != nil {
		t.Record(s)
	}
}

// shapeBody tees an answer's body (up to maxBody+1 bytes) and calls done
// once, at its end or when it is closed.
type shapeBody struct {
	rc   io.ReadCloser
	once sync.Once
	done func(body []byte, readErr error)

	mu      sync.Mutex
	buf     bytes.Buffer
	total   int
	readErr error
}

func (b *shapeBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.mu.Lock()
	if room := maxBody - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(n, room)])
	}
	b.total += n
	if err != nil && err != io.EOF {
		b.readErr = err
	}
	b.mu.Unlock()
	if err != nil {
		b.finish()
	}
	return n, err
}

func (b *shapeBody) Close() error {
	err := b.rc.Close()
	b.finish()
	return err
}

func (b *shapeBody) finish() {
	b.once.Do(func() {
		b.mu.Lock()
		body, readErr := bytes.Clone(b.buf.Bytes()), b.readErr
		if b.total > maxBody {
			readErr = errBodyTooLarge
		}
		b.mu.Unlock()
		b.done(body, readErr)
	})
}
