package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// preflightScreen lists the checks made before the customer is involved;
// the engineer goes on only when nothing blocks.
type preflightScreen struct {
	c       *common
	checks  []Check
	running bool
	runs    int // check runs shown
	// blockedNow: a failed check blocks; restart: one of those read its
	// input at start (the flow's View.Blocked, Restart).
	blockedNow, restart bool
	// list scrolls the checks when they do not fit; the title, the
	// verdict and the help stay in view.
	list    viewport.Model
	listSet bool
	// drafts are the drafts listed so far (once draftsLoaded): enter
	// leads to the resume screen when there are any.
	drafts       []DraftInfo
	draftsLoaded bool
}

// sync takes the checks of the flow's view.
func (s *preflightScreen) sync(v *wizard.View) {
	s.running, s.blockedNow, s.restart = v.ChecksRunning, v.Blocked, v.Restart
	if !v.ChecksRunning && (s.runs == 0 || !sameChecks(s.checks, v.Checks)) {
		s.runs++
	}
	s.checks = v.Checks
	s.drafts, s.draftsLoaded = v.DraftList, v.DraftsLoaded
	s.relayout()
}

// sameChecks tells whether a and b are the same run's checks.
func sameChecks(a, b []Check) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

func (s *preflightScreen) blocked() bool { return s.running || s.blockedNow }

func (s *preflightScreen) restartNeeded() bool { return s.restart }

// update scrolls the checks (r, enter and q are the flow's choices).
func (s *preflightScreen) update(msg tea.Msg) tea.Cmd {
	if km, ok := msg.(tea.KeyMsg); ok && s.scrolls() {
		var cmd tea.Cmd
		s.list, cmd = s.list.Update(km)
		return cmd
	}
	return nil
}

// scrollKeys is the help of the list when it scrolls.
var scrollKeys = key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown"), key.WithHelp("↑/↓ pgup/pgdn", "scroll"))

// scrolls reports whether the checks are taller than their room.
func (s *preflightScreen) scrolls() bool {
	return s.listSet && s.list.TotalLineCount() > s.list.Height
}

func (s *preflightScreen) help() []key.Binding {
	var scroll []key.Binding
	if s.scrolls() {
		scroll = []key.Binding{scrollKeys}
	}
	return scroll
}

func (s *preflightScreen) view() string {
	c := s.c
	st := c.styles
	var b strings.Builder
	b.WriteString(st.Title.Render("Before the customer is involved") + "\n\n")
	if s.running && s.runs == 0 {
		b.WriteString(c.spinner() + " Checking the app catalog, Webex, the bundle's protection and output path…")
		return wrap(b.String(), c.width)
	}
	title := b.String()
	verdict := s.verdict()
	s.layout(title, verdict)
	return title + trimRight(s.list.View()) + "\n\n" + verdict
}

// layout fills the list and gives it what the title, a blank line and
// the verdict leave of the body.
func (s *preflightScreen) layout(title, verdict string) {
	c := s.c
	list := s.listText()
	room := max(c.bodyHeight()-lipgloss.Height(title)-1-lipgloss.Height(verdict), 1)
	if !s.listSet {
		s.list, s.listSet = viewport.New(c.width, room), true
	}
	s.list.Width, s.list.Height = c.width, min(room, lipgloss.Height(list))
	s.list.SetContent(list)
}

// verdict is the line under the checks: go on, or what stops.
func (s *preflightScreen) verdict() string {
	c := s.c
	st := c.styles
	var b strings.Builder
	switch {
	case s.running:
		b.WriteString(c.spinner() + " Checking again…")
	case s.restartNeeded():
		b.WriteString(st.Err.Render(wizard.MarkErr + " Fix what is marked " + wizard.MarkErr + ", then quit and start ucx-onboard again."))
	case s.blocked():
		b.WriteString(st.Err.Render(wizard.MarkErr + " Fix what is marked " + wizard.MarkErr + ", then press r to check again."))
	default:
		warn := false
		for _, ck := range s.checks {
			warn = warn || !ck.OK
		}
		if n := wizard.AppsBlocked(s.checks); n > 0 {
			b.WriteString(st.Err.Render(wizard.MarkErr+" "+wizard.Plural(n, "One app cannot", fmt.Sprintf("%d apps cannot", n))+" be authorized (marked "+wizard.MarkErr+"): ") +
				"the others can. Press enter to go on.")
		} else if warn {
			b.WriteString(st.Warn.Render(wizard.MarkWarn+" Nothing blocks, but read the warnings. ") + "Press enter to go on.")
		} else {
			b.WriteString(st.OK.Render(wizard.MarkOK+" All set. ") + s.goOn())
		}
	}
	return wrap(b.String(), c.width)
}

// goOn says where enter leads when all is set: the resume screen comes
// first when drafts exist (Model.afterChecks).
func (s *preflightScreen) goOn() string {
	if !s.draftsLoaded {
		return "Press enter to continue."
	}
	for _, d := range s.drafts {
		if d.Err == nil && d.Completed == nil {
			return "Press enter to continue (an unfinished onboarding can be resumed)."
		}
	}
	if len(s.drafts) > 0 {
		return "Press enter to continue (earlier drafts are listed first)."
	}
	return "Press enter to enter the customer's data."
}

// trimRight drops the spaces the viewport pads its lines with.
func trimRight(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// listText is the checks, one problem a line, then each distinct note
// once.
func (s *preflightScreen) listText() string {
	c := s.c
	st := c.styles
	var b strings.Builder
	nameW := 0
	for _, ck := range s.checks {
		nameW = max(nameW, lipgloss.Width(ck.Name))
	}
	nameW = min(nameW, 32)
	detailW := max(c.width-nameW-4, 20)
	pad := strings.Repeat(" ", nameW+4)
	var notes []string
	for _, ck := range s.checks {
		mark := st.OK.Render(wizard.MarkOK)
		switch {
		case !ck.OK && (ck.Blocking || ck.AppBlocked):
			mark = st.Err.Render(wizard.MarkErr)
		case !ck.OK:
			mark = st.Warn.Render(wizard.MarkWarn)
		}
		name := truncate(ck.Name, nameW)
		lead := mark + " " + name + strings.Repeat(" ", nameW-lipgloss.Width(name)) + "  "
		// One problem a line: a detail's lines each start a line.
		for _, problem := range strings.Split(ck.Detail, "\n") {
			for _, d := range strings.Split(wrap(wizard.Clean(problem), detailW), "\n") {
				b.WriteString(lead + st.Dim.Render(d) + "\n")
				lead = pad
			}
		}
		if !ck.OK && ck.Fix != "" {
			for i, l := range strings.Split(wrap(ck.Fix, detailW-5), "\n") {
				lead := "fix: "
				if i > 0 {
					lead = "     "
				}
				b.WriteString(pad + st.Warn.Render(lead) + l + "\n")
			}
		}
		if ck.Note != "" && !slices.Contains(notes, ck.Note) {
			notes = append(notes, ck.Note)
		}
	}
	for _, n := range notes {
		b.WriteString(st.Dim.Render(wrap(wizard.Clean(n), c.width)) + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// step is the header's step of this screen.
func (s *preflightScreen) step() int { return 0 }

// resize lays the list out again for the new size.
func (s *preflightScreen) resize() { s.relayout() }

// relayout sizes the list for the checks shown, so that the help (made
// after update) knows whether it scrolls.
func (s *preflightScreen) relayout() {
	if s.running && s.runs == 0 {
		return
	}
	s.layout(s.c.styles.Title.Render("Before the customer is involved")+"\n\n", s.verdict())
}
