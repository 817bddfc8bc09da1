package flows

import (
	"net/http"
	"os"
	"runtime"
	"strings"
)

// Proxy reports the proxy that the Client's requests to its base URL go
// through, as the Client's own transport decides it: the decision behind
// the route ("through proxy ..." or "direct: NO_PROXY matches ...") that
// Ping's and the other errors name. proxy is the proxy's URL as
// scheme://host[:port], never a user or password, or "(not usable)" when
// the proxy setting makes every request fail; env names the variable it
// comes from ("HTTPS_PROXY", "https_proxy", ...) when the transport follows
// the environment (http.ProxyFromEnvironment, as NewHTTPClient's does).
// Both are "" when requests go direct: no proxy configured, NO_PROXY
// matching the host, a loopback host, a setting ProxyFromEnvironment
// ignores, or a transport that is not an *http.Transport (whose route
// flows cannot know).
func (c *Client) Proxy() (proxy, env string) {
	fn, fromEnv := transportProxy(c.http.Transport)
	if fn == nil {
		return "", ""
	}
	name, set := proxyEnv(c.base.Scheme)
	if !fromEnv || set == "" {
		name = ""
	}
	p, err := fn(&http.Request{URL: c.base})
	switch {
	case err != nil:
		return "(not usable)", name
	case p == nil:
		return "", ""
	}
	return redactProxy(p.String()), name
}

// envName is the environment variable n as the environment spells it. On
// Windows names are case-insensitive: HTTPS_PROXY and https_proxy are one
// variable, found by either name, and the engineer knows it by the
// spelling it was set with, which is what a route names. Elsewhere the
// two are different variables and n is the name.
func envName(n string) string {
	if runtime.GOOS != "windows" {
		return n
	}
	for _, kv := range os.Environ() {
		if k, _, ok := strings.Cut(kv, "="); ok && strings.EqualFold(k, n) {
			return k
		}
	}
	return n
}
