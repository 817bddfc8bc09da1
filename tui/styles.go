package tui

import "github.com/charmbracelet/lipgloss"

// Styles are all the lipgloss styles of the wizard, built once by
// DefaultStyles. With NO_COLOR (Ascii profile) lipgloss drops the colours
// and the wizard still reads right: every state also has a word or a mark.
type Styles struct {
	Header    lipgloss.Style // top bar: product, step
	Badge     lipgloss.Style // "DEMO"
	Title     lipgloss.Style // screen title
	Label     lipgloss.Style // "User code" in front of a value
	Code      lipgloss.Style // the user code, big and bold
	URL       lipgloss.Style
	Dim       lipgloss.Style // secondary text
	OK        lipgloss.Style // ✓
	Warn      lipgloss.Style // !
	Err       lipgloss.Style // ✗
	Remedy    lipgloss.Style // box around a remedy
	Help      lipgloss.Style // key help line
	HelpKey   lipgloss.Style
	Button    lipgloss.Style // COMPLETE REQUEST, focused
	ButtonOff lipgloss.Style // COMPLETE REQUEST, not focused
	Selected  lipgloss.Style // cursor row in lists
	// QR forces light modules white on black so that the code scans on
	// light and dark themes alike (PROBES.md); with NO_COLOR it renders
	// nothing and the glyph mapping follows the background instead.
	QR lipgloss.Style
}

// spinnerFrames animate the status line, one frame per clock tick.
var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// DefaultStyles builds the wizard's styles.
func DefaultStyles() Styles {
	accent := lipgloss.AdaptiveColor{Light: "#0B5CAD", Dark: "#5FB3FF"}
	dim := lipgloss.AdaptiveColor{Light: "#666666", Dark: "#9A9A9A"}
	green := lipgloss.AdaptiveColor{Light: "#1A7F37", Dark: "#3FB950"}
	yellow := lipgloss.AdaptiveColor{Light: "#9A6700", Dark: "#D29922"}
	red := lipgloss.AdaptiveColor{Light: "#CF222E", Dark: "#F85149"}
	return Styles{
		Header:    lipgloss.NewStyle().Bold(true).Foreground(accent),
		Badge:     lipgloss.NewStyle().Bold(true).Foreground(yellow),
		Title:     lipgloss.NewStyle().Bold(true),
		Label:     lipgloss.NewStyle().Foreground(dim),
		Code:      lipgloss.NewStyle().Bold(true).Foreground(accent),
		URL:       lipgloss.NewStyle().Underline(true),
		Dim:       lipgloss.NewStyle().Foreground(dim),
		OK:        lipgloss.NewStyle().Foreground(green),
		Warn:      lipgloss.NewStyle().Foreground(yellow),
		Err:       lipgloss.NewStyle().Foreground(red),
		Remedy:    lipgloss.NewStyle().Border(lipgloss.NormalBorder(), false, false, false, true).BorderForeground(yellow).PaddingLeft(1),
		Help:      lipgloss.NewStyle().Foreground(dim),
		HelpKey:   lipgloss.NewStyle().Bold(true),
		Button:    lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#FFFFFF")).Background(accent).Padding(0, 2),
		ButtonOff: lipgloss.NewStyle().Foreground(dim).Padding(0, 2),
		Selected:  lipgloss.NewStyle().Bold(true).Foreground(accent),
		QR:        lipgloss.NewStyle().Foreground(lipgloss.Color("#FFFFFF")).Background(lipgloss.Color("#000000")),
	}
}
