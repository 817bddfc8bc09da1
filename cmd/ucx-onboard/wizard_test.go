package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
)

// TestWizardNeedsTerminal: without a terminal the wizard says what to do
// instead of failing inside Bubble Tea.
func TestWizardNeedsTerminal(t *testing.T) {
	var stderr bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &stderr, getenv: func(string) string { return "" }}
	dir := t.TempDir()
	args := []string{"--demo", "--state-dir", filepath.Join(dir, "state"), "--out", filepath.Join(dir, "x.ucxbundle")}
	if code := run(context.Background(), e, args); code != exitUsage {
		t.Fatalf("exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr.String(), "--accessible") {
		t.Fatalf("stderr: %s", stderr.String())
	}
}

// TestWizardFlagErrors: unknown flags and stray arguments are usage errors.
func TestWizardFlagErrors(t *testing.T) {
	for _, args := range [][]string{{"--no-such-flag"}, {"frobnicate"}} {
		var stderr bytes.Buffer
		e := env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &stderr, getenv: func(string) string { return "" }}
		if code := run(context.Background(), e, args); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, stderr.String())
		}
	}
}

// TestReachCheckProxy: the reachability fix names the proxy only when the
// ping went through one, as the client's transport decides; a client
// that goes direct never mentions a proxy, whatever HTTPS_PROXY says.
func TestReachCheckProxy(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://proxy.corp:3128")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close() // connection refused from now on
	proxyURL, _ := url.Parse("http://" + closed)
	for _, tc := range []struct {
		name  string
		proxy func(*http.Request) (*url.URL, error)
		want  string
	}{
		{"direct", nil, "; check the network, then press r"},
		{"through a proxy", http.ProxyURL(proxyURL), "; check the network and the proxy http://" + closed + ", then press r"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := "http://" + closed
			c, err := flows.NewClient(flows.Config{BaseURL: base, HTTPClient: &http.Client{Transport: &http.Transport{Proxy: tc.proxy}}})
			if err != nil {
				t.Fatal(err)
			}
			ck := reachCheck(context.Background(), c, base)
			if ck.OK || ck.Fix != "UCX onboarding needs HTTPS to "+base+tc.want {
				t.Errorf("check %+v; want the fix to end %q", ck, tc.want)
			}
		})
	}
}
