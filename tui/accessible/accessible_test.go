package accessible

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/imagicle/ucx-onboard/tui/wizard"
	"github.com/imagicle/ucx-onboard/tui/wizard/wizardtest"
)

// TestAccessible runs the line-by-line flow with typed answers: no QR
// code, the URL and user code instead, the passphrase asked twice.
func TestAccessible(t *testing.T) {
	f := newFakes()
	d := testDeps(f)
	d.Protection = wizard.Protection{Passphrase: true}
	in := strings.Join([]string{
		"Acme Industries", "jane.admin@acme.example", "2", "ucx01.acme.example", "Marco Rossi", "",
		"y",
		"y",
		"too short", "too short",
		"correct horse battery staple", "correct horse battery staple",
	}, "\n") + "\n"
	res, text, err := run(t, d, in)
	if err != nil || res.Receipt == nil {
		t.Fatalf("Run = %+v, %v\n%s", res, err, text)
	}
	for _, want := range []string{wizardtest.VerifyURI, wizardtest.UserCode, "Approved by Jane Admin", "more than 1,000 users", "Too short", "leave WebexPresence.Enable=0", "Writing the bundle…\n\nDone.", "SHA-256"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for _, bad := range []string{"█", "▀", "tok-FAKE", "\x1b[?1049h"} {
		if strings.Contains(text, bad) {
			t.Errorf("output holds %q", bad)
		}
	}
	b, pass, _ := f.writer.Got()
	if len(b.Apps) != 4 || pass.Reveal() != "correct horse battery staple" || b.Customer.Deployment != "on-prem" {
		t.Fatalf("bundle %d apps, customer %+v", len(b.Apps), b.Customer)
	}
	if t.Failed() {
		t.Log(text)
	}
	golden.RequireEqual(t, []byte(text))
}

// TestAccessiblePrefillKept answers every customer prompt with enter: the
// prefilled values are shown in the prompts and kept (none is "required").
func TestAccessiblePrefillKept(t *testing.T) {
	f := newFakes()
	d := testDeps(f)
	c := wizardtest.Customer()
	d.Prefill = &c
	// company, email, deployment, host, engineer, notes: all kept.
	in := strings.Repeat("\n", 6) + "y\ny\n"
	res, text, err := run(t, d, in)
	if err != nil || res.Receipt == nil {
		t.Fatalf("Run = %+v, %v\n%s", res, err, text)
	}
	if strings.Contains(text, "required") {
		t.Errorf("enter on a prefilled field was refused:\n%s", text)
	}
	for _, want := range []string{"Company [Acme Industries]", "[" + wizardtest.AdminEmail + "]", "deployment [on-premises]", "[ucx01.acme.example]", "[Marco Rossi]", "[Pilot site]"} {
		if !strings.Contains(text, want) {
			t.Errorf("prompts do not show the prefilled %q:\n%s", want, text)
		}
	}
	b, _, _ := f.writer.Got()
	if b.Customer != wizardtest.Customer() {
		t.Errorf("customer %+v, want the prefill %+v", b.Customer, wizardtest.Customer())
	}
}

// TestAccessibleEnterWritesNothing: the accessible mode has no hidden
// screen, and no key acts without its prompt: enter alone (or a line
// typed ahead) at COMPLETE REQUEST does not write the bundle, which needs
// a typed y.
func TestAccessibleEnterWritesNothing(t *testing.T) {
	f := newFakes()
	d := testDeps(f)
	c := wizardtest.Customer()
	d.Prefill = &c
	in := strings.Repeat("\n", 6) + "y\n" + "\n\n"
	res, text, err := run(t, d, in)
	if err == nil || res.Receipt != nil {
		t.Fatalf("Run = %+v, %v: enter completed the request\n%s", res, err, text)
	}
	if _, _, path := f.writer.Got(); path != "" {
		t.Errorf("a bundle was written to %q", path)
	}
	if !strings.Contains(text, "Please answer one of: y, q.") {
		t.Errorf("enter was not refused at COMPLETE REQUEST:\n%s", text)
	}
}

// TestAccessibleHeaderSaysDemo: under --demo the accessible front-end's
// first line says DEMO, as the full-screen header's badge does.
func TestAccessibleHeaderSaysDemo(t *testing.T) {
	for _, demo := range []bool{false, true} {
		_, out := runScenario(t, nil, func(d *wizard.Deps) { d.Demo = demo }, "")
		first, _, _ := strings.Cut(out, "\n")
		if got := strings.Contains(first, "DEMO"); got != demo {
			t.Errorf("Demo %v: first line %q", demo, first)
		}
	}
}

// TestAccessibleOrgNameWhileRead: the approver check leaves the org's name
// to a read in the background (as flows.Client.Approver does); the
// approval lines do not call it unknown meanwhile: they say it is being
// read by an app that may read it, give it once read, and the review
// gives it.
func TestAccessibleOrgNameWhileRead(t *testing.T) {
	_, text := runScenario(t, func(f *fixture) { f.auth.ApproverBare = true }, nil, "")
	if strings.Contains(text, "name unknown") {
		t.Errorf("output says the name is unknown:\n%s", text)
	}
	var approved []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "Approved by ") {
			approved = append(approved, l)
		}
	}
	if len(approved) != len(wizardtest.Apps()) {
		t.Fatalf("%d approval lines, want %d:\n%s", len(approved), len(wizardtest.Apps()), text)
	}
	// users may not read the name: nothing is said of it; presence may:
	// it is being read (or read already); the others give it once read by
	// then.
	const bare, reading, named = "Approved by Jane Admin <Jane.Admin@acme.example> (Full Admin).",
		"Approved by Jane Admin <Jane.Admin@acme.example> (Full Admin); the organization's name is being read.",
		"Approved by Jane Admin <Jane.Admin@acme.example> (Full Admin), organization Acme Industries."
	if approved[0] != bare {
		t.Errorf("users approval %q, want %q", approved[0], bare)
	}
	if approved[1] != reading && approved[1] != named {
		t.Errorf("presence approval %q, want %q, or %q once its own read answered", approved[1], reading, named)
	}
	for _, l := range approved[2:] {
		if l != named && l != bare {
			t.Errorf("approval %q: want %q, or %q while the read is under way", l, named, bare)
		}
	}
	if !strings.Contains(text, "Webex organization: Acme Industries · ") {
		t.Errorf("the review does not give the name:\n%s", text)
	}
}

// TestAccessibleResumeAsksAgain: at the list of drafts, a discard not
// confirmed and a number that names no draft ask the question again at
// once. Before, they left the loop waiting for an event, and the question
// came back only on the prefetched codes' next refresh (15s later).
func TestAccessibleResumeAsksAgain(t *testing.T) {
	old := refreshEvery
	refreshEvery = time.Hour // no refresh comes to end a wait
	t.Cleanup(func() { refreshEvery = old })
	f := newFakes()
	for _, c := range []string{"Acme Industries", "Globex"} {
		cust := wizardtest.Customer()
		cust.Company = c
		if err := f.drafts.Save(&wizard.Draft{Customer: cust}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := startPiped(t, ctx, testDeps(f), false)
	const question = "Type a number to resume one, d and a number to discard one (d2), or press enter to start a new onboarding: "
	s.expect(question)
	s.typeLine("d1")
	s.expect("Discard the draft for Acme Industries")
	s.typeLine("n")
	s.expect(question)
	s.typeLine("7")
	s.expect("No such draft.")
	s.expect(question)
	s.typeLine("")
	s.expect("Customer data.")
	cancel()
	if err := s.wait(); !errors.Is(err, wizard.ErrUserAborted) {
		t.Errorf("Run = %v", err)
	}
	if len(f.drafts.Removed) != 0 {
		t.Errorf("removed %v", f.drafts.Removed)
	}
}
