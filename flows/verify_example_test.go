package flows_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/flows/webextest"
	"github.com/imagicle/ucx-onboard/store"
)

// Before the customer is involved: does Webex accept each app's client_id,
// scopes and client secret? Run one Verify per app in parallel; each takes
// about one interval. The secret itself appears in no result.
func ExampleClient_Verify() {
	srv := webextest.NewServer(webextest.Options{
		Integrations: []webextest.Integration{{ClientID: "C1468e04", ClientSecret: "example-secret", Scopes: []string{"spark-admin:people_read"}}},
		Interval:     time.Second,
	})
	defer srv.Close()
	client, err := flows.NewClient(flows.Config{BaseURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		log.Fatal(err)
	}
	app := flows.App{ID: "presence", Name: "Attendant Console Presence Connector", ClientID: "C1468e04",
		Scopes: []string{"spark-admin:people_read"}, Secret: store.NewSecret("example-secret"), SecretSource: "env UCX_SECRET_PRESENCE"}
	wrong := app
	wrong.Secret = store.NewSecret("a-wrong-secret")

	for _, a := range []flows.App{app, wrong} {
		res, err := client.Verify(context.Background(), a)
		if err != nil {
			log.Fatal(err) // the app is incomplete, or the context is done
		}
		if res.Outcome == flows.VerifySecretRejected {
			fmt.Printf("%s: %v: fix %s\n", a.ID, res.Outcome, res.SecretSource)
			continue
		}
		fmt.Printf("%s: %v\n", a.ID, res.Outcome)
	}
	// Output:
	// presence: accepted
	// presence: secret rejected: fix env UCX_SECRET_PRESENCE
}
