package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/flows/webextest"
	"github.com/imagicle/ucx-onboard/tui"
)

// secretMarkers are what no log may hold: the fake's tokens and device
// codes, and its client secrets (right and wrong).
func secretMarkers() []string {
	m := []string{"tok-FAKE-", "ref-FAKE-", "dc-FAKE-", "demo-secret-FAKE-"}
	for _, a := range webextest.DemoApps() {
		m = append(m, a.ClientSecret)
	}
	return m
}

func checkLogClean(t *testing.T, log string) {
	t.Helper()
	for _, s := range secretMarkers() {
		if strings.Contains(log, s) {
			t.Errorf("the debug log holds %q:\n%s", s, log)
		}
	}
}

// TestDebugLogAccessibleRun: --debug on a run the preflight blocks (the
// bundle's name is taken; one app's secret is wrong, which stops that app
// only) keeps the failed checks with Webex's answer in a 0600 log in the
// state folder, names the log on stderr, and holds no secret although the
// preflight asked Webex for codes with every secret.
func TestDebugLogAccessibleRun(t *testing.T) {
	srv, dir, apps, vars, bad := wrongSecretSetup(t)
	if err := os.WriteFile(filepath.Join(dir, "acme.ucxbundle"), []byte("taken"), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	var stdout, stderr bytes.Buffer
	e := env{stdin: strings.NewReader("q\n"), stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return vars[k] }}
	code := run(context.Background(), e, []string{"--accessible", "--debug", "--webex-url", srv.URL, "--apps", apps,
		"--out", filepath.Join(dir, "acme.ucxbundle"), "--state-dir", state})
	if code != exitAborted { // q: stopped by the engineer, a check failing or not
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitAborted, stdout.String(), stderr.String())
	}
	path := filepath.Join(state, debugLogName)
	if !strings.Contains(stderr.String(), "debug log: "+path+"\n") {
		t.Errorf("stderr does not name the log:\n%s", stderr.String())
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("log mode %v, want 0600", fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	for _, want := range []string{"level=ERROR msg=check", `check="` + appCheckName(bad.ID) + `"`, "secret rejected", "msg=run", "stopped at the preflight checks",
		// The shapes of the preflight's exchanges with Webex.
		`level=INFO msg="webex exchange" method=POST path=/v1/device/authorize`, `path=/v1/device/token`, "status=428", "status=401"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	checkLogClean(t, log)
	for _, uc := range srv.UserCodes() {
		if strings.Contains(log, uc) {
			t.Errorf("the log holds the user code %s:\n%s", uc, log)
		}
	}
}

// TestDebugLogAuthorizer: the device grant's errors go to the log with
// their full chain (the app, the sentinel's words, Webex's trackingId);
// a grant's tokens and the device code never do.
func TestDebugLogAuthorizer(t *testing.T) {
	srv := webextest.NewServer(webextest.Options{Integrations: webextest.DemoIntegrations(), Interval: time.Second})
	defer srv.Close()
	client, err := flows.NewClient(flows.Config{BaseURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	l, err := openDebugLog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := loggingAuthorizer{Authorizer: client, log: l}
	cat, err := flows.ParseCatalog(bytes.NewReader(webextest.DemoCatalogJSON()), "", demoGetenv(func(string) string { return "" }))
	if err != nil {
		t.Fatal(err)
	}
	app := func(i int) flows.App { return cat.Apps[i] }
	ctx := context.Background()
	for i, act := range []func(string) error{srv.Deny, srv.Approve} {
		dc, err := a.Start(ctx, app(i), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := act(dc.UserCode); err != nil {
			t.Fatal(err)
		}
		g, err := a.Wait(ctx, app(i), dc, nil)
		if i == 0 && !errors.Is(err, flows.ErrDenied) {
			t.Fatalf("wait after deny: %v", err)
		}
		if i == 1 {
			if err != nil {
				t.Fatal(err)
			}
			a.Approver(ctx, app(i), g, nil)
		}
	}
	l.Close()
	b, err := os.ReadFile(l.path)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	if !strings.Contains(log, "msg=wait") || !strings.Contains(log, "app="+cat.Apps[0].ID) || !strings.Contains(strings.ToLower(log), "denied") {
		t.Errorf("the denial is not logged:\n%s", log)
	}
	if strings.Count(log, "\n") != 1 {
		t.Errorf("want one line (the denial; the approval and its identity check succeed):\n%s", log)
	}
	checkLogClean(t, log)
}

// TestDebugLogKeepsCriticalPath: --debug wraps the wizard's Authorizer,
// and the wrapper hands Approver and OrgFacts (the background org reads)
// on to the client, logging their failures.
func TestDebugLogKeepsCriticalPath(t *testing.T) {
	client, err := flows.NewClient(flows.Config{BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	l, err := openDebugLog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	deps := tui.Deps{Authorizer: client}
	withDebugLog(&deps, l)
	if _, ok := deps.Authorizer.(loggingAuthorizer); !ok {
		t.Fatalf("Authorizer is %T, want the logging wrapper", deps.Authorizer)
	}
	app := flows.App{ID: "users"}
	// A grant without an access token: both fail at once, offline.
	if _, err := deps.Authorizer.Approver(context.Background(), app, flows.Grant{}, nil); err == nil {
		t.Error("Approver of an empty grant: no error")
	}
	if _, err := deps.Authorizer.OrgFacts(context.Background(), app, flows.Grant{}, "org", nil); err == nil {
		t.Error("OrgFacts of an empty grant: no error")
	}
	l.Close()
	b, err := os.ReadFile(l.path)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	for _, want := range []string{`msg="identify approver"`, `msg="read org"`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
	checkLogClean(t, log)
}
