package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsExample decodes the complete example in docs/bundle.md, so the
// documentation cannot drift from the format.
func TestDocsExample(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile(filepath.Join("..", "docs", "bundle.md"))
	if err != nil {
		t.Skip("docs/bundle.md not found")
	}
	_, rest, ok := strings.Cut(string(doc), "### Complete example")
	if !ok {
		t.Fatal("no complete example")
	}
	_, rest, _ = strings.Cut(rest, "```json\n")
	js, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("no json block")
	}
	b, err := unmarshalBundle([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Apps) != 2 || !b.Apps[1].RefreshTokenExpiry.IsZero() || b.Apps[0].AccessToken.Reveal() != "tok-FAKE-access-presence-0123456789" {
		t.Errorf("example decoded to %+v", b)
	}
	again, err := MarshalBundle(b)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(again)) != strings.TrimSpace(js) {
		t.Errorf("example is not what MarshalBundle writes:\n%s", again)
	}
}
