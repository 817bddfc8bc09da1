package flows

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"

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
	id, err := e.client.Identify(context.Background(), e.app, g, nil)
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
	id, err := e.client.Identify(context.Background(), e.app, g, nil)
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
	id, err := e.client.Identify(context.Background(), e.app, g, nil)
	if err != nil {
		t.Fatal(err)
	}
	if id.FullAdmin || !slices.Equal(id.Emails, []string{"reader@example.com"}) || id.DisplayName != "Read Only" {
		t.Errorf("Identity = %+v", id)
	}
}

// TestIdentifyWithoutPeopleScope asks nothing an app's token may not read:
// an app holding only spark-admin:calling_cdr_read neither reads the org
// nor counts users, and the Identity says why, without an error.
func TestIdentifyWithoutPeopleScope(t *testing.T) {
	cdr := App{ID: "cdr", Name: "CDR", ClientID: "C-cdr", Scopes: []string{"spark-admin:calling_cdr_read"},
		Secret: store.NewSecret("sec-FAKE-cdr"), SecretSource: "env UCX_SECRET_CDR"}
	e := newEnv(t, func(o *webextest.Options) {
		o.Integrations = []webextest.Integration{{ClientID: cdr.ClientID, ClientSecret: "sec-FAKE-cdr", Scopes: cdr.Scopes}}
	})
	e.app = cdr
	_, g := e.grant(t)
	id, err := e.client.Identify(context.Background(), cdr, g, nil)
	if err != nil {
		t.Fatal(err)
	}
	if id.OrgUsersCounted || id.OrgUsers != 0 || id.OrgName != "" || id.OrgID != "org-1" {
		t.Errorf("Identity = %+v", id)
	}
	if id.OrgNameUnknown != UnknownNoScope || id.OrgUsersUnknown != UnknownNoScope || id.OrgNameErr != nil || id.OrgUsersErr != nil {
		t.Errorf("unknown reasons: name %v (%v), users %v (%v), want no scope",
			id.OrgNameUnknown, id.OrgNameErr, id.OrgUsersUnknown, id.OrgUsersErr)
	}
	for _, r := range e.srv.Requests() {
		if r.Path == "/v1/people" || strings.HasPrefix(r.Path, "/v1/organizations/") {
			t.Errorf("request to %s with a token that may not read it", r.Path)
		}
	}
}

// identifyServer is a plain Webex stand-in for Identify: /v1/people/me,
// /v1/organizations/o1 and /v1/people, each answered by its handler (nil:
// a default answer). The org has users people, served in pages of at most
// pageMax (Webex clamps max).
type identifyServer struct {
	me, org, people http.HandlerFunc
	users, pageMax  int
	requests        []string
}

func (s *identifyServer) start(t *testing.T) *Client {
	t.Helper()
	var srv *httptest.Server
	mux := http.NewServeMux()
	record := func(h http.HandlerFunc, def http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			s.requests = append(s.requests, r.URL.RequestURI())
			if h != nil {
				h(w, r)
				return
			}
			def(w, r)
		}
	}
	mux.HandleFunc("/v1/people/me", record(s.me, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"id":"p1","emails":["a@example.com"],"displayName":"A","orgId":"o1","roles":["`+FullAdminRoleID+`"]}`)
	}))
	mux.HandleFunc("/v1/organizations/o1", record(s.org, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"id":"o1","displayName":"Org One"}`)
	}))
	mux.HandleFunc("/v1/people", record(s.people, func(w http.ResponseWriter, r *http.Request) {
		size := 100
		if n, err := strconv.Atoi(r.URL.Query().Get("max")); err == nil {
			size = n
		}
		if s.pageMax > 0 {
			size = min(size, s.pageMax)
		}
		from, _ := strconv.Atoi(r.URL.Query().Get("from"))
		to := min(from+size, s.users)
		if to < s.users {
			w.Header().Set("Link", fmt.Sprintf(`<%s/v1/people?max=%d&from=%d>; rel="next"`, srv.URL, size, to))
		}
		items := make([]string, 0, to-from)
		for i := from; i < to; i++ {
			items = append(items, fmt.Sprintf(`{"id":"u%d"}`, i))
		}
		fmt.Fprint(w, `{"items":[`+strings.Join(items, ",")+`]}`)
	}))
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := NewClient(Config{BaseURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (s *identifyServer) count(prefix string) int {
	n := 0
	for _, r := range s.requests {
		if strings.HasPrefix(r, prefix) {
			n++
		}
	}
	return n
}

// TestIdentifyByScope runs Identify against plain handlers: each fact is
// asked only with the scope it needs, a 401/403 is a permission outcome
// (ErrForbidden), and a refused or failed name or count leaves only that
// fact unknown, with the reason.
func TestIdentifyByScope(t *testing.T) {
	const forbiddenBody = `{"message":"The access token does not have the required scope.","trackingId":"ROUTER_1"}`
	both := []string{PeopleReadScope, OrganizationsReadScope}
	for _, tc := range []struct {
		name                string
		srv                 identifyServer
		appScopes, granted  []string
		wantErr             error // errors.Is target; nil: no error
		wantName            string
		nameWhy, usersWhy   Unknown
		wantUsers           int
		wantOrgReq, wantPpl int
	}{
		{name: "all scopes", srv: identifyServer{users: 25}, appScopes: both,
			wantName: "Org One", wantUsers: 25, wantOrgReq: 1, wantPpl: 1},
		{name: "cdr only", srv: identifyServer{users: 25}, appScopes: []string{"spark-admin:calling_cdr_read"},
			nameWhy: UnknownNoScope, usersWhy: UnknownNoScope},
		{name: "people only", srv: identifyServer{users: 25}, appScopes: []string{PeopleReadScope},
			nameWhy: UnknownNoScope, wantUsers: 25, wantPpl: 1},
		{name: "organizations only", srv: identifyServer{users: 25}, appScopes: []string{OrganizationsReadScope},
			wantName: "Org One", usersWhy: UnknownNoScope, wantOrgReq: 1},
		{name: "granted scopes win over the catalog's", srv: identifyServer{users: 25}, appScopes: both,
			granted: []string{PeopleReadScope}, nameWhy: UnknownNoScope, wantUsers: 25, wantPpl: 1},
		{name: "org 403: approver not an admin", srv: identifyServer{users: 25, org: answer(403, forbiddenBody)}, appScopes: both,
			nameWhy: UnknownForbidden, wantUsers: 25, wantOrgReq: 1, wantPpl: 1},
		{name: "people 403", srv: identifyServer{users: 25, people: answer(403, forbiddenBody)}, appScopes: both,
			wantName: "Org One", usersWhy: UnknownForbidden, wantOrgReq: 1, wantPpl: 1},
		{name: "org 404", srv: identifyServer{users: 25, org: answer(404, `{"message":"no such org"}`)}, appScopes: both,
			nameWhy: UnknownFailed, wantUsers: 25, wantOrgReq: 1, wantPpl: 1},
		{name: "org without a name", srv: identifyServer{users: 25, org: answer(200, `{"id":"o1","displayName":"\x1b[2J"}`)}, appScopes: both,
			nameWhy: UnknownFailed, wantUsers: 25, wantOrgReq: 1, wantPpl: 1},
		{name: "people/me 403", srv: identifyServer{me: answer(403, forbiddenBody)}, appScopes: both, wantErr: ErrForbidden},
		{name: "people/me 401", srv: identifyServer{me: answer(401, `{"message":"invalid token"}`)}, appScopes: both, wantErr: ErrForbidden},
		{name: "1,500 users, max clamped to 100", srv: identifyServer{users: 1500, pageMax: 100}, appScopes: both,
			wantName: "Org One", wantUsers: UserCountLimit + 1, wantOrgReq: 1, wantPpl: 11},
		{name: "250 users, max clamped to 100", srv: identifyServer{users: 250, pageMax: 100}, appScopes: both,
			wantName: "Org One", wantUsers: 250, wantOrgReq: 1, wantPpl: 3},
		{name: "exactly 1,000 users", srv: identifyServer{users: 1000, pageMax: 100}, appScopes: both,
			wantName: "Org One", wantUsers: 1000, wantOrgReq: 1, wantPpl: 10},
	} {
		for _, split := range []bool{false, true} {
			name := tc.name
			if split {
				name += "/Approver then OrgFacts"
			}
			t.Run(name, func(t *testing.T) {
				srv := tc.srv
				c := srv.start(t)
				app := testApp()
				app.Scopes = tc.appScopes
				g := Grant{AccessToken: store.NewSecret("tok-FAKE-1"), Scopes: tc.granted}
				identify := c.Identify
				if split {
					identify = func(ctx context.Context, app App, g Grant, onRetry func(RetryEvent)) (Identity, error) {
						id, err := c.Approver(ctx, app, g, onRetry)
						if err != nil {
							return id, err
						}
						if n := len(srv.requests); n != 1 {
							t.Errorf("Approver sent %d requests, want only people/me: %v", n, srv.requests)
						}
						facts, err := c.OrgFacts(ctx, app, g, id.OrgID, onRetry)
						if facts.OrgID != id.OrgID {
							t.Errorf("OrgFacts OrgID %q, want %q", facts.OrgID, id.OrgID)
						}
						id.OrgName, id.OrgNameUnknown, id.OrgNameErr = facts.OrgName, facts.OrgNameUnknown, facts.OrgNameErr
						id.OrgUsers, id.OrgUsersCounted, id.OrgUsersUnknown, id.OrgUsersErr = facts.OrgUsers, facts.OrgUsersCounted, facts.OrgUsersUnknown, facts.OrgUsersErr
						return id, err
					}
				}
				id, err := identify(context.Background(), app, g, nil)
				if tc.wantErr != nil {
					var we *WebexError
					if !errors.Is(err, tc.wantErr) || !errors.As(err, &we) {
						t.Fatalf("Identify: %v, want %v with a *WebexError", err, tc.wantErr)
					}
					if srv.count("/v1/organizations/")+srv.count("/v1/people?") != 0 {
						t.Errorf("asked more after people/me failed: %v", srv.requests)
					}
					return
				}
				if err != nil {
					t.Fatalf("Identify: %v", err)
				}
				if id.OrgID != "o1" || !id.FullAdmin || id.OrgName != tc.wantName {
					t.Errorf("Identity = %+v, want org %q", id, tc.wantName)
				}
				if id.OrgNameUnknown != tc.nameWhy || id.OrgUsersUnknown != tc.usersWhy {
					t.Errorf("unknown: name %v (%v), users %v (%v); want %v, %v",
						id.OrgNameUnknown, id.OrgNameErr, id.OrgUsersUnknown, id.OrgUsersErr, tc.nameWhy, tc.usersWhy)
				}
				for _, f := range []struct {
					why Unknown
					err error
				}{{id.OrgNameUnknown, id.OrgNameErr}, {id.OrgUsersUnknown, id.OrgUsersErr}} {
					switch {
					case (f.why == UnknownForbidden || f.why == UnknownFailed) != (f.err != nil):
						t.Errorf("reason %v with error %v", f.why, f.err)
					case errors.Is(f.err, ErrForbidden) != (f.why == UnknownForbidden):
						t.Errorf("reason %v: errors.Is(%v, ErrForbidden) = %v", f.why, f.err, !(f.why == UnknownForbidden))
					}
				}
				if counted := tc.usersWhy == Known; id.OrgUsersCounted != counted || id.OrgUsers != tc.wantUsers {
					t.Errorf("users %d (counted %v), want %d", id.OrgUsers, id.OrgUsersCounted, tc.wantUsers)
				}
				if n := srv.count("/v1/organizations/"); n != tc.wantOrgReq {
					t.Errorf("%d org requests, want %d", n, tc.wantOrgReq)
				}
				if n := srv.count("/v1/people?"); n != tc.wantPpl {
					t.Errorf("%d /v1/people pages, want %d: %v", n, tc.wantPpl, srv.requests)
				}
			})
		}
	}
}

// TestOrgFactsCanceled: OrgFacts returns the context's error when the
// caller gives up while counting (a prefetch dropped on quit), and needs
// an org ID.
func TestOrgFactsCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := identifyServer{people: func(w http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	}}
	c := srv.start(t)
	g := Grant{AccessToken: store.NewSecret("tok-FAKE-1")}
	if _, err := c.OrgFacts(ctx, testApp(), g, "o1", nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("OrgFacts: %v, want context.Canceled", err)
	}
	if _, err := c.OrgFacts(context.Background(), testApp(), g, "", nil); err == nil {
		t.Error("OrgFacts without an org ID: nil error")
	}
	if _, err := c.OrgFacts(context.Background(), testApp(), Grant{}, "o1", nil); err == nil {
		t.Error("OrgFacts without a token: nil error")
	}
}

// TestIdentifyCanceledWhileCounting returns the context's error, not an
// Identity with an unknown count, when the caller gives up.
func TestIdentifyCanceledWhileCounting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := identifyServer{people: func(w http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	}}
	c := srv.start(t)
	_, err := c.Identify(ctx, testApp(), Grant{AccessToken: store.NewSecret("tok-FAKE-1")}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Identify: %v, want context.Canceled", err)
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
			id, err := c.Identify(context.Background(), testApp(), Grant{AccessToken: store.NewSecret("tok-FAKE-1")}, nil)
			if err != nil {
				t.Fatalf("Identify: %v, want the count unknown, not a failed check", err)
			}
			if id.OrgUsersUnknown != UnknownFailed || id.OrgUsersErr == nil || !strings.Contains(id.OrgUsersErr.Error(), tc.want) {
				t.Fatalf("users unknown %v (%v), want failed ...%s...", id.OrgUsersUnknown, id.OrgUsersErr, tc.want)
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
	id, err := e.client.Identify(context.Background(), e.app, g, nil)
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
