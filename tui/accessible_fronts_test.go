package tui

// The accessible front-end (package tui/accessible), run through Run with
// Deps.Accessible, on this package's fakes: what it prints, and the
// drafts and bundles it leaves.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
	"github.com/imagicle/ucx-onboard/tui/wizard/wizardtest"
)

// runAccessible runs the accessible front-end with input in, and returns
// its Result, what it printed and its error.
func runAccessible(t *testing.T, d Deps, in string) (Result, string, error) {
	t.Helper()
	d.Accessible = true
	var out bytes.Buffer
	res, err := Run(context.Background(), d, Options{In: strings.NewReader(in), Out: &out})
	if testing.Verbose() {
		t.Log(out.String())
	}
	return res, out.String(), err
}

// runAccessibleDone is runAccessible for a run that must write the
// bundle: it fails the test when it does not.
func runAccessibleDone(t *testing.T, d Deps, in string) (Result, string) {
	t.Helper()
	res, text, err := runAccessible(t, d, in)
	if err != nil || res.Receipt == nil {
		t.Fatalf("Run = %+v, %v\n%s", res, err, text)
	}
	return res, text
}

// runAccessibleScenario runs the accessible front-end through the customer
// form and the app selection, then answers with answer and confirms the
// review; it fails the test when Run fails.
func runAccessibleScenario(t *testing.T, fakes func(*fixture), deps func(*Deps), answer string) (*fixture, string) {
	t.Helper()
	f := newFakes()
	if fakes != nil {
		fakes(f)
	}
	d := testDeps(f)
	if deps != nil {
		deps(&d)
	}
	_, text, err := runAccessible(t, d, wizardtest.ScenarioInput(answer))
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, text)
	}
	return f, text
}

// prefilledForm is the accessible input that keeps the prefilled customer
// data (prefill) and authorizes all apps.
var prefilledForm = strings.Repeat("\n", 6) + "y\n"

// TestAccessibleIdentifyGolden keeps the accessible front-end's words for
// identifyScenarios, as the screens' goldens do.
func TestAccessibleIdentifyGolden(t *testing.T) {
	for _, sc := range identifyScenarios {
		t.Run(strings.ReplaceAll(sc.name, " ", "_"), func(t *testing.T) {
			_, text := runAccessibleScenario(t, sc.fakes, sc.deps, sc.answer)
			golden.RequireEqual(t, []byte(text))
		})
	}
}

// TestAccessibleRenewalCap: the accessible front-end renews an expired
// code at most wizard.MaxAutoRenew times in a row, as the screen does,
// then asks, with the redirect-URI cause in the remedy.
func TestAccessibleRenewalCap(t *testing.T) {
	f, text := renewalCapRun(t, flows.ErrExpired)
	if n := strings.Count(text, "here is a fresh one"); n != wizard.MaxAutoRenew {
		t.Errorf("%d fresh codes, want %d", n, wizard.MaxAutoRenew)
	}
	if n := f.auth.StartCount(); n != wizard.MaxAutoRenew+1+3 { // users' codes, then one per other app
		t.Errorf("%d codes requested, want %d", n, wizard.MaxAutoRenew+1+3)
	}
	if !strings.Contains(text, "The previous 5 codes expired unused, the last at 09:30.") || !strings.Contains(text, "Type r to try again, s to skip the app, or q to quit") ||
		!strings.Contains(spaces.ReplaceAllString(text, " "), "device-grant redirect URIs") {
		t.Errorf("output:\n%s", text)
	}
}

// renewalCapRun runs the accessible front-end with users' first
// MaxAutoRenew+1 waits failing with sentinel, then skips users at the
// question; it returns the fakes and the output.
func renewalCapRun(t *testing.T, sentinel error) (*fixture, string) {
	t.Helper()
	return runAccessibleScenario(t, func(f *fixture) {
		for range wizard.MaxAutoRenew + 1 {
			f.auth.WaitErr["users"] = append(f.auth.WaitErr["users"], fmt.Errorf("flows: wait: %w", sentinel))
		}
	}, nil, "s\ny\n")
}

// TestAccessibleGrantSavedBeforeIdentify: the accessible front-end saves
// the approval before asking who approved, too.
func TestAccessibleGrantSavedBeforeIdentify(t *testing.T) {
	f := newFakes()
	f.auth.IdentifyBlock = true
	f.auth.Identifying = make(chan string, 1)
	d := testDeps(f)
	d.Accessible = true
	prefill(&d)
	pr, pw := io.Pipe()
	defer pw.Close()
	go fmt.Fprint(pw, prefilledForm)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() {
		_, err := Run(ctx, d, Options{In: pr, Out: &out})
		done <- err
	}()
	select {
	case <-f.auth.Identifying:
	case <-time.After(5 * time.Second):
		cancel()
		<-done
		t.Fatalf("Identify never called:\n%s", out.String())
	}
	saved := savedGrant(f.drafts, "users")
	cancel()
	if err := <-done; !errors.Is(err, ErrUserAborted) {
		t.Errorf("Run = %v", err)
	}
	if !saved {
		t.Error("the approved grant is not in the draft while Identify runs")
	}
}

// TestAccessibleIdentifyRetry: i asks who approved again (labeled "try again", as on the screen).
func TestAccessibleIdentifyRetry(t *testing.T) {
	f := newFakes()
	f.auth.IdentifyErr = []error{errors.New("webex: Get people/me: dial tcp: i/o timeout")}
	d := testDeps(f)
	prefill(&d)
	_, text := runAccessibleDone(t, d, prefilledForm+"i\ny\n")
	if !strings.Contains(text, "i to try again") || f.auth.Identifies != 5 {
		t.Errorf("identifies %d:\n%s", f.auth.Identifies, text)
	}
	b, _, _ := f.writer.Got()
	if len(b.Apps) != 4 || b.Apps[0].Approver.Email == "" {
		t.Errorf("bundle apps %+v", b.Apps)
	}
}

// listedDrafts lists infos whatever its store holds.
type listedDrafts struct {
	*fakeDrafts
	infos []DraftInfo
}

func (l listedDrafts) List() ([]DraftInfo, error) { return l.infos, nil }

// TestAccessibleInUseAndCompleted: the accessible listing says what the
// resume screen says of a held and a completed draft, and refuses to
// resume or discard the held draft or to resume the completed one.
func TestAccessibleInUseAndCompleted(t *testing.T) {
	f := newFakes()
	d := testDeps(f)
	d.Drafts = listedDrafts{f.drafts, heldAndCompleted()}
	// held: resume, discard; completed: resume; then a new onboarding,
	// quit at the form.
	_, text, _ := runAccessible(t, d, "1\nd1\n2\n\n")
	for _, want := range []string{
		"1. 20261120-1712-held: in use by another ucx-onboard (pid 4242); it can be neither resumed nor discarded",
		"2. Acme Industries: already completed: /home/fe/acme-20261120.ucxbundle; it can only be discarded (d2)",
		"That draft is in use by another ucx-onboard (pid 4242)",
		"That onboarding is already completed: /home/fe/acme-20261120.ucxbundle; its draft can only be discarded.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if len(f.drafts.Removed) != 0 {
		t.Errorf("removed %v", f.drafts.Removed)
	}
}

// TestAccessibleShowsRetries: the accessible front-end prints a line for
// each retry of the current app's Start and Identify, sanitized.
func TestAccessibleShowsRetries(t *testing.T) {
	f := newFakes()
	d := testDeps(f)
	d.Authorizer = retryingAuth{fakeAuth: f.auth, starts: 2}
	prefill(&d)
	_, text := runAccessibleDone(t, d, prefilledForm+"y\n")
	for _, want := range []string{
		"Webex is busy (HTTP 503, attempt 2), retrying in 4s: down for maintenance\n",
		"No answer from Webex (attempt 1), retrying in 2s: ",
		"(attempt 1), retrying in 2s: connection reset by peer\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "\x1b") {
		t.Errorf("an escape printed:\n%s", text)
	}
}

// TestAccessibleDraftRemoveError: the accessible front-end reports a draft
// it could not delete, too.
func TestAccessibleDraftRemoveError(t *testing.T) {
	f := newFakes()
	f.drafts.RemoveErr = errPermission
	d := testDeps(f)
	prefill(&d)
	res, text := runAccessibleDone(t, d, prefilledForm+"y\n")
	if !errors.Is(res.DraftRemoveErr, errPermission) || res.DraftID == "" {
		t.Errorf("Result = %+v", res)
	}
	if !strings.Contains(text, "could not be deleted") {
		t.Errorf("output does not say the draft is left:\n%s", text)
	}
}

// TestAccessibleDiscard: the accessible front-end offers the resume
// screen's discard, confirmed.
func TestAccessibleDiscard(t *testing.T) {
	f := newFakes()
	infos := savedDrafts(t, f)
	d := testDeps(f)
	prefill(&d)
	// discard Acme (asked, then n), then yes; then start new and finish.
	_, text := runAccessibleDone(t, d, "d1\nn\nd1\ny\n\n"+prefilledForm+"y\n")
	if !strings.Contains(text, "Discard the draft for Acme Industries (2 apps authorized)? Its tokens are deleted.") {
		t.Errorf("no confirmation:\n%s", text)
	}
	if len(f.drafts.Removed) < 1 || f.drafts.Removed[0] != infos[0].ID {
		t.Errorf("removed %v, want %s first", f.drafts.Removed, infos[0].ID)
	}
	if _, ok := f.drafts.Drafts[infos[1].ID]; !ok {
		t.Error("Globex's draft was removed too")
	}
}

// TestAccessibleSaveError: the accessible front-end says a save failed,
// and does not claim the approval is kept.
func TestAccessibleSaveError(t *testing.T) {
	f := newFakes()
	f.drafts.SaveErr = errDiskFull
	d := testDeps(f)
	prefill(&d)
	_, text := runAccessibleDone(t, d, prefilledForm+"y\n")
	if strings.Contains(text, "kept in the draft") || !strings.Contains(text, "! progress could not be saved: Save draft: write") {
		t.Errorf("output:\n%s", text)
	}
}

// TestAccessibleResumesPendingApprovals: in the accessible front-end, a
// resumed approval whose approver was never checked is checked again, and
// one whose warnings were never accepted asks a/r/s again; neither asks
// for a new code.
func TestAccessibleResumesPendingApprovals(t *testing.T) {
	f := newFakes()
	apps := testApps()
	users := wizard.AppGrant(apps[0], testGrant(apps[0]), flows.Identity{}, adminEmail)
	other := otherApprover()
	other.OrgID, other.OrgName = orgID, "Acme Industries"
	presence := wizard.AppGrant(apps[1], testGrant(apps[1]), other, adminEmail)
	warns := wizard.ApproverWarnings(other, adminEmail, "")
	dr := Draft{Customer: testCustomer(), SelectedApps: []string{"users", "presence", "callcontrol", "cdr"},
		Apps: []store.AppGrant{users, presence}, Org: store.Org{ID: orgID, Name: "Acme Industries"},
		Approvals: []store.ApprovalNote{{AppID: "presence", Warnings: warns, Undecided: true}}}
	if err := f.drafts.Save(&dr); err != nil {
		t.Fatal(err)
	}
	_, text := runAccessibleDone(t, testDeps(f), "1\n"+prefilledForm+"a\ny\n")
	for _, want := range []string{"who approved was not checked", "warnings were not accepted", "Warning: Help Desk is not a Full Administrator"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if f.auth.StartCount() != 2 || f.auth.Identifies != 3 {
		t.Errorf("%d starts, %d identifies; want 2 and 3 (users checked again)", f.auth.StartCount(), f.auth.Identifies)
	}
	b, _, _ := f.writer.Got()
	if len(b.Apps) != 4 || b.Apps[0].Approver.Email != "Jane.Admin@acme.example" {
		t.Fatalf("bundle apps %+v", b.Apps)
	}
	found := false
	for _, w := range b.Warnings {
		found = found || strings.HasPrefix(w, apps[1].Name+": Help Desk is not a Full Administrator")
	}
	if !found {
		t.Errorf("accepted warning not in the bundle: %q", b.Warnings)
	}
}

// TestAccessibleResumedUndecidedClaimsNoOrg: the accessible front-end's
// half of TestResumedUndecidedClaimsNoOrg: a resumed undecided approver in
// another org is not shown in the draft's org.
func TestAccessibleResumedUndecidedClaimsNoOrg(t *testing.T) {
	f := newFakes()
	apps := testApps()
	jane := testIdentity()
	users := wizard.AppGrant(apps[0], testGrant(apps[0]), jane, adminEmail)
	other := otherApprover()
	other.OrgID, other.OrgName = "org-other", "Other Support Co"
	presence := wizard.AppGrant(apps[1], testGrant(apps[1]), other, adminEmail)
	warns := wizard.ApproverWarnings(other, adminEmail, jane.OrgID)
	dr := Draft{Customer: testCustomer(), SelectedApps: []string{"users", "presence"},
		Apps: []store.AppGrant{users, presence}, Org: store.Org{ID: jane.OrgID, Name: jane.OrgName},
		Approvals: []store.ApprovalNote{{AppID: "presence", Warnings: warns, Undecided: true}}}
	if err := f.drafts.Save(&dr); err != nil {
		t.Fatal(err)
	}
	_, text, _ := runAccessible(t, testDeps(f), "1\n"+prefilledForm+"a\ny\n")
	i := strings.Index(text, "warnings were not accepted")
	if i < 0 {
		t.Fatalf("no resumed warning:\n%s", text)
	}
	line := text[i:]
	j := strings.Index(line, "Warning:")
	if j < 0 {
		t.Fatalf("no warning after the resumed approval:\n%s", text)
	}
	line = line[:j]
	if strings.Contains(line, "Acme Industries") || !strings.Contains(line, "Approved by Help Desk") {
		t.Errorf("resumed approver shown in the draft's org:\n%s", line)
	}
}
