// Command pollbench measures the flows poll loop against webextest on the
// real clock: it runs many device authorizations at once, has the fake
// admin approve each at a random moment, and reports per authorization
//
//   - polls made,
//   - polls sooner than the interval (judged from webextest's request
//     timestamps: after the code was issued, and after the previous poll
//     of the same code; must be 0),
//   - detection latency: from the approval to the token in hand, as a ratio
//     of the interval. The limit is one interval plus one round trip (plus
//     flows' 50 ms poll margin).
//
// Usage:
//
//	go run ./flows/internal/pollbench [-n 40] [-interval 1s] [-approve-within 5s] [-seed 1] [-v]
//
// It exits 1 when a poll came too early or a latency broke the limit.
package main

import (
	"context"
	"flag"
	"fmt"
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

type result struct {
	userCode   string
	issuedAt   time.Time // authorize request arrival, server side
	approvedAt time.Time
	tokenAt    time.Time
	lastRTT    time.Duration // send -> answer of the poll that got the token
	polls      int
	early      int
	minGap     time.Duration
	err        error
}

func main() {
	n := flag.Int("n", 40, "authorizations to run at once")
	interval := flag.Duration("interval", time.Second, "poll interval webextest announces (whole seconds)")
	within := flag.Duration("approve-within", 5*time.Second, "each approval happens at a uniformly random moment in [0, this) after Start")
	seed := flag.Uint64("seed", uint64(time.Now().UnixNano()), "random seed")
	verbose := flag.Bool("v", false, "print every authorization")
	flag.Parse()
	os.Exit(run(*n, *interval, *within, *seed, *verbose))
}

func run(n int, interval, within time.Duration, seed uint64, verbose bool) int {
	const clientID, secret = "C-pollbench", "sec-FAKE-pollbench"
	scopes := []string{"spark-admin:people_read"}
	srv := webextest.NewServer(webextest.Options{
		Integrations: []webextest.Integration{{ClientID: clientID, ClientSecret: secret, Scopes: scopes}},
		Interval:     interval,
		ExpiresIn:    within + 30*interval,
	})
	defer srv.Close()
	app := flows.App{ID: "bench", Name: "pollbench", ClientID: clientID, Scopes: scopes,
		Secret: store.NewSecret(secret), SecretSource: "pollbench"}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	delays := make([]time.Duration, n)
	for i := range delays {
		delays[i] = time.Duration(rng.Int64N(int64(within)))
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
			results[i] = authorize(client, rt, srv, app, delays[i])
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
	failed, early, overLimit := 0, 0, 0
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
		r.minGap = time.Hour
		for _, p := range byCode[r.userCode] {
			gap := p.At.Sub(prev)
			r.minGap = min(r.minGap, gap)
			if gap < interval {
				r.early++
			}
			prev = p.At
		}
		r.polls = len(byCode[r.userCode])
		early += r.early
		lat := r.tokenAt.Sub(r.approvedAt)
		ratio := float64(lat) / float64(interval)
		ratios = append(ratios, ratio)
		pollCounts = append(pollCounts, float64(r.polls))
		rtts = append(rtts, float64(r.lastRTT)/float64(time.Millisecond))
		gaps = append(gaps, float64(r.minGap)/float64(interval))
		limit := interval + pollMargin + r.lastRTT
		if lat > limit {
			overLimit++
		}
		if verbose {
			fmt.Printf("#%02d approve at +%-6v polls %2d  early %d  min gap %-8v latency %-8v (%.3f x interval, limit %.3f)\n",
				i+1, delays[i].Round(time.Millisecond), r.polls, r.early, r.minGap.Round(time.Microsecond),
				lat.Round(time.Microsecond), ratio, float64(limit)/float64(interval))
		}
	}

	fmt.Printf("pollbench: %d authorizations at once, interval %v, approval uniformly within %v, seed %d, %v wall time\n",
		n, interval, within, seed, elapsed.Round(time.Millisecond))
	fmt.Printf("  failed:                          %d\n", failed)
	fmt.Printf("  polls per authorization:         %s\n", summary(pollCounts, "%.0f"))
	fmt.Printf("  polls sooner than the interval:  %d (server answered 429 to %d)\n", early, rateLimited)
	fmt.Printf("  shortest gap / interval:         %s\n", summary(gaps, "%.3f"))
	fmt.Printf("  detection latency / interval:    %s\n", summary(ratios, "%.3f"))
	fmt.Printf("  final poll round trip (ms):      %s\n", summary(rtts, "%.2f"))
	fmt.Printf("  latencies over interval+margin+RTT: %d\n", overLimit)
	if failed > 0 || early > 0 || overLimit > 0 || rateLimited > 0 {
		return 1
	}
	return 0
}

// authorize runs one authorization; the admin approves delay after Start.
func authorize(client *flows.Client, rt *rttTransport, srv *webextest.Server, app flows.App, delay time.Duration) result {
	ctx := context.Background()
	dc, err := client.Start(ctx, app, nil)
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
	r.lastRTT = rt.last()
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
}

func (t *rttTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	t.mu.Lock()
	t.rtt = time.Since(start)
	t.mu.Unlock()
	return resp, err
}

func (t *rttTransport) last() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rtt
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
