package main

import (
	"errors"
	"io/fs"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// hint returns the fix for err, printed after it as "hint: ...", or "".
// The order matters: narrower sentinels come before the broader ones
// they also match (ErrWrongPassphrase is an ErrNoIdentityMatch).
func hint(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, errTokensToTerminal):
		return "pipe it into UCX Suite's import (ucx-onboard open B -i K | ...), use 'ucx-onboard inspect' for a summary without tokens, or pass --to-terminal"
	case errors.Is(err, errNoPassphraseTerminal):
		return "run the command in a terminal to type the passphrase, or ask for a bundle sealed to UCX's age identity (ucx-onboard keygen)"
	case errors.Is(err, store.ErrNotRegular):
		return "give a regular file: pipes, devices and directories are refused so that no read can wait forever (save the content to a file first)"
	case errors.Is(err, store.ErrWrongPassphrase):
		return "passphrases are case-sensitive; ask the field engineer for it again"
	case errors.Is(err, store.ErrPassphraseRequired):
		return "run the command in a terminal so it can ask for the passphrase"
	case errors.Is(err, store.ErrNoIdentityMatch):
		return "pass the identity whose public key the bundle was sealed to (-i FILE, repeatable); if you have the right one, the file may have been altered: get a fresh copy"
	case errors.Is(err, store.ErrTruncated):
		return "the file is incomplete: copy it again and compare its SHA-256 with the receipt (BUNDLE.receipt.txt)"
	case errors.Is(err, store.ErrTampered):
		return "the file changed after ucx-onboard wrote it: get a fresh copy and compare its SHA-256 with the receipt; if it changes again, report it"
	case errors.Is(err, store.ErrNotAge):
		return "give the bundle file the wizard wrote (not its .receipt.txt or a JSON export)"
	case errors.Is(err, store.ErrUnknownFormat):
		return "it is not a bundle this version reads: use the ucx-onboard version that wrote it (see its receipt), or a newer one"
	case errors.Is(err, store.ErrEncryptedSSHKey):
		return "ucx-onboard does not unlock ssh keys: use an age identity (ucx-onboard keygen), or decrypt the bundle with the age CLI: age -d -i KEY BUNDLE"
	case errors.Is(err, store.ErrBadIdentity):
		return "-i wants an identity (secret key) file: AGE-SECRET-KEY-1... lines from ucx-onboard keygen or age-keygen, or an unencrypted ed25519/rsa ssh private key"
	case errors.Is(err, store.ErrExists):
		return "ucx-onboard never overwrites: choose another file name or move the existing file away"
	case errors.Is(err, store.ErrNoProtection), errors.Is(err, store.ErrBadRecipient):
		return "seal to UCX's public key: --recipient age1... (from ucx-onboard keygen on the UCX side) or an ssh-ed25519/ssh-rsa public key line; or use a passphrase"
	case errors.Is(err, store.ErrPassphraseTooShort):
		return "use at least 12 characters; four or five random words work well"
	case errors.Is(err, store.ErrBadCustomer):
		return `the customer file is one JSON object with string values for some of: company, admin_email, deployment ("cloud" or "on-prem"), ucx_host, engineer, notes`
	case errors.Is(err, store.ErrDraftDamaged):
		return "the damaged draft was moved aside (*.damaged) and its key deleted, so its tokens are unreadable; resume another draft or start again (its apps need approving again)"
	case errors.Is(err, store.ErrDraftUnsupported):
		return "resume it with the newer ucx-onboard that made it; this version leaves it and its key untouched"
	case errors.Is(err, store.ErrDraftKeyUnavailable):
		return "unlock the OS keyring, or resume on the machine and account where the draft was started; otherwise discard the draft"
	case errors.Is(err, flows.ErrTokenLimit):
		return "Webex issues no more tokens of this integration to this admin until older ones are revoked; a fresh code will not help: have the integration's older tokens for this admin revoked (Webex support can help: give them the trackingId), then authorize again"
	case errors.Is(err, flows.ErrExpired), errors.Is(err, flows.ErrCodeSpent):
		return "the code can no longer be used: start a new authorization for this app"
	case errors.Is(err, flows.ErrDenied):
		return "the organization may block integrations: in Control Hub, Apps > Integrations, allow the Imagicle app (find it by its integration ID), then authorize again"
	case errors.Is(err, flows.ErrInvalidClient):
		return "the app's client secret is wrong: check the environment variable or file the catalog names for it"
	case errors.Is(err, flows.ErrUnsupported):
		return "the device grant cannot request OpenID Connect scopes (openid, email, profile): authorize that app in the Imagicle portal instead"
	case errors.Is(err, flows.ErrUnreachable):
		return "check the network, proxy and firewall: this computer must reach https://webexapis.com"
	case errors.Is(err, fs.ErrNotExist):
		return "check the file name and path"
	case errors.Is(err, fs.ErrPermission):
		return "check the file's permissions (and that you are the right user)"
	}
	return ""
}
