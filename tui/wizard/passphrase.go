package wizard

import (
	"errors"
	"unicode/utf8"

	"github.com/imagicle/ucx-onboard/store"
)

// The passphrase rules' errors (CheckPassphrase).
var (
	// ErrPassphraseShort: fewer than store.MinPassphraseLen characters.
	ErrPassphraseShort = errors.New("passphrase too short")
	// ErrPassphraseMismatch: the two entries differ.
	ErrPassphraseMismatch = errors.New("passphrases differ")
)

// CheckPassphrase applies the rules of a bundle's passphrase, entered
// twice: at least store.MinPassphraseLen characters (as store requires),
// and the same both times. It returns ErrPassphraseShort or
// ErrPassphraseMismatch, or nil.
func CheckPassphrase(p1, p2 string) error {
	switch {
	case utf8.RuneCountInString(p1) < store.MinPassphraseLen:
		return ErrPassphraseShort
	case p1 != p2:
		return ErrPassphraseMismatch
	}
	return nil
}
