package main

// How the bundle is sealed: the recipients of --recipient,
// --recipients-file or the demo identity (else a passphrase), the bundle
// writer and the open command suggested, and how a problem with the keys
// is worded at start and in the preflight.

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui"
)

// buildProtection sets how the bundle is sealed and written: deps.Protection,
// WriteBundle, OpenHint and, with --out, OutPath. The recipients come from
// --recipient and --recipients-file, or under --demo from a demo identity in
// outDir (created the first time); with none the review screen asks for a
// passphrase. A bad recipient is returned (newWizard stops on it) and
// leaves deps.Protection zero.
func buildProtection(deps *tui.Deps, o wizardOptions, outDir string) error {
	keys := append([]string(nil), o.recipients...)
	var protErr error
	if o.recipientsFile != "" {
		more, err := store.ParseRecipientsFile(o.recipientsFile)
		if err != nil {
			protErr = err
		}
		keys = append(keys, more...)
	}
	var demoIdentity string
	if o.demo && len(keys) == 0 && protErr == nil {
		demoIdentity = filepath.Join(outDir, demoIdentityName)
		recipient, err := demoRecipient(demoIdentity)
		if err != nil {
			protErr = &demoIdentityError{demoIdentity, err}
		}
		keys = append(keys, recipient)
	}
	var protection store.Protection
	if protErr == nil && len(keys) > 0 {
		protection, protErr = store.NewRecipientProtection(keys)
	}
	if protErr == nil {
		deps.Protection = tui.Protection{Recipients: protection.Recipients(), Passphrase: len(keys) == 0}
		if len(keys) > 0 {
			deps.Protection.Describe = protection.Describe()
		}
	}
	deps.WriteBundle = func(path string, b store.Bundle, pass store.Secret, record func(*store.Completion) error) (store.Receipt, error) {
		p := protection
		if !pass.IsZero() {
			var err error
			if p, err = store.NewPassphraseProtection(pass); err != nil {
				return store.Receipt{}, err
			}
		}
		if o.out != "" {
			return store.WriteBundleRecorded(path, b, p, record) // the engineer's name: never another
		}
		return writeBundleFreeName(path, b, p, record)
	}
	deps.OpenHint = func(r store.Receipt) tui.Command {
		if demoIdentity != "" { // the newcomer looks at the result, tokens left out
			return tui.Command{
				Line:  fmt.Sprintf("ucx-onboard inspect %s -i %s", shellQuote(r.BundlePath), shellQuote(demoIdentity)),
				Notes: []string{"It shows what the bundle holds, without the tokens."},
			}
		}
		if r.Passphrase {
			return tui.Command{
				Line:  "ucx-onboard open " + shellQuote(r.BundlePath),
				Notes: []string{"It asks for the passphrase and prints the bundle's JSON for UCX Suite's import."},
			}
		}
		return tui.Command{
			Line: "ucx-onboard open " + shellQuote(r.BundlePath) + " -i IDENTITY",
			Notes: []string{"IDENTITY is the file of UCX Suite's private key (from ucx-onboard keygen) that the bundle is sealed to.",
				"It prints the bundle's JSON for UCX Suite's import."},
		}
	}
	if o.out != "" {
		deps.OutPath = func(string, time.Time) string { return o.out }
	} else {
		// The review shows the name that will be written: the first free
		// one when the day's name is taken (writeBundleFreeName goes on
		// from there should it be taken in the meantime).
		deps.OutPath = func(company string, now time.Time) string {
			return freeBundleName(tui.DefaultOutPath(company, now))
		}
	}
	return protErr
}

// protectionStartError words a problem with the bundle's keys (from
// buildProtection) for the command line, with its fix.
func protectionStartError(err error) error {
	fix := strings.TrimSuffix(protectionFix(err), ", then start ucx-onboard again")
	var demo *demoIdentityError
	msg := oneLine(err)
	switch {
	case errors.As(err, &demo):
		msg = "--demo: its identity " + demo.path + ": " + msg
	case strings.Contains(err.Error(), "recipients file") || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) || errors.Is(err, store.ErrNotRegular):
		msg = "--recipients-file: " + msg
	default:
		msg = "--recipient: " + msg
	}
	return &exitError{exitUsage, &startError{err: errors.New(msg), fix: fix}}
}

func protectionCheck(p tui.Protection, err error) tui.Check {
	ck := tui.Check{Name: "Bundle protection", OK: err == nil, Blocking: true, AtStart: true}
	switch {
	case err != nil:
		ck.Detail = err.Error()
		ck.Fix = protectionFix(err)
	case p.Passphrase:
		ck.Detail = "passphrase, entered twice before COMPLETE REQUEST (no --recipient given)"
	default:
		ck.Detail = p.Describe
	}
	return ck
}

// protectionFix words the fix of a protection check by its error: a
// recipients file or demo identity that is not a regular file, missing or
// not readable, a demo identity that cannot be written or is foreign, or
// else keys to give. Keys are read at start, so every fix ends with
// starting again.
func protectionFix(err error) string {
	const again = ", then start ucx-onboard again"
	var demo *demoIdentityError
	if errors.As(err, &demo) {
		switch {
		case errors.Is(err, fs.ErrPermission) || errors.Is(err, fs.ErrNotExist):
			return "run --demo from a writable folder or pass --out PATH, or give keys with --recipient" + again
		}
		return "remove " + demo.path + " so that --demo writes a new identity there, or give keys with --recipient" + again
	}
	switch {
	case errors.Is(err, store.ErrNotRegular):
		return "save the keys to a regular file and pass that with --recipients-file (named pipes and devices are not read)" + again
	case errors.Is(err, fs.ErrNotExist):
		return "check the --recipients-file path" + again
	case errors.Is(err, fs.ErrPermission):
		return "make the --recipients-file readable by this user" + again
	}
	return "give age (age1...) or SSH public keys with --recipient or --recipients-file" + again
}
