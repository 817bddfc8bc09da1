package main

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// quoteCases are arguments with the characters that need care in a POSIX
// shell, PowerShell or cmd.exe, and how each is quoted there.
var quoteCases = []struct {
	in, posix, ps, cmd string
}{
	{"demo-apps.json", "demo-apps.json", "demo-apps.json", "demo-apps.json"},
	{"/tmp/a/demo.json", "/tmp/a/demo.json", "/tmp/a/demo.json", "/tmp/a/demo.json"},
	{`C:\Users\ana\acme.ucxbundle`, `'C:\Users\ana\acme.ucxbundle'`, `C:\Users\ana\acme.ucxbundle`, `C:\Users\ana\acme.ucxbundle`},
	{`C:\Users\Ana Rossi\acme 2.ucxbundle`, `'C:\Users\Ana Rossi\acme 2.ucxbundle'`, `"C:\Users\Ana Rossi\acme 2.ucxbundle"`, `"C:\Users\Ana Rossi\acme 2.ucxbundle"`},
	{"my apps.json", "'my apps.json'", `"my apps.json"`, `"my apps.json"`},
	{`R&D\b.json`, `'R&D\b.json'`, `"R&D\b.json"`, `"R&D\b.json"`},
	{"a^b|c<d>(e)", "'a^b|c<d>(e)'", `"a^b|c<d>(e)"`, `"a^b|c<d>(e)"`},
	{"x;y,z{1}@w#", "'x;y,z{1}@w#'", `"x;y,z{1}@w#"`, `"x;y,z{1}@w#"`},
	{"100%done", "100%done", `"100%done"`, `"100%done"`},
	{`\\fs\C$\share`, `'\\fs\C$\share'`, `"\\fs\C$\share"`, `"\\fs\C$\share"`},
	{`$HOME\x`, `'$HOME\x'`, "\"`$HOME\\x\"", `"$HOME\x"`},
	{"$(rm -rf x).json", "'$(rm -rf x).json'", "\"`$(rm -rf x).json\"", `"$(rm -rf x).json"`},
	{"a`b", "'a`b'", "\"a``b\"", "\"a`b\""},
	{"it's.json", `'it'\''s.json'`, `"it's.json"`, `"it's.json"`},
	{`say "hi"`, `'say "hi"'`, "\"say `\"hi`\"\"", `"say \"hi\""`},
	{`a\"b`, `'a\"b'`, "\"a\\`\"b\"", `"a\\\"b"`},
	{`C:\my dir\`, `'C:\my dir\'`, `"C:\my dir\\"`, `"C:\my dir\\"`},
	{"", "''", `""`, `""`},
}

// TestQuoteArg: each shell's quoting, on every platform.
func TestQuoteArg(t *testing.T) {
	if os.Getenv(argvEchoEnv) != "" { // a round trip's child
		b, _ := json.Marshal(flag.Args())
		fmt.Printf("ARGV %s\n", b)
		return
	}
	for _, c := range quoteCases {
		for _, q := range []struct {
			sh   shell
			want string
		}{{posixShell, c.posix}, {powerShell, c.ps}, {cmdShell, c.cmd}} {
			if got := quoteArg(c.in, q.sh); got != q.want {
				t.Errorf("quoteArg(%q, %v) = %s, want %s", c.in, q.sh, got, q.want)
			}
		}
	}
}

// TestPowerShellFormPastesIntoCmd: a command printed on Windows is quoted
// for PowerShell, and pastes into cmd.exe as well: the two forms are one
// for every argument without a PowerShell $NAME, ` or ".
func TestPowerShellFormPastesIntoCmd(t *testing.T) {
	for _, c := range quoteCases {
		differ := strings.ContainsAny(c.in, "`\"") || strings.Contains(c.in, "$H") || strings.Contains(c.in, "$(")
		if same := quoteArg(c.in, powerShell) == quoteArg(c.in, cmdShell); same == differ {
			t.Errorf("%q: PowerShell %s, cmd.exe %s", c.in, quoteArg(c.in, powerShell), quoteArg(c.in, cmdShell))
		}
	}
}

// TestShellFor: Windows prints for PowerShell (whose form cmd.exe reads
// alike), everything else for a POSIX shell; fake-webex's variable lines
// are for both Windows shells.
func TestShellFor(t *testing.T) {
	for goos, want := range map[string]shell{"windows": powerShell, "linux": posixShell, "darwin": posixShell} {
		if got := shellFor(goos); got != want {
			t.Errorf("shellFor(%s) = %v, want %v", goos, got, want)
		}
	}
	if got := envShells("windows"); len(got) != 2 || got[0] != powerShell || got[1] != cmdShell {
		t.Errorf("envShells(windows) = %v", got)
	}
	if got := envShells("linux"); len(got) != 1 || got[0] != posixShell {
		t.Errorf("envShells(linux) = %v", got)
	}
}

func TestSetEnvLine(t *testing.T) {
	for _, c := range []struct {
		sh          shell
		value, want string
	}{
		{posixShell, "s3cr3t", "export X=s3cr3t"},
		{posixShell, "a b$c", "export X='a b$c'"},
		{powerShell, "s3cr3t", `$env:X = "s3cr3t"`},
		{powerShell, "a`b$c\"d&e", "$env:X = \"a``b`$c`\"d&e\""},
		{powerShell, `C:\dir\`, `$env:X = "C:\dir\"`}, // a PowerShell string, not an argument: no doubling
		{cmdShell, "s3cr3t", `set "X=s3cr3t"`},
		{cmdShell, "a&b^c", `set "X=a&b^c"`},
	} {
		if got := setEnvLine(c.sh, "X", c.value); got != c.want {
			t.Errorf("setEnvLine(%v, X, %q) = %s, want %s", c.sh, c.value, got, c.want)
		}
	}
}

// argvEchoEnv makes the test binary, run with -test.run=^TestQuoteArg$
// -- ARGS, print its ARGS as JSON (and nothing else run): what a program
// gets from a command line a shell ran, for the round trips.
const argvEchoEnv = "UCX_TEST_ARGV_ECHO"

// echoedArgs parses what TestQuoteArg printed as a round trip's child.
func echoedArgs(t *testing.T, out []byte) []string {
	t.Helper()
	for _, l := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "ARGV "); ok {
			var args []string
			if err := json.Unmarshal([]byte(rest), &args); err != nil {
				t.Fatal(err)
			}
			return args
		}
	}
	t.Fatalf("no ARGV line in:\n%s", out)
	return nil
}

// TestQuotePowerShellRoundTrip: PowerShell, where there is one (Windows;
// pwsh elsewhere), passes the arguments quoted for it to a program
// unchanged. Wine has only a stub powershell.exe that runs nothing: there
// this is left to real Windows.
func TestQuotePowerShellRoundTrip(t *testing.T) {
	ps, err := exec.LookPath("pwsh")
	if err != nil {
		if ps, err = exec.LookPath("powershell"); err != nil {
			t.Skip("no PowerShell (pwsh or powershell) on this machine")
		}
	}
	runPS := func(line string) ([]byte, error) {
		cmd := exec.Command(ps, "-NoProfile", "-NonInteractive", "-EncodedCommand", encodePowerShell(line))
		cmd.Env = append(os.Environ(), argvEchoEnv+"=1")
		return cmd.CombinedOutput()
	}
	if out, _ := runPS("Write-Output ('power' + 'shell')"); !strings.Contains(string(out), "powershell") {
		t.Skipf("%s runs no PowerShell command (Wine's powershell.exe is a stub): %q", ps, out)
	}
	var want []string
	line := "& " + quoteArg(os.Args[0], powerShell) + " '-test.run=^TestQuoteArg$' --"
	for _, c := range quoteCases {
		if strings.Contains(c.in, `"`) || c.in == "" {
			continue // PowerShell 5.1 drops a " or an empty argument on the way to a program (7.3+ passes them)
		}
		want = append(want, c.in)
		line += " " + quoteArg(c.in, powerShell)
	}
	out, err := runPS(line)
	if err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}
	if got := echoedArgs(t, out); !slices.Equal(got, want) {
		t.Errorf("PowerShell ran\n%s\nand passed\n%q\nwant\n%q", line, got, want)
	}
}

// encodePowerShell is line as -EncodedCommand wants it: UTF-16LE, base64.
func encodePowerShell(line string) string {
	var b []byte
	for _, u := range utf16.Encode([]rune(line)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return base64.StdEncoding.EncodeToString(b)
}
