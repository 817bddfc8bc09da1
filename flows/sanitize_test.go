package flows

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "ABCD-1234", "ABCD-1234"},
		{"unicode kept", "Società Ünïcødé 株式会社 👩‍💻", "Società Ünïcødé 株式会社 👩‍💻"},
		{"CSI colour", "\x1b[31mred\x1b[0m text", "red text"},
		{"CSI clear screen", "a\x1b[2J\x1b[Hb", "ab"},
		{"CSI private", "a\x1b[?1049hb", "ab"},
		{"OSC title BEL", "x\x1b]0;pwned\x07y", "xy"},
		{"OSC hyperlink ST", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"OSC 52 clipboard", "a\x1b]52;c;ZXZpbA==\x07b", "ab"},
		{"unterminated OSC", "safe\x1b]0;rest of it", "safe"},
		{"DCS", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"APC PM SOS", "a\x1b_apc\x1b\\b\x1b^pm\x1b\\c\x1bXsos\x1b\\d", "abcd"},
		{"two-byte ESC", "a\x1bcb\x1b7c\x1b(Bd", "abcd"},
		{"lone ESC at end", "abc\x1b", "abc"},
		{"C1 CSI", "a\u009b31mb", "ab"},
		{"C1 OSC with C1 ST", "a\u009d0;t\u009cb", "ab"},
		{"C1 controls", "a\u0085b\u0090x\u009cc\u0080d", "a bcd"},
		{"C0 controls", "a\x00b\x07c\x08d\x7fe", "abcde"},
		{"whitespace to space", "a\tb\nc\r\nd", "a b c  d"},
		{"bidi override", "user\u202eexe.txt", "userexe.txt"},
		{"bidi isolates", "\u2066a\u2067b\u2068c\u2069", "abc"},
		{"marks and zero width", "a\u200eb\u200fc\u200bd\ufeffe\u061cf", "abcdef"},
		{"line separator", "a\u2028b", "a b"},
		{"invalid utf8", "a\xffb\xc3", "ab"},
		{"trimmed", "  x  ", "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sanitize(tc.in); got != tc.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"ABCD", "\x1b[31mx", "\x1b]0;t\x07", "\u202e", "a\u009bb", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		for _, r := range out {
			if unicode.IsControl(r) || invisible(r) {
				t.Fatalf("Sanitize(%q) = %q keeps %U", s, out, r)
			}
		}
		if again := Sanitize(out); again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, again)
		}
	})
}
