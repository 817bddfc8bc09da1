package main

// TEMPORARY: each function below is replaced by its owner's file
// (wizard.go, bundlecmds.go, fakewebex.go, hints.go). Delete the function
// here when you add yours.

import (
	"errors"
)

var errNotBuilt = errors.New("not built yet")
