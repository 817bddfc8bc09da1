package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Format markers and versions of the JSON documents store seals.
const (
	BundleFormat  = "ucx-onboard-bundle"
	BundleVersion = 1
	draftFormat   = "ucx-onboard-draft"
	// draftVersion 3 keeps the sealed bundle and its receipt in
	// completed, recorded before the bundle is written (a draft without
	// them is still written as version 2, which earlier builds read).
	// Version 2 keeps approver notes per app (approvals) and a completed
	// of only bundle_path and sha256, recorded after the bundle was
	// written; version 1 kept the notes as "AppName: warning" strings
	// beside a list of undecided app IDs. Both still load.
	draftVersion = 3
)

// wireBundle is the bundle's JSON (docs/bundle.md). Tokens are plain
// strings here and only here: this type is built, marshalled and dropped
// inside sealBundle.
type wireBundle struct {
	Format      string    `json:"format"`
	Version     int       `json:"version"`
	Created     time.Time `json:"created"`
	ToolVersion string    `json:"tool_version"`
	Customer    Customer  `json:"customer"`
	Org         wireOrg   `json:"org"`
	Apps        []wireApp `json:"apps"`
	Warnings    []string  `json:"warnings"`
}

type wireOrg struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	UserCount int    `json:"user_count"`
}

type wireApp struct {
	AppID                 string       `json:"app_id"`
	Name                  string       `json:"name"`
	ClientID              string       `json:"client_id"`
	Scopes                []string     `json:"scopes"`
	AccessToken           string       `json:"access_token"`
	AccessTokenExpiresAt  time.Time    `json:"access_token_expires_at"`
	RefreshToken          string       `json:"refresh_token"`
	RefreshTokenExpiresAt time.Time    `json:"refresh_token_expires_at,omitzero"`
	TokenType             string       `json:"token_type"`
	Approver              wireApprover `json:"approver"`
	ApprovedAt            time.Time    `json:"approved_at"`
}

type wireApprover struct {
	PersonID    string `json:"person_id"`
	Email       string `json:"email"`
	DisplayName string `json:"display_name"`
	FullAdmin   bool   `json:"full_admin"`
	// Optional, absent when the approver is identified (docs/bundle.md).
	NotIdentified string        `json:"not_identified,omitempty"`
	Inferred      *wireInferred `json:"inferred,omitempty"`
}

// wireInferred is an InferredApprover.
type wireInferred struct {
	PersonID     string `json:"person_id"`
	Email        string `json:"email"`
	DisplayName  string `json:"display_name"`
	FromApp      string `json:"from_app"`
	ApartSeconds int64  `json:"apart_seconds"`
}

func toWireApprover(a Approver) wireApprover {
	w := wireApprover{PersonID: a.PersonID, Email: a.Email, DisplayName: a.DisplayName, FullAdmin: a.FullAdmin, NotIdentified: a.NotIdentified}
	if i := a.Inferred; i != nil {
		w.Inferred = &wireInferred{PersonID: i.PersonID, Email: i.Email, DisplayName: i.DisplayName, FromApp: i.FromApp,
			ApartSeconds: int64(i.Apart / time.Second)}
	}
	return w
}

func fromWireApprover(w wireApprover) Approver {
	a := Approver{PersonID: w.PersonID, Email: w.Email, DisplayName: w.DisplayName, FullAdmin: w.FullAdmin, NotIdentified: w.NotIdentified}
	if i := w.Inferred; i != nil {
		a.Inferred = &InferredApprover{PersonID: i.PersonID, Email: i.Email, DisplayName: i.DisplayName, FromApp: i.FromApp,
			Apart: time.Duration(i.ApartSeconds) * time.Second}
	}
	return a
}

// wireDraft is a draft's JSON (never leaves the state directory).
type wireDraft struct {
	Format       string    `json:"format"`
	Version      int       `json:"version"`
	ID           string    `json:"id"`
	Customer     Customer  `json:"customer"`
	SelectedApps []string  `json:"selected_apps"`
	SkippedApps  []string  `json:"skipped_apps"`
	Apps         []wireApp `json:"apps"`
	Org          wireOrg   `json:"org"`
	// Approvals (version 2) are Draft.Approvals.
	Approvals []wireApproval `json:"approvals,omitempty"`
	// Warnings and UndecidedApps are version 1's approver notes: read
	// (approvals), never written.
	Warnings      []string `json:"warnings,omitempty"`
	UndecidedApps []string `json:"undecided_apps,omitempty"`
	// Completed is omitted until the bundle is about to be written, so
	// drafts without it stay readable by earlier builds.
	Completed *wireCompletion `json:"completed,omitempty"`
	Created   time.Time       `json:"created"`
	Updated   time.Time       `json:"updated"`
}

// wireApproval is an ApprovalNote.
type wireApproval struct {
	AppID     string   `json:"app_id"`
	Warnings  []string `json:"warnings"`
	Undecided bool     `json:"undecided,omitempty"`
}

func toWireApprovals(notes []ApprovalNote) []wireApproval {
	var out []wireApproval
	for _, n := range notes {
		out = append(out, wireApproval{AppID: n.AppID, Warnings: nonNil(n.Warnings), Undecided: n.Undecided})
	}
	return out
}

// approvals are the draft's approver notes: version 2's own, or those of
// a version 1 draft, whose warnings were "AppName: text" strings (matched
// here, once, by the name each app had when approved; other warnings were
// about the org or the bundle and are dropped, as the wizard words them
// again) and whose undecided apps were a list of IDs.
func (w wireDraft) approvals() []ApprovalNote {
	if w.Version != 1 {
		var out []ApprovalNote
		for _, a := range w.Approvals {
			out = append(out, ApprovalNote(a))
		}
		return out
	}
	var out []ApprovalNote
	for _, a := range w.Apps {
		n := ApprovalNote{AppID: a.AppID}
		for _, x := range w.Warnings {
			if rest, ok := strings.CutPrefix(x, a.Name+": "); ok && a.Name != "" {
				n.Warnings = append(n.Warnings, rest)
			}
		}
		for _, id := range w.UndecidedApps {
			n.Undecided = n.Undecided || id == a.AppID
		}
		if len(n.Warnings) > 0 || n.Undecided {
			out = append(out, n)
		}
	}
	return out
}

// wireCompletion is Draft.Completed. Path, Sealed (base64 in JSON),
// Receipt, Recipients and Passphrase are version 3's.
type wireCompletion struct {
	BundlePath string   `json:"bundle_path"`
	Path       string   `json:"path,omitempty"`
	SHA256     string   `json:"sha256"`
	Sealed     []byte   `json:"sealed,omitempty"`
	Receipt    string   `json:"receipt,omitempty"`
	Recipients []string `json:"recipients,omitempty"`
	Passphrase bool     `json:"passphrase,omitempty"`
}

func toWireCompletion(c *Completion) *wireCompletion {
	if c == nil {
		return nil
	}
	return &wireCompletion{BundlePath: c.BundlePath, Path: c.Path, SHA256: c.SHA256, Sealed: c.Sealed,
		Receipt: c.ReceiptText, Recipients: c.Recipients, Passphrase: c.Passphrase}
}

func fromWireCompletion(w *wireCompletion) *Completion {
	if w == nil {
		return nil
	}
	return &Completion{BundlePath: w.BundlePath, Path: w.Path, SHA256: w.SHA256, Sealed: w.Sealed,
		ReceiptText: w.Receipt, Recipients: w.Recipients, Passphrase: w.Passphrase}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

func toWireOrg(o Org) wireOrg   { return wireOrg(o) }
func fromWireOrg(o wireOrg) Org { return Org(o) }

func toWireApps(apps []AppGrant) []wireApp {
	out := make([]wireApp, 0, len(apps))
	for _, a := range apps {
		out = append(out, wireApp{
			AppID:                 a.AppID,
			Name:                  a.AppName,
			ClientID:              a.ClientID,
			Scopes:                nonNil(a.Scopes),
			AccessToken:           a.AccessToken.Reveal(),
			AccessTokenExpiresAt:  utc(a.AccessTokenExpiry),
			RefreshToken:          a.RefreshToken.Reveal(),
			RefreshTokenExpiresAt: utc(a.RefreshTokenExpiry),
			TokenType:             a.TokenType,
			Approver:              toWireApprover(a.Approver),
			ApprovedAt:            utc(a.ApprovedAt),
		})
	}
	return out
}

func fromWireApps(apps []wireApp) []AppGrant {
	out := make([]AppGrant, 0, len(apps))
	for _, a := range apps {
		// Tokens read from a draft or bundle are the process's too.
		secrets.Add(a.AccessToken)
		secrets.Add(a.RefreshToken)
		out = append(out, AppGrant{
			AppID:              a.AppID,
			AppName:            a.Name,
			ClientID:           a.ClientID,
			Scopes:             a.Scopes,
			AccessToken:        NewSecret(a.AccessToken),
			AccessTokenExpiry:  a.AccessTokenExpiresAt,
			RefreshToken:       NewSecret(a.RefreshToken),
			RefreshTokenExpiry: a.RefreshTokenExpiresAt,
			TokenType:          a.TokenType,
			Approver:           fromWireApprover(a.Approver),
			ApprovedAt:         a.ApprovedAt,
		})
	}
	return out
}

// MarshalBundle returns the bundle's plaintext JSON document
// (docs/bundle.md), indented, tokens included. It is what `ucx-onboard
// open` prints for UCX Suite to import; treat the result as a secret and
// clear it when done.
func MarshalBundle(b Bundle) ([]byte, error) {
	registerTokens(b.Apps)
	warnings := make([]string, 0, len(b.Warnings))
	for _, x := range b.Warnings {
		warnings = append(warnings, Redact(x))
	}
	w := wireBundle{
		Format:      BundleFormat,
		Version:     BundleVersion,
		Created:     utc(b.Created),
		ToolVersion: b.ToolVersion,
		Customer:    b.Customer,
		Org:         toWireOrg(b.Org),
		Apps:        toWireApps(b.Apps),
		Warnings:    warnings,
	}
	var buf bytes.Buffer
	enc := jsonEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(w); err != nil {
		return nil, fmt.Errorf("store: encode bundle: %v", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// unmarshalBundle decodes and checks a bundle's JSON document.
func unmarshalBundle(pt []byte) (Bundle, error) {
	if err := checkMarker(pt, "bundle", BundleFormat, BundleVersion); err != nil {
		return Bundle{}, err
	}
	var w wireBundle
	if err := strictDecode(pt, &w); err != nil {
		return Bundle{}, newError(ErrUnknownFormat, "store: bundle content is not valid", err)
	}
	return Bundle{
		Created:     w.Created,
		ToolVersion: w.ToolVersion,
		Customer:    w.Customer,
		Org:         fromWireOrg(w.Org),
		Apps:        fromWireApps(w.Apps),
		Warnings:    w.Warnings,
	}, nil
}

// checkMarker reads only "format" and "version" so that a newer version
// with new fields is reported as a version, not as an unknown field.
func checkMarker(pt []byte, what, format string, version int) error {
	var m struct {
		Format  *string `json:"format"`
		Version *int    `json:"version"`
	}
	if err := json.Unmarshal(pt, &m); err != nil {
		return newError(ErrUnknownFormat, fmt.Sprintf("store: decrypted %s is not a ucx-onboard %s document", what, what), nil)
	}
	if m.Format == nil || *m.Format != format {
		// Never echo the value: it comes from decrypted content.
		switch {
		case m.Format != nil && (*m.Format == draftFormat || *m.Format == BundleFormat):
			return newError(ErrUnknownFormat, fmt.Sprintf("store: decrypted %s is a %s, not a %s", what, *m.Format, format), nil)
		case m.Format == nil:
			return newError(ErrUnknownFormat, fmt.Sprintf("store: decrypted %s has no format marker (want %q)", what, format), nil)
		}
		return newError(ErrUnknownFormat, fmt.Sprintf("store: decrypted %s has an unknown format marker (want %q)", what, format), nil)
	}
	if m.Version == nil || *m.Version != version {
		got := "none"
		if m.Version != nil {
			got = fmt.Sprint(*m.Version)
		}
		return newError(ErrUnknownFormat, fmt.Sprintf("store: %s version %s is not supported (this tool reads version %d)", what, got, version), nil)
	}
	return nil
}

// strictDecode decodes exactly one JSON value into v, rejecting unknown
// fields and trailing data. Its errors never quote values (which could be
// tokens), only field names and offsets.
func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return safeJSONError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON document")
	}
	return nil
}

// errUnknownField is wrapped by strictDecode's error for a field the type
// does not have.
var errUnknownField = errors.New("unknown field")

// safeJSONError describes a JSON error without echoing the input.
func safeJSONError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("invalid JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Errorf("field %s: wrong type (%s)", quote(te.Field), te.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		if !plainName(name) {
			return errUnknownField
		}
		return fmt.Errorf("%w %s", errUnknownField, quote(name))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("JSON ends early")
	}
	return errors.New("invalid JSON value")
}

func jsonEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// plainName reports whether a JSON key from decrypted content is short and
// plain enough to be echoed in an error (it cannot be a token).
func plainName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
