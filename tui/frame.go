package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// The frame around the active screen's body: the header (the steps), the
// notice line, the help line (the screen's keys and the flow's choices),
// and the quit question.

// tooSmall tells a window too small to show a screen (View then asks to
// enlarge it).
func (m *Model) tooSmall() bool { return m.c.width < minWidth || m.c.height < minHeight }

// chrome renders the header and the help line, which change only in Update.
func (m *Model) chrome() {
	if m.quitting {
		return
	}
	m.headerLine = m.header()
	m.noticeLine = ""
	if err := m.v.SaveErr; err != nil && (m.v.Step == wizard.StepAuthorize || m.v.Step == wizard.StepReview) {
		m.noticeLine = truncate(m.c.styles.Err.Render(wizard.MarkWarn+" progress could not be saved: ")+wizard.CleanErrorText(err), m.c.width)
	}
	m.helpLine = m.helpView(m.helpKeys())
}

// helpKeys are the keys of the help line: the flow's choices, the
// screen's own keys, then quit (the first cut when the line is narrow are
// the last).
func (m *Model) helpKeys() []key.Binding {
	var own []key.Binding
	if sc := m.screens[m.v.Step]; sc != nil && !m.v.AskQuit {
		own = sc.help()
	}
	typing := false
	if t, ok := m.screens[m.v.Step].(typer); ok {
		typing = t.typing() && !m.v.AskQuit
	}
	var bs []key.Binding
	var quit *key.Binding
	for _, o := range m.v.Choices {
		k := o.Key
		switch {
		case o.Choice == wizard.ChoiceQuit && typing:
			k = "ctrl+c"
		case typing, slices.ContainsFunc(own, func(b key.Binding) bool { return slices.Contains(b.Keys(), k) }):
			continue
		}
		b := key.NewBinding(key.WithKeys(k), key.WithHelp(k, o.Label))
		if o.Choice == wizard.ChoiceQuit {
			quit = &b
			continue
		}
		bs = append(bs, b)
	}
	bs = append(bs, own...)
	if quit != nil {
		bs = append(bs, *quit)
	}
	return bs
}

// steps names the wizard's steps for the header.
var steps = []string{"Checks", "Customer", "Apps", "Authorize", "Review", "Done"}

func (m *Model) step() int {
	if sc := m.screens[m.v.Step]; sc != nil {
		return sc.step()
	}
	return len(steps) - 1
}

// View renders the header, the active screen's body and the help line, in
// exactly the terminal's size.
// View is the frame, without any run of a secret the process holds
// (store.Redact): a server's text that carries one shows "[redacted]".
func (m *Model) View() string { return store.Redact(m.frame()) }

// frame is View before redaction.
func (m *Model) frame() string {
	if m.quitting {
		return ""
	}
	c := m.c
	if m.tooSmall() {
		return fit(wrap(fmt.Sprintf("Enlarge the window (at least %dx%d).", minWidth, minHeight), c.width), c.width, c.height)
	}
	if m.v.Step == wizard.StepAuthorize && m.auth.full && !m.v.AskQuit {
		return fit(m.auth.fullView(), c.width, c.height)
	}
	body := m.screens[m.v.Step].view()
	// The authorization screen lays its lines out to the width itself (it
	// is the one redrawn on every tick); other bodies are measured and cut.
	trusted := m.v.Step == wizard.StepAuthorize && m.auth.showsCode()
	if m.v.AskQuit {
		body = m.confirmView()
		trusted = false
	}
	if trusted {
		body = fitHeight(body, c.bodyHeight())
	} else {
		body = fit(body, c.width, c.bodyHeight())
	}
	return m.headerLine + "\n" + m.noticeLine + "\n" + body + "\n" + m.helpLine
}

func (m *Model) header() string {
	c := m.c
	s := c.styles
	left := s.Header.Render("ucx-onboard")
	if c.deps.Demo {
		left += " " + s.Badge.Render("DEMO")
	}
	var parts []string
	cur := m.step()
	for i, name := range steps {
		switch {
		case i == cur:
			parts = append(parts, s.Title.Render(fmt.Sprintf("%d %s", i+1, name)))
		case c.width >= 100:
			parts = append(parts, s.Dim.Render(fmt.Sprintf("%d %s", i+1, name)))
		}
	}
	right := strings.Join(parts, s.Dim.Render(" · "))
	if c.width < 100 {
		right = s.Dim.Render(fmt.Sprintf("step %d/%d · ", cur+1, len(steps))) + s.Title.Render(steps[cur])
	}
	gap := c.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return left
	}
	return left + strings.Repeat(" ", gap) + right
}

func (m *Model) confirmView() string {
	s := m.c.styles
	var b strings.Builder
	b.WriteString(s.Title.Render("Quit ucx-onboard?") + "\n\n")
	b.WriteString(wizard.QuitText(m.v, m.flow.Session().Authorized()))
	return wrap(b.String(), m.c.width)
}

// helpView renders key bindings on one line, dropping what does not fit.
func (m *Model) helpView(bs []key.Binding) string {
	s := m.c.styles
	var out string
	w := 0
	for _, b := range bs {
		h := b.Help()
		item := s.HelpKey.Render(h.Key) + " " + s.Help.Render(h.Desc)
		iw := lipgloss.Width(h.Key) + 1 + lipgloss.Width(h.Desc)
		sep := 0
		if out != "" {
			sep = 3
		}
		if w+sep+iw > m.c.width {
			break
		}
		if out != "" {
			out += s.Help.Render(" · ")
		}
		out += item
		w += sep + iw
	}
	return out
}
