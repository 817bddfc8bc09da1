package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"filippo.io/age"
	"github.com/charmbracelet/lipgloss"
	"golang.org/x/term"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/flows/webextest"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui"
)

// Exit codes of the wizard besides 0 (bundle written) and 1 (error).
const (
	exitUsage   = 2   // bad flags or a bad --customer file
	exitAborted = 130 // the engineer quit; progress kept as a draft
)

// Demo settings: a code is approved this long after it is shown, and the
// fake asks for polls this often.
const (
	demoAutoApprove   = 4 * time.Second
	demoInterval      = 2 * time.Second
	demoIdentityName  = "ucx-onboard-demo-identity.txt"
	demoStateSubdir   = "demo"
	reachabilityCheck = "Webex API reachable"
)

// runWizard parses the wizard's flags, assembles its dependencies (real
// Webex, or an in-process fake with --demo) and runs it.
func runWizard(ctx context.Context, e env, args []string) error {
	var o wizardOptions
	fs := wizardFlags(&o, e.stderr, e.getenv)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &exitError{exitUsage, errSilent}
	}
	if fs.NArg() > 0 {
		return &exitError{exitUsage, fmt.Errorf("unknown command %q (see ucx-onboard --help)", fs.Arg(0))}
	}

	if !o.accessible && !isTerminal(e.stdin) {
		return &exitError{exitUsage, errors.New("the wizard needs a terminal: stdin is not one (use --accessible for plain prompts)")}
	}
	w, err := newWizard(ctx, e, o)
	if err != nil {
		return err
	}
	defer w.close()

	res, err := tui.Run(ctx, w.deps, tui.Options{In: e.stdin, Out: e.stdout})
	switch {
	case res.Receipt != nil:
		if !w.deps.Accessible {
			// The accessible flow printed its Done summary on stdout
			// already; the screen's is gone with the alternate screen.
			printReceipt(e, *res.Receipt, w.deps.OpenHint)
		}
		if res.DraftRemoveErr != nil {
			fmt.Fprintf(e.stderr, "ucx-onboard: the bundle is written, but its draft (with tokens) could not be deleted: %v\nhint: delete draft %s in %s\n",
				res.DraftRemoveErr, res.DraftID, w.stateDir)
			return &exitError{1, errSilent}
		}
		return err
	case errors.Is(err, tui.ErrInternal):
		fmt.Fprintf(e.stderr, "ucx-onboard: internal error: %v\n", err)
		reportDraft(e, res, w.stateDir)
		return &exitError{1, errSilent}
	case errors.Is(err, tui.ErrUserAborted):
		fmt.Fprintln(e.stderr, "ucx-onboard: stopped")
		reportDraft(e, res, w.stateDir)
		return &exitError{exitAborted, errSilent}
	case errors.Is(err, tui.ErrPreflightBlocked):
		return &exitError{1, errors.New("stopped at the preflight checks: no customer data was entered and no code was shown")}
	}
	return err
}

// reportDraft tells the engineer what became of the progress when the
// wizard stopped before COMPLETE REQUEST.
func reportDraft(e env, res tui.Result, stateDir string) {
	switch {
	case res.DraftSaveErr != nil && res.DraftID != "":
		fmt.Fprintf(e.stderr, "ucx-onboard: the latest progress could not be saved (%v); draft %s holds an earlier state\n", res.DraftSaveErr, res.DraftID)
	case res.DraftSaveErr != nil:
		fmt.Fprintf(e.stderr, "ucx-onboard: the progress could not be saved: %v\n", res.DraftSaveErr)
		return
	case res.DraftID != "":
		fmt.Fprintf(e.stderr, "ucx-onboard: the progress is kept as draft %s\n", res.DraftID)
	default:
		return
	}
	fmt.Fprintf(e.stderr, "hint: run ucx-onboard again with the same --state-dir (%s) to resume it\n", stateDir)
}

// wizard is the assembled dependencies of one run.
type wizard struct {
	deps     tui.Deps
	stateDir string
	close    func()
}

// newWizard builds the dependencies. Problems the engineer can fix while
// the wizard runs (missing secrets, no network, a bad recipient, an
// unwritable output folder) become preflight checks; a bad --customer file
// is a usage error, reported before the screen opens.
func newWizard(ctx context.Context, e env, o wizardOptions) (*wizard, error) {
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

	getenv := e.getenv
	baseURL := o.webexURL
	httpClient := flows.NewHTTPClient(deps.Version)
	var catalog flows.Catalog
	var catalogErr error
	if o.demo {
		srv := webextest.NewServer(webextest.Options{
			Integrations: webextest.DemoIntegrations(),
			Interval:     demoInterval,
			AutoApprove:  demoAutoApprove,
			Org:          webextest.Org{ID: "demo-org", Name: "Demo Customer Ltd", Users: 240},
			Approver: webextest.Person{ID: "demo-admin", Email: "admin@demo.example", DisplayName: "Demo Admin",
				OrgID: "demo-org", Roles: []string{webextest.FullAdminRole}},
		})
		w.close = srv.Close
		baseURL, httpClient = srv.URL, srv.Client()
		getenv = demoGetenv(getenv)
		catalog, catalogErr = flows.ParseCatalog(bytes.NewReader(webextest.DemoCatalogJSON()), "", getenv)
		if deps.Prefill == nil {
			deps.Prefill = &store.Customer{Company: "Demo Customer Ltd", AdminEmail: "admin@demo.example",
				Deployment: store.DeploymentCloud, Engineer: "Demo Engineer"}
		}
	} else if o.appsFile != "" {
		catalog, catalogErr = loadCatalog(o.appsFile, getenv)
	} else {
		catalog, catalogErr = flows.DefaultCatalog(getenv)
	}
	deps.Apps = catalog.Apps

	client, clientErr := flows.NewClient(flows.Config{BaseURL: baseURL, HTTPClient: httpClient})
	if clientErr != nil {
		return nil, &exitError{exitUsage, fmt.Errorf("--webex-url: %v", clientErr)}
	}
	deps.Authorizer = client
	// The preflight's own client. (Retries are reported per call since
	// Config.OnRetry went away, so client would do as well.)
	verifier, err := flows.NewClient(flows.Config{BaseURL: baseURL, HTTPClient: httpClient})
	if err != nil {
		return nil, &exitError{exitUsage, fmt.Errorf("--webex-url: %v", err)}
	}

	// Protection: recipients from the flags, a demo identity, or a
	// passphrase asked on the review screen.
	keys := append([]string(nil), o.recipients...)
	var protErr error
	if o.recipientsFile != "" {
		more, err := store.ParseRecipientsFile(o.recipientsFile)
		if err != nil {
			protErr = err
		}
		keys = append(keys, more...)
	}
	outDir := "."
	if o.out != "" {
		outDir = filepath.Dir(o.out)
	}
	var demoIdentity string
	if o.demo && len(keys) == 0 && protErr == nil {
		demoIdentity = filepath.Join(outDir, demoIdentityName)
		recipient, err := demoRecipient(demoIdentity)
		if err != nil {
			protErr = err
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
	deps.WriteBundle = func(path string, b store.Bundle, pass store.Secret) (store.Receipt, error) {
		p := protection
		if !pass.IsZero() {
			var err error
			if p, err = store.NewPassphraseProtection(pass); err != nil {
				return store.Receipt{}, err
			}
		}
		if o.out != "" {
			return store.WriteBundle(path, b, p) // the engineer's name: never another
		}
		return writeBundleFreeName(path, b, p)
	}
	deps.OpenHint = func(r store.Receipt) string {
		if demoIdentity != "" { // the newcomer looks at the result, tokens left out
			return fmt.Sprintf("ucx-onboard inspect %s -i %s", r.BundlePath, demoIdentity)
		}
		id := "-i IDENTITY"
		if r.Passphrase {
			id = "(asks for the passphrase)"
		}
		return fmt.Sprintf("ucx-onboard open %s %s | <UCX Suite import>", r.BundlePath, id)
	}
	if o.out != "" {
		deps.OutPath = func(string, time.Time) string { return o.out }
	}

	// Drafts live in the state directory; the demo keeps its own.
	stateDir := o.stateDir
	var draftsErr error
	if stateDir == "" {
		stateDir, draftsErr = store.DefaultStateDir()
		if o.demo && draftsErr == nil {
			stateDir = filepath.Join(stateDir, demoStateSubdir)
		}
	}
	if draftsErr == nil {
		drafts, err := store.OpenDrafts(stateDir, nil)
		if err == nil {
			deps.Drafts = drafts
			// Bundle temporary files of killed runs (never a live
			// writer's) go at the start too.
			_, _ = store.RemoveStaleTemps(outDir)
		}
		draftsErr = err
	}

	w.stateDir = stateDir
	deps.Preflight = func(ctx context.Context) []tui.Check {
		checks := []tui.Check{catalogCheck(deps.Apps, catalogErr, o)}
		checks = append(checks, webexChecks(ctx, verifier, deps.Apps, baseURL, catalogSource(o), getenv)...)
		return append(checks,
			protectionCheck(deps.Protection, protErr),
			outputCheck(o.out, outDir),
			draftsCheck(stateDir, draftsErr),
		)
	}

	if !o.accessible && isTerminal(e.stdout) {
		// Ask the terminal once, before the program starts: View never does.
		deps.DarkBackground = lipgloss.HasDarkBackground()
	}
	return w, nil
}

// maxNameTries bounds the search for a free default bundle name.
const maxNameTries = 100

// writeBundleFreeName writes the bundle under path or, when a file of that
// name exists (the same company onboarded twice in a day), under the first
// free "<name>-2.ucxbundle", "<name>-3.ucxbundle", ... Nothing is ever
// overwritten: store.WriteBundle refuses existing names atomically.
func writeBundleFreeName(path string, b store.Bundle, p store.Protection) (store.Receipt, error) {
	ext := filepath.Ext(path)
	stem := strings.TrimSuffix(path, ext)
	name := path
	for i := 2; ; i++ {
		r, err := store.WriteBundle(name, b, p)
		// r.BundlePath is set once the bundle is on disk (a taken receipt
		// name fails after that): never write a second bundle then.
		if !errors.Is(err, store.ErrExists) || r.BundlePath != "" || i > maxNameTries {
			return r, err
		}
		name = fmt.Sprintf("%s-%d%s", stem, i, ext)
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

// demoGetenv supplies the fake server's demo client secrets, which exist
// only inside this process.
func demoGetenv(getenv func(string) string) func(string) string {
	secrets := map[string]string{}
	for _, a := range webextest.DemoApps() {
		secrets[a.SecretEnv] = a.ClientSecret
	}
	return func(k string) string {
		if v, ok := secrets[k]; ok {
			return v
		}
		return getenv(k)
	}
}

// demoRecipient returns the public key of the demo identity at path,
// creating the identity the first time.
func demoRecipient(path string) (string, error) {
	recipient, err := store.GenerateIdentityFile(path)
	if !errors.Is(err, store.ErrExists) {
		return recipient, err
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	ids, err := age.ParseIdentities(f)
	if err == nil && len(ids) == 1 {
		if x, ok := ids[0].(*age.X25519Identity); ok {
			return x.Recipient().String(), nil
		}
	}
	return "", fmt.Errorf("%s is not a demo identity (one age X25519 key); remove it to get a new one", path)
}

// catalogSource names where the apps come from, for the checks.
func catalogSource(o wizardOptions) string {
	switch {
	case o.demo:
		return "the demo catalog"
	case o.appsFile != "":
		return o.appsFile
	}
	return "the built-in catalog"
}

func catalogCheck(apps []flows.App, err error, o wizardOptions) tui.Check {
	ck := tui.Check{Name: "App catalog and client secrets", OK: err == nil, Blocking: true}
	source := catalogSource(o)
	if err == nil {
		ck.Detail = fmt.Sprintf("%d apps from %s, every secret present", len(apps), source)
		return ck
	}
	ck.Detail = flows.Sanitize(strings.ReplaceAll(err.Error(), "\n", "; "))
	ck.Fix = "set the environment variables named above (secrets are never taken as flags), or pass --apps FILE"
	return ck
}

// reachCheck pings the Webex API. Unreachable is a warning, not a block:
// the engineer may go on (e.g. enter the customer's data while the
// network is fixed); the authorization screens say it again.
func reachCheck(ctx context.Context, c *flows.Client, base string, getenv func(string) string) tui.Check {
	ck := tui.Check{Name: reachabilityCheck}
	if err := c.Ping(ctx); err != nil {
		ck.Detail = err.Error()
		ck.Fix = "UCX onboarding needs HTTPS to " + base + "; check the network"
		if getenv("HTTPS_PROXY") != "" || getenv("https_proxy") != "" {
			ck.Fix += " and the proxy in HTTPS_PROXY"
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
func webexChecks(ctx context.Context, c *flows.Client, apps []flows.App, base, source string, getenv func(string) string) []tui.Check {
	ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	checks := make([]tui.Check, 1+len(apps))
	var pingFailed atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1 + len(apps))
	go func() {
		defer wg.Done()
		checks[0] = reachCheck(ctx, c, base, getenv)
		if !checks[0].OK {
			pingFailed.Store(true)
			cancel()
		}
	}()
	for i, app := range apps {
		go func() {
			defer wg.Done()
			res, err := c.Verify(ctx, app)
			checks[1+i] = verifyCheck(app, res, err, pingFailed.Load(), source)
		}()
	}
	wg.Wait()
	return checks
}

// verifyCheck words the outcome of flows.Client.Verify for one app: what
// Webex answered, what it means, and what to fix. A refused client_id or
// scopes and a rejected secret block; everything that leaves the
// credentials unconfirmed is a warning ("not verified"), and the engineer
// may go on.
func verifyCheck(app flows.App, res flows.VerifyResult, err error, pingFailed bool, source string) tui.Check {
	ck := tui.Check{Name: "Webex accepts " + app.Name}
	// Names are cut to fit the screen: the detail starts with the app's id.
	say := func(format string, args ...any) {
		ck.Detail = app.ID + ": " + fmt.Sprintf(format, args...)
	}
	retry := "press r to check again, or go on"
	if err != nil {
		switch {
		case pingFailed:
			// The reachability check says why and what to do; one line
			// per app is enough.
			say("not verified (see above)")
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
		ck.OK = true
		say("client_id, scopes, secret OK")
	case flows.VerifyApproved:
		ck.OK = true
		say("client secret accepted; Webex even issued a token for the test code nobody was shown (dropped, not kept)")
	case flows.VerifyClientRefused:
		ck.Blocking = true
		field := strings.ReplaceAll(res.Field, "/", " or ")
		say("client id or scopes refused: Webex does not accept the %s of this app%s", field, cause)
		switch res.Field {
		case "client_id":
			ck.Fix = fmt.Sprintf("correct client_id of app %s in %s: the integration ID is %s", app.ID, source, app.ClientID)
		case "scopes":
			ck.Fix = fmt.Sprintf("correct scopes of app %s in %s to those the integration holds", app.ID, source)
		default:
			ck.Fix = fmt.Sprintf("check client_id (%s) and scopes of app %s in %s against the integration", app.ClientID, app.ID, source)
		}
		ck.Fix += "; pass the corrected catalog with --apps and start again"
	case flows.VerifySecretRejected:
		ck.Blocking = true
		src := res.SecretSource
		if src == "" {
			src = "the client secret (" + res.Field + ")"
		}
		say("secret rejected: fix %s%s", src, cause)
		ck.Fix = fmt.Sprintf("set %s to the app's client secret", src)
		if strings.HasPrefix(src, "file ") {
			ck.Fix = fmt.Sprintf("put the app's client secret in %s", src)
		}
		ck.Fix += " and start again (secrets are read at start)"
	case flows.VerifyUnreachable:
		if pingFailed {
			say("not verified (see above)")
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

func protectionCheck(p tui.Protection, err error) tui.Check {
	ck := tui.Check{Name: "Bundle protection", OK: err == nil, Blocking: true}
	switch {
	case err != nil:
		ck.Detail = err.Error()
		ck.Fix = "give age (age1...) or SSH public keys with --recipient or --recipients-file"
	case p.Passphrase:
		ck.Detail = "passphrase, entered twice before COMPLETE REQUEST (no --recipient given)"
	default:
		ck.Detail = p.Describe
	}
	return ck
}

// outputCheck checks that the bundle's folder is writable and, with --out,
// that neither the bundle nor its receipt (out+store.ReceiptSuffix) exists
// yet: store.WriteBundle refuses both, and never overwrites. Without --out
// the wizard picks a free name itself.
func outputCheck(out, dir string) tui.Check {
	ck := tui.Check{Name: "Output folder", Blocking: true}
	abs, _ := filepath.Abs(dir)
	if out != "" {
		for _, f := range []string{out, out + store.ReceiptSuffix} {
			if _, err := os.Lstat(f); err == nil {
				ck.Detail = f + " exists already"
				ck.Fix = "bundles and receipts are never overwritten: move it away or choose another --out"
				return ck
			}
		}
	}
	f, err := os.CreateTemp(dir, ".ucx-onboard-check-*")
	if err != nil {
		ck.Detail = "cannot write in " + abs
		ck.Fix = "run from a writable folder or pass --out PATH"
		return ck
	}
	f.Close()
	os.Remove(f.Name())
	ck.OK = true
	ck.Detail = "writable: " + abs
	if out != "" {
		ck.Detail = "bundle will be " + out
	}
	return ck
}

func draftsCheck(dir string, err error) tui.Check {
	ck := tui.Check{Name: "Draft storage", OK: err == nil}
	if err != nil {
		ck.Detail = err.Error()
		ck.Fix = "progress will not survive a crash; pass --state-dir DIR to fix"
		return ck
	}
	ck.Detail = "approvals are kept (encrypted) in " + dir
	return ck
}

// printReceipt repeats the done screen on stdout once the alternate screen
// is gone, so the engineer can copy it into the ticket.
func printReceipt(e env, r store.Receipt, openHint func(store.Receipt) string) {
	fmt.Fprintf(e.stdout, "bundle:  %s\nsha256:  %s\nreceipt: %s\n", r.BundlePath, r.SHA256, r.ReceiptPath)
	for _, k := range r.Recipients {
		fmt.Fprintf(e.stdout, "sealed to: %s\n", k)
	}
	if r.Passphrase {
		fmt.Fprintln(e.stdout, "sealed with a passphrase")
	}
	if openHint != nil {
		fmt.Fprintf(e.stdout, "on the UCX side: %s\n", openHint(r))
	}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
