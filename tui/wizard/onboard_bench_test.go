package wizard

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/flows/webextest"
	"github.com/imagicle/ucx-onboard/store"
)

// The onboarding benchmark's setting: Webex 150 ms away, a 1,500-user org
// (pages clamped to 100: 11 pages to count past 1,000), and an admin who
// approves each code adminTime after it is shown.
const (
	benchLatency   = 150 * time.Millisecond
	benchUsers     = 1500
	benchAdminTime = 3 * time.Second
	benchInterval  = 2 * time.Second // Webex's documented interval
)

// countingTransport counts the requests sent through it.
type countingTransport struct {
	rt http.RoundTripper
	n  atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.rt.RoundTrip(r)
}

// appFigures are one app's figures in one run.
type appFigures struct {
	id string
	// ready: from the grant in hand (Wait returned) to the next app's code
	// ready to show (for the last app: to the review ready, the org's name
	// and size known).
	ready time.Duration
	// critical: Webex requests sent on that path.
	critical int64
}

type runFigures struct {
	apps     []appFigures
	wall     time.Duration // first code asked for to the review ready
	admin    time.Duration // the admin's own time (code shown to approval, summed)
	requests map[string]int
	bundle   store.Bundle
}

// BenchmarkOnboarding runs a whole four-app onboarding through the core
// (Session, Approval, Prefetch, Orgs; no terminal) against webextest with
// a real per-request latency, twice in the same run: as the wizard did
// before (after each approval: people/me, the org's name, the whole user
// count, then the next app's code, all in sequence) and with prefetched
// codes and the org read in the background. It prints, per app, the time
// from the approval detected to the next code ready to show and the
// requests on that path, the overhead beyond the admin's own time, and
// the ratios. It takes about a minute of real time per iteration.
//
//	go test ./tui/wizard -run '^$' -bench Onboarding -benchtime 1x
func BenchmarkOnboarding(b *testing.B) {
	for b.Loop() {
		seq := runOnboarding(b, false)
		pre := runOnboarding(b, true)
		report(b, seq, pre)
		b.ReportMetric(float64(pre.apps[0].ready.Milliseconds()), "next-code-ms/app")
		b.ReportMetric(float64(seq.apps[0].ready)/float64(max(pre.apps[0].ready, time.Millisecond)), "path-ratio")
		b.ReportMetric(float64((pre.wall - pre.admin).Milliseconds()), "overhead-ms")
		b.ReportMetric(float64((seq.wall - seq.admin).Milliseconds()), "overhead-seq-ms")
	}
}

func report(b *testing.B, seq, pre runFigures) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "\nWebex %v away, %d users, approval %v after each code is shown, interval %v\n", benchLatency, benchUsers, benchAdminTime, benchInterval)
	fmt.Fprintf(&sb, "%-14s %22s %22s %8s\n", "app", "sequential ms (reqs)", "prefetch ms (reqs)", "ratio")
	for i := range seq.apps {
		s, p := seq.apps[i], pre.apps[i]
		what := "→ next code"
		if i == len(seq.apps)-1 {
			what = "→ review"
		}
		fmt.Fprintf(&sb, "%-14s %15d (%3d) %15d (%3d) %7.1fx  %s\n", s.id, s.ready.Milliseconds(), s.critical,
			p.ready.Milliseconds(), p.critical, float64(s.ready)/float64(max(p.ready, time.Millisecond)), what)
	}
	for _, r := range []struct {
		name string
		f    runFigures
	}{{"sequential", seq}, {"prefetch", pre}} {
		fmt.Fprintf(&sb, "%-10s wall %6d ms, admin %6d ms, overhead %5d ms (%d ms/app), requests %v\n", r.name,
			r.f.wall.Milliseconds(), r.f.admin.Milliseconds(), (r.f.wall - r.f.admin).Milliseconds(),
			(r.f.wall-r.f.admin).Milliseconds()/int64(len(r.f.apps)), r.f.requests)
	}
	fmt.Fprintf(&sb, "overhead ratio %.1fx\n", float64(seq.wall-seq.admin)/float64(max(pre.wall-pre.admin, time.Millisecond)))
	b.Log(sb.String())
}

// runOnboarding authorizes the four demo apps, in catalog order, each
// approved benchAdminTime after its code is shown.
func runOnboarding(b *testing.B, prefetch bool) runFigures {
	b.Helper()
	srv := webextest.NewServer(webextest.Options{
		Integrations: webextest.DemoIntegrations(),
		Org:          webextest.Org{ID: "org-bench", Name: "Bench S.p.A.", Users: benchUsers},
		Interval:     benchInterval,
		Latency:      benchLatency,
	})
	defer srv.Close()
	client := func() (*flows.Client, *countingTransport) {
		ct := &countingTransport{rt: srv.Client().Transport}
		c, err := flows.NewClient(flows.Config{BaseURL: srv.URL, HTTPClient: &http.Client{Transport: ct}, UserAgent: "ucx-onboard/bench"})
		if err != nil {
			b.Fatal(err)
		}
		return c, ct
	}
	critical, crit := client() // what the engineer waits for
	background, _ := client()  // prefetches and org reads
	var apps []flows.App
	var ids []string
	for _, d := range webextest.DemoApps() {
		apps = append(apps, flows.App{ID: d.ID, Name: d.Name, ClientID: d.ClientID, Scopes: d.Scopes, Secret: store.NewSecret(d.ClientSecret)})
		ids = append(ids, d.ID)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	s := NewSession(apps)
	s.Select(ids)
	var pf *Prefetch
	var orgs *Orgs
	if prefetch {
		pf = NewPrefetch(ctx, func(ctx context.Context, app flows.App) (flows.DeviceCode, error) {
			return background.Start(ctx, app, nil)
		}, time.Now)
		orgs = NewOrgs(ctx, func(ctx context.Context, app flows.App, g flows.Grant, orgID string) (flows.Identity, error) {
			return background.OrgFacts(ctx, app, g, orgID, nil)
		}, nil)
		defer pf.Close()
		defer orgs.Close()
	}

	var f runFigures
	var approvals sync.WaitGroup
	begin := time.Now()
	var granted time.Time
	var critBefore int64
	for {
		app, _, ok := s.Current()
		if !ok {
			break
		}
		code, ok := pf.Take(ctx, app)
		if !ok {
			var err error
			if code, err = critical.Start(ctx, app, nil); err != nil {
				b.Fatal(err)
			}
		}
		shown := time.Now()
		if !granted.IsZero() {
			f.apps[len(f.apps)-1].ready = shown.Sub(granted)
			f.apps[len(f.apps)-1].critical = crit.n.Load() - critBefore
		}
		if next, ok := s.UpNext(); ok {
			pf.Ahead(next)
		}
		approvals.Add(1)
		time.AfterFunc(benchAdminTime, func() {
			defer approvals.Done()
			if err := srv.Approve(code.UserCode); err != nil {
				b.Error(err)
			}
		})
		f.admin += benchAdminTime

		ap := Approval{App: app, Prior: s.KnownOrg()}
		g, err := critical.Wait(ctx, app, code, nil)
		if ap.AfterWait(g, err) != Identify {
			b.Fatalf("%s: %v", app.ID, err)
		}
		granted, critBefore = time.Now(), crit.n.Load()
		f.apps = append(f.apps, appFigures{id: app.ID})
		var id flows.Identity
		if prefetch {
			id, err = critical.Approver(ctx, app, ap.Grant, nil)
		} else {
			id, err = critical.Identify(ctx, app, ap.Grant, nil)
		}
		if next := ap.AfterIdentify(id, err); next != Finish {
			b.Fatalf("%s: %v after the check (%v)", app.ID, next, ap.Warnings)
		}
		s.Done(ap.Result(Authorized, ""))
		orgs.Fetch(app, ap.Grant, id.OrgID)
	}
	if prefetch {
		facts, err := orgs.Wait(ctx, s.OrgID())
		if err != nil {
			b.Fatal(err)
		}
		s.ApplyOrgFacts(facts)
	}
	end := time.Now()
	f.apps[len(f.apps)-1].ready = end.Sub(granted)
	f.apps[len(f.apps)-1].critical = crit.n.Load() - critBefore
	f.wall = end.Sub(begin)
	approvals.Wait()

	f.bundle = s.Bundle(end, "bench")
	if f.bundle.Org.Name != "Bench S.p.A." || f.bundle.Org.UserCount != flows.UserCountLimit+1 || len(f.bundle.Apps) != 4 {
		b.Fatalf("bundle org %+v with %d apps", f.bundle.Org, len(f.bundle.Apps))
	}
	f.requests = map[string]int{}
	for _, r := range srv.Requests() {
		p := r.Path
		switch {
		case strings.HasPrefix(p, "/v1/organizations/"):
			p = "/v1/organizations"
		case strings.HasPrefix(p, "/v1/device/token"), strings.HasPrefix(p, "/v1/access_token"):
			p = "token"
		}
		f.requests[p]++
	}
	return f
}
