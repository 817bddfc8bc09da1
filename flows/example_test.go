package flows_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/flows/webextest"
)

// A catalog names where each client secret comes from; the secret itself
// is never in the file. Problems are all reported at once.
func ExampleParseCatalog() {
	const catalog = `{"apps": [
	  {"id": "presence", "name": "Attendant Console Presence Connector",
	   "client_id": "C1468e046a54f78620ca6d1b16eda8096165d0f960078c8e38c5ac09fb7f7f120",
	   "client_secret_env": "UCX_SECRET_PRESENCE",
	   "scopes": ["spark-admin:people_read", "spark-admin:organizations_read"]},
	  {"id": "sso", "name": "SSO", "client_id": "C287f727", "client_secret_env": "UCX_SECRET_SSO",
	   "scopes": ["openid", "email"]}
	]}`
	getenv := func(name string) string {
		if name == "UCX_SECRET_PRESENCE" {
			return "example-secret"
		}
		return ""
	}
	_, err := flows.ParseCatalog(strings.NewReader(catalog), "", getenv)
	fmt.Println(err)
	fmt.Println("unsupported:", errors.Is(err, flows.ErrUnsupported))
	// Output:
	// catalog: app sso: scopes: "openid" is an OpenID Connect scope: flows: not supported by the device grant
	// catalog: app sso: scopes: "email" is an OpenID Connect scope: flows: not supported by the device grant
	// catalog: app sso: client_secret_env: environment variable UCX_SECRET_SSO is not set
	// unsupported: true
}

func ExampleDefaultCatalog() {
	cat, err := flows.DefaultCatalog(func(name string) string { return "secret-of-" + name })
	if err != nil {
		log.Fatal(err)
	}
	for _, app := range cat.Apps {
		fmt.Printf("%-12s %-28s %v\n", app.ID, app.SecretSource, app.Scopes)
	}
	// Output:
	// users-sync   env UCX_SECRET_USERS_SYNC    [spark-admin:people_read spark-admin:organizations_read spark-admin:locations_read spark-admin:telephony_config_read spark-admin:xsi]
	// presence     env UCX_SECRET_PRESENCE      [spark-admin:people_read spark-admin:organizations_read]
	// call-control env UCX_SECRET_CALL_CONTROL  [spark-admin:people_read spark-admin:organizations_read spark-admin:xsi]
	// cdr          env UCX_SECRET_CDR           [spark-admin:calling_cdr_read]
}

// One authorization against the fake Webex: Start, show the code, Wait,
// Identify. Against Webex, leave Config.BaseURL empty.
func ExampleClient_Wait() {
	cat, err := flows.DefaultCatalog(func(string) string { return "example-secret" })
	if err != nil {
		log.Fatal(err)
	}
	app := cat.Apps[1] // presence
	srv := webextest.NewServer(webextest.Options{
		Integrations: []webextest.Integration{{ClientID: app.ClientID, ClientSecret: "example-secret", Scopes: app.Scopes}},
		Org:          webextest.Org{ID: "org-1", Name: "Acme", Users: 42},
		Interval:     time.Second,
	})
	defer srv.Close()
	client, err := flows.NewClient(flows.Config{BaseURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	dc, err := client.Start(ctx, app, nil)
	if err != nil {
		log.Fatal(err)
	}
	// Show dc.UserCode and a QR code of dc.VerificationURIComplete; here the
	// fake admin approves at once.
	if err := srv.Approve(dc.UserCode); err != nil {
		log.Fatal(err)
	}
	grant, err := client.Wait(ctx, app, dc, func(ev flows.PollEvent) {
		fmt.Println("poll", ev.Attempt, ev.Outcome)
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("access token:", grant.AccessToken) // a store.Secret: prints [redacted]
	who, err := client.Identify(ctx, app, grant, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s, full admin %v, %d users\n", who.OrgName, who.FullAdmin, who.OrgUsers)
	// Output:
	// poll 1 done
	// access token: [redacted]
	// Acme, full admin true, 42 users
}

func ExampleSanitize() {
	fmt.Printf("%q\n", flows.Sanitize("\x1b]0;pwned\x07Invalid \x1b[31mscope\x1b[0m\u202e"))
	// Output:
	// "Invalid scope"
}
