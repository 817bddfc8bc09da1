package store

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"filippo.io/age"
)

var update = flag.Bool("update", false, "rewrite the testdata vectors (TestGenerateVectors)")

// The committed vectors, as in age's testkit: one fixed identity and
// files sealed to it (good, truncated) or to another key (wrong-key).
var vectors = []struct {
	file string
	want error // nil: opens and equals good.json's bundle
}{
	{"good.age", nil},
	{"wrong-key.age", ErrNoIdentityMatch},
	{"truncated.age", ErrTruncated},
}

// TestGenerateVectors rewrites testdata with -update. The identity is kept
// if it exists, so regenerating only re-seals.
func TestGenerateVectors(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata vectors")
	}
	idPath := filepath.Join("testdata", "identity.txt")
	if _, err := os.Stat(idPath); err != nil {
		if _, err := GenerateIdentityFile(idPath); err != nil {
			t.Fatal(err)
		}
	}
	ids, err := ParseIdentityFile(idPath)
	if err != nil {
		t.Fatal(err)
	}
	x := ids[0].(redactedIdentity).id.(*age.X25519Identity)
	p, err := NewRecipientProtection([]string{x.Recipient().String()})
	if err != nil {
		t.Fatal(err)
	}
	good, err := sealBundle(testBundle(), p)
	if err != nil {
		t.Fatal(err)
	}
	_, other := newX25519(t)
	wrong, err := sealBundle(testBundle(), other)
	if err != nil {
		t.Fatal(err)
	}
	js, err := MarshalBundle(testBundle())
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"good.age":      good,
		"wrong-key.age": wrong,
		"truncated.age": good[:len(good)-100],
		"good.json":     append(js, '\n'),
	} {
		if err := os.WriteFile(filepath.Join("testdata", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(idPath, 0o644) // a test identity, committed on purpose
}

func TestVectors(t *testing.T) {
	t.Parallel()
	ids, err := ParseIdentityFile(filepath.Join("testdata", "identity.txt"))
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, err := os.ReadFile(filepath.Join("testdata", "good.json"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := unmarshalBundle(wantJSON)
	if err != nil {
		t.Fatal(err)
	}
	sameBundle(t, want, testBundle())
	for _, v := range vectors {
		t.Run(v.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("testdata", v.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := OpenBundle(bytes.NewReader(data), ids...)
			if v.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				sameBundle(t, got, want)
				return
			}
			if !errors.Is(err, v.want) {
				t.Fatalf("got %v, want %v", err, v.want)
			}
		})
	}
}
