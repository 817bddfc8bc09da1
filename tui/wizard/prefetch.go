package wizard

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
)

// MinCodeLife is the least time a device code has left when it is shown:
// a prefetched code with less is not shown (Prefetch.Take drops it and the
// front-end asks for a fresh one), and Prefetch.Refresh replaces one
// before it gets there.
const MinCodeLife = time.Minute

// refreshAhead is how long before MinCodeLife Refresh replaces a
// prefetched code, so that the fresh one is there before the old one is
// too old to show.
const refreshAhead = 30 * time.Second

// MinPrefetchLife is the shortest code lifetime worth prefetching: a code
// that lives less would need replacing as soon as it arrives (it is
// shown only with MinCodeLife left, and replaced refreshAhead before
// that). Once an app's code is seen to live less, that app's codes are
// asked for when they are shown, not ahead.
const MinPrefetchLife = MinCodeLife + refreshAhead

// StartFunc asks Webex for a device code of app (flows.Client.Start,
// without retry reports: a prefetch is not on any screen).
type StartFunc func(ctx context.Context, app flows.App) (flows.DeviceCode, error)

// Prefetch asks for the next app's device code while the current app's
// code is pending, so that the next code is ready to show as soon as the
// current app is done. A prefetched code is never polled: the front-end
// polls it (Authorizer.Wait) once Take has handed it over and it is shown.
//
// Bounds: never more than one code per app per half of its code's
// lifetime (Refresh waits that long after the last request of the app,
// whatever the tick), and none ahead for an app whose codes live less than
// MinPrefetchLife (Webex's live 300 s; a Dex in tests 45 s).
//
// Use it like this: Ahead(next app) as soon as the current app's code is
// shown; Refresh on the front-end's clock tick; Take(ctx, app) when app's
// turn comes (ok false: ask for a code as usual, with the screen's retry
// reports); Drop(app) when the engineer skips an app before its turn, or
// Close when the wizard ends (both cancel the request and forget the
// code). Safe for concurrent use. The requests run on their own
// goroutines, under the context given to NewPrefetch; now is the
// front-end's clock.
type Prefetch struct {
	ctx   context.Context
	start StartFunc
	now   func() time.Time

	mu      sync.Mutex
	pending map[string]*prefetched
	starts  int
	// asked is when each app's code was last asked for; shortLived the
	// apps whose codes live less than MinPrefetchLife.
	asked      map[string]time.Time
	shortLived map[string]bool
}

// prefetched is one app's code request: done is closed once code and err
// are set.
type prefetched struct {
	app    flows.App
	cancel context.CancelFunc
	done   chan struct{}
	code   flows.DeviceCode
	err    error
}

// errInternal stands for a panic recovered in a background call (a
// prefetch or an org read): the value is not kept, as it may hold
// anything.
var errInternal = errors.New("internal error in a background call")

// NewPrefetch returns a Prefetch whose requests run under ctx (canceling it
// cancels them all), ask start for codes and judge their age by now.
func NewPrefetch(ctx context.Context, start StartFunc, now func() time.Time) *Prefetch {
	return &Prefetch{ctx: ctx, start: start, now: now, pending: map[string]*prefetched{},
		asked: map[string]time.Time{}, shortLived: map[string]bool{}}
}

// Ahead asks for a code of app in the background, unless one is already
// asked for or held, or app's codes live too short to be asked for ahead
// (MinPrefetchLife). Pass only an app whose turn is still to come: not
// past the last app, not one already authorized.
func (p *Prefetch) Ahead(app flows.App) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pending[app.ID] != nil || p.shortLived[app.ID] || p.ctx.Err() != nil {
		return
	}
	p.launchLocked(app)
}

// lifeOf is how long a code lives from its issue; 0 when unknown.
func lifeOf(code flows.DeviceCode) time.Duration {
	if code.IssuedAt.IsZero() || code.Expiry.IsZero() {
		return 0
	}
	return max(code.Expiry.Sub(code.IssuedAt), 0)
}

func (p *Prefetch) launchLocked(app flows.App) {
	p.asked[app.ID] = p.now()
	ctx, cancel := context.WithCancel(p.ctx)
	f := &prefetched{app: app, cancel: cancel, done: make(chan struct{})}
	p.pending[app.ID] = f
	p.starts++
	go func() {
		defer close(f.done)
		// A panic here would end the program with the terminal in raw
		// mode and no draft saved: it counts as a failed prefetch, and the
		// foreground Start of this app runs again where the front-end
		// recovers panics (ErrInternal, draft kept).
		defer func() {
			if recover() != nil {
				f.err = errInternal
			}
		}()
		f.code, f.err = p.start(ctx, app)
	}()
}

// Starts counts the codes asked for so far (the prefetches and their
// refreshes).
func (p *Prefetch) Starts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.starts
}

// Refresh replaces each held code that will soon have less than
// MinCodeLife left by a fresh one (the old one is dropped, never shown),
// but not before half the code's lifetime has passed since the app's
// last request. A held code that lives less than MinPrefetchLife is
// dropped, and its app is no longer prefetched: its code is asked for
// when it is shown. A code still on its way, or one whose request
// failed, is left as is.
func (p *Prefetch) Refresh() {
	if p == nil {
		return
	}
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	for id, f := range p.pending {
		select {
		case <-f.done:
		default:
			continue
		}
		if f.err != nil {
			continue
		}
		life := lifeOf(f.code)
		if life < MinPrefetchLife {
			p.shortLived[id] = true
			f.cancel()
			delete(p.pending, id)
			continue
		}
		if f.code.Expiry.Sub(now) < MinCodeLife+refreshAhead && now.Sub(p.asked[id]) >= life/2 {
			f.cancel()
			delete(p.pending, id)
			p.launchLocked(f.app)
		}
	}
}

// Take hands over app's prefetched code, waiting for it if it is still on
// its way (until ctx is done). ok is false when there is none, its
// request failed, or it has less than MinCodeLife left: the caller then
// asks for a code itself. Either way the prefetch of app is forgotten.
// The code's IssuedAt becomes now: flows.Client.Wait polls a code first
// one interval after IssuedAt, and a code just shown cannot have been
// approved before, so an earlier poll would be a wasted request.
func (p *Prefetch) Take(ctx context.Context, app flows.App) (code flows.DeviceCode, ok bool) {
	if p == nil {
		return flows.DeviceCode{}, false
	}
	p.mu.Lock()
	f := p.pending[app.ID]
	delete(p.pending, app.ID)
	p.mu.Unlock()
	if f == nil {
		return flows.DeviceCode{}, false
	}
	select {
	case <-f.done:
	case <-ctx.Done():
		f.cancel()
		return flows.DeviceCode{}, false
	}
	f.cancel()
	now := p.now()
	if f.err == nil && lifeOf(f.code) < MinPrefetchLife {
		p.mu.Lock()
		p.shortLived[app.ID] = true
		p.mu.Unlock()
	}
	if f.err != nil || f.code.Expiry.Sub(now) < MinCodeLife {
		return flows.DeviceCode{}, false
	}
	code = f.code
	if now.After(code.IssuedAt) {
		// Shown now: nobody could approve it before, so its first poll is
		// one interval from now (as a fresh code's); its expiry stays
		// Webex's.
		code.IssuedAt = now
	}
	return code, true
}

// Ready tells whether app's prefetched code has arrived (whatever its
// age), without taking it.
func (p *Prefetch) Ready(appID string) bool {
	if p == nil {
		return false
	}
	p.mu.Lock()
	f := p.pending[appID]
	p.mu.Unlock()
	if f == nil {
		return false
	}
	select {
	case <-f.done:
		return f.err == nil
	default:
		return false
	}
}

// Drop cancels and forgets app's prefetch (the engineer skipped it, or
// left it for later).
func (p *Prefetch) Drop(appID string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if f := p.pending[appID]; f != nil {
		f.cancel()
		delete(p.pending, appID)
	}
}

// Close cancels and forgets every prefetch (the wizard quits or ends).
func (p *Prefetch) Close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for id, f := range p.pending {
		f.cancel()
		delete(p.pending, id)
	}
}
