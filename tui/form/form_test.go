package form

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/store"
)

// TestValidation covers the form's checks.
func TestValidation(t *testing.T) {
	for _, c := range []struct {
		email string
		ok    bool
	}{{"a@b.example", true}, {"Jane <a@b.example>", false}, {"a@b", false}, {"", false}, {"nope", false}} {
		if err := validateEmail(c.email); (err == nil) != c.ok {
			t.Errorf("email %q: %v", c.email, err)
		}
	}
	for _, c := range []struct {
		host, dep string
		ok        bool
	}{
		{"", store.DeploymentCloud, true}, {"", store.DeploymentOnPrem, false}, {"ucx01.acme.local", store.DeploymentOnPrem, true},
		{"10.0.0.7", store.DeploymentOnPrem, true}, {"fe80::1", store.DeploymentOnPrem, true}, {"bad host", store.DeploymentOnPrem, false},
		{"-x.acme", store.DeploymentOnPrem, false},
	} {
		if err := validateHost(c.host, c.dep); (err == nil) != c.ok {
			t.Errorf("host %q %s: %v", c.host, c.dep, err)
		}
	}
	if validateCompany("  ") == nil {
		t.Error("blank company accepted")
	}
}

// TestSubmitted: the fields are trimmed, and a deployment left empty is
// cloud.
func TestSubmitted(t *testing.T) {
	got := Submitted(store.Customer{Company: " Acme ", AdminEmail: "a@b.example\t", UCXHost: " ucx ", Engineer: " E ", Notes: " n "})
	want := store.Customer{Company: "Acme", AdminEmail: "a@b.example", UCXHost: "ucx", Engineer: "E", Notes: "n", Deployment: store.DeploymentCloud}
	if got != want {
		t.Errorf("Submitted = %+v, want %+v", got, want)
	}
	if got := Submitted(store.Customer{Deployment: store.DeploymentOnPrem}); got.Deployment != store.DeploymentOnPrem {
		t.Errorf("on-premises became %q", got.Deployment)
	}
}

// TestImports: the form is all the accessible front-end takes of the
// screens' side: it imports huh and the core, nothing of package tui nor
// of Bubble Tea directly.
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, ".").Output()
	if err != nil {
		t.Skipf("go list: %v (no Go toolchain here)", err)
	}
	for _, imp := range strings.Fields(string(out)) {
		if strings.HasPrefix(imp, "github.com/charmbracelet/") && imp != "github.com/charmbracelet/huh" {
			t.Errorf("the form imports %s", imp)
		}
	}
	deps, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v (no Go toolchain here)", err)
	}
	if slices.Contains(strings.Fields(string(deps)), "github.com/imagicle/ucx-onboard/tui") {
		t.Error("the form depends on package tui")
	}
}
