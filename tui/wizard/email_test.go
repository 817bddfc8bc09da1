package wizard

import (
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// TestUseApproverEmail: the email warning is offered a correction once:
// the approver's email becomes the admin email, and the same approver
// raises no warning for the apps after (issue #10, item 12).
func TestUseApproverEmail(t *testing.T) {
	other := flows.Identity{DisplayName: "Bob", Emails: []string{"bob@acme.example"}, FullAdmin: true, OrgID: "O1"}
	notAdmin := other
	notAdmin.FullAdmin = false
	tests := []struct {
		name      string
		id        flows.Identity
		admin     string
		wantEmail string
		wantNext  Next
		wantWarns int
	}{
		{"email differs", other, "jane@acme.example", "bob@acme.example", Finish, 0},
		{"differs, not a Full Admin too", notAdmin, "jane@acme.example", "bob@acme.example", Warn, 1},
		{"same email, any case", other, "BOB@acme.example", "", Warn, 0},
		{"no admin email in the form", other, "", "", Warn, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &Approval{App: flows.App{ID: "presence", Name: "Presence"}, AdminEmail: tt.admin, Prior: orgOf("O1")}
			a.AfterIdentify(tt.id, nil)
			if got := a.ApproverEmail(); got != tt.wantEmail {
				t.Fatalf("ApproverEmail = %q, want %q", got, tt.wantEmail)
			}
			if tt.wantEmail == "" {
				return
			}
			email, next := a.UseApproverEmail()
			if email != tt.wantEmail || next != tt.wantNext || len(a.Warnings) != tt.wantWarns {
				t.Fatalf("UseApproverEmail = %q, %v, warnings %q", email, next, a.Warnings)
			}
			// The next app, approved by the same person, with the corrected
			// customer data: no email warning.
			s := NewSession(apps())
			s.SetAdminEmail(email)
			b := &Approval{App: flows.App{ID: "cdr"}, AdminEmail: s.Draft.Customer.AdminEmail, Prior: orgOf("O1")}
			if n := b.AfterIdentify(tt.id, nil); len(b.Warnings) != tt.wantWarns || (tt.wantWarns == 0 && n != Finish) {
				t.Fatalf("next app: %v, warnings %q", n, b.Warnings)
			}
		})
	}
}

func orgOf(id string) store.Org { return store.Org{ID: id} }
