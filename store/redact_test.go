package store

import (
	"encoding/base64"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/internal/leakcheck"
)

// Values with characters that every escaping changes, longer than the
// window.
const (
	leakClientID = "C0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	leakSecret   = "sec-FAKE/pa+ss=w:rd~0123456789abcdefghijklmnopq" // 45 characters
	leakToken    = "tok-FAKE_abcdefghij0123456789ABCDEFGHIJ_PF84_fedcba"
)

// secretRuns is leakcheck.Runs.
var secretRuns = leakcheck.Runs

func TestRedactorBasicCut(t *testing.T) {
	var r Redactor
	r.AddClientSecret(leakClientID, leakSecret)
	pair := []byte(url.QueryEscape(leakClientID) + ":" + url.QueryEscape(leakSecret))
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		header := "Basic " + enc.EncodeToString(pair)
		for n := 0; n <= len(header); n++ {
			for _, text := range []string{
				"echo: " + header[:n] + " end",    // cut short
				"echo: " + header[len(header)-n:], // its end
				header[n/2:n] + "…",               // a middle part
			} {
				if n == len(header) && len(secretRuns(text, leakSecret)) == 0 {
					t.Fatalf("secretRuns finds nothing in the whole header %q", text)
				}
				got := r.Redact(text)
				if l := secretRuns(got, leakSecret); len(l) > 0 {
					t.Fatalf("Redact(%q) = %q holds %q", text, got, l)
				}
			}
		}
	}
	// The secret re-encoded alone, cut at every point of its start: three
	// alignments.
	for cut := 0; cut < 6; cut++ {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
			text := enc.EncodeToString([]byte(leakSecret[cut:]))
			if got := r.Redact(text); len(secretRuns(got, leakSecret)) > 0 {
				t.Errorf("cut %d: %q left %q", cut, text, got)
			}
		}
	}
	// secretRuns itself finds a 9-byte re-encoded part.
	if len(secretRuns(base64.StdEncoding.EncodeToString([]byte("x"+leakSecret[10:22])), leakSecret)) == 0 {
		t.Fatal("secretRuns misses a base64 part")
	}
}

func TestRedactorTable(t *testing.T) {
	var r Redactor
	r.Add(leakToken)
	r.Add("short-11chr") // shorter than the window: not held
	for _, tc := range []struct{ name, in, want string }{
		{"whole", "Bearer " + leakToken, "Bearer [redacted]"},
		{"name", "Approver: " + leakToken[:20] + ".", "Approver: [redacted]."},
		{"11 characters", "x" + leakToken[5:16] + "x", "x" + leakToken[5:16] + "x"},
		{"12 characters", "x" + leakToken[5:17] + "x", "x[redacted]x"},
		{"two parts", leakToken[:14] + " and " + leakToken[20:40], "[redacted] and [redacted]"},
		{"escaped", url.QueryEscape("a/" + leakToken), "a%2F[redacted]"},
		{"short secret", "short-11chr", "short-11chr"},
		{"nothing", "Acme Industries S.p.A.", "Acme Industries S.p.A."},
		{"utf-8 kept whole", "é" + leakToken[:13] + "ü", "é[redacted]ü"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.Redact(tc.in); got != tc.want {
				t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	var empty Redactor
	if got := empty.Redact("Bearer " + leakToken); got != "Bearer "+leakToken {
		t.Errorf("an empty Redactor changed the text: %q", got)
	}
}

func TestRedactorControlSpliced(t *testing.T) {
	var r Redactor
	r.Add("tok-\x07FAKE-0123456789")
	if got := r.Redact("x tok-FAKE-0123456789 y"); got != "x [redacted] y" {
		t.Errorf("the control-free form is not held: %q", got)
	}
}

func TestRegisterRedact(t *testing.T) {
	tok := NewSecret("tok-FAKE-registered-" + strings.Repeat("z", 20))
	RegisterSecret(tok)
	RegisterClientSecret(leakClientID, NewSecret("sec-FAKE-registered-0123456789"))
	if got := Redact("name " + tok.Reveal()[3:30]); got != "name [redacted]" {
		t.Errorf("Redact = %q", got)
	}
	if got := Redact("x sec-FAKE-registered-01 y"); got != "x [redacted] y" {
		t.Errorf("Redact = %q", got)
	}
}

func FuzzRedact(f *testing.F) {
	f.Add("Basic " + base64.StdEncoding.EncodeToString([]byte(leakClientID+":"+leakSecret)))
	f.Add("é" + leakToken[3:])
	var r Redactor
	r.AddClientSecret(leakClientID, leakSecret)
	r.Add(leakToken)
	f.Fuzz(func(t *testing.T, s string) {
		got := r.Redact(s)
		if l := secretRuns(got, leakToken); len(l) > 0 {
			t.Errorf("Redact(%q) = %q holds %q", s, got, l)
		}
		if strings.Contains(got, leakSecret[:12]) {
			t.Errorf("Redact(%q) = %q holds the secret", s, got)
		}
	})
}

// BenchmarkRedact: Redact of a screen-sized text (4 KiB, nothing to find)
// with the secrets of a 4-app onboarding held, against copying the text
// (the baseline: what handing it on costs), in the same run.
func BenchmarkRedact(b *testing.B) {
	var r Redactor
	for i := range 4 {
		r.AddClientSecret(leakClientID, leakSecret+string(rune('a'+i)))
		r.Add(leakToken + string(rune('a'+i)))
		r.Add("ref-" + leakToken + string(rune('a'+i)))
		r.Add("dc-" + leakToken + string(rune('a'+i)))
	}
	text := strings.Repeat("│ Approver   Marco Rossi <admin@acme.example>, Full Administrator  │\n", 4096/70)
	b.Run("baseline", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			_ = strings.Clone(text)
		}
	})
	b.Run("redact", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			_ = r.Redact(text)
		}
	})
}

// TestRedactorFindsEveryWindow: Redact, which probes every fourth byte,
// finds a 12-byte run of a held form at every offset and every length,
// in texts of every length around it.
func TestRedactorFindsEveryWindow(t *testing.T) {
	var r Redactor
	r.Add(leakToken)
	for start := 0; start+RedactWindow <= len(leakToken); start++ {
		for end := start + RedactWindow; end <= len(leakToken); end++ {
			for pad := 0; pad < 6; pad++ {
				text := strings.Repeat(".", pad) + leakToken[start:end] + strings.Repeat(",", pad%3)
				want := strings.Repeat(".", pad) + "[redacted]" + strings.Repeat(",", pad%3)
				if got := r.Redact(text); got != want {
					t.Fatalf("Redact(%q) = %q, want %q", text, got, want)
				}
			}
		}
	}
}

// TestReceiptAndWarningsRedacted: a bundle whose names and warnings hold
// its own tokens (a hostile server's echo) gets a receipt, which says it
// holds no secret, and warnings without 12 characters of any of them.
func TestReceiptAndWarningsRedacted(t *testing.T) {
	id, p := newX25519(t)
	b := testBundle()
	b.Apps[0].Approver.DisplayName = fakeAccess
	b.Apps[0].Approver.Email = fakeRefresh + "@acme.example"
	b.Org.Name = "Org " + fakeAccess[3:]
	b.Warnings = []string{fakeAccess + " is not a Full Administrator.", "x" + fakeRefresh[4:]}
	path := t.TempDir() + "/acme.ucxbundle"
	rc, err := WriteBundle(path, b, p)
	if err != nil {
		t.Fatal(err)
	}
	receipt, err := os.ReadFile(rc.ReceiptPath)
	if err != nil {
		t.Fatal(err)
	}
	if runs := secretRuns(string(receipt), fakeAccess, fakeRefresh); len(runs) > 0 {
		t.Errorf("the receipt holds %q:\n%s", runs, receipt)
	}
	if strings.Count(string(receipt), "[redacted]") < 3 {
		t.Errorf("the receipt's names are not redacted:\n%s", receipt)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := OpenBundle(f, id)
	if err != nil {
		t.Fatal(err)
	}
	if runs := secretRuns(strings.Join(got.Warnings, "\n"), fakeAccess, fakeRefresh); len(runs) > 0 || len(got.Warnings) != 2 {
		t.Errorf("warnings %q hold %q", got.Warnings, runs)
	}
	if got.Apps[0].AccessToken.Reveal() != fakeAccess {
		t.Error("the bundle's token itself was changed")
	}
}
