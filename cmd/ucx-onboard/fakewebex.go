package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/imagicle/ucx-onboard/flows/webextest"
)

// fakeWebexOptions are the flags of "ucx-onboard fake-webex".
type fakeWebexOptions struct {
	addr        string
	verifyAddr  string
	allowRemote bool
	autoApprove time.Duration
	interval    time.Duration
	expiresIn   time.Duration
	latency     time.Duration
	errors      string // "webex" or "rfc"
	complete    string // see completeChoices
	catalogOut  string
	quiet       bool

	// Readings of what Webex's documentation leaves open, and faults.
	peopleMe    string // see peopleMeChoices
	secretCheck string // see secretCheckChoices
	tokenScope  bool
	expiredCode string
	fails       failFlags
	outageAt    time.Duration
	outageFor   time.Duration
	outageEvery time.Duration
}

// failFault is one --fail: the next count requests to path answer status,
// with Retry-After when retryAfter is not "".
type failFault struct {
	path       string
	status     int
	count      int
	retryAfter string
}

// failFlags are the --fail flags, in order (a flag.Value).
type failFlags []failFault

func (f *failFlags) String() string { return "" }

// Set parses PATH,STATUS[,COUNT[,RETRY-AFTER]].
func (f *failFlags) Set(v string) error {
	parts := strings.Split(v, ",")
	if len(parts) < 2 || len(parts) > 4 || !strings.HasPrefix(parts[0], "/") {
		return fmt.Errorf("want PATH,STATUS[,COUNT[,RETRY-AFTER]], e.g. /v1/device/authorize,429,3,5")
	}
	ff := failFault{path: parts[0], count: 1}
	var err error
	if ff.status, err = strconv.Atoi(parts[1]); err != nil || !(ff.status == 408 || ff.status == 423 || ff.status == 429 || ff.status >= 500 && ff.status <= 599) {
		return fmt.Errorf("status %q: want 408, 423, 429 or a 5xx", parts[1])
	}
	if len(parts) > 2 {
		if ff.count, err = strconv.Atoi(parts[2]); err != nil || ff.count < 1 {
			return fmt.Errorf("count %q: want a positive number", parts[2])
		}
	}
	if len(parts) > 3 {
		if n, err := strconv.Atoi(parts[3]); err != nil || n < 0 {
			return fmt.Errorf("retry-after %q: want seconds", parts[3])
		}
		ff.retryAfter = parts[3]
	}
	*f = append(*f, ff)
	return nil
}

// peopleMeChoices are the values of --people-me: what GET /v1/people/me
// demands of a token.
var peopleMeChoices = map[string]webextest.MeScope{
	"any":    webextest.MeAnyToken,
	"spark":  webextest.MePeopleRead,
	"either": webextest.MeEitherPeopleScope,
}

// secretCheckChoices are the values of --secret-check: when a poll's
// client secret is checked.
var secretCheckChoices = map[string]webextest.SecretCheck{
	"always":     webextest.SecretAlways,
	"redemption": webextest.SecretAtRedemption,
}

// completeChoices are the values of --complete.
var completeChoices = map[string]webextest.CompleteURI{
	"hashed": webextest.CompleteHashed,
	"omit":   webextest.CompleteOmitted,
	"http":   webextest.CompletePlainHTTP,
	"huge":   webextest.CompleteHuge,
}

func fakeWebexFlags(o *fakeWebexOptions, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("ucx-onboard fake-webex", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "API listen `address` (loopback only unless --allow-remote)")
	fs.StringVar(&o.verifyAddr, "verify-addr", "127.0.0.1:8081", "listen `address` of the verification host (the approval page); 127.0.0.1 is announced as localhost")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow non-loopback addresses (the fake has no security)")
	fs.DurationVar(&o.autoApprove, "auto-approve", 0, "approve each code after this `duration` (0: use the page)")
	fs.DurationVar(&o.interval, "interval", 2*time.Second, "announced poll `interval`, whole seconds (Webex: 2s)")
	fs.DurationVar(&o.expiresIn, "expires-in", 300*time.Second, "device code `lifetime`, whole seconds (Webex: 300s)")
	fs.DurationVar(&o.latency, "latency", 0, "hold every request this `long` before answering")
	fs.StringVar(&o.errors, "webex-errors", "webex", "error body `shape`: webex ({\"message\",\"errors\",\"trackingId\"}, expiry as invalid_grant) or rfc ({\"error\",\"error_description\"}, expired_token)")
	fs.StringVar(&o.complete, "complete", "hashed", "verification_uri_complete: `kind` hashed (as Webex), omit, http (to a non-loopback host) or huge")
	fs.StringVar(&o.catalogOut, "catalog", "", "also write the demo catalog JSON to `file`")
	fs.BoolVar(&o.quiet, "quiet", false, "do not log requests to stderr")
	fs.StringVar(&o.peopleMe, "people-me", "any", "what GET /v1/people/me demands of a token: `scope` any (none), spark (spark:people_read) or either (spark:people_read or spark-admin:people_read)")
	fs.StringVar(&o.secretCheck, "secret-check", "always", "`when` a poll's client secret is checked: always (also while pending) or redemption (only once the code is approved)")
	fs.BoolVar(&o.tokenScope, "token-scope", false, "put \"scope\" in token answers (as Webex's documentation shows; default: left out)")
	fs.StringVar(&o.expiredCode, "expired-code", "", "OAuth `code` of an expired device code's 400: invalid_grant, expired_token, or none (a text saying it expired, no code); default: by --webex-errors")
	fs.Var(&o.fails, "fail", "answer the next COUNT (default 1) requests to PATH with STATUS (408, 423, 429, 5xx) and Retry-After `PATH,STATUS[,COUNT[,RETRY-AFTER]]`; repeatable, e.g. /v1/device/authorize,429,2,5 or /v1/people/me,503")
	fs.DurationVar(&o.outageAt, "outage-at", 0, "start a network outage (every API connection dropped) this `long` after starting (0: none)")
	fs.DurationVar(&o.outageFor, "outage-for", 25*time.Second, "how `long` each outage lasts")
	fs.DurationVar(&o.outageEvery, "outage-every", 0, "repeat the outage at this `period` (0: once)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: ucx-onboard fake-webex [flags]\n\n"+
			"Runs a fake Webex (device grant, people, organizations) with the four\n"+
			"Imagicle demo apps, prints its URL, a demo catalog and the demo secrets,\n"+
			"and serves until interrupted. Approve codes in a browser at the printed\n"+
			"verification URL (a second listener, as Webex's is another host), or\n"+
			"with --auto-approve.\n\nFlags:")
		printFlags(fs.Output(), fs)
	}
	return fs
}

// runFakeWebex runs "ucx-onboard fake-webex": results (URL, catalog,
// export lines) on stdout, the request log on stderr.
func runFakeWebex(ctx context.Context, e env, args []string) error {
	var o fakeWebexOptions
	fs := fakeWebexFlags(&o, e)
	if err := parseFlags(fs, args, e, "ucx-onboard fake-webex"); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return &exitError{code: 2, err: fmt.Errorf("fake-webex: unexpected argument %q", fs.Arg(0))}
	}
	for _, a := range []struct{ flag, addr string }{{"--addr", o.addr}, {"--verify-addr", o.verifyAddr}} {
		if isLoopbackAddr(a.addr) {
			continue
		}
		if !o.allowRemote {
			return &exitError{code: 2, err: fmt.Errorf("fake-webex: %s %q is not a loopback address; pass --allow-remote to listen on it anyway", a.flag, a.addr)}
		}
		fmt.Fprintf(e.stderr, "ucx-onboard: warning: the fake Webex on %s is reachable from the network and has no security\n", a.addr)
	}
	opts := webextest.Options{
		Integrations: webextest.DemoIntegrations(),
		Interval:     o.interval,
		ExpiresIn:    o.expiresIn,
		AutoApprove:  o.autoApprove,
		Latency:      o.latency,
		VerifyAddr:   o.verifyAddr,
		TokenScope:   o.tokenScope,
		ExpiredCode:  o.expiredCode,
	}
	switch o.expiredCode {
	case "", "invalid_grant", "expired_token", webextest.ExpiredNoCode:
	default:
		return &exitError{code: 2, err: fmt.Errorf("fake-webex: --expired-code %q: want invalid_grant, expired_token or none", o.expiredCode)}
	}
	if o.outageAt < 0 || o.outageFor <= 0 || o.outageEvery < 0 || (o.outageEvery > 0 && o.outageEvery <= o.outageFor) {
		return &exitError{code: 2, err: fmt.Errorf("fake-webex: --outage-at %v, --outage-for %v, --outage-every %v: want a positive length, shorter than the period", o.outageAt, o.outageFor, o.outageEvery)}
	}
	switch o.errors {
	case "webex":
	case "rfc":
		opts.Errors = webextest.RFCErrors
	default:
		return &exitError{code: 2, err: fmt.Errorf("fake-webex: --webex-errors %q: want webex or rfc", o.errors)}
	}
	c, ok := completeChoices[o.complete]
	if !ok {
		return &exitError{code: 2, err: fmt.Errorf("fake-webex: --complete %q: want hashed, omit, http or huge", o.complete)}
	}
	opts.Complete = c
	me, ok := peopleMeChoices[o.peopleMe]
	if !ok {
		return &exitError{code: 2, err: fmt.Errorf("fake-webex: --people-me %q: want any, spark or either", o.peopleMe)}
	}
	opts.PeopleMe = me
	sc, ok := secretCheckChoices[o.secretCheck]
	if !ok {
		return &exitError{code: 2, err: fmt.Errorf("fake-webex: --secret-check %q: want always or redemption", o.secretCheck)}
	}
	opts.SecretCheck = sc
	if !o.quiet {
		opts.OnRequest = func(r webextest.Request) {
			line := fmt.Sprintf("%s %s %s -> %d", r.At.Format("15:04:05.000"), r.Method, r.Path, r.Status)
			if r.UserCode != "" {
				line += " code " + r.UserCode
			}
			fmt.Fprintln(e.stderr, line)
		}
	}
	srv, err := newFakeWebex(o.addr, opts)
	if err != nil {
		return err
	}
	defer srv.Close()
	for _, f := range o.fails {
		srv.FailPath(f.path, f.count, f.status, f.retryAfter)
	}
	if o.outageAt > 0 {
		stop := scheduleOutages(ctx, srv, o.outageAt, o.outageFor, o.outageEvery, func(until time.Time) {
			fmt.Fprintf(e.stderr, "ucx-onboard: outage: dropping every API connection until %s\n", until.Format("15:04:05"))
		})
		defer stop()
	}

	catalog := webextest.DemoCatalogJSON()
	catalogPath := "demo-apps.json" // where the printed catalog is to be saved
	if o.catalogOut != "" {
		if err := os.WriteFile(o.catalogOut, catalog, 0o644); err != nil {
			return fmt.Errorf("fake-webex: write catalog: %v", err)
		}
		catalogPath = o.catalogOut
	}
	w := e.stdout
	fmt.Fprintf(w, "# Fake Webex (webextest) listening at\n%s\n# Verification host (approval page)\n%s/verify\n\n", srv.URL, srv.VerifyURL)
	if o.catalogOut != "" {
		fmt.Fprintf(w, "# Demo catalog (written to %s):\n", shellQuote(catalogPath))
	} else {
		fmt.Fprintln(w, "# Demo catalog (save it as demo-apps.json, or use --catalog FILE):")
	}
	fmt.Fprintf(w, "%s\n", catalog)
	fmt.Fprintln(w, "# Demo client secrets. They exist only on this fake server, so printing them is fine:")
	shells := envShells(runtime.GOOS)
	for _, sh := range shells {
		if len(shells) > 1 {
			fmt.Fprintf(w, "# %s:\n", sh)
		}
		for _, a := range webextest.DemoApps() {
			fmt.Fprintln(w, setEnvLine(sh, a.SecretEnv, a.ClientSecret))
		}
	}
	fmt.Fprintf(w, "\n# Then run: ucx-onboard --webex-url %s --apps %s\n", srv.URL, shellQuote(catalogPath))
	if o.autoApprove > 0 {
		fmt.Fprintf(e.stderr, "ucx-onboard: codes are approved automatically %v after they are issued\n", o.autoApprove)
	} else {
		fmt.Fprintf(e.stderr, "ucx-onboard: approve or deny codes at %s/verify\n", srv.VerifyURL)
	}
	fmt.Fprintln(e.stderr, "ucx-onboard: serving; press Ctrl-C to stop")
	<-ctx.Done()
	return nil
}

// newFakeWebex starts the server, turning its option panics into errors.
func newFakeWebex(addr string, opts webextest.Options) (srv *webextest.Server, err error) {
	if opts.Interval%time.Second != 0 || opts.Interval < time.Second {
		return nil, &exitError{code: 2, err: fmt.Errorf("fake-webex: --interval %v must be a whole number of seconds, at least 1s", opts.Interval)}
	}
	if opts.ExpiresIn%time.Second != 0 || opts.ExpiresIn < time.Second {
		return nil, &exitError{code: 2, err: fmt.Errorf("fake-webex: --expires-in %v must be a whole number of seconds, at least 1s", opts.ExpiresIn)}
	}
	if opts.AutoApprove < 0 {
		return nil, &exitError{code: 2, err: fmt.Errorf("fake-webex: --auto-approve %v is negative", opts.AutoApprove)}
	}
	if opts.Latency < 0 {
		return nil, &exitError{code: 2, err: fmt.Errorf("fake-webex: --latency %v is negative", opts.Latency)}
	}
	srv, err = webextest.NewServerAt(addr, opts)
	if err != nil {
		return nil, fmt.Errorf("fake-webex: %v", err)
	}
	return srv, nil
}

// isLoopbackAddr reports whether host:port names a loopback host
// ("localhost" or a loopback IP). An empty host means every interface.
func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// scheduleOutages makes srv drop every connection for length, at after
// from now and then every period (0: once), telling say when each starts,
// until ctx is done or stop is called.
func scheduleOutages(ctx context.Context, srv *webextest.Server, after, length, period time.Duration, say func(until time.Time)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		t := time.NewTimer(after)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			srv.DropAllFor(length)
			say(srv.OutageUntil())
			if period <= 0 {
				return
			}
			t.Reset(period)
		}
	}()
	return cancel
}
