package main

// Tests of the app catalog's check (catalog.go).

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
)

// TestCatalogFix: the catalog check's fix follows the problem: a secret to
// provide, a catalog file to find or correct, never "set the variables"
// for a catalog that cannot be read.
func TestCatalogFix(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	none := func(string) string { return "" }
	app := func(fields string) string {
		return `{"apps":[{"id":"a1","name":"App","client_id":"C1","scopes":["x:y"]` + fields + `}]}`
	}
	for _, tc := range []struct {
		name string
		load func() (wizardOptions, error)
		want []string
		not  []string
	}{
		{"built-in, unset variables", func() (wizardOptions, error) {
			_, err := flows.DefaultCatalog(none)
			return wizardOptions{}, err
		}, []string{"set the environment variables named in these checks", "or pass --apps FILE", "start ucx-onboard again"}, []string{"correct", "--apps path"}},
		{"--apps missing", func() (wizardOptions, error) {
			o := wizardOptions{appsFile: filepath.Join(dir, "absent.json")}
			_, err := flows.LoadCatalog(o.appsFile, none)
			return o, err
		}, []string{"check the --apps path"}, []string{"environment variables"}},
		{"--apps not readable", func() (wizardOptions, error) {
			o := wizardOptions{appsFile: "/etc/ucx/apps.json"}
			return o, &flows.CatalogError{Err: fmt.Errorf("cannot read catalog: %w", &fs.PathError{Op: "open", Path: o.appsFile, Err: fs.ErrPermission})}
		}, []string{"make /etc/ucx/apps.json readable by this user"}, []string{"environment variables"}},
		{"--apps, variable unset", func() (wizardOptions, error) {
			o := wizardOptions{appsFile: write("env.json", app(`,"client_secret_env":"NOPE"`))}
			_, err := flows.LoadCatalog(o.appsFile, none)
			return o, err
		}, []string{"set the environment variables named in these checks"}, []string{"or pass --apps", "correct"}},
		{"--apps, secret file missing", func() (wizardOptions, error) {
			o := wizardOptions{appsFile: write("file.json", app(`,"client_secret_file":"nope.secret"`))}
			_, err := flows.LoadCatalog(o.appsFile, none)
			return o, err
		}, []string{"create the secret file named in these checks"}, []string{"environment variables", "correct"}},
		{"--apps, secret file of two lines", func() (wizardOptions, error) {
			write("two.secret", "a\nb\n")
			o := wizardOptions{appsFile: write("two.json", app(`,"client_secret_file":"two.secret"`))}
			_, err := flows.LoadCatalog(o.appsFile, none)
			return o, err
		}, []string{"put the app's client secret, on one line, in a regular file"}, []string{"environment variables", "correct"}},
		{"--apps, mistakes and an unset variable", func() (wizardOptions, error) {
			o := wizardOptions{appsFile: write("bad.json", app(`,"client_secret_env":"NOPE","colour":"red"`))}
			_, err := flows.LoadCatalog(o.appsFile, none)
			return o, err
		}, []string{"correct " + filepath.Join(dir, "bad.json"), "set the environment variables named in these checks"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := tc.load()
			if err == nil {
				t.Fatal("the catalog loaded")
			}
			ck := catalogCheck(nil, err, o)
			if ck.OK || !ck.Blocking {
				t.Fatalf("check %+v", ck)
			}
			for _, w := range tc.want {
				if !strings.Contains(ck.Fix, w) {
					t.Errorf("fix %q lacks %q", ck.Fix, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(ck.Fix, n) {
					t.Errorf("fix %q has %q", ck.Fix, n)
				}
			}
		})
	}
}

// TestCatalogProblems: a catalog's problems are one line each, naming the
// app and the key to correct, in plain words: no "catalog: app …:" chain.
func TestCatalogProblems(t *testing.T) {
	err := errors.Join(
		&flows.CatalogError{App: "users-sync", Field: "client_secret_env", Err: errors.New("environment variable UCX_US is not set")},
		&flows.CatalogError{App: "cdr", Field: "scopes", Err: errors.New("empty")},
		&flows.CatalogError{Err: errors.New("cannot read catalog: open apps.json: no such file or directory")},
	)
	got := strings.Split(catalogProblems(err), "\n")
	want := []string{
		"App users-sync, client_secret_env: Environment variable UCX_US is not set.",
		"App cdr, scopes: Empty.",
		"Cannot read catalog: open apps.json: no such file or directory.",
	}
	if !slices.Equal(got, want) {
		t.Errorf("catalogProblems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
