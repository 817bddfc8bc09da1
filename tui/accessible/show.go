package accessible

import (
	"fmt"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// shown is what was printed of the Flow's Views.
type shown struct {
	step      wizard.Step
	running   bool // the checks ran
	checks    bool // their heading was said
	drafts    int
	app       string // the app whose heading was said ("pos/id")
	code      bool   // the code awaited was said
	auth      *wizard.AuthView
	poll      [2]any // the poll outcome said, and whether Webex was unreachable
	retry     *flows.RetryEvent
	err       error // the failure said
	just      *wizard.Result
	email     string
	review    bool
	completes int
	done      *wizard.DoneView
}

// show prints what changed in v since the View shown last.
func (u *ui) show(v wizard.View) {
	s := &u.shown
	if v.Notice != "" && u.fresh {
		u.say(v.Notice)
	}
	u.fresh = false
	if v.Step == wizard.StepChecks && s.running && !v.ChecksRunning {
		if !s.checks {
			u.say("\nChecks before the customer is involved:")
		}
		s.checks = true
		u.say(wizard.ChecksText(v)...)
	}
	if v.Step == wizard.StepResume && (s.step != v.Step || len(v.DraftList) != s.drafts) {
		if s.step == v.Step {
			u.say("Discarded.")
		}
		u.say("\nUnfinished onboardings were found:")
		for i, d := range v.DraftList {
			u.say(wizard.DraftLine(i+1, d))
		}
	}
	if j, p := v.Just, s.auth; j != nil && j != s.just && p != nil && p.App.ID == j.App.ID && p.Phase == wizard.PhaseIdentifying && j.Status == wizard.Authorized {
		u.say(wizard.ApproverLine(p.Approval, u.flow.Session().KnownOrg())) // checked, with nothing to decide
	}
	if e := u.flow.Session().Draft.Customer.AdminEmail; e != s.email && v.Step >= wizard.StepAuthorize && s.email != "" {
		u.say("The customer's admin email is now " + e + ".")
	}
	if v.Auth != nil {
		u.auth(v, v.Auth)
	}
	if r := v.Review; r != nil {
		if s.step != v.Step {
			s.review = false
			if r.OrgPending { // the review needs the org's name and size
				u.say("\nReading the organization's name and size…")
			}
		}
		if r.Writing || r.Queued {
			u.pass = false // the passphrase was taken
		}
		if !s.review && !r.OrgPending {
			s.review = true
			u.say(wizard.ReviewText(r)...)
		}
		if r.WriteErr != nil && r.Completes != s.completes {
			s.completes = r.Completes
			u.say("Could not write the bundle: "+wizard.CleanErrorText(r.WriteErr), wizard.WriteRemedy(r.WriteErr))
		}
	}
	if d := v.Done; d != nil && !d.Removing && s.done == nil {
		s.done = d
		var c wizard.DoneContent
		c.Set(d.Receipt, d.Customer, d.Org, d.Results, d.Selected)
		c.RemoveErr, c.DraftID = d.RemoveErr, d.DraftID
		u.say("\nDone.")
		u.say(append(wizard.DoneText(c, wizard.OpenCommand(u.deps, d.Receipt)), "")...)
	}
	s.step, s.running, s.drafts, s.auth, s.just = v.Step, v.ChecksRunning, len(v.DraftList), v.Auth, v.Just
	s.email = u.flow.Session().Draft.Customer.AdminEmail
}

// auth prints what changed in the current app's authorization.
func (u *ui) auth(v wizard.View, a *wizard.AuthView) {
	s := &u.shown
	was := wizard.Phase(-1)
	if id := fmt.Sprint(a.Pos, "/", a.App.ID); id != s.app || s.step != wizard.StepAuthorize {
		s.app, s.code, s.err = id, false, nil
		u.say(wizard.AppText(a)...)
	} else if s.auth != nil {
		was = s.auth.Phase
	}
	if a.Retry != nil && a.Retry != s.retry {
		u.say(wizard.RetryText(*a.Retry))
	}
	if s.retry = a.Retry; a.Phase != was {
		u.say(wizard.PhaseText(a, was, v.Drafts && v.SaveErr == nil, u.flow.Session().KnownOrg())...)
	}
	if a.Phase == wizard.PhaseFailed && !a.AskSecret && a.Err != s.err {
		s.err = a.Err
		u.say("Error: "+wizard.CleanErrorText(a.Err), wizard.Remedy(a.Err, a.App))
	}
	if a.Phase == wizard.PhaseStarting || a.Phase == wizard.PhaseRenewing {
		s.code = false
	}
	if a.Phase == wizard.PhaseWaiting && !s.code {
		s.code, s.poll = true, [2]any{flows.PollPending, false}
		u.say(wizard.CodeText(a)...)
		if words, _ := options(v.Choices); u.ahead {
			u.say("Waiting for approval… (type " + words + ", and enter)")
		} else {
			u.say("Waiting for approval…")
		}
	}
	if p := a.Poll; a.Phase == wizard.PhaseWaiting && a.HavePoll && [2]any{p.Outcome, p.Unreachable} != s.poll {
		if s.poll = [2]any{p.Outcome, p.Unreachable}; wizard.PollText(p) != "" {
			u.say(wizard.PollText(p))
		}
	}
}
