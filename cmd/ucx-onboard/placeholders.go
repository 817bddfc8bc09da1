package main

// TEMPORARY: each function below is replaced by its owner's file
// (wizard.go, bundlecmds.go, fakewebex.go, hints.go). Delete the function
// here when you add yours.

import (
	"context"
	"errors"
)

var errNotBuilt = errors.New("not built yet")

func runOpen(ctx context.Context, e env, args []string) error    { return errNotBuilt }
func runInspect(ctx context.Context, e env, args []string) error { return errNotBuilt }
func runKeygen(ctx context.Context, e env, args []string) error  { return errNotBuilt }
func hint(err error) string                                      { return "" }
