// Package accessible is the wizard's line-by-line front-end
// (--accessible): plain prompts a screen reader can follow, the URL and
// the code in place of the QR code. It decides nothing: it runs the
// effects of the core's Flow (package wizard) through package effects,
// prints what changed in the Flow's View, and asks one question at a
// time, built from the View's choices.
package accessible

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/effects"
	"github.com/imagicle/ucx-onboard/tui/form"
	"github.com/imagicle/ucx-onboard/tui/wizard"
	"golang.org/x/term"
)

type ui struct {
	ctx    context.Context
	deps   wizard.Deps
	in     *lineReader
	out    io.Writer
	fd     int // the input's terminal, -1 when it is not one
	flow   *wizard.Flow
	run    *effects.Runner
	events chan wizard.Event // the effects' answers and progress
	queue  []wizard.Event    // answers of the effects run at once
	quit   bool              // the Quit effect has run
	ahead  bool              // lines are read while a call goes on
	eof    bool              // the input ended while a call went on
	pass   bool              // COMPLETE REQUEST was chosen: the passphrase is asked
	saved  bool              // a save was written
	fresh  bool              // an event was handled since the last show
	asked  string            // the question printed, not answered yet
	shown  shown
}

// typeAhead tells whether lines are read while a call goes on (a code is
// shown): only from a terminal, where the engineer types after seeing the
// prompt; piped input answers the prompts in order. Tests replace it.
var typeAhead = func(terminal bool) bool { return terminal }

// Run runs the wizard line by line until the bundle is written or the
// engineer quits (see tui.Run for the outcome and the errors).
func Run(ctx context.Context, deps wizard.Deps, in io.Reader, out io.Writer) (wizard.Outcome, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	deps.Clock = cmp.Or[flows.Clock](deps.Clock, flows.SystemClock{})
	u := &ui{ctx: ctx, deps: deps, in: &lineReader{src: bufio.NewReader(in), wait: consoleWait(in), done: ctx.Done()},
		out: &syncWriter{w: out}, fd: -1, events: make(chan wizard.Event)}
	if f, ok := in.(interface{ Fd() uintptr }); ok && term.IsTerminal(int(f.Fd())) {
		u.fd = int(f.Fd())
	}
	u.ahead = typeAhead(u.fd >= 0)
	u.flow, u.run = wizard.NewFlow(wizard.ConfigOf(deps)), effects.New(ctx, deps, u.send)
	demo := map[bool]string{true: " DEMO"}[deps.Demo] // as the full-screen header's badge
	u.say("ucx-onboard " + deps.Version + demo + ": connect a customer's Webex organization to Imagicle UCX Suite.")
	err := u.loop()
	if s := u.run.Finish(u.flow, 2*time.Second); s != nil { // the input ended, ctx was canceled
		u.handle(*s)
	}
	o := wizard.Outcome{Customer: u.flow.Session().Draft.Customer, DraftSaveErr: u.flow.View().SaveErr}
	if d := u.shown.done; d != nil {
		o.Receipt, o.DraftRemoveErr, o.DraftSaveErr = &d.Receipt, d.RemoveErr, nil
		if d.RemoveErr != nil {
			o.DraftID = d.DraftID
		}
	} else if u.saved {
		o.DraftID = u.flow.Session().Draft.ID
	}
	return o, err
}

// say prints lines, after the line end of a question they interrupt
// (which is then asked again).
func (u *ui) say(lines ...string) {
	if u.asked != "" && len(lines) > 0 {
		fmt.Fprintln(u.out)
		u.asked = ""
	}
	for _, l := range lines {
		fmt.Fprintln(u.out, l)
	}
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
		u.say(wizard.MarkWarn + " progress could not be saved: " + wizard.CleanErrorText(s.Err))
	} else if ok && !s.Stale {
		u.saved = true
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
		default:
			if ans := u.run.Run(e, u.send); ans != nil {
				u.queue = append(u.queue, ans)
			}
			if _, ok := e.(wizard.Quit); ok {
				u.quit = true // the run ends once this View is shown
			}
		}
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
		if u.show(v); u.quit {
			return v.Err
		}
		ev, prompt, kind, err := u.ask(v)
		if ev != nil || err != nil {
			if err != nil {
				return err
			}
			u.handle(ev)
			continue
		}
		var lines <-chan lineResult
		if kind == askNow || kind == askWhile && u.ahead && !u.eof {
			lines = u.in.next()
		}
		if prompt != u.asked {
			fmt.Fprint(u.out, prompt)
			u.asked = prompt
		}
		select {
		case <-u.ctx.Done():
			return errors.Join(wizard.ErrUserAborted, u.ctx.Err())
		case ev := <-u.events:
			u.handle(ev)
		case <-tick.C:
			u.run.Tick()
		case l := <-lines:
			u.asked = ""
			switch {
			case l.err != nil && kind == askWhile:
				u.eof = true // only the call ends the wait
			case l.err != nil:
				return errors.Join(wizard.ErrUserAborted, l.err)
			default:
				u.answer(v, l.s, kind)
			}
		}
	}
}

// ask is what v asks: an answer at once (from a dialog of its own, or a
// choice with nothing to decide), or a question's prompt and kind.
func (u *ui) ask(v wizard.View) (ev wizard.Event, prompt string, kind int, err error) {
	switch a, r := v.Auth, v.Review; {
	case v.Step == wizard.StepChecks && !v.ChecksRunning && !v.Blocked, v.Step == wizard.StepDone && !v.Done.Removing:
		return wizard.Pick{Choice: wizard.ChoiceContinue}, "", 0, nil // said; nothing to decide
	case v.Step == wizard.StepResume:
		ev, err = u.resume(v)
	case v.Step == wizard.StepCustomer:
		ev, err = u.customer(v)
	case v.Step == wizard.StepApps:
		ev, err = u.apps()
	case a != nil && a.AskSecret:
		u.say(wizard.SecretPrompt(a.App, a.Code.Expiry.Sub(u.deps.Clock.Now())))
		s, err := u.secret("Client secret (not shown; press enter alone to leave it): ")
		if s = strings.TrimSpace(s); err != nil || s == "" {
			return wizard.Pick{Choice: wizard.ChoiceLeaveSecret}, "", 0, err
		}
		u.say("Redeeming the same code with that secret…")
		return wizard.SecretTyped{Secret: s}, "", 0, nil
	case a != nil && a.AskSkip:
		return nil, wizard.SkipQuestion(wizard.Clean(a.App.Name), a.Approved) + " ", askNow, nil
	case a != nil && a.Phase <= wizard.PhaseIdentifying: // starting, waiting, renewing, identifying
		return nil, "", askWhile, nil
	case r != nil && (r.Writing || r.Queued || !u.shown.review):
	case r != nil && u.pass:
		ev, err = u.passphrase(r)
	case v.Step == wizard.StepChecks && !v.ChecksRunning, a != nil, r != nil:
		words, _ := options(v.Choices)
		return nil, "Type " + words + ": ", askNow, nil
	}
	return ev, "", askNothing, err
}

// answer takes line s for v's question, through its choices' keys.
func (u *ui) answer(v wizard.View, s string, kind int) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, o := range v.Choices {
		if k := key(o); k == "" || s == "" || s[:1] != k {
			continue
		}
		if o.Choice == wizard.ChoiceComplete && v.Review.Protection.Passphrase {
			u.pass = true
			return
		}
		if o.Choice == wizard.ChoiceTryNow {
			u.say("Trying Webex again now.")
		}
		if u.handle(wizard.Pick{Choice: o.Choice}); o.Choice == wizard.ChoiceQuit && u.flow.View().AskQuit {
			u.handle(wizard.Pick{Choice: wizard.ChoiceQuitYes}) // a line typed is meant: no second question
		}
		return
	}
	words, keys := options(v.Choices)
	if kind == askWhile {
		u.say("Still waiting for approval: type " + words + ", and enter.")
	} else {
		u.say("Please answer one of: " + keys + ".")
	}
}

// key is the letter that takes o: y for the screen's enter (an empty line
// is no answer where lines may be typed ahead), none for esc.
func key(o wizard.Option) string {
	if o.Key == "enter" {
		return "y"
	}
	return map[bool]string{true: o.Key}[len(o.Key) == 1]
}

// phrases word the labels that do not read after "type k to".
var phrases = map[string]string{"new code": "get a new code", "skip app": "skip the app",
	"back to skipped apps": "go back to the skipped apps", "COMPLETE REQUEST": "COMPLETE REQUEST and write the bundle"}

// options words opts ("a to keep this authorization, …, or q to quit"),
// and lists their keys.
func options(opts []wizard.Option) (words, keys string) {
	var ws, ks []string
	for _, o := range opts {
		if k := key(o); k != "" {
			ws, ks = append(ws, k+" to "+cmp.Or(phrases[o.Label], o.Label)), append(ks, k)
		}
	}
	if n := len(ws); n > 1 {
		ws[n-1] = "or " + ws[n-1]
	}
	return strings.Join(ws, ", "), strings.Join(ks, ", ")
}

// choose asks until the answer's first letter is one of keys (an empty
// answer is def).
func (u *ui) choose(prompt, keys, def string) (string, error) {
	for {
		s, err := u.line(prompt)
		if s = strings.ToLower(s); err != nil || s == "" && def != "" {
			return def, err
		}
		if s != "" && strings.Contains(keys, s[:1]) {
			return s[:1], nil
		}
		u.say("Please answer one of: " + strings.Join(strings.Split(keys, ""), ", ") + ".")
	}
}

// resume asks what to do with the drafts listed until the answer is an
// event for the Flow: a discard not confirmed, or a number that names no
// draft, asks again (the loop would otherwise wait for an event).
func (u *ui) resume(v wizard.View) (wizard.Event, error) {
	for {
		s, err := u.line("Type a number to resume one, d and a number to discard one (d2), or press enter to start a new onboarding: ")
		if err != nil || s == "" {
			return wizard.Pick{Choice: wizard.ChoiceStartNew}, err
		}
		n, err := strconv.Atoi(strings.TrimSpace(strings.TrimLeft(s, "dD")))
		if err != nil || n < 1 || n > len(v.DraftList) {
			u.say("No such draft.")
			continue
		}
		if d := v.DraftList[n-1]; !strings.EqualFold(s[:1], "d") {
			return wizard.ResumeDraft{ID: d.ID}, nil
		} else if !wizard.InUse(d) { // the Flow refuses one in use: no question first
			if ans, err := u.choose(wizard.DiscardQuestion(d)+" [y/N]: ", "yn", "n"); err != nil {
				return nil, err
			} else if ans != "y" {
				continue
			}
		}
		return wizard.DiscardDraft{ID: v.DraftList[n-1].ID}, nil
	}
}

func (u *ui) customer(v wizard.View) (wizard.Event, error) {
	u.say("\nCustomer data. Prefilled answers are shown; press enter to keep them.")
	vals := v.Customer
	if err := form.Customer(&vals, true).WithAccessible(true).WithInput(u.in).WithOutput(u.out).Run(); err != nil {
		return nil, errors.Join(wizard.ErrUserAborted, err)
	}
	if u.in.ended.Load() { // huh kept the prefilled answers, but nobody confirmed them
		return nil, errors.Join(wizard.ErrUserAborted, io.ErrUnexpectedEOF)
	}
	return wizard.CustomerEntered{Customer: form.Submitted(vals)}, nil
}

func (u *ui) apps() (wizard.Event, error) {
	u.say("\nApps to authorize:")
	for i, app := range u.deps.Apps {
		u.say(fmt.Sprintf("%d. %s (integration ID %s)", i+1, app.Name, app.ClientID))
	}
	all, err := u.choose("Authorize all of them? Type y for yes, or n to choose one by one [Y/n]: ", "yn", "y")
	var ids []string
	for _, app := range u.deps.Apps {
		one := all
		if err == nil && all != "y" {
			one, err = u.choose("Authorize "+app.Name+"? [Y/n]: ", "yn", "y")
		}
		if one == "y" {
			ids = append(ids, app.ID)
		}
	}
	return wizard.AppsChosen{IDs: ids}, err
}

// passphrase asks for the bundle's passphrase twice, to complete the
// request with; the Flow's objection to the last one is said first.
func (u *ui) passphrase(r *wizard.ReviewView) (wizard.Event, error) {
	if r.PassErr != nil {
		u.say(map[bool]string{true: "Too short. "}[errors.Is(r.PassErr, wizard.ErrPassphraseShort)] + wizard.Remedy(r.PassErr, flows.App{}))
	}
	p1, err := u.secret(fmt.Sprintf("Passphrase for the bundle (at least %d characters): ", store.MinPassphraseLen))
	p2 := ""
	if err == nil {
		p2, err = u.secret("The same passphrase again: ")
	}
	return wizard.Complete{Passphrase: p1, Again: p2}, err
}
