package wizard

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/imagicle/ucx-onboard/flows"
)

// Changes is what the line-by-line front-end has printed of the Flow's
// Views: Lines words what changed since, as the screens show it. The
// front-end decides nothing from it but what to ask (ReviewShown) and
// what was done (Done).
type Changes struct {
	Deps  Deps
	Ahead bool // lines are read while a code is shown: say how to answer

	ReviewShown bool      // the review was printed
	Done        *DoneView // the Done step printed

	step      Step
	running   bool // the checks ran
	checks    bool // their heading was said
	drafts    int
	app       string // the app whose heading was said ("pos/id")
	code      bool   // the code awaited was said
	askQuit   bool   // the quit question was asked
	auth      *AuthView
	poll      [2]any // the poll outcome said, and whether Webex was unreachable
	retry     *flows.RetryEvent
	err       error // the failure said
	just      *Result
	email     string
	completes int
	writing   bool // "Writing the bundle…" was said
	holdOn    bool // and that it cannot be stopped
}

// Lines is what changed in f's View since the last call, line by line;
// fresh: an event was handled since (a notice is said once).
func (c *Changes) Lines(f *Flow, fresh bool) []string {
	v, s := f.View(), f.Session()
	var out []string
	say := func(lines ...string) { out = append(out, lines...) }
	if v.Notice != "" && fresh {
		say(v.Notice)
	}
	if v.Step == StepChecks && c.running && !v.ChecksRunning {
		if !c.checks {
			say("\nChecks before the customer is involved:")
		}
		c.checks = true
		say(ChecksText(v)...)
	}
	if v.Step == StepResume && (c.step != v.Step || len(v.DraftList) != c.drafts) {
		if c.step == v.Step {
			say("Discarded.")
		}
		say("\nUnfinished onboardings were found:")
		for i, d := range v.DraftList {
			say(DraftLine(i+1, d))
		}
	}
	if j, p := v.Just, c.auth; j != nil && j != c.just && p != nil && p.App.ID == j.App.ID && p.Phase == PhaseIdentifying && j.Status == Authorized {
		say(ApproverLine(p.Approval, s.KnownOrg())) // checked, with nothing to decide
	}
	if e := s.Draft.Customer.AdminEmail; e != c.email && v.Step >= StepAuthorize && c.email != "" {
		say("The customer's admin email is now " + e + ".")
	}
	if c.askQuit && !v.AskQuit {
		c.code = false // staying: the code awaited is said again
	}
	if v.Auth != nil {
		say(c.authLines(v, v.Auth, s)...)
	}
	if r := v.Review; r != nil {
		if c.step != v.Step {
			c.ReviewShown = false
			if r.OrgPending { // the review needs the org's name and size
				say("\nReading the organization's name and size…")
			}
		}
		if !c.ReviewShown && !r.OrgPending {
			c.ReviewShown = true
			say(ReviewText(r)...)
		}
		if r.Writing && !c.writing { // a passphrase's key takes seconds to derive
			say("Writing the bundle…")
		}
		if r.HoldOn && !c.holdOn { // quit asked: as the screen says it
			say("Writing the bundle, one moment: it cannot be stopped halfway.")
		}
		if c.writing, c.holdOn = r.Writing, r.HoldOn; r.WriteErr != nil && r.Completes != c.completes {
			c.completes = r.Completes
			say("Could not write the bundle: "+CleanErrorText(r.WriteErr), WriteRemedy(r.WriteErr))
		}
	}
	if d := v.Done; d != nil && !d.Removing && c.Done == nil {
		c.Done = d
		var dc DoneContent
		dc.Set(d.Receipt, d.Customer, d.Org, d.Results, d.Selected)
		dc.RemoveErr, dc.DraftID = d.RemoveErr, d.DraftID
		say("\nDone.")
		say(append(DoneText(dc, OpenCommand(c.Deps, d.Receipt)), "")...)
	}
	c.step, c.running, c.drafts, c.auth, c.just, c.askQuit = v.Step, v.ChecksRunning, len(v.DraftList), v.Auth, v.Just, v.AskQuit
	c.email = s.Draft.Customer.AdminEmail
	return out
}

// authLines is what changed in the current app's authorization.
func (c *Changes) authLines(v View, a *AuthView, s *Session) []string {
	var out []string
	say := func(lines ...string) { out = append(out, lines...) }
	was := Phase(-1)
	if id := fmt.Sprint(a.Pos, "/", a.App.ID); id != c.app || c.step != StepAuthorize {
		c.app, c.code, c.err = id, false, nil
		say(AppText(a)...)
	} else if c.auth != nil {
		was = c.auth.Phase
	}
	if a.Retry != nil && a.Retry != c.retry {
		say(RetryText(*a.Retry))
	}
	if c.retry = a.Retry; a.Phase != was {
		say(PhaseText(a, was, v.Drafts && v.SaveErr == nil, s.KnownOrg())...)
	}
	if a.Phase == PhaseFailed && !a.AskSecret && a.Err != c.err {
		c.err = a.Err
		say("Error: "+CleanErrorText(a.Err), Remedy(a.Err, a.App))
	}
	if a.Phase == PhaseStarting || a.Phase == PhaseRenewing {
		c.code = false
	}
	if a.Phase == PhaseWaiting && !c.code && !v.AskQuit { // said once the question is answered
		c.code, c.poll = true, [2]any{flows.PollPending, false}
		say(CodeText(a)...)
		if words, _ := LineChoices(v.Choices); c.Ahead {
			say("Waiting for approval… (type " + words + ", and enter)")
		} else {
			say("Waiting for approval…")
		}
	}
	if p := a.Poll; a.Phase == PhaseWaiting && a.HavePoll && [2]any{p.Outcome, p.Unreachable} != c.poll {
		if c.poll = [2]any{p.Outcome, p.Unreachable}; PollText(p) != "" {
			say(PollText(p))
		}
	}
	return out
}

// LineKey is the letter typed for o on a line: y for the screen's enter
// (an empty line is no answer where lines may be typed ahead), none for
// esc.
func LineKey(o Option) string {
	if o.Key == "enter" {
		return "y"
	}
	return map[bool]string{true: o.Key}[len(o.Key) == 1]
}

// linePhrases word the labels that do not read after "type k to".
var linePhrases = map[string]string{"new code": "get a new code", "skip app": "skip the app",
	"back to skipped apps": "go back to the skipped apps", "COMPLETE REQUEST": "COMPLETE REQUEST and write the bundle"}

// LineChoices words opts for a line ("a to keep this authorization, …, or
// q to quit"), and lists their keys.
func LineChoices(opts []Option) (words, keys string) {
	var ws, ks []string
	for _, o := range opts {
		if k := LineKey(o); k != "" {
			ws, ks = append(ws, k+" to "+cmp.Or(linePhrases[o.Label], o.Label)), append(ks, k)
		}
	}
	if n := len(ws); n > 1 {
		ws[n-1] = "or " + ws[n-1]
	}
	return strings.Join(ws, ", "), strings.Join(ks, ", ")
}
