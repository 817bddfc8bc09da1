package flows

import (
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// proxyChildEnv marks the child process of TestClientProxyEnvironment:
// http.ProxyFromEnvironment reads the environment once per process.
const proxyChildEnv = "FLOWS_TEST_PROXY_CHILD"

// TestClientProxyEnvironment: with HTTPS_PROXY and NO_PROXY set, Proxy
// names the proxy and its variable only for a base URL that the transport
// really sends through it; never the password.
func TestClientProxyEnvironment(t *testing.T) {
	if os.Getenv(proxyChildEnv) != "" {
		proxyChild(t)
		return
	}
	for _, k := range []string{"https_proxy", "HTTP_PROXY", "http_proxy", "no_proxy", "REQUEST_METHOD"} {
		t.Setenv(k, "")
	}
	t.Setenv("HTTPS_PROXY", "http://user:pw@proxy.corp:3128")
	t.Setenv("NO_PROXY", "webex.test")
	t.Setenv(proxyChildEnv, "1")
	out, err := exec.Command(os.Args[0], "-test.run=^TestClientProxyEnvironment$", "-test.v").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestClientProxyEnvironment") {
		t.Fatalf("child process: %v\n%s", err, out)
	}
}

func proxyChild(t *testing.T) {
	for _, tc := range []struct {
		base, proxy, env string
	}{
		{"https://webexapis.com", "http://proxy.corp:3128", "HTTPS_PROXY"},
		{"https://webex.test", "", ""},     // NO_PROXY
		{"https://127.0.0.1:8443", "", ""}, // loopback: never proxied
		{"http://localhost:8080", "", ""},  // HTTP_PROXY unset, and loopback
	} {
		c, err := NewClient(Config{BaseURL: tc.base, HTTPClient: NewHTTPClient("test")})
		if err != nil {
			t.Fatal(err)
		}
		if proxy, env := c.Proxy(); proxy != tc.proxy || env != tc.env {
			t.Errorf("%s: Proxy() = %q, %q; want %q, %q", tc.base, proxy, env, tc.proxy, tc.env)
		}
	}
}

// roundTripFunc is a RoundTripper of a kind flows does not know.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestClientProxyTransport: Proxy follows the client's own transport,
// whatever the environment says.
func TestClientProxyTransport(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://user:pw@env-proxy.corp:3128")
	explicit, _ := url.Parse("http://user:pw@proxy.corp:8080/path")
	for _, tc := range []struct {
		name       string
		rt         http.RoundTripper
		proxy, env string
	}{
		{"explicit proxy", &http.Transport{Proxy: http.ProxyURL(explicit)}, "http://proxy.corp:8080", ""},
		{"no proxy", &http.Transport{}, "", ""},
		{"proxy that fails", &http.Transport{Proxy: func(*http.Request) (*url.URL, error) { return nil, errors.New("pw") }}, "(not usable)", ""},
		{"unknown transport", roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("x") }), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(Config{BaseURL: "https://webexapis.com", HTTPClient: &http.Client{Transport: tc.rt}})
			if err != nil {
				t.Fatal(err)
			}
			proxy, env := c.Proxy()
			if proxy != tc.proxy || env != tc.env {
				t.Errorf("Proxy() = %q, %q; want %q, %q", proxy, env, tc.proxy, tc.env)
			}
			if strings.Contains(proxy, "pw") {
				t.Errorf("Proxy() shows the password: %q", proxy)
			}
		})
	}
}
