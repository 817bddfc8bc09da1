package wizard

import (
	"fmt"
	"strings"

	"github.com/imagicle/ucx-onboard/store"
)

// The review's lines, in the words both front-ends show them.

// DescribeProtection words Deps.Protection.
func DescribeProtection(p Protection) string {
	if p.Describe != "" {
		return Clean(p.Describe)
	}
	switch {
	case p.Passphrase:
		return "age, with a passphrase you choose"
	case len(p.Recipients) == 1:
		return "age, for 1 recipient: " + p.Recipients[0]
	case len(p.Recipients) > 1:
		return fmt.Sprintf("age, for %d recipients: %s", len(p.Recipients), strings.Join(p.Recipients, ", "))
	}
	return "unknown"
}

// OrgLine words the org for the review on one line: its name, its size
// ("size not checked" when gaps says why; orgNotes tell why) and its id.
func OrgLine(o store.Org, gaps Gaps) string {
	if o.ID == "" && o.Name == "" {
		if gaps.Org != "" {
			return "not identified (no app's token may read people)"
		}
		return "unknown (no app authorized)"
	}
	name := Clean(o.Name)
	if name == "" {
		name = "name unknown"
	}
	users := "users not counted"
	switch {
	case o.UserCount > 1000:
		users = "more than 1,000 users"
	case o.UserCount > 0:
		users = fmt.Sprintf("%d %s", o.UserCount, Plural(o.UserCount, "user", "users"))
	case gaps.Size != "":
		users = "size not checked"
	}
	return name + " · " + users + " · id " + ShortID(Clean(o.ID))
}

// CustomerLine words the customer for the review on one line: company,
// admin email, deployment and UCX host, engineer.
func CustomerLine(c store.Customer) string {
	parts := []string{Clean(c.Company), Clean(c.AdminEmail)}
	if c.Deployment == store.DeploymentOnPrem {
		parts = append(parts, "on-premises "+Clean(c.UCXHost))
	} else {
		d := "cloud"
		if c.UCXHost != "" {
			d += " " + Clean(c.UCXHost)
		}
		parts = append(parts, d)
	}
	if c.Engineer != "" {
		parts = append(parts, "engineer "+Clean(c.Engineer))
	}
	return strings.Join(parts, " · ")
}

// ApproverText words an approver: "Name <email>, Full Admin", or that it
// was never checked (Approver failed, or the wizard stopped before it).
func ApproverText(a store.Approver) string {
	if a.NotIdentified != "" {
		t := "approver not identified: " + Clean(a.NotIdentified)
		if a.Inferred != nil {
			t += "; " + Clean(InferredText(a.Inferred))
		}
		return t
	}
	if a.PersonID == "" && a.Email == "" && a.DisplayName == "" {
		return "approver not checked"
	}
	who := Clean(a.DisplayName)
	if a.Email != "" {
		if who != "" {
			who += " "
		}
		who += "<" + Clean(a.Email) + ">"
	}
	if a.FullAdmin {
		return who + ", Full Admin"
	}
	return who + ", NOT a Full Admin"
}

// ExpiryText words a grant's token expiries ("" when unknown).
func ExpiryText(g store.AppGrant) string {
	var parts []string
	if !g.AccessTokenExpiry.IsZero() {
		parts = append(parts, "access until "+g.AccessTokenExpiry.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if !g.RefreshTokenExpiry.IsZero() {
		parts = append(parts, "refresh until "+g.RefreshTokenExpiry.UTC().Format("2006-01-02"))
	}
	return strings.Join(parts, ", ")
}
