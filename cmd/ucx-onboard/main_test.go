package main

import (
	"os"
	"testing"
)

// TestMain restores TERM as main does (internal/quietstart set it to
// "dumb" for the package inits), so that the tests and the programs they
// start see the environment they were given.
func TestMain(m *testing.M) {
	restoreTerm()
	os.Exit(m.Run())
}
