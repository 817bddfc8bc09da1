//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package accessible

// A fake Webex for the terminal tests (tty_test.go): wizardtest's
// WebexUser, an Authorizer over a real flows.Client, as package tui's
// parity tests use it.

import (
	"testing"

	"github.com/imagicle/ucx-onboard/tui/wizard"
	"github.com/imagicle/ucx-onboard/tui/wizard/wizardtest"
)

// oneCodeOneTokenEach checks that the fake issued each of wizardtest.WebexApps
// one device code and one token, and that the bundle written holds both
// apps.
func oneCodeOneTokenEach(t *testing.T, d wizard.Deps, f *fixture) {
	t.Helper()
	srv := d.Authorizer.(*wizardtest.WebexUser).Server
	codes, tokens := map[string]int{}, map[string]int{}
	for _, r := range srv.Requests() {
		if r.Path == "/v1/device/authorize" {
			codes[r.ClientID]++
		}
	}
	for _, it := range srv.Issued() {
		tokens[it.ClientID]++
	}
	for _, a := range wizardtest.WebexApps() {
		if codes[a.ClientID] != 1 || tokens[a.ClientID] != 1 {
			t.Errorf("%s: %d codes, %d tokens; want one of each", a.ID, codes[a.ClientID], tokens[a.ClientID])
		}
	}
	if b, _, _ := f.writer.Got(); b == nil || len(b.Apps) != 2 {
		t.Errorf("bundle %+v, want both apps", b)
	}
}

// paritySetup is a fake Webex for a scenario, and Deps that use it. The
// catalog secret of app wrongSecret (if not "") is wrong, and the fake
// checks secrets only at redemption (webextest.SecretAtRedemption).
func paritySetup(t *testing.T, act map[string][]string, wrongSecret ...string) (wizard.Deps, *fixture, func()) {
	t.Helper()
	wrong := ""
	if len(wrongSecret) > 0 {
		wrong = wrongSecret[0]
	}
	u, err := wizardtest.NewWebexUser(act, wrong)
	if err != nil {
		t.Fatal(err)
	}
	f := newFakes()
	d := testDeps(f)
	u.Use(&d)
	return d, f, u.Server.Close
}
