package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/imagicle/ucx-onboard/store"
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

// BenchmarkViewRedaction is what redacting a frame costs: View (the frame
// passed through store.Redact) against the frame alone, in the same run,
// on the authorization screen (the one redrawn on every tick) and the
// review, at 80x24 and 120x40, with the secrets of a 4-app onboarding
// registered (client secrets with their Basic credentials, tokens,
// device codes). Redact is the redaction alone, of the same frame.
func BenchmarkViewRedaction(b *testing.B) {
	for i := range 4 {
		id := string(rune('a' + i))
		store.RegisterClientSecret("C0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde"+id,
			store.NewSecret("bench-secret-"+id+"-0123456789abcdefghijklmnopqrstuv"))
		for _, p := range []string{"tok-", "ref-", "dc-"} {
			store.RegisterSecret(store.NewSecret(p + "BENCH-" + id + "-ZDI3MGEyYzQtNmFlNS00NDNhLWFlNzAtZGI4MjM0ZjE0YjY5_PF84_1eb65fdf-9643-417f-9974-ad72cae0e10f"))
		}
	}
	screens := map[string]func(f *fixture){
		"auth":   func(f *fixture) { f.toAuth(); f.withCode(); f.at(42e9) },
		"review": func(f *fixture) { f.toReviewAllOK() },
	}
	for _, name := range []string{"auth", "review"} {
		for _, sz := range []struct {
			name string
			w, h int
		}{{"80x24", 80, 24}, {"120x40", 120, 40}} {
			f := newFixture(b, sz.w, sz.h, nil)
			screens[name](f)
			b.Run(name+"/"+sz.name+"/frame", func(b *testing.B) {
				for b.Loop() {
					_ = f.m.frame()
				}
			})
			b.Run(name+"/"+sz.name+"/View", func(b *testing.B) {
				for b.Loop() {
					_ = f.m.View()
				}
			})
			frame := f.m.frame()
			b.Run(name+"/"+sz.name+"/Redact", func(b *testing.B) {
				b.SetBytes(int64(len(frame)))
				for b.Loop() {
					_ = store.Redact(frame)
				}
			})
		}
	}
}
