package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows/webextest"
	"github.com/imagicle/ucx-onboard/store"
)

// TestAccessibleDoneOnce: an accessible run prints its Done summary once:
// the receipt lines printed after a full-screen run (whose Done screen is
// gone with the alternate screen) are not repeated after it. One app, so
// that the run costs two poll intervals (the preflight's and the
// approval's).
func TestAccessibleDoneOnce(t *testing.T) {
	demo := webextest.DemoApps()[0]
	srv := webextest.NewServer(webextest.Options{Integrations: []webextest.Integration{demo.Integration}, Interval: time.Second, AutoApprove: time.Nanosecond})
	defer srv.Close()
	dir := t.TempDir()
	apps := oneAppCatalog(t, dir)
	recipient, err := store.GenerateIdentityFile(filepath.Join(dir, "ucx.key"))
	if err != nil {
		t.Fatal(err)
	}
	in := "Acme Industries\nadmin@example.com\n2\nucx01.acme.example\nMarco Rossi\n\ny\ny\n"
	var stdout, stderr bytes.Buffer
	e := env{stdin: strings.NewReader(in), stdout: &stdout, stderr: &stderr,
		getenv: func(k string) string {
			if k == demo.SecretEnv {
				return demo.ClientSecret
			}
			return ""
		}}
	code := run(context.Background(), e, []string{"--accessible", "--webex-url", srv.URL, "--apps", apps, "--recipient", recipient,
		"--out", filepath.Join(dir, "acme.ucxbundle"), "--state-dir", filepath.Join(dir, "state")})
	out := stdout.String()
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr.String())
	}
	if n := strings.Count(out, "acme.ucxbundle.receipt.txt"); n != 1 || strings.Count(out, "\nDone.") != 1 {
		t.Errorf("the Done summary (the receipt named %d times) is not printed once:\n%s", n, out)
	}
}

// oneAppCatalog writes the demo catalog cut to its first app into dir and
// returns its path.
func oneAppCatalog(t *testing.T, dir string) string {
	t.Helper()
	var cat struct {
		Apps []json.RawMessage `json:"apps"`
	}
	if err := json.Unmarshal(webextest.DemoCatalogJSON(), &cat); err != nil {
		t.Fatal(err)
	}
	cat.Apps = cat.Apps[:1]
	b, _ := json.Marshal(cat)
	path := filepath.Join(dir, "apps.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
