package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/lipgloss"
	"golang.org/x/term"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui"
	wizardcore "github.com/imagicle/ucx-onboard/tui/wizard"
)

// Exit codes of the wizard besides 0 (bundle written) and 1 (error).
const (
	exitUsage   = 2   // bad flags or a bad --customer file
	exitAborted = 130 // the engineer quit; progress kept as a draft
)

// reachabilityCheck names the preflight check that pings Webex.
const reachabilityCheck = "Webex API reachable"

// runWizard parses the wizard's flags, assembles its dependencies (real
// Webex, or an in-process fake with --demo) and runs it.
func runWizard(ctx context.Context, e env, args []string) (err error) {
	var o wizardOptions
	fs := wizardFlags(&o, e.stderr, e.getenv)
	if err := parseFlags(fs, args, e, "ucx-onboard"); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		fe := &flagError{msg: fmt.Sprintf("unknown command %q", fs.Arg(0)), hint: "run 'ucx-onboard --help' for the commands"}
		if s := suggestCommand(fs.Arg(0)); s != "" {
			fe.hint = "did you mean 'ucx-onboard " + s + "'? (" + fe.hint + ")"
		}
		return &exitError{exitUsage, fe}
	}

	if err := demoFlagsError(fs); err != nil {
		return err
	}

	// The flags and the files they name are checked first (newWizard), so
	// that a mistake in them is not hidden behind the terminal's.
	screen := screenOut(e)
	w, err := newWizard(ctx, e, o, screen)
	if err != nil {
		return err
	}
	defer w.close()
	if !o.accessible && !isTerminal(e.stdin) {
		return &exitError{exitUsage, errNeedsTerminal}
	}
	if !o.accessible && !isTerminal(screen) {
		return &exitError{exitUsage, errNeedsScreen}
	}
	if o.debug {
		l, lerr := openDebugLog(w.stateDir)
		if lerr != nil {
			fmt.Fprintf(e.stderr, "ucx-onboard: --debug: no log: %s\n", oneLine(lerr))
		} else {
			defer func() {
				l.Close()
				fmt.Fprintf(e.stderr, "ucx-onboard: debug log: %s\n", l.path)
			}()
			withDebugLog(&w.deps, l)
			w.shapes.set(l)
			defer w.shapes.set(nil) // before the log closes
			defer func() {
				if !errors.Is(err, errSilent) {
					l.Error("run", err)
				}
			}()
		}
	}

	res, err := tui.Run(ctx, w.deps, tui.Options{In: e.stdin, Out: screen})
	switch {
	case res.Receipt != nil:
		if !w.deps.Accessible || screen != e.stdout {
			// The screen's Done summary is gone with the alternate
			// screen, or went to the terminal while stdout is redirected;
			// the accessible flow printed its own on stdout.
			printReceipt(e, *res.Receipt, w.deps.OpenHint)
		}
		if res.DraftRemoveErr != nil {
			fmt.Fprintf(e.stderr, "ucx-onboard: the bundle is written, but its draft (with tokens) could not be deleted: %v\nhint: delete draft %s in %s\n",
				plainWords(res.DraftRemoveErr.Error()), res.DraftID, w.stateDir)
			return &exitError{1, errSilent}
		}
		return err
	case errors.Is(err, tui.ErrInternal):
		fmt.Fprintf(e.stderr, "ucx-onboard: internal error: %v\n", err)
		reportDraft(e, res, w.stateDir, resumeCommand(fs, hostShell))
		return &exitError{1, errSilent}
	case errors.Is(err, tui.ErrUserAborted):
		fmt.Fprintln(e.stderr, "ucx-onboard: stopped")
		reportDraft(e, res, w.stateDir, resumeCommand(fs, hostShell))
		return &exitError{exitAborted, errSilent}
	case errors.Is(err, tui.ErrPreflightBlocked):
		// Stopped by the engineer like any quit (130), here with a check
		// that failed: nothing to resume.
		return &exitError{exitAborted, errors.New("stopped at the preflight checks: no customer data was entered and no code was shown")}
	}
	return err
}

// Without a terminal the full-screen wizard cannot run (exit 2).
var (
	errNeedsTerminal = errors.New("the wizard needs a terminal: stdin is not one (use --accessible for plain prompts)")
	errNeedsScreen   = errors.New("the wizard needs a terminal to draw on: neither stdout nor stderr is one (use --accessible for plain prompts)")
)

// screenOut is where the wizard draws: stdout when it is a terminal; else
// stderr when that is one, so that "ucx-onboard --demo > summary.txt" draws
// on the terminal and leaves only the summary in the file (as gh and fzf
// do); else stdout (the accessible flow writing to a pipe or a file).
func screenOut(e env) io.Writer {
	if !isTerminal(e.stdout) && isTerminal(e.stderr) {
		return unredacted(e.stderr).(io.Writer) // the wizard redacts what it draws
	}
	return e.stdout
}

// wizard is the assembled dependencies of one run.
type wizard struct {
	deps     tui.Deps
	stateDir string
	close    func()
	// shapes takes the shapes of the Webex exchanges (--debug only; nil
	// otherwise) to the debug log once it is open.
	shapes *shapeSink
}

// newWizard builds the dependencies. Problems with the flags and the
// files they name, which cannot change while the wizard runs (a bad
// --customer, --apps, --recipient or --recipients-file, an --out that is a
// folder or in a missing folder, a demo identity that cannot be used), are
// usage errors (exit 2) reported before the screen opens; the rest (missing
// secrets, no network, a taken or unwritable output path, drafts) become
// preflight checks, those read at start marked tui.Check.AtStart. The parts come from
// their own builders: startDemo (the in-process fake Webex of --demo),
// buildProtection (recipients and the bundle writer), buildDrafts (the
// state directory) and buildPreflight (the checks).
func newWizard(ctx context.Context, e env, o wizardOptions, screen io.Writer) (*wizard, error) {
	w := &wizard{close: func() {}}
	deps := &w.deps
	deps.Version = toolVersion()
	deps.Demo = o.demo
	deps.Accessible = o.accessible

	if o.customerFile != "" {
		c, err := readCustomer(o.customerFile)
		if err != nil {
			return nil, &exitError{exitUsage, err}
		}
		deps.Prefill = &c
	}

	if err := outFlagError(o.out); err != nil {
		return nil, err
	}

	getenv := e.getenv
	baseURL := o.webexURL
	httpClient := flows.NewHTTPClient(deps.Version)
	var catalog flows.Catalog
	var catalogErr error
	if o.demo {
		d := startDemo(getenv)
		w.close = d.close
		baseURL, httpClient = d.baseURL, d.httpClient
		catalog, catalogErr = d.catalog, d.catalogErr
		if deps.Prefill == nil {
			deps.Prefill = demoCustomer()
		}
	} else if o.appsFile != "" {
		// An app without its secret stops only itself (a check).
		catalog, catalogErr = flows.LoadCatalogApps(o.appsFile, getenv)
	} else {
		catalog, catalogErr = flows.DefaultCatalogApps(getenv)
	}
	if o.debug {
		// --debug: the shape of every Webex exchange goes to the log,
		// once it is open (shapeSink).
		w.shapes = &shapeSink{}
		hc := *httpClient
		hc.Transport = &flows.ShapeTransport{Next: hc.Transport, Record: w.shapes.record}
		httpClient = &hc
	}
	deps.Apps = catalog.Apps
	if catalogErr != nil && !onlySecretsMissing(catalogErr) {
		// The --apps file itself is wrong: nothing to check before it is
		// corrected.
		return nil, &exitError{exitUsage, &startError{err: fmt.Errorf("--apps: %s", oneLine(catalogErr)), fix: strings.TrimSuffix(catalogFix(catalogErr, o), catalogAgain)}}
	}

	client, clientErr := flows.NewClient(flows.Config{BaseURL: baseURL, HTTPClient: httpClient})
	if clientErr != nil {
		return nil, &exitError{exitUsage, fmt.Errorf("--webex-url: %v", clientErr)}
	}
	deps.Authorizer = client

	outDir := bundleDir(o)
	if protErr := buildProtection(deps, o, outDir); protErr != nil {
		// Keys come from flags and files read once: r would read the same.
		return nil, protectionStartError(protErr)
	}
	stateDir, draftsErr := buildDrafts(deps, o, outDir)
	w.stateDir = stateDir
	deps.Preflight = buildPreflight(preflightInputs{
		opts:       o,
		apps:       deps.Apps,
		catalogErr: catalogErr,
		client:     client,
		baseURL:    baseURL,
		protection: deps.Protection,
		outDir:     outDir,
		stateDir:   stateDir,
		draftsErr:  draftsErr,
		recorded:   recordedBy(deps.Drafts),
	})

	if !o.accessible && isTerminal(screen) {
		// Colours are those of the terminal drawn on (stderr when stdout
		// is redirected). The background is decided without asking the
		// terminal (darkBackground), so the start never waits for one
		// that does not answer.
		deps.DarkBackground = darkBackground(e.getenv)
		if screen != e.stdout {
			r := lipgloss.NewRenderer(screen)
			r.SetHasDarkBackground(deps.DarkBackground)
			lipgloss.SetDefaultRenderer(r)
		}
	}
	return w, nil
}

// darkBackground tells whether the terminal's background is dark from
// COLORFGBG ("fg;bg" or "fg;other;bg", ANSI colour numbers: 7 and 9-15
// are light), as rxvt, Konsole and others set it; without it, dark, as
// most terminals are by default. The terminal is not asked (OSC 11):
// many answer at once, but some SSH clients and consoles never do, and
// termenv waits 5 s for them; an answer that comes late would be read as
// typed keys. Only the accent colours depend on it: the QR code brings
// its own black and white.
func darkBackground(getenv func(string) string) bool {
	v := getenv("COLORFGBG")
	if v == "" {
		return true
	}
	fields := strings.Split(v, ";")
	bg, err := strconv.Atoi(fields[len(fields)-1])
	if err != nil || bg < 0 || bg > 15 {
		return true
	}
	return bg != 7 && bg < 9
}

// preflightInputs is what the preflight checks look at: the outcome of
// each builder, and the Webex the checks ask.
type preflightInputs struct {
	opts       wizardOptions
	apps       []flows.App
	catalogErr error
	client     *flows.Client
	baseURL    string
	protection tui.Protection
	outDir     string
	stateDir   string
	draftsErr  error
	// recorded tells an --out that a draft recorded as its bundle.
	recorded func(path string) bool
}

// buildPreflight returns the wizard's preflight: the catalog check, the
// Webex checks (reachability and one per app), then protection, output
// folder and drafts, in that order.
func buildPreflight(in preflightInputs) func(context.Context) []tui.Check {
	return func(ctx context.Context) []tui.Check {
		checks := []tui.Check{catalogCheck(in.apps, in.catalogErr, in.opts)}
		checks = append(checks, webexChecks(ctx, in.client, in.apps, in.baseURL, catalogSource(in.opts))...)
		return append(checks,
			protectionCheck(in.protection, nil),
			outputCheck(in.opts.out, in.outDir, in.recorded),
			draftsCheck(in.stateDir, in.draftsErr),
		)
	}
}

// readCustomer reads a --customer prefill file, which must be a regular
// file (a named pipe or a device is refused before any read; ParseCustomer
// reads at most 1 MiB).
func readCustomer(path string) (store.Customer, error) {
	f, err := store.OpenRegular(path)
	if err != nil {
		return store.Customer{}, fmt.Errorf("--customer: %w", err)
	}
	defer f.Close()
	c, err := store.ParseCustomer(f)
	if err != nil {
		return store.Customer{}, fmt.Errorf("--customer %s: %w", path, err)
	}
	return c, nil
}

// startError is a problem with the wizard's flags or the files they name,
// found before the screen opens: exit 2, the problem on one line and its
// fix as the hint.
type startError struct {
	err error
	fix string
}

func (e *startError) Error() string { return e.err.Error() }
func (e *startError) Unwrap() error { return e.err }

// startHint returns the fix carried by a *startError in err, or "".
func startHint(err error) string {
	var se *startError
	if errors.As(err, &se) {
		return se.fix
	}
	return ""
}

// oneLine is err's text on one line, sanitized, without the package
// prefixes ("store: ", "catalog: ") that only say where it came from.
func oneLine(err error) string {
	if err == nil {
		return ""
	}
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	for _, p := range []string{"store: ", "catalog: ", "flows: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return flows.Sanitize(msg)
}

// reachCheck pings the Webex API. Unreachable is a warning, not a block:
// the engineer may go on (e.g. enter the customer's data while the
// network is fixed); the authorization screens say it again. The fix
// names the proxy only when the ping went through one (flows.Client.Proxy,
// the route the error names): not when NO_PROXY sent it direct.
func reachCheck(ctx context.Context, c *flows.Client, base string) tui.Check {
	ck := tui.Check{Name: reachabilityCheck}
	if err := c.Ping(ctx); err != nil {
		ck.Detail = wizardcore.ErrorText(err) // the route is in the fix
		ck.Fix = "UCX onboarding needs HTTPS to " + base + "; check the network"
		switch proxy, env := c.Proxy(); {
		case env != "":
			ck.Fix += " and the proxy in " + env
		case proxy == "(not usable)":
			ck.Fix += " and the proxy setting"
		case proxy != "":
			ck.Fix += " and the proxy " + proxy
		}
		ck.Fix += ", then press r"
		return ck
	}
	ck.OK = true
	ck.Detail = base + " answers"
	return ck
}

// verifyTimeout bounds the Webex checks of one preflight run. When Webex
// answers they take about one poll interval (2 s at Webex); an app still
// unanswered then is "not verified".
const verifyTimeout = 20 * time.Second

// webexChecks runs the reachability check and, in parallel, one
// flows.Client.Verify per app (each in about one interval), and returns
// the reachability check followed by one check per app, in catalog order.
// When the ping fails the verifications still running are stopped: their
// apps are "not verified".
func webexChecks(ctx context.Context, c *flows.Client, apps []flows.App, base, source string) []tui.Check {
	ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	checks := make([]tui.Check, 1+len(apps))
	var pingFailed atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1 + len(apps))
	go func() {
		defer wg.Done()
		checks[0] = reachCheck(ctx, c, base)
		if !checks[0].OK {
			pingFailed.Store(true)
			cancel()
		}
	}()
	for i, app := range apps {
		if app.Secret.IsZero() {
			// No secret to verify (the catalog check says why): this
			// app cannot be authorized; the others can.
			wg.Done()
			checks[1+i] = missingSecretCheck(app)
			continue
		}
		go func() {
			defer wg.Done()
			res, err := c.Verify(ctx, app)
			checks[1+i] = verifyCheck(app, res, err, pingFailed.Load(), source)
		}()
	}
	wg.Wait()
	return checks
}

// missingSecretCheck is the check of an app whose client secret is not
// available: it stops that app only.
func missingSecretCheck(app flows.App) tui.Check {
	src := app.SecretSource
	if src == "" {
		src = "its client secret"
	}
	ck := tui.Check{Name: appCheckName(app.ID), App: app.ID, AppBlocked: true, AtStart: true}
	ck.Detail = "secret missing: fix " + src
	ck.Fix = fmt.Sprintf("set %s to the app's client secret", src)
	if strings.HasPrefix(src, "file ") {
		ck.Fix = fmt.Sprintf("put the app's client secret in %s", src)
	}
	ck.Fix += " and start again (secrets are read at start), or go on without this app"
	return ck
}

// appCheckName names the preflight check of one catalog app.
func appCheckName(id string) string { return "App " + id }

// pendingNote explains, once below the checks, why an app Webex answered
// "pending" for has its secret "not proven yet".
const pendingNote = "Webex answers a test code with \"pending\" without looking at the client secret: " +
	"a wrong secret shows only when the customer's approval is redeemed."

// approvedNote explains, once below the checks, how a secret was proven
// (Webex approved a test code, which happens when the fake or a test org
// approves at once) and that the token was not kept.
const approvedNote = "Where the secret is \"accepted\", Webex issued a token for the test code: it was dropped, not kept."

// fieldWords names a catalog field Webex refused in plain words.
func fieldWords(field string) string {
	switch field {
	case "client_id":
		return "client ID"
	case "scopes":
		return "permissions (scopes)"
	}
	return "client ID or permissions (scopes)"
}

// verifyCheck words the outcome of flows.Client.Verify for one app: what
// Webex answered, what it means, and what to fix, claiming only what was
// seen: "pending" is "secret not rejected", only a token is "secret OK".
// A refused client_id or scopes and a rejected secret stop that app only
// (AppBlocked: "cannot be authorized"); everything that leaves the
// credentials unconfirmed is a warning ("not verified"), and the engineer
// may go on.
func verifyCheck(app flows.App, res flows.VerifyResult, err error, pingFailed bool, source string) tui.Check {
	// Named by the app's short id: an app's full name would be cut to fit
	// the screen's name column.
	ck := tui.Check{Name: appCheckName(app.ID)}
	say := func(format string, args ...any) {
		ck.Detail = fmt.Sprintf(format, args...)
	}
	retry := "press r to check again, or go on"
	if err != nil {
		switch {
		case pingFailed:
			// The reachability check says why and what to do; one line
			// per app is enough.
			say("not checked: Webex cannot be reached (see above)")
			return ck
		case errors.Is(err, context.DeadlineExceeded):
			say("not verified: Webex did not answer within %v", verifyTimeout)
		default:
			say("not checked: %s", verifyText(app, err))
		}
		ck.Fix = retry
		return ck
	}
	cause := ""
	if res.Err != nil {
		cause = " (" + verifyCause(app, res.Err, res.Outcome != flows.VerifySecretRejected) + ")"
	}
	switch res.Outcome {
	case flows.VerifyAccepted:
		// Pending says nothing of the secret where Webex checks it only
		// at redemption (undocumented): claim only what was seen.
		ck.OK = true
		say("client ID and permissions accepted; secret not proven yet")
		ck.Note = pendingNote
	case flows.VerifyApproved:
		ck.OK = true
		say("client ID, permissions and secret accepted")
		ck.Note = approvedNote
	case flows.VerifyClientRefused:
		// Only this app stops; the catalog is read at start.
		ck.App, ck.AppBlocked, ck.AtStart = app.ID, true, true
		say("Webex refuses its %s%s", fieldWords(res.Field), cause)
		switch res.Field {
		case "client_id":
			ck.Fix = fmt.Sprintf("correct client_id of app %s in %s: the integration ID is %s", app.ID, source, app.ClientID)
		case "scopes":
			ck.Fix = fmt.Sprintf("correct scopes of app %s in %s to those the integration holds", app.ID, source)
		default:
			ck.Fix = fmt.Sprintf("check client_id (%s) and scopes of app %s in %s against the integration", app.ClientID, app.ID, source)
		}
		ck.Fix += "; pass the corrected catalog with --apps and start again, or go on without this app"
	case flows.VerifySecretRejected:
		// Only this app stops; secrets are read at start.
		ck.App, ck.AppBlocked, ck.AtStart = app.ID, true, true
		src := res.SecretSource
		if src == "" {
			src = "the client secret (" + res.Field + ")"
		}
		say("secret rejected: fix %s%s", src, cause)
		ck.Fix = fmt.Sprintf("set %s to the app's client secret", src)
		if strings.HasPrefix(src, "file ") {
			ck.Fix = fmt.Sprintf("put the app's client secret in %s", src)
		}
		ck.Fix += " and start again (secrets are read at start), or go on without this app"
	case flows.VerifyUnreachable:
		if pingFailed {
			say("not checked: Webex cannot be reached (see above)")
			return ck
		}
		say("not verified: no usable answer from Webex%s", cause)
		ck.Fix = retry
	case flows.VerifyDenied:
		say("not verified: Webex answered \"access denied\" to a test code nobody was shown, so the integration may be blocked or disabled%s", cause)
		ck.Fix = "go on: if the customer's authorization is denied too, allow integration " + app.ClientID + " in Control Hub (Apps > Integrations)"
	default:
		say("not verified: unexpected answer%s", cause)
		ck.Fix = retry
	}
	return ck
}

// maxCauseLen cuts Webex's message in a check: the screen has room for
// about 20 lines of checks.
const maxCauseLen = 100

// verifyCause is what Webex answered, short: "HTTP 400 invalid_scope:
// <message>" (the message only withMessage), without the trackingId; a
// failure without an answer as verifyText words it.
func verifyCause(app flows.App, err error, withMessage bool) string {
	var we *flows.WebexError
	if !errors.As(err, &we) {
		return verifyText(app, err)
	}
	s := fmt.Sprintf("HTTP %d", we.Status)
	if we.Code != "" {
		s += " " + we.Code
	}
	if msg := []rune(we.Message); withMessage && len(msg) > 0 && !strings.EqualFold(we.Message, we.Code) {
		if len(msg) > maxCauseLen {
			msg = append(msg[:maxCauseLen], '…')
		}
		s += ": " + string(msg)
	}
	return s
}

// verifyText is a Verify error or cause in one line, without the
// "flows: <app>: start:" prefix of Start's errors.
func verifyText(app flows.App, err error) string {
	msg := err.Error()
	for _, p := range []string{"flows: " + app.ID + ": start: ", "flows: " + app.ID + ": verify: ", "flows: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return flows.Sanitize(strings.ReplaceAll(msg, "\n", "; "))
}

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	f, ok := unredacted(w).(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
