package tui

import "fmt"

// fmt does not call String or Format on values reached through unexported
// struct fields, so a flows.Grant (or store.AppGrant) held in an unexported
// field would print its tokens raw under %v. Every type of this package that
// holds one therefore formats itself, without them.

func (m grantMsg) String() string {
	return fmt.Sprintf("tui.grantMsg{gen: %d, err: %v}", m.gen, m.err)
}
func (m grantMsg) GoString() string { return m.String() }

func (m appDoneMsg) String() string   { return "tui.appDoneMsg{" + m.res.String() + "}" }
func (m appDoneMsg) GoString() string { return m.String() }

func (m draftLoadedMsg) String() string {
	return fmt.Sprintf("tui.draftLoadedMsg{id: %q, apps: %d, err: %v}", m.draft.ID, len(m.draft.Apps), m.err)
}
func (m draftLoadedMsg) GoString() string { return m.String() }

func (s authScreen) String() string {
	return fmt.Sprintf("tui.authScreen{app: %q, gen: %d, state: %d}", s.app.ID, s.gen, s.state)
}
func (s authScreen) GoString() string { return s.String() }

// String describes the model without any of the data it holds.
func (m Model) String() string {
	return fmt.Sprintf("tui.Model{screen: %d, apps: %d, quitting: %v}", m.screen, len(m.s.Results), m.quitting)
}

// GoString is String.
func (m Model) GoString() string { return m.String() }

// String leaves out the device code (flows.DeviceCode formats itself, but
// not when reached through this message's unexported field).
func (m codeMsg) String() string {
	return fmt.Sprintf("tui.codeMsg{gen: %d, user code: %q, err: %v}", m.gen, m.code.UserCode, m.err)
}
func (m codeMsg) GoString() string { return m.String() }
