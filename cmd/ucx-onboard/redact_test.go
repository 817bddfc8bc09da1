package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/flows/webextest"
	"github.com/imagicle/ucx-onboard/internal/leakcheck"
	"github.com/imagicle/ucx-onboard/store"
	core "github.com/imagicle/ucx-onboard/tui/wizard"
)

// cutSecret is a 45-character client secret, as the issue's.
const cutSecret = "sec-FAKE-Zq8vN3xK7pL2mR9tW4yB6cD1fG5hJ0kSaEu"

// skipClock is a virtual clock: After(d) moves Now on by d at once.
type skipClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *skipClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *skipClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(max(d, 0))
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// cutEcho is a careless Webex: its device authorization is good, and its
// token endpoint answers 400 with the request's Authorization header (the
// Basic credentials) cut: its first n characters in the message, its last
// n in the trackingId.
type cutEcho struct {
	mu   sync.Mutex
	n    int
	seen []string // the headers echoed
	url  string
	dc   int
}

func (s *cutEcho) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == "/v1/device/authorize" {
		s.dc++
		fmt.Fprintf(w, `{"device_code":"dc-FAKE-%d-0123456789abcdef","user_code":"729703","verification_uri":"%s/verify","expires_in":300,"interval":5}`, s.dc, s.url)
		return
	}
	h := r.Header.Get("Authorization")
	s.seen = append(s.seen, h)
	n := min(s.n, len(h))
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": "bad request: " + h[:n], "trackingId": h[len(h)-n:]})
}

// TestBasicEchoCutRedacted: a server that echoes the Basic credentials cut
// at every length, from the start (in Webex's message) and from the end
// (in its trackingId): no 12 characters of the client secret, in any
// encoding, reach the error, the screen's words for it (ErrorText,
// ErrorDetail) or the --debug log.
func TestBasicEchoCutRedacted(t *testing.T) {
	s := &cutEcho{}
	srv := httptest.NewServer(s)
	defer srv.Close()
	s.url = srv.URL
	demo := webextest.DemoApps()[1]
	cat, err := flows.ParseCatalog(bytes.NewReader(webextest.DemoCatalogJSON()), "", func(k string) string {
		if k == demo.SecretEnv {
			return cutSecret
		}
		return "demo-secret-FAKE-other"
	})
	if err != nil {
		t.Fatal(err)
	}
	var app flows.App
	for _, a := range cat.Apps {
		if a.ID == demo.ID {
			app = a
		}
	}
	c, err := flows.NewClient(flows.Config{BaseURL: srv.URL, HTTPClient: srv.Client(), Clock: &skipClock{now: time.Now()}})
	if err != nil {
		t.Fatal(err)
	}
	l, err := openDebugLog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var texts []string
	for n := 0; ; n++ {
		s.mu.Lock()
		s.n = n
		s.mu.Unlock()
		dc, err := c.Start(ctx, app, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Wait(ctx, app, dc, func(ev flows.PollEvent) {
			if ev.Err != nil {
				texts = append(texts, ev.Err.Error())
			}
		})
		if err == nil {
			t.Fatal("Wait succeeded against a server that only refuses")
		}
		texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), core.ErrorText(err), core.ErrorDetail(err))
		l.Error("wait", err, "app", app.ID, "detail", core.ErrorDetail(err))
		s.mu.Lock()
		done := n > len(s.seen[len(s.seen)-1])
		s.mu.Unlock()
		if done {
			break
		}
	}
	l.Close()
	log, err := os.ReadFile(l.path)
	if err != nil {
		t.Fatal(err)
	}
	texts = append(texts, string(log))
	// The test can fail: the whole header holds the secret.
	if len(leakcheck.Runs(s.seen[0], cutSecret)) == 0 {
		t.Fatalf("leakcheck finds no secret in the Basic header %q", s.seen[0])
	}
	redacted := 0
	for _, txt := range texts {
		if runs := leakcheck.Runs(txt, cutSecret); len(runs) > 0 {
			t.Errorf("%q holds %q", txt, runs)
		}
		if strings.Contains(txt, "[redacted]") {
			redacted++
		}
	}
	if redacted == 0 {
		t.Error("nothing was redacted: the echo did not happen")
	}
	t.Logf("%d header lengths echoed, %d texts checked, %d redacted", len(s.seen), len(texts), redacted)
}

// TestStderrRedacted: what goes to stderr passes through store.Redact: a
// client secret pasted on the command line by mistake (after the catalog
// registered it) is not printed back in the flag error.
func TestStderrRedacted(t *testing.T) {
	secret := "sec-FAKE-pasted-0123456789abcdef"
	store.RegisterClientSecret("C-pasted", store.NewSecret(secret))
	var stdout, stderr bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	code := run(context.Background(), e, []string{"--accessible", "--" + secret})
	if code == 0 {
		t.Fatalf("exit 0 for an unknown flag\n%s", stderr.String())
	}
	if runs := leakcheck.Runs(stderr.String()+stdout.String(), secret); len(runs) > 0 {
		t.Errorf("stderr holds %q:\n%s", runs, stderr.String())
	}
	if !strings.Contains(stderr.String(), "[redacted]") {
		t.Errorf("the flag is not named (redacted) on stderr:\n%s", stderr.String())
	}
}

// TestInspectRedacted: inspect prints no token, not even one the bundle's
// approver name or org name echoes.
func TestInspectRedacted(t *testing.T) {
	dir := t.TempDir()
	idPath := filepath.Join(dir, "ucx.key")
	recipient, err := store.GenerateIdentityFile(idPath)
	if err != nil {
		t.Fatal(err)
	}
	p, err := store.NewRecipientProtection([]string{recipient})
	if err != nil {
		t.Fatal(err)
	}
	b := bundleCmdFixture()
	access, refresh := "tok-FAKE-inspect-access-0123456789", "tok-FAKE-inspect-refresh-0123456789"
	b.Apps[0].AccessToken, b.Apps[0].RefreshToken = store.NewSecret(access), store.NewSecret(refresh)
	b.Apps[0].Approver.DisplayName = access
	b.Org.Name = "Org " + refresh[4:]
	path := filepath.Join(dir, "acme.ucxbundle")
	if _, err := store.WriteBundle(path, b, p); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCmd(t, "inspect", path, "-i", idPath)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if runs := leakcheck.Runs(stdout+stderr, access, refresh); len(runs) > 0 {
		t.Errorf("inspect prints %q:\n%s", runs, stdout)
	}
	if !strings.Contains(stdout, "[redacted]") {
		t.Errorf("the names are not shown (redacted):\n%s", stdout)
	}
}
