package tui

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/muesli/termenv"
)

// terminal is how a terminal paints the QR's glyphs.
type terminal struct {
	name       string
	glyphLight bool // glyphs drawn light on a dark background
}

var (
	darkTerm  = terminal{"dark terminal", true}
	lightTerm = terminal{"light terminal", false}
)

// decodeQR paints half-block lines as a terminal would (each cell one
// module wide and two tall; a margin of the terminal's background around)
// and decodes them with gozxing.
func decodeQR(lines []string, term terminal) (string, error) {
	const px = 6
	const margin = 4
	w, h := 0, 2*len(lines)
	for _, l := range lines {
		w = max(w, len([]rune(l)))
	}
	bg, ink := color.Gray{0}, color.Gray{255}
	if !term.glyphLight {
		bg, ink = color.Gray{255}, color.Gray{0}
	}
	img := image.NewGray(image.Rect(0, 0, (w+2*margin)*px, (h+2*margin)*px))
	for y := range img.Bounds().Dy() {
		for x := range img.Bounds().Dx() {
			img.SetGray(x, y, bg)
		}
	}
	paint := func(mx, my int) {
		for y := range px {
			for x := range px {
				img.SetGray((mx+margin)*px+x, (my+margin)*px+y, ink)
			}
		}
	}
	for row, l := range lines {
		for col, r := range []rune(l) {
			top, bottom := false, false
			switch r {
			case '█':
				top, bottom = true, true
			case '▀':
				top = true
			case '▄':
				bottom = true
			}
			if top {
				paint(col, 2*row)
			}
			if bottom {
				paint(col, 2*row+1)
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
	if err != nil {
		return "", err
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// qrFromView cuts the QR code out of a rendered screen: the rows that start
// with the cached code's first line, q.w cells wide.
func qrFromView(t *testing.T, view string, q *qrCode) []string {
	t.Helper()
	lines := strings.Split(ansi.Strip(view), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, q.lines[0]) && i+q.h <= len(lines) {
			var out []string
			for _, row := range lines[i : i+q.h] {
				out = append(out, string([]rune(row)[:q.w]))
			}
			return out
		}
	}
	t.Fatalf("QR code not found in the view:\n%s", view)
	return nil
}

// TestQRDecodes renders the authorization screen under NO_COLOR, cuts the
// QR code out of View() and decodes it back to the exact URL. The code
// brings its own white-on-black (qrInk) whatever the background the
// terminal reported (dark), including a light one reported as dark or not
// at all: it decodes as light glyphs on black, and the inverted reading
// must not decode.
func TestQRDecodes(t *testing.T) {
	cases := []struct {
		name       string
		w, h       int
		dark       bool
		full       bool // press f
		want       string
		wantLayout string
	}{
		{"complete_uri_120x40_dark", 120, 40, true, false, completeURI, "side"},
		{"complete_uri_120x40_light", 120, 40, false, false, completeURI, "side"},
		{"short_uri_80x24_dark", 80, 24, true, false, verifyURI, "short"},
		{"short_uri_80x24_light", 80, 24, false, false, verifyURI, "short"},
		{"fullscreen_80x24_dark", 80, 24, true, true, completeURI, "full"},
		{"fullscreen_80x24_light", 80, 24, false, true, completeURI, "full"},
		{"fullscreen_100x30", 100, 30, true, true, completeURI, "full"},
		{"fullscreen_200x60_bigger_modules", 200, 60, true, true, completeURI, "full"},
		{"fullscreen_200x60_bigger_modules_light", 200, 60, false, true, completeURI, "full"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.w, c.h, func(d *Deps) { d.DarkBackground = c.dark })
			f.toAuth()
			f.withCode()
			q := f.m.auth.lay.qr
			if c.full {
				f.step(press("f"))
				q = f.m.auth.lay.full
			}
			if q == nil {
				t.Fatal("no QR code in this layout")
			}
			if (c.wantLayout == "short") != f.m.auth.lay.short && !c.full {
				t.Fatalf("short = %v, want layout %s", f.m.auth.lay.short, c.wantLayout)
			}
			view := f.m.View()
			if n := strings.Count(view, qrInk); n != q.h {
				t.Fatalf("%d lines of the QR carry its own white-on-black, want %d", n, q.h)
			}
			lines := qrFromView(t, view, q)
			got, err := decodeQR(lines, darkTerm)
			if err != nil || got != c.want {
				t.Fatalf("decode = %q, %v; want %q", got, err, c.want)
			}
			if got, err := decodeQR(lines, lightTerm); err == nil {
				t.Fatalf("the inverted reading decoded %q: the test cannot tell polarities apart", got)
			}
		})
	}
}

// TestQRColour checks that with colours the code is forced white on black
// (so it scans on light and dark themes) and still decodes.
func TestQRColour(t *testing.T) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	st := r.NewStyle().Foreground(lipgloss.Color("#FFFFFF")).Background(lipgloss.Color("#000000"))
	for _, dark := range []bool{true, false} {
		q, err := renderQR(completeURI, 1, false, st)
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range strings.Split(q.view, "\n") {
			if !strings.Contains(l, "38;2;255;255;255") || !strings.Contains(l, "48;2;0;0;0") {
				t.Fatalf("line %d is not forced white on black: %q", i, l)
			}
		}
		got, err := decodeQR(strings.Split(ansi.Strip(q.view), "\n"), darkTerm)
		if err != nil || got != completeURI {
			t.Fatalf("dark=%v: decode = %q, %v", dark, got, err)
		}
	}
}

// TestQRSizes pins the sizes PROBES.md measured, and that over-capacity
// text is refused rather than panicking in qrterminal.
func TestQRSizes(t *testing.T) {
	for _, c := range []struct {
		text         string
		quiet        int
		wantW, wantH int
	}{
		{completeURI, 1, 47, 24}, {completeURI, 2, 49, 25}, {verifyURI, 1, 35, 18}, {verifyURI, 2, 37, 19},
	} {
		q, err := renderQR(c.text, c.quiet, true, lipgloss.NewStyle())
		if err != nil {
			t.Fatal(err)
		}
		if q.w != c.wantW || q.h != c.wantH {
			t.Errorf("%d chars, quiet %d: %dx%d, want %dx%d", len(c.text), c.quiet, q.w, q.h, c.wantW, c.wantH)
		}
	}
	if _, err := renderQR(strings.Repeat("x", 4000), 1, true, lipgloss.NewStyle()); err == nil {
		t.Error("over-capacity text: no error")
	}
	if _, err := renderQR("", 1, true, lipgloss.NewStyle()); err == nil {
		t.Error("empty text: no error")
	}
}

// TestQRComputedOnce checks the QR is rendered when the code arrives or the
// size changes, never in View.
func TestQRComputedOnce(t *testing.T) {
	f := newFixture(t, 120, 40, nil)
	f.toAuth()
	f.withCode()
	q := f.m.auth.lay.qr
	for range 3 {
		_ = f.m.View()
	}
	if f.m.auth.lay.qr != q {
		t.Fatal("View changed the layout")
	}
	n := len(f.m.auth.qrs)
	f.step(press("f"), press("f"))
	f.step(tickMsg{now: t0})
	if len(f.m.auth.qrs) != n {
		t.Fatalf("QR codes rendered again: %d, was %d", len(f.m.auth.qrs), n)
	}
	f.step(resize(80, 24))
	if f.m.auth.lay.qr == q || !f.m.auth.lay.short {
		t.Fatal("resize to 80x24 did not reflow to the short URI's QR")
	}
}

// TestFullQRTooSmallNoRender: the full-screen QR in a window too small for
// it says the size it needs, from the layout: View renders no QR code and
// leaves the cache alone.
func TestFullQRTooSmallNoRender(t *testing.T) {
	f := newFixture(t, 60, 20, nil)
	f.toAuth()
	f.withCode()
	f.step(press("f"))
	want := f.view()
	if !strings.Contains(want, "it needs") {
		t.Fatalf("no size hint:\n%s", want)
	}
	clear(f.m.auth.qrs) // View must not need (or fill) the cache
	if got := f.view(); got != want {
		t.Errorf("View changed:\n%s", got)
	}
	if len(f.m.auth.qrs) != 0 {
		t.Errorf("View rendered %d QR codes", len(f.m.auth.qrs))
	}
}

// TestFullQRQuietZone: the full-screen QR (f) takes the biggest quiet zone
// that fits, up to the four modules phones want; where the window allows
// more than the normal QR's, it is bigger than the normal one.
func TestFullQRQuietZone(t *testing.T) {
	cases := []struct {
		w, h      int
		wantQuiet int
		wantScale int
	}{
		{80, 24, 1, 1}, // the complete URI's code (v7, 45 modules) needs 24 rows at quiet zone 1
		{100, 30, 4, 1},
		{120, 40, 4, 1},
		{100, 47, 1, 2}, // full blocks, quiet zone 1: 94x47 (PROBES.md)
		{200, 60, 4, 2}, // 106x53, caption beside
		{240, 80, 4, 3}, // three cells a module: 159x80
		{150, 80, 2, 3}, // 147x74: quiet zone 3 would be 153 wide
		{140, 80, 4, 2}, // one column short of three cells a module (141)
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%dx%d", c.w, c.h), func(t *testing.T) {
			f := newFixture(t, c.w, c.h, nil)
			f.toAuth()
			f.withCode()
			f.step(press("f"))
			full := f.m.auth.lay.full
			if full == nil {
				t.Fatal("no full-screen QR")
			}
			if full.quiet != c.wantQuiet || full.scale != c.wantScale {
				t.Fatalf("quiet zone %d, scale %d; want %d, %d", full.quiet, full.scale, c.wantQuiet, c.wantScale)
			}
			if full.w > c.w || full.h > c.h {
				t.Fatalf("%dx%d QR in a %dx%d window", full.w, full.h, c.w, c.h)
			}
			if n := f.m.auth.lay.qr; c.wantScale > 1 && n != nil && full.w < c.wantScale*(n.w-2*n.quiet) {
				t.Fatalf("modules of the full-screen QR (%d wide) are not %d times the normal one's (%d wide)", full.w, c.wantScale, n.w)
			}
			if n := f.m.auth.lay.qr; n != nil && c.wantQuiet > 2 && full.h <= n.h {
				t.Fatalf("the full-screen QR (%dx%d) is no bigger than the normal one (%dx%d)", full.w, full.h, n.w, n.h)
			}
		})
	}
}

// TestQRScaledDecodes: bigger modules (scale 2: full blocks, two cells a
// module; scale 3: three columns and three half-rows) decode to the exact
// text with the forced polarity and not with the other, and measure what
// the layout predicts.
func TestQRScaledDecodes(t *testing.T) {
	for _, text := range []string{completeURI, verifyURI} {
		base, err := renderQR(text, 1, true, lipgloss.NewStyle())
		if err != nil {
			t.Fatal(err)
		}
		modules := base.w - 2
		for _, scale := range []int{1, 2, 3} {
			for _, quiet := range []int{1, 4} {
				t.Run(fmt.Sprintf("%d_chars_scale_%d_quiet_%d", len(text), scale, quiet), func(t *testing.T) {
					q, err := renderQRScaled(text, quiet, scale, true, lipgloss.NewStyle())
					if err != nil {
						t.Fatal(err)
					}
					n := modules + 2*quiet
					if q.w != n*scale || q.h != (n*scale+1)/2 || q.scale != scale {
						t.Fatalf("%dx%d (scale %d), want %dx%d", q.w, q.h, q.scale, n*scale, (n*scale+1)/2)
					}
					if scale == 2 && strings.ContainsAny(strings.Join(q.lines, ""), "▀▄") {
						t.Fatalf("scale 2 is not full blocks")
					}
					if got, err := decodeQR(q.lines, darkTerm); err != nil || got != text {
						t.Fatalf("decode = %q, %v", got, err)
					}
					if got, err := decodeQR(q.lines, lightTerm); err == nil {
						t.Fatalf("the inverted reading decoded %q", got)
					}
				})
			}
		}
	}
}
