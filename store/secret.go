package store

import (
	"fmt"
	"log/slog"
)

// redacted is what every rendering of a Secret prints.
const redacted = "[redacted]"

// Secret holds a credential (an OAuth access or refresh token, a device
// code, a client secret, a passphrase) so that it cannot leak by accident:
// String, GoString, Format, LogValue, MarshalJSON and MarshalText all render
// "[redacted]". Only Reveal returns the value; call it at the single point
// where the value is put on the wire or sealed into a bundle.
//
// The value sits behind a pointer: where fmt meets a Secret through an
// unexported struct field it cannot call these methods and prints the
// field's contents by reflection, which then shows an address, not the value.
//
// The zero Secret is empty; IsZero reports it. Compare with Equal, not ==.
type Secret struct {
	p *string
}

// NewSecret wraps s.
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{p: &s}
}

// Reveal returns the wrapped value. Never pass it to a logger, an error or
// the terminal.
func (s Secret) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.Reveal() == "" }

// Equal reports whether two secrets hold the same value.
func (s Secret) Equal(o Secret) bool { return s.Reveal() == o.Reveal() }

// String implements fmt.Stringer and returns "[redacted]".
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer and returns "[redacted]".
func (s Secret) GoString() string { return redacted }

// Format implements fmt.Formatter so that every verb, %x and %q included,
// prints "[redacted]".
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON renders "[redacted]": a Secret never reaches JSON by accident.
// Code that must serialise the value (the bundle writer) copies Reveal()
// into a plain string field of its own wire type.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText renders "[redacted]".
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
