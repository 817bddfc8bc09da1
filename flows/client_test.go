package flows

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestNewClientBaseURL(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"", true}, // DefaultBaseURL
		{"https://webexapis.com", true},
		{"https://webexapis.com/", true},
		{"https://proxy.example/webex", true},
		{"http://127.0.0.1:8080", true},
		{"http://localhost:8080", true},
		{"http://[::1]:8080", true},
		{"http://webexapis.com", false},
		{"http://10.0.0.1", false},
		{"ftp://webexapis.com", false},
		{"webexapis.com", false},
		{"https://user:pw@webexapis.com", false},
		{"https://webexapis.com?x=1", false},
		{"https://webexapis.com#f", false},
		{"https://", false},
		{"://", false},
	} {
		c, err := NewClient(Config{BaseURL: tc.url})
		if (err == nil) != tc.ok {
			t.Errorf("NewClient(%q): %v", tc.url, err)
		}
		if err == nil && strings.HasSuffix(c.BaseURL(), "/") {
			t.Errorf("NewClient(%q): base %q ends in /", tc.url, c.BaseURL())
		}
	}
	c, _ := NewClient(Config{})
	if c.BaseURL() != DefaultBaseURL {
		t.Errorf("default base %q", c.BaseURL())
	}
}

// TestUserAgent: the server sees Config.UserAgent whatever the
// HTTPClient (nil, NewHTTPClient's, the caller's own), and the version of
// NewHTTPClient when no UserAgent is set.
func TestUserAgent(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.UserAgent()
	}))
	defer srv.Close()
	if hc := NewHTTPClient("1.2.3"); hc.Timeout != requestTimeout {
		t.Errorf("Timeout %v", hc.Timeout)
	}
	for _, tc := range []struct {
		name string
		hc   *http.Client
		ua   string
		want string
	}{
		{"default client, UserAgent", nil, "ucx-onboard/9.9.9", "ucx-onboard/9.9.9"},
		{"default client, no UserAgent", nil, "", "ucx-onboard/dev"},
		{"NewHTTPClient, UserAgent", NewHTTPClient("1.2.3"), "ucx-onboard/test", "ucx-onboard/test"},
		{"NewHTTPClient, no UserAgent", NewHTTPClient("1.2.3"), "", "ucx-onboard/1.2.3"},
		{"caller's client, UserAgent", srv.Client(), "ucx-onboard/test", "ucx-onboard/test"},
		{"UserAgent with control characters", nil, "ucx-onboard/1\r\nX-Evil: 1", "ucx-onboard/1  X-Evil: 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got = ""
			c, err := NewClient(Config{BaseURL: srv.URL, HTTPClient: tc.hc, UserAgent: tc.ua})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Ping(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("User-Agent %q, want %q", got, tc.want)
			}
		})
	}
	// NewClient does not change the caller's client.
	if srv.Client().CheckRedirect != nil {
		t.Error("caller's http.Client modified")
	}
	hc := NewHTTPClient("1.2.3")
	tr := hc.Transport
	if _, err := NewClient(Config{BaseURL: srv.URL, HTTPClient: hc, UserAgent: "x/1"}); err != nil {
		t.Fatal(err)
	}
	if hc.Transport != tr || tr.(*uaTransport).ua != "ucx-onboard/1.2.3" {
		t.Error("caller's transport modified")
	}
}

func TestPing(t *testing.T) {
	t.Run("any status is reachable", func(t *testing.T) {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNotFound)
		}))
		defer srv.Close()
		c, _ := NewClient(Config{BaseURL: srv.URL, HTTPClient: srv.Client()})
		if err := c.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		srv := httptest.NewUnstartedServer(http.NotFoundHandler())
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		srv.StartTLS()
		defer srv.Close()
		c, _ := NewClient(Config{BaseURL: srv.URL}) // default client: does not trust the test CA
		err := c.Ping(context.Background())
		if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "TLS: certificate not trusted") {
			t.Fatalf("Ping: %v", err)
		}
	})
	t.Run("not TLS", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		c, _ := NewClient(Config{BaseURL: strings.Replace(srv.URL, "http:", "https:", 1)})
		if err := c.Ping(context.Background()); !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "TLS") {
			t.Fatalf("Ping: %v", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close() // accepts (backlog) but never answers
		c, _ := NewClient(Config{BaseURL: "https://" + ln.Addr().String()})
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		if err := c.Ping(ctx); !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "timeout") {
			t.Fatalf("Ping: %v", err)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		c, _ := NewClient(Config{BaseURL: "https://" + addr})
		if err := c.Ping(context.Background()); !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "connection failed") {
			t.Fatalf("Ping: %v", err)
		}
	})
}

func TestDescribeNetErr(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://user:pw@proxy.corp:3128")
	for _, tc := range []struct {
		err  error
		want string
	}{
		// Without the request's URL the route is unknown: only the setting
		// is named (TestDescribeNetErrRoute has the routes).
		{&net.DNSError{Name: "webexapis.com", Err: "no such host"}, "DNS lookup of webexapis.com failed (HTTPS_PROXY=http://proxy.corp:3128 is set)"},
		{&net.OpError{Op: "proxyconnect", Err: errors.New("connection refused")}, "cannot connect to the proxy (HTTPS_PROXY=http://proxy.corp:3128 is set): connection refused"},
		{x509.UnknownAuthorityError{}, "TLS: certificate not trusted"},
		{context.DeadlineExceeded, "timeout"},
	} {
		got := describeNetErr(tc.err)
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("describeNetErr(%T) = %q, want %q", tc.err, got, tc.want)
		}
		if strings.Contains(got, "pw") {
			t.Errorf("%q shows the proxy password", got)
		}
	}
}
