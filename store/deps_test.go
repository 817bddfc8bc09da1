package store

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports keeps store at the bottom of the dependency graph: no
// flows, tui, bubbletea or net/http, on every target OS.
func TestImports(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		cmd := exec.Command("go", "list", "-deps", ".")
		cmd.Env = append(cmd.Environ(), "GOOS="+goos)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list (%s): %v", goos, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			switch {
			case dep == "net/http", strings.Contains(dep, "bubbletea"),
				strings.HasSuffix(dep, "ucx-onboard/flows"), strings.HasSuffix(dep, "ucx-onboard/tui"):
				t.Errorf("store imports %s on %s", dep, goos)
			}
		}
	}
}
