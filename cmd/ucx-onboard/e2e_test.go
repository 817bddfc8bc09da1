//go:build !windows

package main

// End-to-end tests: the built binary in a real (pseudo) terminal against the
// fake Webex, driven by keys as an engineer would, then the bundle opened
// with `ucx-onboard open` and compared with the tokens the fake issued.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows/webextest"
	"github.com/imagicle/ucx-onboard/store"
)

// screenTimeout bounds each wait for a screen; polls happen every second.
const screenTimeout = 30 * time.Second

// e2e is one engineer's workplace: a fake Webex, a catalog, a customer
// file, a UCX identity, an output path and a state directory.
type e2e struct {
	t        *testing.T
	srv      *webextest.Server
	dir      string
	identity string
	out      string
	env      []string
	args     []string
	seen     int             // device codes issued before the apps' (the preflight's)
	handled  map[string]bool // the apps' device codes the test has handled so far
}

func newE2E(t *testing.T) *e2e { return newE2EWith(t, nil) }

// newE2EWith is newE2E with the fake's options changed by opts (nil: as
// they are), e.g. to play another reading of what Webex leaves open.
func newE2EWith(t *testing.T, opts func(*webextest.Options)) *e2e {
	t.Helper()
	o := webextest.Options{
		Integrations: webextest.DemoIntegrations(),
		Interval:     time.Second,
		Org:          webextest.Org{ID: "org-acme", Name: "Acme Corp", Users: 120},
		Approver: webextest.Person{ID: "p-admin", Email: "admin@acme.example", DisplayName: "Ada Admin",
			OrgID: "org-acme", Roles: []string{webextest.FullAdminRole}},
	}
	if opts != nil {
		opts(&o)
	}
	srv := webextest.NewServer(o)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	x := &e2e{t: t, srv: srv, dir: dir, identity: filepath.Join(dir, "ucx.key"), out: filepath.Join(dir, "acme.ucxbundle")}
	recipient, err := store.GenerateIdentityFile(x.identity)
	if err != nil {
		t.Fatal(err)
	}
	catalog := filepath.Join(dir, "apps.json")
	writeFile(t, catalog, string(webextest.DemoCatalogJSON()))
	for _, a := range webextest.DemoApps() {
		x.env = append(x.env, a.SecretEnv+"="+a.ClientSecret)
	}
	customer := filepath.Join(dir, "customer.json")
	writeFile(t, customer, `{"company":"Acme Corp","admin_email":"admin@acme.example","deployment":"cloud",
		"ucx_host":"","engineer":"Erin Engineer","notes":"e2e"}`)
	x.args = []string{"--webex-url", srv.URL, "--apps", catalog, "--customer", customer,
		"--recipient", recipient, "--out", x.out, "--state-dir", filepath.Join(dir, "state")}
	return x
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// start runs the wizard at 100x30.
func (x *e2e) start() *terminal {
	return startTerminal(x.t, 100, 30, x.env, x.args...)
}

// setEnv sets the variable name, which x.env already has, to value.
func (x *e2e) setEnv(name, value string) {
	for i, kv := range x.env {
		if strings.HasPrefix(kv, name+"=") {
			x.env[i] = name + "=" + value
		}
	}
}

// passChecks waits for the preflight to pass and goes on. The codes the
// preflight requested from the fake (to check each app's credentials;
// never shown) are all issued by then: they do not count as the apps'.
func (x *e2e) passChecks(term *terminal) {
	x.t.Helper()
	term.WaitFor(screenTimeout, "All set")
	x.seen = len(x.srv.UserCodes())
	term.Type(keyEnter)
}

// throughCustomer passes the preflight and confirms the prefilled customer
// data and the app selection.
func (x *e2e) throughCustomer(term *terminal) {
	x.t.Helper()
	x.passChecks(term)
	x.throughForm(term)
}

// throughForm confirms the prefilled customer data and the app selection.
func (x *e2e) throughForm(term *terminal) {
	x.t.Helper()
	term.WaitFor(screenTimeout, "Company", "Acme Corp")
	for range 6 { // company, email, deployment, host, engineer, notes
		term.Type(keyEnter)
	}
	term.WaitFor(screenTimeout, "Apps to authorize", "4 of 4 selected")
	term.Type(keyEnter)
}

// currentCode waits for the authorization screen of app n showing a device
// code the test has not handled yet, and returns its user code. The code
// shown is not always the last one issued: the wizard asks for the next
// app's code while the current one is pending.
func (x *e2e) currentCode(term *terminal, n int) string {
	x.t.Helper()
	term.WaitFor(screenTimeout, fmt.Sprintf("Authorize app %d of 4", n))
	if x.handled == nil {
		x.handled = map[string]bool{}
	}
	var code string
	deadline := time.Now().Add(screenTimeout)
	for {
		screen := term.Screen()
		for _, c := range x.srv.UserCodes()[x.seen:] {
			if !x.handled[c] && regexp.MustCompile(`Code\s+`+regexp.QuoteMeta(c)+`\b`).MatchString(screen) {
				code = c
			}
		}
		if code != "" {
			x.handled[code] = true
			break
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("no new device code for app %d; screen:\n%s", n, term.Screen())
		}
		// The screen changes when the code arrives; a screen that stops
		// changing must not block past the deadline.
		select {
		case <-term.updates:
		case <-time.After(time.Until(deadline) + time.Millisecond):
		}
	}
	term.WaitFor(screenTimeout, code)
	return code
}

// approve approves app n's current code as the customer's admin would.
func (x *e2e) approve(term *terminal, n int) {
	x.t.Helper()
	code := x.currentCode(term, n)
	if err := x.srv.Approve(code); err != nil {
		x.t.Fatalf("approve app %d (%s): %v", n, code, err)
	}
}

// complete presses COMPLETE REQUEST and leaves the done screen.
func (x *e2e) complete(term *terminal) {
	x.t.Helper()
	term.WaitFor(screenTimeout, "COMPLETE REQUEST")
	term.Type(keyEnter)
	term.WaitFor(screenTimeout, "Bundle written", "SHA-256")
	term.Type(keyEnter)
	if code := term.Wait(screenTimeout); code != 0 {
		x.t.Fatalf("wizard exited %d", code)
	}
}

// openedTokens runs `ucx-onboard open` on the bundle and returns
// client_id -> access token, refresh token.
func (x *e2e) openedTokens() map[string][2]string {
	x.t.Helper()
	cmd := exec.Command(builtBinary(x.t), "open", x.out, "-i", x.identity)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		x.t.Fatalf("open: %v\n%s", err, stderr.String())
	}
	var b struct {
		Format string
		Apps   []struct {
			ClientID     string `json:"client_id"`
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
		}
	}
	if err := json.Unmarshal(out, &b); err != nil {
		x.t.Fatalf("open printed no bundle JSON: %v\n%s", err, out)
	}
	got := map[string][2]string{}
	for _, a := range b.Apps {
		got[a.ClientID] = [2]string{a.AccessToken, a.RefreshToken}
	}
	return got
}

// issuedTokens is what the fake handed out, by client ID.
func (x *e2e) issuedTokens() map[string][2]string {
	want := map[string][2]string{}
	for _, it := range x.srv.Issued() {
		want[it.ClientID] = [2]string{it.AccessToken, it.RefreshToken}
	}
	return want
}

func (x *e2e) checkBundleHoldsIssuedTokens() {
	x.t.Helper()
	got, want := x.openedTokens(), x.issuedTokens()
	if len(want) != 4 {
		x.t.Fatalf("the fake issued tokens to %d apps, want 4", len(want))
	}
	for id, w := range want {
		if got[id] != w {
			x.t.Errorf("bundle tokens for %s differ from the ones the fake issued", id)
		}
	}
	if len(got) != len(want) {
		x.t.Errorf("bundle holds %d apps, want %d: %v", len(got), len(want), keys(got))
	}
}

func keys(m map[string][2]string) []string {
	var k []string
	for id := range m {
		k = append(k, id)
	}
	sort.Strings(k)
	return k
}

// noTokenOnScreen fails if any issued token is visible.
func (x *e2e) noTokenOnScreen(screen string) {
	x.t.Helper()
	for _, it := range x.srv.Issued() {
		if strings.Contains(screen, it.AccessToken) || strings.Contains(screen, it.RefreshToken) {
			x.t.Fatal("a token is on the screen")
		}
	}
}

func TestE2EHappyPath(t *testing.T) {
	t.Parallel()
	x := newE2E(t)
	term := x.start()
	x.throughCustomer(term)
	for n := 1; n <= 4; n++ {
		x.approve(term, n)
	}
	x.noTokenOnScreen(term.WaitFor(screenTimeout, "COMPLETE REQUEST", "Ada Admin"))
	x.complete(term)
	x.checkBundleHoldsIssuedTokens()
	if _, err := os.Stat(x.out + ".receipt.txt"); err != nil {
		t.Errorf("no receipt: %v", err)
	}
}

func TestE2EQuitAndResume(t *testing.T) {
	t.Parallel()
	x := newE2E(t)
	term := x.start()
	x.throughCustomer(term)
	x.approve(term, 1)
	x.approve(term, 2)
	x.currentCode(term, 3)
	term.Type("q")
	term.WaitFor(screenTimeout, "Quit ucx-onboard?", "kept as a draft (2 apps authorized)")
	term.Type("y")
	if code := term.Wait(screenTimeout); code != exitAborted {
		t.Fatalf("quit exited %d, want %d", code, exitAborted)
	}
	if _, err := os.Stat(x.out); err == nil {
		t.Fatal("a bundle was written although the engineer quit")
	}

	// Start again: the draft is offered, the two approvals are kept.
	term = x.start()
	x.passChecks(term)
	term.WaitFor(screenTimeout, "Resume", "Acme Corp")
	term.Type(keyEnter)
	for screen := term.Screen(); !strings.Contains(screen, "Authorize app 3 of 4"); screen = term.Screen() {
		// Confirm whatever comes between the resume offer and app 3
		// (preflight, the prefilled form, the app selection).
		switch {
		case strings.Contains(screen, "Authorize app 1 of 4"), strings.Contains(screen, "Authorize app 2 of 4"):
			t.Fatalf("an approved app is asked again:\n%s", screen)
		case strings.Contains(screen, "All set"), strings.Contains(screen, "Apps to authorize"),
			strings.Contains(screen, "Company"):
			term.Type(keyEnter)
		}
		select {
		case <-term.updates:
		case <-time.After(screenTimeout):
			t.Fatalf("stuck after resume:\n%s", term.Screen())
		}
	}
	code := x.currentCode(term, 3)
	if err := x.srv.Approve(code); err != nil {
		t.Fatal(err)
	}
	x.approve(term, 4)
	x.complete(term)
	x.checkBundleHoldsIssuedTokens()
}

func TestE2EDeniedAndExpiredRecovered(t *testing.T) {
	t.Parallel()
	x := newE2E(t)
	term := x.start()
	x.throughCustomer(term)

	// App 1: the org's policy denies it; the remedy names the integration.
	first := x.currentCode(term, 1)
	if err := x.srv.Deny(first); err != nil {
		t.Fatal(err)
	}
	clientID := webextest.DemoApps()[0].ClientID
	term.WaitFor(screenTimeout, "Control Hub", clientID[:20])
	term.Type("r")
	code := x.currentCode(term, 1)
	if err := x.srv.Approve(code); err != nil {
		t.Fatal(err)
	}

	// App 2: the code expires; a fresh one replaces it on the same screen.
	expired := x.currentCode(term, 2)
	if err := x.srv.Expire(expired); err != nil {
		t.Fatal(err)
	}
	fresh := x.currentCode(term, 2)
	if fresh == expired {
		t.Fatal("no fresh code after expiry")
	}
	if err := x.srv.Approve(fresh); err != nil {
		t.Fatal(err)
	}
	x.approve(term, 3)
	x.approve(term, 4)
	x.complete(term)
	x.checkBundleHoldsIssuedTokens()
}

// TestE2EPreflightWrongSecret: a wrong client secret is found by the
// preflight, before the customer is involved: the ✗ line names the
// variable to fix and says that app cannot be authorized; the secret
// never shows; Enter goes on with the other three apps (no key but
// Enter), and the review and the bundle list the fourth as not done.
func TestE2EPreflightWrongSecret(t *testing.T) {
	t.Parallel()
	x := newE2E(t)
	bad := webextest.DemoApps()[3]
	x.setEnv(bad.SecretEnv, "demo-secret-FAKE-wrong")
	term := x.start()
	screen := term.WaitFor(screenTimeout, "✗", "secret rejected: fix env", bad.SecretEnv, "One app cannot be authorized")
	for _, a := range webextest.DemoApps()[:3] {
		if line := lineWith(screen, appCheckName(a.ID)+" "); !strings.Contains(line, "secret not proven yet") {
			t.Errorf("app %s not shown as accepted:\n%s", a.ID, screen)
		}
	}
	if strings.Contains(screen, "demo-secret-FAKE-wrong") || strings.Contains(screen, "permissions and secret accepted") {
		t.Errorf("the secret, or a claim it was checked, is on the screen:\n%s", screen)
	}
	x.seen = len(x.srv.UserCodes())
	term.Type(keyEnter)
	x.throughForm(term)
	for n := 1; n <= 3; n++ {
		x.approve(term, n)
	}
	review := term.WaitFor(screenTimeout, "COMPLETE REQUEST", "cannot be authorized")
	if strings.Contains(review, "Authorize app 4") {
		t.Errorf("the blocked app was asked:\n%s", review)
	}
	x.complete(term)
	got := x.openedTokens()
	if len(got) != 3 || got[bad.ClientID] != ([2]string{}) {
		t.Errorf("bundle apps %v, want the three others", keys(got))
	}
	_, warnings := x.bundleApprovers()
	listed := false
	for _, w := range warnings {
		listed = listed || strings.Contains(w, "cannot be authorized") && strings.Contains(w, bad.SecretEnv)
	}
	if !listed {
		t.Errorf("the bundle does not list %s as not done: %q", bad.ID, warnings)
	}
}

// TestE2ESecretCheckedAtRedemption: against a Webex that checks the
// client secret only when an approved code is redeemed, the preflight
// never says the secret is OK; the wrong secret of app 4 is refused after
// the admin approved, the engineer types the right one in the masked
// prompt, and the same code is redeemed: one code, one approval, four
// tokens in the bundle.
func TestE2ESecretCheckedAtRedemption(t *testing.T) {
	t.Parallel()
	x := newE2EWith(t, func(o *webextest.Options) { o.SecretCheck = webextest.SecretAtRedemption })
	bad := webextest.DemoApps()[3]
	x.setEnv(bad.SecretEnv, "demo-secret-FAKE-wrong")
	term := x.start()
	screen := term.WaitFor(screenTimeout, "All set")
	if strings.Contains(screen, "permissions and secret accepted") || strings.Count(screen, "secret not proven yet") != 4 {
		t.Errorf("the preflight claims more than it saw:\n%s", screen)
	}
	x.seen = len(x.srv.UserCodes())
	term.Type(keyEnter)
	x.throughForm(term)
	for n := 1; n <= 4; n++ {
		x.approve(term, n)
	}
	term.WaitFor(screenTimeout, "Client secret rejected", "redeem the same code", "Client secret")
	term.Type(bad.ClientSecret)
	if s := term.Screen(); strings.Contains(s, bad.ClientSecret) {
		t.Fatalf("the typed secret is on the screen:\n%s", s)
	}
	term.Type(keyEnter)
	x.complete(term)
	x.checkBundleHoldsIssuedTokens()
	codes := 0
	for _, r := range x.srv.Requests() {
		if r.Path == "/v1/device/authorize" && r.ClientID == bad.ClientID {
			codes++
		}
	}
	if codes != 2 { // the preflight's, and the one the admin approved
		t.Errorf("%d device codes for %s, want 2 (preflight, then one approved)", codes, bad.ID)
	}
}

// TestE2EScopesLimitWhatIsChecked runs the happy path with a catalog in
// which users-sync lacks spark-admin:organizations_read and no app holds
// spark-admin:people_read, against the strict fake (each call checks its
// scope, Webex-shaped 403s): every approval succeeds, the org's name comes
// from an app that may read it, and the review and the bundle say the
// size could not be checked, and why.
func TestE2EScopesLimitWhatIsChecked(t *testing.T) {
	t.Parallel()
	x := newE2E(t)
	var c map[string]any
	if err := json.Unmarshal(webextest.DemoCatalogJSON(), &c); err != nil {
		t.Fatal(err)
	}
	for _, a := range c["apps"].([]any) {
		app := a.(map[string]any)
		var keep []any
		for _, s := range app["scopes"].([]any) {
			if s == "spark-admin:people_read" || s == "spark-admin:organizations_read" && app["id"] == "users-sync" {
				continue
			}
			keep = append(keep, s)
		}
		app["scopes"] = keep
	}
	catalog, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(x.dir, "apps.json"), string(catalog))

	term := x.start()
	x.throughCustomer(term)
	for n := 1; n <= 4; n++ {
		x.approve(term, n)
	}
	screen := term.WaitFor(screenTimeout, "COMPLETE REQUEST", "Ada Admin")
	x.noTokenOnScreen(screen)
	if flat := strings.Join(strings.Fields(screen), " "); !strings.Contains(flat, "Acme Corp") ||
		!strings.Contains(flat, "size could not be checked") {
		t.Errorf("the review does not say the size is unchecked, or lacks the org's name:\n%s", screen)
	}
	x.complete(term)
	x.checkBundleHoldsIssuedTokens()

	out, err := exec.Command(builtBinary(t), "open", x.out, "-i", x.identity).Output()
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	var b struct {
		Org struct {
			ID        string `json:"id"`
			Name      string `json:"name"`
			UserCount int    `json:"user_count"`
		} `json:"org"`
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatal(err)
	}
	if b.Org.ID != "org-acme" || b.Org.Name != "Acme Corp" || b.Org.UserCount != 0 {
		t.Errorf("bundle org = %+v, want org-acme, Acme Corp, size unknown (0)", b.Org)
	}
	warned := false
	for _, w := range b.Warnings {
		warned = warned || strings.Contains(w, "size could not be checked") && strings.Contains(w, "spark-admin:people_read")
	}
	if !warned {
		t.Errorf("no warning says why the size could not be checked: %q", b.Warnings)
	}
	// Nothing was asked without its scope: no 403 from the strict fake.
	for _, r := range x.srv.Requests() {
		if r.Status == 403 {
			t.Errorf("%s %s answered 403: a call was made without its scope", r.Method, r.Path)
		}
	}
}

// lineWith is the first line of screen that contains text, "" if none.
func lineWith(screen, text string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, text) {
			return l
		}
	}
	return ""
}
