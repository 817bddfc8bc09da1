// Package effects runs the effects of the wizard's Flow (package wizard)
// against its Deps: the device grant's calls, the draft's saves, the
// bundle's write. Both front-ends run their effects here, each in its own
// way (a tea.Cmd in the full-screen one, a goroutine in the accessible
// one), so that what an effect does is written once.
package effects

import (
	"context"
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

	saveMu   sync.Mutex // held while a save or the removal runs
	savedSeq int        // the newest save written (or skipped as older)
	finished bool       // the draft was removed: no save may create it again
	saves    sync.WaitGroup
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
	r := &Runner{deps: deps, ctx: ctx}
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
		ctx := r.newGen(e.Gen)
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
		r.saveMu.Lock()
		defer r.saveMu.Unlock()
		r.finished = true
		return wizard.DraftRemoved{ID: e.Draft.ID, Err: FinishDraft(d.Drafts, e.Draft, e.Receipt)}
	case wizard.Quit:
		r.saves.Wait() // the last save is written before the wizard ends
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

// newGen cancels the calls of the older generation and returns gen's
// context (a canceled one when a newer generation started already).
func (r *Runner) newGen(gen int) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen < r.gen {
		// An older generation's call started late (effects run side by
		// side): it must not cancel the newer one's calls.
		ctx, cancel := context.WithCancel(r.ctx)
		cancel()
		return ctx
	}
	if r.cancel != nil {
		r.cancel()
	}
	r.gen = gen
	r.genCtx, r.cancel = context.WithCancel(r.ctx)
	return r.genCtx
}

// genContext is gen's context: a new one when gen is newer than the
// current one (a secret typed, a resumed approval) or the current one was
// canceled.
func (r *Runner) genContext(gen int) context.Context {
	r.mu.Lock()
	ok := gen == r.gen && r.genCtx != nil && r.genCtx.Err() == nil
	ctx := r.genCtx
	r.mu.Unlock()
	if ok {
		return ctx
	}
	return r.newGen(gen)
}

// save writes e's draft unless a newer one was written already, or the
// draft was removed.
func (r *Runner) save(e wizard.Save) wizard.Event {
	r.saves.Add(1)
	defer r.saves.Done()
	r.saveMu.Lock()
	defer r.saveMu.Unlock()
	if e.Seq <= r.savedSeq || r.finished {
		return wizard.Saved{ID: e.Draft.ID, Seq: e.Seq, Stale: true}
	}
	r.savedSeq = e.Seq
	dr := e.Draft
	err := r.deps.Drafts.Save(&dr)
	return wizard.Saved{ID: dr.ID, Seq: e.Seq, Err: err}
}

// Finish is for the front-end once it has ended: it waits up to wait for
// the saves in flight, then saves what the Flow has not saved yet when the
// wizard did not end by its own Quit (killed, crashed), and removes the
// draft whose bundle is written if its removal never ran. It returns the
// last save's answer, if it made one.
func (r *Runner) Finish(f *wizard.Flow, wait time.Duration) *wizard.Saved {
	done := make(chan struct{})
	go func() { r.saves.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(wait):
	}
	save, remove := f.Leftover()
	if save != nil {
		ev := r.save(*save)
		s := ev.(wizard.Saved)
		return &s
	}
	if remove != nil {
		r.Run(*remove, nil)
	}
	return nil
}
