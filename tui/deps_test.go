package tui

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports: tui does no network, process or crypto work itself: its
// direct imports must not include net/http, os/exec or age. The transitive
// list cannot be clean: flows (whose types tui uses) imports net/http,
// store imports age, and bubbletea and huh import os/exec.
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, imp := range strings.Split(string(out), "\n") {
		switch {
		case imp == "net/http", imp == "os/exec", strings.HasPrefix(imp, "filippo.io/age"):
			t.Errorf("tui imports %s", imp)
		}
	}
}
