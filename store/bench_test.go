package store

import (
	"bytes"
	"testing"

	"filippo.io/age"
)

// benchKinds returns each protection kind with the identities that open it.
func benchKinds(b *testing.B) []struct {
	name string
	prot Protection
	ids  []age.Identity
} {
	var out []struct {
		name string
		prot Protection
		ids  []age.Identity
	}
	for _, kp := range keyPairs(b, true) {
		if kp.name == "passphrase" {
			continue // the low test work factor; passphrase-real is the real one
		}
		var ids []age.Identity
		var err error
		if kp.keyFile != "" {
			ids, err = ParseIdentityFile(kp.keyFile)
		} else {
			var id age.Identity
			id, err = PassphraseIdentity(NewSecret(fakePass))
			ids = []age.Identity{id}
		}
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, struct {
			name string
			prot Protection
			ids  []age.Identity
		}{kp.name, kp.prot, ids})
	}
	return out
}

// BenchmarkSeal measures sealing the test bundle (one app, ~1.3 KB of
// JSON padded to 2 KiB) per protection kind. scrypt is ~1 s by design.
func BenchmarkSeal(b *testing.B) {
	for _, k := range benchKinds(b) {
		b.Run(k.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sealBundle(testBundle(), k.prot); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOpen measures OpenBundle per protection kind.
func BenchmarkOpen(b *testing.B) {
	for _, k := range benchKinds(b) {
		sealed, err := sealBundle(testBundle(), k.prot)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(k.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(sealed)))
			for b.Loop() {
				if _, err := OpenBundle(bytes.NewReader(sealed), k.ids...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
