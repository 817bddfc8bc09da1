package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/imagicle/ucx-onboard/flows/webextest"
)

// fakeWebexOptions are the flags of "ucx-onboard fake-webex".
type fakeWebexOptions struct {
	addr        string
	allowRemote bool
	autoApprove time.Duration
	interval    time.Duration
	expiresIn   time.Duration
	catalogOut  string
	quiet       bool
}

func fakeWebexFlags(o *fakeWebexOptions, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("ucx-onboard fake-webex", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen `address` (loopback only unless --allow-remote)")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow a non-loopback --addr (the fake has no security)")
	fs.DurationVar(&o.autoApprove, "auto-approve", 0, "approve each code after this `duration` (0: use the page)")
	fs.DurationVar(&o.interval, "interval", 5*time.Second, "announced poll `interval`, whole seconds")
	fs.DurationVar(&o.expiresIn, "expires-in", 300*time.Second, "device code `lifetime`, whole seconds")
	fs.StringVar(&o.catalogOut, "catalog", "", "also write the demo catalog JSON to `file`")
	fs.BoolVar(&o.quiet, "quiet", false, "do not log requests to stderr")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: ucx-onboard fake-webex [flags]\n\n"+
			"Runs a fake Webex (device grant, people, organizations) with the four\n"+
			"Imagicle demo apps, prints its URL, a demo catalog and the demo secrets,\n"+
			"and serves until interrupted. Approve codes in a browser at the printed\n"+
			"verification URL, or with --auto-approve.\n\nFlags:")
		printFlags(e.stderr, fs)
	}
	return fs
}

// runFakeWebex runs "ucx-onboard fake-webex": results (URL, catalog,
// export lines) on stdout, the request log on stderr.
func runFakeWebex(ctx context.Context, e env, args []string) error {
	var o fakeWebexOptions
	fs := fakeWebexFlags(&o, e)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &exitError{code: 2, err: errSilent}
	}
	if fs.NArg() > 0 {
		return &exitError{code: 2, err: fmt.Errorf("fake-webex: unexpected argument %q", fs.Arg(0))}
	}
	if !isLoopbackAddr(o.addr) {
		if !o.allowRemote {
			return &exitError{code: 2, err: fmt.Errorf("fake-webex: --addr %q is not a loopback address; pass --allow-remote to listen on it anyway", o.addr)}
		}
		fmt.Fprintf(e.stderr, "ucx-onboard: warning: the fake Webex on %s is reachable from the network and has no security\n", o.addr)
	}
	opts := webextest.Options{
		Integrations: webextest.DemoIntegrations(),
		Interval:     o.interval,
		ExpiresIn:    o.expiresIn,
		AutoApprove:  o.autoApprove,
	}
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

	catalog := webextest.DemoCatalogJSON()
	if o.catalogOut != "" {
		if err := os.WriteFile(o.catalogOut, catalog, 0o644); err != nil {
			return fmt.Errorf("fake-webex: write catalog: %v", err)
		}
	}
	w := e.stdout
	fmt.Fprintf(w, "# Fake Webex (webextest) listening at\n%s\n\n", srv.URL)
	fmt.Fprintln(w, "# Demo catalog (save it as demo-apps.json, or use --catalog FILE):")
	fmt.Fprintf(w, "%s\n", catalog)
	fmt.Fprintln(w, "# Demo client secrets. They exist only on this fake server, so printing them is fine:")
	for _, a := range webextest.DemoApps() {
		fmt.Fprintf(w, "export %s=%s\n", a.SecretEnv, a.ClientSecret)
	}
	fmt.Fprintf(w, "\n# Then run: ucx-onboard --webex-url %s --apps demo-apps.json\n", srv.URL)
	if o.autoApprove > 0 {
		fmt.Fprintf(e.stderr, "ucx-onboard: codes are approved automatically %v after they are issued\n", o.autoApprove)
	} else {
		fmt.Fprintf(e.stderr, "ucx-onboard: approve or deny codes at %s/verify\n", srv.URL)
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
