//go:build ignore

package tui

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/flows"
)

// TestAccessibleRenewalCapCountsSpentCodes: spent codes count toward the
// renewal cap as expired ones do (the core's rule, as on the screen):
// after maxAutoRenew fresh codes in a row the engineer decides.
func TestAccessibleRenewalCapCountsSpentCodes(t *testing.T) {
	_, text := renewalCapRun(t, flows.ErrCodeSpent)
	if n := strings.Count(text, "The code can no longer be used; here is a fresh one."); n != maxAutoRenew {
		t.Errorf("%d fresh codes, want %d:\n%s", n, maxAutoRenew, text)
	}
	if !strings.Contains(text, "Type r to try again, or s to skip the app") {
		t.Errorf("not asked after the cap:\n%s", text)
	}
}

// TestAccessibleEOFKeepsNoDraft: an input that ends inside the customer
// form (huh then keeps the prefilled answers) confirms nothing: the run is
// aborted and no draft is kept, as on the screen when the form is never
// submitted.
func TestAccessibleEOFKeepsNoDraft(t *testing.T) {
	for _, in := range []string{"", "Acme Industries\n"} {
		f := newFakes()
		d := testDeps(f)
		d.Accessible = true
		c := testCustomer()
		d.Prefill = &c
		var out bytes.Buffer
		res, err := Run(context.Background(), d, Options{In: strings.NewReader(in), Out: &out})
		if err == nil || !strings.Contains(err.Error(), ErrUserAborted.Error()) || res.DraftID != "" || len(f.drafts.drafts) != 0 {
			t.Errorf("input %q: Run = %+v, %v; %d drafts\n%s", in, res, err, len(f.drafts.drafts), out.String())
		}
	}
}

// TestAccessibleWaitKeys: while an approval is awaited, s skips the app and
// r asks for a new code (the wait is canceled and over when wait returns);
// other text gets a reminder; an input that ends leaves the wait alone.
func TestAccessibleWaitKeys(t *testing.T) {
	old := typeAhead
	typeAhead = func(*accessible) bool { return true }
	defer func() { typeAhead = old }()
	app := testApps()[0]
	for _, tc := range []struct {
		in, choice string
		block      bool
	}{
		{"s\n", "s", true},
		{"hello\nR\n", "r", true},
		{"", "", false}, // EOF at once: the approval ends the wait
	} {
		f := newFakes()
		f.auth.block[app.ID] = tc.block
		d := testDeps(f)
		var out bytes.Buffer
		a := &accessible{ctx: context.Background(), m: newModel(context.Background(), d), in: newLineReader(strings.NewReader(tc.in)), out: &syncWriter{w: &out}, fd: -1}
		ctx, cancel := context.WithCancel(context.Background())
		choice, g, err := a.wait(ctx, cancel, app, testCode(app))
		if choice != tc.choice {
			t.Errorf("%q: choice %q, want %q", tc.in, choice, tc.choice)
		}
		if tc.choice != "" && (ctx.Err() == nil || !g.AccessToken.IsZero() || err != nil) {
			t.Errorf("%q: the wait was not canceled and dropped (ctx %v, err %v)", tc.in, ctx.Err(), err)
		}
		if tc.choice == "" && (err != nil || g.AccessToken.IsZero()) {
			t.Errorf("%q: no approval: %v", tc.in, err)
		}
		if strings.Contains(tc.in, "hello") != strings.Contains(out.String(), "type s and enter to skip this app, or r for a new code") {
			t.Errorf("%q: reminder:\n%s", tc.in, out.String())
		}
		cancel()
	}
}
