package webextest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/imagicle/ucx-onboard/flows/webextest"
)

func ExampleNewServer() {
	srv := webextest.NewServer(webextest.Options{
		Integrations: []webextest.Integration{{ClientID: "Cdemo", ClientSecret: "demo-secret", Scopes: []string{"spark-admin:people_read"}}},
	})
	defer srv.Close()

	cfg := &oauth2.Config{ClientID: "Cdemo", ClientSecret: "demo-secret", Endpoint: srv.Endpoint(), Scopes: []string{"spark-admin:people_read"}}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client())
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		panic(err)
	}

	// Poll the token endpoint as Webex expects: Basic client authentication.
	poll := func() *http.Response {
		form := url.Values{"grant_type": {webextest.DeviceGrantType}, "device_code": {da.DeviceCode}}
		req, _ := http.NewRequest(http.MethodPost, srv.Endpoint().TokenURL, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(url.QueryEscape(cfg.ClientID), url.QueryEscape(cfg.ClientSecret))
		resp, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		return resp
	}
	resp := poll()
	resp.Body.Close()
	fmt.Println("pending:", resp.StatusCode)

	resp = poll() // sooner than the interval
	resp.Body.Close()
	fmt.Println("too soon:", resp.StatusCode, "Retry-After", resp.Header.Get("Retry-After"))

	// Every request is recorded, without secrets or tokens.
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path, r.Status, r.UserCode == da.UserCode)
	}
	// Output:
	// pending: 428
	// too soon: 429 Retry-After 2
	// POST /v1/device/authorize 200 true
	// POST /v1/device/token 428 true
	// POST /v1/device/token 429 true
}

func ExampleServer_Approve() {
	srv := webextest.NewServer(webextest.Options{
		Integrations: []webextest.Integration{{ClientID: "Cdemo", ClientSecret: "demo-secret", Scopes: []string{"spark-admin:people_read"}}},
		Interval:     time.Second,
	})
	defer srv.Close()
	cfg := &oauth2.Config{ClientID: "Cdemo", ClientSecret: "demo-secret", Endpoint: srv.Endpoint(), Scopes: []string{"spark-admin:people_read"}}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client())
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		panic(err)
	}
	// The customer's admin approves the code (a person would open
	// da.VerificationURIComplete and press Approve).
	if err := srv.Approve(da.UserCode); err != nil {
		panic(err)
	}
	// Approved before the first poll, so even stock DeviceAccessToken
	// (which fails on Webex's 428) gets the token, after one interval.
	tok, err := cfg.DeviceAccessToken(ctx, da)
	if err != nil {
		panic(err)
	}
	// Who approved: GET /v1/people/me with the access token.
	resp, err := cfg.Client(ctx, tok).Get(srv.URL + "/v1/people/me")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var me struct {
		Emails []string
		Roles  []string
	}
	_ = json.NewDecoder(resp.Body).Decode(&me)
	fmt.Println(me.Emails[0], me.Roles[0] == webextest.FullAdminRole)
	// Output: admin@example.com true
}
