package main

import (
	"errors"
	"flag"
	"io"
	"strings"
)

// flagError is a mistake on the command line (exit 2): an unknown flag, a
// missing or bad value. Its text names the flag as it was typed; hint
// holds a "did you mean" suggestion or where to read the flags.
type flagError struct {
	msg  string
	hint string
	err  error // what it is, for errors.Is (may be nil)
}

func (e *flagError) Error() string { return e.msg }
func (e *flagError) Unwrap() error { return e.err }

// parseFlags parses args with fs the way every ucx-onboard command does:
// -h and --help print fs.Usage on stdout (errors.Is(err, flag.ErrHelp));
// a flag mistake returns an exit-2 error wrapping a *flagError, printed
// once by report: the flag as typed, with two dashes for long names, and a
// "did you mean --NAME" hint when a defined flag is close. cmd is the
// command line a user would type for help ("ucx-onboard open").
func parseFlags(fs *flag.FlagSet, args []string, e env, cmd string) error {
	usage := fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = usage
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(e.stdout)
		usage()
		return err
	}
	fs.SetOutput(e.stderr)
	if err == nil {
		return nil
	}
	return &exitError{code: exitUsage, err: newFlagError(fs, err, cmd)}
}

// newFlagError rewords an error of flag.FlagSet.Parse.
func newFlagError(fs *flag.FlagSet, err error, cmd string) *flagError {
	msg := err.Error()
	help := "run '" + cmd + " --help' for the flags"
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		fe := &flagError{msg: "unknown flag " + dashed(name), hint: help}
		if s := suggestFlag(fs, name); s != "" {
			fe.hint = "did you mean " + dashed(s) + "? (" + help + ")"
		}
		return fe
	}
	// The other errors name a defined flag "-name": say "--name".
	fs.VisitAll(func(f *flag.Flag) {
		if len(f.Name) < 2 {
			return
		}
		for _, sep := range []string{":", ""} {
			old := "-" + f.Name + sep
			if strings.Contains(msg, " "+old) && (sep != "" || strings.HasSuffix(msg, old)) {
				msg = strings.Replace(msg, " "+old, " -"+old, 1)
				return
			}
		}
	})
	return &flagError{msg: msg, hint: help}
}

// dashed is a flag name as GNU-style help shows it: --name, or -n.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// suggestFlag returns the defined flag closest to name (edit distance at
// most 2, or name a prefix of it), or "".
func suggestFlag(fs *flag.FlagSet, name string) string {
	best, bestD := "", 3
	fs.VisitAll(func(f *flag.Flag) {
		d := editDistance(name, f.Name)
		if len(name) >= 2 && strings.HasPrefix(f.Name, name) {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = f.Name, d
		}
	})
	return best
}

// suggestCommand returns the command closest to name (edit distance at
// most 2), or "".
func suggestCommand(name string) string {
	best, bestD := "", 3
	for _, c := range commandNames() {
		if d := editDistance(name, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, in bytes (flag
// names are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// flagHint returns the fix carried by a *flagError in err, or "".
func flagHint(err error) string {
	var fe *flagError
	if errors.As(err, &fe) {
		return fe.hint
	}
	return ""
}
