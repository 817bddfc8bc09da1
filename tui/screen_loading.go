package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// loadingScreen waits for the drafts list.
type loadingScreen struct{ c *common }

func (s *loadingScreen) sync(*wizard.View)      {}
func (s *loadingScreen) update(tea.Msg) tea.Cmd { return nil }
func (s *loadingScreen) view() string           { return s.c.spinner() + " Looking for saved drafts…" }
func (s *loadingScreen) help() []key.Binding    { return nil }
func (s *loadingScreen) step() int              { return 0 }
func (s *loadingScreen) resize()                {}
