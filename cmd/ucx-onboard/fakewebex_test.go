package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows/webextest"
)

// runFake runs "ucx-onboard fake-webex args" with a context already
// canceled: it prints what it prints, then returns at once.
func runFake(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	err = runFakeWebex(ctx, e, args)
	return out.String(), errb.String(), err
}

func TestFakeWebexNextCommand(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		catalog string // --catalog, if any
		want    string // the --apps argument printed
	}{
		{"no --catalog: the name to save it as", "", "--apps demo-apps.json\n"},
		{"--catalog: the path written", filepath.Join(dir, "demo-apps.json"), "--apps " + shellQuote(filepath.Join(dir, "demo-apps.json")) + "\n"},
		{"--catalog with a space: quoted", filepath.Join(dir, "my apps.json"), "--apps " + shellQuote(filepath.Join(dir, "my apps.json")) + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"--addr", "127.0.0.1:0", "--verify-addr", "127.0.0.1:0", "--quiet"}
			if tt.catalog != "" {
				args = append(args, "--catalog", tt.catalog)
			}
			out, _, err := runFake(t, args...)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, "# Then run: ucx-onboard --webex-url http://127.0.0.1:") || !strings.HasSuffix(out, tt.want) {
				t.Errorf("next command not %q:\n%s", tt.want, out)
			}
			// The demo secrets, set in each shell of this platform.
			for _, sh := range envShells(runtime.GOOS) {
				for _, a := range webextest.DemoApps() {
					if line := setEnvLine(sh, a.SecretEnv, a.ClientSecret); !strings.Contains(out, "\n"+line+"\n") {
						t.Errorf("no line %s:\n%s", line, out)
					}
				}
			}
			if !strings.Contains(out, "http://localhost:") || !strings.Contains(out, "/verify\n") {
				t.Errorf("no verification host printed:\n%s", out)
			}
			if tt.catalog != "" {
				b, err := os.ReadFile(tt.catalog)
				if err != nil || !bytes.Equal(b, webextest.DemoCatalogJSON()) {
					t.Errorf("catalog file: %v", err)
				}
			}
		})
	}
}

func TestFakeWebexFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad error shape", []string{"--webex-errors", "soap"}, "--webex-errors"},
		{"bad complete", []string{"--complete", "sometimes"}, "--complete"},
		{"bad people-me", []string{"--people-me", "admin"}, "--people-me"},
		{"bad secret-check", []string{"--secret-check", "never"}, "--secret-check"},
		{"remote verify host", []string{"--verify-addr", "0.0.0.0:0"}, "--verify-addr"},
		{"fractional interval", []string{"--interval", "1500ms"}, "--interval"},
		{"negative latency", []string{"--latency", "-1s"}, "--latency"},
		{"unknown expiry code", []string{"--expired-code", "gone"}, "--expired-code"},
		{"fail without status", []string{"--fail", "/v1/people/me"}, "--fail"},
		{"fail with a final status", []string{"--fail", "/v1/people/me,404"}, "--fail"},
		{"fail with a relative path", []string{"--fail", "v1/people/me,503"}, "--fail"},
		{"fail with a zero count", []string{"--fail", "/v1/people/me,503,0"}, "--fail"},
		{"outage longer than its period", []string{"--outage-at", "1s", "--outage-for", "10s", "--outage-every", "5s"}, "--outage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--addr", "127.0.0.1:0", "--verify-addr", "127.0.0.1:0"}, tt.args...)
			_, _, err := runFake(t, args...)
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want exit 2 naming %s", err, tt.want)
			}
		})
	}
}

// TestFakeWebexOutages: --outage-* start an outage of the given length on
// the server, and say so; --fail and --token-scope parse into the options.
func TestFakeWebexOutages(t *testing.T) {
	srv := webextest.NewServer(webextest.Options{})
	defer srv.Close()
	said := make(chan time.Time, 1)
	stop := scheduleOutages(context.Background(), srv, time.Millisecond, time.Hour, 0, func(until time.Time) { said <- until })
	defer stop()
	until := <-said
	if !until.Equal(srv.OutageUntil()) || time.Until(until) < 59*time.Minute {
		t.Errorf("outage until %v (server: %v), want about an hour from now", until, srv.OutageUntil())
	}
	var o fakeWebexOptions
	fs := fakeWebexFlags(&o, env{stderr: io.Discard})
	if err := fs.Parse([]string{"--token-scope", "--fail", "/v1/device/authorize,429,2,5", "--fail", "/v1/people/me,503"}); err != nil {
		t.Fatal(err)
	}
	want := failFlags{{"/v1/device/authorize", 429, 2, "5"}, {"/v1/people/me", 503, 1, ""}}
	if !o.tokenScope || !slices.Equal(o.fails, want) {
		t.Errorf("parsed %v %+v, want true %+v", o.tokenScope, o.fails, want)
	}
}
