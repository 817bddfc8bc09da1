package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap lists the wizard's keys. Screens show the ones that apply.
type KeyMap struct {
	Quit      key.Binding // q, ctrl+c: asks first
	ForceQuit key.Binding // ctrl+c: the only quit key inside text fields
	Yes, No   key.Binding
	Continue  key.Binding // enter
	Recheck   key.Binding // preflight: run the checks again
	Up, Down  key.Binding
	Toggle    key.Binding // apps: select / deselect
	All       key.Binding
	New       key.Binding // resume offer: start fresh
	Discard   key.Binding // resume offer: delete a draft (asks first)
	NewCode   key.Binding // auth: r
	Skip      key.Binding // auth: s
	Copy      key.Binding // auth: c
	FullQR    key.Binding // auth: f
	Accept    key.Binding // auth: accept an approver warning
	Identify  key.Binding // auth: ask again who approved
	Back      key.Binding // esc
	NextField key.Binding // review: tab
}

// DefaultKeyMap is the wizard's key map.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Yes:       key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:        key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "no")),
		Continue:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Recheck:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "check again")),
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Toggle:    key.NewBinding(key.WithKeys(" ", "x"), key.WithHelp("space", "select")),
		All:       key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "all")),
		New:       key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "start new")),
		Discard:   key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "discard")),
		NewCode:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "new code")),
		Skip:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "skip app")),
		Copy:      key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy URL")),
		FullQR:    key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "full QR")),
		Accept:    key.NewBinding(key.WithKeys("a", "enter"), key.WithHelp("a", "accept anyway")),
		Identify:  key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "try again")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		NextField: key.NewBinding(key.WithKeys("tab", "shift+tab", "down", "up"), key.WithHelp("tab", "next field")),
	}
}
