package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	core "github.com/imagicle/ucx-onboard/tui/wizard"
)

// TestFlowsHints: every flows sentinel a command can meet has a hint, and
// ErrTokenLimit its own (a fresh code, the remedy of ErrExpired, does not
// help there).
func TestFlowsHints(t *testing.T) {
	seen := map[string]error{}
	for _, err := range []error{
		flows.ErrTokenLimit, flows.ErrExpired, flows.ErrDenied, flows.ErrInvalidClient,
		flows.ErrUnsupported, flows.ErrUnreachable,
	} {
		h := hint(fmt.Errorf("wrapped: %w", err))
		if h == "" {
			t.Errorf("no hint for %v", err)
		}
		if prev, ok := seen[h]; ok {
			t.Errorf("%v and %v share a hint", prev, err)
		}
		seen[h] = err
	}
	if hint(flows.ErrCodeSpent) != hint(flows.ErrExpired) {
		t.Error("ErrCodeSpent and ErrExpired have different remedies: both want a fresh code")
	}
}

// TestHintsShareTheWizardsWording: for the errors the wizard meets too,
// the hint is the wizard's own wording (core.Fix), in hint style: one
// source, so the two never drift.
func TestHintsShareTheWizardsWording(t *testing.T) {
	for _, err := range []error{
		flows.ErrTokenLimit, flows.ErrExpired, flows.ErrDenied, flows.ErrInvalidClient, flows.ErrUnsupported,
		flows.ErrUnreachable, store.ErrExists, store.ErrNoProtection, store.ErrPassphraseTooShort,
		store.ErrDraftDamaged, store.ErrDraftKeyUnavailable, store.ErrDraftInUse, store.ErrDraftKeyGone,
		store.ErrStateDirNotOwned,
	} {
		fix := core.Fix(err)
		h := hint(fmt.Errorf("wrapped: %w", err))
		if fix == "" || h != hintStyle(fix) {
			t.Errorf("%v: hint %q, want core.Fix's %q in hint style", err, h, fix)
		}
		if h != "" && (strings.HasSuffix(h, ".") || unicode.IsUpper([]rune(h)[0])) {
			t.Errorf("%v: hint %q not in hint style (lowercase, no final period)", err, h)
		}
	}
	if !strings.Contains(hint(store.ErrPassphraseTooShort), strconv.Itoa(store.MinPassphraseLen)) {
		t.Error("the passphrase hint does not give store.MinPassphraseLen")
	}
}
