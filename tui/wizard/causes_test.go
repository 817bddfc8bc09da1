package wizard

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// webexErr is a failed read answered status, as flows wraps it.
func webexErr(status int) error {
	we := &flows.WebexError{Status: status, Message: "refused", TrackingID: "T-1"}
	if status == 401 || status == 403 {
		return fmt.Errorf("flows: app: identify: people/me: %w: %w", flows.ErrForbidden, we)
	}
	return fmt.Errorf("flows: app: identify: people/me: %w", we)
}

var (
	noPeople       = []string{"spark-admin:calling_cdr_read"}
	adminPeople    = []string{flows.PeopleReadScope, flows.OrganizationsReadScope}
	userPeople     = []string{UserPeopleReadScope}
	errUnreachable = fmt.Errorf("flows: app: identify: %w: connection reset by peer", flows.ErrUnreachable)
)

// TestCauses has one case per row of Causes (a test fails when a row has
// none): the read, the answer, what the token holds and where it comes
// from pick the row, and the row says whether it is a known limit and
// never calls a 401 a role problem.
func TestCauses(t *testing.T) {
	tests := []struct {
		name    string
		read    Read
		err     error
		scopes  []string
		resumed bool
		row     int // index in Causes
		limit   bool
		words   string // in Short (or Text when Short is empty)
	}{
		{"403 to people/me, no people scope", ReadApprover, webexErr(403), noPeople, false, 0, true, "this app's token may not read people (it holds no people scope"},
		{"403 to people/me, admin people scope only", ReadApprover, webexErr(403), adminPeople, false, 1, true, "holds spark-admin:people_read, not spark:people_read"},
		{"403 to people/me despite spark:people_read", ReadApprover, webexErr(403), userPeople, false, 2, false, "refused this read although the token holds spark:people_read"},
		{"401 to people/me, token from a draft", ReadApprover, webexErr(401), adminPeople, true, 3, false, "no longer valid (HTTP 401: revoked, expired, or its user deactivated)"},
		{"401 to people/me, fresh token", ReadApprover, webexErr(401), noPeople, false, 4, false, "no longer valid"},
		{"people/me unreachable", ReadApprover, errUnreachable, adminPeople, false, 5, false, "network problem"},
		{"people/me 503 after the retries", ReadApprover, webexErr(503), adminPeople, false, 5, false, "network problem"},
		{"people/me 404", ReadApprover, webexErr(404), adminPeople, false, 6, false, "does not expect"},
		{"403 to the org's name", ReadOrgName, webexErr(403), adminPeople, false, 7, false, "may not be an admin"},
		{"403 to the org's users", ReadOrgUsers, webexErr(403), adminPeople, false, 8, false, "may not be an admin"},
		{"401 to the org's name", ReadOrgName, webexErr(401), adminPeople, true, 9, false, "no longer valid"},
		{"401 to the org's users", ReadOrgUsers, webexErr(401), adminPeople, false, 10, false, "no longer valid"},
	}
	covered := map[int]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := CauseOf(tt.read, tt.err, tt.scopes, tt.resumed)
			if !ok {
				t.Fatal("no row")
			}
			if want := Causes[tt.row]; c != want {
				t.Fatalf("row %+v, want row %d %+v", c, tt.row, want)
			}
			if c.Limit != tt.limit {
				t.Errorf("Limit %v, want %v", c.Limit, tt.limit)
			}
			text := c.Short
			if text == "" {
				text = c.Text
			}
			if !strings.Contains(text, tt.words) {
				t.Errorf("words %q lack %q", text, tt.words)
			}
			if strings.Contains(c.Short+c.Text+c.Title, "not an admin") && tt.read == ReadApprover {
				t.Errorf("people/me worded as a role problem: %q", c.Short+c.Text)
			}
		})
		covered[tt.row] = true
	}
	for i := range Causes {
		if !covered[i] {
			t.Errorf("row %d (%+v) has no test", i, Causes[i])
		}
	}
	for _, err := range []error{nil, context.Canceled, fmt.Errorf("x: %w", context.Canceled)} {
		if _, ok := CauseOf(ReadApprover, err, nil, false); ok {
			t.Errorf("CauseOf(%v) has a row", err)
		}
	}
}

// TestAfterIdentifyKnownLimit: a 403 to a token without spark:people_read
// finishes the approval with its approver not identified, no warning and
// nothing to decide; with spark:people_read it is a failed check; a 401
// of a resumed draft says the token is no longer valid.
func TestAfterIdentifyKnownLimit(t *testing.T) {
	app := flows.App{ID: "cdr", Name: "CDR", Scopes: noPeople}
	a := Approval{App: app, AdminEmail: "ada@acme.example"}
	a.AfterWait(flows.Grant{AccessToken: store.NewSecret("tok"), ObtainedAt: time.Unix(0, 0)}, nil)
	if next := a.AfterIdentify(flows.Identity{}, webexErr(403)); next != Finish {
		t.Fatalf("next %v, want Finish", next)
	}
	r := a.Result(Authorized, "")
	if r.Grant.Approver.NotIdentified == "" || len(r.Warnings) != 0 || a.Err != nil {
		t.Errorf("result %+v, err %v", r.Grant.Approver, a.Err)
	}
	if NoApprover(r.Grant.Approver) {
		t.Error("a not-identified approver counts as never checked: a resume would ask again")
	}

	a.App.Scopes = userPeople
	a.Grant.Scopes = nil
	if next := a.AfterIdentify(flows.Identity{}, webexErr(403)); next != Unchecked || a.NotIdentified != "" || a.Cause != Causes[2] {
		t.Errorf("spark:people_read refused: next %v, cause %+v", next, a.Cause)
	}

	var b Approval
	b.App = app
	b.Resumed(Result{App: app, Status: Authorized, Unchecked: true, Grant: store.AppGrant{AccessToken: store.NewSecret("tok")}})
	if next := b.AfterIdentify(flows.Identity{}, webexErr(401)); next != Unchecked || b.Cause != Causes[3] {
		t.Fatalf("401 after resume: next %v, cause %+v", next, b.Cause)
	}
	if w := strings.Join(b.Warnings, " "); !strings.Contains(w, "no longer valid") || strings.Contains(w, "not an admin") {
		t.Errorf("401 warning %q", w)
	}
	if !errors.Is(b.Err, flows.ErrForbidden) {
		t.Errorf("err %v", b.Err)
	}
}

// TestInferApprovers: an approver not identified is inferred from the
// identified approval nearest in time within InferWindow, only when every
// identified approver in the window is the same person; the inference
// sets none of the approver's own fields.
func TestInferApprovers(t *testing.T) {
	at := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	res := func(id string, min int, a store.Approver) Result {
		return Result{App: flows.App{ID: id, Name: "App " + id}, Status: Authorized,
			Grant: store.AppGrant{AppID: id, ApprovedAt: at.Add(time.Duration(min) * time.Minute), Approver: a}}
	}
	ada := store.Approver{PersonID: "p-ada", Email: "ada@acme.example", DisplayName: "Ada", FullAdmin: true}
	bob := store.Approver{PersonID: "p-bob", Email: "bob@acme.example", DisplayName: "Bob", FullAdmin: true}
	unknown := store.Approver{NotIdentified: "this app's token may not read people"}
	tests := []struct {
		name     string
		rs       []Result
		from     string // "" when no inference
		apartMin int
	}{
		{"nearest identified", []Result{res("a", 0, ada), res("b", 3, ada), res("cdr", 5, unknown)}, "b", 2},
		{"after it", []Result{res("a", 4, ada), res("cdr", 0, unknown)}, "a", 4},
		{"too far apart", []Result{res("a", 0, ada), res("cdr", 16, unknown)}, "", 0},
		{"two people in the window", []Result{res("a", 0, ada), res("b", 2, bob), res("cdr", 3, unknown)}, "", 0},
		{"nobody identified", []Result{res("a", 0, unknown), res("cdr", 1, unknown)}, "", 0},
		{"a skipped app does not count", []Result{{App: flows.App{ID: "a"}, Status: Skipped, Grant: store.AppGrant{Approver: ada}}, res("cdr", 1, unknown)}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			InferApprovers(tt.rs)
			got := tt.rs[len(tt.rs)-1].Grant.Approver
			switch {
			case tt.from == "" && got.Inferred != nil:
				t.Errorf("inferred %+v", got.Inferred)
			case tt.from != "" && (got.Inferred == nil || got.Inferred.FromApp != tt.from || got.Inferred.PersonID != "p-ada" ||
				got.Inferred.Apart != time.Duration(tt.apartMin)*time.Minute):
				t.Errorf("inferred %+v, want from %s, %d min apart", got.Inferred, tt.from, tt.apartMin)
			}
			if got.PersonID != "" || got.Email != "" || got.FullAdmin {
				t.Errorf("the inference set the approver's own fields: %+v", got)
			}
		})
	}
}

// TestCausesDocumented: every row's words are in docs/who-approved.md.
func TestCausesDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "who-approved.md"))
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range Causes {
		words := c.Short
		if words == "" {
			words = c.Text
		}
		if !strings.Contains(string(doc), words) {
			t.Errorf("row %d: docs/who-approved.md lacks %q", i, words)
		}
	}
}
