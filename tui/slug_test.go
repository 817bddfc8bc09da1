package tui

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestSlugTransliterates: accented and other Latin letters are spelled in
// ASCII, not turned into dashes.
func TestSlugTransliterates(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Müller & Söhne Großhandel", "muller-sohne-grosshandel"},
		{"Müller & Söhne Großhandel GmbH – Süd", "muller-sohne-grosshandel-gmbh-sud"},
		{"Società", "societa"},
		{"Città", "citta"},
		{"Crème Brûlée SARL", "creme-brulee-sarl"},
		{"STRASSE ẞ", "strasse-ss"},
		{"Æbeltoft Øl", "aebeltoft-ol"},
		{"Łódź Spółka", "lodz-spolka"},
		{"Đakovo Œuvre", "dakovo-oeuvre"},
		{"Þórshöfn", "thorshofn"},
		{"ﬁrma ２０２６", "firma-2026"},
		{"İstanbul Işık", "istanbul-isik"},
		{"日本 Corp", "corp"},
		{"日本", "customer"},
		{"Acme S.p.A.", "acme-s-p-a"},
		{"", "customer"},
	} {
		if got := Slug(tc.in); got != tc.want {
			t.Errorf("Slug(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// The cap counts the spelled-out letters: 40 "ß" are 80 letters, cut to 64.
	if got := Slug(strings.Repeat("ß", 40)); got != strings.Repeat("s", MaxSlugLen) {
		t.Errorf("Slug(40×ß) = %q", got)
	}
}

// FuzzSlug: whatever the input, the slug is non-empty, at most MaxSlugLen
// bytes of [a-z0-9-], without a dash at either end or two in a row.
func FuzzSlug(f *testing.F) {
	for _, s := range []string{"Müller & Söhne Großhandel GmbH – Süd", "Società", "", "\xff\xfe", "ǅ ﬃ ẞ Ø", strings.Repeat("é", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Slug(s)
		if got == "" || len(got) > MaxSlugLen || !utf8.ValidString(got) {
			t.Fatalf("Slug(%q) = %q", s, got)
		}
		for _, r := range got {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				t.Fatalf("Slug(%q) = %q: %q", s, got, r)
			}
		}
		if strings.HasPrefix(got, "-") || strings.HasSuffix(got, "-") || strings.Contains(got, "--") {
			t.Fatalf("Slug(%q) = %q", s, got)
		}
	})
}
