package store

import "time"

// Bundle is what COMPLETE REQUEST seals for UCX Suite: the customer's data,
// the Webex organization and one AppGrant per authorized app. Its wire form
// (the JSON inside the age file) is documented in docs/bundle.md.
type Bundle struct {
	Created     time.Time
	ToolVersion string
	Customer    Customer
	Org         Org
	Apps        []AppGrant
	// Warnings are the pitfalls the wizard raised, in plain words
	// (e.g. "organization has more than 1,000 users").
	Warnings []string
}

// Customer is the data the field engineer enters in the wizard's form.
// The JSON keys are those of the --customer prefill file.
type Customer struct {
	Company    string `json:"company"`
	AdminEmail string `json:"admin_email"`
	Deployment string `json:"deployment"` // DeploymentCloud or DeploymentOnPrem
	UCXHost    string `json:"ucx_host"`
	Engineer   string `json:"engineer"`
	Notes      string `json:"notes"`
}

// Deployment kinds of UCX Suite.
const (
	DeploymentCloud  = "cloud"
	DeploymentOnPrem = "on-prem"
)

// Org is the customer's Webex organization.
type Org struct {
	ID   string
	Name string
	// UserCount is the number of users counted, 0 when unknown. Counting
	// stops at 1,001, so UserCount > 1000 means "more than 1,000".
	UserCount int
}

// AppGrant is one app's authorization: the tokens Webex issued and who
// approved them.
type AppGrant struct {
	AppID    string
	AppName  string
	ClientID string // the Webex integration ID
	Scopes   []string

	AccessToken        Secret
	AccessTokenExpiry  time.Time
	RefreshToken       Secret
	RefreshTokenExpiry time.Time // zero when Webex did not say
	TokenType          string

	Approver   Approver
	ApprovedAt time.Time
}

// Approver is the Webex user who approved a device code.
type Approver struct {
	PersonID    string
	Email       string
	DisplayName string
	FullAdmin   bool
	// NotIdentified, when not "", says why the approver is not known
	// (e.g. "this app's token may not read people (...)"): the fields
	// above are then empty and FullAdmin false. Empty when identified.
	NotIdentified string
	// Inferred, only with NotIdentified, is who probably approved: the
	// identified approver of another app of the same onboarding,
	// approved minutes apart. An inference, never checked: no Full
	// Admin, admin or org check relies on it. Nil when none.
	Inferred *InferredApprover
}

// InferredApprover is who probably approved an app whose approver is not
// identified (Approver.Inferred).
type InferredApprover struct {
	PersonID    string
	Email       string
	DisplayName string
	// FromApp is the ID of the app whose identified approver this is;
	// FromName its name, for display only (not in the bundle's JSON).
	FromApp, FromName string
	// Apart is how far apart the two approvals were.
	Apart time.Duration
}
