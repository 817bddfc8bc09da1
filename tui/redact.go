package tui

import "fmt"

// fmt does not call String or Format on values reached through unexported
// struct fields, so a flows.Grant, a client secret (flows.App) or a
// passphrase held in an unexported field would print raw under %v. Every
// type of this package that holds one therefore formats itself, without
// them.

func (s authScreen) String() string {
	return fmt.Sprintf("tui.authScreen{app: %q, phase: %d}", s.a.App.ID, s.a.Phase)
}
func (s authScreen) GoString() string { return s.String() }

// String describes the model without any of the data it holds.
func (m Model) String() string {
	return fmt.Sprintf("tui.Model{step: %d, quitting: %v}", m.v.Step, m.quitting)
}

// GoString is String.
func (m Model) GoString() string { return m.String() }

// String formats the event through its own String (a passphrase or a
// client secret typed never shows).
func (m eventMsg) String() string { return fmt.Sprintf("tui.eventMsg{%v}", m.ev) }

// GoString is String.
func (m eventMsg) GoString() string { return m.String() }
