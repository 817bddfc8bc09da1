package main

// Tests of the --demo parts (demo.go).

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows/webextest"
)

// stepClock is a clock that moves only when told.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *stepClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// TestDemoApprovesAfterShown: the demo's fake approves a code so that the
// wizard's poll demoAutoApprove after it shows the code gets the token,
// however long before the code was issued: the wizard asks for the next
// app's code ahead and polls it first one interval after showing it.
func TestDemoApprovesAfterShown(t *testing.T) {
	clock := &stepClock{now: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	opts := demoServerOptions()
	opts.Clock = clock
	srv := webextest.NewServer(opts)
	defer srv.Close()
	app := webextest.DemoIntegrations()[0]
	post := func(path string, form url.Values) (int, map[string]any) {
		t.Helper()
		resp, err := srv.Client().Post(srv.URL+path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body
	}
	status, body := post("/v1/device/authorize", url.Values{"client_id": {app.ClientID}, "scope": {strings.Join(app.Scopes, " ")}})
	dc, _ := body["device_code"].(string)
	if status != http.StatusOK || dc == "" {
		t.Fatalf("authorize: %d %v", status, body)
	}
	poll := func() int {
		t.Helper()
		status, _ := post("/v1/device/token", url.Values{"grant_type": {webextest.DeviceGrantType}, "device_code": {dc},
			"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}})
		return status
	}
	clock.advance(time.Minute) // asked for ahead, shown a minute later
	clock.advance(demoInterval)
	if got := poll(); got != http.StatusPreconditionRequired {
		t.Fatalf("first poll, one interval after the code is shown: %d, want 428 (pending)", got)
	}
	clock.advance(demoAutoApprove - demoInterval)
	if got := poll(); got != http.StatusOK {
		t.Fatalf("poll %v after the code is shown: %d, want 200 (approved)", demoAutoApprove, got)
	}
}

// TestDemoRecipientReused: a second --demo run in the same folder seals to
// the identity the first one wrote.
func TestDemoRecipientReused(t *testing.T) {
	path := filepath.Join(t.TempDir(), demoIdentityName)
	first, err := demoRecipient(path)
	if err != nil {
		t.Fatal(err)
	}
	second, err := demoRecipient(path)
	if err != nil {
		t.Fatal(err)
	}
	if first != second || !strings.HasPrefix(first, "age1") {
		t.Fatalf("recipients %q then %q", first, second)
	}
	if err := os.WriteFile(path+"2", []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := demoRecipient(path + "2"); err == nil || !strings.Contains(err.Error(), "remove it") {
		t.Fatalf("a foreign file gives %v", err)
	}
}
