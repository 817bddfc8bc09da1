package flows

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// routeChildEnv names the case a child process of
// TestDescribeNetErrRoute checks. http.ProxyFromEnvironment reads the
// environment once per process, so each environment gets a fresh process.
const routeChildEnv = "FLOWS_TEST_ROUTE_CASE"

// TestDescribeNetErrRoute: the message names the route the request took
// as NewHTTPClient's transport decides it (http.ProxyFromEnvironment):
// through the proxy, or direct when NO_PROXY matches the host, never
// "through proxy" for a request that went direct; and never the proxy
// password.
func TestDescribeNetErrRoute(t *testing.T) {
	if c := os.Getenv(routeChildEnv); c != "" {
		routeChild(t, c)
		return
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
	}{
		{"proxy", map[string]string{"HTTPS_PROXY": "http://user:pw@proxy.corp:3128", "NO_PROXY": "webex.test,.corp.example"}},
		{"lowercase", map[string]string{"https_proxy": "http://user:pw@proxy.corp:3128", "no_proxy": "webex.test"}},
		{"malformed", map[string]string{"HTTPS_PROXY": "http://user:pw@[proxy.corp"}},
		{"unusable", map[string]string{"HTTPS_PROXY": "http://user:pw@proxy.corp:3128/\x7f"}}, // a control character: no parse
		{"none", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The child's environment is this one without any proxy
			// variable, then the case's. Not set one by one here: on
			// Windows, names are case-insensitive, so clearing
			// https_proxy would clear the HTTPS_PROXY just set.
			var env []string
			for _, kv := range os.Environ() {
				k, _, _ := strings.Cut(kv, "=")
				switch strings.ToUpper(k) {
				case "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "REQUEST_METHOD", routeChildEnv:
					continue
				}
				env = append(env, kv)
			}
			for k, v := range tc.env {
				env = append(env, k+"="+v)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestDescribeNetErrRoute$", "-test.v")
			cmd.Env = append(env, routeChildEnv+"="+tc.name)
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "--- PASS: TestDescribeNetErrRoute") {
				t.Fatalf("child process: %v\n%s", err, out)
			}
		})
	}
}

// routeChild checks describeNetErr in the environment of case c.
func routeChild(t *testing.T, c string) {
	timeout := func(u string) error { return &url.Error{Op: "Head", URL: u, Err: context.DeadlineExceeded} }
	proxyDown := &url.Error{Op: "Head", URL: "https://webexapis.com/", Err: &net.OpError{Op: "proxyconnect", Err: errors.New("connection refused")}}
	type row struct {
		err  error
		want string
	}
	rows := map[string][]row{
		"proxy": {
			{timeout("https://webexapis.com/v1/device/token"), "timeout (through proxy HTTPS_PROXY=http://proxy.corp:3128)"},
			{proxyDown, "cannot connect to the proxy (through proxy HTTPS_PROXY=http://proxy.corp:3128): connection refused"},
			{timeout("https://webex.test/"), "timeout (direct: NO_PROXY matches webex.test)"},
			{timeout("https://api.corp.example/"), "timeout (direct: NO_PROXY matches api.corp.example)"},
			{timeout("https://127.0.0.1:8443/"), "timeout (direct: 127.0.0.1 is a loopback address, never proxied)"},
			// An http URL: HTTP_PROXY is not set, so nothing to explain.
			{timeout("http://webexapis.com/"), "timeout"},
		},
		"lowercase": {
			{timeout("https://webexapis.com/"), "timeout (through proxy https_proxy=http://proxy.corp:3128)"},
			{timeout("https://webex.test/"), "timeout (direct: NO_PROXY matches webex.test)"},
		},
		"unusable": {
			// ProxyFromEnvironment ignores it: the request went direct.
			{timeout("https://webexapis.com/"), "timeout (direct: HTTPS_PROXY is not a usable proxy URL, so it is ignored)"},
		},
		"malformed": {
			// ProxyFromEnvironment retries it with "http://" in front,
			// which parses (host "http:"): the route is that, and the
			// password, now in the path, is not shown.
			{timeout("https://webexapis.com/"), "timeout (through proxy HTTPS_PROXY=http://http:)"},
		},
		"none": {
			{timeout("https://webexapis.com/"), "timeout"},
			{&net.DNSError{Name: "webexapis.com", Err: "no such host"}, "DNS lookup of webexapis.com failed"},
		},
	}[c]
	if rows == nil {
		t.Fatalf("unknown case %q", c)
	}
	for _, r := range rows {
		got := describeNetErr(r.err)
		if got != r.want {
			t.Errorf("describeNetErr(%v) = %q, want %q", r.err, got, r.want)
		}
		if strings.Contains(got, "pw") {
			t.Errorf("%q shows the proxy password", got)
		}
	}
}

// TestPingRoute: Ping names the route of the client's own transport, not
// the environment's: a client with an explicit proxy says it went through
// it (without its password), and one whose transport uses no proxy never
// claims the HTTPS_PROXY that happens to be set.
func TestPingRoute(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://user:pw@proxy.corp:3128")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close() // connections to it are refused
	proxyURL, _ := url.Parse("http://user:pw@" + closed)
	for _, tc := range []struct {
		name, base string
		proxy      func(*http.Request) (*url.URL, error)
		want       string
	}{
		{"explicit proxy", "https://webexapis.example", http.ProxyURL(proxyURL), "cannot connect to the proxy (through proxy http://" + closed + "):"},
		{"no proxy", "https://" + closed, nil, "connection failed: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(Config{BaseURL: tc.base, HTTPClient: &http.Client{Transport: &http.Transport{Proxy: tc.proxy}}})
			if err != nil {
				t.Fatal(err)
			}
			err = c.Ping(context.Background())
			if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Ping: %v; want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "pw") || tc.proxy == nil && strings.Contains(err.Error(), "proxy") {
				t.Fatalf("Ping: %v", err)
			}
		})
	}
}
