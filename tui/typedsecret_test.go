package tui

import (
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// TestTypedSecretRedacted: a client secret typed in the prompt is held
// like the catalog's: an echo of it (or of a 12-character run of it) is
// redacted wherever text is shown or written.
func TestTypedSecretRedacted(t *testing.T) {
	const typed = "typed-secret-FAKE-0f3a9c1d27e4"
	app := withTypedSecret(flows.App{ID: "cdr", ClientID: "C-typed-client"}, typed)
	if app.Secret.Reveal() != typed || app.SecretSource != typedSecret {
		t.Fatalf("app = %+v", app)
	}
	for _, echo := range []string{typed, typed[3:17], "Webex said: " + typed[10:] + "."} {
		if got := store.Redact(echo); strings.Contains(got, typed[10:22]) || strings.Contains(got, typed[3:15]) {
			t.Errorf("Redact(%q) = %q: a run of the typed secret is left", echo, got)
		}
	}
}
