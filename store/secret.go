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
// The zero Secret is empty; IsZero reports it.
type Secret struct {
	v string
}

// NewSecret wraps s.
func NewSecret(s string) Secret { return Secret{v: s} }

// Reveal returns the wrapped value. Never pass it to a logger, an error or
// the terminal.
func (s Secret) Reveal() string { return s.v }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == "" }

// Equal reports whether two secrets hold the same value.
func (s Secret) Equal(o Secret) bool { return s.v == o.v }

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
