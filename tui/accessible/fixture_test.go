package accessible

// The fakes of the tests are package wizardtest's, as package tui's
// tests have them: an Authorizer that answers at once (wizardtest.Auth),
// one over a real flows.Client and a fake Webex (wizardtest.WebexUser,
// paritySetup), drafts in memory, a bundle writer that records.

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui/wizard"
	"github.com/imagicle/ucx-onboard/tui/wizard/wizardtest"
)

// fixture is the fakes of a run.
type fixture struct {
	auth    *wizardtest.Auth
	drafts  *wizardtest.Drafts
	writer  *wizardtest.Writer
	copied  []string
	release chan struct{} // closed to let a held bundle write go on
}

func testDeps(f *fixture) wizard.Deps {
	return wizardtest.Deps(f.auth, f.drafts, f.writer, &f.copied, func(company string, now time.Time) string {
		return "/home/field/acme-industries-" + now.UTC().Format("2006-01-02") + ".ucxbundle"
	})
}

// newFakes returns a fixture of fresh fakes (Authorizer, DraftStore,
// bundle writer) with no model yet.
func newFakes() *fixture {
	return &fixture{auth: wizardtest.NewAuth(), drafts: wizardtest.NewDrafts(), writer: &wizardtest.Writer{}, release: make(chan struct{})}
}

// run runs the wizard on d with input in, and returns its outcome and
// what it printed.
func run(t *testing.T, d wizard.Deps, in string) (wizard.Outcome, string, error) {
	t.Helper()
	var out bytes.Buffer
	res, err := Run(context.Background(), d, strings.NewReader(in), &out, nil)
	return res, out.String(), err
}

// runScenario runs the wizard through the customer form and the app
// selection, then answers with answer and confirms the review; it fails
// the test when Run fails.
func runScenario(t *testing.T, fakes func(*fixture), deps func(*wizard.Deps), answer string) (*fixture, string) {
	t.Helper()
	f := newFakes()
	if fakes != nil {
		fakes(f)
	}
	d := testDeps(f)
	if deps != nil {
		deps(&d)
	}
	_, out, err := run(t, d, wizardtest.ScenarioInput(answer))
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out)
	}
	return f, out
}

// downEvent is a poll that got no answer at all (the network is down).
func downEvent(tried *int) flows.PollEvent {
	return flows.PollEvent{Attempt: 9, Outcome: flows.PollTransient, At: wizardtest.T0.Add(30 * time.Second), NextPoll: wizardtest.T0.Add(32 * time.Second),
		Interval: 2 * time.Second, Err: fmt.Errorf("%w: connection reset by peer", flows.ErrUnreachable),
		Unreachable: true, DownSince: wizardtest.T0.Add(5 * time.Second), TryNow: func() { *tried++ }}
}
