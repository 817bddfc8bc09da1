package wizard

import (
	"errors"
	"fmt"

	"github.com/imagicle/ucx-onboard/store"
)

// How both front-ends list the saved drafts and ask before one is
// discarded.

// InUse reports whether another ucx-onboard holds draft d: it can be
// neither resumed nor discarded.
func InUse(d DraftInfo) bool { return errors.Is(d.Err, store.ErrDraftInUse) }

// InUseText says who holds draft d.
func InUseText(d DraftInfo) string {
	if d.HeldBy > 0 {
		return fmt.Sprintf("in use by another ucx-onboard (pid %d)", d.HeldBy)
	}
	return "in use by another ucx-onboard"
}

// DiscardQuestion asks before a draft is deleted; the accessible flow asks
// it too.
func DiscardQuestion(d DraftInfo) string {
	if d.Completed != nil {
		name := Clean(d.Company)
		if name == "" {
			name = Clean(d.ID)
		}
		return "Discard the completed draft for " + name + "? Its bundle " + Clean(d.Completed.BundlePath) + " is written; the draft's copy of the tokens is deleted."
	}
	if d.Err != nil {
		return "Discard the unreadable draft " + Clean(d.ID) + "? It is deleted with its key."
	}
	name := Clean(d.Company)
	if name == "" {
		name = Clean(d.ID)
	}
	n := len(d.AppsDone)
	return fmt.Sprintf("Discard the draft for %s (%d %s authorized)? Its tokens are deleted.", name, n, Plural(n, "app", "apps"))
}

// CompletedText says which bundle completed draft d, and what the start
// found of it (DraftInfo.Finished): both front-ends list it so.
func CompletedText(d DraftInfo) string {
	t := "already completed: " + Clean(d.Completed.BundlePath)
	f := d.Finished
	if f == nil {
		return t
	}
	switch {
	case f.Err != nil:
		return t + "; but " + CleanErrorText(f.Err)
	case f.WroteBundle:
		return t + " (the run that wrote it was stopped; it is written now, with its receipt)"
	case f.WroteReceipt:
		return t + " (its receipt was missing and is written now)"
	}
	return t + " (checked: intact, with its receipt)"
}
