package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
)

// TestParseRecipientsFileSize: a recipients file over 1 MiB is refused as
// a whole, never read in part (the keys past 1 MiB used to be dropped
// without a word); one of exactly 1 MiB is read to its last key.
func TestParseRecipientsFileSize(t *testing.T) {
	key := func() string {
		x, err := age.GenerateX25519Identity()
		if err != nil {
			t.Fatal(err)
		}
		return x.Recipient().String()
	}
	first, last := key(), key()
	// build returns a file of exactly size bytes: first key, comment
	// padding, last key.
	build := func(size int) []byte {
		head := first + "\n"
		tail := last + "\n"
		pad := size - len(head) - len(tail)
		var b strings.Builder
		b.WriteString(head)
		for pad > 0 {
			n := min(pad, 200)
			b.WriteString("#" + strings.Repeat("x", n-2) + "\n")
			pad -= n
			if pad == 1 { // never leave one byte: a line needs "#\n"
				b.WriteString("\n")
				pad = 0
			}
		}
		b.WriteString(tail)
		return []byte(b.String())
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		size    int
		wantErr bool
	}{
		{"exactly 1 MiB", 1 << 20, false},
		{"one byte over", 1<<20 + 1, true},
		{"2 MiB", 2 << 20, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := build(tc.size)
			if len(data) != tc.size {
				t.Fatalf("fixture is %d bytes, want %d", len(data), tc.size)
			}
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			keys, err := ParseRecipientsFile(path)
			if !tc.wantErr {
				if err != nil || len(keys) != 2 || keys[1] != last {
					t.Fatalf("got %d keys, %v; want both keys", len(keys), err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted %d bytes with %d keys; want it refused", tc.size, len(keys))
			}
			if !errors.Is(err, ErrBadRecipient) || !strings.Contains(err.Error(), "larger than 1 MiB") {
				t.Fatalf("error %q: want ErrBadRecipient saying larger than 1 MiB", err)
			}
		})
	}
}
