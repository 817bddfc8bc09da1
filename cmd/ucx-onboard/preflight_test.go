package main

// Tests of the preflight (preflight.go), against the fake Webex.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/flows/webextest"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui"
)

// preflightWizard assembles the wizard against base (a fake Webex) with the
// demo catalog in a file, the demo secrets but those in override, and
// returns its preflight checks.
func preflightWizard(t *testing.T, base string, catalog []byte, override map[string]string) []tui.Check {
	t.Helper()
	dir := t.TempDir()
	apps := filepath.Join(dir, "apps.json")
	if err := os.WriteFile(apps, catalog, 0o600); err != nil {
		t.Fatal(err)
	}
	recipient, err := store.GenerateIdentityFile(filepath.Join(dir, "ucx.key"))
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, a := range webextest.DemoApps() {
		vars[a.SecretEnv] = a.ClientSecret
	}
	for k, v := range override {
		vars[k] = v
	}
	e := env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{},
		getenv: func(k string) string { return vars[k] }}
	o := wizardOptions{webexURL: base, appsFile: apps, recipients: stringList{recipient},
		out: filepath.Join(dir, "acme.ucxbundle"), stateDir: filepath.Join(dir, "state"), accessible: true}
	w, err := newWizard(context.Background(), e, o, e.stdout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.close)
	return w.deps.Preflight(context.Background())
}

func findCheck(t *testing.T, checks []tui.Check, name string) tui.Check {
	t.Helper()
	for _, c := range checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no check %q in %+v", name, checks)
	return tui.Check{}
}

// TestPreflightAsksWebex: with one wrong client secret, the preflight has a
// check stopping that app only (AppBlocked, not Blocking) naming the
// variable to fix, and the other apps' secrets are "not rejected" (Webex
// answered pending: no claim that they are right); all in about one
// interval (1 s here), not one per app.
func TestPreflightAsksWebex(t *testing.T) {
	srv := webextest.NewServer(webextest.Options{Integrations: webextest.DemoIntegrations(), Interval: time.Second})
	defer srv.Close()
	apps := webextest.DemoApps()
	bad := apps[3]
	began := time.Now()
	checks := preflightWizard(t, srv.URL, webextest.DemoCatalogJSON(), map[string]string{bad.SecretEnv: "demo-secret-FAKE-wrong"})
	took := time.Since(began)

	if c := findCheck(t, checks, reachabilityCheck); !c.OK {
		t.Errorf("reachability: %+v", c)
	}
	for _, a := range apps {
		c := findCheck(t, checks, appCheckName(a.ID))
		if a.ID == bad.ID {
			if c.OK || c.Blocking || !c.AppBlocked || c.App != bad.ID || !strings.HasPrefix(c.Detail, "secret rejected: fix env "+bad.SecretEnv) ||
				!strings.Contains(c.Fix, bad.SecretEnv) {
				t.Errorf("wrong secret: %+v", c)
			}
			continue
		}
		if !c.OK || !strings.Contains(c.Detail, "secret not proven yet") || strings.Contains(c.Detail, "permissions and secret accepted") {
			t.Errorf("%s: %+v", a.ID, c)
		}
	}
	for _, c := range checks {
		if strings.Contains(fmt.Sprintf("%+v", c), "demo-secret-FAKE-wrong") {
			t.Errorf("check shows the secret: %+v", c)
		}
	}
	// Four apps in parallel: every code is requested before the first
	// poll (one interval later), so the whole takes one interval, not four.
	var lastAuthorize, firstPoll time.Time
	for _, r := range srv.Requests() {
		switch {
		case r.Path == "/v1/device/authorize":
			lastAuthorize = r.At
		case r.Path == "/v1/device/token" && firstPoll.IsZero():
			firstPoll = r.At
		}
	}
	if firstPoll.IsZero() || !lastAuthorize.Before(firstPoll) {
		t.Errorf("last code requested at %v, first poll at %v: not in parallel", lastAuthorize, firstPoll)
	}
	if took > 10*time.Second {
		t.Errorf("preflight took %v", took)
	}
	// Codes were requested but nobody approved one: none was issued.
	if n := len(srv.UserCodes()); n != len(apps) {
		t.Errorf("%d codes requested, want %d", n, len(apps))
	}
	if n := len(srv.Issued()); n != 0 {
		t.Errorf("%d tokens issued", n)
	}
}

// TestPreflightRefusedScope: a catalog asking for a scope the integration
// does not hold stops that app (not the wizard), naming the app and the
// catalog field.
func TestPreflightRefusedScope(t *testing.T) {
	srv := webextest.NewServer(webextest.Options{Integrations: webextest.DemoIntegrations(), Interval: time.Second})
	defer srv.Close()
	apps := webextest.DemoApps()
	presence := apps[1]
	catalog := withExtraScope(t, webextest.DemoCatalogJSON(), presence.ID, "spark-admin:not_held")
	checks := preflightWizard(t, srv.URL, catalog, nil)
	for _, a := range apps {
		c := findCheck(t, checks, appCheckName(a.ID))
		if a.ID != presence.ID {
			if !c.OK {
				t.Errorf("%s: %+v", a.ID, c)
			}
			continue
		}
		if c.OK || c.Blocking || !c.AppBlocked || c.App != presence.ID || !strings.Contains(c.Detail, "Webex refuses its") || !strings.Contains(c.Detail, "scopes") ||
			!strings.Contains(c.Fix, "scopes of app "+presence.ID) {
			t.Errorf("refused scope: %+v", c)
		}
	}
}

// TestPreflightUnreachable: a Webex that cannot be reached leaves every app
// "not verified", a warning: nothing of it blocks, and the checks end as
// soon as the ping fails, not after the retry budget.
func TestPreflightUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + l.Addr().String()
	l.Close() // connection refused from now on
	began := time.Now()
	checks := preflightWizard(t, base, webextest.DemoCatalogJSON(), nil)
	if took := time.Since(began); took > 10*time.Second {
		t.Errorf("preflight took %v", took)
	}
	if c := findCheck(t, checks, reachabilityCheck); c.OK || c.Blocking {
		t.Errorf("reachability: %+v", c)
	} else if !strings.HasPrefix(c.Detail, "Webex cannot be reached (") || strings.Contains(c.Detail, ".).") ||
		strings.Contains(c.Detail, "flows:") || strings.Contains(c.Detail, "dial tcp") || strings.Contains(c.Detail, "connect:") {
		// In plain words (wizard.ErrorText), not the chain of calls
		// ("flows: webex API unreachable: …: dial tcp …: connect: …");
		// the system's last words differ (Windows: "Connection refused.").
		t.Errorf("reachability detail %q", c.Detail)
	}
	for _, a := range webextest.DemoApps() {
		c := findCheck(t, checks, appCheckName(a.ID))
		if c.OK || c.Blocking || c.Detail != "not checked: Webex cannot be reached (see above)" {
			t.Errorf("%s: %+v", a.ID, c)
		}
	}
}

// TestVerifyCheckWording: every outcome of Verify gets a check that says
// what it means; only a refused client or a rejected secret blocks.
func TestVerifyCheckWording(t *testing.T) {
	app := flows.App{ID: "cdr", Name: "Call Analytics CDRs", ClientID: "C2b09", SecretSource: "file /etc/ucx/cdr.secret"}
	werr := &flows.WebexError{Status: 400, Code: "invalid_grant", Message: "The device code is invalid.", TrackingID: "ROUTER_9"}
	tests := []struct {
		name         string
		res          flows.VerifyResult
		err          error
		pingFailed   bool
		ok, blocking bool // blocking: this app cannot be authorized (AppBlocked); never the wizard
		detail, fix  string
	}{
		{"accepted", flows.VerifyResult{Outcome: flows.VerifyAccepted}, nil, false, true, false, "client ID and permissions accepted; secret not proven yet", ""},
		{"approved", flows.VerifyResult{Outcome: flows.VerifyApproved}, nil, false, true, false, "client ID, permissions and secret accepted", ""},
		{"client_id refused", flows.VerifyResult{Outcome: flows.VerifyClientRefused, Field: "client_id", Err: werr}, nil, false, false, true,
			"Webex refuses its client ID", "correct client_id of app cdr in apps.json: the integration ID is C2b09"},
		{"either refused", flows.VerifyResult{Outcome: flows.VerifyClientRefused, Field: "client_id/scopes", Err: werr}, nil, false, false, true,
			"Webex refuses its client ID or permissions (scopes) (HTTP 400 invalid_grant: The device code is invalid.)", "check client_id (C2b09) and scopes of app cdr in apps.json"},
		{"secret rejected", flows.VerifyResult{Outcome: flows.VerifySecretRejected, Field: "client_secret_file", SecretSource: app.SecretSource,
			Err: &flows.WebexError{Status: 401, Code: "invalid_client", Message: "Client authentication failed.", TrackingID: "ROUTER_9"}}, nil, false, false, true,
			"secret rejected: fix file /etc/ucx/cdr.secret (HTTP 401 invalid_client)", "put the app's client secret in file /etc/ucx/cdr.secret and start again"},
		{"unreachable", flows.VerifyResult{Outcome: flows.VerifyUnreachable, Err: fmt.Errorf("flows: cdr: start: %w: timeout", flows.ErrUnreachable)}, nil, false, false, false,
			"not verified: no usable answer from Webex (webex API unreachable: timeout)", "press r"},
		{"denied", flows.VerifyResult{Outcome: flows.VerifyDenied}, nil, false, false, false, "access denied", "Control Hub"},
		{"unexpected", flows.VerifyResult{Outcome: flows.VerifyUnexpected, Err: werr}, nil, false, false, false, "unexpected answer (HTTP 400 invalid_grant: The device code is invalid.)", "press r"},
		{"ping failed", flows.VerifyResult{}, context.Canceled, true, false, false, "not checked: Webex cannot be reached (see above)", ""},
		{"ping failed, Start gave up", flows.VerifyResult{Outcome: flows.VerifyUnreachable}, nil, true, false, false, "not checked: Webex cannot be reached (see above)", ""},
		{"timeout", flows.VerifyResult{}, context.DeadlineExceeded, false, false, false, "did not answer within", "press r"},
		{"not checkable", flows.VerifyResult{}, errors.New("flows: cdr: verify: app has no scopes"), false, false, false, "not checked: app has no scopes", "press r"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := verifyCheck(app, tc.res, tc.err, tc.pingFailed, "apps.json")
			if c.Name != appCheckName("cdr") || c.OK != tc.ok || c.Blocking || c.AppBlocked != tc.blocking || (c.App == "cdr") != tc.blocking ||
				!strings.Contains(c.Detail, tc.detail) || !strings.Contains(c.Fix, tc.fix) || (tc.fix == "") != (c.Fix == "") {
				t.Errorf("check %+v\nwant ok=%v blocking=%v detail ...%s... fix ...%s...", c, tc.ok, tc.blocking, tc.detail, tc.fix)
			}
			// What stops an app is the catalog or a secret, both read at
			// start: the screen must not promise that r sees a fix.
			if c.AtStart != tc.blocking {
				t.Errorf("AtStart = %v, want %v (app blocked)", c.AtStart, tc.blocking)
			}
			// The explanation of "accepted" and "not proven yet" is said once
			// below the checks (Note), not on every app's line.
			wantNote := map[flows.VerifyOutcome]string{flows.VerifyAccepted: pendingNote, flows.VerifyApproved: approvedNote}[tc.res.Outcome]
			if tc.err != nil || tc.pingFailed {
				wantNote = ""
			}
			if c.Note != wantNote || strings.Contains(c.Detail, "test code") && tc.res.Outcome != flows.VerifyDenied {
				t.Errorf("note %q, detail %q; want note %q and the detail without it", c.Note, c.Detail, wantNote)
			}
			if strings.Contains(c.Detail, "permissions and secret accepted") != (tc.res.Outcome == flows.VerifyApproved) {
				t.Errorf("detail %q: \"permissions and secret accepted\" only when Webex issued a token", c.Detail)
			}
		})
	}
}

// TestPreflightAccessible: the accessible front-end shows the same Webex
// checks; a rejected secret stops that app only there too.
func TestPreflightAccessible(t *testing.T) {
	srv, dir, apps, vars, bad := wrongSecretSetup(t)
	var stdout, stderr bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return vars[k] }}
	code := run(context.Background(), e, []string{"--accessible", "--webex-url", srv.URL, "--apps", apps,
		"--out", filepath.Join(dir, "acme.ucxbundle"), "--state-dir", filepath.Join(dir, "state")})
	if code != exitAborted {
		t.Fatalf("exit %d, want %d (input ended in the form)\n%s\n%s", code, exitAborted, stdout.String(), stderr.String())
	}
	out := stdout.String()
	want := "- " + appCheckName(bad.ID) + ": this app cannot be authorized. secret rejected: fix env " + bad.SecretEnv
	if !strings.Contains(out, want) {
		t.Errorf("no line %q in:\n%s", want, out)
	}
	if want := "One app cannot be authorized; the others can be authorized."; !strings.Contains(out, want) {
		t.Errorf("no line %q in:\n%s", want, out)
	}
	for _, a := range webextest.DemoApps()[1:] {
		if line := "- " + appCheckName(a.ID) + ": ok. client ID and permissions accepted; secret not proven yet"; !strings.Contains(out, line) {
			t.Errorf("no line %q in:\n%s", line, out)
		}
	}
	if strings.Contains(out, "permissions and secret accepted") {
		t.Errorf("the preflight claims a secret OK on a pending answer:\n%s", out)
	}
	if strings.Contains(out+stderr.String(), "demo-secret-FAKE-wrong") {
		t.Error("the secret is in the output")
	}
}

// withExtraScope returns the catalog JSON with scope added to app id's scopes.
func withExtraScope(t *testing.T, catalog []byte, id, scope string) []byte {
	t.Helper()
	var c map[string]any
	if err := json.Unmarshal(catalog, &c); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range c["apps"].([]any) {
		app := a.(map[string]any)
		if app["id"] == id {
			app["scopes"] = append(app["scopes"].([]any), scope)
			found = true
		}
	}
	if !found {
		t.Fatalf("no app %s in the catalog", id)
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// wrongSecretSetup starts a fake Webex with the demo integrations and
// writes the demo catalog in a temporary folder; vars hold every demo
// secret but a wrong one for the first app (bad).
func wrongSecretSetup(t *testing.T) (srv *webextest.Server, dir, apps string, vars map[string]string, bad webextest.DemoApp) {
	t.Helper()
	srv = webextest.NewServer(webextest.Options{Integrations: webextest.DemoIntegrations(), Interval: time.Second})
	t.Cleanup(srv.Close)
	dir = t.TempDir()
	apps = filepath.Join(dir, "apps.json")
	if err := os.WriteFile(apps, webextest.DemoCatalogJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	vars = map[string]string{}
	for _, a := range webextest.DemoApps() {
		vars[a.SecretEnv] = a.ClientSecret
	}
	bad = webextest.DemoApps()[0]
	vars[bad.SecretEnv] = "demo-secret-FAKE-wrong"
	return srv, dir, apps, vars, bad
}

// TestPreflightMissingSecret: an unset secret variable stops its app only:
// the catalog check warns (not blocking), the app's check says it cannot
// be authorized and which variable to set, and no code is asked for it;
// the other apps are checked with Webex as usual.
func TestPreflightMissingSecret(t *testing.T) {
	srv := webextest.NewServer(webextest.Options{Integrations: webextest.DemoIntegrations(), Interval: time.Second})
	defer srv.Close()
	apps := webextest.DemoApps()
	bad := apps[2]
	checks := preflightWizard(t, srv.URL, webextest.DemoCatalogJSON(), map[string]string{bad.SecretEnv: ""})
	cat := findCheck(t, checks, "App catalog and client secrets")
	if cat.OK || cat.Blocking || !strings.Contains(cat.Detail, "1 without a client secret cannot be authorized") || strings.Contains(cat.Detail, bad.SecretEnv) {
		// The app's own check names the variable: said once.
		t.Errorf("catalog check %+v", cat)
	}
	for _, c := range checks {
		if c.Blocking && !c.OK {
			t.Errorf("a check blocks the wizard: %+v", c)
		}
	}
	for _, a := range apps {
		c := findCheck(t, checks, appCheckName(a.ID))
		if a.ID != bad.ID {
			if !c.OK {
				t.Errorf("%s: %+v", a.ID, c)
			}
			continue
		}
		if c.OK || !c.AppBlocked || c.App != bad.ID || c.Detail != "secret missing: fix env "+bad.SecretEnv || !strings.Contains(c.Fix, "go on without this app") {
			t.Errorf("missing secret: %+v", c)
		}
	}
	for _, r := range srv.Requests() {
		if r.ClientID == bad.ClientID {
			t.Errorf("%s %s asked for the app without a secret", r.Method, r.Path)
		}
	}
}

// TestPreflightSecretCheckedAtRedemption: against a Webex that checks the
// client secret only at redemption, a wrong secret gets "pending" like a
// right one: the preflight says "secret not proven yet" for every app, right
// or wrong, and never that a secret is OK; nothing stops.
func TestPreflightSecretCheckedAtRedemption(t *testing.T) {
	srv := webextest.NewServer(webextest.Options{Integrations: webextest.DemoIntegrations(), Interval: time.Second,
		SecretCheck: webextest.SecretAtRedemption})
	defer srv.Close()
	apps := webextest.DemoApps()
	checks := preflightWizard(t, srv.URL, webextest.DemoCatalogJSON(), map[string]string{apps[0].SecretEnv: "demo-secret-FAKE-wrong"})
	for _, c := range checks {
		if strings.Contains(c.Detail, "permissions and secret accepted") || !c.OK && (c.Blocking || c.AppBlocked) {
			t.Errorf("check %+v", c)
		}
	}
	for _, a := range apps {
		if c := findCheck(t, checks, appCheckName(a.ID)); !strings.Contains(c.Detail, "secret not proven yet") {
			t.Errorf("%s: %+v", a.ID, c)
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
