package tui

import (
	"fmt"
	"github.com/imagicle/ucx-onboard/tui/wizard"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/imagicle/ucx-onboard/store"
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
}

func (s *doneScreen) set(r Receipt, cust store.Customer, org store.Org, results map[string]*appResult, selected []string) {
	s.receipt, s.customer, s.org = r, cust, org
	s.n, s.presence = 0, false
	for _, id := range selected {
		if res := results[id]; res != nil && res.Status == statusAuthorized {
			s.n++
			s.presence = s.presence || wizard.IsPresence(res.App)
		}
	}
}

func (s *doneScreen) update(tea.Msg) tea.Cmd { return nil } // enter and q: the root quits

func (s *doneScreen) help() []key.Binding {
	exit := key.NewBinding(key.WithKeys("enter", "q"), key.WithHelp("enter/q", "exit"))
	return []key.Binding{exit}
}

func (s *doneScreen) view() string {
	c := s.c
	st := c.styles
	r := s.receipt
	var b strings.Builder
	b.WriteString(st.OK.Render(markOK+" Bundle written") + st.Dim.Render(fmt.Sprintf("  %d %s authorized for %s", s.n, plural(s.n, "app", "apps"), clean(s.customer.Company))) + "\n\n")
	if s.removeErr != nil {
		b.WriteString(st.Err.Render(markWarn+" The draft with the tokens could not be deleted:") + "\n")
		b.WriteString(st.Dim.Render(wrap(errText(s.removeErr), c.width)) + "\n")
		b.WriteString(wrap("Delete draft "+clean(s.draftID)+": run ucx-onboard again and press d on it, or delete it from the state folder.", c.width) + "\n\n")
	}
	row := func(label, v string) {
		lines := strings.Split(wrap(v, max(c.width-11, 20)), "\n")
		b.WriteString(st.Label.Render(fmt.Sprintf("%-10s", label)) + " " + lines[0] + "\n")
		for _, l := range lines[1:] {
			b.WriteString(strings.Repeat(" ", 11) + l + "\n")
		}
	}
	// whole is a row of a path, hash or key, never wrapped: beside its
	// label when it fits, else on its own line below.
	cut := false
	whole := func(label, v string) {
		v = clean(v)
		if width(v) <= c.width-11 {
			b.WriteString(st.Label.Render(fmt.Sprintf("%-10s", label)) + " " + v + "\n")
			return
		}
		l, short := fitWhole(v, c.width)
		cut = cut || short
		b.WriteString(st.Label.Render(label) + "\n" + l + "\n")
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
	open := "ucx-onboard open " + r.BundlePath
	if c.deps.OpenHint != nil {
		open = c.deps.OpenHint(r)
	}
	steps := []string{
		"Hand the bundle (and the receipt) to UCX Suite's administrator. To read it on the UCX side:\n" + open,
		"UCX Suite must reach https://webexapis.com, https://*.imagicle.com and https://*.api.imagicle.com.",
	}
	switch {
	case s.presence && s.org.UserCount > 1000:
		steps = append(steps, "Do not enable presence retrieval: the organization has more than 1,000 users, which Cisco's API does not support (for UCX Suite on premises, leave WebexPresence.Enable=0 in Apps\\Presence\\Settings\\Presence.ini).")
	case s.customer.Deployment == store.DeploymentOnPrem && s.presence:
		if s.org.UserCount == 0 {
			steps = append(steps, sizeUnknownStep)
		}
		steps = append(steps, "On-premises presence: set WebexPresence.Enable=1 in Apps\\Presence\\Settings\\Presence.ini under the UCX install folder; Webex users are matched by UPN in each user's \"Rich Presence Webex URI\" field.")
	case s.presence && s.org.UserCount == 0:
		steps = append(steps, sizeUnknownStep)
	}
	steps = append(steps, "The tokens are tied to the approver: if that user is deactivated or loses Full Admin rights, authorize again.")
	for i, t := range steps {
		var lines []string
		for _, para := range strings.Split(t, "\n") {
			if para == open {
				// A command is never wrapped: indented on its own line
				// when it fits, else from the first column.
				if width(para) <= c.width-5 {
					lines = append(lines, "  "+para)
					continue
				}
				l, short := fitWhole(para, c.width)
				cut = cut || short
				lines = append(lines, "\x00"+l) // from column 0
				continue
			}
			lines = append(lines, strings.Split(wrap(para, max(c.width-3, 20)), "\n")...)
		}
		fmt.Fprintf(&b, "%d. %s\n", i+1, lines[0])
		for _, l := range lines[1:] {
			if rest, ok := strings.CutPrefix(l, "\x00"); ok {
				b.WriteString(rest + "\n")
				continue
			}
			b.WriteString("   " + l + "\n")
		}
	}
	out := b.String()
	if cut { // said at the top, where a short window still shows it
		title, rest, _ := strings.Cut(out, "\n")
		out = title + "\n" + st.Dim.Render(truncate(cutNote, c.width)) + rest
	}
	return out
}

// cutNote says that a path or command cut with … is printed whole at exit
// (cmd prints the receipt and the open command on stdout).
const cutNote = "Lines cut with … are printed whole when ucx-onboard exits."

// fitWhole fits a path or command into w cells without wrapping it: whole
// when it fits, else its start and its end (the file name) around a "…"
// (short is true then: the caller says it is printed whole at exit).
func fitWhole(s string, w int) (line string, short bool) {
	if width(s) <= w {
		return s, false
	}
	r := []rune(s)
	if w < 2 {
		return "…", true
	}
	head := (w - 1) / 3
	tail := w - 1 - head
	return string(r[:head]) + "…" + string(r[len(r)-tail:]), true
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
	return ansi.Strip(d.view())
}

// step is the header's step of this screen.
func (s *doneScreen) step() int { return 5 }

// resize has nothing to lay out again on a resize.
func (s *doneScreen) resize() {}
