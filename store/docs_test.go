package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// TestApproverNotIdentifiedWire: an approver not identified, with who
// probably approved, round-trips through the bundle's JSON under the
// optional keys docs/bundle.md names; an identified approver's JSON has
// none of them (what version-1 readers already read).
func TestApproverNotIdentifiedWire(t *testing.T) {
	t.Parallel()
	b := Bundle{Apps: []AppGrant{
		{AppID: "users-sync", Approver: Approver{PersonID: "p1", Email: "ada@acme.example", DisplayName: "Ada", FullAdmin: true}},
		{AppID: "cdr", Approver: Approver{NotIdentified: "this app's token may not read people",
			Inferred: &InferredApprover{PersonID: "p1", Email: "ada@acme.example", DisplayName: "Ada", FromApp: "users-sync", FromName: "Users", Apart: 90 * time.Second}}},
	}}
	js, err := MarshalBundle(b)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join("..", "docs", "bundle.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"not_identified", "inferred", "from_app", "apart_seconds"} {
		if !strings.Contains(string(js), `"`+k+`"`) || !strings.Contains(string(doc), "`"+k) && !strings.Contains(string(doc), "."+k+"`") {
			t.Errorf("key %s not written, or not documented", k)
		}
	}
	first, _, _ := strings.Cut(string(js), `"app_id": "cdr"`)
	if strings.Contains(first, "not_identified") || strings.Contains(first, "inferred") {
		t.Errorf("an identified approver has the new keys:\n%s", first)
	}
	got, err := unmarshalBundle(js)
	if err != nil {
		t.Fatal(err)
	}
	a := got.Apps[1].Approver
	if a.NotIdentified != b.Apps[1].Approver.NotIdentified || a.Inferred == nil || a.Inferred.FromApp != "users-sync" ||
		a.Inferred.Apart != 90*time.Second || a.Inferred.FromName != "" || a.PersonID != "" || a.FullAdmin {
		t.Errorf("round trip: %+v %+v", a, a.Inferred)
	}
}
