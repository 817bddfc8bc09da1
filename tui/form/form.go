// Package form is the customer data form (huh), for both front-ends: the
// full-screen one runs it as a Bubble Tea model, the accessible one line
// by line (huh's accessible mode). It holds nothing else of either.
package form

import (
	"errors"
	"net"
	"net/mail"
	"strings"
	"sync"

	"github.com/charmbracelet/huh"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// LastField is the form's last field's key: enter submits there.
const LastField = "notes"

// fieldErrors carries each field's last validation error from huh's
// Update (where validators run) to the description funcs, which huh
// evaluates in a command's goroutine: hence the lock. version, the funcs'
// binding, is only touched on Update's side.
type fieldErrors struct {
	mu      sync.Mutex
	errs    map[string]string
	version int
}

// check wraps a validator to record its verdict for key.
func (fe *fieldErrors) check(key string, f func(string) error) func(string) error {
	return func(s string) error {
		err := f(s)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		fe.mu.Lock()
		if fe.errs[key] != msg {
			fe.errs[key] = msg
			fe.version++
		}
		fe.mu.Unlock()
		return err
	}
}

// desc is key's description: base, or its error in its place (so that
// the form keeps its height and fits 80x24 without scrolling).
func (fe *fieldErrors) desc(key, base string) func() string {
	return func() string {
		fe.mu.Lock()
		msg := fe.errs[key]
		fe.mu.Unlock()
		if msg == "" {
			return base
		}
		return wizard.MarkErr + " " + msg
	}
}

// Customer builds the customer form's fields over vals; the accessible flow uses
// it too (accessible set). A field's error shows in its description, right
// under its title, once the field has been left (or submitted) with a bad
// value.
//
// In accessible mode huh prompts line by line and validates the raw answer
// before falling back to the field's value, so an empty answer (enter) would
// fail "required" even with a prefilled value: there each title shows the
// prefilled value in brackets, and an empty answer is validated as that
// value, which huh then keeps.
func Customer(vals *store.Customer, accessible bool) *huh.Form {
	fe := &fieldErrors{errs: map[string]string{}}
	host := func(s string) error { return validateHost(s, vals.Deployment) }
	title := func(t, v string) string {
		if accessible && strings.TrimSpace(v) != "" {
			return t + " [" + v + "]"
		}
		return t
	}
	// keep validates an empty answer as the field's current value.
	keep := func(v *string, f func(string) error) func(string) error {
		if !accessible {
			return f
		}
		return func(s string) error {
			if strings.TrimSpace(s) == "" {
				s = *v
			}
			return f(s)
		}
	}
	deployment := "cloud"
	if vals.Deployment == store.DeploymentOnPrem {
		deployment = "on-premises"
	}
	return huh.NewForm(huh.NewGroup(
		huh.NewInput().Key("company").Title(title("Company", vals.Company)).
			Value(&vals.Company).Validate(fe.check("company", keep(&vals.Company, validateCompany))).
			DescriptionFunc(fe.desc("company", "The customer's name; it also names the bundle file."), &fe.version),
		huh.NewInput().Key("admin_email").Title(title("Customer's Full Admin email", vals.AdminEmail)).
			Value(&vals.AdminEmail).Validate(fe.check("admin_email", keep(&vals.AdminEmail, validateEmail))).
			DescriptionFunc(fe.desc("admin_email", "The Webex Full Administrator who will approve each app."), &fe.version),
		huh.NewSelect[string]().Key("deployment").Title(title("UCX Suite deployment", deployment)).Inline(true).
			Options(huh.NewOption("cloud", store.DeploymentCloud), huh.NewOption("on-premises", store.DeploymentOnPrem)).
			Value(&vals.Deployment),
		huh.NewInput().Key("ucx_host").Title(title("UCX Suite host", vals.UCXHost)).
			Value(&vals.UCXHost).Validate(fe.check("ucx_host", keep(&vals.UCXHost, host))).
			DescriptionFunc(fe.desc("ucx_host", "Host name or IP address; required for on-premises."), &fe.version),
		huh.NewInput().Key("engineer").Title(title("Engineer", vals.Engineer)).Value(&vals.Engineer),
		huh.NewInput().Key(LastField).Title(title("Notes", vals.Notes)).Value(&vals.Notes),
	))
}

func validateCompany(s string) error {
	if strings.TrimSpace(s) == "" {
		//lint:ignore ST1005 shown as it is, next to the field it names
		return errors.New("Company: required")
	}
	return nil
}

func validateEmail(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		//lint:ignore ST1005 shown as it is, next to the field it names
		return errors.New("Admin email: required")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") {
		//lint:ignore ST1005 shown as it is, next to the field it names
		return errors.New("Admin email: not a valid address (name@example.com)")
	}
	return nil
}

func validateHost(s, deployment string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		if deployment == store.DeploymentOnPrem {
			return errors.New("UCX Suite host: required for on-premises")
		}
		return nil
	}
	if net.ParseIP(s) != nil || isHostname(s) {
		return nil
	}
	return errors.New("UCX Suite host: not a host name or IP address")
}

// isHostname checks RFC 1123 host name syntax.
func isHostname(s string) bool {
	if len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// Submitted is the customer the form's fields hold, trimmed; a
// deployment other than on-premises is cloud.
func Submitted(v store.Customer) store.Customer {
	for _, p := range []*string{&v.Company, &v.AdminEmail, &v.UCXHost, &v.Engineer, &v.Notes} {
		*p = strings.TrimSpace(*p)
	}
	if v.Deployment != store.DeploymentOnPrem {
		v.Deployment = store.DeploymentCloud
	}
	return v
}
