package main

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestQuoteCmdRoundTrip: a program run from cmd.exe gets the arguments
// quoted for cmd.exe as the arguments themselves. A case with %NAME% is
// left out where NAME is set: cmd.exe expands it inside quotes too.
func TestQuoteCmdRoundTrip(t *testing.T) {
	comspec := os.Getenv("ComSpec")
	if comspec == "" {
		comspec = "cmd.exe"
	}
	var want []string
	line := quoteArg(os.Args[0], cmdShell) + " -test.run=^^TestQuoteArg$ --"
	for _, c := range quoteCases {
		if strings.Contains(c.in, "%") && os.Getenv(strings.Split(c.in, "%")[1]) != "" {
			continue
		}
		want = append(want, c.in)
		line += " " + quoteArg(c.in, cmdShell)
	}
	// /s /c "LINE": cmd.exe drops the outer quotes and runs LINE as typed.
	cmd := exec.Command(comspec)
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: `cmd.exe /d /s /c "` + line + `"`}
	cmd.Env = append(os.Environ(), argvEchoEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}
	if got := echoedArgs(t, out); !slices.Equal(got, want) {
		t.Errorf("cmd.exe ran\n%s\nand passed\n%q\nwant\n%q", line, got, want)
	}
}
