// Command ucx-onboard connects a customer's Webex organization to Imagicle
// UCX Suite: a terminal wizard runs one OAuth device authorization per
// Imagicle app and writes an age-encrypted bundle for UCX Suite.
//
// Output rules: results go to stdout, everything else (progress, errors,
// hints) to stderr; the wizard's screen goes to the terminal, stderr when
// stdout is redirected. Help (-h, --help) is a result: stdout. Errors are one line, prefixed "ucx-onboard:", lowercase,
// with "hint:" lines after them where there is a fix. No token, device code
// or client secret is ever printed. main is the only place that calls
// os.Exit.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"syscall"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/imagicle/ucx-onboard/internal/quietstart"
)

// version is set by a release build (.ci/release) with
// -ldflags "-X main.version=v1.2.3".
var version = ""

// toolVersion is the version printed by --version and recorded in bundles,
// receipts and the User-Agent: see versionFrom.
func toolVersion() string {
	bi, _ := debug.ReadBuildInfo()
	return versionFrom(version, bi)
}

// versionFrom returns the version stamped at link time; else the module
// version from the build info (go install pkg@v1.2.3, or the pseudo-version
// go build derives from the VCS, "+dirty" for uncommitted changes); else
// "dev-" and the first 12 digits of the VCS revision ("-dirty" for
// uncommitted changes); else "dev" (go run, or -buildvcs=false).
func versionFrom(stamped string, bi *debug.BuildInfo) string {
	if stamped != "" {
		return stamped
	}
	if bi == nil {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision":
			rev = s.Value
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = "-dirty"
		}
	}
	if rev == "" {
		return "dev"
	}
	return "dev-" + rev[:min(12, len(rev))] + dirty
}

// env is the process environment and standard streams, injectable for tests.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	ctrlC          *ctrlC // nil in tests run in-process
}

// command is one subcommand of ucx-onboard.
type command struct {
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

// commands lists the subcommands; the wizard runs when none is named.
var commands = map[string]command{
	"open":       {"decrypt a bundle and print its JSON (UCX side)", runOpen},
	"inspect":    {"summarize a bundle without printing any token (UCX side)", runInspect},
	"keygen":     {"create an age identity for receiving bundles (UCX side)", runKeygen},
	"fake-webex": {"run the fake Webex server for training, demos and manual tests", runFakeWebex},
	"version": {"print the version (also --version)", func(_ context.Context, e env, _ []string) error {
		_, err := fmt.Fprintln(e.stdout, "ucx-onboard", toolVersion())
		return err
	}},
}

// errSilent means the error was already reported to the user.
var errSilent = errors.New("silent")

// exitError carries a specific exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// main cancels the context on Ctrl-C, SIGTERM and SIGHUP (a dropped SSH
// session), so the wizard saves its draft and restores the terminal, and
// the passphrase prompt of open and inspect gives up, echo restored (exit
// 130); the accessible wizard takes Ctrl-C as the quit question (ctrlC). No input waits on its own: inputs are regular files
// (store.OpenRegular) read with a bound.
func main() {
	restoreTerm()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGHUP)
	ctx, c, stopCtrlC := watchCtrlC(ctx)
	e := env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, ctrlC: c}
	code := run(ctx, e, os.Args[1:])
	stopCtrlC()
	stop()
	os.Exit(code)
}

// restoreTerm undoes quietstart (TERM was "dumb" while the packages were
// initialised, so that Bubble Tea's init did not ask the terminal for its
// background) and drops what termenv and Lip Gloss derived from it.
func restoreTerm() {
	quietstart.Restore()
	termenv.SetDefaultOutput(termenv.NewOutput(os.Stdout))
	r := lipgloss.NewRenderer(os.Stdout)
	// Set, so that nothing (huh's prompts in --accessible, a View) asks
	// the terminal later.
	r.SetHasDarkBackground(darkBackground(os.Getenv))
	lipgloss.SetDefaultRenderer(r)
}

// run dispatches args and returns the process exit code.
func run(ctx context.Context, e env, args []string) int {
	// What goes to stderr holds no run of a secret the process holds
	// (stdout carries the bundle's tokens on purpose, for open).
	e.stderr = redactingWriter{e.stderr}
	var err error
	switch {
	case len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help"):
		usage(e.stdout)
		return 0
	case len(args) > 0 && (args[0] == "--version" || args[0] == "-version"):
		err = commands["version"].run(ctx, e, args[1:])
	case len(args) > 0 && commands[args[0]].run != nil:
		err = commands[args[0]].run(ctx, e, args[1:])
	default:
		err = runWizard(ctx, e, args)
	}
	return report(e.stderr, err)
}

// report prints err (unless silent) with its hint and returns the exit code.
func report(w io.Writer, err error) int {
	if err == nil {
		return 0
	}
	code := 1
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if !errors.Is(err, errSilent) {
		fmt.Fprintf(w, "ucx-onboard: %s\n", plainWords(err.Error()))
		if h := hint(err); h != "" {
			fmt.Fprintf(w, "hint: %s\n", h)
		}
	}
	return code
}

// commandNames lists the subcommands, sorted.
func commandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// usage prints every command with one line each; the wizard's flags follow.
func usage(w io.Writer) {
	fmt.Fprintf(w, "ucx-onboard %s: connect a customer's Webex organization to Imagicle UCX Suite\n\n", toolVersion())
	fmt.Fprintln(w, "Usage:\n  ucx-onboard [flags]            run the onboarding wizard\n  ucx-onboard COMMAND [flags]\n\nCommands:")
	for _, n := range commandNames() {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "  help         print this help (also -h, --help)\n\nWizard flags:")
	printFlags(w, wizardFlags(&wizardOptions{}, w))
	fmt.Fprintln(w, "\nRun 'ucx-onboard COMMAND -h' for a command's flags.")
}
