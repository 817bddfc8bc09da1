// Package accessible is the wizard's line-by-line front-end
// (--accessible): plain prompts a screen reader can follow, the URL and
// the code in place of the QR code. It decides nothing: it runs the
// effects of the core's Flow (package wizard) through package effects,
// prints what changed in the Flow's View (wizard.Changes), and asks one
// question at a time, built from the View's choices. Ctrl-C asks the quit
// question, as in the full-screen front-end.
package accessible

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/internal/lineterm"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/effects"
	"github.com/imagicle/ucx-onboard/tui/form"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

type ui struct {
	ctx    context.Context
	deps   wizard.Deps
	t      *lineterm.Term
	flow   *wizard.Flow
	run    *effects.Runner
	events chan wizard.Event // the effects' answers and progress
	queue  []wizard.Event    // answers of the effects run at once
	quit   bool              // the Quit effect has run
	eof    bool              // the input ended while a call went on
	pass   bool              // COMPLETE REQUEST was chosen: the passphrase is asked
	fresh  bool              // an event was handled since the last show
	typed  *store.Customer   // the form's answers when Ctrl-C stopped it
	shown  wizard.Changes
}

// typeAhead tells whether lines are read while a call goes on (a code is
// shown): only from a terminal, where the engineer types after seeing the
// prompt; piped input answers the prompts in order. Tests replace it.
var typeAhead = func(terminal bool) bool { return terminal }

// Run runs the wizard line by line until the bundle is written or the
// engineer quits (see tui.Run for the outcome and the errors). ctrlC
// delivers the Ctrl-C presses the program takes as signals.
func Run(ctx context.Context, deps wizard.Deps, in io.Reader, out io.Writer, ctrlC <-chan struct{}) (wizard.Outcome, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	deps.Clock = cmp.Or[flows.Clock](deps.Clock, flows.SystemClock{})
	u := &ui{ctx: ctx, deps: deps, t: lineterm.New(ctx, in, out, ctrlC), events: make(chan wizard.Event)}
	u.shown = wizard.Changes{Deps: deps, Ahead: typeAhead(u.t.IsTerminal())}
	u.flow, u.run = wizard.NewFlow(wizard.ConfigOf(deps)), effects.New(ctx, deps, u.send)
	demo := map[bool]string{true: " DEMO"}[deps.Demo] // as the full-screen header's badge
	u.t.Say("ucx-onboard " + deps.Version + demo + ": connect a customer's Webex organization to Imagicle UCX Suite.")
	err := u.loop()
	if s := u.run.Finish(u.flow, 2*time.Second); s != nil { // the input ended, ctx was canceled
		u.handle(*s)
	}
	o, _ := u.flow.Outcome()
	return o, err
}

func (u *ui) send(ev wizard.Event) {
	select {
	case u.events <- ev:
	case <-u.ctx.Done():
	}
}

// handle gives ev to the Flow and runs the effects it asks for (do).
func (u *ui) handle(ev wizard.Event) {
	if s, ok := ev.(wizard.Saved); ok && !s.Stale && s.Err != nil {
		u.t.Say(wizard.MarkWarn + " progress could not be saved: " + wizard.CleanErrorText(s.Err))
	}
	u.fresh = true
	u.do(u.flow.Handle(u.deps.Clock.Now(), ev))
}

// do runs effects: the calls of Webex, the checks and the bundle's write
// each in a goroutine whose answer comes back through events; the others
// at once and in order (a draft is written before the calls that follow:
// an approval is on disk before its approver is asked for; a draft is
// loaded before the next question).
func (u *ui) do(fx []wizard.Effect) {
	for _, e := range fx {
		switch e.(type) {
		case wizard.RunChecks, wizard.StartCode, wizard.WaitCode, wizard.CheckApprover, wizard.WriteBundle, wizard.FinishDraft:
			go func() {
				if ans := u.run.Run(e, u.send); ans != nil {
					u.send(ans)
				}
			}()
			continue
		}
		if ans := u.run.Run(e, u.send); ans != nil {
			u.queue = append(u.queue, ans)
		}
		if _, ok := e.(wizard.Quit); ok {
			u.quit = true // the run ends once this View is shown
		}
	}
}

// interrupt takes Ctrl-C: the quit question, or yes to it when it is
// asked (as in the full-screen front-end).
func (u *ui) interrupt() {
	u.t.Interrupted()
	u.t.Say("") // ends the line where Ctrl-C was pressed
	if u.flow.View().AskQuit {
		u.handle(wizard.Pick{Choice: wizard.ChoiceQuitYes})
	} else {
		u.handle(wizard.Pick{Choice: wizard.ChoiceQuit})
	}
}

// The kinds of question a View asks.
const (
	askNothing = iota // events only
	askWhile          // a call goes on (a code shown): lines only with typeAhead
	askNow
)

// refreshEvery is how often the loop lets the prefetched codes be
// replaced before they are too old to show (effects.Runner.Tick); a
// variable for the tests, which make it long: nothing the engineer waits
// for may hang on it.
var refreshEvery = 15 * time.Second

func (u *ui) loop() error {
	u.do(u.flow.Start(u.deps.Clock.Now()))
	tick := time.NewTicker(refreshEvery)
	defer tick.Stop()
	for {
		for len(u.queue) > 0 {
			ev := u.queue[0]
			u.queue = u.queue[1:]
			u.handle(ev)
		}
		v := u.flow.View()
		u.t.Say(u.shown.Lines(u.flow, u.fresh)...)
		if u.fresh = false; v.Review != nil && (v.Review.Writing || v.Review.Queued) {
			u.pass = false // the passphrase was taken
		}
		if u.quit {
			return v.Err
		}
		ev, prompt, kind, err := u.ask(v)
		switch {
		case errors.Is(err, lineterm.ErrInterrupted):
			u.interrupt()
			continue
		case err != nil:
			return errors.Join(wizard.ErrUserAborted, err)
		case ev != nil:
			u.handle(ev)
			continue
		}
		var lines <-chan lineterm.Line
		if kind == askNow || kind == askWhile && u.shown.Ahead && !u.eof {
			lines = u.t.Next()
		}
		u.t.Prompt(prompt)
		select {
		case <-u.ctx.Done():
			return errors.Join(wizard.ErrUserAborted, u.ctx.Err())
		case <-u.t.CtrlC():
			u.interrupt()
		case ev := <-u.events:
			u.handle(ev)
		case <-tick.C:
			u.run.Tick()
		case l := <-lines:
			u.t.Answered()
			switch {
			case l.Err != nil && kind == askWhile:
				u.eof = true // only the call ends the wait
			case l.Err != nil:
				return errors.Join(wizard.ErrUserAborted, l.Err)
			default:
				u.answer(v, l.S, kind)
			}
		}
	}
}

// ask is what v asks: an answer at once (from a dialog of its own, or a
// choice with nothing to decide), or a question's prompt and kind.
func (u *ui) ask(v wizard.View) (ev wizard.Event, prompt string, kind int, err error) {
	switch a, r := v.Auth, v.Review; {
	case v.AskQuit:
		return nil, wizard.QuitText(v, u.flow.Session().Authorized()) + "\nQuit? Type y to quit, or n to stay: ", askNow, nil
	case v.Step == wizard.StepChecks && !v.ChecksRunning && !v.Blocked, v.Step == wizard.StepDone && !v.Done.Removing:
		return wizard.Pick{Choice: wizard.ChoiceContinue}, "", 0, nil // said; nothing to decide
	case v.Step == wizard.StepResume:
		ev, err = u.resume(v)
	case v.Step == wizard.StepCustomer:
		ev, err = u.customer(v)
	case v.Step == wizard.StepApps:
		ev, err = u.apps()
	case a != nil && a.AskSecret:
		u.t.Say(wizard.SecretPrompt(a.App, a.Code.Expiry.Sub(u.deps.Clock.Now())))
		s, err := u.t.Secret("Client secret (not shown; press enter alone to leave it): ")
		if s = strings.TrimSpace(s); err != nil || s == "" {
			ev, err := unless(wizard.Pick{Choice: wizard.ChoiceLeaveSecret}, err)
			return ev, "", 0, err
		}
		u.t.Say("Redeeming the same code with that secret…")
		return wizard.SecretTyped{Secret: s}, "", 0, nil
	case a != nil && a.AskSkip:
		return nil, wizard.SkipQuestion(wizard.Clean(a.App.Name), a.Approved) + " ", askNow, nil
	case a != nil && a.Phase <= wizard.PhaseIdentifying: // starting, waiting, renewing, identifying
		return nil, "", askWhile, nil
	case r != nil && (r.Writing || r.Queued || !u.shown.ReviewShown):
	case r != nil && u.pass:
		ev, err = u.passphrase(r)
	case v.Step == wizard.StepChecks && !v.ChecksRunning, a != nil, r != nil:
		words, _ := wizard.LineChoices(v.Choices)
		return nil, "Type " + words + ": ", askNow, nil
	}
	return ev, "", askNothing, err
}

// answer takes line s for v's question, through its choices' keys.
func (u *ui) answer(v wizard.View, s string, kind int) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, o := range v.Choices {
		if k := wizard.LineKey(o); k == "" || s == "" || s[:1] != k {
			continue
		}
		if o.Choice == wizard.ChoiceComplete && v.Review.Protection.Passphrase {
			u.pass = true
			return
		}
		if o.Choice == wizard.ChoiceTryNow {
			u.t.Say("Trying Webex again now.")
		}
		if u.handle(wizard.Pick{Choice: o.Choice}); o.Choice == wizard.ChoiceQuit && u.flow.View().AskQuit {
			u.handle(wizard.Pick{Choice: wizard.ChoiceQuitYes}) // a line typed is meant: no second question
		}
		return
	}
	words, keys := wizard.LineChoices(v.Choices)
	if kind == askWhile {
		u.t.Say("Still waiting for approval: type " + words + ", and enter.")
	} else {
		u.t.Say("Please answer one of: " + keys + ".")
	}
}

// resume asks what to do with the drafts listed until the answer is an
// event for the Flow: a discard not confirmed, or a number that names no
// draft, asks again (the loop would otherwise wait for an event).
func (u *ui) resume(v wizard.View) (wizard.Event, error) {
	for {
		s, err := u.t.Line("Type a number to resume one, d and a number to discard one (d2), or press enter to start a new onboarding: ")
		if err != nil || s == "" {
			return unless(wizard.Pick{Choice: wizard.ChoiceStartNew}, err)
		}
		n, err := strconv.Atoi(strings.TrimSpace(strings.TrimLeft(s, "dD")))
		if err != nil || n < 1 || n > len(v.DraftList) {
			u.t.Say("No such draft.")
			continue
		}
		d := v.DraftList[n-1]
		if !strings.EqualFold(s[:1], "d") {
			return wizard.ResumeDraft{ID: d.ID}, nil
		}
		ans := "y" // the Flow refuses one in use: no question first
		if !wizard.InUse(d) {
			ans, err = u.t.Choose(wizard.DiscardQuestion(d)+" [y/N]: ", "yn", "n")
		}
		if err != nil || ans == "y" {
			return unless(wizard.DiscardDraft{ID: d.ID}, err)
		}
	}
}

// customer runs the customer form; Ctrl-C keeps what was answered for
// the form asked again after "stay".
func (u *ui) customer(v wizard.View) (wizard.Event, error) {
	u.t.Say("\nCustomer data. Prefilled answers are shown; press enter to keep them.")
	vals := v.Customer
	if u.typed != nil {
		vals, u.typed = *u.typed, nil
	}
	err := u.t.Form(func(in io.Reader, out io.Writer) error {
		return form.Customer(&vals, true).WithAccessible(true).WithInput(in).WithOutput(out).Run()
	})
	switch {
	case errors.Is(err, lineterm.ErrInterrupted):
		u.typed = &vals
		return nil, err
	case err == nil && u.t.Ended(): // huh kept the prefilled answers, but nobody confirmed them
		err = io.ErrUnexpectedEOF
	}
	return unless(wizard.CustomerEntered{Customer: form.Submitted(vals)}, err)
}

func (u *ui) apps() (wizard.Event, error) {
	u.t.Say("\nApps to authorize:")
	for i, app := range u.deps.Apps {
		_, blocked := u.flow.Session().Blocked[app.ID] // as the screen marks it
		u.t.Say(fmt.Sprintf("%d. %s (integration ID %s)%s", i+1, app.Name, app.ClientID, map[bool]string{true: ": cannot be authorized (see the checks)"}[blocked]))
	}
	all, err := u.t.Choose("Authorize all of them? Type y for yes, or n to choose one by one [Y/n]: ", "yn", "y")
	var ids []string
	for _, app := range u.deps.Apps {
		one := all
		if err == nil && all != "y" {
			one, err = u.t.Choose("Authorize "+app.Name+"? [Y/n]: ", "yn", "y")
		}
		if one == "y" {
			ids = append(ids, app.ID)
		}
	}
	return unless(wizard.AppsChosen{IDs: ids}, err)
}

// passphrase asks for the bundle's passphrase twice, to complete the
// request with; the Flow's objection to the last one is said first.
func (u *ui) passphrase(r *wizard.ReviewView) (wizard.Event, error) {
	if r.PassErr != nil {
		u.t.Say(map[bool]string{true: "Too short. "}[errors.Is(r.PassErr, wizard.ErrPassphraseShort)] + wizard.Remedy(r.PassErr, flows.App{}))
	}
	p1, err := u.t.Secret(fmt.Sprintf("Passphrase for the bundle (at least %d characters): ", store.MinPassphraseLen))
	p2 := ""
	if err == nil {
		p2, err = u.t.Secret("The same passphrase again: ")
	}
	return unless(wizard.Complete{Passphrase: p1, Again: p2}, err)
}

// unless is ev, or only err when there is one.
func unless(ev wizard.Event, err error) (wizard.Event, error) {
	if err != nil {
		return nil, err
	}
	return ev, nil
}
