package tui

import (
	"strings"
	"testing"
)

// TestJustDoneShown: once an app is approved, the next app's screen says
// so above its code ("✓ <app> approved by <name> (Full Admin)"), so the
// admin with the phone sees the approval worked before scanning again; a
// skipped app is said too, and an approver screen is about its own app.
func TestJustDoneShown(t *testing.T) {
	checkGolden(t, "auth_after_approval", nil, func(f *fixture) {
		f.toAuth()
		f.withCode()
		f.approve(testIdentity())
		f.withCode()
	})
	f := newFixture(t, 100, 30, nil)
	f.toAuth()
	f.withCode()
	if strings.Contains(f.view(), "approved by") {
		t.Fatalf("the first app's screen says an app was approved:\n%s", f.view())
	}
	f.approve(testIdentity())
	f.withCode()
	// Beside the QR code the line wraps: each part is looked for.
	for _, want := range []string{"✓ UCX Suite Users' Synch from Control", "approved by Jane Admin (Full Admin)", "Authorize app 2 of 4"} {
		if v := f.view(); !strings.Contains(v, want) {
			t.Fatalf("app 2's screen lacks %q:\n%s", want, v)
		}
	}
	f.step(press("s"), press("y"))
	f.withCode()
	if v := f.view(); !strings.Contains(v, "Attendant Console Presence") || !strings.Contains(v, "Connector skipped") {
		t.Fatalf("app 3's screen does not say app 2 was skipped:\n%s", v)
	}
}
