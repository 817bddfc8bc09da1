package wizard

import "fmt"

// Result and Approval hold tokens (in a store.AppGrant, a flows.Grant):
// they format themselves without them, whatever the verb.

// String describes r without its tokens.
func (r Result) String() string {
	return fmt.Sprintf("wizard.Result{app: %q, status: %d, approver: %q, reason: %q}", r.App.ID, r.Status, r.Grant.Approver.Email, r.Reason)
}

// GoString is String.
func (r Result) GoString() string { return r.String() }

// String describes a without its tokens.
func (a Approval) String() string {
	return fmt.Sprintf("wizard.Approval{app: %q, renewals: %d, warnings: %d, err: %v}", a.App.ID, a.Renewals, len(a.Warnings), a.Err)
}

// GoString is String.
func (a Approval) GoString() string { return a.String() }
