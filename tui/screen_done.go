package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// doneScreen shows where the bundle went and what to do next (the
// core's wizard.DoneContent, styled and wrapped).
type doneScreen struct {
	c *common
	wizard.DoneContent
	// page scrolls the screen when it is taller than the window (long
	// paths wrap, never cut); set and resize size it.
	page    viewport.Model
	pageSet bool
}

// sync takes the done step of the flow's view: the bundle written, and
// whether its draft could be removed.
func (s *doneScreen) sync(v *wizard.View) {
	d := v.Done
	if d == nil {
		return
	}
	defer s.layout() // the help asks scrolls() right after
	s.DoneContent.Set(d.Receipt, d.Customer, d.Org, d.Results, d.Selected)
	s.RemoveErr, s.DraftID, s.Planned = d.RemoveErr, d.DraftID, d.Planned
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
	if s.scrolls() {
		return []key.Binding{scrollKeys}
	}
	return nil
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
	var b strings.Builder
	b.WriteString(st.OK.Render(wizard.MarkOK+" "+wizard.DoneTitle) + st.Dim.Render("  "+s.Summary()) + "\n\n")
	if n := s.Renamed(); n != "" {
		b.WriteString(st.Warn.Render(wizard.MarkWarn+" ") + wrap(n, c.width-2) + "\n\n")
	}
	if s.RemoveErr != nil {
		b.WriteString(st.Err.Render(wizard.MarkWarn+" "+wizard.DraftNotDeleted) + "\n")
		b.WriteString(st.Dim.Render(wrap(wizard.CleanErrorText(s.RemoveErr), c.width)) + "\n")
		b.WriteString(wrap(s.DeleteDraftHint(), c.width) + "\n\n")
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
	for _, r := range s.Rows() {
		if r.Whole {
			whole(r.Label, r.Value)
		} else {
			row(r.Label, r.Value)
		}
	}
	b.WriteString("\n" + st.Title.Render("Next steps") + "\n")
	for i, t := range s.Steps(wizard.OpenCommand(c.deps, s.Receipt)) {
		lines := strings.Split(wrap(t.Text, max(c.width-3, 20)), "\n")
		fmt.Fprintf(&b, "%d. %s\n", i+1, lines[0])
		for _, l := range lines[1:] {
			b.WriteString("   " + l + "\n")
		}
		if t.Command != nil {
			b.WriteString(commandLines(*t.Command, c.width, "     ", "   "))
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

// step is the header's step of this screen.
func (s *doneScreen) step() int { return 5 }

// resize lays the page out again for the new size.
func (s *doneScreen) resize() {
	if s.pageSet {
		s.layout()
	}
}
