// Command pollbench measures the flows poll loop against webextest on the
// real clock: it runs many device authorizations at once, has the fake
// admin approve each at a random moment, and reports per authorization
//
//   - polls made,
//   - polls sooner than the interval (judged from webextest's request
//     timestamps: after the code was issued, and after the previous poll
//     of the same code; must be 0),
//   - detection latency: from the approval (or the code's last answer
//     before the token, if that came later) to the token in hand, as a
//     ratio of the interval in force for that code. The limit is one such interval
//     plus one round trip (plus flows' 50 ms poll margin).
//
// With -slow-down K the fake answers the first K polls (of any code)
// slow_down, in Webex's shape ({"message":"slow_down","errors":[...]},
// no RFC "error" field) unless -rfc-errors; each raises that code's
// interval by 5 s (RFC 8628 section 3.5), and every later gap of that code
// is judged against the raised interval. -latency adds a real-time delay to
// every request the fake answers. With -outage D every authorization is
// started first, then the fake drops every connection for D (a network
// outage) while each admin approves at a random moment within it, and
// detection is measured from the network's return.
//
// Usage:
//
//	go run ./flows/internal/pollbench [-n 40] [-interval 1s] [-approve-within 5s] [-slow-down 0] [-rfc-errors] [-latency 0] [-outage 0] [-seed 1] [-v]
//
// It exits 1 when a poll came too early or a latency broke the limit.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/flows/webextest"
	"github.com/imagicle/ucx-onboard/store"
)

// pollMargin mirrors flows' margin (unexported there): the limit allows it.
const pollMargin = 50 * time.Millisecond

// schedSlack is what the limit allows for the client's own timer wake-up
// and request building (a few ms with 40 goroutines on 2 cores); it shows
// only when the detection starts at a poll, not at a random approval.
const schedSlack = 10 * time.Millisecond

// slowDownStep and maxInterval mirror flows' slow_down step and interval
// cap (RFC 8628 section 3.5: +5 s for this and all later polls).
const (
	slowDownStep = 5 * time.Second
	maxInterval  = 60 * time.Second
)

type result struct {
	userCode   string
	issuedAt   time.Time // authorize request arrival, server side
	approvedAt time.Time
	tokenAt    time.Time
	lastRTT    time.Duration // send -> answer of the poll that got the token
	prevRTT    time.Duration // the same, of the poll before it
	polls      int
	early      int
	minGap     float64 // shortest gap, as a share of the interval in force
	slowDowns  int
	interval   time.Duration // in force at the end
	err        error
}

// options are pollbench's flags.
type options struct {
	n         int
	interval  time.Duration
	within    time.Duration
	slowDown  int
	rfcErrors bool
	latency   time.Duration
	outage    time.Duration
	seed      uint64
	verbose   bool
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 40, "authorizations to run at once")
	flag.DurationVar(&o.interval, "interval", time.Second, "poll interval webextest announces (whole seconds)")
	flag.DurationVar(&o.within, "approve-within", 5*time.Second, "each approval happens at a uniformly random moment in [0, this) after Start")
	flag.IntVar(&o.slowDown, "slow-down", 0, "answer this many polls slow_down (Webex-shaped unless -rfc-errors)")
	flag.BoolVar(&o.rfcErrors, "rfc-errors", false, "error bodies in RFC shape instead of Webex's")
	flag.DurationVar(&o.latency, "latency", 0, "real-time delay the fake adds to every request")
	flag.DurationVar(&o.outage, "outage", 0, "start every authorization, then drop every connection for this long while the admins approve (within it)")
	flag.Uint64Var(&o.seed, "seed", uint64(time.Now().UnixNano()), "random seed")
	flag.BoolVar(&o.verbose, "v", false, "print every authorization")
	flag.Parse()
	os.Exit(run(o))
}

func run(o options) int {
	n, interval, within, seed, verbose := o.n, o.interval, o.within, o.seed, o.verbose
	const clientID, secret = "C-pollbench", "sec-FAKE-pollbench"
	scopes := []string{"spark-admin:people_read"}
	errs := webextest.WebexErrors
	if o.rfcErrors {
		errs = webextest.RFCErrors
	}
	srv := webextest.NewServer(webextest.Options{
		Integrations: []webextest.Integration{{ClientID: clientID, ClientSecret: secret, Scopes: scopes}},
		Interval:     interval,
		ExpiresIn:    (within + o.outage + 30*interval + time.Duration(o.slowDown)*slowDownStep).Truncate(time.Second),
		Errors:       errs,
		Latency:      o.latency,
	})
	defer srv.Close()
	if o.slowDown > 0 {
		srv.SlowDownPolls(o.slowDown)
	}
	app := flows.App{ID: "bench", Name: "pollbench", ClientID: clientID, Scopes: scopes,
		Secret: store.NewSecret(secret), SecretSource: "pollbench"}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	delays := make([]time.Duration, n)
	if o.outage > 0 {
		within = o.outage
	}
	for i := range delays {
		delays[i] = time.Duration(rng.Int64N(int64(within)))
	}
	// With -outage, every authorization waits at gate once started; the
	// outage begins when all are, and gate opens.
	var started sync.WaitGroup
	gate := make(chan struct{})
	var outageEnd time.Time
	afterStart := func() {}
	if o.outage > 0 {
		started.Add(n)
		afterStart = func() { started.Done(); <-gate }
		go func() {
			started.Wait()
			srv.DropAllFor(o.outage)
			outageEnd = srv.OutageUntil()
			close(gate)
		}()
	} else {
		close(gate)
	}

	results := make([]result, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// One Client per authorization, so that its transport measures
			// the round trips of this authorization only.
			rt := &rttTransport{next: srv.Client().Transport}
			client, err := flows.NewClient(flows.Config{BaseURL: srv.URL, HTTPClient: &http.Client{Transport: rt}, UserAgent: "ucx-onboard/pollbench"})
			if err != nil {
				results[i] = result{err: err}
				return
			}
			results[i] = authorize(client, rt, srv, app, delays[i], afterStart)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	// Judge poll spacing from the server's own timestamps.
	byCode := map[string][]webextest.Request{}
	issued := map[string]time.Time{}
	rateLimited := 0
	for _, r := range srv.Requests() {
		switch r.Path {
		case "/v1/device/authorize":
			issued[r.UserCode] = r.At
		case "/v1/device/token":
			byCode[r.UserCode] = append(byCode[r.UserCode], r)
			if r.Status == 429 {
				rateLimited++
			}
		}
	}
	failed, early, overLimit, slowed := 0, 0, 0, 0
	var pollCounts []float64
	var ratios, rtts, gaps []float64
	for i := range results {
		r := &results[i]
		if r.err != nil {
			failed++
			fmt.Fprintf(os.Stderr, "authorization %d: %v\n", i+1, r.err)
			continue
		}
		prev := issued[r.userCode]
		r.issuedAt = prev
		r.minGap = math.Inf(1)
		cur := interval // in force for this code
		for _, p := range byCode[r.userCode] {
			gap := p.At.Sub(prev)
			r.minGap = min(r.minGap, float64(gap)/float64(cur))
			if gap < cur {
				r.early++
			}
			if p.Status == http.StatusBadRequest { // slow_down: the only 400 here
				r.slowDowns++
				cur = min(cur+slowDownStep, maxInterval)
			}
			prev = p.At
		}
		r.interval = cur
		r.polls = len(byCode[r.userCode])
		early += r.early
		// Detection starts at the approval, or at the code's last answer
		// before the token if that came later (a slow_down answered after
		// the approval: the client could not know yet).
		// That answer reached the client up to one round trip after the
		// server saw the poll: the limit allows it.
		seen, slack := r.approvedAt, time.Duration(0)
		if outageEnd.After(seen) {
			seen = outageEnd // detection from the network's return
		}
		if polls := byCode[r.userCode]; len(polls) >= 2 && polls[len(polls)-2].At.After(seen) {
			seen, slack = polls[len(polls)-2].At, r.prevRTT+schedSlack
		}
		lat := r.tokenAt.Sub(seen)
		ratio := float64(lat) / float64(r.interval)
		ratios = append(ratios, ratio)
		pollCounts = append(pollCounts, float64(r.polls))
		rtts = append(rtts, float64(r.lastRTT)/float64(time.Millisecond))
		gaps = append(gaps, r.minGap)
		slowed += r.slowDowns
		limit := r.interval + pollMargin + r.lastRTT + slack
		if lat > limit {
			overLimit++
		}
		if verbose {
			fmt.Printf("#%02d approve at +%-6v polls %2d  slow_down %d  early %d  min gap %.3f x interval  latency %-8v (%.3f x interval, limit %.3f)\n",
				i+1, delays[i].Round(time.Millisecond), r.polls, r.slowDowns, r.early, r.minGap,
				lat.Round(time.Microsecond), ratio, float64(limit)/float64(r.interval))
		}
	}

	shape := "Webex"
	if o.rfcErrors {
		shape = "RFC"
	}
	fmt.Printf("pollbench: %d authorizations at once, interval %v, approval uniformly within %v, %d slow_down (%s shape), latency %v, outage %v, seed %d, %v wall time\n",
		n, interval, within, o.slowDown, shape, o.latency, o.outage, seed, elapsed.Round(time.Millisecond))
	fmt.Printf("  failed:                          %d\n", failed)
	fmt.Printf("  polls per authorization:         %s\n", summary(pollCounts, "%.0f"))
	fmt.Printf("  slow_down answers honoured:      %d\n", slowed)
	fmt.Printf("  polls sooner than the interval:  %d (server answered 429 to %d)\n", early, rateLimited)
	fmt.Printf("  shortest gap / interval:         %s\n", summary(gaps, "%.3f"))
	fmt.Printf("  detection latency / interval:    %s\n", summary(ratios, "%.3f"))
	fmt.Printf("  final poll round trip (ms):      %s\n", summary(rtts, "%.2f"))
	fmt.Printf("  latencies over interval+margin+RTT(+slack): %d\n", overLimit)
	if failed > 0 || early > 0 || overLimit > 0 || rateLimited > 0 || slowed != o.slowDown {
		return 1
	}
	return 0
}

// authorize runs one authorization; the admin approves delay after Start.
// afterStart is called once the code is issued (it blocks until the
// outage begins, with -outage).
func authorize(client *flows.Client, rt *rttTransport, srv *webextest.Server, app flows.App, delay time.Duration, afterStart func()) result {
	ctx := context.Background()
	dc, err := client.Start(ctx, app, nil)
	afterStart()
	if err != nil {
		return result{err: err}
	}
	r := result{userCode: dc.UserCode}
	approved := make(chan time.Time, 1)
	go func() {
		time.Sleep(delay) // the admin's random moment, on the real clock
		t := time.Now()
		if err := srv.Approve(dc.UserCode); err != nil {
			approved <- time.Time{}
			return
		}
		approved <- t
	}()
	_, err = client.Wait(ctx, app, dc, nil)
	r.tokenAt = time.Now()
	r.lastRTT, r.prevRTT = rt.last()
	r.approvedAt = <-approved
	if err != nil {
		r.err = err
	} else if r.approvedAt.IsZero() {
		r.err = fmt.Errorf("token before approval")
	}
	return r
}

// rttTransport records the round trip of the last request: from handing
// it to the transport to the response headers.
type rttTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	rtt  time.Duration
	prev time.Duration // the round trip before the last
}

func (t *rttTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	t.mu.Lock()
	t.prev, t.rtt = t.rtt, time.Since(start)
	t.mu.Unlock()
	return resp, err
}

func (t *rttTransport) last() (last, prev time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rtt, t.prev
}

// summary prints min, median, p95, max and mean.
func summary(xs []float64, f string) string {
	if len(xs) == 0 {
		return "-"
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	sum := 0.0
	for _, x := range s {
		sum += x
	}
	q := func(p float64) float64 { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return fmt.Sprintf("min "+f+"  median "+f+"  p95 "+f+"  max "+f+"  mean "+f, s[0], q(0.5), q(0.95), s[len(s)-1], sum/float64(len(s)))
}
