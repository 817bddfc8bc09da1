package store

import (
	"errors"
	"strings"
	"testing"
)

func TestParseCustomer(t *testing.T) {
	t.Parallel()
	c, err := ParseCustomer(strings.NewReader(`{"company":"Acme & Co <x>","admin_email":"a@acme.example","deployment":"on-prem",
		"ucx_host":"ucx.acme","engineer":"Jo","notes":"n"}`))
	if err != nil || c.Company != "Acme & Co <x>" || c.Deployment != DeploymentOnPrem || c.Notes != "n" {
		t.Fatalf("%+v %v", c, err)
	}
	if c, err := ParseCustomer(strings.NewReader(` {"company":"A"} `)); err != nil || c.Company != "A" {
		t.Errorf("partial: %+v %v", c, err)
	}
	for _, bad := range []string{
		``, `null`, `[]`, `"x"`, `{`, `{"company":"A"}{"company":"B"}`, `{"company":"A"} x`,
		`{"Company":"A"}`, `{"tok":"tok-FAKE-in-key"}`, `{"company":1}`, `{"company":null}`,
		`{"company":"A","company":"B"}`, `{"deployment":"hybrid"}`, `{"company":"A",}`,
	} {
		_, err := ParseCustomer(strings.NewReader(bad))
		if !errors.Is(err, ErrBadCustomer) || strings.ContainsAny(err.Error(), "\n") {
			t.Errorf("%q: %v, want ErrBadCustomer", bad, err)
		}
	}
	_, err = ParseCustomer(strings.NewReader(`{"client_secret":"x"}`))
	if err == nil || !strings.Contains(err.Error(), `unknown key "client_secret"`) || !strings.Contains(err.Error(), "admin_email") {
		t.Errorf("unknown key error: %v", err)
	}
}
