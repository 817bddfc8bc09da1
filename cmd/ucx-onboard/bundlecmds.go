package main

// The UCX-side commands: open and inspect a bundle, and keygen for the
// identity UCX Suite receives bundles with. Output rules as in main.go:
// open prints the bundle JSON (and nothing else) on stdout, inspect a
// summary without any token, keygen the public recipient; prompts, notes
// and errors go to stderr.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"
	"golang.org/x/term"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// defaultIdentityFile is where keygen writes without -o.
const defaultIdentityFile = "ucx-onboard-identity.txt"

// expiryWarning: inspect warns about refresh tokens expired or expiring
// within it. Access tokens are not warned about: Webex issues them for 14
// days and UCX Suite renews them with the refresh token; a refresh token
// that lapses is what makes a new authorization necessary.
const expiryWarning = 14 * 24 * time.Hour

// bundleNow is inspect's clock; tests replace it.
var bundleNow = time.Now

// errNoPassphraseTerminal: a passphrase bundle with no terminal to ask on.
var errNoPassphraseTerminal = errors.New("the bundle is passphrase-protected and there is no terminal to ask for the passphrase")

// errInterrupted: Ctrl-C (SIGINT), SIGTERM or SIGHUP arrived while a
// command waited at a prompt; exit status 130 like the wizard's quit.
var errInterrupted = &exitError{code: exitAborted, err: errors.New("interrupted: nothing was opened")}

// maxPassphraseRead bounds a typed passphrase, in bytes.
const maxPassphraseRead = 1024

// errPassphraseTooLong: more than maxPassphraseRead bytes before the
// line end.
var errPassphraseTooLong = fmt.Errorf("passphrase longer than %d bytes", maxPassphraseRead)

// readBundlePassphrase asks for a passphrase without echo on the
// controlling terminal (/dev/tty), else on stdin if it is a terminal;
// tests replace it. When ctx ends first (Ctrl-C, SIGTERM) it restores the
// terminal's echo and returns ctx's error at once.
var readBundlePassphrase = func(ctx context.Context, e env, prompt string) (store.Secret, error) {
	if tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0); err == nil {
		defer tty.Close()
		if term.IsTerminal(int(tty.Fd())) {
			b, err := readPassword(ctx, int(tty.Fd()), func() { fmt.Fprint(tty, prompt) })
			fmt.Fprintln(tty)
			defer clear(b)
			return store.NewSecret(string(b)), err
		}
	}
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b, err := readPassword(ctx, int(f.Fd()), func() { fmt.Fprint(e.stderr, prompt) })
		fmt.Fprintln(e.stderr)
		defer clear(b)
		return store.NewSecret(string(b)), err
	}
	return store.Secret{}, errNoPassphraseTerminal
}

// identityFiles is the repeatable -i flag.
type identityFiles []string

func (f *identityFiles) String() string { return strings.Join(*f, ", ") }
func (f *identityFiles) Set(v string) error {
	if v == "" {
		return errors.New("empty identity file name")
	}
	*f = append(*f, v)
	return nil
}

// usageError is a command-line mistake: exit status 2, usage hint.
func usageError(format string, a ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, a...)}
}

// parseInterspersed parses fs allowing flags after positional arguments
// ("open BUNDLE -i KEY"); "--" ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string, e env, cmd string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args, e, cmd); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// bundleFlags returns the flag set of open and inspect.
func bundleFlags(name, summary string, e env, ids *identityFiles, extra []func(*flag.FlagSet)) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	for _, add := range extra {
		add(fs)
	}
	fs.Var(ids, "i", "identity `file`: an age identity or an unencrypted ssh private key (repeatable)")
	fs.Var(ids, "identity", "identity `file`, same as -i")
	fs.Usage = func() {
		more := ""
		if fs.Lookup("to-terminal") != nil {
			more = " [--to-terminal]"
		}
		fmt.Fprintf(fs.Output(), "Usage: ucx-onboard %s BUNDLE -i IDENTITY [-i IDENTITY...]%s\n\n%s\nA passphrase-protected bundle asks for the passphrase on the terminal.\n\nFlags:\n", name, more, summary)
		printFlags(fs.Output(), fs)
	}
	return fs
}

// parseBundleArgs handles the shared command line of open and inspect.
// extra adds command-specific flags.
func parseBundleArgs(name, summary string, e env, args []string, extra ...func(*flag.FlagSet)) (path string, ids identityFiles, err error) {
	fs := bundleFlags(name, summary, e, &ids, extra)
	pos, err := parseInterspersed(fs, args, e, "ucx-onboard "+name)
	if errors.Is(err, flag.ErrHelp) {
		return "", nil, errHelpShown
	}
	if err != nil {
		return "", nil, err
	}
	if len(pos) != 1 {
		return "", nil, usageError("%s needs exactly one BUNDLE file (got %d)", name, len(pos))
	}
	return pos[0], ids, nil
}

// maxBundleRead caps what open and inspect read: store.OpenBundle refuses
// files over 16 MiB, so reading stops just past that, whatever the file.
const maxBundleRead = 16<<20 + 1

// maxReceiptRead caps what inspect reads of a receipt: one is a few KiB.
const maxReceiptRead = 1 << 20

// readCapped reads at most limit bytes of path, which must be a regular
// file: a named pipe or a device is refused (store.ErrNotRegular) before
// any read, so none can wait forever.
func readCapped(path string, limit int64) ([]byte, error) {
	f, err := store.OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

// errTokensToTerminal: open would show admin tokens on screen (and in the
// terminal's scrollback).
var errTokensToTerminal = errors.New("open prints the admin tokens: refusing to show them on the terminal")

// tokensToTerminalError is errTokensToTerminal for one command line: the
// hint repeats its bundle and identity files.
type tokensToTerminalError struct {
	path string
	ids  identityFiles
}

func (e *tokensToTerminalError) Error() string { return errTokensToTerminal.Error() }
func (e *tokensToTerminalError) Unwrap() error { return errTokensToTerminal }

// args is the bundle and its identities as typed after open or inspect.
func (e *tokensToTerminalError) args() string {
	s := shellQuote(e.path)
	for _, id := range e.ids {
		s += " -i " + shellQuote(id)
	}
	return s
}

// errHelpShown: -h printed the usage; exit 0.
var errHelpShown = errors.New("help shown")

// loadBundle reads and decrypts path with the identity files, asking for a
// passphrase if the bundle needs one. sum is the SHA-256 of the bytes read.
// A bundle or identity file that cannot be read (missing, unreadable, not a
// regular file) or an identity file that holds no identity is exit 2; a
// bundle that cannot be opened with them (other keys, damaged, wrong
// passphrase) is exit 1.
func loadBundle(ctx context.Context, e env, path string, files identityFiles) (b store.Bundle, sum [sha256.Size]byte, err error) {
	var ids []age.Identity
	for _, f := range files {
		got, err := store.ParseIdentityFile(f)
		if err != nil {
			return store.Bundle{}, sum, &exitError{exitUsage, err} // a file -i names
		}
		ids = append(ids, got...)
	}
	data, err := readCapped(path, maxBundleRead)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		// The BUNDLE named on the command line is missing, unreadable or
		// not a regular file: exit 2, like a file a flag names.
		return store.Bundle{}, sum, &exitError{exitUsage, fmt.Errorf("read bundle %s: %w", path, err)}
	}
	sum = sha256.Sum256(data)
	b, err = store.OpenBundle(bytes.NewReader(data), ids...)
	for attempt := 0; attempt < 3 && (errors.Is(err, store.ErrPassphraseRequired) || attempt > 0 && errors.Is(err, store.ErrWrongPassphrase)); attempt++ {
		if ctx.Err() != nil {
			return store.Bundle{}, sum, errInterrupted
		}
		pass, perr := readBundlePassphrase(ctx, e, "passphrase for "+path+": ")
		if perr != nil {
			switch {
			case ctx.Err() != nil:
				return store.Bundle{}, sum, errInterrupted
			case errors.Is(perr, errNoPassphraseTerminal):
				return store.Bundle{}, sum, perr
			}
			return store.Bundle{}, sum, fmt.Errorf("read passphrase: %w", perr)
		}
		id, perr := store.PassphraseIdentity(pass)
		if perr != nil {
			return store.Bundle{}, sum, perr
		}
		b, err = store.OpenBundle(bytes.NewReader(data), id)
		if errors.Is(err, store.ErrWrongPassphrase) && attempt < 2 {
			fmt.Fprintln(e.stderr, "wrong passphrase, try again")
		}
	}
	if err != nil {
		return store.Bundle{}, sum, fmt.Errorf("%s: %w", path, err)
	}
	return b, sum, nil
}

func runOpen(ctx context.Context, e env, args []string) error {
	var toTerminal bool
	path, ids, err := parseBundleArgs("open", "Decrypt a bundle and print its JSON (docs/bundle.md) on stdout, for UCX Suite to import.", e, args,
		func(fs *flag.FlagSet) {
			fs.BoolVar(&toTerminal, "to-terminal", false, "print the tokens even when stdout is a terminal")
		})
	if errors.Is(err, errHelpShown) {
		return nil
	}
	if err != nil {
		return err
	}
	if isTerminal(e.stdout) && !toTerminal {
		return &tokensToTerminalError{path: path, ids: ids}
	}
	b, _, err := loadBundle(ctx, e, path, ids)
	if err != nil {
		return err
	}
	js, err := store.MarshalBundle(b)
	if err != nil {
		return err
	}
	defer clear(js)
	if _, err := e.stdout.Write(append(js, '\n')); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

func runInspect(ctx context.Context, e env, args []string) error {
	path, ids, err := parseBundleArgs("inspect", "Summarize a bundle: customer, organization, apps, approvers and token expiry. No token is printed.", e, args)
	if errors.Is(err, errHelpShown) {
		return nil
	}
	if err != nil {
		return err
	}
	b, sum, err := loadBundle(ctx, e, path, ids)
	if err != nil {
		return err
	}
	var s strings.Builder
	writeSummary(&s, path, b, bundleNow())
	s.WriteString(receiptCheck(path, sum))
	// No token: not even one a name or warning of the bundle echoes (its
	// tokens were registered when it was read).
	_, err = io.WriteString(e.stdout, store.Redact(s.String()))
	return err
}

// receiptCheck reports the SHA-256 of the bundle that was opened and, if
// its receipt is beside it, whether the two agree. The receipt is read
// like every input: a regular file (never a pipe or device), at most
// maxReceiptRead bytes; one that cannot be read that way is reported, not
// read.
func receiptCheck(path string, digest [sha256.Size]byte) string {
	sum := fmt.Sprintf("%x", digest)
	line := "sha256:      " + sum + "\n"
	name := clean(filepath.Base(path + store.ReceiptSuffix))
	receipt, err := readCapped(path+store.ReceiptSuffix, maxReceiptRead+1)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return line
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return line + "receipt:     WARNING: " + name + " not read: " + clean(err.Error()) + "\n"
	case len(receipt) > maxReceiptRead:
		return line + "receipt:     WARNING: " + name + " not read: larger than 1 MiB, not a ucx-onboard receipt\n"
	}
	for _, l := range strings.Split(string(receipt), "\n") {
		if v, ok := strings.CutPrefix(l, "sha256:"); ok {
			if strings.TrimSpace(v) == sum {
				return line + "receipt:     matches " + name + "\n"
			}
			return line + "receipt:     WARNING: " + name + " names another file (sha256 " + clean(strings.TrimSpace(v)) + ")\n"
		}
	}
	return line
}

// writeSummary renders inspect's report. It never touches a token.
func writeSummary(w io.Writer, path string, b store.Bundle, now time.Time) {
	c := b.Customer
	fmt.Fprintf(w, "bundle:      %s\n", clean(path))
	fmt.Fprintf(w, "created:     %s by ucx-onboard %s\n", when(b.Created), clean(b.ToolVersion))
	fmt.Fprintf(w, "customer:    %s\n", clean(c.Company))
	fmt.Fprintf(w, "  admin:       %s\n", clean(c.AdminEmail))
	fmt.Fprintf(w, "  deployment:  %s\n", clean(c.Deployment))
	fmt.Fprintf(w, "  ucx host:    %s\n", clean(c.UCXHost))
	fmt.Fprintf(w, "  engineer:    %s\n", clean(c.Engineer))
	if c.Notes != "" {
		fmt.Fprintf(w, "  notes:       %s\n", clean(c.Notes))
	}
	users := "unknown"
	switch {
	case b.Org.UserCount > 1000:
		users = "more than 1,000 (warning: the presence integration does not support orgs over 1,000 users)"
	case b.Org.UserCount > 0:
		users = fmt.Sprint(b.Org.UserCount)
	}
	fmt.Fprintf(w, "webex org:   %s\n", clean(b.Org.Name))
	fmt.Fprintf(w, "  id:          %s\n", clean(b.Org.ID))
	fmt.Fprintf(w, "  users:       %s\n", users)
	fmt.Fprintf(w, "apps:        %d\n", len(b.Apps))
	warnings := 0
	for _, a := range b.Apps {
		fmt.Fprintf(w, "- %s [%s]\n", clean(a.AppName), clean(a.AppID))
		fmt.Fprintf(w, "    integration:    %s\n", clean(a.ClientID))
		fmt.Fprintf(w, "    scopes:         %s\n", clean(strings.Join(a.Scopes, " ")))
		if ap := a.Approver; ap.NotIdentified != "" {
			// A known limit of the app's token, not a warning: its role
			// was not checked.
			fmt.Fprintf(w, "    approved:       %s; approver not identified: %s\n", when(a.ApprovedAt), clean(ap.NotIdentified))
			if i := ap.Inferred; i != nil {
				fmt.Fprintf(w, "    probably:       %s <%s>, who approved %s %s apart (inferred, not verified)\n",
					clean(i.DisplayName), clean(i.Email), clean(i.FromApp), i.Apart.Round(time.Second))
			}
		} else {
			admin := "Full Administrator"
			if !a.Approver.FullAdmin {
				admin = "WARNING: not a Full Administrator"
				warnings++
			}
			fmt.Fprintf(w, "    approved:       %s by %s <%s>, %s\n", when(a.ApprovedAt), clean(a.Approver.DisplayName), clean(a.Approver.Email), admin)
		}
		if a.Approver.Email != "" && c.AdminEmail != "" && !strings.EqualFold(a.Approver.Email, c.AdminEmail) {
			fmt.Fprintf(w, "    WARNING: approved by %s, not the customer's named admin %s\n", clean(a.Approver.Email), clean(c.AdminEmail))
			warnings++
		}
		fmt.Fprintf(w, "    access token:   %s\n", accessExpiry(a.AccessTokenExpiry, now))
		line, warn := expiry(a.RefreshTokenExpiry, now)
		fmt.Fprintf(w, "    refresh token:  %s\n", line)
		if warn {
			warnings++
		}
	}
	if len(b.Warnings) > 0 {
		fmt.Fprintf(w, "wizard warnings:\n")
		for _, x := range b.Warnings {
			fmt.Fprintf(w, "- %s\n", clean(x))
		}
	}
	if warnings > 0 {
		fmt.Fprintf(w, "%d warning(s) above\n", warnings)
	}
}

// accessExpiry describes an access token's expiry; an expired one is
// routine, renewed with the refresh token.
func accessExpiry(t, now time.Time) string {
	switch {
	case t.IsZero():
		return "expiry unknown"
	case !t.After(now):
		return fmt.Sprintf("expired %s (%s ago): UCX Suite renews it with the refresh token", when(t), days(now.Sub(t)))
	}
	return fmt.Sprintf("expires %s (in %s)", when(t), days(t.Sub(now)))
}

// expiry describes a refresh token's expiry, warning when it has passed or
// comes within expiryWarning.
func expiry(t, now time.Time) (string, bool) {
	if t.IsZero() {
		return "expiry unknown", false
	}
	d := t.Sub(now)
	switch {
	case d <= 0:
		return fmt.Sprintf("EXPIRED %s (%s ago): a new authorization is needed", when(t), days(-d)), true
	case d < expiryWarning:
		return fmt.Sprintf("expires %s (in %s) WARNING: within %d days", when(t), days(d), int(expiryWarning.Hours()/24)), true
	}
	return fmt.Sprintf("expires %s (in %s)", when(t), days(d)), false
}

func days(d time.Duration) string {
	switch n := int(d.Hours() / 24); {
	case n >= 2:
		return fmt.Sprintf("%d days", n)
	case d >= time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	default:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	}
}

func when(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// clean drops control characters (terminal escapes) from bundle text.
// clean makes a string from the bundle safe to print: no control
// characters, escape sequences or bidi overrides (flows.Sanitize). Anyone
// holding UCX's public key can write a bundle, so its strings are untrusted.
func clean(s string) string { return flows.Sanitize(s) }

func runKeygen(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	out := fs.String("o", defaultIdentityFile, "write the identity (secret key) to `file`, never overwritten")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: ucx-onboard keygen [-o FILE]\n\nCreate an age identity for UCX Suite to receive bundles with. The identity\n(secret) goes to FILE with mode 0600; the public recipient, to give to field\nengineers, is printed on stdout.\n\nFlags:\n")
		printFlags(fs.Output(), fs)
	}
	pos, err := parseInterspersed(fs, args, e, "ucx-onboard keygen")
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError("keygen takes no arguments (use -o FILE)")
	}
	if *out == "" || *out == "-" {
		return usageError("keygen writes the identity to a file, never to stdout: give -o FILE")
	}
	rcp, err := store.GenerateIdentityFile(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "wrote identity to %s (mode 0600): keep it private; it opens every bundle sealed to it\n", *out)
	fmt.Fprintf(e.stderr, "public recipient (give it to field engineers: ucx-onboard --recipient KEY):\n")
	_, err = fmt.Fprintln(e.stdout, rcp)
	return err
}
