package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretNeverRenders(t *testing.T) {
	const tok = "tok-FAKE-secret-value"
	s := NewSecret(tok)
	wrapped := struct {
		A Secret
		B *Secret
		C []Secret
	}{s, &s, []Secret{s}}

	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "s", s)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "s", s)
	js, err := json.Marshal(wrapped)
	if err != nil {
		t.Fatal(err)
	}
	renderings := map[string]string{
		"log":  logs.String(),
		"json": string(js),
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		renderings[verb] = fmt.Sprintf(verb, s)
		renderings[verb+" struct"] = fmt.Sprintf(verb, wrapped)
	}
	for name, out := range renderings {
		if strings.Contains(out, tok) || strings.Contains(out, fmt.Sprintf("%x", tok)) {
			t.Errorf("%s leaks the secret: %s", name, out)
		}
	}
	if s.Reveal() != tok || s.IsZero() || !NewSecret("").IsZero() || !s.Equal(NewSecret(tok)) {
		t.Fatal("Reveal/IsZero/Equal broken")
	}
}

// holder keeps a Secret in an unexported field: fmt cannot call Secret's
// methods there (reflection may not call methods of unexported fields), so
// the value itself must not be printable.
type holder struct {
	name string
	tok  Secret
	toks []Secret
}

func TestSecretInUnexportedField(t *testing.T) {
	const tok = "tok-FAKE-unexported-field"
	h := holder{name: "x", tok: NewSecret(tok), toks: []Secret{NewSecret(tok)}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		for _, v := range []any{h, &h, []holder{h}} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, tok) || strings.Contains(out, fmt.Sprintf("%x", tok)) {
				t.Errorf("%s of %T leaks the secret: %s", verb, v, out)
			}
		}
	}
}
