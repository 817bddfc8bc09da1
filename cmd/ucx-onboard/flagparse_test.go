package main

import (
	"strings"
	"testing"
)

// TestCommandLineConventions: --version, help on stdout for every command
// with -h and --help alike, flag mistakes named as typed (two dashes) with
// a "did you mean", one error line and one hint line on stderr, exit 2.
func TestCommandLineConventions(t *testing.T) {
	for _, tt := range []struct {
		args       []string
		code       int
		stdout     string // substring of stdout ("" : stdout empty)
		stderr     []string
		stderrNone bool
	}{
		{args: []string{"--version"}, stdout: "ucx-onboard dev", stderrNone: true},
		{args: []string{"version"}, stdout: "ucx-onboard dev", stderrNone: true},
		{args: []string{"--help"}, stdout: "Commands:", stderrNone: true},
		{args: []string{"-h"}, stdout: "Commands:", stderrNone: true},
		{args: []string{"open", "-h"}, stdout: "Usage: ucx-onboard open", stderrNone: true},
		{args: []string{"open", "--help"}, stdout: "Usage: ucx-onboard open", stderrNone: true},
		{args: []string{"inspect", "--help"}, stdout: "Usage: ucx-onboard inspect", stderrNone: true},
		{args: []string{"keygen", "-h"}, stdout: "Usage: ucx-onboard keygen", stderrNone: true},
		{args: []string{"fake-webex", "--help"}, stdout: "Usage: ucx-onboard fake-webex", stderrNone: true},
		{args: []string{"--dem"}, code: 2, stderr: []string{"ucx-onboard: unknown flag --dem\n", "hint: did you mean --demo?"}},
		{args: []string{"-recipent", "age1x"}, code: 2, stderr: []string{"unknown flag --recipent\n", "did you mean --recipient?"}},
		{args: []string{"--no-such-flag"}, code: 2, stderr: []string{"unknown flag --no-such-flag\n", "hint: run 'ucx-onboard --help' for the flags"}},
		{args: []string{"--out"}, code: 2, stderr: []string{"flag needs an argument: --out\n"}},
		{args: []string{"inspekt"}, code: 2, stderr: []string{`unknown command "inspekt"`, "did you mean 'ucx-onboard inspect'?"}},
		{args: []string{"open", "b", "--idenity", "k"}, code: 2, stderr: []string{"unknown flag --idenity\n", "did you mean --identity?", "'ucx-onboard open --help'"}},
		{args: []string{"fake-webex", "--intrval", "3s"}, code: 2, stderr: []string{"unknown flag --intrval\n", "did you mean --interval?"}},
		{args: []string{"fake-webex", "--interval", "soon"}, code: 2, stderr: []string{`invalid value "soon" for flag --interval`}},
	} {
		code, stdout, stderr := runCmd(t, tt.args...)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d (stderr %q)", tt.args, code, tt.code, stderr)
		}
		if tt.stdout == "" && stdout != "" || !strings.Contains(stdout, tt.stdout) {
			t.Errorf("%v: stdout %q, want it to contain %q", tt.args, stdout, tt.stdout)
		}
		if tt.stderrNone && stderr != "" {
			t.Errorf("%v: stderr %q, want none", tt.args, stderr)
		}
		for _, want := range tt.stderr {
			if !strings.Contains(stderr, want) {
				t.Errorf("%v: stderr %q, want %q", tt.args, stderr, want)
			}
		}
		if tt.code == 2 {
			if n := strings.Count(stderr, "\n"); n != 2 {
				t.Errorf("%v: %d lines on stderr, want an error and a hint: %q", tt.args, n, stderr)
			}
			if strings.Contains(stderr, "Usage:") {
				t.Errorf("%v: the usage is dumped on a mistake: %q", tt.args, stderr)
			}
		}
	}
}

// TestSuggestFlag: close names are suggested, far ones are not.
func TestSuggestFlag(t *testing.T) {
	fs := wizardFlags(&wizardOptions{}, nil)
	for name, want := range map[string]string{
		"dmeo": "demo", "stat-dir": "state-dir", "recipients": "recipient", "acessible": "accessible",
		"webex": "webex-url", "zzzzzz": "", "x": "",
	} {
		if got := suggestFlag(fs, name); got != want {
			t.Errorf("suggestFlag(%q) = %q, want %q", name, got, want)
		}
	}
}
