package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// resumeScreen offers the saved drafts.
type resumeScreen struct {
	c      *common
	infos  []DraftInfo
	cursor int
	err    error // loading the chosen draft failed
}

func (s *resumeScreen) usable(i int) bool { return i >= 0 && i < len(s.infos) && s.infos[i].Err == nil }

func (s *resumeScreen) update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := s.c.keys
	switch {
	case key.Matches(km, k.Up):
		s.cursor = max(s.cursor-1, 0)
	case key.Matches(km, k.Down):
		s.cursor = min(s.cursor+1, len(s.infos)-1)
	case key.Matches(km, k.New):
		return func() tea.Msg { return resumeChosenMsg{} }
	case key.Matches(km, k.Continue) && s.usable(s.cursor):
		id := s.infos[s.cursor].ID
		s.err = nil
		return func() tea.Msg { return resumeChosenMsg{id: id} }
	}
	return nil
}

func (s *resumeScreen) help() []key.Binding {
	k := s.c.keys
	resume := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "resume"))
	return []key.Binding{resume, k.New, k.Up, k.Down, k.Quit}
}

func (s *resumeScreen) view() string {
	c := s.c
	st := c.styles
	var b strings.Builder
	b.WriteString(st.Title.Render("Resume an onboarding?") + "\n\n")
	b.WriteString(wrap("These onboardings were left unfinished. Resume one (its approved apps are kept) or press n to start a new one.", c.width) + "\n\n")
	for i, d := range s.infos {
		cur := "  "
		if i == s.cursor {
			cur = st.Selected.Render("> ")
		}
		if d.Err != nil {
			b.WriteString(cur + st.Dim.Render(truncate(clean(d.ID)+": unreadable", c.width-2)) + "\n")
			b.WriteString(indented(st.Dim.Render(errText(d.Err)), 4, c.width, 2))
			continue
		}
		name := clean(d.Company)
		if name == "" {
			name = "(no company)"
		}
		if i == s.cursor {
			name = st.Selected.Render(name)
		}
		when := ""
		if !d.Updated.IsZero() {
			when = "saved " + d.Updated.UTC().Format("2006-01-02 15:04 UTC")
		}
		b.WriteString(cur + name + "  " + st.Dim.Render(when) + "\n")
		done := fmt.Sprintf("%d %s authorized", len(d.AppsDone), plural(len(d.AppsDone), "app", "apps"))
		if len(d.AppsDone) > 0 {
			done += ": " + strings.Join(d.AppsDone, ", ")
		}
		b.WriteString(indented(st.Dim.Render(clean(done)), 4, c.width, 2))
	}
	if s.err != nil {
		b.WriteString("\n" + st.Err.Render(markErr+" could not load the draft: ") + errText(s.err))
	}
	return b.String()
}

// indented wraps s to w cells less an indent of n spaces, keeping at most
// max lines (the last one cut), each ending in a newline.
func indented(s string, n, w, maxLines int) string {
	lines := strings.Split(wrap(s, max(w-n, 10)), "\n")
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] = truncate(lines[maxLines-1]+" …", max(w-n, 10))
	}
	pad := strings.Repeat(" ", n)
	return pad + strings.Join(lines, "\n"+pad) + "\n"
}
