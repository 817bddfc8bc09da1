package wizard

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// noApp is the zero app, for remedies outside an authorization.
var noApp flows.App

// Fix says what fixes err, in one wording shared by the wizard and cmd:
// the wizard's Remedy adds the keys to press (and the app's integration
// ID); cmd prints it as its "hint:" line. It names no key. It is "" when
// err has no known fix (cmd then prints no hint, the wizard a generic
// one).
func Fix(err error) string { return fix(err, noApp) }

// fix is Fix for an error met while authorizing app (zero outside an
// authorization): the integration ID and the secret's source are named
// when known.
func fix(err error, app flows.App) string {
	id := "its integration ID"
	if app.ClientID != "" {
		id = "its ID " + app.ClientID
	}
	switch {
	case err == nil:
		return ""
	case errors.Is(err, flows.ErrDenied):
		return "When the admin saw \"Your administrator denied access to the integration\", " +
			"the organization blocks integrations by default: in Control Hub go to Apps > Integrations, " +
			"find the integration by " + id + ", allow it, then authorize again."
	case errors.Is(err, flows.ErrInvalidClient) && app.SecretSource == TypedSecret:
		return "The secret typed in was rejected too: check it with whoever manages the Imagicle integrations, " +
			"then authorize again (the prompt comes back while a code is valid)."
	case errors.Is(err, flows.ErrInvalidClient):
		src := app.SecretSource
		if src == "" {
			src = "the environment variable or file the app catalog names for it"
		}
		return "Fix the secret in " + src + " and start ucx-onboard again (progress is kept as a draft)."
	case errors.Is(err, flows.ErrTokenLimit):
		return "Older authorizations of the integration for this user are still active, and a fresh code will not help. " +
			"Revoke them (the user in their Webex settings, or an admin in Control Hub; Webex support can help, " +
			"given the trackingId), then authorize again."
	case errors.Is(err, flows.ErrExpired), errors.Is(err, flows.ErrCodeSpent):
		return "The code can no longer be used: start a fresh one."
	case errors.Is(err, flows.ErrUnsupported):
		return "This app cannot be authorized with a device grant (its scopes include OpenID Connect ones). " +
			"Fix its scopes in the app catalog, or authorize it in the Imagicle portal instead."
	case errors.Is(err, context.DeadlineExceeded):
		return "Webex did not answer in time. Check the network (and HTTPS_PROXY if a proxy is needed)."
	case errors.Is(err, flows.ErrUnreachable):
		return "Webex cannot be reached. Check the network, proxy (HTTPS_PROXY) and firewall: this computer must reach https://webexapis.com."
	case errors.Is(err, ErrPassphraseShort), errors.Is(err, store.ErrPassphraseTooShort):
		return fmt.Sprintf("Use at least %d characters; a few unrelated words are easy to pass on by phone.", store.MinPassphraseLen)
	case errors.Is(err, ErrPassphraseMismatch):
		return "Type the same passphrase twice."
	case errors.Is(err, store.ErrExists), errors.Is(err, fs.ErrExist):
		return "A file with that name exists and is never overwritten: move it away, or choose another name (--out)."
	case errors.Is(err, store.ErrNoProtection), errors.Is(err, store.ErrBadRecipient):
		return "Seal to UCX's public key: --recipient age1... (from ucx-onboard keygen on the UCX side) or an " +
			"ssh-ed25519/ssh-rsa public key line; or use a passphrase."
	case errors.Is(err, store.ErrDraftDamaged):
		return "The damaged draft was moved aside (*.damaged) and its key deleted, so its tokens are unreadable: " +
			"resume another draft or start a new onboarding (its apps need approving again)."
	case errors.Is(err, store.ErrDraftUnsupported):
		return "Resume it with the newer ucx-onboard that made it; this version leaves it and its key untouched."
	case errors.Is(err, store.ErrDraftKeyUnavailable):
		return "The draft's key is not available: unlock the OS keyring, or resume on the machine and account " +
			"where the draft was started; otherwise discard the draft."
	case errors.Is(err, store.ErrDraftInUse):
		return "Another ucx-onboard is using this draft: finish or quit that one (the message names its process " +
			"ID when known), then resume the draft."
	case errors.Is(err, store.ErrDraftKeyGone):
		return "The draft was discarded (or finished) by another ucx-onboard while this one ran, so it is not " +
			"saved again: what was authorized since is only in this run; complete it, or authorize again in a new onboarding."
	case errors.Is(err, store.ErrStateDirNotOwned):
		return "The state folder belongs to another user, who could read or swap the drafts: run ucx-onboard as " +
			"the folder's owner, or remove the folder (or point XDG_STATE_HOME elsewhere)."
	}
	return ""
}

// Remedy says, in plain words, what to do about err while authorizing app
// (app may be zero for errors outside an authorization): Fix's wording,
// with the keys to press. Every hint the wizard shows comes from here.
func Remedy(err error, app flows.App) string {
	f := fix(err, app)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, flows.ErrDenied):
		return "Webex denied access. " + f + " Press r once it is allowed, or s to skip this app."
	case errors.Is(err, flows.ErrInvalidClient):
		return "Webex rejected the client secret of this integration (" + app.ClientID + "). " + strings.TrimSuffix(f, ".") + ", or press s to skip this app."
	case errors.Is(err, flows.ErrTokenLimit):
		return "Webex will not issue more tokens for this integration (" + app.ClientID + ") and this user. " + f +
			" Press r once they are revoked; or press s to skip this app."
	case errors.Is(err, flows.ErrExpired):
		return f + " Press r for a fresh one. " + RedirectHint
	case errors.Is(err, flows.ErrCodeSpent):
		return f + " Press r for a fresh one."
	case errors.Is(err, flows.ErrUnsupported):
		return f + " Press s to skip it."
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, flows.ErrUnreachable):
		return f + " Then press r."
	case errors.Is(err, fs.ErrPermission):
		return "The bundle's folder is not writable: start again with --out in a writable folder (progress is kept as a draft)."
	case f != "":
		return f
	}
	var we *flows.WebexError
	if errors.As(err, &we) {
		hint := "Webex refused the request. Press r to try again, or s to skip this app."
		if we.Status >= 500 || we.Status == 429 {
			hint = "Webex is busy or failing. Press r to try again in a moment."
		}
		if we.TrackingID != "" {
			hint += " If it persists, give Webex support the trackingId " + Clean(we.TrackingID) + "."
		}
		return hint
	}
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "http 5"), strings.Contains(msg, "http 429"):
		return "Webex is busy or failing. Press r to try again in a moment; quote the trackingId to Webex support if it persists."
	case strings.Contains(msg, "unreachable"), strings.Contains(msg, "dial"), strings.Contains(msg, "tls"), strings.Contains(msg, "no such host"):
		return fix(flows.ErrUnreachable, app) + " Then press r."
	}
	return "Press r to try again, or s to skip this app. Quote the trackingId, if any, to Webex support."
}

// SecretPrompt asks, in both front-ends, for the right client secret of
// app after Webex rejected it while its code is still valid (left).
func SecretPrompt(app flows.App, left time.Duration) string {
	what, fix := "the client secret", ""
	switch src := app.SecretSource; src {
	case TypedSecret:
		what = "the client secret typed in"
	case "":
	default:
		what, fix = "the client secret from "+Clean(src), " Fix "+Clean(src)+" too, for the next run."
	}
	return fmt.Sprintf("Webex rejected %s. If the admin has approved, that approval still holds: "+
		"type the right client secret of this integration (it is not shown, and kept in memory only) to redeem the same code "+
		"(valid for %s more), without a new approval.%s", what, left.Round(time.Second), fix)
}

// TypedSecret is the SecretSource of a secret typed in the prompt.
const TypedSecret = "the prompt"

// WithTypedSecret is app with the client secret typed in the prompt, which
// is registered for redaction like the catalog's secrets: no run of it is
// shown or written anywhere.
func WithTypedSecret(app flows.App, typed string) flows.App {
	app.Secret, app.SecretSource = store.NewSecret(typed), TypedSecret
	store.RegisterClientSecret(app.ClientID, app.Secret)
	return app
}

// RedirectHint is the likely cause of codes that expire although the admin
// approved them (DOMAIN.md): Webex then only ever answers "pending".
const RedirectHint = "If the admin did approve it, the integration may lack Webex's device-grant redirect URIs " +
	"(the admin's browser then shows \"We've encountered an error\" after login): " +
	"they must be added to the integration on the vendor's side."

// ShortReason is a failed app's reason, for the review and the bundle.
func ShortReason(err error) string {
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
	return CleanErrorText(err)
}

// WriteRemedy says what to do when the bundle could not be written on the
// review, naming no key (each front-end adds how to try again): the
// approvals are kept, so the fix is about the file, never about an app.
func WriteRemedy(err error) string {
	if errors.Is(err, store.ErrNameTooLong) {
		return "Choose a shorter file name with --out and start again; your progress is kept as a draft."
	}
	if errors.Is(err, store.ErrBundleMismatch) {
		return "Another file took the bundle's name while it was written: move it away and try again; nothing was written and your progress is kept as a draft."
	}
	if f := fix(err, noApp); f != "" && !errors.Is(err, fs.ErrPermission) {
		return f
	}
	if errors.Is(err, fs.ErrPermission) {
		return "The bundle's folder is not writable: start again with --out in a writable folder (progress is kept as a draft)."
	}
	return "Nothing was written and every approval is kept in the draft: fix the cause above (disk space, the folder) and try again, or quit and resume later."
}
