package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/form"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// customerScreen is the customer data form (huh). The engineer sees and
// confirms prefilled data too.
type customerScreen struct {
	c    *common
	form *huh.Form
	vals *store.Customer // bound to the form's fields
}

func newCustomerScreen(c *common, cust store.Customer) customerScreen {
	vals := &cust
	f := form.Customer(vals, false).
		WithTheme(huh.ThemeCharm()).
		WithShowHelp(false).  // the keys are on the wizard's help line: one line more for the fields
		WithShowErrors(false) // shown under each field instead
	f.SubmitCmd = func() tea.Msg { return eventMsg{ev: wizard.CustomerEntered{Customer: form.Submitted(*vals)}} }
	s := customerScreen{c: c, form: f, vals: vals}
	s.resize()
	return s
}

func (s *customerScreen) init() tea.Cmd { return s.form.Init() }

func (s *customerScreen) resize() {
	// huh renders one line more than the height it is given.
	s.form.WithWidth(min(s.c.width, 100)).WithHeight(max(s.c.bodyHeight()-1, 5))
}

// sync has nothing to take: the form is made when the step opens
// (Model.enter), with the flow's values.
func (s *customerScreen) sync(*wizard.View) {}

// typing: the form has the keys (q is a letter).
func (s *customerScreen) typing() bool { return true }

func (s *customerScreen) update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(tea.WindowSizeMsg); ok {
		return nil
	}
	_, cmd := s.form.Update(msg)
	return cmd
}

func (s *customerScreen) help() []key.Binding {
	next := key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter", "next field"))
	if f := s.form.GetFocusedField(); f != nil && f.GetKey() == form.LastField {
		next = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "submit"))
	}
	back := key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "back"))
	return []key.Binding{next, back}
}

func (s *customerScreen) view() string {
	return s.form.View()
}

// step is the header's step of this screen.
func (s *customerScreen) step() int { return 1 }
