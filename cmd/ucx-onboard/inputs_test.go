package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/store"
)

// TestOutputCheckReceipt: with --out, the preflight refuses a taken
// bundle name and a taken receipt name (<out>.receipt.txt) alike, instead
// of failing at COMPLETE REQUEST after every approval.
func TestOutputCheckReceipt(t *testing.T) {
	for _, tc := range []struct {
		name   string
		exists string // "", "bundle" or "receipt"
	}{
		{"both free", ""},
		{"bundle taken", "bundle"},
		{"receipt taken", "receipt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "acme.ucxbundle")
			taken := map[string]string{"bundle": out, "receipt": out + store.ReceiptSuffix}[tc.exists]
			if taken != "" {
				if err := os.WriteFile(taken, []byte("x"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			ck := outputCheck(out, dir)
			if tc.exists == "" {
				if !ck.OK || ck.Detail != "bundle will be "+out {
					t.Fatalf("check %+v; want OK", ck)
				}
				return
			}
			if ck.OK || !ck.Blocking || ck.Detail != taken+" exists already" || !strings.Contains(ck.Fix, "never overwritten") {
				t.Fatalf("check %+v; want a blocking failure naming %s", ck, taken)
			}
		})
	}
}
