package effects

import (
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// WriteBundle is COMPLETE REQUEST, for both front-ends: it writes bundle
// b of draft dr to path through Deps.WriteBundle, which keeps the sealed
// bundle in the draft (DraftStore.Record) before it writes it, when
// drafts are on. The draft's ID is returned (Record assigns one to a draft
// never saved). The draft is removed afterwards by FinishDraft.
//
// So an onboarding gets one bundle whatever stops the run: killed before
// the record, the draft is as it was and no bundle exists; after it, the
// next start finishes the recorded bundle (store.Drafts.List) and offers
// the draft only to discard.
//
// A draft that cannot be saved at all (the state folder is full or gone:
// the engineer has been told since the first failed save) does not hold
// the bundle back: the approvals exist only in this run, and losing them
// is worse. The bundle is then written without the record and the draft
// removed right after, as before drafts recorded bundles; only a kill in
// between could leave a stale draft to resume.
//
// written is the bundle of an earlier attempt that is on disk although
// the attempt failed (its receipt could not be written): it is published
// again (the receipt written) instead of a new bundle being sealed, which
// would be a second bundle with the same tokens. WriteBundle returns the
// bundle so written, or nil, for the next attempt.
func WriteBundle(deps Deps, dr store.Draft, path string, b store.Bundle, pass store.Secret, written *store.Completion) (store.Receipt, string, *store.Completion, error) {
	if written != nil {
		r, _, err := written.Publish()
		return r, dr.ID, onDisk(r, err, written), err
	}
	var sealed *store.Completion
	record := func(c *store.Completion) error {
		if c != nil {
			sealed = c
		}
		if deps.Drafts != nil {
			_ = deps.Drafts.Record(&dr, c)
		}
		return nil
	}
	r, err := deps.WriteBundle(path, b, pass, record)
	return r, dr.ID, onDisk(r, err, sealed), err
}

// onDisk is c when an attempt to write it failed after its bundle was
// written (r names it): the next attempt publishes it again.
func onDisk(r store.Receipt, err error, c *store.Completion) *store.Completion {
	if err != nil && r.BundlePath != "" && c != nil {
		return c
	}
	return nil
}

// FinishDraft ends draft dr once its bundle (receipt r) is written: it
// removes the draft, which recorded the bundle before it was written
// (WriteBundle). A run killed before the removal leaves a draft that the
// next start shows as completed, to discard, never to resume.
func FinishDraft(d wizard.DraftStore, dr store.Draft, r store.Receipt) error {
	return d.Remove(dr.ID)
}
