// Package effects runs the effects of the wizard's Flow (package wizard)
// against its Deps: the device grant's calls, the draft's saves, the
// bundle's write. Both front-ends run their effects here, each in its own
// way (a tea.Cmd in the full-screen one, a goroutine in the accessible
// one), so that what an effect does is written once.
package effects

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// Runner runs effects. Run may be called from several goroutines at once:
// the calls of one code share one context per generation (a newer
// generation cancels the older one), saves are written in the order the
// Flow asked for them (an older snapshot is never written after a newer
// one), and the draft's removal waits for the save in flight.
type Runner struct {
	deps Deps
	ctx  context.Context
	pf   *wizard.Prefetch
	orgs *wizard.Orgs

	mu     sync.Mutex
	gen    int
	genCtx context.Context
	cancel context.CancelFunc

	saveMu   sync.Mutex           // held while a save or the removal runs
	savedSeq int                  // the newest save written (or skipped as older)
	finished bool                 // the draft was removed: no save may create it again
	removal  *wizard.DraftRemoved // the answer of Finish's removal

	// busyMu guards what Quit and Finish wait on: the saves and removals
	// running (busy), the newest save that has ended (doneSeq: written,
	// failed or stale), and changed, closed (and replaced) whenever one
	// ends.
	busyMu  sync.Mutex
	busy    int
	doneSeq int
	changed chan struct{}
}

// Deps are the wizard's dependencies (wizard.Deps).
type Deps = wizard.Deps

// New returns a Runner whose calls run under ctx (canceled when the wizard
// ends). notify receives, from the reads' goroutines, what arrives of the
// org after a ReadOrg (wizard.OrgRead), each time one of its reads ends.
func New(ctx context.Context, deps Deps, notify func(wizard.Event)) *Runner {
	if deps.Clock == nil {
		deps.Clock = flows.SystemClock{}
	}
	r := &Runner{deps: deps, ctx: ctx, changed: make(chan struct{})}
	a := deps.Authorizer
	r.pf = wizard.NewPrefetch(ctx, func(ctx context.Context, app flows.App) (flows.DeviceCode, error) {
		return a.Start(ctx, app, nil)
	}, deps.Clock.Now)
	r.orgs = wizard.NewOrgs(ctx, func(ctx context.Context, app flows.App, g flows.Grant, orgID string) (flows.Identity, error) {
		return a.OrgFacts(ctx, app, g, orgID, nil)
	}, func(orgID string) {
		if notify != nil {
			notify(wizard.OrgRead{Facts: r.orgs.Facts(orgID)})
		}
	})
	return r
}

// Tick replaces a prefetched code before it is too old to show (call it
// on the clock's tick).
func (r *Runner) Tick() { r.pf.Refresh() }

// Run runs e and returns its answer (nil for an effect that has none).
// progress receives the events that come before the answer (Polled,
// Retried), on the call's goroutine; it may block until the front-end
// takes them, and must return once ctx (New's) is done.
func (r *Runner) Run(e wizard.Effect, progress func(wizard.Event)) wizard.Event {
	d := r.deps
	switch e := e.(type) {
	case wizard.RunChecks:
		if d.Preflight == nil {
			return wizard.ChecksRan{}
		}
		return wizard.ChecksRan{Checks: d.Preflight(r.ctx)}
	case wizard.ListDrafts:
		infos, err := d.Drafts.List()
		return wizard.DraftsListed{Infos: infos, Err: err}
	case wizard.LoadDraft:
		dr, err := d.Drafts.Load(e.ID)
		return wizard.DraftLoaded{Draft: dr, Err: err}
	case wizard.RemoveDraft:
		return wizard.DraftDiscarded{ID: e.ID, Err: d.Drafts.Remove(e.ID)}
	case wizard.StartCode:
		ctx := r.startGen(e.Gen)
		code, err := r.start(ctx, e.App, func(ev flows.RetryEvent) { progress(wizard.Retried{Gen: e.Gen, Event: ev}) })
		return wizard.CodeIssued{Gen: e.Gen, Code: code, Err: err}
	case wizard.WaitCode:
		ctx := r.genContext(e.Gen)
		g, err := d.Authorizer.Wait(ctx, e.App, e.Code, func(ev flows.PollEvent) { progress(wizard.Polled{Gen: e.Gen, Event: ev}) })
		return wizard.WaitEnded{Gen: e.Gen, Grant: g, Err: err}
	case wizard.CheckApprover:
		ctx, cancel := context.WithTimeout(r.genContext(e.Gen), e.Timeout)
		defer cancel()
		id, err := d.Authorizer.Approver(ctx, e.App, e.Grant, func(ev flows.RetryEvent) { progress(wizard.Retried{Gen: e.Gen, Event: ev}) })
		return wizard.Identified{Gen: e.Gen, Identity: id, Err: err}
	case wizard.StopCalls:
		r.mu.Lock()
		if r.cancel != nil {
			r.cancel()
		}
		r.mu.Unlock()
	case wizard.TryNow:
		e.Poll()
	case wizard.PrefetchCode:
		r.pf.Ahead(e.App)
	case wizard.EndCodes:
		r.pf.Close()
	case wizard.ReadOrg:
		var org string
		for _, j := range e.Reads {
			r.orgs.Fetch(j.App, j.Grant, j.OrgID)
			org = j.OrgID
		}
		return wizard.OrgRead{Facts: r.orgs.Facts(org)}
	case wizard.Save:
		return r.save(e)
	case wizard.WriteBundle:
		rc, id, written, err := WriteBundle(d, e.Draft, e.Path, e.Bundle, e.Passphrase, e.Written)
		return wizard.BundleWritten{Receipt: rc, DraftID: id, Written: written, Err: err}
	case wizard.FinishDraft:
		r.begin()
		defer r.end(0)
		r.saveMu.Lock()
		defer r.saveMu.Unlock()
		r.finished = true
		return wizard.DraftRemoved{ID: e.Draft.ID, Err: FinishDraft(d.Drafts, e.Draft, e.Receipt)}
	case wizard.Quit:
		// The quit's save has ended (and whatever else is running) before
		// the wizard ends.
		r.waitUntil(func() bool { return r.doneSeq >= e.AfterSave && r.busy == 0 }, nil)
	}
	return nil
}

// start is app's code: the prefetched one when it is there (or on its
// way) with at least wizard.MinCodeLife left, a fresh one otherwise.
func (r *Runner) start(ctx context.Context, app flows.App, onRetry func(flows.RetryEvent)) (flows.DeviceCode, error) {
	if code, ok := r.pf.Take(ctx, app); ok {
		return code, nil
	}
	return r.deps.Authorizer.Start(ctx, app, onRetry)
}

// startGen is the context of gen's StartCode: a new generation, which
// cancels the calls of the older one; but a canceled context when gen is
// older than the current one (two new codes asked for in a row, whose
// requests started in the other order).
func (r *Runner) startGen(gen int) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen < r.gen {
		return canceled(r.ctx)
	}
	return r.newGenLocked(gen)
}

// newGenLocked cancels the calls of the older generation and returns
// gen's context.
func (r *Runner) newGenLocked(gen int) context.Context {
	if r.cancel != nil {
		r.cancel()
	}
	r.gen = gen
	r.genCtx, r.cancel = context.WithCancel(r.ctx)
	return r.genCtx
}

// genContext is gen's context: a new one when gen is newer than the
// current one (a secret typed, a resumed approval). A call of an older
// generation, or of the current one once StopCalls ended it, gets a
// canceled context: the front-ends run each effect on its own goroutine,
// so such a call may start late, and it must neither run on nor cancel
// the newer generation's calls.
func (r *Runner) genContext(gen int) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case gen == r.gen && r.genCtx != nil:
		return r.genCtx
	case gen < r.gen:
		return canceled(r.ctx)
	}
	return r.newGenLocked(gen)
}

// canceled is a context of parent, canceled already.
func canceled(parent context.Context) context.Context {
	ctx, cancel := context.WithCancel(parent)
	cancel()
	return ctx
}

// save writes e's draft unless a newer one was written already, or the
// draft was removed.
func (r *Runner) save(e wizard.Save) wizard.Event {
	r.begin()
	defer r.end(e.Seq)
	r.saveMu.Lock()
	defer r.saveMu.Unlock()
	return r.saveLocked(e)
}

func (r *Runner) saveLocked(e wizard.Save) wizard.Saved {
	if e.Seq <= r.savedSeq || r.finished {
		return wizard.Saved{ID: e.Draft.ID, Seq: e.Seq, Stale: true}
	}
	r.savedSeq = e.Seq
	dr := e.Draft
	err := r.deps.Drafts.Save(&dr)
	return wizard.Saved{ID: dr.ID, Seq: e.Seq, Err: err}
}

// ErrSaveStillRunning is the error of Finish's save when an earlier save
// of the draft had not ended within Finish's wait: the progress since the
// last save written may be lost.
var ErrSaveStillRunning = errors.New("effects: the draft was not saved: an earlier save of it had not ended")

// Finish is for the front-end once it has ended: it waits up to wait for
// the saves in flight, then saves what the Flow has not saved yet when the
// wizard did not end by its own Quit (killed, crashed), and removes the
// draft whose bundle is written if its removal never ran. It returns the
// last save's answer, if it made one. When a save is still under way
// after wait, Finish does not wait for it (a save that hangs must not hold
// the end of the program): it answers ErrSaveStillRunning instead of
// saving, and removes nothing.
func (r *Runner) Finish(f *wizard.Flow, wait time.Duration) *wizard.Saved {
	late := !r.waitUntil(func() bool { return r.busy == 0 }, time.After(wait))
	save, remove := f.Leftover()
	if save == nil && remove == nil {
		return nil
	}
	if late {
		if !r.saveMu.TryLock() {
			if save != nil {
				return &wizard.Saved{ID: save.Draft.ID, Seq: save.Seq, Err: ErrSaveStillRunning}
			}
			return nil
		}
	} else {
		r.saveMu.Lock()
	}
	defer r.saveMu.Unlock()
	if save != nil {
		s := r.saveLocked(*save)
		return &s
	}
	r.finished = true
	r.removal = &wizard.DraftRemoved{ID: remove.Draft.ID, Err: FinishDraft(r.deps.Drafts, remove.Draft, remove.Receipt)}
	return nil
}

// Removal is the answer of the draft's removal that Finish made, if it made
// one (hand it to the Flow: Result then tells whether the draft, with its
// tokens, is gone). Call it after Finish, on the same goroutine.
func (r *Runner) Removal() *wizard.DraftRemoved { return r.removal }

// begin counts a save or removal running.
func (r *Runner) begin() {
	r.busyMu.Lock()
	r.busy++
	r.busyMu.Unlock()
}

// end ends one begun, a save of Seq seq (0 for a removal), and wakes the
// waiters.
func (r *Runner) end(seq int) {
	r.busyMu.Lock()
	defer r.busyMu.Unlock()
	r.busy--
	r.doneSeq = max(r.doneSeq, seq)
	close(r.changed)
	r.changed = make(chan struct{})
}

// waitUntil waits until cond holds (it is called under busyMu) or timeout
// fires (nil: never); it reports whether cond holds.
func (r *Runner) waitUntil(cond func() bool, timeout <-chan time.Time) bool {
	for {
		r.busyMu.Lock()
		ok, ch := cond(), r.changed
		r.busyMu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-timeout:
			return false
		}
	}
}

// Immediate tells an effect that does not wait on anything (it cancels,
// starts background work, or takes what is there): a front-end runs those
// at once and in order, on the goroutine that handles the Flow's events,
// so that a StopCalls never cancels the calls of the code asked for after
// it; the others (the calls, the saves, the bundle) it runs off that
// goroutine.
func Immediate(e wizard.Effect) bool {
	switch e.(type) {
	case wizard.StopCalls, wizard.TryNow, wizard.PrefetchCode, wizard.EndCodes, wizard.ReadOrg:
		return true
	}
	return false
}
