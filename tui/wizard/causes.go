package wizard

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/imagicle/ucx-onboard/flows"
)

// What Webex's refusal of a read means depends on the answer, on the
// scopes the token holds and on where the token comes from. Causes is
// that table, as data: both front-ends, the review and the bundle word
// every refused read from it (docs: README, "Who approved").

// Read is what the wizard asked Webex with an app's token.
type Read int

// The reads of an approval.
const (
	ReadApprover Read = iota // GET /v1/people/me: who approved
	ReadOrgName              // GET /v1/organizations/{id}: the org's name
	ReadOrgUsers             // GET /v1/people: the org's size
)

// Answer is the kind of Webex's answer to a read that failed.
type Answer int

// The kinds of failed answers.
const (
	AnswerForbidden    Answer = iota // 403
	AnswerUnauthorized               // 401
	AnswerNoAnswer                   // no answer (network, timeout, unreadable) or Webex busy (408, 429, 5xx) after the retries
	AnswerOther                      // any other error answer (404, 400...)
)

// Hold is which of the scopes that may allow a read the token holds.
type Hold int

// What the token holds, for a read.
const (
	// HoldAny: the row applies whatever the token holds.
	HoldAny Hold = iota
	// HoldNone: none of the scopes that may allow the read.
	HoldNone
	// HoldAdminPeople (people/me only): spark-admin:people_read, but not
	// spark:people_read, the scope Webex documents for people reads.
	// Whether the admin scope is enough is undocumented.
	HoldAdminPeople
	// HoldDocumented: the scope Webex documents for the read
	// (spark:people_read for people/me; the admin scope for the org's
	// name and size).
	HoldDocumented
)

// From is where the token comes from.
type From int

// Where a token comes from.
const (
	FromAny     From = iota // the row applies to both
	FromFresh               // Webex issued it in this run
	FromResumed             // kept in a resumed draft
)

// Cause is one row of the table: a failed read, what the token held and
// where it came from, and what it means.
type Cause struct {
	Read   Read
	Answer Answer
	Hold   Hold
	From   From

	// Limit: a known limit of this app's token, not a fault. The
	// approval stands and nothing is asked of the engineer: the fact is
	// "not identified" / "unknown", and the review and the bundle say
	// Short.
	Limit bool
	// Retry: asking again may help (a network problem): the approval
	// screen offers i.
	Retry bool
	// Title heads the approval screen; Text says the cause in full
	// (approval screen, accessible mode); Short is the cause in the
	// review's and the bundle's words ("" for a failure worded by its
	// own error: what the network said).
	Title, Text, Short string
}

// Causes is the table of failed reads, first matching row wins. A 401 is
// never "not an admin": it says the token is no longer valid.
var Causes = []Cause{
	{Read: ReadApprover, Answer: AnswerForbidden, Hold: HoldNone, Limit: true,
		Title: "Approver not identified: this app's token may not read people",
		Text: "Webex answered 403 to /people/me: this app's token holds no people scope, and Webex may require one " +
			"(spark:people_read) to say who a token belongs to. A known limit of this app's token, not a fault: " +
			"the approval stands.",
		Short: "this app's token may not read people (it holds no people scope; Webex answered 403 to /people/me)"},
	{Read: ReadApprover, Answer: AnswerForbidden, Hold: HoldAdminPeople, Limit: true,
		Title: "Approver not identified: this app's token may not read people",
		Text: "Webex answered 403 to /people/me: this app's token holds spark-admin:people_read, but Webex documents " +
			"spark:people_read for reading people, and the admin scope is evidently not enough. A known limit of this " +
			"app's token, not a fault: the approval stands.",
		Short: "this app's token may not read people (it holds spark-admin:people_read, not spark:people_read; Webex answered 403 to /people/me)"},
	{Read: ReadApprover, Answer: AnswerForbidden, Hold: HoldDocumented,
		Title: "Webex refused to say who approved",
		Text: "Webex answered 403 to /people/me although this app's token holds spark:people_read: the token was " +
			"refused this read. The approving account may lack a Webex license, or the organization restricts " +
			"what this integration may read. Not a network problem.",
		Short: "Webex refused this read although the token holds spark:people_read (HTTP 403)"},
	{Read: ReadApprover, Answer: AnswerUnauthorized, From: FromResumed,
		Title: "The token kept in the draft is no longer valid",
		Text: "Webex answered 401: it no longer accepts the token the draft kept: it was revoked, it expired, or " +
			"the approving user was deactivated (or lost Full Admin, or changed password) since. This says nothing " +
			"of the approver's role. Authorizing again gets a valid token.",
		Short: "the token is no longer valid (HTTP 401: revoked, expired, or its user deactivated)"},
	{Read: ReadApprover, Answer: AnswerUnauthorized,
		Title: "Webex no longer accepts the token",
		Text: "Webex answered 401 to the token it just issued: it was revoked meanwhile, or the approving user " +
			"was deactivated. This says nothing of the approver's role. Authorizing again gets a valid token.",
		Short: "the token is no longer valid (HTTP 401: revoked, expired, or its user deactivated)"},
	{Read: ReadApprover, Answer: AnswerNoAnswer, Retry: true,
		Title: "Could not check who approved",
		Text:  "Webex could not be reached, or was busy: a network problem. Trying again may help."},
	{Read: ReadApprover, Answer: AnswerOther, Retry: true,
		Title: "Could not check who approved",
		Text:  "Webex refused the check with an answer the wizard does not expect."},

	{Read: ReadOrgName, Answer: AnswerForbidden, Hold: HoldDocumented,
		Short: "Webex refused it (HTTP 403) although the token holds " + flows.OrganizationsReadScope +
			": the approver may not be an admin of the organization (an admin scope gives a non-admin nothing)"},
	{Read: ReadOrgUsers, Answer: AnswerForbidden, Hold: HoldDocumented,
		Short: "Webex refused it (HTTP 403) although the token holds " + flows.PeopleReadScope +
			": the approver may not be an admin of the organization (an admin scope gives a non-admin nothing)"},
	{Read: ReadOrgName, Answer: AnswerUnauthorized,
		Short: "the token is no longer valid (HTTP 401: revoked, expired, or its user deactivated)"},
	{Read: ReadOrgUsers, Answer: AnswerUnauthorized,
		Short: "the token is no longer valid (HTTP 401: revoked, expired, or its user deactivated)"},
}

// UserPeopleReadScope is the scope Webex documents for reading people
// ("Searching and viewing People requires ... spark:people_read").
const UserPeopleReadScope = "spark:people_read"

// CauseOf finds the row of Causes for read's failure err, with a token
// holding scopes (the granted ones, or the app's when Webex did not say),
// resumed when it comes from a draft. ok is false when err is nil, the
// context's, or no row matches; the caller then words err itself.
func CauseOf(read Read, err error, scopes []string, resumed bool) (Cause, bool) {
	if err == nil || errors.Is(err, context.Canceled) {
		return Cause{}, false
	}
	ans := answerOf(err)
	hold := holdOf(read, scopes)
	from := FromFresh
	if resumed {
		from = FromResumed
	}
	for _, c := range Causes {
		if c.Read == read && c.Answer == ans && (c.Hold == HoldAny || c.Hold == hold) && (c.From == FromAny || c.From == from) {
			return c, true
		}
	}
	return Cause{}, false
}

// answerOf classifies a failed read.
func answerOf(err error) Answer {
	var we *flows.WebexError
	switch {
	case errors.As(err, &we) && we.Status == http.StatusForbidden:
		return AnswerForbidden
	case errors.As(err, &we) && we.Status == http.StatusUnauthorized:
		return AnswerUnauthorized
	case errors.As(err, &we) && (we.Status == http.StatusTooManyRequests || we.Status == http.StatusRequestTimeout || we.Status >= 500):
		return AnswerNoAnswer
	case errors.As(err, &we):
		return AnswerOther
	}
	// No answer from Webex at all (network, timeout; a malformed answer
	// is rare enough to be retried too).
	return AnswerNoAnswer
}

// holdOf is what a token holding scopes holds for read.
func holdOf(read Read, scopes []string) Hold {
	switch read {
	case ReadApprover:
		switch {
		case slices.Contains(scopes, UserPeopleReadScope):
			return HoldDocumented
		case slices.Contains(scopes, flows.PeopleReadScope):
			return HoldAdminPeople
		}
		return HoldNone
	case ReadOrgName:
		if slices.Contains(scopes, flows.OrganizationsReadScope) {
			return HoldDocumented
		}
	case ReadOrgUsers:
		if slices.Contains(scopes, flows.PeopleReadScope) {
			return HoldDocumented
		}
	}
	return HoldNone
}
