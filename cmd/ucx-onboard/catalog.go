package main

// The app catalog's preflight check: where the apps come from, its
// problems in plain words one per line, and their fixes; a problem with
// the catalog itself stops the wizard at start, a missing client secret
// stops only its app.

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui"
	wizardcore "github.com/imagicle/ucx-onboard/tui/wizard"
)

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
	// Read at start: r cannot see a secret set or a file corrected since.
	ck := tui.Check{Name: "App catalog and client secrets", OK: err == nil, Blocking: true, AtStart: true}
	source := catalogSource(o)
	if err == nil {
		ck.Detail = fmt.Sprintf("%d apps from %s, every secret present", len(apps), source)
		return ck
	}
	if len(apps) > 0 && onlySecretsMissing(err) {
		// Only the apps without their secret stop (their own checks
		// below say so): the others go on.
		ck.Blocking = false
		missing := 0
		for _, a := range apps {
			if a.Secret.IsZero() {
				missing++
			}
		}
		// Each app's own check says which secret is missing.
		ck.Detail = fmt.Sprintf("%d apps from %s; %d without a client secret cannot be authorized (marked below), the others can",
			len(apps), source, missing)
		ck.Fix = catalogFix(err, o)
		return ck
	}
	ck.Detail = catalogProblems(err)
	ck.Fix = catalogFix(err, o)
	return ck
}

// catalogProblems words a catalog's problems in plain words, one line per
// problem ("App cdr, client_secret_env: Environment variable X is not
// set."): the app and the catalog key to correct, then what is wrong,
// without the "catalog: app …:" chain; an error that is not a catalog's
// as wizard.ErrorText words it.
func catalogProblems(err error) string {
	var lines []string
	for _, e := range leafErrors(err) {
		var ce *flows.CatalogError
		if !errors.As(e, &ce) {
			lines = append(lines, wizardcore.ErrorText(e))
			continue
		}
		var where []string
		if ce.App != "" {
			where = append(where, "App "+ce.App)
		}
		if ce.Field != "" {
			where = append(where, ce.Field)
		}
		// The catalog's own messages are plain words already and name
		// what to set ("environment variable X is not set"), which
		// ErrorText's sentence for flows.ErrNoSecret would not.
		line := ce.Err.Error()
		if line != "" {
			line = strings.ToUpper(line[:1]) + strings.TrimRight(line[1:], ".") + "."
		}
		if len(where) > 0 {
			line = strings.Join(where, ", ") + ": " + line
		}
		lines = append(lines, flows.Sanitize(line))
	}
	return strings.Join(lines, "\n")
}

// catalogFix words the fix of a catalog check by its problems, one phrase
// per kind (the detail names the apps, fields and files): the --apps file
// itself unreadable (missing, not readable, not a regular file), secrets
// to provide (flows.ErrNoSecret: a variable to set, a secret file to
// create, make readable or correct), or a catalog to correct. The catalog
// and the secrets are read at start, so every fix ends with starting
// again.
func catalogFix(err error, o wizardOptions) string {
	var fixes []string
	add := func(s string) {
		if !slices.Contains(fixes, s) {
			fixes = append(fixes, s)
		}
	}
	for _, e := range leafErrors(err) {
		var ce *flows.CatalogError
		if !errors.As(e, &ce) {
			add("correct " + catalogSource(o))
			continue
		}
		secretFile := ce.Field == "client_secret_file"
		switch {
		case ce.Field == "" && errors.Is(ce, store.ErrNotRegular):
			add("save the catalog to a regular file and pass that with --apps (named pipes and devices are not read)")
		case ce.Field == "" && errors.Is(ce, fs.ErrNotExist):
			add("check the --apps path")
		case errors.Is(ce, fs.ErrPermission):
			what := "the file named in these checks"
			if ce.Field == "" {
				what = o.appsFile
			}
			add("make " + what + " readable by this user")
		case secretFile && errors.Is(ce, fs.ErrNotExist):
			add("create the secret file named in these checks, the app's client secret on one line")
		case secretFile && errors.Is(ce, flows.ErrNoSecret):
			add("put the app's client secret, on one line, in a regular file at the path named in these checks")
		case errors.Is(ce, flows.ErrNoSecret):
			fix := "set the environment variables named in these checks (secrets are never taken as flags)"
			if o.appsFile == "" && !o.demo {
				fix += ", or pass --apps FILE"
			}
			add(fix)
		default:
			add("correct " + catalogSource(o))
		}
	}
	return strings.Join(fixes, "; ") + catalogAgain
}

// catalogAgain ends every catalog fix: the catalog is read once.
const catalogAgain = "; then start ucx-onboard again (the catalog is read at start)"

// onlySecretsMissing reports whether every problem of a catalog error is
// a client secret to provide (a variable, a secret file): those stay a
// check, shown beside the others; a problem with the catalog itself stops
// the wizard at start.
func onlySecretsMissing(err error) bool {
	for _, e := range leafErrors(err) {
		var ce *flows.CatalogError
		if !errors.As(e, &ce) || !(ce.Field == "client_secret_file" || errors.Is(ce, flows.ErrNoSecret)) {
			return false
		}
	}
	return true
}

// leafErrors lists the errors joined in err (errors.Join, any depth), or
// err alone.
func leafErrors(err error) []error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, leafErrors(e)...)
	}
	return out
}
