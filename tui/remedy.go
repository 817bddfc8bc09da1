package tui

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// errPassphraseShort and errPassphraseMismatch are the review screen's own
// checks of the passphrase.
var (
	errPassphraseShort    = errors.New("passphrase too short")
	errPassphraseMismatch = errors.New("passphrases differ")
)

// noApp is the zero app, for remedies outside an authorization.
var noApp flows.App

// minPassphrase is the shortest passphrase accepted (as store requires).
const minPassphrase = 12

// remedy says, in plain words, what to do about err while authorizing app
// (app may be zero for errors outside an authorization). Every hint the
// wizard shows comes from here.
func remedy(err error, app flows.App) string {
	id := app.ClientID
	switch {
	case err == nil:
		return ""
	case errors.Is(err, flows.ErrDenied):
		return "Webex denied access. When the admin saw \"Your administrator denied access to the integration\", " +
			"the organization blocks integrations by default: in Control Hub go to Apps > Integrations, " +
			"find the integration by its ID " + id + ", allow it, then press r to authorize again. " +
			"Press s to skip this app."
	case errors.Is(err, flows.ErrInvalidClient):
		src := app.SecretSource
		if src == "" {
			src = "the app catalog"
		}
		return "Webex rejected the client secret of this integration (" + id + "). " +
			"Fix the secret in " + src + " and start ucx-onboard again (progress is kept as a draft), " +
			"or press s to skip this app."
	case errors.Is(err, flows.ErrTokenLimit):
		return "Webex will not issue more tokens for this integration (" + id + ") and this user: " +
			"older authorizations of it are still active. Revoke them (the user in their Webex settings, " +
			"or an admin in Control Hub), then press r to authorize again; or press s to skip this app."
	case errors.Is(err, flows.ErrExpired):
		return "The code can no longer be used. Press r for a fresh one. " + redirectHint
	case errors.Is(err, flows.ErrCodeSpent):
		return "The code can no longer be used. Press r for a fresh one."
	case errors.Is(err, flows.ErrUnsupported):
		return "This app cannot be authorized with a device grant (its scopes include OpenID Connect ones). " +
			"Fix its scopes in the app catalog, or press s to skip it."
	case errors.Is(err, context.DeadlineExceeded):
		return "Webex did not answer in time. Check the network (and HTTPS_PROXY if a proxy is needed), then press r."
	case errors.Is(err, flows.ErrUnreachable):
		return "Webex cannot be reached. Check the network (and HTTPS_PROXY if a proxy is needed), then press r."
	case errors.Is(err, errPassphraseShort), errors.Is(err, store.ErrPassphraseTooShort):
		return "Use at least 12 characters; a few unrelated words are easy to pass on by phone."
	case errors.Is(err, errPassphraseMismatch):
		return "Type the same passphrase in both fields."
	case errors.Is(err, store.ErrExists), errors.Is(err, fs.ErrExist):
		return "A file with that name exists and is never overwritten: move it away, or start again with another --out."
	case errors.Is(err, store.ErrNoProtection), errors.Is(err, store.ErrBadRecipient):
		return "The bundle's protection is wrong: start again with valid --recipient keys (age or SSH public keys) or a passphrase; progress is kept as a draft."
	case errors.Is(err, store.ErrDraftDamaged):
		return "The draft is damaged and was set aside; start a new onboarding."
	case errors.Is(err, store.ErrDraftKeyUnavailable):
		return "The draft's key is not available (is the keyring locked?). Unlock it and start again, or start a new onboarding."
	case errors.Is(err, fs.ErrPermission):
		return "The bundle's folder is not writable: start again with --out in a writable folder (progress is kept as a draft)."
	}
	var we *flows.WebexError
	if errors.As(err, &we) {
		hint := "Webex refused the request. Press r to try again, or s to skip this app."
		if we.Status >= 500 || we.Status == 429 {
			hint = "Webex is busy or failing. Press r to try again in a moment."
		}
		if we.TrackingID != "" {
			hint += " If it persists, give Webex support the trackingId " + clean(we.TrackingID) + "."
		}
		return hint
	}
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "http 5"), strings.Contains(msg, "http 429"):
		return "Webex is busy or failing. Press r to try again in a moment; quote the trackingId to Webex support if it persists."
	case strings.Contains(msg, "unreachable"), strings.Contains(msg, "dial"), strings.Contains(msg, "tls"), strings.Contains(msg, "no such host"):
		return "Webex cannot be reached. Check the network (and HTTPS_PROXY if a proxy is needed), then press r."
	}
	return "Press r to try again, or s to skip this app. Quote the trackingId, if any, to Webex support."
}

// redirectHint is the likely cause of codes that expire although the admin
// approved them (DOMAIN.md): Webex then only ever answers "pending".
const redirectHint = "If the admin did approve it, the integration may lack Webex's device-grant redirect URIs " +
	"(the admin's browser then shows \"We've encountered an error\" after login): " +
	"they must be added to the integration on the vendor's side."

// errText is err's message made safe to render.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return clean(err.Error())
}

// clean strips escapes and control characters from a server string before
// it is rendered. flows already sanitizes; this is the tui's own belt.
func clean(s string) string {
	s = ansi.Strip(flows.Sanitize(s))
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) || r == '\u200b' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') {
			return -1
		}
		return r
	}, s)
}

// shortReason is a failed app's reason, for the review and the bundle.
func shortReason(err error) string {
	switch {
	case errors.Is(err, flows.ErrDenied):
		return "access denied; allow the integration in Control Hub (Apps > Integrations)"
	case errors.Is(err, flows.ErrInvalidClient):
		return "client secret rejected by Webex"
	case errors.Is(err, flows.ErrExpired):
		return "the code expired"
	case errors.Is(err, flows.ErrTokenLimit):
		return "Webex token limit reached; revoke older authorizations of the integration"
	case errors.Is(err, flows.ErrUnsupported):
		return "not supported by the device grant"
	}
	return errText(err)
}
