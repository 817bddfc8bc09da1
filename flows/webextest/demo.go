package webextest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// DemoApp is one of the four device-grant Imagicle apps as registered on a
// demo fake Webex: the integration plus what a catalog entry needs.
type DemoApp struct {
	Integration
	// ID is the catalog id, e.g. "presence".
	ID string
	// SecretEnv names the environment variable a demo catalog reads the
	// client secret from, e.g. "UCX_DEMO_SECRET_PRESENCE".
	SecretEnv string
	// Note is a remark for the catalog entry (what the approver needs).
	Note string
}

// demoSecretPrefix marks demo secrets: they belong to the fake server only
// and are fine to print.
const demoSecretPrefix = "demo-secret-FAKE-"

// DemoApps returns the four Imagicle apps that use the device grant (not
// SSO), with their real integration IDs, the scopes the vendor's knowledge
// base lists for each (the same as ucx-onboard's built-in catalog) and
// fixed demo secrets ("demo-secret-FAKE-" and 16 hex digits of the
// SHA-256 of the id: not the id itself, which ucx-onboard shows, while it
// redacts any 12 characters of a client secret). Each call returns a fresh
// slice.
func DemoApps() []DemoApp {
	apps := []DemoApp{
		{ID: "users-sync", Integration: Integration{
			Name:     "UCX Suite Users' Synch from Control Hub",
			ClientID: "C89a4ba3aa80c33dd80bfc17a1572c5026049234c0aa90b7793b47dac37d7fa6c",
			Scopes: []string{"spark-admin:people_read", "spark-admin:organizations_read", "spark-admin:locations_read",
				"spark-admin:telephony_config_read", "spark-admin:xsi"},
		}, Note: "The approving admin must be a Full Admin."},
		{ID: "presence", Integration: Integration{
			Name:     "Attendant Console Presence Connector",
			ClientID: "C1468e046a54f78620ca6d1b16eda8096165d0f960078c8e38c5ac09fb7f7f120",
			Scopes:   []string{"spark-admin:people_read", "spark-admin:organizations_read"},
		}, Note: "The approving admin must be a Full Admin."},
		{ID: "call-control", Integration: Integration{
			Name:     "Attendant Console Call Control",
			ClientID: "C143958d8c8645673914400fbf4b06fa022da2a7caeac67b5eb48d062709cf24e",
			Scopes:   []string{"spark-admin:people_read", "spark-admin:organizations_read", "spark-admin:xsi"},
		}, Note: "The approving admin must be a Full Admin with a Webex Professional license."},
		{ID: "cdr", Integration: Integration{
			Name:     "Call Analytics CDRs retrieval from Control Hub",
			ClientID: "C2b09ee9cb8a3ae94ae0e6417d7dcf7e33351ae00bbb22fb9937a79796a8371b5",
			Scopes:   []string{"spark-admin:calling_cdr_read"},
		}, Note: "The approving admin needs the \"Webex Calling Detailed Call History API access\" role."},
	}
	for i := range apps {
		a := &apps[i]
		sum := sha256.Sum256([]byte(a.ID))
		a.ClientSecret = demoSecretPrefix + hex.EncodeToString(sum[:8])
		a.SecretEnv = "UCX_DEMO_SECRET_" + strings.ToUpper(strings.ReplaceAll(a.ID, "-", "_"))
	}
	return apps
}

// DemoIntegrations returns the integrations of DemoApps, ready for
// Options.Integrations.
func DemoIntegrations() []Integration {
	apps := DemoApps()
	out := make([]Integration, len(apps))
	for i, a := range apps {
		out[i] = a.Integration
	}
	return out
}

// DemoCatalogJSON returns a catalog for DemoApps in ucx-onboard's catalog
// format, reading each secret from the app's SecretEnv:
//
//	{"apps":[{"id":"presence","name":"...","client_id":"C14...","client_secret_env":"UCX_DEMO_SECRET_PRESENCE","scopes":[...]}]}
func DemoCatalogJSON() []byte {
	type app struct {
		ID              string   `json:"id"`
		Name            string   `json:"name"`
		ClientID        string   `json:"client_id"`
		ClientSecretEnv string   `json:"client_secret_env"`
		Scopes          []string `json:"scopes"`
		Note            string   `json:"note,omitempty"`
	}
	var cat struct {
		Apps []app `json:"apps"`
	}
	for _, a := range DemoApps() {
		cat.Apps = append(cat.Apps, app{a.ID, a.Name, a.ClientID, a.SecretEnv, a.Scopes, a.Note})
	}
	b, err := json.MarshalIndent(cat, "", "  ")
	if err != nil {
		panic("webextest: " + err.Error())
	}
	return append(b, '\n')
}
