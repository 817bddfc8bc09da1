package store

import (
	"bytes"
	"encoding/json"
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

// TestParseCustomerControlCharacters: every field refuses C0 and C1
// control characters (ESC sequences, newlines, tabs) and bidi controls,
// which the accessible mode would echo to the terminal and the form would
// show; the error names the field and the code point, not the value.
func TestParseCustomerControlCharacters(t *testing.T) {
	t.Parallel()
	for _, field := range []string{"company", "admin_email", "deployment", "ucx_host", "engineer", "notes"} {
		for _, bad := range []string{
			"\x1b[2J\x1b]0;pwned\x07", "a\nb", "a\tb", "a\rb", "\x00", "a\x7fb", "a\u0085b", "a\u009bb",
			"a\u202eb", "a\u2066b", "a\u200fb", "a\u061cb",
		} {
			in, _ := json.Marshal(map[string]string{field: "tok-FAKE-x " + bad})
			_, err := ParseCustomer(bytes.NewReader(in))
			if !errors.Is(err, ErrBadCustomer) {
				t.Errorf("%s %q: %v, want ErrBadCustomer", field, bad, err)
				continue
			}
			msg := err.Error()
			if !strings.Contains(msg, field+" ") || !strings.Contains(msg, "U+") || strings.Contains(msg, "tok-FAKE") ||
				strings.ContainsFunc(msg, func(r rune) bool { return r < ' ' || r >= 0x7f && r <= 0x9f }) {
				t.Errorf("%s %q: error %q", field, bad, msg)
			}
		}
	}
	// Other non-ASCII text is fine.
	c, err := ParseCustomer(strings.NewReader(`{"company":"Société Générale 株式会社","notes":"ok — “quoted” ✓"}`))
	if err != nil || c.Company != "Société Générale 株式会社" {
		t.Errorf("unicode text: %+v %v", c, err)
	}
}
