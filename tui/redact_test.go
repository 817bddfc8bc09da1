package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/internal/leakcheck"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// tokenIdentity is an approver whose names a hostile server filled with
// app's tokens (which flows registers when it receives them).
func tokenIdentity(app flows.App) (flows.Identity, []string) {
	g := testGrant(app)
	store.RegisterSecret(g.AccessToken)
	store.RegisterSecret(g.RefreshToken)
	id := testIdentity()
	id.DisplayName = g.AccessToken.Reveal()
	id.OrgName = "Org " + g.RefreshToken.Reveal()
	id.FullAdmin = false // a warning, with the name in it
	return id, []string{g.AccessToken.Reveal(), g.RefreshToken.Reveal()}
}

// TestScreensRedactNames: names holding a token are shown without 12
// characters of it, on the warning screen and the review (full screen)
// and in the accessible front-end's output.
func TestScreensRedactNames(t *testing.T) {
	t.Run("full screen", func(t *testing.T) {
		f := newFixture(t, 100, 40, nil)
		f.toAuth()
		var secrets []string
		for range testApps() {
			f.withCode()
			id, s := tokenIdentity(f.m.v.Auth.App)
			secrets = append(secrets, s...)
			f.approve(id)
			if v := f.view(); len(leakcheck.Runs(v, secrets...)) > 0 || !strings.Contains(v, "[redacted]") {
				t.Fatalf("the warning screen shows a token or no name:\n%s", v)
			}
			f.pressRun("a")
		}
		v := f.view()
		if !strings.Contains(v, "COMPLETE REQUEST") {
			t.Fatalf("not the review:\n%s", v)
		}
		if runs := leakcheck.Runs(v, secrets...); len(runs) > 0 {
			t.Errorf("the review shows %q:\n%s", runs, v)
		}
	})
	t.Run("accessible", func(t *testing.T) {
		f := newFakes()
		var secrets []string
		for _, app := range testApps() {
			id, s := tokenIdentity(app)
			secrets = append(secrets, s...)
			f.auth.SetIdentity(app.ID, id)
		}
		d := testDeps(f)
		prefill(&d)
		_, text, err := runAccessible(t, d, prefilledForm+strings.Repeat("a\n", 4)+"y\n")
		if runs := leakcheck.Runs(text, secrets...); len(runs) > 0 {
			t.Errorf("the output holds %q:\n%s", runs, text)
		}
		if !strings.Contains(text, "[redacted]") || !strings.Contains(text, "COMPLETE REQUEST") {
			t.Errorf("no name was shown, or the review was not reached (err %v):\n%s", err, text)
		}
	})
}

// TestMessagesFormatWithoutSecrets: what carries a passphrase or a client
// secret typed to the flow (eventMsg, wizard.Complete, wizard.SecretTyped)
// formats without it, whatever the verb.
func TestMessagesFormatWithoutSecrets(t *testing.T) {
	const pass, secret = "passphrase-FAKE-typed-twice", "clientsecret-FAKE-typed"
	for _, v := range []any{
		eventMsg{ev: wizard.Complete{Passphrase: pass, Again: pass}},
		eventMsg{ev: wizard.SecretTyped{Secret: secret}},
		wizard.Complete{Passphrase: pass, Again: pass},
		wizard.SecretTyped{Secret: secret},
	} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			if s := fmt.Sprintf(verb, v); strings.Contains(s, pass) || strings.Contains(s, secret) {
				t.Errorf("%s of %T shows a secret: %s", verb, v, s)
			}
		}
	}
}
