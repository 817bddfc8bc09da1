package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// FullAdminRoleID is the Webex role ID of a Full Administrator, as listed
// in a person's roles (base64 of "ciscospark://us/ROLE/id_full_admin").
const FullAdminRoleID = "Y2lzY29zcGFyazovL3VzL1JPTEUvaWRfZnVsbF9hZG1pbg"

// PeopleReadScope is the scope that lets Identify count the org's users.
const PeopleReadScope = "spark-admin:people_read"

// OrganizationsReadScope is the scope that lets Identify read the org's
// name (GET /v1/organizations/{orgId}).
const OrganizationsReadScope = "spark-admin:organizations_read"

// ErrForbidden: Webex answered 401 or 403 to a call of Identify. A 403:
// the token may not read what was asked (a scope the integration lacks,
// e.g. /people/me may need spark:people_read; or admin scopes of an
// approver who is not an admin of the org). A 401: the token is not, or no
// longer, valid (revoked, expired, its user deactivated): it says nothing
// of the user's role. The *WebexError it wraps has the status; the
// wizard's wording of each case is tui/wizard's Causes. A permission
// outcome, not a network problem: asking again will not help.
// Identify returns it (wrapped, with the *WebexError) when GET
// /v1/people/me is refused; a refused organization name or user count
// only leaves that fact unknown (Identity.OrgNameErr, OrgUsersErr wrap it).
var ErrForbidden = errors.New("flows: not allowed by Webex")

// UserCountLimit is the org size above which the presence integration must
// not be enabled (a Cisco API limitation). Identify stops counting at
// UserCountLimit+1.
const UserCountLimit = 1000

// Paging limits of the user count.
const (
	peoplePageSize = 1000 // asked for; Webex may clamp it (to 100), so counting 1,001 users may take 11 pages
	maxPeoplePages = 50   // a server that keeps sending tiny pages stops here
)

// Identify finds out who approved a grant, asking each question only with
// a token allowed to answer it: Approver, then OrgFacts for the
// approver's org. It is the two calls in sequence, for callers that need
// everything at once; the wizard asks Approver on the critical path and
// OrgFacts once per org in the background.
//
//   - GET /v1/people/me (any token): id, emails, display name, org, Full
//     Administrator role. Its failure is Identify's error.
//   - GET /v1/organizations/{orgId}, the org's display name, only when the
//     grant's scopes (the app's when Webex did not say) include
//     spark-admin:organizations_read;
//   - the number of users in the org, only with spark-admin:people_read
//     (GET /v1/people, following Link rel="next" only on the base URL's
//     host, page after page, stopping at 1,001).
//
// The name and the count are never a failed check: when one cannot be
// learned, Identify still returns a nil error and the Identity says why
// (OrgNameUnknown, OrgUsersUnknown, with the failure in OrgNameErr,
// OrgUsersErr). The caller may take the name or count from another app's
// Identity with the same OrgID.
//
// Each GET is sent again after a transient failure (no answer: timeout,
// connection reset, DNS failure; 408, 423, 429 or 5xx; a 200 cut short), as
// Start does: waiting 1 s, 2 s, 4 s... or Retry-After if longer. One
// RetryBudget bounds all the retries of a call; each retry is reported to
// onRetry (nil: no reports), as Start does. Final answers (401, 403, 404...) are not retried.
//
// On error the Identity holds what was learned before it; the error wraps
// ErrForbidden and a *WebexError for a 401 or 403 of /v1/people/me, a
// *WebexError for another error answer (including the last 429 or 5xx when
// the budget ran out: the text then says "gave up after N attempts"),
// ErrUnreachable for no answer, or the context's error (as soon as ctx is
// done, even between retries, and also while reading the name or count).
// All strings are sanitized; the bearer token is never in an error, even
// when Webex echoes it.
func (c *Client) Identify(ctx context.Context, app App, g Grant, onRetry func(RetryEvent)) (Identity, error) {
	prefix := "flows: " + app.ID + ": identify"
	if g.AccessToken.IsZero() {
		return Identity{}, newError(prefix, errors.New("grant has no access token"))
	}
	rt := c.newRetrier(opIdentify, app.ID, g.AccessToken.Reveal(), g.RefreshToken.Reveal())
	rt.onRetry = onRetry
	id, err := c.approver(ctx, rt, prefix, g)
	if err != nil {
		return id, err
	}
	facts, err := c.orgFacts(ctx, rt, prefix, app, g, id.OrgID)
	id.OrgName, id.OrgNameUnknown, id.OrgNameErr = facts.OrgName, facts.OrgNameUnknown, facts.OrgNameErr
	id.OrgUsers, id.OrgUsersCounted = facts.OrgUsers, facts.OrgUsersCounted
	id.OrgUsersUnknown, id.OrgUsersErr = facts.OrgUsersUnknown, facts.OrgUsersErr
	return id, err
}

// Approver asks Webex who approved a grant (GET /v1/people/me, any
// token): the one question that decides whether the wizard warns, and so
// the only one on the path to the next app. The Identity has the person,
// the org's ID and the Full Administrator role; its org name and user
// count are left for OrgFacts (OrgNameUnknown and OrgUsersUnknown are
// Known, the zero value: nothing was asked). Retries, the error contract
// (ErrForbidden for a 401 or 403) and sanitizing are Identify's.
func (c *Client) Approver(ctx context.Context, app App, g Grant, onRetry func(RetryEvent)) (Identity, error) {
	prefix := "flows: " + app.ID + ": identify"
	if g.AccessToken.IsZero() {
		return Identity{}, newError(prefix, errors.New("grant has no access token"))
	}
	rt := c.newRetrier(opIdentify, app.ID, g.AccessToken.Reveal(), g.RefreshToken.Reveal())
	rt.onRetry = onRetry
	return c.approver(ctx, rt, prefix, g)
}

// OrgFacts reads the name (with spark-admin:organizations_read) and the
// user count (with spark-admin:people_read, up to 1,001, page after page)
// of org orgID with app's grant g, each only when the grant's scopes (the
// app's when Webex did not say) hold the scope. Only the OrgName* and
// OrgUsers* fields of the Identity are set (OrgID too). A fact that cannot
// be learned is no error: the Identity says why (UnknownNoScope,
// UnknownForbidden with an OrgNameErr or OrgUsersErr wrapping
// ErrForbidden, UnknownFailed), as Identify's. The error is only the
// context's (wrapped), or a grant without an access token. Retries are
// Identify's, reported to onRetry.
func (c *Client) OrgFacts(ctx context.Context, app App, g Grant, orgID string, onRetry func(RetryEvent)) (Identity, error) {
	prefix := "flows: " + app.ID + ": identify"
	if g.AccessToken.IsZero() {
		return Identity{}, newError(prefix, errors.New("grant has no access token"))
	}
	if orgID == "" {
		return Identity{}, newError(prefix, errors.New("no organization ID"))
	}
	rt := c.newRetrier(opIdentify, app.ID, g.AccessToken.Reveal(), g.RefreshToken.Reveal())
	rt.onRetry = onRetry
	return c.orgFacts(ctx, rt, prefix, app, g, orgID)
}

// approver is GET /v1/people/me.
func (c *Client) approver(ctx context.Context, rt *retrier, prefix string, g Grant) (Identity, error) {
	var id Identity
	var me struct {
		ID          string   `json:"id"`
		Emails      []string `json:"emails"`
		DisplayName string   `json:"displayName"`
		OrgID       string   `json:"orgId"`
		Roles       []string `json:"roles"`
	}
	if _, err := c.getJSON(ctx, rt, g, c.endpoint("/v1/people/me"), &me); err != nil {
		return id, identifyError(prefix+": people/me", err)
	}
	id.PersonID = clip(me.ID, maxIDLen)
	for _, e := range me.Emails {
		if len(id.Emails) < 10 {
			id.Emails = append(id.Emails, clip(e, maxIDLen))
		}
	}
	id.DisplayName = clip(me.DisplayName, maxIDLen)
	id.OrgID = clip(me.OrgID, maxIDLen)
	id.FullAdmin = slices.Contains(me.Roles, FullAdminRoleID)
	if id.OrgID == "" || id.OrgID != me.OrgID {
		return id, newError(prefix+": people/me", errors.New("answer has no usable orgId"))
	}
	return id, nil
}

// orgFacts reads org orgID's name and user count, each with its scope.
func (c *Client) orgFacts(ctx context.Context, rt *retrier, prefix string, app App, g Grant, orgID string) (Identity, error) {
	id := Identity{OrgID: clip(orgID, maxIDLen)}
	scopes := g.Scopes
	if len(scopes) == 0 {
		scopes = app.Scopes
	}
	if !slices.Contains(scopes, OrganizationsReadScope) {
		id.OrgNameUnknown = UnknownNoScope
	} else {
		var org struct {
			DisplayName string `json:"displayName"`
		}
		_, err := c.getJSON(ctx, rt, g, c.endpoint("/v1/organizations/"+url.PathEscape(orgID)), &org)
		if err == nil && Sanitize(org.DisplayName) == "" {
			err = errors.New("answer has no displayName")
		}
		if err != nil {
			if ctx.Err() != nil {
				return id, newError(prefix+": organization", err)
			}
			id.OrgNameUnknown, id.OrgNameErr = unknownOf(prefix+": organization", err)
		} else {
			id.OrgName = clip(org.DisplayName, maxIDLen)
		}
	}

	if !slices.Contains(scopes, PeopleReadScope) {
		id.OrgUsersUnknown = UnknownNoScope
		return id, nil
	}
	n, err := c.countPeople(ctx, rt, g)
	if err != nil {
		if ctx.Err() != nil {
			return id, newError(prefix+": count users", err)
		}
		id.OrgUsersUnknown, id.OrgUsersErr = unknownOf(prefix+": count users", err)
		return id, nil
	}
	id.OrgUsers, id.OrgUsersCounted = n, true
	return id, nil
}

// forbidden tells a 401 or 403 answer.
func forbidden(err error) bool {
	var we *WebexError
	return errors.As(err, &we) && (we.Status == http.StatusUnauthorized || we.Status == http.StatusForbidden)
}

// identifyError wraps err of an Identify call, with ErrForbidden for a
// 401 or 403.
func identifyError(prefix string, err error) error {
	if forbidden(err) {
		return newError(prefix, ErrForbidden, err)
	}
	return newError(prefix, err)
}

// unknownOf classifies the failure err of reading the org's name or count.
func unknownOf(prefix string, err error) (Unknown, error) {
	if forbidden(err) {
		return UnknownForbidden, identifyError(prefix, err)
	}
	return UnknownFailed, newError(prefix, err)
}

// countPeople counts the org's users up to UserCountLimit+1.
func (c *Client) countPeople(ctx context.Context, rt *retrier, g Grant) (int, error) {
	next := c.endpoint(fmt.Sprintf("/v1/people?max=%d", peoplePageSize))
	n := 0
	for page := 0; next != "" && n <= UserCountLimit; page++ {
		if page == maxPeoplePages {
			return n, errors.New("too many pages")
		}
		var list struct {
			Items []json.RawMessage `json:"items"`
		}
		h, err := c.getJSON(ctx, rt, g, next, &list)
		if err != nil {
			return n, err
		}
		n += len(list.Items)
		if len(list.Items) == 0 {
			break
		}
		next, err = c.nextLink(h, next)
		if err != nil {
			return n, err
		}
	}
	return min(n, UserCountLimit+1), nil
}

// nextLink returns the rel="next" target of a Link header, resolved
// against the current page. The bearer token is only ever sent to the
// base URL's scheme and host: another target is an error.
func (c *Client) nextLink(h http.Header, current string) (string, error) {
	for _, v := range h.Values("Link") {
		for _, part := range splitLinks(v) {
			target, params, ok := strings.Cut(part, ";")
			target = strings.TrimSpace(target)
			if !ok || !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				continue
			}
			if !hasRelNext(params) {
				continue
			}
			base, err := url.Parse(current)
			if err != nil {
				return "", errors.New("malformed page URL")
			}
			u, err := base.Parse(target[1 : len(target)-1])
			if err != nil {
				return "", errors.New("malformed Link header")
			}
			if u.Scheme != c.base.Scheme || u.Host != c.base.Host {
				//lint:ignore ST1005 "Link" is the HTTP header's name
				return "", fmt.Errorf("Link rel=next points to another host (%s)", Sanitize(u.Host))
			}
			return u.String(), nil
		}
	}
	return "", nil
}

// splitLinks splits a Link header value at the commas between links
// (commas inside <...> belong to the URL).
func splitLinks(v string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '<':
			depth++
		case '>':
			if depth > 0 {
				depth--
			}
		case ',':
			if depth == 0 {
				parts = append(parts, v[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, v[start:])
}

func hasRelNext(params string) bool {
	for _, p := range strings.Split(params, ";") {
		k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
			continue
		}
		for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(val), `"`)) {
			if strings.EqualFold(rel, "next") {
				return true
			}
		}
	}
	return false
}

// getJSON GETs u with the grant's bearer token, through rt's retries, and
// decodes a 2xx JSON answer into v.
func (c *Client) getJSON(ctx context.Context, rt *retrier, g Grant, u string, v any) (http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+g.AccessToken.Reveal())
	r, err := rt.do(ctx, func(ctx context.Context) (*response, error) {
		return c.do(req.Clone(ctx))
	})
	switch {
	case err != nil:
		return nil, err
	case r.status < 200 || r.status > 299:
		return nil, parseWebexError(r.status, r.header, r.body, rt.secrets...)
	case r.readErr != nil:
		return nil, fmt.Errorf("reading the answer: %s", describeNetErr(r.readErr))
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		return nil, fmt.Errorf("malformed answer: %s", jsonErr(err))
	}
	return r.header, nil
}
