package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// preflightScreen lists the checks made before the customer is involved;
// the engineer goes on only when nothing blocks.
type preflightScreen struct {
	c       *common
	checks  []Check
	running bool
	runs    int
}

// run starts the checks (Deps.Preflight, which may do network I/O).
func (s *preflightScreen) run() tea.Cmd {
	s.running = true
	f, ctx := s.c.deps.Preflight, s.c.ctx
	return func() tea.Msg { return checksMsg{checks: f(ctx)} }
}

func (s *preflightScreen) blocked() bool {
	if s.running {
		return true
	}
	for _, c := range s.checks {
		if !c.OK && c.Blocking {
			return true
		}
	}
	return false
}

// restartNeeded reports whether a blocking check failed on input read at
// start, which r does not read again.
func (s *preflightScreen) restartNeeded() bool {
	for _, c := range s.checks {
		if !c.OK && c.Blocking && c.AtStart {
			return true
		}
	}
	return false
}

func (s *preflightScreen) update(msg tea.Msg) tea.Cmd {
	k := s.c.keys
	switch msg := msg.(type) {
	case checksMsg:
		s.running = false
		s.runs++
		s.checks = msg.checks
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Recheck) && !s.running:
			return s.run()
		case key.Matches(msg, k.Continue) && !s.blocked():
			return func() tea.Msg { return preflightDoneMsg{} }
		}
	}
	return nil
}

func (s *preflightScreen) help() []key.Binding {
	k := s.c.keys
	if s.running {
		return []key.Binding{k.Quit}
	}
	if s.blocked() {
		return []key.Binding{k.Recheck, k.Quit}
	}
	return []key.Binding{k.Continue, k.Recheck, k.Quit}
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
	nameW := 0
	for _, ck := range s.checks {
		nameW = max(nameW, lipgloss.Width(ck.Name))
	}
	nameW = min(nameW, 32)
	detailW := max(c.width-nameW-4, 20)
	for _, ck := range s.checks {
		mark := st.OK.Render(markOK)
		switch {
		case !ck.OK && (ck.Blocking || ck.AppBlocked):
			mark = st.Err.Render(markErr)
		case !ck.OK:
			mark = st.Warn.Render(markWarn)
		}
		name := truncate(ck.Name, nameW)
		line := mark + " " + name + strings.Repeat(" ", nameW-lipgloss.Width(name)) + "  "
		detail := strings.Split(wrap(clean(ck.Detail), detailW), "\n")
		b.WriteString(line + st.Dim.Render(detail[0]) + "\n")
		pad := strings.Repeat(" ", nameW+4)
		for _, d := range detail[1:] {
			b.WriteString(pad + st.Dim.Render(d) + "\n")
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
	}
	b.WriteString("\n")
	switch {
	case s.running:
		b.WriteString(c.spinner() + " Checking again…")
	case s.restartNeeded():
		b.WriteString(st.Err.Render(markErr + " Fix what is marked " + markErr + ", then quit and start ucx-onboard again."))
	case s.blocked():
		b.WriteString(st.Err.Render(markErr + " Fix what is marked " + markErr + ", then press r to check again."))
	default:
		warn := false
		for _, ck := range s.checks {
			warn = warn || !ck.OK
		}
		if n := appsBlocked(s.checks); n > 0 {
			b.WriteString(st.Err.Render(markErr+" "+plural(n, "One app cannot", fmt.Sprintf("%d apps cannot", n))+" be authorized (marked "+markErr+"): ") +
				"the others can. Press enter to go on.")
		} else if warn {
			b.WriteString(st.Warn.Render(markWarn+" Nothing blocks, but read the warnings. ") + "Press enter to go on.")
		} else {
			b.WriteString(st.OK.Render(markOK+" All set. ") + "Press enter to enter the customer's data.")
		}
	}
	return b.String()
}

// step is the header's step of this screen.
func (s *preflightScreen) step() int { return 0 }

// resize has nothing to lay out again on a resize.
func (s *preflightScreen) resize() {}
