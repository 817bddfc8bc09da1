package tui

import (
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// How a key reaches what it does: the active screen's own keys first (a
// text field, the QR code's size, the resume list), then the choice of the
// flow (wizard.View.Choices) whose Option.Key it is.

// typer is a screen with a text field that may have the keys (q is then a
// letter, and only Ctrl-C quits).
type typer interface{ typing() bool }

// claimer is a screen that takes some keys before the flow's choices
// (enter on the review's passphrase fields, every key but q on the full
// QR code).
type claimer interface{ claims(k string) bool }

// key takes a key: the active screen's own keys first (a text field, the
// QR's size, the resume list...), then the flow's choices.
func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	if m.quitting {
		return nil // the quit is confirmed: no key may change what is saved
	}
	sc := m.screens[m.v.Step]
	typing := m.typing()
	ctrlC := msg.String() == "ctrl+c"
	// A window too small shows only "Enlarge the window": no key may act on
	// a screen the engineer cannot see, except quitting as usual (q where
	// it is no text, Ctrl-C; the quit question waits for a window that
	// shows it, Ctrl-C again confirms it).
	if m.tooSmall() && !ctrlC && (typing || msg.String() != "q" || m.v.AskQuit) {
		return nil
	}
	if !m.v.AskQuit && !ctrlC {
		if cmd, ok := m.own(sc, msg); ok {
			return cmd
		}
	}
	// The quit question takes the keys from a text field (y, n, esc).
	if c, ok := m.choice(msg, typing && !m.v.AskQuit); ok {
		return m.handle(wizard.Pick{Choice: c})
	}
	return nil
}

// typing tells whether the active screen's text field has the keys (q is
// then a letter): never while the quit question is asked, which has them.
func (m *Model) typing() bool {
	t, ok := m.screens[m.v.Step].(typer)
	return ok && t.typing() && !m.v.AskQuit
}

// own passes msg to the active screen when the key is the screen's: while
// it types, when it claims the key, or when the flow offers no choice for
// it.
func (m *Model) own(sc screen, msg tea.KeyMsg) (tea.Cmd, bool) {
	t, ok := sc.(typer)
	cl, ok2 := sc.(claimer)
	switch {
	case ok && t.typing(), ok2 && cl.claims(msg.String()):
	default:
		if _, ok := m.choice(msg, false); ok {
			return nil, false
		}
	}
	return sc.update(msg), true
}

// choice maps a key to the flow's choice that has it: Ctrl-C is quit (and
// yes to the quit question), esc is no, enter accepts a warning.
func (m *Model) choice(msg tea.KeyMsg, typing bool) (wizard.Choice, bool) {
	k := msg.String()
	switch {
	case k == "ctrl+c" && m.v.AskQuit:
		return wizard.ChoiceQuitYes, true
	case k == "ctrl+c":
		return wizard.ChoiceQuit, slices.ContainsFunc(m.v.Choices, func(o wizard.Option) bool { return o.Choice == wizard.ChoiceQuit })
	case typing:
		return 0, false
	case k == "Y" || k == "N":
		k = strings.ToLower(k)
	case k == "esc" && (m.v.AskQuit || m.v.Auth != nil && m.v.Auth.AskSkip):
		k = "n"
	case k == "enter" && m.v.Auth != nil && m.v.Auth.Phase == wizard.PhaseWarning && !m.v.Auth.AskSkip:
		k = "a"
	}
	for _, o := range m.v.Choices {
		if o.Key == k {
			return o.Choice, true
		}
	}
	return 0, false
}
