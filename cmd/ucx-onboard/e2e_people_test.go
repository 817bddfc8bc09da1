//go:build !windows

package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/flows/webextest"
)

// bundleApprovers opens the bundle and returns each app's approver, by
// app ID, and the bundle's warnings.
func (x *e2e) bundleApprovers() (map[string]bundleApprover, []string) {
	x.t.Helper()
	out, err := exec.Command(builtBinary(x.t), "open", x.out, "-i", x.identity).Output()
	if err != nil {
		x.t.Fatalf("open: %v", err)
	}
	var b struct {
		Apps []struct {
			AppID    string         `json:"app_id"`
			Approver bundleApprover `json:"approver"`
		} `json:"apps"`
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal(out, &b); err != nil {
		x.t.Fatal(err)
	}
	got := map[string]bundleApprover{}
	for _, a := range b.Apps {
		got[a.AppID] = a.Approver
	}
	return got, b.Warnings
}

type bundleApprover struct {
	PersonID      string `json:"person_id"`
	Email         string `json:"email"`
	FullAdmin     bool   `json:"full_admin"`
	NotIdentified string `json:"not_identified"`
	Inferred      *struct {
		PersonID string `json:"person_id"`
		Email    string `json:"email"`
		FromApp  string `json:"from_app"`
	} `json:"inferred"`
}

// onboardWithEnterOnly runs the four apps through with no key but Enter
// (the admin approves on the fake) and returns the review screen.
func (x *e2e) onboardWithEnterOnly() string {
	x.t.Helper()
	term := x.start()
	x.throughCustomer(term)
	for n := 1; n <= 4; n++ {
		x.approve(term, n)
	}
	screen := term.WaitFor(screenTimeout, "COMPLETE REQUEST", "approver not identified")
	x.noTokenOnScreen(screen)
	x.complete(term)
	x.checkBundleHoldsIssuedTokens()
	return strings.Join(strings.Fields(screen), " ")
}

// TestE2EPeopleMeNeedsAPeopleScope: /people/me answers 403 to a token
// without spark:people_read or spark-admin:people_read (the CDR app's):
// the onboarding completes with Enter alone, the review and the bundle
// say that approver is not identified and why, and who probably approved
// it (inferred from the app approved just before, marked so); the others
// are identified.
func TestE2EPeopleMeNeedsAPeopleScope(t *testing.T) {
	t.Parallel()
	x := newE2EWith(t, func(o *webextest.Options) { o.PeopleMe = webextest.MeEitherPeopleScope })
	review := x.onboardWithEnterOnly()
	for _, w := range []string{"may not read people", "inferred"} {
		if !strings.Contains(review, w) {
			t.Errorf("the review lacks %q:\n%s", w, review)
		}
	}
	approvers, _ := x.bundleApprovers()
	for _, a := range webextest.DemoApps() {
		got := approvers[a.ID]
		if a.ID != "cdr" {
			if got.PersonID != "p-admin" || !got.FullAdmin || got.NotIdentified != "" {
				t.Errorf("%s: approver %+v, want Ada identified", a.ID, got)
			}
			continue
		}
		if got.PersonID != "" || got.FullAdmin || !strings.Contains(got.NotIdentified, "may not read people") ||
			!strings.Contains(got.NotIdentified, "no people scope") {
			t.Errorf("cdr: approver %+v, want not identified, no people scope", got)
		}
		if got.Inferred == nil || got.Inferred.PersonID != "p-admin" || got.Inferred.FromApp != "call-control" {
			t.Errorf("cdr: inferred %+v, want Ada from call-control", got.Inferred)
		}
	}
	// inspect says it too, and does not call the unchecked role a warning.
	out, err := exec.Command(builtBinary(t), "inspect", x.out, "-i", x.identity).Output()
	if err != nil {
		t.Fatalf("inspect: %v", err)
	}
	text := string(out)
	if !strings.Contains(text, "approver not identified: this app's token may not read people") ||
		!strings.Contains(text, "probably:       Ada Admin <admin@acme.example>, who approved call-control") ||
		strings.Contains(text, "not a Full Administrator") {
		t.Errorf("inspect:\n%s", text)
	}
}

// TestE2EPeopleMeNeedsSparkPeopleRead: /people/me answers 403 to every
// token without spark:people_read, which no Imagicle app requests: no
// approver is identified, yet the onboarding completes with Enter alone
// and every token is in the bundle; the review and the bundle say, per
// app, that its approver is not identified and why.
func TestE2EPeopleMeNeedsSparkPeopleRead(t *testing.T) {
	t.Parallel()
	x := newE2EWith(t, func(o *webextest.Options) { o.PeopleMe = webextest.MePeopleRead })
	review := x.onboardWithEnterOnly()
	if !strings.Contains(review, "not spark:people_read") || !strings.Contains(review, "not identified (no app's token may read people)") {
		t.Errorf("the review does not say why:\n%s", review)
	}
	approvers, _ := x.bundleApprovers()
	for _, a := range webextest.DemoApps() {
		got := approvers[a.ID]
		want := "holds spark-admin:people_read, not spark:people_read"
		if a.ID == "cdr" {
			want = "no people scope"
		}
		if got.PersonID != "" || got.FullAdmin || got.Inferred != nil || !strings.Contains(got.NotIdentified, want) {
			t.Errorf("%s: approver %+v, want not identified (%s), nothing inferred", a.ID, got, want)
		}
	}
	for _, r := range x.srv.Requests() {
		if r.Path == "/v1/people/me" && r.Status != 403 {
			t.Errorf("/v1/people/me answered %d", r.Status)
		}
	}
}
