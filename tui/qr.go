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

// renderQR renders content with half blocks, error correction L and the
// given quiet zone. Polarity: qrterminal draws light modules as glyphs,
// which is right when glyphs are light on a dark background. With colours
// (noColor false) the code is forced white-on-black by st; without colours
// the glyphs take the terminal's own foreground, so on a light background
// (dark false) the mapping is inverted and dark modules become glyphs.
func renderQR(content string, quiet int, noColor, dark bool, st lipgloss.Style) (qrCode, error) {
	if err := qrFits(content); err != nil {
		return qrCode{}, err
	}
	var buf bytes.Buffer
	cfg := qrterminal.Config{
		Level:      qrterminal.L,
		Writer:     &buf,
		HalfBlocks: true,
		QuietZone:  quiet,
	}
	if noColor && !dark {
		cfg.WhiteChar = " "
		cfg.BlackChar = qrterminal.WHITE_WHITE
		cfg.WhiteBlackChar = qrterminal.BLACK_WHITE // top light, bottom dark: lower glyph
		cfg.BlackWhiteChar = qrterminal.WHITE_BLACK // top dark: upper glyph
	} else {
		cfg.WhiteChar = qrterminal.WHITE_WHITE
		cfg.BlackChar = " "
		cfg.WhiteBlackChar = qrterminal.WHITE_BLACK
		cfg.BlackWhiteChar = qrterminal.BLACK_WHITE
	}
	qrterminal.GenerateWithConfig(content, cfg)
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	c := qrCode{content: content, quiet: quiet, lines: lines, h: len(lines)}
	for _, l := range lines {
		c.w = max(c.w, lipgloss.Width(l))
	}
	for i, l := range lines { // pad to a rectangle
		if d := c.w - lipgloss.Width(l); d > 0 {
			lines[i] = l + strings.Repeat(cfg.WhiteChar, d)
		}
	}
	if noColor {
		c.view = strings.Join(lines, "\n")
	} else {
		styled := make([]string, len(lines))
		for i, l := range lines {
			styled[i] = st.Render(l)
		}
		c.view = strings.Join(styled, "\n")
	}
	return c, nil
}
