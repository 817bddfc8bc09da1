package main

// Tests of the terminal's settings (terminal.go).

import "testing"

// TestDarkBackground: the background comes from COLORFGBG's last field
// (an ANSI colour: 7 and 9-15 are light), else it is dark; the terminal
// is never asked.
func TestDarkBackground(t *testing.T) {
	for _, tc := range []struct {
		colorfgbg string
		dark      bool
	}{
		{"", true},
		{"15;0", true},
		{"0;15", false},
		{"0;7", false},
		{"7;8", true},
		{"0;default;15", false},
		{"15;default;0", true},
		{"0;12", false},
		{"garbage", true},
		{"0;99", true},
	} {
		getenv := func(k string) string {
			if k == "COLORFGBG" {
				return tc.colorfgbg
			}
			return ""
		}
		if got := darkBackground(getenv); got != tc.dark {
			t.Errorf("COLORFGBG=%q: dark %v, want %v", tc.colorfgbg, got, tc.dark)
		}
	}
}
