package wizard

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// TestFixes: every sentinel the wizard or cmd meets has a fix of its own
// (ErrCodeSpent shares ErrExpired's: both want a fresh code), keyless, and
// the remedy shows it.
func TestFixes(t *testing.T) {
	seen := map[string]error{}
	for _, err := range []error{
		flows.ErrDenied, flows.ErrInvalidClient, flows.ErrTokenLimit, flows.ErrExpired, flows.ErrUnsupported,
		flows.ErrUnreachable, store.ErrPassphraseTooShort, store.ErrExists, store.ErrNoProtection,
		store.ErrDraftDamaged, store.ErrDraftUnsupported, store.ErrDraftKeyUnavailable,
		store.ErrDraftInUse, store.ErrDraftKeyGone, store.ErrStateDirNotOwned,
	} {
		f := Fix(fmt.Errorf("x: %w", err))
		if f == "" {
			t.Errorf("no fix for %v", err)
			continue
		}
		if prev, ok := seen[f]; ok {
			t.Errorf("%v and %v share a fix", prev, err)
		}
		seen[f] = err
		if strings.Contains(f, "press") || strings.Contains(f, "Press") {
			t.Errorf("%v: the fix names a key: %q", err, f)
		}
		if r := Remedy(err, flows.App{}); !strings.Contains(r, strings.TrimSuffix(f, ".")) {
			t.Errorf("%v: remedy %q lacks the fix %q", err, r, f)
		}
	}
	if Fix(flows.ErrCodeSpent) != Fix(flows.ErrExpired) || Fix(nil) != "" || Fix(errors.New("other")) != "" {
		t.Error("ErrCodeSpent's fix differs from ErrExpired's, or nil/unknown errors have one")
	}
	if !strings.Contains(Remedy(ErrPassphraseShort, flows.App{}), fmt.Sprint(store.MinPassphraseLen)) {
		t.Error("the passphrase remedy does not give store.MinPassphraseLen")
	}
}

// TestRemedies: every sentinel gets its own hint.
func TestRemedies(t *testing.T) {
	app := flows.App{ID: "presence", ClientID: "C1468e046a54", SecretSource: "env UCX_SECRET_PRESENCE"}
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("x: %w", flows.ErrDenied), app.ClientID},
		{fmt.Errorf("x: %w", flows.ErrInvalidClient), app.SecretSource},
		{flows.ErrExpired, "fresh"},
		{flows.ErrUnsupported, "OpenID"},
		{&flows.WebexError{Status: 503, TrackingID: "ROUTER_1"}, "ROUTER_1"},
		{fmt.Errorf("%w: dial", flows.ErrUnreachable), "HTTPS_PROXY"},
		{store.ErrExists, "never overwritten"},
		{ErrPassphraseShort, "12"},
	} {
		if got := Remedy(c.err, app); !strings.Contains(got, c.want) {
			t.Errorf("Remedy(%v) = %q, want it to mention %q", c.err, got, c.want)
		}
	}
}

// TestTypedSecretRedacted: a client secret typed in the prompt is held
// like the catalog's: an echo of it (or of a 12-character run of it) is
// redacted wherever text is shown or written.
func TestTypedSecretRedacted(t *testing.T) {
	const typed = "typed-secret-FAKE-0f3a9c1d27e4"
	app := WithTypedSecret(flows.App{ID: "cdr", ClientID: "C-typed-client"}, typed)
	if app.Secret.Reveal() != typed || app.SecretSource != TypedSecret {
		t.Fatalf("app = %+v", app)
	}
	for _, echo := range []string{typed, typed[3:17], "Webex said: " + typed[10:] + "."} {
		if got := store.Redact(echo); strings.Contains(got, typed[10:22]) || strings.Contains(got, typed[3:15]) {
			t.Errorf("Redact(%q) = %q: a run of the typed secret is left", echo, got)
		}
	}
}

// TestWriteRemedy: a bundle that could not be written is remedied by a
// fix about the file, never about an app.
func TestWriteRemedy(t *testing.T) {
	errNoSpace := errors.New("store: write acme.ucxbundle: no space left on device")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{errNoSpace, "Nothing was written and every approval is kept in the draft"},
		{fmt.Errorf("store: x: %w", store.ErrNameTooLong), "shorter file name with --out"},
		{fmt.Errorf("store: x: %w", store.ErrBundleMismatch), "Another file took the bundle's name"},
	} {
		if got := WriteRemedy(tc.err); !strings.Contains(got, tc.want) || strings.Contains(got, "skip") {
			t.Errorf("WriteRemedy(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
