package main

// --demo: the in-process fake Webex that approves every code by itself,
// its catalog and client secrets, its customer, and the demo identity the
// bundle is sealed to.

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/flows/webextest"
	"github.com/imagicle/ucx-onboard/store"
)

// Demo settings: a code is approved this long after it is shown, and the
// fake asks for polls this often; the demo identity's file name, and the
// demo's subfolder of the state directory.
const (
	demoAutoApprove  = 4 * time.Second
	demoInterval     = 2 * time.Second
	demoIdentityName = "ucx-onboard-demo-identity.txt"
	demoStateSubdir  = "demo"
)

// errDemoFlags: --demo runs its own fake Webex with its own app catalog,
// which --webex-url and --apps would replace.
var errDemoFlags = errors.New("--demo brings its own fake Webex and app catalog")

// demoFlagsError refuses --demo with --apps or --webex-url given on the
// command line (exit 2): the demo's fake knows only its own apps, and a
// Webex URL would not be the demo any more. UCX_ONBOARD_WEBEX_URL in the
// environment is not a flag given and is left unused under --demo.
func demoFlagsError(fs *flag.FlagSet) error {
	if fs.Lookup("demo").Value.String() != "true" {
		return nil
	}
	var given []string
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "apps" || f.Name == "webex-url" {
			given = append(given, "--"+f.Name)
		}
	})
	if len(given) == 0 {
		return nil
	}
	return &exitError{exitUsage, &flagError{
		msg:  fmt.Sprintf("%s: %s cannot be used with it", errDemoFlags, strings.Join(given, " and ")),
		hint: "leave out --demo to use them; to try a catalog against a fake Webex, run 'ucx-onboard fake-webex' in another terminal and follow what it prints",
		err:  errDemoFlags,
	}}
}

// demo is the in-process fake Webex of --demo: its URL and client, the
// environment with its client secrets, and its catalog. The caller must
// call close when the wizard ends.
type demo struct {
	baseURL    string
	httpClient *http.Client
	getenv     func(string) string
	catalog    flows.Catalog
	catalogErr error
	close      func()
}

// startDemo starts the fake Webex that approves every code by itself
// demoAutoApprove after it is shown, and loads the demo catalog with the
// fake's secrets on top of getenv.
func startDemo(getenv func(string) string) demo {
	srv := webextest.NewServer(demoServerOptions())
	d := demo{baseURL: srv.URL, httpClient: srv.Client(), getenv: demoGetenv(getenv), close: srv.Close}
	d.catalog, d.catalogErr = flows.ParseCatalog(bytes.NewReader(webextest.DemoCatalogJSON()), "", d.getenv)
	return d
}

// demoServerOptions is the demo's fake Webex: the demo apps, a demo org
// and its Full Admin, who approves each code demoAutoApprove after the
// wizard shows it.
func demoServerOptions() webextest.Options {
	return webextest.Options{
		Integrations: webextest.DemoIntegrations(),
		Interval:     demoInterval,
		// From the first poll: the wizard asks for the next app's code
		// ahead and polls it first one interval after it shows it
		// (tui/wizard's prefetch), so that is demoInterval after it is
		// shown, and the poll demoAutoApprove after it is shown gets the
		// token.
		AutoApprove:              demoAutoApprove - demoInterval,
		AutoApproveFromFirstPoll: true,
		Org:                      webextest.Org{ID: "demo-org", Name: "Demo Customer Ltd", Users: 240},
		Approver: webextest.Person{ID: "demo-admin", Email: "admin@demo.example", DisplayName: "Demo Admin",
			OrgID: "demo-org", Roles: []string{webextest.FullAdminRole}},
	}
}

// demoCustomer is the customer form's prefill under --demo without
// --customer.
func demoCustomer() *store.Customer {
	return &store.Customer{Company: "Demo Customer Ltd", AdminEmail: "admin@demo.example",
		Deployment: store.DeploymentCloud, Engineer: "Demo Engineer"}
}

// demoGetenv supplies the fake server's demo client secrets, which exist
// only inside this process.
func demoGetenv(getenv func(string) string) func(string) string {
	secrets := map[string]string{}
	for _, a := range webextest.DemoApps() {
		secrets[a.SecretEnv] = a.ClientSecret
	}
	return func(k string) string {
		if v, ok := secrets[k]; ok {
			return v
		}
		return getenv(k)
	}
}

// maxDemoIdentitySize bounds the read of an existing demo identity (one
// key is about 190 bytes).
const maxDemoIdentitySize = 1 << 20

// demoRecipient returns the public key of the demo identity at path,
// creating the identity the first time. An existing path must be a regular
// file (store.OpenRegular: a named pipe or a device is refused at once,
// the error wrapping store.ErrNotRegular), read up to 1 MiB.
func demoRecipient(path string) (string, error) {
	recipient, err := store.GenerateIdentityFile(path)
	if !errors.Is(err, store.ErrExists) {
		return recipient, err
	}
	f, err := store.OpenRegular(path)
	if err != nil {
		return "", fmt.Errorf("demo identity: %w", err)
	}
	defer f.Close()
	ids, err := age.ParseIdentities(io.LimitReader(f, maxDemoIdentitySize))
	if err == nil && len(ids) == 1 {
		if x, ok := ids[0].(*age.X25519Identity); ok {
			return x.Recipient().String(), nil
		}
	}
	return "", fmt.Errorf("%s is not a demo identity (one age X25519 key); remove it to get a new one", path)
}

// demoIdentityError is a problem with the demo identity of --demo; its
// text is the problem's.
type demoIdentityError struct {
	path string
	err  error
}

func (e *demoIdentityError) Error() string { return e.err.Error() }
func (e *demoIdentityError) Unwrap() error { return e.err }
