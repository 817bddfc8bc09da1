package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// appsScreen lists the catalog's apps, all selected; each can be deselected.
type appsScreen struct {
	c    *common
	apps []flows.App
	on   []bool
	done []bool // already authorized (resumed draft)
	// blocked says, by app ID, why an app cannot be authorized (the
	// preflight's wizard.Session.Blocked): shown beside it.
	blocked map[string]string
	cursor  int
	warning string
}

func (s *appsScreen) set(apps []flows.App, selected []string, results map[string]*appResult, blocked map[string]string) {
	s.apps, s.blocked = apps, blocked
	s.on = make([]bool, len(apps))
	s.done = make([]bool, len(apps))
	for i, a := range apps {
		for _, id := range selected {
			if id == a.ID {
				s.on[i] = true
			}
		}
		if r := results[a.ID]; r != nil && r.Status == statusAuthorized {
			s.done[i] = true
		}
	}
}

// sync has nothing to take: the list is set when the step opens
// (Model.enter).
func (s *appsScreen) sync(*wizard.View) {}

func (s *appsScreen) update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := s.c.keys
	switch {
	case key.Matches(km, k.Up):
		s.cursor = max(s.cursor-1, 0)
	case key.Matches(km, k.Down):
		s.cursor = min(s.cursor+1, len(s.apps)-1)
	case key.Matches(km, k.Toggle) && len(s.apps) > 0:
		s.on[s.cursor] = !s.on[s.cursor]
		s.warning = ""
	case key.Matches(km, k.All):
		all := true
		for _, on := range s.on {
			all = all && on
		}
		for i := range s.on {
			s.on[i] = !all
		}
		s.warning = ""
	case key.Matches(km, k.Continue):
		var ids []string
		for i, a := range s.apps {
			if s.on[i] {
				ids = append(ids, a.ID)
			}
		}
		if len(ids) == 0 {
			s.warning = "Select at least one app."
			return nil
		}
		return report(wizard.AppsChosen{IDs: ids})
	}
	return nil
}

func (s *appsScreen) help() []key.Binding {
	k := s.c.keys
	return []key.Binding{k.Continue, k.Toggle, k.All, k.Up, k.Down}
}

func (s *appsScreen) view() string {
	c := s.c
	st := c.styles
	n := 0
	for _, on := range s.on {
		if on {
			n++
		}
	}
	var b strings.Builder
	b.WriteString(st.Title.Render("Apps to authorize") + st.Dim.Render(fmt.Sprintf("  %d of %d selected", n, len(s.apps))) + "\n\n")
	b.WriteString(wrap("Each selected app needs the customer's Full Admin to approve one code. Deselect the apps the customer does not use.", c.width) + "\n\n")
	// Three lines per app when there is room (name, scopes, integration
	// ID, each whole), two (scopes and ID together, cut) or one otherwise.
	room := c.bodyHeight() - 5
	lines := 1
	switch {
	case room >= 3*len(s.apps)+2:
		lines = 3
	case room >= 2*len(s.apps)+2:
		lines = 2
	}
	for i, a := range s.apps {
		cur := "  "
		if i == s.cursor {
			cur = st.Selected.Render("> ")
		}
		box := "[ ]"
		if s.on[i] {
			box = "[x]"
		}
		name := wizard.Clean(a.Name)
		if i == s.cursor {
			name = st.Selected.Render(name)
		}
		extra := ""
		switch _, blocked := s.blocked[a.ID]; {
		case s.done[i]:
			extra = "  " + st.OK.Render(wizard.MarkOK+" authorized (draft)")
		case blocked:
			extra = "  " + st.Err.Render(wizard.MarkErr+" cannot be authorized (see the checks)")
		}
		b.WriteString(truncate(cur+box+" "+name+extra, c.width) + "\n")
		scopes := wizard.Clean(strings.Join(a.Scopes, " "))
		switch lines {
		case 3:
			if scopes != "" {
				b.WriteString(st.Dim.Render(truncate("      scopes "+scopes, c.width)) + "\n")
			}
			b.WriteString(st.Dim.Render(truncate("      ID "+wizard.Clean(a.ClientID), c.width)) + "\n")
		case 2:
			detail := wizard.Clean(a.ClientID)
			if scopes != "" {
				detail = scopes + "  " + detail
			}
			b.WriteString(st.Dim.Render(truncate("      "+detail, c.width)) + "\n")
		}
	}
	if s.warning != "" {
		b.WriteString("\n" + st.Err.Render(wizard.MarkErr+" "+s.warning))
	}
	return b.String()
}

// step is the header's step of this screen.
func (s *appsScreen) step() int { return 2 }

// resize has nothing to lay out again on a resize.
func (s *appsScreen) resize() {}
