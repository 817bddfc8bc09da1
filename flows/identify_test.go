package flows

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"

	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/flows/webextest"
	"github.com/imagicle/ucx-onboard/store"
)

// grant runs a whole authorization against e, approved on the first poll.
func (e *env) grant(t *testing.T) (DeviceCode, Grant) {
	t.Helper()
	dc := e.start(t)
	e.srv.ApproveAfterPolls(dc.UserCode, 1)
	g, _, err := e.wait(t, dc)
	if err != nil {
		t.Fatal(err)
	}
	return dc, g
}

func (e *env) peopleRequests() int {
	n := 0
	for _, r := range e.srv.Requests() {
		if r.Path == "/v1/people" {
			n++
		}
	}
	return n
}

func TestIdentify(t *testing.T) {
	e := newEnv(t, nil)
	_, g := e.grant(t)
	id, err := e.client.Identify(context.Background(), e.app, g)
	if err != nil {
		t.Fatal(err)
	}
	if !id.FullAdmin || id.OrgID != "org-1" || id.OrgName != "Acme S.p.A." || id.PersonID == "" || len(id.Emails) == 0 {
		t.Errorf("Identity = %+v", id)
	}
	if !id.OrgUsersCounted || id.OrgUsers != 25 {
		t.Errorf("users %d (counted %v), want 25", id.OrgUsers, id.OrgUsersCounted)
	}
}

func TestIdentifyLargeOrg(t *testing.T) {
	e := newEnv(t, func(o *webextest.Options) { o.Org.Users = 2500 })
	_, g := e.grant(t)
	id, err := e.client.Identify(context.Background(), e.app, g)
	if err != nil {
		t.Fatal(err)
	}
	if id.OrgUsers != UserCountLimit+1 {
		t.Errorf("OrgUsers = %d, want counting to stop at %d", id.OrgUsers, UserCountLimit+1)
	}
	// Webex clamps max to 100 (as the fake does): ten pages of 100, then
	// the page that passes 1,000.
	if n := e.peopleRequests(); n != 11 {
		t.Errorf("%d /v1/people pages read, want 11 (10 x 100 + the page that passes 1,000)", n)
	}
}

func TestIdentifyNotFullAdmin(t *testing.T) {
	e := newEnv(t, nil)
	dc := e.start(t)
	mustOK(e.srv.ApproveAs(dc.UserCode, webextest.Person{Email: "reader@example.com", DisplayName: "Read Only", Roles: []string{"Y2lzY29zcGFyazovL3VzL1JPTEUvaWRfcmVhZG9ubHlfYWRtaW4"}}))
	g, _, err := e.wait(t, dc)
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.client.Identify(context.Background(), e.app, g)
	if err != nil {
		t.Fatal(err)
	}
	if id.FullAdmin || !slices.Equal(id.Emails, []string{"reader@example.com"}) || id.DisplayName != "Read Only" {
		t.Errorf("Identity = %+v", id)
	}
}

// TestIdentifyWithoutPeopleScope does not count users for an app that
// cannot read them.
func TestIdentifyWithoutPeopleScope(t *testing.T) {
	cdr := App{ID: "cdr", Name: "CDR", ClientID: "C-cdr", Scopes: []string{"spark-admin:calling_cdr_read"},
		Secret: store.NewSecret("sec-FAKE-cdr"), SecretSource: "env UCX_SECRET_CDR"}
	e := newEnv(t, func(o *webextest.Options) {
		o.Integrations = []webextest.Integration{{ClientID: cdr.ClientID, ClientSecret: "sec-FAKE-cdr", Scopes: cdr.Scopes}}
	})
	e.app = cdr
	_, g := e.grant(t)
	id, err := e.client.Identify(context.Background(), cdr, g)
	if err != nil {
		t.Fatal(err)
	}
	if id.OrgUsersCounted || id.OrgUsers != 0 || id.OrgName == "" {
		t.Errorf("Identity = %+v", id)
	}
	if n := e.peopleRequests(); n != 0 {
		t.Errorf("%d /v1/people requests, want 0", n)
	}
}

func TestIdentifyBadToken(t *testing.T) {
	e := newEnv(t, nil)
	_, err := e.client.Identify(context.Background(), e.app, Grant{AccessToken: store.NewSecret("tok-FAKE-bogus")})
	var we *WebexError
	if !errors.As(err, &we) || we.Status != http.StatusUnauthorized {
		t.Fatalf("Identify: %v, want a 401 WebexError", err)
	}
	if strings.Contains(err.Error(), "tok-FAKE") {
		t.Errorf("error %q holds the token", err)
	}
}

// TestIdentifyForeignNextLink never sends the bearer token to a host other
// than the base URL's, and stops on pages that never end.
func TestIdentifyHostileLinks(t *testing.T) {
	foreign := 0
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { foreign++ }))
	defer other.Close()
	for _, tc := range []struct {
		name string
		link func(self string) string
		want string
	}{
		{"other host", func(string) string { return `<` + other.URL + `/v1/people?cursor=2>; rel="next"` }, "another host"},
		{"endless pages", func(self string) string { return `<` + self + `/v1/people?cursor=x>; rel="next"` }, "too many pages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mux := http.NewServeMux()
			var srv *httptest.Server
			mux.HandleFunc("/v1/people/me", func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `{"id":"p1","emails":["a@example.com"],"displayName":"A","orgId":"o1","roles":["`+FullAdminRoleID+`"]}`)
			})
			mux.HandleFunc("/v1/organizations/o1", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"displayName":"O"}`) })
			mux.HandleFunc("/v1/people", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Link", tc.link(srv.URL))
				fmt.Fprint(w, `{"items":[{"id":"x"}]}`)
			})
			srv = httptest.NewServer(mux)
			defer srv.Close()
			c, err := NewClient(Config{BaseURL: srv.URL, HTTPClient: srv.Client()})
			if err != nil {
				t.Fatal(err)
			}
			id, err := c.Identify(context.Background(), testApp(), Grant{AccessToken: store.NewSecret("tok-FAKE-1")})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Identify: %v, want ...%s...", err, tc.want)
			}
			if !id.FullAdmin || id.OrgName != "O" {
				t.Errorf("partial Identity lost: %+v", id)
			}
		})
	}
	if foreign != 0 {
		t.Errorf("the foreign host got %d requests", foreign)
	}
}

func TestSplitLinks(t *testing.T) {
	c := &Client{}
	c.base, _ = url.Parse("https://webexapis.com")
	h := http.Header{"Link": {`<https://webexapis.com/v1/people?a=1,2>; rel="prev", <https://webexapis.com/v1/people?cursor=Y>; rel="first next"`}}
	got, err := c.nextLink(h, "https://webexapis.com/v1/people?max=1000")
	if err != nil || got != "https://webexapis.com/v1/people?cursor=Y" {
		t.Errorf("nextLink = %q, %v", got, err)
	}
	got, err = c.nextLink(http.Header{"Link": {`</v1/people?cursor=Z>; rel=next`}}, "https://webexapis.com/v1/people?max=1000")
	if err != nil || got != "https://webexapis.com/v1/people?cursor=Z" {
		t.Errorf("relative nextLink = %q, %v", got, err)
	}
	// An unparseable current page is an error, not a panic.
	if got, err := c.nextLink(http.Header{"Link": {`<x>; rel=next`}}, "https://webexapis.com/%zz"); err == nil {
		t.Errorf("nextLink from a malformed page = %q", got)
	}
}

// TestNoSecretInOutput formats every result, event and error of complete
// flows (success and failures) every way a caller might, and looks for the
// fixtures' tokens, device codes and secrets.
func TestNoSecretInOutput(t *testing.T) {
	var things []any
	e := newEnv(t, nil)
	dc, g := e.grant(t)
	id, err := e.client.Identify(context.Background(), e.app, g)
	if err != nil {
		t.Fatal(err)
	}
	things = append(things, dc, g, id, e.app, Catalog{Apps: []App{e.app}})

	dc2 := e.start(t)
	e.srv.FailPolls(1, http.StatusServiceUnavailable)
	mustOK(e.srv.Deny(dc2.UserCode))
	_, evs, err := e.wait(t, dc2)
	things = append(things, err)
	for _, ev := range evs {
		things = append(things, ev, ev.Err)
	}
	bad := e.app
	bad.Secret = store.NewSecret("sec-FAKE-wrong")
	dc3 := e.start(t)
	_, err = e.client.Wait(context.Background(), bad, dc3, nil)
	things = append(things, err, dc3)

	var out bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&out, nil))
	for _, x := range things {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			fmt.Fprintf(&out, verb+"\n", x)
		}
		j, _ := json.Marshal(x)
		out.Write(j)
		logger.Info("x", "v", x)
	}
	if out.Len() < 1000 {
		t.Fatalf("only %d bytes of output", out.Len())
	}
	secrets := []string{"tok-FAKE", "ref-FAKE", "dc-FAKE", "sec-FAKE", testSecret}
	for _, it := range e.srv.Issued() {
		secrets = append(secrets, it.AccessToken, it.RefreshToken)
	}
	for _, s := range secrets {
		if i := strings.Index(out.String(), s); i >= 0 {
			t.Errorf("output holds %q: ...%s...", s, out.String()[max(0, i-80):min(out.Len(), i+40)])
		}
	}
	if !strings.Contains(out.String(), dc.UserCode) {
		t.Error("the user code (public) is not in the output: did formatting break?")
	}
}
