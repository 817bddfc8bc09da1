package tui

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
	"github.com/imagicle/ucx-onboard/flows"
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
	case errors.Is(err, flows.ErrExpired), errors.Is(err, flows.ErrCodeSpent):
		return "The code can no longer be used. Press r for a fresh one."
	case errors.Is(err, flows.ErrUnsupported):
		return "This app cannot be authorized with a device grant (its scopes include OpenID Connect ones). " +
			"Fix its scopes in the app catalog, or press s to skip it."
	case errors.Is(err, context.DeadlineExceeded):
		return "Webex did not answer in time. Check the network (and HTTPS_PROXY if a proxy is needed), then press r."
	case errors.Is(err, errPassphraseShort):
		return "Use at least 12 characters; a few unrelated words are easy to pass on by phone."
	case errors.Is(err, errPassphraseMismatch):
		return "Type the same passphrase in both fields."
	case errors.Is(err, fs.ErrExist):
		return "A file with that name exists and is never overwritten: move it away, or start again with another --out."
	case errors.Is(err, fs.ErrPermission):
		return "The bundle's folder is not writable: start again with --out in a writable folder (progress is kept as a draft)."
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
	s = ansi.Strip(s)
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
