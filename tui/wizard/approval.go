package wizard

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// MaxAutoRenew bounds the fresh codes asked for automatically in a row,
// after codes that expired or were spent unused; then the engineer
// decides (a fresh code on demand, or skip).
const MaxAutoRenew = 5

// Next is what a front-end does after an event of an approval.
type Next int

// What comes after an event of an approval (Approval.AfterWait,
// Approval.AfterIdentify).
const (
	Stay      Next = iota // nothing: the wait was canceled (the app was left)
	Renew                 // ask for a fresh code (Approval.Expired says why)
	Identify              // approved: check who approved (keep it first)
	Fail                  // final error (Approval.Err): try again or skip
	Denied                // access denied (Approval.Err): allow it in Control Hub, or skip
	Warn                  // approved, with warnings to accept, authorize again, or skip
	Unchecked             // approved, but the check failed: retry, accept unchecked, authorize again, or skip
	Finish                // authorized: record the outcome
)

// Approval is the state of one app's authorization that decides what
// comes next; a front-end shows it.
type Approval struct {
	App        flows.App
	AdminEmail string    // of the customer data ("" when unknown)
	Prior      store.Org // the org of the apps approved before (KnownOrg)

	// Renewals counts fresh codes asked for automatically in a row;
	// Expiries the codes that expired unused in a row (a fresh code's
	// screen says so).
	Renewals, Expiries int
	// Expired: the last renewal follows an expiry (not a spent code).
	Expired bool

	Grant    flows.Grant // tokens: never rendered
	Identity flows.Identity
	Warnings []string // what is wrong with who approved, without the app's name
	Err      error    // the final error (Fail, Denied), or why the check failed (Unchecked)
	// Cause is the row of Causes that words a failed check of who
	// approved (Unchecked, or a known limit: see NotIdentified); zero
	// when none matched or the check did not fail.
	Cause Cause
	// NotIdentified, when not "", is why the approver is not identified
	// although the approval stands (a known limit of the app's token,
	// Cause.Limit): nothing is asked of the engineer, and the review and
	// the bundle say it (store.Approver.NotIdentified).
	NotIdentified string
	// FromDraft: the grant comes from a resumed draft (Resumed): a 401 is
	// worded as a token kept too long.
	FromDraft bool
}

// AfterWait says what the end of a wait for the current code means: err
// is Wait's error (nil: approved, g is the grant). A code that expired or
// was spent brings a fresh one, at most MaxAutoRenew times in a row; a
// token limit is final (a fresh code gets no token either).
func (a *Approval) AfterWait(g flows.Grant, err error) Next {
	switch {
	case err == nil:
		a.Grant, a.Renewals, a.FromDraft = g, 0, false
		a.Identity, a.Warnings, a.Err, a.Cause, a.NotIdentified = flows.Identity{}, nil, nil, Cause{}, ""
		return Identify
	case errors.Is(err, context.Canceled):
		return Stay
	case errors.Is(err, flows.ErrTokenLimit):
		a.Err = err
		return Fail
	case errors.Is(err, flows.ErrExpired), errors.Is(err, flows.ErrCodeSpent):
		if a.Renewals >= MaxAutoRenew {
			a.Err = err
			return Fail
		}
		a.Expired = errors.Is(err, flows.ErrExpired)
		if a.Expired {
			a.Expiries++
		}
		a.Renewals++
		return Renew
	case errors.Is(err, flows.ErrDenied):
		a.Err = err
		return Denied
	}
	a.Err = err
	return Fail
}

// Again resets the renewal count: the engineer asked for a fresh code
// (and rejects the approval, if any).
func (a *Approval) Again() {
	a.Renewals, a.Expiries, a.Expired = 0, 0, false
	a.Grant, a.Identity, a.Warnings, a.Err = flows.Grant{}, flows.Identity{}, nil, nil
	a.Cause, a.NotIdentified, a.FromDraft = Cause{}, "", false
}

// AfterIdentify says what Identify's answer means: no warnings, the app is
// authorized; warnings (not a Full Admin, not the admin of the customer
// data, another org than the apps before), the engineer decides; an error
// that is a known limit of the app's token (Causes: a 403 to a token
// without spark:people_read), the app is authorized with its approver
// not identified (NotIdentified), nothing asked; another error, the
// engineer may retry, accept the approval unchecked, authorize again or
// skip (Cause words it, when a row of Causes matches).
func (a *Approval) AfterIdentify(id flows.Identity, err error) Next {
	a.Cause, a.NotIdentified = Cause{}, ""
	if err != nil {
		c, ok := CauseOf(ReadApprover, err, a.scopes(), a.FromDraft)
		a.Identity, a.Cause = flows.Identity{}, c
		if ok && c.Limit {
			a.Err, a.Warnings, a.NotIdentified = nil, nil, c.Short
			return Finish
		}
		a.Err = err
		why := strings.TrimSuffix(ErrorText(err), ".")
		if ok && c.Short != "" {
			why = c.Short
			if we := (*flows.WebexError)(nil); errors.As(err, &we) && we.TrackingID != "" {
				why += "; trackingId " + flows.Sanitize(we.TrackingID)
			}
		}
		a.Warnings = []string{"Could not tell who approved (" + why + ")."}
		return Unchecked
	}
	a.Identity, a.Err = WithPrior(id, a.Prior), nil
	a.Warnings = ApproverWarnings(a.Identity, a.AdminEmail, a.Prior.ID)
	if len(a.Warnings) == 0 {
		return Finish
	}
	return Warn
}

// Resumed takes up an approval of a resumed draft (r.Pending) without a
// new code: Identify when its approver was never checked, Warn with its
// warnings when they were never accepted.
func (a *Approval) Resumed(r Result) Next {
	a.Grant, a.FromDraft = GrantOf(r.Grant), true
	if r.Unchecked {
		return Identify
	}
	a.Identity = IdentityOf(r.Grant.Approver, r.Org)
	a.Warnings = r.BareWarnings()
	return Warn
}

// Result is the app's outcome with status: for Authorized, the grant, the
// approver, the org and the warnings (with the app's name); for Failed,
// reason (the short words of the review and the bundle).
func (a *Approval) Result(status Status, reason string) Result {
	res := Result{App: a.App, Status: status}
	switch status {
	case Authorized:
		res.Grant = AppGrant(a.App, a.Grant, a.Identity, a.AdminEmail)
		res.Grant.Approver.NotIdentified = a.NotIdentified
		res.Org = OrgOf(a.Identity)
		res.NameWhy = UnknownWhy(a.Identity.OrgNameUnknown, a.Identity.OrgNameErr, flows.OrganizationsReadScope)
		res.UsersWhy = UnknownWhy(a.Identity.OrgUsersUnknown, a.Identity.OrgUsersErr, flows.PeopleReadScope)
		for _, w := range a.Warnings {
			res.Warnings = append(res.Warnings, a.App.Name+": "+w)
		}
	case Failed:
		res.Reason = reason
	}
	return res
}

// ApproverWarnings says what is wrong with who approved: not a Full Admin,
// not the admin of the form (any of their emails, case-insensitive), or
// another org than the apps before (compared by ID, whether or not either
// name is known).
func ApproverWarnings(id flows.Identity, adminEmail, orgID string) []string {
	clean := flows.Sanitize
	who := clean(id.DisplayName)
	emails := clean(strings.Join(id.Emails, ", "))
	if who == "" {
		who = emails
	}
	if who == "" {
		who = "The approver"
	}
	var w []string
	if !id.FullAdmin {
		w = append(w, who+" is not a Full Administrator of the Webex organization; UCX Suite needs a Full Admin's authorization.")
	}
	if adminEmail != "" {
		match := false
		for _, e := range id.Emails {
			match = match || strings.EqualFold(strings.TrimSpace(e), adminEmail)
		}
		if !match {
			w = append(w, fmt.Sprintf("%s (%s) is not the admin named in the customer data (%s).", who, emails, adminEmail))
		}
	}
	if orgID != "" && id.OrgID != "" && id.OrgID != orgID {
		name := clean(id.OrgName)
		if name == "" {
			name = "another organization"
		}
		w = append(w, fmt.Sprintf("%s belongs to %s (%s), not the organization of the apps approved before (%s).", who, name, clean(id.OrgID), orgID))
	}
	return w
}

// WithPrior completes id with what the apps approved before learned of the
// same org (prior): the name and user count this app's token may not read.
// The org is matched by ID only.
func WithPrior(id flows.Identity, prior store.Org) flows.Identity {
	if id.OrgID == "" || id.OrgID != prior.ID {
		return id
	}
	if id.OrgName == "" && prior.Name != "" {
		id.OrgName, id.OrgNameUnknown, id.OrgNameErr = prior.Name, flows.Known, nil
	}
	if !id.OrgUsersCounted && prior.UserCount > 0 {
		id.OrgUsers, id.OrgUsersCounted, id.OrgUsersUnknown, id.OrgUsersErr = prior.UserCount, true, flows.Known, nil
	}
	return id
}

// OrgOf is what an approval tells of the org, for the review and the draft.
func OrgOf(id flows.Identity) store.Org {
	o := store.Org{ID: flows.Sanitize(id.OrgID), Name: flows.Sanitize(id.OrgName)}
	if id.OrgUsersCounted {
		o.UserCount = id.OrgUsers
	}
	return o
}

// AppGrant copies what the bundle needs of an authorization: the approver
// is the admin of the customer data when that is one of their emails.
func AppGrant(app flows.App, g flows.Grant, id flows.Identity, adminEmail string) store.AppGrant {
	clean := flows.Sanitize
	email := ""
	for _, e := range id.Emails {
		if strings.EqualFold(e, adminEmail) {
			email = e
		}
	}
	if email == "" && len(id.Emails) > 0 {
		email = id.Emails[0]
	}
	scopes := g.Scopes
	if len(scopes) == 0 {
		scopes = app.Scopes
	}
	return store.AppGrant{
		AppID: app.ID, AppName: app.Name, ClientID: app.ClientID, Scopes: scopes,
		AccessToken: g.AccessToken, AccessTokenExpiry: g.AccessTokenExpiry,
		RefreshToken: g.RefreshToken, RefreshTokenExpiry: g.RefreshTokenExpiry,
		TokenType: g.TokenType,
		Approver: store.Approver{
			PersonID: clean(id.PersonID), Email: clean(email),
			DisplayName: clean(id.DisplayName), FullAdmin: id.FullAdmin,
		},
		ApprovedAt: g.ObtainedAt,
	}
}

// GrantOf is the flows.Grant of an approval kept in a draft.
func GrantOf(g store.AppGrant) flows.Grant {
	return flows.Grant{
		AccessToken: g.AccessToken, AccessTokenExpiry: g.AccessTokenExpiry,
		RefreshToken: g.RefreshToken, RefreshTokenExpiry: g.RefreshTokenExpiry,
		TokenType: g.TokenType, Scopes: g.Scopes, ObtainedAt: g.ApprovedAt,
	}
}

// IdentityOf is what a draft kept of who approved.
func IdentityOf(a store.Approver, org store.Org) flows.Identity {
	id := flows.Identity{PersonID: a.PersonID, DisplayName: a.DisplayName, FullAdmin: a.FullAdmin,
		OrgID: org.ID, OrgName: org.Name, OrgUsers: org.UserCount, OrgUsersCounted: org.UserCount > 0}
	if a.Email != "" {
		id.Emails = []string{a.Email}
	}
	return id
}

// scopes are the grant's scopes, or the app's when Webex did not say.
func (a *Approval) scopes() []string {
	if len(a.Grant.Scopes) > 0 {
		return a.Grant.Scopes
	}
	return a.App.Scopes
}

// UnknownWhy words why one app's Identify left a fact of the org unknown
// (why, with the failure err), scope being the scope the call needs; ""
// when the fact is known. A refusal is worded by Causes (a 401 says the
// token is no longer valid, never that the approver is not an admin).
func UnknownWhy(why flows.Unknown, err error, scope string) string {
	switch why {
	case flows.UnknownNoScope:
		return "the app's token lacks " + scope
	case flows.UnknownForbidden:
		read := ReadOrgName
		if scope == flows.PeopleReadScope {
			read = ReadOrgUsers
		}
		if c, ok := CauseOf(read, err, []string{scope}, false); ok {
			return c.Short
		}
		return "Webex refused it (" + StatusText(err) + ")"
	case flows.UnknownFailed:
		text := ""
		if err != nil {
			text = flows.Sanitize(err.Error())
		}
		return "it could not be read: " + text
	}
	return ""
}

// StatusText is "HTTP 403" for an error wrapping a *flows.WebexError,
// "refused" otherwise.
func StatusText(err error) string {
	var we *flows.WebexError
	if errors.As(err, &we) {
		return fmt.Sprintf("HTTP %d", we.Status)
	}
	return "refused"
}

// ApproverEmail is the email the engineer may make the customer's admin
// email (UseApproverEmail): the approver's first, when the approval warns
// that none of their emails is the one of the customer data; "" otherwise.
func (a *Approval) ApproverEmail() string {
	if a.AdminEmail == "" || len(a.Identity.Emails) == 0 {
		return ""
	}
	for _, e := range a.Identity.Emails {
		if strings.EqualFold(strings.TrimSpace(e), a.AdminEmail) {
			return ""
		}
	}
	return flows.Sanitize(strings.TrimSpace(a.Identity.Emails[0]))
}

// UseApproverEmail corrects the customer data instead of warning: the
// approver's email (ApproverEmail) becomes the admin email, and the
// warnings are worked out again. It returns the new email (the front-end
// stores it with Session.SetAdminEmail, so that later apps approved by the
// same person raise no warning) and what comes next: Finish when nothing
// is left to warn about, Warn otherwise. It does nothing ("", Warn) when
// there is no email to take.
func (a *Approval) UseApproverEmail() (string, Next) {
	email := a.ApproverEmail()
	if email == "" {
		return "", Warn
	}
	a.AdminEmail = email
	a.Warnings = ApproverWarnings(a.Identity, a.AdminEmail, a.Prior.ID)
	if len(a.Warnings) == 0 {
		return email, Finish
	}
	return email, Warn
}

// SetAdminEmail makes email the customer's admin email (the engineer took
// an approver's, Approval.UseApproverEmail).
func (s *Session) SetAdminEmail(email string) {
	s.Draft.Customer.AdminEmail = email
}
