package store

import "testing"

// TestReceiptOrg: the receipt's org line says what is known, never "()".
func TestReceiptOrg(t *testing.T) {
	for _, tc := range []struct {
		org  Org
		want string
	}{
		{Org{Name: "Acme", ID: "Y2lz"}, "Acme (Y2lz)"},
		{Org{ID: "Y2lz"}, "name unknown (Y2lz)"},
		{Org{Name: "Acme"}, "Acme"},
		{Org{}, "not identified"},
	} {
		if got := receiptOrg(tc.org); got != tc.want {
			t.Errorf("receiptOrg(%+v) = %q, want %q", tc.org, got, tc.want)
		}
	}
}
