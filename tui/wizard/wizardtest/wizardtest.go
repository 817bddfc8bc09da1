// Package wizardtest provides fakes of the wizard core's dependencies for
// the tests of its front-ends (package tui and tui/accessible), as
// net/http/httptest does for HTTP: an Authorizer that answers at once
// (Auth), one over a real flows.Client and the fake Webex of
// flows/webextest (WebexUser), drafts in memory (Drafts), a bundle writer
// that records (Writer), two clocks, and the test catalog.
//
// It imports neither Bubble Tea nor package tui.
package wizardtest

import (
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// T0 is the fixed "now" of every test.
var T0 = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

const (
	VerifyURI = "https://oauth-helper-a.wbx2.com/helperservice/v1/actions/device/verify"
	// CompleteURI is 144 characters, like Webex's verification_uri_complete.
	CompleteURI = VerifyURI + "?userCode=5f0c8e2a9b7d4c1e3a6f8b0d2c4e6a8b1d3f5a7c9e0b2d4f6a8c0e2b4d6f8a1c"
	UserCode    = "MXHW-KQRP"
	// FakeAccess and FakeRefresh start the fake tokens of Grant (each
	// ends with "-" and the app's ID); "tok-FAKE" must never be shown.
	FakeAccess  = "tok-FAKE-access-0123456789"
	FakeRefresh = "tok-FAKE-refresh-9876543210"
	AdminEmail  = "jane.admin@acme.example"
	OrgID       = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9hY21l"
)

// Apps is the catalog of the tests: the four device-grant apps of
// DOMAIN.md.
func Apps() []flows.App {
	return []flows.App{
		{ID: "users", Name: "UCX Suite Users' Synch from Control Hub", ClientID: "C89a4ba3aa80c33dd80bfc17a1572c5026049234c0aa90b7793b47dac37d7fa6c",
			Scopes: []string{"spark-admin:people_read"}, SecretSource: "env UCX_SECRET_USERS"},
		{ID: "presence", Name: "Attendant Console Presence Connector", ClientID: "C1468e046a54f78620ca6d1b16eda8096165d0f960078c8e38c5ac09fb7f7f120",
			Scopes: []string{"spark-admin:people_read", "spark-admin:organizations_read"}, SecretSource: "env UCX_SECRET_PRESENCE"},
		{ID: "callcontrol", Name: "Attendant Console Call Control", ClientID: "C143958d8c8645673914400fbf4b06fa022da2a7caeac67b5eb48d062709cf24e",
			Scopes: []string{"spark:calls_write"}, SecretSource: "file /etc/ucx/callcontrol.secret"},
		{ID: "cdr", Name: "Call Analytics CDRs retrieval from Control Hub", ClientID: "C2b09ee9cb8a3ae94ae0e6417d7dcf7e33351ae00bbb22fb9937a79796a8371b5",
			Scopes: []string{"spark-admin:calling_cdr_read"}, SecretSource: "env UCX_SECRET_CDR"},
	}
}

// Code is the device code Auth issues for app, at T0.
func Code(app flows.App) flows.DeviceCode {
	return flows.DeviceCode{
		AppID: app.ID, UserCode: UserCode, VerificationURI: VerifyURI, VerificationURIComplete: CompleteURI,
		IssuedAt: T0, Expiry: T0.Add(5 * time.Minute), Interval: 5 * time.Second,
	}
}

// Grant is the grant Auth answers for app, at T0.
func Grant(app flows.App) flows.Grant {
	return flows.Grant{
		AccessToken: store.NewSecret(FakeAccess + "-" + app.ID), AccessTokenExpiry: T0.Add(1209599 * time.Second),
		RefreshToken: store.NewSecret(FakeRefresh + "-" + app.ID), RefreshTokenExpiry: T0.Add(7775999 * time.Second),
		TokenType: "Bearer", Scopes: app.Scopes, ObtainedAt: T0,
	}
}

// Identity is who approves by default: the customer's Full Admin, who
// may read the org's name and size.
func Identity() flows.Identity {
	return flows.Identity{
		PersonID: "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9qYW5l", Emails: []string{"Jane.Admin@acme.example"},
		DisplayName: "Jane Admin", OrgID: OrgID, OrgName: "Acme Industries", FullAdmin: true,
		OrgUsers: 1001, OrgUsersCounted: true,
	}
}
