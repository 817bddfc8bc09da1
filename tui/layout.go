package tui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// fit pads or cuts s to exactly h lines, each cut to w cells.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if len(l) > w && width(l) > w {
			lines[i] = truncate(l, w)
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// fitHeight pads or cuts s to exactly h lines.
func fitHeight(s string, h int) string {
	n := strings.Count(s, "\n") + 1
	switch {
	case n > h:
		i := 0
		for range h {
			i += strings.IndexByte(s[i:], '\n') + 1
		}
		return s[:i-1]
	case n < h:
		return s + strings.Repeat("\n", h-n)
	}
	return s
}

// width is lipgloss.Width with a fast path for text without escapes or
// wide characters (grapheme segmentation is most of View's cost).
func width(s string) int {
	if strings.IndexByte(s, 0x1b) >= 0 {
		return lipgloss.Width(s)
	}
	n := 0
	for _, r := range s {
		if r >= 0x1100 && !(r >= 0x2000 && r <= 0x28FF) { // punctuation, arrows, blocks, braille are narrow
			return lipgloss.Width(s)
		}
		n++
	}
	return n
}

// wrap wraps s to w cells at spaces only, so that a URL, a host name or
// a path (dashes and slashes included) is never split between lines. A word
// wider than w gets lines of its own and is cut there as a last resort,
// preferably after a slash. Runs of spaces inside a line are kept; a line's
// leading spaces are kept on its first line.
func wrap(s string, w int) string {
	if w <= 0 {
		return s
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		if width(para) <= w {
			out = append(out, para)
			continue
		}
		out = append(out, wrapLine(para, w)...)
	}
	return strings.Join(out, "\n")
}

// wrapLine wraps one line (no newline) wider than w.
func wrapLine(line string, w int) []string {
	var out []string
	var cur strings.Builder
	curW := 0
	flush := func() {
		out = append(out, cur.String())
		cur.Reset()
		curW = 0
	}
	first := true
	for rest := line; rest != ""; {
		// The next space run and the word after it.
		i := 0
		for i < len(rest) && rest[i] == ' ' {
			i++
		}
		sp := rest[:i]
		j := strings.IndexByte(rest[i:], ' ')
		if j < 0 {
			j = len(rest) - i
		}
		word := rest[i : i+j]
		rest = rest[i+j:]
		if !first && curW == 0 {
			sp = "" // a break eats the spaces
		}
		first = false
		ww := width(word)
		if word == "" {
			continue // trailing spaces
		}
		if curW > 0 && curW+len(sp)+ww > w {
			flush()
			sp = ""
		}
		if len(sp)+ww <= w {
			cur.WriteString(sp + word)
			curW += len(sp) + ww
			continue
		}
		// Wider than a line: lines of its own, cut.
		if curW > 0 {
			flush()
		}
		for _, l := range breakWord(word, w) {
			cur.WriteString(l)
			flush()
		}
	}
	if curW > 0 || cur.Len() > 0 {
		flush()
	}
	return out
}

// breakWord cuts a word wider than w into lines of at most w cells, after a
// slash when one falls in the second half of the line.
func breakWord(word string, w int) []string {
	if strings.IndexByte(word, 0x1b) >= 0 || width(word) != len(word) {
		return strings.Split(ansi.Hardwrap(word, w, false), "\n")
	}
	var out []string
	for len(word) > w {
		cut := w
		if k := strings.LastIndexByte(word[:w], '/'); k >= w/2 {
			cut = k + 1
		}
		out = append(out, word[:cut])
		word = word[cut:]
	}
	return append(out, word)
}

// truncate cuts s to w cells, marking the cut with "…".
func truncate(s string, w int) string { return ansi.Truncate(s, w, "…") }
