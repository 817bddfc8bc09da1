package tui

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// TestAccessible runs the line-by-line flow with typed answers: no QR
// code, the URL and user code instead, the passphrase asked twice.
func TestAccessible(t *testing.T) {
	f := &fixture{auth: &fakeAuth{waitErr: map[string][]error{}, block: map[string]bool{}}, drafts: newFakeDrafts(), writer: &fakeWriter{}}
	d := testDeps(f)
	d.Accessible = true
	d.Protection = Protection{Passphrase: true}
	in := strings.Join([]string{
		"Acme Industries", "jane.admin@acme.example", "2", "ucx01.acme.example", "Marco Rossi", "",
		"y",
		"too short", "too short",
		"correct horse battery staple", "correct horse battery staple",
		"y",
	}, "\n") + "\n"
	var out bytes.Buffer
	res, err := Run(context.Background(), d, Options{In: strings.NewReader(in), Out: &out})
	text := out.String()
	if err != nil || res.Receipt == nil {
		t.Fatalf("Run = %+v, %v\n%s", res, err, text)
	}
	for _, want := range []string{verifyURI, userCode, "Approved by Jane Admin", "more than 1,000 users", "Too short", "leave WebexPresence.Enable=0", "SHA-256"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for _, bad := range []string{"█", "▀", "tok-FAKE", "\x1b[?1049h"} {
		if strings.Contains(text, bad) {
			t.Errorf("output holds %q", bad)
		}
	}
	b, pass, _ := f.writer.got()
	if len(b.Apps) != 4 || pass.Reveal() != "correct horse battery staple" || b.Customer.Deployment != "on-prem" {
		t.Fatalf("bundle %d apps, customer %+v", len(b.Apps), b.Customer)
	}
	if t.Failed() {
		t.Log(text)
	}
	golden.RequireEqual(t, []byte(text))
}
