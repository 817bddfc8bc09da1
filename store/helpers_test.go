package store

import (
	"crypto/sha256"
	"reflect"
	"testing"
	"time"

	"filippo.io/age"
)

// Fake tokens: recognisable, so leak tests can search for them.
const (
	fakeAccess  = "tok-FAKE-access-9f8e7d"
	fakeRefresh = "tok-FAKE-refresh-1a2b3c"
	fakePass    = "tok-FAKE-passphrase-correct-horse"
)

var t0 = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

func testBundle() Bundle {
	return Bundle{
		Created:     t0,
		ToolVersion: "v0.1.0-test",
		Customer: Customer{
			Company: "Acme S.p.A.", AdminEmail: "admin@acme.example", Deployment: DeploymentCloud,
			UCXHost: "ucx.acme.example", Engineer: "Jo Engineer", Notes: "test",
		},
		Org: Org{ID: "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9hY21l", Name: "Acme", UserCount: 1234},
		Apps: []AppGrant{{
			AppID: "presence", AppName: "Attendant Console Presence Connector",
			ClientID:           "C1468e046a54f78620ca6d1b16eda8096165d0f960078c8e38c5ac09fb7f7f120",
			Scopes:             []string{"spark-admin:people_read", "spark-admin:organizations_read"},
			AccessToken:        NewSecret(fakeAccess),
			AccessTokenExpiry:  t0.Add(14 * 24 * time.Hour),
			RefreshToken:       NewSecret(fakeRefresh),
			RefreshTokenExpiry: t0.Add(90 * 24 * time.Hour),
			TokenType:          "Bearer",
			Approver:           Approver{PersonID: "person-1", Email: "admin@acme.example", DisplayName: "Ada Admin", FullAdmin: true},
			ApprovedAt:         t0.Add(-time.Minute),
		}},
		Warnings: []string{"organization has more than 1,000 users"},
	}
}

// sameBundle compares bundles, Secrets by value.
func sameBundle(t *testing.T, got, want Bundle) {
	t.Helper()
	if len(got.Apps) != len(want.Apps) {
		t.Fatalf("apps: got %d, want %d", len(got.Apps), len(want.Apps))
	}
	for i := range got.Apps {
		g, w := got.Apps[i], want.Apps[i]
		if !g.AccessToken.Equal(w.AccessToken) || !g.RefreshToken.Equal(w.RefreshToken) {
			t.Fatalf("app %d: tokens differ", i)
		}
		g.AccessToken, g.RefreshToken, w.AccessToken, w.RefreshToken = Secret{}, Secret{}, Secret{}, Secret{}
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("app %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	got.Apps, want.Apps = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("bundle:\n got %+v\nwant %+v", got, want)
	}
}

func newX25519(t testing.TB) (*age.X25519Identity, Protection) {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewRecipientProtection([]string{id.Recipient().String()})
	if err != nil {
		t.Fatal(err)
	}
	return id, p
}

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }

// Tests seal passphrase bundles with a low scrypt work factor: at 2^18
// each operation takes ~1 s, ~8 s under -race. TestRoundTrip/passphrase-real
// and the benchmarks use the real one.
func init() { scryptWorkFactor = 10 }

// realScrypt returns a passphrase protection at the production work factor.
func realScrypt(t testing.TB, pass string) Protection {
	t.Helper()
	p, err := NewPassphraseProtection(NewSecret(pass))
	if err != nil {
		t.Fatal(err)
	}
	p.recipients[0].(*age.ScryptRecipient).SetWorkFactor(maxScryptWorkFactor)
	return p
}

// closeAtEnd closes d when the test ends. A Drafts keeps the lock file of
// every draft it holds open until Close, and Windows removes no open file:
// without it the test's TempDir could not be removed.
func closeAtEnd(t *testing.T, d *Drafts) {
	t.Cleanup(func() { d.Close() })
}
