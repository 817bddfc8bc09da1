package main

// The wizard command: its flags checked, its dependencies assembled from
// them (real Webex, or the fake of --demo), and the run's outcome turned
// into an exit code and what the engineer is told.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui"
)

// Exit codes of the wizard besides 0 (bundle written) and 1 (error).
const (
	exitUsage   = 2   // bad flags or a bad --customer file
	exitAborted = 130 // the engineer quit; progress kept as a draft
)

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

	opts := tui.Options{In: e.stdin, Out: screen}
	if w.deps.Accessible && isTerminal(e.stdin) { // someone there to answer the quit question
		var release func()
		opts.CtrlC, release = e.ctrlC.take()
		defer release()
	}
	res, err := tui.Run(ctx, w.deps, opts)
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
