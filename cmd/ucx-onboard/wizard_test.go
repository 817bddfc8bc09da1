package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
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

// TestCatalogFix: the catalog check's fix follows the problem: a secret to
// provide, a catalog file to find or correct, never "set the variables"
// for a catalog that cannot be read.
func TestCatalogFix(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	none := func(string) string { return "" }
	app := func(fields string) string {
		return `{"apps":[{"id":"a1","name":"App","client_id":"C1","scopes":["x:y"]` + fields + `}]}`
	}
	for _, tc := range []struct {
		name string
		load func() (wizardOptions, error)
		want []string
		not  []string
	}{
		{"built-in, unset variables", func() (wizardOptions, error) {
			_, err := flows.DefaultCatalog(none)
			return wizardOptions{}, err
		}, []string{"set the environment variables named in these checks", "or pass --apps FILE", "start ucx-onboard again"}, []string{"correct", "--apps path"}},
		{"--apps missing", func() (wizardOptions, error) {
			o := wizardOptions{appsFile: filepath.Join(dir, "absent.json")}
			_, err := flows.LoadCatalog(o.appsFile, none)
			return o, err
		}, []string{"check the --apps path"}, []string{"environment variables"}},
		{"--apps not readable", func() (wizardOptions, error) {
			o := wizardOptions{appsFile: "/etc/ucx/apps.json"}
			return o, &flows.CatalogError{Err: fmt.Errorf("cannot read catalog: %w", &fs.PathError{Op: "open", Path: o.appsFile, Err: fs.ErrPermission})}
		}, []string{"make /etc/ucx/apps.json readable by this user"}, []string{"environment variables"}},
		{"--apps, variable unset", func() (wizardOptions, error) {
			o := wizardOptions{appsFile: write("env.json", app(`,"client_secret_env":"NOPE"`))}
			_, err := flows.LoadCatalog(o.appsFile, none)
			return o, err
		}, []string{"set the environment variables named in these checks"}, []string{"or pass --apps", "correct"}},
		{"--apps, secret file missing", func() (wizardOptions, error) {
			o := wizardOptions{appsFile: write("file.json", app(`,"client_secret_file":"nope.secret"`))}
			_, err := flows.LoadCatalog(o.appsFile, none)
			return o, err
		}, []string{"create the secret file named in these checks"}, []string{"environment variables", "correct"}},
		{"--apps, secret file of two lines", func() (wizardOptions, error) {
			write("two.secret", "a\nb\n")
			o := wizardOptions{appsFile: write("two.json", app(`,"client_secret_file":"two.secret"`))}
			_, err := flows.LoadCatalog(o.appsFile, none)
			return o, err
		}, []string{"put the app's client secret, on one line, in a regular file"}, []string{"environment variables", "correct"}},
		{"--apps, mistakes and an unset variable", func() (wizardOptions, error) {
			o := wizardOptions{appsFile: write("bad.json", app(`,"client_secret_env":"NOPE","colour":"red"`))}
			_, err := flows.LoadCatalog(o.appsFile, none)
			return o, err
		}, []string{"correct " + filepath.Join(dir, "bad.json"), "set the environment variables named in these checks"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := tc.load()
			if err == nil {
				t.Fatal("the catalog loaded")
			}
			ck := catalogCheck(nil, err, o)
			if ck.OK || !ck.Blocking {
				t.Fatalf("check %+v", ck)
			}
			for _, w := range tc.want {
				if !strings.Contains(ck.Fix, w) {
					t.Errorf("fix %q lacks %q", ck.Fix, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(ck.Fix, n) {
					t.Errorf("fix %q has %q", ck.Fix, n)
				}
			}
		})
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
