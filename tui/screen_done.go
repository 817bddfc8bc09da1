package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// doneScreen shows where the bundle went and what to do next.
type doneScreen struct {
	c        *common
	receipt  Receipt
	customer store.Customer
	n        int // apps authorized
	presence bool
	org      store.Org
	// removeErr: the draft draftID, with the tokens, could not be deleted.
	removeErr error
	draftID   string
	// page scrolls the screen when it is taller than the window (long
	// paths wrap, never cut); set and resize size it.
	page    viewport.Model
	pageSet bool
}

func (s *doneScreen) set(r Receipt, cust store.Customer, org store.Org, results map[string]*appResult, selected []string) {
	s.receipt, s.customer, s.org = r, cust, org
	s.n, s.presence = 0, false
	defer s.layout() // the help asks scrolls() right after
	for _, id := range selected {
		if res := results[id]; res != nil && res.Status == statusAuthorized {
			s.n++
			s.presence = s.presence || wizard.IsPresence(res.App)
		}
	}
}

// update scrolls (enter and q: the root quits).
func (s *doneScreen) update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(tea.KeyMsg); ok && s.scrolls() {
		var cmd tea.Cmd
		s.page, cmd = s.page.Update(msg)
		return cmd
	}
	return nil
}

func (s *doneScreen) help() []key.Binding {
	exit := key.NewBinding(key.WithKeys("enter", "q"), key.WithHelp("enter/q", "exit"))
	if s.scrolls() {
		return []key.Binding{scrollKeys, exit}
	}
	return []key.Binding{exit}
}

// scrolls reports whether the screen is taller than the window.
func (s *doneScreen) scrolls() bool {
	return s.pageSet && s.page.TotalLineCount() > s.page.Height
}

// layout fills the page and sizes it to the body.
func (s *doneScreen) layout() {
	text := s.content()
	if !s.pageSet {
		s.page, s.pageSet = viewport.New(s.c.width, s.c.bodyHeight()), true
	}
	s.page.Width, s.page.Height = s.c.width, min(s.c.bodyHeight(), lipgloss.Height(text))
	s.page.SetContent(text)
}

func (s *doneScreen) view() string {
	s.layout()
	return trimRight(s.page.View())
}

// content is the whole screen, unscrolled.
func (s *doneScreen) content() string {
	c := s.c
	st := c.styles
	r := s.receipt
	var b strings.Builder
	b.WriteString(st.OK.Render(markOK+" Bundle written") + st.Dim.Render(fmt.Sprintf("  %d %s authorized for %s", s.n, wizard.Plural(s.n, "app", "apps"), wizard.Clean(s.customer.Company))) + "\n\n")
	if s.removeErr != nil {
		b.WriteString(st.Err.Render(markWarn+" The draft with the tokens could not be deleted:") + "\n")
		b.WriteString(st.Dim.Render(wrap(wizard.CleanErrorText(s.removeErr), c.width)) + "\n")
		b.WriteString(wrap("Delete draft "+wizard.Clean(s.draftID)+": run ucx-onboard again and press d on it, or delete it from the state folder.", c.width) + "\n\n")
	}
	row := func(label, v string) {
		lines := strings.Split(wrap(v, max(c.width-11, 20)), "\n")
		b.WriteString(st.Label.Render(fmt.Sprintf("%-10s", label)) + " " + lines[0] + "\n")
		for _, l := range lines[1:] {
			b.WriteString(strings.Repeat(" ", 11) + l + "\n")
		}
	}
	// whole is a row of a path, hash or key: beside its label when it
	// fits, else on lines of its own below, wrapped at the screen's edge
	// but never cut.
	whole := func(label, v string) {
		v = wizard.Clean(v)
		if width(v) <= c.width-11 {
			b.WriteString(st.Label.Render(fmt.Sprintf("%-10s", label)) + " " + v + "\n")
			return
		}
		b.WriteString(st.Label.Render(label) + "\n" + ansi.Hardwrap(v, max(c.width, 1), true) + "\n")
	}
	whole("Bundle", r.BundlePath)
	whole("SHA-256", r.SHA256)
	whole("Receipt", r.ReceiptPath)
	switch {
	case r.Passphrase:
		row("Protected", "by the passphrase you entered: give it to the UCX Suite administrator by phone or another channel, never with the file")
	case len(r.Recipients) > 0:
		for i, k := range r.Recipients {
			label := ""
			if i == 0 {
				label = "For"
			}
			whole(label, k)
		}
	}
	b.WriteString("\n" + st.Title.Render("Next steps") + "\n")
	open := Command{Line: "ucx-onboard open " + r.BundlePath}
	if c.deps.OpenHint != nil {
		open = c.deps.OpenHint(r)
	}
	type step struct {
		text string
		cmd  *Command // shown after text
	}
	steps := []step{
		{"Hand the bundle (and the receipt) to UCX Suite's administrator. To read it on the UCX side, run:", &open},
		{"UCX Suite must reach https://webexapis.com, https://*.imagicle.com and https://*.api.imagicle.com.", nil},
	}
	switch {
	case s.presence && s.org.UserCount > 1000:
		steps = append(steps, step{"Do not enable presence retrieval: the organization has more than 1,000 users, which Cisco's API does not support (for UCX Suite on premises, leave WebexPresence.Enable=0 in Apps\\Presence\\Settings\\Presence.ini).", nil})
	case s.customer.Deployment == store.DeploymentOnPrem && s.presence:
		if s.org.UserCount == 0 {
			steps = append(steps, step{sizeUnknownStep, nil})
		}
		steps = append(steps, step{"On-premises presence: set WebexPresence.Enable=1 in Apps\\Presence\\Settings\\Presence.ini under the UCX install folder; Webex users are matched by UPN in each user's \"Rich Presence Webex URI\" field.", nil})
	case s.presence && s.org.UserCount == 0:
		steps = append(steps, step{sizeUnknownStep, nil})
	}
	steps = append(steps, step{"The tokens are tied to the approver: if that user is deactivated or loses Full Admin rights, authorize again.", nil})
	for i, t := range steps {
		lines := strings.Split(wrap(t.text, max(c.width-3, 20)), "\n")
		fmt.Fprintf(&b, "%d. %s\n", i+1, lines[0])
		for _, l := range lines[1:] {
			b.WriteString("   " + l + "\n")
		}
		if t.cmd != nil {
			b.WriteString(commandLines(*t.cmd, c.width, "     ", "   "))
		}
	}
	return b.String()
}

// commandLines shows a command as a unit on lines of its own: indented by
// indent when it fits, else from the first column and wrapped at the
// screen's edge (between arguments where it can), never cut; its notes
// follow, each on lines of its own indented by noteIndent.
func commandLines(cmd Command, w int, indent, noteIndent string) string {
	var b strings.Builder
	line := wizard.Clean(cmd.Line)
	if width(line) <= w-width(indent) {
		b.WriteString(indent + line + "\n")
	} else {
		b.WriteString(breakAtSpaces(line, max(w, 1)) + "\n")
	}
	for _, n := range cmd.Notes {
		for _, l := range strings.Split(wrap(wizard.Clean(n), max(w-width(noteIndent), 20)), "\n") {
			b.WriteString(noteIndent + l + "\n")
		}
	}
	return b.String()
}

// breakAtSpaces breaks s into lines of at most w cells at its spaces only
// (a hyphen inside a path is no place to break), cutting a word longer than
// w at the edge.
func breakAtSpaces(s string, w int) string {
	var lines []string
	cur := ""
	for _, word := range strings.Split(s, " ") {
		switch {
		case cur == "":
			cur = word
		case width(cur)+1+width(word) <= w:
			cur += " " + word
		default:
			lines = append(lines, cur)
			cur = word
		}
		if width(cur) > w {
			parts := strings.Split(ansi.Hardwrap(cur, w, true), "\n")
			lines = append(lines, parts[:len(parts)-1]...)
			cur = parts[len(parts)-1]
		}
	}
	return strings.Join(append(lines, cur), "\n")
}

// sizeUnknownStep is the done screen's step when presence is authorized in
// an org whose size could not be checked.
const sizeUnknownStep = "Before enabling presence retrieval, check that the organization has at most 1,000 users: " +
	"its size could not be checked (the bundle's warnings say why), and Cisco's API does not support more."

// plain is the done screen without styles, for the accessible flow.
// Lines are not wrapped: the screen reader's terminal does that.
func (s *doneScreen) plain() string {
	c := *s.c
	c.width = 10000
	d := *s
	d.c = &c
	return ansi.Strip(d.content())
}

// step is the header's step of this screen.
func (s *doneScreen) step() int { return 5 }

// resize lays the page out again for the new size.
func (s *doneScreen) resize() {
	if s.pageSet {
		s.layout()
	}
}
