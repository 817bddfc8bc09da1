package tui

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/mdp/qrterminal/v3"
	"rsc.io/qr"
)

// qrCode is a QR code rendered once into terminal cells (half blocks).
type qrCode struct {
	content string
	quiet   int
	scale   int      // cells a module takes: scale columns by scale half-rows
	lines   []string // plain glyph lines, equal width
	w, h    int      // in cells
	view    string   // lines joined, styled for display
}

// qrFits reports whether content fits a QR code at level L (over capacity
// qrterminal panics, so check first).
func qrFits(content string) error {
	if content == "" {
		return fmt.Errorf("nothing to encode")
	}
	if _, err := qr.Encode(content, qr.L); err != nil {
		return fmt.Errorf("qr: %v", err)
	}
	return nil
}

// qrInk is the code's own colours where colours are off (NO_COLOR):
// bright white glyphs on black. That is not decoration but the code itself:
// without it the glyphs take the terminal's foreground, and a light theme
// (which many terminals do not report, so the background cannot be told)
// shows the code inverted, which phones do not read.
const (
	qrInk   = "\x1b[97;40m"
	qrReset = "\x1b[0m"
)

// renderQR renders content with half blocks, error correction L and the
// given quiet zone. qrterminal draws light modules as glyphs, right only
// when glyphs are light on a dark background, so the code always brings
// its own: st (white on black) with colours, the plain qrInk escape
// without them (noColor), whatever the terminal's theme.
func renderQR(content string, quiet int, noColor bool, st lipgloss.Style) (qrCode, error) {
	if err := qrFits(content); err != nil {
		return qrCode{}, err
	}
	var buf bytes.Buffer
	cfg := qrterminal.Config{
		Level:          qrterminal.L,
		Writer:         &buf,
		HalfBlocks:     true,
		QuietZone:      quiet,
		WhiteChar:      qrterminal.WHITE_WHITE,
		BlackChar:      " ",
		WhiteBlackChar: qrterminal.WHITE_BLACK,
		BlackWhiteChar: qrterminal.BLACK_WHITE,
	}
	qrterminal.GenerateWithConfig(content, cfg)
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	return finishQR(qrCode{content: content, quiet: quiet, scale: 1}, lines, cfg.WhiteChar, noColor, st), nil
}

// renderQRScaled renders content like renderQR (level L, light modules as
// glyphs, the same forced white on black) with bigger modules: each takes
// scale columns and scale half-rows, square like renderQR's; scale 2 is
// full blocks, two cells a module. The quiet zone is in modules.
func renderQRScaled(content string, quiet, scale int, noColor bool, st lipgloss.Style) (qrCode, error) {
	if scale <= 1 {
		return renderQR(content, quiet, noColor, st)
	}
	code, err := qr.Encode(content, qr.L) // what qrterminal encodes with
	if err != nil || content == "" {
		return qrCode{}, qrFits(content)
	}
	n := code.Size + 2*quiet         // modules a side
	light := func(px, py int) bool { // a pixel (column, half-row) of the code
		mx, my := px/scale-quiet, py/scale-quiet
		return py >= n*scale || !code.Black(mx, my) // outside the grid Black is false: quiet zone
	}
	w, hh := n*scale, n*scale // in columns and half-rows
	lines := make([]string, 0, (hh+1)/2)
	for y := 0; y < hh; y += 2 {
		var b strings.Builder
		for x := range w {
			switch top, bottom := light(x, y), light(x, y+1); {
			case top && bottom:
				b.WriteString(qrterminal.WHITE_WHITE)
			case top:
				b.WriteString(qrterminal.WHITE_BLACK)
			case bottom:
				b.WriteString(qrterminal.BLACK_WHITE)
			default:
				b.WriteString(" ")
			}
		}
		lines = append(lines, b.String())
	}
	return finishQR(qrCode{content: content, quiet: quiet, scale: scale}, lines, qrterminal.WHITE_WHITE, noColor, st), nil
}

// finishQR measures the glyph lines, pads them to a rectangle with pad
// (light) and styles them white on black.
func finishQR(c qrCode, lines []string, pad string, noColor bool, st lipgloss.Style) qrCode {
	c.lines, c.h = lines, len(lines)
	for _, l := range lines {
		c.w = max(c.w, lipgloss.Width(l))
	}
	for i, l := range lines { // pad to a rectangle
		if d := c.w - lipgloss.Width(l); d > 0 {
			lines[i] = l + strings.Repeat(pad, d)
		}
	}
	styled := make([]string, len(lines))
	for i, l := range lines {
		if noColor {
			styled[i] = qrInk + l + qrReset
		} else {
			styled[i] = st.Render(l)
		}
	}
	c.view = strings.Join(styled, "\n")
	return c
}
