package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/imagicle/ucx-onboard/store"
)

var bundleT0 = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

func bundleCmdFixture() store.Bundle {
	return store.Bundle{
		Created:     bundleT0,
		ToolVersion: "v0.1.0-test",
		Customer: store.Customer{Company: "Acme S.p.A.", AdminEmail: "admin@acme.example", Deployment: store.DeploymentCloud,
			UCXHost: "ucx.acme.example", Engineer: "Jo", Notes: "evil \x1b[2J escape"},
		Org: store.Org{ID: "org-1", Name: "Acme", UserCount: 1500},
		Apps: []store.AppGrant{{
			AppID: "presence", AppName: "Attendant Console Presence Connector", ClientID: "C1468e",
			Scopes:      []string{"spark-admin:people_read"},
			AccessToken: store.NewSecret("tok-FAKE-access-cmd"), AccessTokenExpiry: bundleT0.Add(13 * 24 * time.Hour),
			RefreshToken: store.NewSecret("tok-FAKE-refresh-cmd"), RefreshTokenExpiry: bundleT0.Add(90 * 24 * time.Hour),
			TokenType:  "Bearer",
			Approver:   store.Approver{PersonID: "p1", Email: "other@acme.example", DisplayName: "Ada\u202eAdmin\u2066", FullAdmin: false},
			ApprovedAt: bundleT0,
		}},
		Warnings: []string{"organization has more than 1,000 users"},
	}
}

// runCmd runs ucx-onboard with args and returns exit code, stdout, stderr.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code := run(context.Background(), e, args)
	if strings.Contains(errb.String(), "goroutine ") || strings.Contains(errb.String(), "panic") {
		t.Fatalf("stack trace on stderr:\n%s", errb.String())
	}
	return code, out.String(), errb.String()
}

// checkFailure asserts a one-line error with a hint and no token.
func checkFailure(t *testing.T, code int, stdout, stderr, want string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	if code == 0 || stdout != "" || !strings.HasPrefix(lines[0], "ucx-onboard: ") || !strings.Contains(lines[0], want) {
		t.Errorf("exit %d, stdout %q, stderr %q; want failure mentioning %q", code, stdout, stderr, want)
	}
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "hint: ") {
		t.Errorf("want one error line and one hint line, got:\n%s", stderr)
	}
	if strings.Contains(stderr, "tok-FAKE") {
		t.Errorf("stderr leaks a token: %s", stderr)
	}
	// The engineer reads what happened, not where in the program.
	for _, internal := range []string{"store: ", "flows: ", "X25519"} {
		if strings.Contains(stderr, internal) {
			t.Errorf("stderr shows the program's internals (%q): %s", internal, stderr)
		}
	}
}

func TestKeygenOpenInspect(t *testing.T) {
	dir := t.TempDir()
	idPath := filepath.Join(dir, "ucx.txt")
	code, stdout, stderr := runCmd(t, "keygen", "-o", idPath)
	rcp := strings.TrimSpace(stdout)
	if code != 0 || !strings.HasPrefix(rcp, "age1") || strings.Contains(stdout, "AGE-SECRET-KEY") || !strings.Contains(stderr, idPath) {
		t.Fatalf("keygen: %d %q %q", code, stdout, stderr)
	}
	if fi, _ := os.Stat(idPath); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("identity mode %v", fi.Mode().Perm())
	}
	code, stdout, stderr = runCmd(t, "keygen", "-o", idPath)
	checkFailure(t, code, stdout, stderr, "already exists")

	p, err := store.NewRecipientProtection([]string{rcp})
	if err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(dir, "acme.ucxbundle")
	if _, err := store.WriteBundle(bundle, bundleCmdFixture(), p); err != nil {
		t.Fatal(err)
	}

	// open: the JSON, flags before or after the file.
	for _, args := range [][]string{{"open", bundle, "-i", idPath}, {"open", "-i", idPath, bundle}, {"open", "--identity", idPath, "--", bundle}} {
		code, stdout, stderr = runCmd(t, args...)
		if code != 0 || stderr != "" {
			t.Fatalf("%q: exit %d: %s", args, code, stderr)
		}
		var doc struct {
			Format string `json:"format"`
			Apps   []struct {
				AccessToken string `json:"access_token"`
			} `json:"apps"`
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil || doc.Format != "ucx-onboard-bundle" || doc.Apps[0].AccessToken != "tok-FAKE-access-cmd" {
			t.Fatalf("open output: %v %+v", err, doc)
		}
	}

	// inspect: summary, warnings, no token, no escape.
	bundleNow = func() time.Time { return bundleT0 }
	defer func() { bundleNow = time.Now }()
	code, stdout, stderr = runCmd(t, "inspect", bundle, "-i", idPath)
	if code != 0 || stderr != "" {
		t.Fatalf("inspect: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Acme S.p.A.", "Attendant Console Presence Connector", "more than 1,000",
		"(in 13 days)\n", "expires 2027-02-19 09:30 UTC (in 90 days)\n", "not a Full Administrator",
		"not the customer's named admin", "organization has more than 1,000 users", "receipt:     matches acme.ucxbundle.receipt.txt"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.ContainsAny(stdout, "\x1b\u202e\u2066") || strings.Contains(stdout, "tok-FAKE") {
		t.Errorf("inspect prints a token or an escape:\n%s", stdout)
	}
	if strings.Contains(stdout, "within 14 days") {
		t.Errorf("a fresh bundle warns about expiry:\n%s", stdout)
	}
	// The access token lapses routinely; the refresh token is what counts.
	bundleNow = func() time.Time { return bundleT0.Add(80 * 24 * time.Hour) }
	_, stdout, _ = runCmd(t, "inspect", bundle, "-i", idPath)
	if !strings.Contains(stdout, "UCX Suite renews it with the refresh token") || !strings.Contains(stdout, "WARNING: within 14 days") {
		t.Errorf("refresh token near expiry not flagged:\n%s", stdout)
	}
	bundleNow = func() time.Time { return bundleT0.Add(100 * 24 * time.Hour) }
	_, stdout, _ = runCmd(t, "inspect", bundle, "-i", idPath)
	if strings.Count(stdout, "EXPIRED") != 1 || !strings.Contains(stdout, "a new authorization is needed") {
		t.Errorf("expired refresh token not flagged:\n%s", stdout)
	}

	// Failures: one line, a hint, exit non-zero, nothing on stdout.
	other := filepath.Join(dir, "other.txt")
	runCmd(t, "keygen", "-o", other)
	data, _ := os.ReadFile(bundle)
	cut := filepath.Join(dir, "cut.ucxbundle")
	os.WriteFile(cut, data[:len(data)-40], 0o600)
	flipped := filepath.Join(dir, "flipped.ucxbundle")
	bad := bytes.Clone(data)
	bad[len(bad)-20] ^= 1
	os.WriteFile(flipped, bad, 0o600)
	notAge := filepath.Join(dir, "receipt")
	os.WriteFile(notAge, []byte("hello"), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"open", bundle, "-i", other}, "matches none of the 1 identities given (sealed to an age key)"},
		{[]string{"open", bundle}, "no identity given"},
		{[]string{"inspect", cut, "-i", idPath}, "truncated"},
		{[]string{"open", flipped, "-i", idPath}, "damaged or was modified"},
		{[]string{"open", notAge, "-i", idPath}, "not an age-encrypted file"},
		{[]string{"open", bundle, "-i", bundle}, "identity file"},
		{[]string{"open", bundle, "-i", filepath.Join(dir, "nope")}, "identity file " + filepath.Join(dir, "nope") + ": "},
		{[]string{"open", filepath.Join(dir, "nope"), "-i", idPath}, "read bundle " + filepath.Join(dir, "nope") + ": "},
	} {
		code, stdout, stderr := runCmd(t, tc.args...)
		checkFailure(t, code, stdout, stderr, tc.want)
	}
	// A missing file, bundle or identity, is said to be missing (in the
	// system's words, which differ: compared by identity) with the hint
	// to check its name.
	for _, args := range [][]string{{bundle, "-i", filepath.Join(dir, "nope")}, {filepath.Join(dir, "nope"), "-i", idPath}} {
		e := env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
		err := runOpen(context.Background(), e, args)
		if !errors.Is(err, fs.ErrNotExist) || hint(err) != "check the file name and path" {
			t.Errorf("open %q: %v (hint %q), want fs.ErrNotExist with the hint to check the name", args, err, hint(err))
		}
	}
	// Usage errors exit 2; -h exits 0.
	if code, _, _ := runCmd(t, "open"); code != 2 {
		t.Errorf("open without bundle: exit %d", code)
	}
	if code, _, _ := runCmd(t, "open", "a", "b"); code != 2 {
		t.Errorf("open with two bundles: exit %d", code)
	}
	if code, _, _ := runCmd(t, "keygen", "extra"); code != 2 {
		t.Errorf("keygen extra: exit %d", code)
	}
	if code, stdout, _ := runCmd(t, "inspect", "-h"); code != 0 || !strings.Contains(stdout, "Usage: ucx-onboard inspect") {
		t.Errorf("inspect -h: %d %s", code, stdout)
	}
}

func TestKeygenDefaultFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	code, stdout, _ := runCmd(t, "keygen")
	if code != 0 || !strings.HasPrefix(stdout, "age1") {
		t.Fatalf("keygen: %d %q", code, stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, defaultIdentityFile)); err != nil {
		t.Error(err)
	}
}

func TestOpenPassphrase(t *testing.T) {
	dir := t.TempDir()
	// Sealed with age directly at a low scrypt work factor: at age's 2^18
	// each try takes about a second (eight under -race).
	js, err := store.MarshalBundle(bundleCmdFixture())
	if err != nil {
		t.Fatal(err)
	}
	r, err := age.NewScryptRecipient("tok-FAKE-long-passphrase")
	if err != nil {
		t.Fatal(err)
	}
	r.SetWorkFactor(10)
	var sealed bytes.Buffer
	w, err := age.Encrypt(&sealed, r)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(js)
	w.Close()
	bundle := filepath.Join(dir, "p.ucxbundle")
	if err := os.WriteFile(bundle, sealed.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	defer func(f func(context.Context, env, string) (store.Secret, error)) { readBundlePassphrase = f }(readBundlePassphrase)

	answers := []string{"tok-FAKE-wrong-one", "tok-FAKE-long-passphrase"}
	readBundlePassphrase = func(_ context.Context, e env, prompt string) (store.Secret, error) {
		a := answers[0]
		answers = answers[1:]
		return store.NewSecret(a), nil
	}
	code, stdout, stderr := runCmd(t, "open", bundle)
	if code != 0 || !strings.Contains(stdout, `"tok-FAKE-access-cmd"`) || !strings.Contains(stderr, "wrong passphrase, try again") {
		t.Fatalf("open passphrase bundle: %d %q", code, stderr)
	}

	readBundlePassphrase = func(context.Context, env, string) (store.Secret, error) {
		return store.Secret{}, errNoPassphraseTerminal
	}
	code, stdout, stderr = runCmd(t, "open", bundle)
	checkFailure(t, code, stdout, stderr, "no terminal")
}

// TestHints: every store sentinel has a hint, the narrower ones their own.
func TestHints(t *testing.T) {
	seen := map[string]error{}
	for _, err := range []error{
		store.ErrExists, store.ErrNoProtection, store.ErrPassphraseTooShort, store.ErrBadRecipient,
		store.ErrNoIdentityMatch, store.ErrPassphraseRequired, store.ErrWrongPassphrase, store.ErrTampered,
		store.ErrTruncated, store.ErrNotAge, store.ErrUnknownFormat, store.ErrBadIdentity, store.ErrEncryptedSSHKey,
		store.ErrBadCustomer, store.ErrDraftDamaged, store.ErrDraftKeyUnavailable, store.ErrDraftUnsupported, store.ErrNotRegular, errNoPassphraseTerminal, errTokensToTerminal,
		store.ErrDraftInUse, store.ErrDraftKeyGone, store.ErrStateDirNotOwned,
	} {
		h := hint(fmt.Errorf("wrapped: %w", err))
		if h == "" {
			t.Errorf("no hint for %v", err)
		}
		if prev, ok := seen[h]; ok && err != store.ErrBadRecipient {
			t.Errorf("%v and %v share a hint", prev, err)
		}
		seen[h] = err
	}
	if hint(nil) != "" || hint(errors.New("other")) != "" {
		t.Error("hint for nil or an unknown error")
	}
}
