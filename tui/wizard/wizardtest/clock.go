package wizardtest

import (
	"sync"
	"time"
)

// StillClock is a clock that never fires: Now is always At, and After
// never delivers (screen tests send their ticks themselves).
type StillClock struct{ At time.Time }

func (c StillClock) Now() time.Time                       { return c.At }
func (c StillClock) After(time.Duration) <-chan time.Time { return nil }

// SkipClock is a virtual clock, to share between the fake Webex and the
// client: After(d) moves Now forward by d and fires at once, so polls and
// code lifetimes cost no real time.
type SkipClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewSkipClock returns a SkipClock whose Now is start.
func NewSkipClock(start time.Time) *SkipClock { return &SkipClock{now: start} }

func (c *SkipClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *SkipClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now := c.now
	c.mu.Unlock()
	ch := make(chan time.Time, 1)
	ch <- now
	return ch
}
