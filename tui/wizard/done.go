package wizard

import (
	"fmt"

	"github.com/imagicle/ucx-onboard/store"
)

// DoneContent is what the last step says: where the bundle went, how it is
// protected, and what to do next. The full-screen done screen styles and
// wraps it; DoneText says it line by line.
type DoneContent struct {
	Receipt  Receipt
	Customer store.Customer
	Org      store.Org
	// Authorized counts the apps authorized; Presence is set when one of
	// them is the presence app (IsPresence).
	Authorized int
	Presence   bool
	// RemoveErr: the draft DraftID, with the tokens, could not be deleted.
	RemoveErr error
	DraftID   string
	// Planned is the bundle's name the review showed ("" when unknown):
	// when it was taken by the time COMPLETE REQUEST wrote the bundle, the
	// bundle has another name, and Renamed says so.
	Planned string
}

// Renamed says that the bundle was written under another name than the
// review showed ("" when it was not).
func (d DoneContent) Renamed() string {
	if d.Planned == "" || d.Planned == d.Receipt.BundlePath {
		return ""
	}
	return "The review showed " + Clean(d.Planned) + ", which was taken by the time the bundle was written: the bundle is " + Clean(d.Receipt.BundlePath) + "."
}

// Set records the written bundle (receipt r) of the onboarding of cust in
// org, and counts the selected apps authorized in results. RemoveErr and
// DraftID are left as they are.
func (d *DoneContent) Set(r Receipt, cust store.Customer, org store.Org, results map[string]*Result, selected []string) {
	d.Receipt, d.Customer, d.Org = r, cust, org
	d.Authorized, d.Presence = 0, false
	for _, id := range selected {
		if res := results[id]; res != nil && res.Status == Authorized {
			d.Authorized++
			d.Presence = d.Presence || IsPresence(res.App)
		}
	}
}

// DoneTitle heads the last step, after MarkOK.
const DoneTitle = "Bundle written"

// Summary is the line beside DoneTitle: "4 apps authorized for Acme".
func (d DoneContent) Summary() string {
	return fmt.Sprintf("%d %s authorized for %s", d.Authorized, Plural(d.Authorized, "app", "apps"), Clean(d.Customer.Company))
}

// DraftNotDeleted heads RemoveErr, after MarkWarn.
const DraftNotDeleted = "The draft with the tokens could not be deleted:"

// DeleteDraftHint says how to delete the draft that could not be
// deleted (RemoveErr).
func (d DoneContent) DeleteDraftHint() string {
	return "Delete draft " + Clean(d.DraftID) + ": run ucx-onboard again and press d on it, or delete it from the state folder."
}

// DoneRow is a labeled value of the last step. Whole is a path, hash or
// key, never cut (its Value is a server's or the disk's: Clean it).
type DoneRow struct {
	Label, Value string
	Whole        bool
}

// Rows are the bundle, its hash and receipt, and its protection.
func (d DoneContent) Rows() []DoneRow {
	r := d.Receipt
	rows := []DoneRow{{"Bundle", r.BundlePath, true}, {"SHA-256", r.SHA256, true}, {"Receipt", r.ReceiptPath, true}}
	switch {
	case r.Passphrase:
		rows = append(rows, DoneRow{"Protected", "by the passphrase you entered: give it to the UCX Suite administrator by phone or another channel, never with the file", false})
	case len(r.Recipients) > 0:
		for i, k := range r.Recipients {
			label := ""
			if i == 0 {
				label = "For"
			}
			rows = append(rows, DoneRow{label, k, true})
		}
	}
	return rows
}

// DoneStep is one of the next steps: its text, and the command shown
// after it (nil for none).
type DoneStep struct {
	Text    string
	Command *Command
}

// OpenCommand is how bundle r is opened on the UCX side: deps.OpenHint's,
// or "ucx-onboard open <bundle>".
func OpenCommand(deps Deps, r Receipt) Command {
	if deps.OpenHint != nil {
		return deps.OpenHint(r)
	}
	return Command{Line: "ucx-onboard open " + r.BundlePath}
}

// SizeUnknownStep is the step when presence is authorized in an org whose
// size could not be checked.
const SizeUnknownStep = "Before enabling presence retrieval, check that the organization has at most 1,000 users: " +
	"its size could not be checked (the bundle's warnings say why), and Cisco's API does not support more."

// Steps are the next steps; open is OpenCommand's.
func (d DoneContent) Steps(open Command) []DoneStep {
	steps := []DoneStep{
		{"Hand the bundle (and the receipt) to UCX Suite's administrator. To read it on the UCX side, run:", &open},
		{"UCX Suite must reach https://webexapis.com, https://*.imagicle.com and https://*.api.imagicle.com.", nil},
	}
	switch {
	case d.Presence && d.Org.UserCount > 1000:
		steps = append(steps, DoneStep{"Do not enable presence retrieval: the organization has more than 1,000 users, which Cisco's API does not support (for UCX Suite on premises, leave WebexPresence.Enable=0 in Apps\\Presence\\Settings\\Presence.ini).", nil})
	case d.Customer.Deployment == store.DeploymentOnPrem && d.Presence:
		if d.Org.UserCount == 0 {
			steps = append(steps, DoneStep{SizeUnknownStep, nil})
		}
		steps = append(steps, DoneStep{"On-premises presence: set WebexPresence.Enable=1 in Apps\\Presence\\Settings\\Presence.ini under the UCX install folder; Webex users are matched by UPN in each user's \"Rich Presence Webex URI\" field.", nil})
	case d.Presence && d.Org.UserCount == 0:
		steps = append(steps, DoneStep{SizeUnknownStep, nil})
	}
	return append(steps, DoneStep{"The tokens are tied to the approver: if that user is deactivated or loses Full Admin rights, authorize again.", nil})
}

// DoneText is the last step in plain lines, for the accessible flow: as
// the done screen shows it, without styles, each value on its label's
// line, lines not wrapped (the screen reader's terminal does that).
func DoneText(d DoneContent, open Command) []string {
	lines := []string{MarkOK + " " + DoneTitle + "  " + d.Summary(), ""}
	if n := d.Renamed(); n != "" {
		lines = append(lines, MarkWarn+" "+n, "")
	}
	if d.RemoveErr != nil {
		lines = append(lines, MarkWarn+" "+DraftNotDeleted, CleanErrorText(d.RemoveErr), d.DeleteDraftHint(), "")
	}
	for _, r := range d.Rows() {
		v := r.Value
		if r.Whole {
			v = Clean(v)
		}
		lines = append(lines, fmt.Sprintf("%-10s %s", r.Label, v))
	}
	lines = append(lines, "", "Next steps")
	for i, s := range d.Steps(open) {
		lines = append(lines, fmt.Sprintf("%d. %s", i+1, s.Text))
		if s.Command != nil {
			lines = append(lines, "     "+Clean(s.Command.Line))
			for _, n := range s.Command.Notes {
				lines = append(lines, "   "+Clean(n))
			}
		}
	}
	return lines
}
