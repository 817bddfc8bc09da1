package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// wizardOptions are the wizard's command-line flags.
type wizardOptions struct {
	webexURL       string
	appsFile       string
	customerFile   string
	recipients     stringList
	recipientsFile string
	out            string
	stateDir       string
	demo           bool
	accessible     bool
	debug          bool
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// defaultWebexURL is the real Webex API.
const defaultWebexURL = "https://webexapis.com"

// wizardFlags defines the wizard's flags on a new FlagSet writing usage to w.
// getenv supplies defaults from the environment (nil: none).
func wizardFlags(o *wizardOptions, w io.Writer, getenv ...func(string) string) *flag.FlagSet {
	env := func(string) string { return "" }
	if len(getenv) > 0 && getenv[0] != nil {
		env = getenv[0]
	}
	webex := defaultWebexURL
	if v := env("UCX_ONBOARD_WEBEX_URL"); v != "" {
		webex = v
	}
	fs := flag.NewFlagSet("ucx-onboard", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.StringVar(&o.webexURL, "webex-url", webex, "Webex API base `url` (env UCX_ONBOARD_WEBEX_URL)")
	fs.StringVar(&o.appsFile, "apps", "", "app catalog JSON `file` (default: built-in apps)")
	fs.StringVar(&o.customerFile, "customer", "", "prefill the customer form from a JSON `file`")
	fs.Var(&o.recipients, "recipient", "seal to this age or SSH public `key` (repeatable)")
	fs.StringVar(&o.recipientsFile, "recipients-file", "", "seal to the public keys in `file`, one per line")
	fs.StringVar(&o.out, "out", "", "bundle `path` (default ./<company>-<date>.ucxbundle)")
	fs.StringVar(&o.stateDir, "state-dir", "", "`dir` for encrypted drafts (default: user config dir)")
	fs.BoolVar(&o.demo, "demo", false, "built-in fake Webex that approves by itself, offline")
	fs.BoolVar(&o.debug, "debug", false, "log full error details (never a secret) to "+debugLogName+" in the state dir")
	fs.BoolVar(&o.accessible, "accessible", env("ACCESSIBLE") != "", "plain prompts for screen readers (env ACCESSIBLE)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: ucx-onboard [flags]")
		printFlags(fs.Output(), fs)
	}
	return fs
}

// printFlags lists fs's flags one line each, GNU style: "--name value  usage"
// ("-i value" for one-letter names).
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		left := "--" + f.Name
		if len(f.Name) == 1 {
			left = "-" + f.Name
		}
		if name != "" {
			left += " " + name
		}
		line := fmt.Sprintf("  %-22s %s", left, usage)
		// Show a default only where the line still fits 80 columns.
		if def := fmt.Sprintf(" (default %s)", f.DefValue); f.DefValue != "" && f.DefValue != "false" && len(line)+len(def) < 80 {
			line += def
		}
		fmt.Fprintln(w, line)
	})
}
