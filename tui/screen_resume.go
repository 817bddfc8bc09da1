package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// resumeScreen offers the saved drafts, to resume one or discard it.
type resumeScreen struct {
	c      *common
	infos  []DraftInfo
	cursor int
	top    int    // first draft shown (the list scrolls; see follow)
	notice string // the flow's answer to the last choice (View.Notice)
	// confirm: d was pressed on the draft at the cursor; discarding: its
	// removal is under way.
	confirm, discarding bool
}

// usable reports whether draft i can be resumed: readable, not held by
// another ucx-onboard, and not completed (resuming a completed draft could
// write a second bundle with the same tokens).
func (s *resumeScreen) usable(i int) bool {
	return i >= 0 && i < len(s.infos) && s.infos[i].Err == nil && s.infos[i].Completed == nil
}

// sync takes the drafts of the flow's view, and its answer to the last
// choice (a draft that could not be loaded or discarded).
func (s *resumeScreen) sync(v *wizard.View) {
	s.infos, s.notice, s.discarding = v.DraftList, v.Notice, false
	s.cursor = min(s.cursor, max(len(s.infos)-1, 0))
	s.follow()
}

// claims takes y, n and esc while a discard is asked about, and enter
// (resume the draft at the cursor).
func (s *resumeScreen) claims(k string) bool {
	return k == "enter" || s.confirm && (k == "y" || k == "Y" || k == "n" || k == "N" || k == "esc")
}

func (s *resumeScreen) update(msg tea.Msg) tea.Cmd {
	defer s.follow()
	km, ok := msg.(tea.KeyMsg)
	if !ok || s.discarding {
		return nil
	}
	k := s.c.keys
	if s.confirm {
		switch {
		case key.Matches(km, k.Yes):
			s.confirm, s.discarding = false, true
			return report(wizard.DiscardDraft{ID: s.infos[s.cursor].ID})
		case key.Matches(km, k.No):
			s.confirm = false
		}
		return nil
	}
	switch {
	case key.Matches(km, k.Discard) && s.discardable(s.cursor):
		s.confirm, s.notice = true, ""
	case key.Matches(km, k.Up):
		s.cursor = max(s.cursor-1, 0)
	case key.Matches(km, k.Down):
		s.cursor = min(s.cursor+1, len(s.infos)-1)
	case key.Matches(km, k.Continue) && s.usable(s.cursor):
		s.notice = ""
		return report(wizard.ResumeDraft{ID: s.infos[s.cursor].ID})
	}
	return nil
}

func (s *resumeScreen) help() []key.Binding {
	k := s.c.keys
	if s.confirm {
		return []key.Binding{k.Yes, k.No}
	}
	// Only the keys that do something for the selected draft (update).
	var keys []key.Binding
	if s.usable(s.cursor) {
		keys = append(keys, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "resume")))
	}
	if s.discardable(s.cursor) {
		keys = append(keys, k.Discard)
	}
	return append(keys, k.Up, k.Down)
}

// discardable reports whether d discards draft i: not while another
// ucx-onboard holds it.
func (s *resumeScreen) discardable(i int) bool {
	return i >= 0 && i < len(s.infos) && !wizard.InUse(s.infos[i])
}

// head is the title and the intro above the list.
func (s *resumeScreen) head() []string {
	st := s.c.styles
	lines := []string{st.Title.Render("Resume an onboarding?"), ""}
	lines = append(lines, strings.Split(wrap(s.intro(), s.c.width), "\n")...)
	return append(lines, "")
}

// intro offers what can be done with the drafts listed: resume or
// discard only when some draft allows it (another ucx-onboard's draft
// allows neither).
func (s *resumeScreen) intro() string {
	var resume, discard bool
	for i := range s.infos {
		resume = resume || s.usable(i)
		discard = discard || s.discardable(i)
	}
	switch {
	case resume && discard:
		return "These onboardings were left unfinished. Resume one (its approved apps are kept), press d to discard one, or n to start a new one."
	case discard:
		return "These onboardings were left unfinished; none can be resumed. Press d to discard one, or n to start a new one."
	}
	return "These onboardings were left unfinished, in use by another ucx-onboard: press n to start a new one."
}

// entry is the lines of draft i.
func (s *resumeScreen) entry(i int) []string {
	c := s.c
	st := c.styles
	d := s.infos[i]
	cur := "  "
	if i == s.cursor {
		cur = st.Selected.Render("> ")
	}
	var b strings.Builder
	switch {
	case wizard.InUse(d):
		b.WriteString(cur + st.Dim.Render(truncate(wizard.Clean(d.ID)+": "+wizard.InUseText(d), c.width-2)) + "\n")
		b.WriteString(indented(st.Dim.Render("It can be neither resumed nor discarded while that one runs."), 4, c.width, 2))
	case d.Err != nil:
		b.WriteString(cur + st.Dim.Render(truncate(wizard.Clean(d.ID)+": unreadable", c.width-2)) + "\n")
		b.WriteString(indented(st.Dim.Render(wizard.CleanErrorText(d.Err)), 4, c.width, 2))
	case d.Completed != nil:
		name := wizard.Clean(d.Company)
		if name == "" {
			name = wizard.Clean(d.ID)
		}
		b.WriteString(cur + st.Dim.Render(truncate(name, c.width-2)) + "\n")
		b.WriteString(indented(st.Dim.Render(wizard.CompletedText(d)+"; discard the draft (d), it cannot be resumed"), 4, c.width, 2))
	default:
		name := wizard.Clean(d.Company)
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
		done := fmt.Sprintf("%d %s authorized", len(d.AppsDone), wizard.Plural(len(d.AppsDone), "app", "apps"))
		if len(d.AppsDone) > 0 {
			done += ": " + strings.Join(d.AppsDone, ", ")
		}
		b.WriteString(indented(st.Dim.Render(wizard.Clean(done)), 4, c.width, 2))
	}
	return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
}

// foot is the confirmation, the progress or the error below the list.
func (s *resumeScreen) foot() []string {
	c := s.c
	st := c.styles
	var msg string
	switch {
	case s.confirm:
		msg = st.Warn.Render(wrap(wizard.DiscardQuestion(s.infos[s.cursor])+" y/n", c.width))
	case s.discarding:
		msg = c.spinner() + " Discarding the draft…"
	case s.notice != "":
		msg = st.Err.Render(wizard.MarkErr+" ") + wrap(s.notice, c.width-2)
	default:
		return nil
	}
	return append([]string{""}, strings.Split(msg, "\n")...)
}

// listRows is the room for the list.
func (s *resumeScreen) listRows() int {
	return s.c.bodyHeight() - len(s.head()) - len(s.foot())
}

// window is the drafts shown, [top, end), from s.top, in rows lines, and
// whether some are hidden above or below (a line each).
func (s *resumeScreen) window(rows int) (top, end int, above, below bool) {
	n, total := len(s.infos), 0
	for i := range n {
		total += len(s.entry(i))
	}
	if total <= rows {
		return 0, n, false, false
	}
	top = min(s.top, max(n-1, 0))
	above = top > 0
	avail := rows - 1 // the "more below" line
	if above {
		avail--
	}
	end, used := top, 0
	for end < n && (end == top || used+len(s.entry(end)) <= avail) {
		used += len(s.entry(end))
		end++
	}
	return top, end, above, end < n
}

// follow scrolls the list so that the cursor's draft is on screen, using
// the room the list has (call it after every change: keys, size, drafts).
func (s *resumeScreen) follow() {
	rows := s.listRows()
	s.top = min(s.top, s.cursor)
	for s.top < s.cursor {
		if _, end, _, _ := s.window(rows); s.cursor < end {
			break
		}
		s.top++
	}
	// Fill spare room (a larger window, a draft discarded) by scrolling
	// back up, as long as nothing below goes out of sight.
	for s.top > 0 {
		_, end, _, _ := s.window(rows)
		s.top--
		if _, e, _, _ := s.window(rows); e < end || s.cursor >= e {
			s.top++
			break
		}
	}
}

func (s *resumeScreen) view() string {
	st := s.c.styles
	head, foot := s.head(), s.foot()
	top, end, above, below := s.window(s.c.bodyHeight() - len(head) - len(foot))
	lines := head
	if above {
		lines = append(lines, st.Dim.Render(fmt.Sprintf("  ↑ %d more above", top)))
	}
	for i := top; i < end; i++ {
		lines = append(lines, s.entry(i)...)
	}
	if below {
		lines = append(lines, st.Dim.Render(fmt.Sprintf("  ↓ %d more below", len(s.infos)-end)))
	}
	return strings.Join(append(lines, foot...), "\n")
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

// step is the header's step of this screen.
func (s *resumeScreen) step() int { return 0 }

// resize lays the screen out again for the terminal's size.
func (s *resumeScreen) resize() { s.follow() }
