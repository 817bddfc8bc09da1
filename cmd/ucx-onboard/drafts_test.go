package main

// Tests of the wizard's drafts (drafts.go).

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/tui"
)

// TestReportDraft: what the engineer is told about the progress when the
// wizard stops early.
func TestReportDraft(t *testing.T) {
	saveErr := errors.New("disk full")
	for _, c := range []struct {
		name string
		res  tui.Result
		want []string
		not  []string
	}{
		{"kept", tui.Result{DraftID: "d1"}, []string{"kept as draft d1", "hint: resume it (drafts in /state) with: ucx-onboard --demo\n"}, []string{"could not"}},
		{"latest lost", tui.Result{DraftID: "d1", DraftSaveErr: saveErr}, []string{"latest progress could not be saved (disk full)", "d1 holds an earlier state", "hint:"}, []string{"kept as"}},
		{"nothing saved", tui.Result{DraftSaveErr: saveErr}, []string{"could not be saved: disk full"}, []string{"hint:", "kept as"}},
		{"nothing to save", tui.Result{}, nil, []string{"draft", "hint:"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stderr bytes.Buffer
			reportDraft(env{stderr: &stderr}, c.res, "/state", "ucx-onboard --demo")
			for _, w := range c.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("lacks %q:\n%s", w, stderr.String())
				}
			}
			for _, n := range c.not {
				if strings.Contains(stderr.String(), n) {
					t.Errorf("has %q:\n%s", n, stderr.String())
				}
			}
		})
	}
}

// TestResumeCommand: the command printed to resume a draft repeats the
// flags given, --demo first, quoted for the shell (POSIX; PowerShell,
// whose form pastes into cmd.exe too); unset flags and environment
// defaults are left out.
func TestResumeCommand(t *testing.T) {
	for _, c := range []struct {
		args      []string
		posix, ps string
	}{
		{nil, "ucx-onboard", ""},
		{[]string{"--demo"}, "ucx-onboard --demo", ""},
		{[]string{"--state-dir", "/tmp/s", "--demo"}, "ucx-onboard --demo --state-dir /tmp/s", ""},
		{[]string{"--state-dir", `C:\Users\Ana Rossi\AppData\Roaming\ucx-onboard`}, `ucx-onboard --state-dir 'C:\Users\Ana Rossi\AppData\Roaming\ucx-onboard'`,
			`ucx-onboard --state-dir "C:\Users\Ana Rossi\AppData\Roaming\ucx-onboard"`},
		{[]string{"--accessible", "--recipient", "age1a", "-recipient", "age1b", "--out", "my bundle.ucxbundle"},
			"ucx-onboard --accessible --out 'my bundle.ucxbundle' --recipient age1a --recipient age1b",
			`ucx-onboard --accessible --out "my bundle.ucxbundle" --recipient age1a --recipient age1b`},
		{[]string{"--webex-url", "http://127.0.0.1:8080", "--apps", `C:\ucx\apps.json`, "--customer", "c.json", "--recipients-file", "k.txt"},
			`ucx-onboard --apps 'C:\ucx\apps.json' --customer c.json --recipients-file k.txt --webex-url http://127.0.0.1:8080`,
			`ucx-onboard --apps C:\ucx\apps.json --customer c.json --recipients-file k.txt --webex-url http://127.0.0.1:8080`},
	} {
		if c.ps == "" {
			c.ps = c.posix
		}
		var o wizardOptions
		fs := wizardFlags(&o, io.Discard, func(k string) string {
			return map[string]string{"UCX_ONBOARD_WEBEX_URL": "http://env.example", "ACCESSIBLE": ""}[k]
		})
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		for sh, want := range map[shell]string{posixShell: c.posix, powerShell: c.ps} {
			if got := resumeCommand(fs, sh); got != want {
				t.Errorf("%q for %v:\n got %s\nwant %s", c.args, sh, got, want)
			}
		}
	}
}

// TestBuildDrafts: --state-dir is used as given (also under --demo), and a
// state directory that cannot be opened leaves the wizard without drafts.
func TestBuildDrafts(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		o       wizardOptions
		wantErr bool
	}{
		{"state dir", wizardOptions{stateDir: filepath.Join(dir, "state")}, false},
		{"demo keeps --state-dir", wizardOptions{demo: true, stateDir: filepath.Join(dir, "demo-state")}, false},
		{"a file", wizardOptions{stateDir: filepath.Join(notDir, "state")}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var deps tui.Deps
			got, err := buildDrafts(&deps, c.o, t.TempDir())
			if got != c.o.stateDir {
				t.Errorf("state dir %q, want %q", got, c.o.stateDir)
			}
			if (err != nil) != c.wantErr || (deps.Drafts == nil) != c.wantErr {
				t.Fatalf("err = %v, drafts set %v; want error %v", err, deps.Drafts != nil, c.wantErr)
			}
		})
	}
}
