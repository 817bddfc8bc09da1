package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui"
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

// TestReportDraft: what the engineer is told about the progress when the
// wizard stops early.
func TestReportDraft(t *testing.T) {
	saveErr := errors.New("disk full")
	for _, c := range []struct {
		name string
		res  tui.Result
		want []string
		not  []string
	}{
		{"kept", tui.Result{DraftID: "d1"}, []string{"kept as draft d1", "hint: resume it (drafts in /state) with: ucx-onboard --demo\n"}, []string{"could not"}},
		{"latest lost", tui.Result{DraftID: "d1", DraftSaveErr: saveErr}, []string{"latest progress could not be saved (disk full)", "d1 holds an earlier state", "hint:"}, []string{"kept as"}},
		{"nothing saved", tui.Result{DraftSaveErr: saveErr}, []string{"could not be saved: disk full"}, []string{"hint:", "kept as"}},
		{"nothing to save", tui.Result{}, nil, []string{"draft", "hint:"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stderr bytes.Buffer
			reportDraft(env{stderr: &stderr}, c.res, "/state", "ucx-onboard --demo")
			for _, w := range c.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("lacks %q:\n%s", w, stderr.String())
				}
			}
			for _, n := range c.not {
				if strings.Contains(stderr.String(), n) {
					t.Errorf("has %q:\n%s", n, stderr.String())
				}
			}
		})
	}
}

// TestResumeCommand: the command printed to resume a draft repeats the
// flags given, --demo first, quoted for the shell (POSIX; PowerShell,
// whose form pastes into cmd.exe too); unset flags and environment
// defaults are left out.
func TestResumeCommand(t *testing.T) {
	for _, c := range []struct {
		args      []string
		posix, ps string
	}{
		{nil, "ucx-onboard", ""},
		{[]string{"--demo"}, "ucx-onboard --demo", ""},
		{[]string{"--state-dir", "/tmp/s", "--demo"}, "ucx-onboard --demo --state-dir /tmp/s", ""},
		{[]string{"--state-dir", `C:\Users\Ana Rossi\AppData\Roaming\ucx-onboard`}, `ucx-onboard --state-dir 'C:\Users\Ana Rossi\AppData\Roaming\ucx-onboard'`,
			`ucx-onboard --state-dir "C:\Users\Ana Rossi\AppData\Roaming\ucx-onboard"`},
		{[]string{"--accessible", "--recipient", "age1a", "-recipient", "age1b", "--out", "my bundle.ucxbundle"},
			"ucx-onboard --accessible --out 'my bundle.ucxbundle' --recipient age1a --recipient age1b",
			`ucx-onboard --accessible --out "my bundle.ucxbundle" --recipient age1a --recipient age1b`},
		{[]string{"--webex-url", "http://127.0.0.1:8080", "--apps", `C:\ucx\apps.json`, "--customer", "c.json", "--recipients-file", "k.txt"},
			`ucx-onboard --apps 'C:\ucx\apps.json' --customer c.json --recipients-file k.txt --webex-url http://127.0.0.1:8080`,
			`ucx-onboard --apps C:\ucx\apps.json --customer c.json --recipients-file k.txt --webex-url http://127.0.0.1:8080`},
	} {
		if c.ps == "" {
			c.ps = c.posix
		}
		var o wizardOptions
		fs := wizardFlags(&o, io.Discard, func(k string) string {
			return map[string]string{"UCX_ONBOARD_WEBEX_URL": "http://env.example", "ACCESSIBLE": ""}[k]
		})
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		for sh, want := range map[shell]string{posixShell: c.posix, powerShell: c.ps} {
			if got := resumeCommand(fs, sh); got != want {
				t.Errorf("%q for %v:\n got %s\nwant %s", c.args, sh, got, want)
			}
		}
	}
}

// TestBuildDrafts: --state-dir is used as given (also under --demo), and a
// state directory that cannot be opened leaves the wizard without drafts.
func TestBuildDrafts(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		o       wizardOptions
		wantErr bool
	}{
		{"state dir", wizardOptions{stateDir: filepath.Join(dir, "state")}, false},
		{"demo keeps --state-dir", wizardOptions{demo: true, stateDir: filepath.Join(dir, "demo-state")}, false},
		{"a file", wizardOptions{stateDir: filepath.Join(notDir, "state")}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var deps tui.Deps
			got, err := buildDrafts(&deps, c.o, t.TempDir())
			if got != c.o.stateDir {
				t.Errorf("state dir %q, want %q", got, c.o.stateDir)
			}
			if (err != nil) != c.wantErr || (deps.Drafts == nil) != c.wantErr {
				t.Fatalf("err = %v, drafts set %v; want error %v", err, deps.Drafts != nil, c.wantErr)
			}
		})
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
