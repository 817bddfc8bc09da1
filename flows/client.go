package flows

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strings"
	"time"
)

// DefaultBaseURL is the Webex API.
const DefaultBaseURL = "https://webexapis.com"

// maxBody caps every response body flows reads.
const maxBody = 1 << 20

// HTTP client timeouts of NewHTTPClient.
const (
	dialTimeout           = 10 * time.Second
	tlsTimeout            = 10 * time.Second
	responseHeaderTimeout = 20 * time.Second
	requestTimeout        = 30 * time.Second
	pingTimeout           = 5 * time.Second
)

// Config configures a Client. The zero Config talks to Webex with
// NewHTTPClient("dev") and the system clock.
type Config struct {
	// BaseURL is the Webex API base, default DefaultBaseURL. It must be
	// https, or http to a loopback address (a fake server).
	BaseURL string
	// HTTPClient sends every request; default NewHTTPClient("dev").
	// Redirects are never followed whatever its CheckRedirect.
	HTTPClient *http.Client
	// UserAgent, when set, is sent (sanitized) on every request, with the
	// default HTTPClient as with one of the caller's, replacing any
	// User-Agent that client would send.
	UserAgent string
	// Clock is the poll loop's time source, default SystemClock.
	Clock Clock
}

// Client starts and completes device authorizations against one Webex API.
// It is safe for concurrent use: run one Start/Wait per app in parallel.
type Client struct {
	base *url.URL
	// plainHTTP: the base URL is http (so loopback, a fake server): only
	// then are http verification URIs accepted.
	plainHTTP bool
	http      *http.Client // redirects off, User-Agent set
	clock     Clock
}

// NewClient checks cfg and returns a Client. It fails when BaseURL is not
// an absolute https URL (or http to localhost, 127.0.0.0/8 or ::1) without
// user info, query or fragment.
func NewClient(cfg Config) (*Client, error) {
	raw := cfg.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("flows: base URL %q: %v", Sanitize(raw), err)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return nil, fmt.Errorf("flows: base URL %q: want scheme://host[:port][/path]", Sanitize(raw))
	}
	loop := isLoopback(u.Hostname())
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && loop:
	default:
		return nil, fmt.Errorf("flows: base URL %q: must be https (http only to a loopback address)", Sanitize(raw))
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""

	hc := cfg.HTTPClient
	if hc == nil {
		hc = NewHTTPClient("dev")
	}
	c := *hc // never mutate the caller's client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if ua := Sanitize(cfg.UserAgent); ua != "" {
		// Replace, rather than wrap, a uaTransport (NewHTTPClient's): the
		// inner one would set its own User-Agent last.
		next := c.Transport
		if t, ok := next.(*uaTransport); ok {
			next = t.next
		}
		c.Transport = &uaTransport{ua: ua, next: next}
	}
	clock := cfg.Clock
	if clock == nil {
		clock = SystemClock{}
	}
	return &Client{base: u, plainHTTP: u.Scheme == "http", http: &c, clock: clock}, nil
}

// BaseURL returns the API base the client talks to.
func (c *Client) BaseURL() string { return c.base.String() }

func (c *Client) endpoint(path string) string { return c.base.String() + path }

// isLoopback reports whether host is localhost or a loopback IP.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// NewHTTPClient returns the HTTP client flows uses by default: proxy from
// the environment (HTTPS_PROXY, NO_PROXY), 10 s connect and TLS handshake
// timeouts, 20 s to the response headers, 30 s per request overall, and
// User-Agent "ucx-onboard/<version>".
func NewHTTPClient(version string) *http.Client {
	if version == "" {
		version = "dev"
	}
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   tlsTimeout,
		ResponseHeaderTimeout: responseHeaderTimeout,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          20,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
	}
	return &http.Client{
		Transport: &uaTransport{ua: "ucx-onboard/" + Sanitize(version), next: t},
		Timeout:   requestTimeout,
	}
}

// uaTransport sets the User-Agent of every request.
type uaTransport struct {
	ua   string
	next http.RoundTripper
}

func (t *uaTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.Header.Set("User-Agent", t.ua)
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(r2)
}

// response is an HTTP answer read in full (at most maxBody bytes).
type response struct {
	status  int
	header  http.Header
	body    []byte
	readErr error // reading the body failed or it was over maxBody
}

// do sends req and reads its answer. A non-nil error means no answer.
func (c *Client) do(req *http.Request) (*response, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	r := &response{status: resp.StatusCode, header: resp.Header}
	r.body, r.readErr = readBody(resp.Body)
	return r, nil
}

var errBodyTooLarge = errors.New("response body larger than 1 MiB")

func readBody(rc io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(rc, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxBody {
		return nil, errBodyTooLarge
	}
	return b, nil
}

// Ping checks that the base URL answers over TLS within 5 s; any HTTP
// status counts as reachable. The error wraps ErrUnreachable and says what
// failed: DNS, TLS (certificate, often a TLS-inspecting proxy), timeout,
// proxy or connection, and which route the request took, as the client's
// own transport decided it: "through proxy HTTPS_PROXY=…" or, when a proxy
// is set but was not used, "direct: NO_PROXY matches <host>".
func (c *Client) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, c.base.String()+"/", nil)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		proxy, fromEnv := transportProxy(c.http.Transport)
		return fmt.Errorf("%w: %s: %s", ErrUnreachable, c.base.Host, describeNetErrVia(err, proxy, fromEnv))
	}
	resp.Body.Close()
	return nil
}

// describeNetErr says in a few words why a request got no answer and, for
// a *url.Error, which route it took as http.ProxyFromEnvironment decides
// it (the proxy function of NewHTTPClient's transport, with the same
// once-per-process reading of the environment). It never includes a URL
// query or body.
func describeNetErr(err error) string {
	return describeNetErrVia(err, http.ProxyFromEnvironment, true)
}

// describeNetErrVia is describeNetErr for a transport whose proxy function
// is proxy (nil: it never uses a proxy); fromEnv says that proxy follows
// HTTPS_PROXY, HTTP_PROXY and NO_PROXY, so that a direct route can be
// explained by them.
func describeNetErrVia(err error, proxy func(*http.Request) (*url.URL, error), fromEnv bool) string {
	var ue *url.Error
	var via string
	if errors.As(err, &ue) {
		via = route(ue.URL, proxy, fromEnv)
	} else if name, v := proxyEnv("https"); v != "" && fromEnv {
		// No request URL (the answer broke off while being read): the
		// route is unknown, only that a proxy is configured.
		via = " (" + name + "=" + redactProxy(v) + " is set)"
	}
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var netErr net.Error
	switch {
	case malformedAnswer(err):
		return "the answer is not valid HTTP (a malformed status line or header)" + via
	case errors.As(err, &opErr) && opErr.Op == "proxyconnect":
		return "cannot connect to the proxy" + via + ": " + Sanitize(opErr.Err.Error())
	case errors.As(err, &dnsErr):
		return "DNS lookup of " + Sanitize(dnsErr.Name) + " failed" + via
	case errors.As(err, &unknownCA), errors.As(err, &certErr):
		return "TLS: certificate not trusted (a TLS-inspecting proxy?)" + via
	case errors.As(err, &hostErr):
		return "TLS: certificate is for another host" + via
	case errors.As(err, &recErr), strings.Contains(err.Error(), "HTTP response to HTTPS client"):
		return "TLS: the server did not answer TLS" + via
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timeout" + via
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed without an answer" + via
	case errors.As(err, &opErr):
		if strings.Contains(opErr.Err.Error(), "tls") {
			return "TLS: " + Sanitize(opErr.Err.Error()) + via
		}
		return "connection failed: " + Sanitize(opErr.Err.Error()) + via
	}
	if ue != nil {
		err = ue.Err // drop the URL
	}
	return Sanitize(err.Error()) + via
}

// route says, in parentheses after a space, which way a request to raw
// went: " (through proxy HTTPS_PROXY=http://proxy:3128)" when proxy chose
// one; when the environment names a proxy that fromEnv's proxy function
// did not use, why: NO_PROXY matches the host, the host is loopback, or
// the setting is not a URL (ProxyFromEnvironment ignores it). It is empty
// when no proxy was used and none is configured (or the transport ignores
// the environment), or the URL is unreadable.
func route(raw string, proxy func(*http.Request) (*url.URL, error), fromEnv bool) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	name, set := proxyEnv(u.Scheme)
	var p *url.URL
	if proxy != nil {
		if p, err = proxy(&http.Request{URL: u}); err != nil {
			// The error may quote the setting, password included: never
			// shown.
			return " (the proxy setting is not usable)"
		}
	}
	host := Sanitize(u.Hostname())
	switch {
	case p != nil && fromEnv && set != "":
		return " (through proxy " + name + "=" + redactProxy(p.String()) + ")"
	case p != nil:
		return " (through proxy " + redactProxy(p.String()) + ")"
	case !fromEnv || set == "":
		return ""
	case !usableProxy(set):
		return " (direct: " + name + " is not a usable proxy URL, so it is ignored)"
	case isLoopback(u.Hostname()):
		return " (direct: " + host + " is a loopback address, never proxied)"
	}
	return " (direct: NO_PROXY matches " + host + ")"
}

// usableProxy reports whether http.ProxyFromEnvironment can use the proxy
// setting v: it parses as a URL with a scheme and host, or does with
// "http://" in front. A setting that does not is ignored, silently.
func usableProxy(v string) bool {
	if u, err := url.Parse(v); err == nil && u.Scheme != "" && u.Host != "" {
		return true
	}
	_, err := url.Parse("http://" + v)
	return err == nil
}

// proxyEnv returns the name and value of the proxy variable that
// http.ProxyFromEnvironment reads for scheme ("HTTPS_PROXY" or
// "https_proxy" for https, "HTTP_PROXY"/"http_proxy" for http).
func proxyEnv(scheme string) (name, value string) {
	names := []string{"HTTPS_PROXY", "https_proxy"}
	if scheme == "http" {
		names = []string{"HTTP_PROXY", "http_proxy"}
	}
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return envName(n), v
		}
	}
	return names[0], ""
}

// transportProxy returns the proxy function of rt (through uaTransport),
// and whether it is http.ProxyFromEnvironment. A nil rt is
// http.DefaultTransport, which uses it. For a RoundTripper of another
// kind the route is unknown: nil, false.
func transportProxy(rt http.RoundTripper) (func(*http.Request) (*url.URL, error), bool) {
	for {
		switch t := rt.(type) {
		case nil:
			return http.ProxyFromEnvironment, true
		case *uaTransport:
			rt = t.next
			continue
		case *http.Transport:
			if t.Proxy == nil {
				return nil, false
			}
			return t.Proxy, reflect.ValueOf(t.Proxy).Pointer() == reflect.ValueOf(http.ProxyFromEnvironment).Pointer()
		}
		return nil, false
	}
}

// redactProxy shows a proxy URL as scheme://host[:port] only: no user
// or password, and no path, query or fragment, where a password lands
// when the setting is malformed ("http://http://user:pw@[host" parses with
// host "http:").
func redactProxy(p string) string {
	u, err := url.Parse(p)
	if err != nil || u.Host == "" {
		return "(set)"
	}
	return Sanitize(u.Scheme + "://" + u.Host)
}
