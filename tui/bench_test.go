package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// trivialModel is the baseline: a minimal Bubble Tea model whose View
// renders one styled line.
type trivialModel struct{ style lipgloss.Style }

func (m trivialModel) Init() tea.Cmd                       { return nil }
func (m trivialModel) Update(tea.Msg) (tea.Model, tea.Cmd) { return m, nil }
func (m trivialModel) View() string {
	return m.style.Render("Hello from a minimal Bubble Tea program") + "\n\npress q to quit"
}

// BenchmarkBaselineView is View() of a trivial model, measured in the same
// run as BenchmarkAuthView so that a ratio can be reported.
func BenchmarkBaselineView(b *testing.B) {
	m := trivialModel{style: lipgloss.NewStyle().Bold(true)}
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkAuthView is View() of the whole wizard on the authorization
// screen, QR code cached (it is rendered once per code and layout).
func BenchmarkAuthView(b *testing.B) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}} {
		b.Run(sz.name, func(b *testing.B) {
			f := newFixture(b, sz.w, sz.h, nil)
			f.toAuth()
			f.withCode()
			f.at(42e9)
			b.ReportAllocs()
			for b.Loop() {
				_ = f.m.View()
			}
		})
	}
}

// BenchmarkQRRender is the one-off cost View avoids: rendering the QR code.
func BenchmarkQRRender(b *testing.B) {
	for b.Loop() {
		if _, err := renderQR(completeURI, 2, true, lipgloss.NewStyle()); err != nil {
			b.Fatal(err)
		}
	}
}
