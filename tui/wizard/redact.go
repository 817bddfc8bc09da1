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

// The Flow, its views and the events that carry what was typed hold
// secrets too (a passphrase, a client secret, in fields fmt cannot reach
// through): they format themselves without them.

// String describes f without what it holds.
func (f *Flow) String() string {
	return fmt.Sprintf("wizard.Flow{step: %d, apps: %d}", f.step, len(f.s.Results))
}

// GoString is String.
func (f *Flow) GoString() string { return f.String() }

// String leaves out the passphrase.
func (c Complete) String() string {
	return fmt.Sprintf("wizard.Complete{passphrase: %d characters}", len([]rune(c.Passphrase)))
}

// GoString is String.
func (c Complete) GoString() string { return c.String() }

// String leaves out the secret.
func (s SecretTyped) String() string { return "wizard.SecretTyped{[redacted]}" }

// GoString is String.
func (s SecretTyped) GoString() string { return s.String() }

// String describes v without what its fields hold.
func (v AuthView) String() string {
	return fmt.Sprintf("wizard.AuthView{app: %q, phase: %d, gen: %d}", v.App.ID, v.Phase, v.Gen)
}

// GoString is String.
func (v AuthView) GoString() string { return v.String() }
