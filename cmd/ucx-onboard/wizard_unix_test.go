//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui"
)

// TestWizardInputsFIFO: the wizard's own inputs that are named pipes are
// refused at once, and the preflight's fix says to use a regular file
// rather than to set variables or give keys.
func TestWizardInputsFIFO(t *testing.T) {
	t.Run("demo identity", func(t *testing.T) {
		dir := t.TempDir()
		fifo := mkfifo(t, dir, demoIdentityName)
		err := promptly(t, func() error { _, err := demoRecipient(fifo); return err })
		if !errors.Is(err, store.ErrNotRegular) {
			t.Fatalf("demoRecipient = %v; want ErrNotRegular", err)
		}
		var deps tui.Deps
		err = promptly(t, func() error { return buildProtection(&deps, wizardOptions{demo: true}, dir) })
		ck := protectionCheck(deps.Protection, err)
		if want := "remove " + fifo; ck.OK || !strings.Contains(ck.Detail, "named pipe") || !strings.HasPrefix(ck.Fix, want) {
			t.Fatalf("check %+v; want the detail to say named pipe and the fix %q", ck, want)
		}
	})
	t.Run("--recipients-file", func(t *testing.T) {
		fifo := mkfifo(t, t.TempDir(), "keys.txt")
		var deps tui.Deps
		err := promptly(t, func() error { return buildProtection(&deps, wizardOptions{recipientsFile: fifo}, t.TempDir()) })
		ck := protectionCheck(deps.Protection, err)
		if ck.OK || !strings.HasPrefix(ck.Fix, "save the keys to a regular file") {
			t.Fatalf("check %+v", ck)
		}
	})
	t.Run("--apps", func(t *testing.T) {
		fifo := mkfifo(t, t.TempDir(), "apps.json")
		err := promptly(t, func() error { _, err := flows.LoadCatalog(fifo, nil); return err })
		ck := catalogCheck(nil, err, wizardOptions{appsFile: fifo})
		if ck.OK || !strings.HasPrefix(ck.Fix, "save the catalog to a regular file") || strings.Contains(ck.Fix, "environment") {
			t.Fatalf("check %+v", ck)
		}
	})
	t.Run("client_secret_file", func(t *testing.T) {
		dir := t.TempDir()
		mkfifo(t, dir, "cdr.secret")
		apps := filepath.Join(dir, "apps.json")
		catalog := `{"apps":[{"id":"cdr","name":"CDR","client_id":"C2","client_secret_file":"cdr.secret","scopes":["x:y"]}]}`
		if err := os.WriteFile(apps, []byte(catalog), 0o600); err != nil {
			t.Fatal(err)
		}
		err := promptly(t, func() error { _, err := flows.LoadCatalog(apps, nil); return err })
		ck := catalogCheck(nil, err, wizardOptions{appsFile: apps})
		want := fmt.Sprintf("App cdr, client_secret_file: Cannot read secret file: open %s: a named pipe (FIFO), not a regular file.", filepath.Join(dir, "cdr.secret"))
		if ck.OK || !strings.Contains(ck.Detail, want) || !strings.HasPrefix(ck.Fix, "put the app's client secret, on one line, in a regular file") {
			t.Fatalf("check %+v\nwant the detail to say %q", ck, want)
		}
	})
}
