package flows

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports keeps flows below the UI: it may use the standard library,
// x/oauth2 and store, never tui or the terminal libraries.
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		for _, banned := range []string{"/tui", "charmbracelet/", "muesli/", "mdp/qrterminal"} {
			if strings.Contains(p, banned) {
				t.Errorf("flows depends on %s", p)
			}
		}
	}
}
