package store

import (
	"bytes"
	"errors"
	"testing"

	"filippo.io/age"
)

var sentinels = []error{ErrNoIdentityMatch, ErrTampered, ErrTruncated, ErrNotAge, ErrUnknownFormat}

// kindOf names the sentinels err matches.
func kindOf(err error) []error {
	var ks []error
	for _, s := range sentinels {
		if errors.Is(err, s) {
			ks = append(ks, s)
		}
	}
	return ks
}

// TestTamper flips each byte of a small X25519 bundle in turn: every case
// fails, with the sentinel of the region hit, in one line, without panic.
func TestTamper(t *testing.T) {
	t.Parallel()
	id, p := newX25519(t)
	good, err := sealBundle(testBundle(), p)
	if err != nil {
		t.Fatal(err)
	}
	hdr, err := age.ExtractHeader(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	intro := len(ageIntro)
	macLine := bytes.LastIndex(hdr, []byte("\n---")) + 1
	for i := range good {
		for _, mask := range []byte{0x01, 0x80} {
			bad := bytes.Clone(good)
			bad[i] ^= mask
			_, err := OpenBundle(bytes.NewReader(bad), id)
			var want []error
			switch {
			case i < intro:
				want = []error{ErrNotAge}
			case i < macLine:
				// A recipient line: age cannot tell it from a file
				// sealed for someone else, unless it no longer parses.
				want = []error{ErrNoIdentityMatch, ErrTampered}
			default:
				want = []error{ErrTampered}
			}
			checkErr(t, "flip", i, err, want)
			if errors.Is(err, ErrTruncated) {
				t.Errorf("flip byte %d (mask %#x): reported as truncated: %v", i, mask, err)
			}
		}
	}
	t.Logf("%d flips of a %d-byte bundle", 2*len(good), len(good))
}

// TestTruncate cuts the bundle at every length: always ErrTruncated, but
// for the documented blind spot: a cut that leaves the payload exactly a
// whole number of padding blocks long is indistinguishable from a
// modified file by length, so it reports ErrTampered ("damaged or was
// modified"). The test bundle has two apps, so its plaintext spans two
// blocks and the blind spot is exercised.
func TestTruncate(t *testing.T) {
	t.Parallel()
	id, p := newX25519(t)
	b := testBundle()
	b.Apps = append(b.Apps, b.Apps[0])
	good, err := sealBundle(b, p)
	if err != nil {
		t.Fatal(err)
	}
	hdr, err := age.ExtractHeader(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(good)-len(hdr)-ageNonceSize-ageTagSize < 2*padBlock {
		t.Fatalf("test bundle too small: %d bytes", len(good))
	}
	blind := 0
	for n := 0; n < len(good); n++ {
		_, err := OpenBundle(bytes.NewReader(good[:n]), id)
		want := []error{ErrTruncated}
		if payload := n - len(hdr) - ageNonceSize; payload > ageTagSize && paddedPayload(payload) {
			want = []error{ErrTampered}
			blind++
		}
		checkErr(t, "cut", n, err, want)
	}
	t.Logf("%d cuts of a %d-byte bundle, %d in the blind spot", len(good), len(good), blind)
	if blind != 1 {
		t.Errorf("%d cuts in the blind spot, want 1", blind)
	}
	if _, err := OpenBundle(bytes.NewReader(good), id); err != nil {
		t.Fatalf("untouched bundle: %v", err)
	}
}

func checkErr(t *testing.T, what string, i int, err error, want []error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s at %d: opened without error", what, i)
	}
	msg := err.Error()
	if bytes.ContainsAny([]byte(msg), "\n\r") || !bytes.HasPrefix([]byte(msg), []byte("store: ")) {
		t.Errorf("%s at %d: not a one-line store error: %q", what, i, msg)
	}
	for _, w := range want {
		if errors.Is(err, w) {
			return
		}
	}
	t.Errorf("%s at %d: got %v (kinds %v), want one of %v", what, i, err, kindOf(err), want)
}
