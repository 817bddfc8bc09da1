package main

// Start errors: a problem with the wizard's flags or the files they name,
// found before the screen opens (exit 2), on one line with its fix as the
// hint.

import (
	"errors"
	"strings"

	"github.com/imagicle/ucx-onboard/flows"
)

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
