package main

// Tests of the wizard command as a whole (wizard.go).

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestWizardNeedsTerminal: without a terminal the wizard says what to do
// instead of failing inside Bubble Tea.
func TestWizardNeedsTerminal(t *testing.T) {
	var stderr bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &stderr, getenv: func(string) string { return "" }}
	dir := t.TempDir()
	args := []string{"--demo", "--state-dir", filepath.Join(dir, "state"), "--out", filepath.Join(dir, "x.ucxbundle")}
	if code := run(context.Background(), e, args); code != exitUsage {
		t.Fatalf("exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr.String(), "--accessible") {
		t.Fatalf("stderr: %s", stderr.String())
	}
}

// TestWizardFlagErrors: unknown flags and stray arguments are usage errors.
func TestWizardFlagErrors(t *testing.T) {
	for _, args := range [][]string{{"--no-such-flag"}, {"frobnicate"}} {
		var stderr bytes.Buffer
		e := env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &stderr, getenv: func(string) string { return "" }}
		if code := run(context.Background(), e, args); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, stderr.String())
		}
	}
}
