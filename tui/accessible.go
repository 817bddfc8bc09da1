//go:build ignore

package tui

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/internal/ttyecho"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/effects"
	"github.com/imagicle/ucx-onboard/tui/form"
	"github.com/imagicle/ucx-onboard/tui/wizard"
	"golang.org/x/term"
)

// lineReader reads the input on one goroutine, a line at a time, and
// hands out at most one line per Read, so that huh's accessible prompts (a
// new bufio.Scanner each) and ours share one input without losing
// buffered lines, and so that a line can be waited for together with
// something else (an approval: see wait). Once the input fails or ends,
// every read gets that error. It is the input's only reader: a secret is
// read through it too, with echo off (see accessible.askSecret).
type lineReader struct {
	src   *bufio.Reader
	once  sync.Once
	lines chan lineResult
	rest  []byte
	ended atomic.Bool // a Read got the input's error (huh takes it as "keep the defaults")
	// wait, when not nil, is called before a read of the input: it
	// returns once a line is being typed (see consoleWait).
	wait func()
	// reading is set while a line is being typed into a read started
	// after wait (see lineStarted).
	reading atomic.Bool
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{src: bufio.NewReader(r), wait: consoleWait(r)}
}

// next delivers the input's lines, then its error, forever. The reading
// goroutine blocks until a line is taken, so no line is read ahead of its
// prompt but the one being waited for.
func (l *lineReader) next() <-chan lineResult {
	l.once.Do(func() {
		l.lines = make(chan lineResult)
		go func() {
			for {
				if l.wait != nil && l.src.Buffered() == 0 {
					l.wait()
					l.reading.Store(true)
				}
				line, err := l.src.ReadBytes('\n')
				l.reading.Store(false)
				if len(line) > 0 {
					l.lines <- lineResult{s: string(line)}
				}
				if err != nil {
					for {
						l.lines <- lineResult{err: err}
					}
				}
			}
		}()
	})
	return l.lines
}

// lineStarted tells whether a line was being typed into a read of the
// input before now (only known with wait: on a Windows console, where
// such a read keeps the echo of the moment it started).
func (l *lineReader) lineStarted() bool { return l.reading.Load() }

func (l *lineReader) Read(p []byte) (int, error) {
	if len(l.rest) == 0 {
		r := <-l.next()
		if r.err != nil {
			l.ended.Store(true)
			return 0, r.err
		}
		l.rest = []byte(r.s)
	}
	n := copy(p, l.rest)
	l.rest = l.rest[n:]
	return n, nil
}

// accessible is the line-by-line wizard: the same steps as the full-screen
// one, plain prompts a screen reader can follow, the URL and user code in
// place of the QR code. It keeps its state in a Model.
type accessible struct {
	ctx context.Context
	m   *Model
	in  *lineReader
	out io.Writer
	fd  int // the input's terminal, -1 when it is not one
}

type lineResult struct {
	s   string
	err error
}

func runAccessible(ctx context.Context, deps Deps, in io.Reader, out io.Writer) (Result, error) {
	// Wait's poll reports print from its goroutine while the engineer may
	// type (see wait): one writer, serialized.
	a := &accessible{ctx: ctx, m: newModel(ctx, deps), in: newLineReader(in), out: &syncWriter{w: out}, fd: -1}
	if f, ok := in.(interface{ Fd() uintptr }); ok && term.IsTerminal(int(f.Fd())) {
		a.fd = int(f.Fd())
	}
	defer a.m.cancel()
	err := a.run()
	if err != nil && a.m.result.Receipt == nil {
		a.m.saveNow()
	}
	res, _ := a.m.Result()
	return res, err
}

func (a *accessible) say(format string, args ...any) { fmt.Fprintf(a.out, format+"\n", args...) }

// ask prints prompt and reads one line; ctx cancels the wait.
func (a *accessible) ask(prompt string) (string, error) {
	fmt.Fprint(a.out, prompt)
	select {
	case <-a.ctx.Done():
		return "", errors.Join(ErrUserAborted, a.ctx.Err())
	case r := <-a.in.next():
		if r.err != nil {
			return "", errors.Join(ErrUserAborted, r.err)
		}
		return strings.TrimSpace(r.s), nil
	}
}

// askSecret reads a secret (a client secret, the bundle's passphrase)
// without echo when the input is a terminal, and without its line end.
//
// The line is read through a.in like every other answer, never by a
// reader of its own: a.in's goroutine may be waiting on the terminal
// already (it reads ahead while an approval is awaited: see wait), and a
// second reader (term.ReadPassword) lost the line to it, which a later
// prompt then took as its answer. So echo is turned off on the terminal
// that a.in reads (consoleWait says why that holds for a read already
// waiting, on Unix and on Windows), and turned back on when the line is
// in or ctx ends; then the input not read yet is dropped, a secret half
// typed included. A line begun before the prompt into a read that still
// echoes (lineStarted) is finished and dropped first.
func (a *accessible) askSecret(prompt string) (string, error) {
	if a.fd < 0 {
		return a.ask(prompt)
	}
	restore, err := ttyecho.Off(a.fd)
	if err != nil {
		return "", errors.Join(ErrUserAborted, err)
	}
	if a.in.lineStarted() {
		fmt.Fprint(a.out, "A line was being typed, and it would show: press enter alone to end it (it is dropped), then type the secret. ")
		if _, err := a.secretLine(restore); err != nil {
			return "", err
		}
		if restore, err = ttyecho.Off(a.fd); err != nil {
			return "", errors.Join(ErrUserAborted, err)
		}
	}
	fmt.Fprint(a.out, prompt)
	return a.secretLine(restore)
}

// secretLine reads the line of askSecret, then restores the terminal.
func (a *accessible) secretLine(restore func(discard bool)) (string, error) {
	select {
	case <-a.ctx.Done():
		restore(true)
		fmt.Fprintln(a.out)
		return "", errors.Join(ErrUserAborted, a.ctx.Err())
	case r := <-a.in.next():
		restore(false)
		fmt.Fprintln(a.out) // the line end typed was not echoed
		if r.err != nil {
			return "", errors.Join(ErrUserAborted, r.err)
		}
		return strings.TrimSuffix(strings.TrimSuffix(r.s, "\n"), "\r"), nil
	}
}

// choose asks until the answer is one of keys (first letter, lower case);
// an empty answer picks def when def is not "".
func (a *accessible) choose(prompt string, keys string, def string) (string, error) {
	for {
		s, err := a.ask(prompt)
		if err != nil {
			return "", err
		}
		s = strings.ToLower(s)
		if s == "" && def != "" {
			return def, nil
		}
		if s != "" && strings.Contains(keys, s[:1]) {
			return s[:1], nil
		}
		a.say("Please answer one of: %s.", strings.Join(strings.Split(keys, ""), ", "))
	}
}

func (a *accessible) run() error {
	m := a.m
	d := m.c.deps
	demo := ""
	if d.Demo {
		demo = " DEMO" // as the full-screen header's badge
	}
	a.say("ucx-onboard %s%s: connect a customer's Webex organization to Imagicle UCX Suite.", d.Version, demo)
	if d.Preflight != nil {
		a.say("\nChecks before the customer is involved:")
		for {
			checks := d.Preflight(a.ctx)
			blocked, restart := false, false
			for _, c := range checks {
				state := "ok"
				switch {
				case !c.OK && c.Blocking:
					state, blocked = "BLOCKING", true
					restart = restart || c.AtStart
				case !c.OK && c.AppBlocked:
					state = "this app cannot be authorized"
				case !c.OK:
					state = "warning"
				}
				problems := strings.Split(c.Detail, "\n") // one a line
				a.say("- %s: %s. %s", c.Name, state, wizard.Clean(problems[0]))
				for _, p := range problems[1:] {
					a.say("  %s", wizard.Clean(p))
				}
				if !c.OK && c.Fix != "" {
					a.say("  Fix: %s", c.Fix)
				}
			}
			var notes []string // each said once
			for _, c := range checks {
				if c.Note != "" && !slices.Contains(notes, c.Note) {
					notes = append(notes, c.Note)
					a.say("%s", wizard.Clean(c.Note))
				}
			}
			if !blocked {
				wizard.BlockApps(m.s, checks)
				if n := wizard.AppsBlocked(checks); n > 0 {
					a.say("%s the others can be authorized.", wizard.Plural(n, "One app cannot be authorized;", fmt.Sprintf("%d apps cannot be authorized;", n)))
				}
				break
			}
			prompt := "A check blocks. Type r to check again, or q to quit: "
			if restart {
				prompt = "A check blocks on what was read at start: fix it, then type q and start ucx-onboard again (r checks the same input again): "
			}
			ans, err := a.choose(prompt, "rq", "")
			if err != nil {
				return err
			}
			if ans == "q" {
				return ErrPreflightBlocked
			}
		}
	}
	if err := a.resume(); err != nil {
		return err
	}
	a.say("\nCustomer data. Prefilled answers are shown; press enter to keep them.")
	vals := m.s.Draft.Customer
	if vals.Company == "" && d.Prefill != nil {
		vals = *d.Prefill
	}
	if vals.Deployment == "" {
		vals.Deployment = store.DeploymentCloud
	}
	if err := form.Customer(&vals, true).WithAccessible(true).WithInput(a.in).WithOutput(a.out).Run(); err != nil {
		return errors.Join(ErrUserAborted, err)
	}
	if a.in.ended.Load() {
		// The input ended inside the form: huh kept the prefilled answers,
		// but nobody confirmed them. As on the screen, where a form never
		// submitted keeps no draft, nothing is kept.
		return errors.Join(ErrUserAborted, io.ErrUnexpectedEOF)
	}
	m.customer = newCustomerScreen(m.c, vals)
	m.s.Draft.Customer = form.Submitted(vals)
	m.haveCustomer = true

	var ids []string
	a.say("\nApps to authorize:")
	for i, app := range d.Apps {
		a.say("%d. %s (integration ID %s)", i+1, app.Name, app.ClientID)
	}
	ans, err := a.choose("Authorize all of them? Type y for yes, or n to choose one by one [Y/n]: ", "yn", "y")
	if err != nil {
		return err
	}
	for _, app := range d.Apps {
		if ans == "y" {
			ids = append(ids, app.ID)
			continue
		}
		one, err := a.choose("Authorize "+app.Name+"? [Y/n]: ", "yn", "y")
		if err != nil {
			return err
		}
		if one == "y" {
			ids = append(ids, app.ID)
		}
	}
	m.s.Select(ids)
	m.c.bg.fetchOrg(m.s) // a resumed draft's approvals read what it lacks
	for {
		err := a.authorizeQueue(ids)
		if err == nil {
			err = a.complete()
		}
		if !errors.Is(err, errReopen) {
			return err
		}
		m.s.Reopen() // the review went back to the skipped and failed apps
		a.save()
	}
}

// errReopen is complete's answer when the engineer goes back to the
// skipped and failed apps.
var errReopen = errors.New("tui: back to the skipped apps")

// authorizeQueue authorizes the queued apps (of ids) in turn.
func (a *accessible) authorizeQueue(ids []string) error {
	m := a.m
	for {
		app, pos, ok := m.s.Current()
		if !ok {
			m.c.bg.endCodes()
			return nil
		}
		var res appResult
		var err error
		if r := m.s.Results[app.ID]; r != nil && r.Pending() {
			res, err = a.resumeApproval(*r, pos, len(ids))
		} else {
			res, err = a.authorize(app, pos, len(ids))
		}
		if err != nil {
			return err
		}
		m.s.Done(res)
		m.c.bg.fetchOrg(m.s)
		a.save() // the approver, or a skip that replaces a saved approval
	}
}

// save saves the draft now, and says so when it fails.
func (a *accessible) save() {
	a.m.saveNow()
	if err := a.m.result.DraftSaveErr; err != nil {
		a.say("%s progress could not be saved: %s", wizard.MarkWarn, wizard.CleanErrorText(err))
	}
}

// resume offers the saved drafts.
func (a *accessible) resume() error {
	m := a.m
	if m.c.deps.Drafts == nil {
		return nil
	}
	infos, err := m.c.deps.Drafts.List()
	if err != nil || len(infos) == 0 {
		return nil
	}
	for show := true; len(infos) > 0; {
		for i, in := range infos {
			if !show {
				break
			}
			if i == 0 {
				a.say("\nUnfinished onboardings were found:")
			}
			switch {
			case wizard.InUse(in):
				a.say("%d. %s: %s; it can be neither resumed nor discarded while that one runs", i+1, wizard.Clean(in.ID), wizard.InUseText(in))
				continue
			case in.Err != nil:
				a.say("%d. %s: unreadable (%s)", i+1, in.ID, wizard.CleanErrorText(in.Err))
				continue
			case in.Completed != nil:
				a.say("%d. %s: %s; it can only be discarded (d%d)", i+1, wizard.Clean(in.Company), wizard.CompletedText(in), i+1)
				continue
			}
			a.say("%d. %s, %d apps authorized, saved %s", i+1, wizard.Clean(in.Company), len(in.AppsDone), in.Updated.UTC().Format("2006-01-02 15:04 UTC"))
		}
		show = false
		s, err := a.ask("Type a number to resume one, d and a number to discard one (d2), or press enter to start a new onboarding: ")
		if err != nil || s == "" {
			return err
		}
		del := strings.HasPrefix(strings.ToLower(s), "d")
		n, cerr := strconv.Atoi(strings.TrimSpace(strings.TrimLeft(s, "dD")))
		if cerr != nil || n < 1 || n > len(infos) || (!del && infos[n-1].Err != nil && !wizard.InUse(infos[n-1])) {
			a.say("No such draft.")
			continue
		}
		if wizard.InUse(infos[n-1]) {
			a.say("That draft is %s: it can be neither resumed nor discarded while that one runs.", wizard.InUseText(infos[n-1]))
			continue
		}
		if !del && infos[n-1].Completed != nil {
			a.say("That onboarding is %s; discard its draft with d%d.", wizard.CompletedText(infos[n-1]), n)
			continue
		}
		if del {
			ans, err := a.choose(wizard.DiscardQuestion(infos[n-1])+" [y/N]: ", "yn", "n")
			if err != nil {
				return err
			}
			if ans != "y" {
				continue
			}
			if err := m.c.deps.Drafts.Remove(infos[n-1].ID); err != nil {
				a.say("Could not discard it: %s", wizard.CleanErrorText(err))
				continue
			}
			a.say("Discarded.")
			infos = slices.Delete(infos, n-1, n)
			show = true
			continue
		}
		dr, err := m.c.deps.Drafts.Load(infos[n-1].ID)
		if err != nil {
			a.say("Could not load it: %s", wizard.CleanErrorText(err))
			continue
		}
		m.loaded(draftLoadedMsg{draft: dr})
		return nil
	}
	return nil
}

// authorize runs one app's device grant, printing each step; the core
// (wizard.Approval) decides what the end of each wait means, as on the
// screen: fresh codes after expired or spent ones, at most
// wizard.MaxAutoRenew in a row, then the engineer decides. While waiting,
// s skips the app and r asks for a fresh code.
func (a *accessible) authorize(app flows.App, pos, total int) (appResult, error) {
	m := a.m
	auth := m.c.deps.Authorizer
	a.say("\nApp %d of %d: %s", pos, total, app.Name)
	a.say("Integration ID %s; scopes %s.", app.ClientID, strings.Join(app.Scopes, " "))
	ap := &wizard.Approval{App: app}
	// The last code that expired unused: said again with each fresh code,
	// as the screen keeps it on.
	var expiredAt time.Time
	for {
		ctx, cancel := context.WithCancel(a.ctx)
		code, err := m.c.bg.start(ctx, auth, app, a.sayRetry)
		var g flows.Grant
		if err == nil {
			a.say("On a phone or computer, open %s and enter the code %s", wizard.Clean(code.VerificationURI), wizard.Clean(code.UserCode))
			if code.VerificationURIComplete != "" {
				a.say("(or open %s, which carries the code).", wizard.Clean(code.VerificationURIComplete))
			}
			if code.Notice != "" {
				a.say("Note: %s", wizard.CodeNotice(code.Notice))
			}
			if ap.Expiries > 0 {
				a.say("Note: %s", wizard.ExpiredNotice(ap.Expiries, expiredAt))
			}
			a.say("Sign in as the customer's Full Admin. The code expires in %d minutes.", int(code.Expiry.Sub(code.IssuedAt).Minutes()+0.5))
			m.c.bg.ahead(m.s) // the next app's code, while this one is pending
			if typeAhead(a) {
				a.say("Waiting for approval… (type s and enter to skip this app, r for a new code)")
			} else {
				a.say("Waiting for approval…")
			}
			var choice string
			choice, g, err = a.wait(ctx, cancel, app, code)
			for choice == "" && errors.Is(err, flows.ErrInvalidClient) && m.c.deps.Clock.Now().Before(code.Expiry) {
				// The same code, redeemed with the right secret: the
				// admin's approval is not asked for again.
				a.say("%s", wizard.SecretPrompt(app, code.Expiry.Sub(m.c.deps.Clock.Now())))
				sec, serr := a.askSecret("Client secret (not shown; press enter alone to leave it): ")
				if serr != nil {
					cancel()
					return appResult{}, serr
				}
				if sec = strings.TrimSpace(sec); sec == "" {
					break
				}
				app = wizard.WithTypedSecret(app, sec)
				ap.App = app
				a.say("Redeeming the same code with that secret…")
				choice, g, err = a.wait(ctx, cancel, app, code)
			}
			if choice == "s" {
				ok, err := a.confirmSkip(app, false)
				if err != nil {
					return appResult{}, err
				}
				if ok {
					return appResult{App: app, Status: statusSkipped}, nil
				}
				choice = "r" // the code's wait has ended: a fresh one
			}
			switch choice {
			case "r":
				ap.Again()
				a.say("Here is a new code.")
				continue
			}
		}
		cancel()
		if a.ctx.Err() != nil {
			return appResult{}, errors.Join(ErrUserAborted, a.ctx.Err())
		}
		if code.UserCode != "" || err == nil { // Wait's answer (Start's errors are always asked about)
			switch ap.AfterWait(g, err) {
			case wizard.Identify:
				res, again, err := a.approved(app, g, nil)
				if err != nil || !again {
					return res, err
				}
				ap.Again()
				continue
			case wizard.Renew:
				if ap.Expired {
					expiredAt = m.c.deps.Clock.Now()
					a.say("The code expired unused at %s; here is a fresh one.", expiredAt.Format("15:04"))
				} else {
					a.say("The code can no longer be used; here is a fresh one.")
				}
				continue
			}
		}
		a.say("Error: %s", wizard.CleanErrorText(err))
		a.say("%s", wizard.Remedy(err, app))
		ans, err2 := a.chooseSkip("Type r to try again, or s to skip the app: ", "rs", app, false)
		if err2 != nil {
			return appResult{}, err2
		}
		if ans == "s" {
			return appResult{App: app, Status: statusFailed, Reason: wizard.ShortReason(err)}, nil
		}
		ap.Again()
	}
}

// confirmSkip asks wizard.SkipQuestion: a skip is never taken at once.
func (a *accessible) confirmSkip(app flows.App, approved bool) (bool, error) {
	ans, err := a.choose(wizard.SkipQuestion(wizard.Clean(app.Name), approved)+" ", "yn", "")
	return ans == "y", err
}

// chooseSkip is choose, whose answer s (skip the app) is confirmed first;
// a skip not confirmed asks again.
func (a *accessible) chooseSkip(prompt, keys string, app flows.App, approved bool) (string, error) {
	for {
		ans, err := a.choose(prompt, keys, "")
		if err != nil || ans != "s" {
			return ans, err
		}
		if ok, err := a.confirmSkip(app, approved); err != nil || ok {
			return ans, err
		}
	}
}

// typeAhead tells whether lines may be read while an approval is awaited:
// only from a terminal, where the engineer types after seeing the prompt.
// Piped input (scripts, tests) answers the prompts in order, and a line
// meant for a later prompt must not be taken for s or r while waiting.
// Tests replace it.
var typeAhead = func(a *accessible) bool { return a.fd >= 0 }

// wait waits for the approval of code, printing Wait's poll events, while
// the engineer may type s (skip the app) or r (a new code): choice is then
// that letter, and the wait is canceled (cancel) and over before wait
// returns. An input that ends meanwhile just leaves the wait alone; other
// text gets a reminder of the two letters.
func (a *accessible) wait(ctx context.Context, cancel context.CancelFunc, app flows.App, code flows.DeviceCode) (choice string, g flows.Grant, err error) {
	type answer struct {
		g   flows.Grant
		err error
	}
	done := make(chan answer, 1)
	last, lastDown := flows.PollPending, false
	// tryNow is the last event's TryNow while Webex cannot be reached
	// (nil otherwise): r then polls at once, never a new code.
	var tryNow atomic.Pointer[func()]
	go func() {
		g, err := a.m.c.deps.Authorizer.Wait(ctx, app, code, func(ev flows.PollEvent) {
			if ev.Unreachable && ev.TryNow != nil {
				tryNow.Store(&ev.TryNow)
			} else {
				tryNow.Store(nil)
			}
			if ev.Outcome == last && ev.Unreachable == lastDown {
				return
			}
			last, lastDown = ev.Outcome, ev.Unreachable
			switch ev.Outcome {
			case flows.PollSlowDown:
				a.say("Webex asked to slow down: polling every %d seconds.", int(ev.Interval.Seconds()))
			case flows.PollRateLimited:
				a.say("Rate limited by Webex; waiting.")
			case flows.PollTransient:
				if ev.Unreachable {
					a.say("No answer from Webex: the network seems down (%s). Still trying every %d seconds while the code is valid; an approval given meanwhile is not lost. Type r and enter to try now.",
						wizard.CleanErrorDetail(ev.Err), int(ev.Interval.Seconds()))
					return
				}
				if we := (*flows.WebexError)(nil); errors.As(ev.Err, &we) {
					a.say("Webex is busy (HTTP %d), retrying: %s", we.Status, wizard.CleanErrorDetail(ev.Err))
					return
				}
				a.say("Network problem, retrying: %s", wizard.CleanErrorDetail(ev.Err))
			case flows.PollPending:
				a.say("Still waiting for approval.")
			}
		})
		done <- answer{g, err}
	}()
	var lines <-chan lineResult
	if typeAhead(a) {
		lines = a.in.next()
	}
	for {
		select {
		case r := <-done:
			return "", r.g, r.err
		case l := <-lines:
			if l.err != nil {
				lines = nil // the input ended: only the approval can end the wait
				continue
			}
			switch c := strings.ToLower(strings.TrimSpace(l.s)); {
			case c == "r" && tryNow.Load() != nil:
				// The network is down: the code may be approved already, so
				// r tries Webex again now rather than throwing it away.
				(*tryNow.Load())()
				a.say("Trying Webex again now.")
			case c == "s" || c == "r":
				cancel()
				<-done
				return c, flows.Grant{}, nil
			case tryNow.Load() != nil:
				a.say("Still waiting for approval: type s and enter to skip this app, or r to try Webex now.")
			default:
				a.say("Still waiting for approval: type s and enter to skip this app, or r for a new code.")
			}
		}
	}
}

// resumeApproval takes up an approval of a resumed draft left unfinished
// (appResult.pending), without a new code: who approved is checked again,
// or the warnings never accepted are asked about again.
func (a *accessible) resumeApproval(r appResult, pos, total int) (appResult, error) {
	app := r.App
	a.say("\nApp %d of %d: %s", pos, total, app.Name)
	if r.Undecided {
		a.say("Approved before the wizard stopped, but the approver's warnings were not accepted.")
	} else {
		a.say("Approved before the wizard stopped, but who approved was not checked.")
	}
	res, again, err := a.approved(app, wizard.GrantOf(r.Grant), &r)
	if err != nil || !again {
		return res, err
	}
	return a.authorize(app, pos, total)
}

// sayRetry prints a retry of the Start or Approver call in progress (its
// onRetry: called on this goroutine, during the call).
func (a *accessible) sayRetry(ev flows.RetryEvent) { a.say("%s", wizard.RetryText(ev)) }

// approved handles an approval as the core decides (wizard.Approval):
// it is saved in the draft at once (the admin's phone login is not to be
// asked for twice), then who approved is checked; warnings keep it in
// the draft as undecided until the engineer answers. again asks for a
// fresh code. resumed, when set, is the same approval kept in a resumed
// draft (appResult.Pending): checked again, or its warnings asked about
// again.
func (a *accessible) approved(app flows.App, g flows.Grant, resumed *appResult) (res appResult, again bool, err error) {
	m := a.m
	auth := m.c.deps.Authorizer
	ap := &wizard.Approval{App: app, AdminEmail: m.s.Draft.Customer.AdminEmail}
	var next wizard.Next
	switch {
	case resumed != nil:
		next = ap.Resumed(*resumed)
		if next == wizard.Identify {
			a.say("Checking who approved…")
		}
	default:
		next = ap.AfterWait(g, nil)
		m.s.Keep(ap.Result(statusAuthorized, ""))
		a.save()
		if m.c.deps.Drafts != nil && m.result.DraftSaveErr == nil {
			a.say("Approved; the authorization is kept in the draft. Checking who approved…")
		} else {
			a.say("Approved. Checking who approved…")
		}
	}
	drop := func() {
		m.s.Forget(app.ID)
		a.save()
	}
	for {
		if next == wizard.Identify {
			ap.Prior = m.s.KnownOrg()
			ctx, cancel := context.WithTimeout(a.ctx, identifyTimeout)
			id, ierr := auth.Approver(ctx, app, ap.Grant, a.sayRetry)
			cancel()
			if a.ctx.Err() != nil {
				return appResult{}, false, errors.Join(ErrUserAborted, a.ctx.Err())
			}
			next = ap.AfterIdentify(id, ierr)
		}
		if next == wizard.Unchecked {
			title, cause := wizard.IdentifyProblem(ap.Cause, ap.Err)
			a.say("%s: %s", title, wizard.CleanErrorText(ap.Err))
			a.say("%s", cause)
			ans, err := a.chooseSkip("Type i to try again, a to keep this authorization without the check, r to authorize again, or s to skip the app: ", "iars", app, true)
			if err != nil {
				return appResult{}, false, err
			}
			switch ans {
			case "i":
				next = wizard.Identify
				continue
			case "a":
				return ap.Result(statusAuthorized, ""), false, nil
			case "s":
				return appResult{App: app, Status: statusSkipped}, false, nil
			}
			drop()
			return appResult{}, true, nil
		}
		id := ap.Identity
		if ap.NotIdentified != "" {
			a.say("%s", wizard.NotIdentifiedText(ap))
			return ap.Result(statusAuthorized, ""), false, nil
		}
		m.c.bg.apply(m.s)
		id = wizard.WithPrior(id, m.s.KnownOrg()) // a name read meanwhile
		who := fmt.Sprintf("%s <%s>", wizard.Clean(id.DisplayName), wizard.Clean(strings.Join(id.Emails, ", ")))
		switch {
		case id.OrgID != "" && (id.OrgName != "" || id.OrgNameUnknown != flows.Known):
			a.say("Approved by %s, organization %s.", who, wizard.OrgNameText(id))
		case id.OrgID != "" && wizard.MayReadOrgName(ap.App, ap.Grant):
			// The name is read in the background (fetchOrg) after the
			// approval; the review gives it.
			a.say("Approved by %s; the organization's name is being read.", who)
		default:
			a.say("Approved by %s.", who)
		}
		if next == wizard.Finish {
			return ap.Result(statusAuthorized, ""), false, nil
		}
		for _, w := range ap.Warnings {
			a.say("Warning: %s", w)
		}
		if resumed == nil || !resumed.Undecided {
			// Keep the approver in the draft while the engineer decides,
			// as the screen does.
			r := ap.Result(statusAuthorized, "")
			r.Undecided = true
			m.s.Keep(r)
			a.save()
		}
		prompt, keys := "Type a to keep this authorization, r to authorize again, or s to skip the app: ", "ars"
		if e := ap.ApproverEmail(); e != "" {
			prompt, keys = "Type a to keep this authorization, e to make "+e+" the customer's admin email (the customer data named the wrong admin), r to authorize again, or s to skip the app: ", "aers"
		}
		ans, err := a.chooseSkip(prompt, keys, app, true)
		if err != nil {
			return appResult{}, false, err
		}
		if ans == "e" {
			email, n := ap.UseApproverEmail()
			m.s.SetAdminEmail(email)
			a.say("The customer's admin email is now %s.", email)
			if n == wizard.Finish {
				return ap.Result(statusAuthorized, ""), false, nil
			}
			for _, w := range ap.Warnings {
				a.say("Warning: %s", w)
			}
			if ans, err = a.chooseSkip("Type a to keep this authorization, r to authorize again, or s to skip the app: ", "ars", app, true); err != nil {
				return appResult{}, false, err
			}
		}
		switch ans {
		case "a":
			return ap.Result(statusAuthorized, ""), false, nil
		case "s":
			return appResult{App: app, Status: statusSkipped}, false, nil
		}
		drop()
		return appResult{}, true, nil
	}
}

// complete shows the review, asks for the passphrase if needed and writes
// the bundle.
func (a *accessible) complete() error {
	m := a.m
	d := m.c.deps
	if m.c.bg.orgPending(m.s) {
		// The review needs the org's name and size, still being read.
		a.say("\nReading the organization's name and size…")
		m.c.bg.waitOrg(a.ctx, m.s.OrgID())
		if a.ctx.Err() != nil {
			return errors.Join(ErrUserAborted, a.ctx.Err())
		}
	}
	rd := m.reviewData()
	m.review.set(rd)
	a.say("\nReview")
	a.say("Customer: %s", wizard.CustomerLine(rd.customer))
	a.say("Webex organization: %s", wizard.OrgLine(rd.org, rd.gaps))
	for _, n := range rd.notes {
		a.say("Note: %s", n)
	}
	for _, r := range rd.apps {
		switch r.Status {
		case statusAuthorized:
			line := "- " + r.App.Name + ": authorized, " + wizard.ApproverText(r.Grant.Approver)
			if exp := wizard.ExpiryText(r.Grant); exp != "" {
				line += "; tokens: " + exp
			}
			a.say("%s.", line)
		case statusFailed:
			a.say("- %s: failed: %s", r.App.Name, r.Reason)
		default:
			a.say("- %s: skipped.", r.App.Name)
		}
	}
	for _, w := range rd.warnings {
		a.say("Warning: %s", w)
	}
	a.say("The bundle goes to %s, protected by %s.", rd.outPath, wizard.DescribeProtection(rd.protection))
	if m.review.authorized() == 0 {
		a.say("No app is authorized: there is nothing to write.")
		if rd.reopen > 0 {
			ans, err := a.choose("Type b to go back to the skipped apps, or q to quit [b/q]: ", "bq", "")
			if err == nil && ans == "b" {
				err = errReopen
			}
			if err != nil {
				return err
			}
		}
		return ErrUserAborted
	}
	var pass store.Secret
	if rd.protection.Passphrase {
		for {
			p1, err := a.askSecret(fmt.Sprintf("Passphrase for the bundle (at least %d characters): ", store.MinPassphraseLen))
			if err != nil {
				return err
			}
			p2, err := a.askSecret("The same passphrase again: ")
			if err != nil {
				return err
			}
			switch err := wizard.CheckPassphrase(p1, p2); err {
			case wizard.ErrPassphraseShort:
				a.say("Too short. %s", wizard.Remedy(err, flows.App{}))
				continue
			case wizard.ErrPassphraseMismatch:
				a.say("%s", wizard.Remedy(err, flows.App{}))
				continue
			}
			pass = store.NewSecret(p1)
			break
		}
	}
	prompt, keys := "Type y to COMPLETE REQUEST and write the bundle, or q to quit and keep a draft [y/q]: ", "yq"
	if rd.reopen > 0 {
		prompt, keys = "Type y to COMPLETE REQUEST and write the bundle, b to go back to the skipped apps, or q to quit and keep a draft [y/b/q]: ", "ybq"
	}
	ans, err := a.choose(prompt, keys, "")
	if err != nil {
		return err
	}
	if ans == "b" {
		return errReopen
	}
	if ans == "q" {
		return ErrUserAborted
	}
	b := m.s.Bundle(m.c.deps.Clock.Now(), d.Version)
	var written *store.Completion // see wizard.WriteBundle
	for {
		var r Receipt
		var id string
		var err error
		r, id, written, err = effects.WriteBundle(d, m.s.Snapshot(), rd.outPath, b, pass, written)
		if err == nil {
			m.s.Draft.ID = cmp.Or(m.s.Draft.ID, id)
			m.result.Receipt = &r
			m.err = nil
			m.result.DraftID, m.result.DraftSaveErr = "", nil
			if d.Drafts != nil && m.s.Draft.ID != "" {
				m.removed(draftRemovedMsg{id: m.s.Draft.ID, err: effects.FinishDraft(d.Drafts, m.s.Draft, r)})
			}
			m.done.DoneContent.Set(r, m.s.Draft.Customer, m.s.Draft.Org, m.s.Results, m.s.Selected)
			a.say("\nDone.")
			a.say("%s\n", strings.Join(wizard.DoneText(m.done.DoneContent, wizard.OpenCommand(d, r)), "\n"))
			return nil
		}
		a.say("Could not write the bundle: %s", wizard.CleanErrorText(err))
		a.say("%s", wizard.WriteRemedy(err))
		ans, err2 := a.choose("Type r to try again, or q to quit and keep a draft: ", "rq", "")
		if err2 != nil || ans == "q" {
			return errors.Join(ErrUserAborted, err)
		}
	}
}
