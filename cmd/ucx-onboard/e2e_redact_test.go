//go:build !windows

package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows/webextest"
	"github.com/imagicle/ucx-onboard/internal/leakcheck"
)

// hostileWebex stands in front of the fake Webex and echoes what it is
// sent: once armed, the first poll of each device code is answered 503
// with the Basic credentials cut 12 characters short; the approver's
// displayName and the org's name are the bearer token, and the approver
// has no role (a warning, in the bundle); counting the org's users is
// answered 400 with the token less its last 3 characters.
type hostileWebex struct {
	next    http.Handler
	mu      sync.Mutex
	armed   bool
	polls   map[string]int
	echoes  int
	renamed int
}

func (h *hostileWebex) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	token := strings.TrimPrefix(auth, "Bearer ")
	h.mu.Lock()
	defer h.mu.Unlock()
	fail := func(status int, msg string) {
		h.echoes++
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"message": msg, "trackingId": "TRK-hostile"})
	}
	switch {
	case r.URL.Path == "/v1/device/token":
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		dc := form.Get("device_code")
		h.polls[dc]++
		if h.armed && h.polls[dc] == 1 && len(auth) > 12 {
			fail(http.StatusServiceUnavailable, "echo: "+auth[:len(auth)-12])
			return
		}
	case r.URL.Path == "/v1/people" && token != "":
		fail(http.StatusBadRequest, "no such token "+token[:len(token)-3])
		return
	case r.URL.Path == "/v1/people/me" || strings.HasPrefix(r.URL.Path, "/v1/organizations/"):
		rec := httptest.NewRecorder()
		h.next.ServeHTTP(rec, r)
		var m map[string]any
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &m) != nil {
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		m["displayName"] = token
		if r.URL.Path == "/v1/people/me" {
			m["roles"] = []string{}
		}
		h.renamed++
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(m)
		return
	}
	h.next.ServeHTTP(w, r)
}

// TestE2EHostileEchoRedacted: against a Webex that echoes the Basic
// credentials cut short into an error and the access token into the
// approver's and the org's names, a full-screen run with --debug writes
// no 12 characters of any token, device code or client secret to the
// terminal (everything the program wrote, escape sequences included), the
// receipt, the bundle's warnings or the debug log.
func TestE2EHostileEchoRedacted(t *testing.T) {
	t.Parallel()
	x := newE2E(t)
	target, err := url.Parse(x.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	h := &hostileWebex{next: httputil.NewSingleHostReverseProxy(target), polls: map[string]int{}}
	proxy := httptest.NewServer(h)
	defer proxy.Close()
	for i, a := range x.args {
		if a == x.srv.URL {
			x.args[i] = proxy.URL
		}
	}
	x.args = append(x.args, "--debug")
	term := x.start()
	x.passChecks(term)
	h.mu.Lock()
	h.armed = true
	h.mu.Unlock()
	x.throughForm(term)
	for n := 1; n <= 4; n++ {
		x.approve(term, n)
		// Every approver lacks the Full Admin role (or, for a token that
		// cannot read people/me, is not identified): keep it anyway.
		screen := waitAny(t, term, "check who approved", "Press i to try again")
		x.noTokenOnScreen(screen)
		term.Type("a")
	}
	x.noTokenOnScreen(term.WaitFor(screenTimeout, "COMPLETE REQUEST"))
	x.complete(term)

	h.mu.Lock()
	echoes, renamed := h.echoes, h.renamed
	h.mu.Unlock()
	if echoes < 4 || renamed < 4 {
		t.Fatalf("the hostile server echoed %d errors and renamed %d answers: the test did not happen", echoes, renamed)
	}
	var secrets []string
	for _, it := range x.srv.Issued() {
		secrets = append(secrets, it.AccessToken, it.RefreshToken)
	}
	for _, a := range webextest.DemoApps() {
		secrets = append(secrets, a.ClientSecret)
	}
	receipt, err := os.ReadFile(x.out + ".receipt.txt")
	if err != nil {
		t.Fatal(err)
	}
	debugLog, err := os.ReadFile(filepath.Join(x.dir, "state", debugLogName))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(builtBinary(t), "open", x.out, "-i", x.identity)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	var b struct {
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatal(err)
	}
	if len(b.Warnings) == 0 {
		t.Error("the bundle has no warning: the approvers' names were not used")
	}
	transcript := term.Transcript()
	if !strings.Contains(transcript, "[redacted]") || !strings.Contains(string(receipt), "[redacted]") {
		t.Errorf("nothing redacted on the terminal or in the receipt: the names were not echoed")
	}
	for name, text := range map[string]string{
		"terminal": transcript, "receipt": string(receipt), "debug log": string(debugLog),
		"bundle warnings": strings.Join(b.Warnings, "\n"),
	} {
		if runs := leakcheck.Runs(text, secrets...); len(runs) > 0 {
			t.Errorf("the %s holds %d runs of secrets, e.g. %q", name, len(runs), runs[0])
		}
		if strings.Contains(text, "dc-FAKE-") {
			t.Errorf("the %s holds a device code", name)
		}
	}
}

// waitAny waits until the screen holds one of texts, and returns it.
func waitAny(t *testing.T, term *terminal, texts ...string) string {
	t.Helper()
	deadline := time.Now().Add(screenTimeout)
	for {
		screen := term.Screen()
		for _, s := range texts {
			if strings.Contains(screen, s) {
				return screen
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("none of %q on the screen:\n%s", texts, screen)
		}
		select {
		case <-term.updates:
		case <-term.exited:
			t.Fatalf("the wizard exited; screen:\n%s", term.Screen())
		case <-time.After(time.Until(deadline) + time.Millisecond):
		}
	}
}
