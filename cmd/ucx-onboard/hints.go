package main

import (
	"errors"
	"io/fs"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/imagicle/ucx-onboard/store"
	core "github.com/imagicle/ucx-onboard/tui/wizard"
)

// hint returns the fix for err, printed after it as "hint: ...", or "".
// The order matters: narrower sentinels come before the broader ones
// they also match (ErrWrongPassphrase is an ErrNoIdentityMatch). Errors
// the wizard meets too (flows' sentinels, the bundle's protection and
// file, drafts) take the wizard's own wording, core.Fix, so that both say
// the same; fs.ErrNotExist and fs.ErrPermission keep a command's wording
// (the wizard's permission remedy is about the bundle's folder).
func hint(err error) string {
	switch {
	case err == nil:
		return ""
	case flagHint(err) != "":
		return flagHint(err)
	case startHint(err) != "":
		return startHint(err)
	case errors.Is(err, errTokensToTerminal):
		args := "BUNDLE -i IDENTITY"
		var te *tokensToTerminalError
		if errors.As(err, &te) {
			args = te.args()
		}
		return "pipe it into UCX Suite's import (ucx-onboard open " + args + " | <import>), see a summary without tokens (ucx-onboard inspect " + args + "), or add --to-terminal"
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
	case errors.Is(err, store.ErrBadIdentity) && errors.Is(err, fs.ErrNotExist):
		return "check the file name and path" // not what -i wants: a file that is not there
	case errors.Is(err, store.ErrBadIdentity):
		return "-i wants an identity (secret key) file: AGE-SECRET-KEY-1... lines from ucx-onboard keygen or age-keygen, or an unencrypted ed25519/rsa ssh private key"
	case errors.Is(err, store.ErrBadCustomer):
		return `the customer file is one JSON object with string values for some of: company, admin_email, deployment ("cloud" or "on-prem"), ucx_host, engineer, notes`
	}
	if f := core.Fix(err); f != "" {
		return hintStyle(f)
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "check the file name and path"
	case errors.Is(err, fs.ErrPermission):
		return "check the file's permissions (and that you are the right user)"
	}
	return ""
}

// plainWords rewords a lower package's error text for the engineer: no
// "store: " or "flows: " prefixes (they say where in the program it came
// from; --debug keeps them), and age's stanza types as kinds of key.
func plainWords(msg string) string {
	for _, p := range []string{"store: ", "flows: "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	if i := strings.Index(msg, "(sealed to: "); i >= 0 {
		r := strings.NewReplacer("(sealed to: ", "(sealed to ", "X25519", "an age key", "ssh-ed25519", "an SSH ed25519 key", "ssh-rsa", "an SSH RSA key", "scrypt", "a passphrase")
		msg = msg[:i] + r.Replace(msg[i:])
	}
	return msg
}

// hintStyle turns the wizard's wording of a fix (core.Fix, sentences) into
// a hint line: lowercase start, no final period.
func hintStyle(fix string) string {
	if fix == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(fix)
	return strings.TrimSuffix(string(unicode.ToLower(r))+fix[n:], ".")
}
