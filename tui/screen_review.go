package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/imagicle/ucx-onboard/store"
)

// reviewData is what the review shows, gathered by the root.
type reviewData struct {
	customer   store.Customer
	org        store.Org
	apps       []appResult
	warnings   []string // written into the bundle
	shown      []string // shown on the review (skipped and failed apps are listed anyway)
	outPath    string
	protection Protection
}

// Focus positions on the review screen.
const (
	focusPass1 = iota
	focusPass2
	focusButton
)

// reviewScreen shows every app's outcome, the org, the warnings, where the
// bundle goes and how it is protected, and the COMPLETE REQUEST button.
type reviewScreen struct {
	c            *common
	data         reviewData
	pass1, pass2 textinput.Model
	focus        int
	err          error // passphrase check or writing failed
	writing      bool
}

func newReviewScreen(c *common) reviewScreen {
	mk := func() textinput.Model {
		t := textinput.New()
		t.Prompt = ""
		t.EchoMode = textinput.EchoPassword
		t.EchoCharacter = '•'
		t.CharLimit = 256
		t.Width = 32
		return t
	}
	return reviewScreen{c: c, pass1: mk(), pass2: mk(), focus: focusButton}
}

func (s *reviewScreen) set(d reviewData) {
	s.data, s.err, s.writing = d, nil, false
	s.focus = focusButton
	if d.protection.Passphrase {
		s.focus = focusPass1
	}
}

// focus focuses the current field.
func (s *reviewScreen) focusField() tea.Cmd {
	s.pass1.Blur()
	s.pass2.Blur()
	switch s.focus {
	case focusPass1:
		return s.pass1.Focus()
	case focusPass2:
		return s.pass2.Focus()
	}
	return nil
}

// typing tells whether a text field has the keys (q is then a letter).
func (s *reviewScreen) typing() bool {
	return s.data.protection.Passphrase && s.focus != focusButton
}

// passphrase is what was entered, or zero without passphrase protection.
func (s *reviewScreen) passphrase() store.Secret {
	if !s.data.protection.Passphrase {
		return store.Secret{}
	}
	return store.NewSecret(s.pass1.Value())
}

func (s *reviewScreen) authorized() int {
	n := 0
	for _, a := range s.data.apps {
		if a.status == statusAuthorized {
			n++
		}
	}
	return n
}

func (s *reviewScreen) failed(err error) {
	s.writing, s.err = false, err
}

func (s *reviewScreen) update(msg tea.Msg) tea.Cmd {
	if s.writing {
		return nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		var c1, c2 tea.Cmd
		s.pass1, c1 = s.pass1.Update(msg)
		s.pass2, c2 = s.pass2.Update(msg)
		return tea.Batch(c1, c2)
	}
	k := s.c.keys
	if s.data.protection.Passphrase {
		switch km.String() {
		case "tab", "down":
			s.focus = (s.focus + 1) % 3
			return s.focusField()
		case "shift+tab", "up":
			s.focus = (s.focus + 2) % 3
			return s.focusField()
		case "enter":
			if s.focus != focusButton {
				s.focus++
				return s.focusField()
			}
		}
	}
	if s.focus == focusButton {
		if key.Matches(km, k.Continue) {
			return s.submit()
		}
		return nil
	}
	var cmd tea.Cmd
	if s.focus == focusPass1 {
		s.pass1, cmd = s.pass1.Update(km)
	} else {
		s.pass2, cmd = s.pass2.Update(km)
	}
	s.err = nil
	return cmd
}

// submit checks the passphrase and asks the root to write the bundle.
func (s *reviewScreen) submit() tea.Cmd {
	if s.authorized() == 0 {
		return nil
	}
	if s.data.protection.Passphrase {
		switch {
		case len([]rune(s.pass1.Value())) < minPassphrase:
			s.err, s.focus = errPassphraseShort, focusPass1
			return s.focusField()
		case s.pass1.Value() != s.pass2.Value():
			s.err, s.focus = errPassphraseMismatch, focusPass2
			return s.focusField()
		}
	}
	s.err = nil
	return func() tea.Msg { return completeMsg{} }
}

func (s *reviewScreen) help() []key.Binding {
	k := s.c.keys
	complete := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "COMPLETE REQUEST"))
	if s.typing() {
		return []key.Binding{k.NextField, k.ForceQuit}
	}
	if s.data.protection.Passphrase {
		return []key.Binding{complete, k.NextField, k.Quit}
	}
	return []key.Binding{complete, k.Quit}
}

// describeProtection words Deps.Protection.
func describeProtection(p Protection) string {
	if p.Describe != "" {
		return clean(p.Describe)
	}
	switch {
	case p.Passphrase:
		return "age, with a passphrase you choose"
	case len(p.Recipients) == 1:
		return "age, for 1 recipient: " + p.Recipients[0]
	case len(p.Recipients) > 1:
		return fmt.Sprintf("age, for %d recipients: %s", len(p.Recipients), strings.Join(p.Recipients, ", "))
	}
	return "unknown"
}

func orgLine(o store.Org) string {
	if o.ID == "" && o.Name == "" {
		return "unknown (no app authorized)"
	}
	users := "users not counted"
	switch {
	case o.UserCount > 1000:
		users = "more than 1,000 users"
	case o.UserCount > 0:
		users = fmt.Sprintf("%d %s", o.UserCount, plural(o.UserCount, "user", "users"))
	}
	return clean(o.Name) + " · " + users + " · id " + clean(o.ID)
}

func customerLine(c store.Customer) string {
	parts := []string{clean(c.Company), clean(c.AdminEmail)}
	if c.Deployment == store.DeploymentOnPrem {
		parts = append(parts, "on-premises "+clean(c.UCXHost))
	} else {
		d := "cloud"
		if c.UCXHost != "" {
			d += " " + clean(c.UCXHost)
		}
		parts = append(parts, d)
	}
	if c.Engineer != "" {
		parts = append(parts, "engineer "+clean(c.Engineer))
	}
	return strings.Join(parts, " · ")
}

// appLines renders one app's outcome in one or two lines.
func (s *reviewScreen) appLines(r appResult, nameW int, two bool) []string {
	st := s.c.styles
	w := s.c.width
	var mark, word, detail string
	switch r.status {
	case statusAuthorized:
		mark, word = st.OK.Render(markOK), "authorized"
		a := r.grant.Approver
		role := "Full Admin"
		if !a.FullAdmin {
			role = "NOT Full Admin"
		}
		if two {
			who := clean(a.DisplayName)
			if a.Email != "" {
				who += " <" + clean(a.Email) + ">"
			}
			detail = "by " + who + ", " + role
			if !r.grant.AccessTokenExpiry.IsZero() {
				detail += " · token until " + r.grant.AccessTokenExpiry.UTC().Format("2006-01-02 15:04 UTC")
			}
			if !r.grant.RefreshTokenExpiry.IsZero() {
				detail += ", refresh until " + r.grant.RefreshTokenExpiry.UTC().Format("2006-01-02")
			}
		} else {
			word = ""
			detail = clean(a.DisplayName) + " (" + role + ")"
			if !r.grant.AccessTokenExpiry.IsZero() {
				detail += ", until " + r.grant.AccessTokenExpiry.UTC().Format("2006-01-02")
			}
		}
	case statusFailed:
		mark, word, detail = st.Err.Render(markErr), "failed", r.reason
	default:
		mark, word = st.Dim.Render(markSkip), "skipped"
	}
	name := truncate(clean(r.app.Name), nameW)
	head := mark + " " + name + strings.Repeat(" ", nameW-lipgloss.Width(name)) + "  " + word
	if !two {
		if detail != "" {
			if word != "" {
				head += " "
			}
			head += st.Dim.Render(detail)
		}
		return []string{truncate(head, w)}
	}
	out := []string{head}
	if detail != "" {
		out = append(out, truncate("    "+st.Dim.Render(detail), w))
	}
	return out
}

func (s *reviewScreen) view() string {
	c := s.c
	st := c.styles
	w := c.width
	d := s.data
	label := func(l string) string { return st.Label.Render(fmt.Sprintf("%-11s", l)) }

	// Bottom: bundle, protection, passphrase, button: always shown.
	var bottom []string
	bottom = append(bottom, truncate(label("Bundle")+d.outPath, w))
	bottom = append(bottom, truncate(label("Protection")+describeProtection(d.protection), w))
	if d.protection.Passphrase {
		p1 := s.pass1.View()
		p2 := s.pass2.View()
		e1, e2 := "", ""
		switch s.err {
		case errPassphraseShort:
			e1 = "  " + st.Err.Render(markErr+" at least 12 characters")
		case errPassphraseMismatch:
			e2 = "  " + st.Err.Render(markErr+" the two entries differ")
		}
		bottom = append(bottom, label("Passphrase")+"["+p1+"]"+e1)
		bottom = append(bottom, label("Again")+"["+p2+"]"+e2)
	}
	bottom = append(bottom, "")
	btn := "[ COMPLETE REQUEST ]"
	switch {
	case s.writing:
		bottom = append(bottom, c.spinner()+" Writing the bundle…")
	case s.authorized() == 0:
		bottom = append(bottom, st.ButtonOff.Render(btn)+st.Err.Render(" no app is authorized: nothing to write"))
	case s.focus == focusButton:
		bottom = append(bottom, st.Button.Render(btn)+st.Dim.Render("  press enter"))
	default:
		bottom = append(bottom, st.ButtonOff.Render(btn))
	}
	if s.err != nil && s.err != errPassphraseShort && s.err != errPassphraseMismatch {
		bottom = append(bottom, st.Err.Render(markErr+" could not write the bundle: ")+errText(s.err))
		bottom = append(bottom, strings.Split(wrap(remedy(s.err, noApp), w), "\n")...)
	}

	// Top: customer, org, apps, warnings; squeezed to what is left.
	head := []string{
		st.Title.Render("Review") + st.Dim.Render("  check everything, then COMPLETE REQUEST writes the bundle"),
		"",
		truncate(label("Customer")+customerLine(d.customer), w),
		truncate(label("Webex org")+orgLine(d.org), w),
		"",
	}
	nameW := 0
	for _, a := range d.apps {
		nameW = max(nameW, lipgloss.Width(clean(a.app.Name)))
	}
	nameW = min(nameW, max(w/2-6, 20), 48)
	var warn []string
	for _, wn := range d.shown {
		lines := strings.Split(wrap(wn, w-2), "\n")
		warn = append(warn, st.Warn.Render(markWarn)+" "+lines[0])
		for _, l := range lines[1:] {
			warn = append(warn, "  "+l)
		}
	}
	room := c.bodyHeight() - len(bottom) - len(head) - 1
	var apps []string
	for _, two := range []bool{true, false} {
		apps = apps[:0]
		nw := nameW
		if !two {
			nw = min(nameW, max(w-4-44, 16)) // leave room for "Name (Full Admin), until 2026-12-05"
		}
		for _, a := range d.apps {
			apps = append(apps, s.appLines(a, nw, two)...)
		}
		if len(apps)+len(warn)+1 <= room {
			break
		}
	}
	if len(warn) > 0 {
		left := room - len(apps) - 1
		if left < len(warn) {
			more := len(warn) - max(left-1, 0)
			warn = append(warn[:max(left-1, 0)], st.Warn.Render(fmt.Sprintf("%s … %d more warning lines: enlarge the window", markWarn, more)))
		}
		apps = append(apps, "")
		apps = append(apps, warn...)
	}
	out := append(head, apps...)
	out = append(out, "")
	out = append(out, bottom...)
	return strings.Join(out, "\n")
}
