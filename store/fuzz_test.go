package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age/armor"
)

// FuzzOpenBundle feeds arbitrary bytes to OpenBundle with the vector
// identity: it must never panic, and every failure must be a one-line
// "store:" error wrapping one of the sentinels.
func FuzzOpenBundle(f *testing.F) {
	ids, err := ParseIdentityFile(filepath.Join("testdata", "identity.txt"))
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range []string{"good.age", "wrong-key.age", "truncated.age", "good.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", v))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	good, _ := os.ReadFile(filepath.Join("testdata", "good.age"))
	var armored bytes.Buffer
	aw := armor.NewWriter(&armored)
	aw.Write(good)
	aw.Close()
	f.Add(armored.Bytes())
	f.Add([]byte(ageIntro))
	f.Add([]byte(ageIntro + "-> scrypt AAAAAAAAAAAAAAAAAAAAAA 18\nAAAA\n--- AAAA\n"))
	f.Add([]byte(armorHeader + "\nYWdl\n-----END AGE ENCRYPTED FILE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := OpenBundle(bytes.NewReader(data), ids...)
		if err == nil {
			if _, err := MarshalBundle(b); err != nil {
				t.Fatalf("opened bundle does not re-marshal: %v", err)
			}
			return
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "store: ") || strings.ContainsAny(msg, "\n\r") {
			t.Fatalf("bad error text %q", msg)
		}
		for _, s := range []error{ErrNoIdentityMatch, ErrTampered, ErrTruncated, ErrNotAge, ErrUnknownFormat} {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("error matches no sentinel: %v", err)
	})
}
