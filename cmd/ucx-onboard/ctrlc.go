package main

import (
	"context"
	"os"
	"os/signal"
	"sync"
)

// ctrlC routes Ctrl-C (SIGINT; os.Interrupt on Windows). It cancels the
// run's context (the passphrase prompt of open and inspect gives up, the
// full-screen wizard saves and ends on a `kill -INT`), except while the
// accessible wizard reads a terminal and takes it: that terminal is not in
// raw mode, so Ctrl-C arrives as this signal, and it asks the quit
// question instead, as the full-screen wizard does for the key (a `kill
// -INT` then asks too; SIGTERM still ends the run). With piped input no
// one could answer: SIGINT ends the run.
type ctrlC struct {
	mu     sync.Mutex
	cancel context.CancelFunc
	taken  chan struct{} // non-nil while taken
}

// watchCtrlC returns a context that Ctrl-C cancels unless taken, and
// stop, which ends the watch.
func watchCtrlC(parent context.Context) (context.Context, *ctrlC, func()) {
	ctx, cancel := context.WithCancel(parent)
	c := &ctrlC{cancel: cancel}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	go func() {
		for {
			select {
			case <-sigs:
				c.press()
			case <-ctx.Done():
				return
			}
		}
	}()
	return ctx, c, func() { signal.Stop(sigs); cancel() }
}

// press takes one Ctrl-C: to the taker (one press waiting is enough), or
// the context's end.
func (c *ctrlC) press() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.taken == nil {
		c.cancel()
		return
	}
	select {
	case c.taken <- struct{}{}:
	default:
	}
}

// take delivers the presses to the channel returned until release; a nil
// ctrlC (tests run in-process) delivers none.
func (c *ctrlC) take() (presses <-chan struct{}, release func()) {
	if c == nil {
		return nil, func() {}
	}
	ch := make(chan struct{}, 1)
	c.mu.Lock()
	c.taken = ch
	c.mu.Unlock()
	return ch, func() {
		c.mu.Lock()
		c.taken = nil
		c.mu.Unlock()
	}
}
