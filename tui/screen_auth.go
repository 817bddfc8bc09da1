package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// authState is the state of one app's authorization.
type authState int

const (
	authStarting     authState = iota // asking Webex for a code
	authWaiting                       // code shown, polling
	authRenewing                      // the code expired (or r): a fresh one is on its way
	authIdentifying                   // approved: asking who approved
	authWarning                       // approved, but by the wrong person or org
	authUnidentified                  // approved, but Approver failed (i asks again)
	authDenied                        // access denied
	authFailed                        // anything else final (invalid client, ...)
)

// maxAutoRenew bounds automatic fresh codes in a row (the core's rule);
// then the engineer presses r.
const maxAutoRenew = wizard.MaxAutoRenew

// maxStatusLines bounds the status line (a long server message is cut).
const maxStatusLines = 3

// identifyTimeout bounds one Approver call, so that a hung network turns
// into an error the engineer can retry (i) rather than a spinner forever.
const identifyTimeout = 30 * time.Second

// minPanelW is the narrowest text column beside a QR code.
const minPanelW = 36

// layoutMode is how the authorization screen places its QR code.
type layoutMode int

const (
	layoutSide    layoutMode = iota // QR left, text right
	layoutStacked                   // QR above the text
	layoutText                      // no room for a QR: URL and code only
)

// authLayout is the placement computed on resize or when a code arrives.
type authLayout struct {
	mode   layoutMode
	qr     *qrCode // nil in layoutText
	short  bool    // qr encodes the short VerificationURI (type the code)
	panelW int
	// full-screen QR (key f)
	full       *qrCode
	fullBeside bool // caption beside the QR (else below, or none)
	fullBelow  bool
	// fullNeedW x fullNeedH is the smallest full-screen QR, for the hint
	// when it does not fit (0 when it cannot be rendered).
	fullNeedW, fullNeedH int
}

type qrKey struct {
	short bool
	quiet int
	scale int
}

// authScreen authorizes one app: QR code, user code, countdown, live status.
type authScreen struct {
	c          *common
	app        flows.App
	pos, total int
	// ap is the core's state of this app's approval (the renewal count,
	// the grant, who approved and the warnings), which decides what comes
	// next; AdminEmail and Prior (the org of the apps approved before,
	// with the name and user count they learned) are set here.
	ap wizard.Approval

	gen    int
	ctx    context.Context // of the current code; canceled by stop
	cancel context.CancelFunc
	state  authState

	code     flows.DeviceCode
	haveCode bool
	ev       flows.PollEvent
	haveEv   bool
	retries  int
	// retry is the last retry of Start or Approver for this app (nil when
	// none since the call began); the next attempt is at retryAt.
	retry   *flows.RetryEvent
	retryAt time.Time
	expired bool // the current renewal follows an expired or spent code
	// expiredAt is when the last code expired unused (Deps clock; the
	// count is ap.Expiries): the fresh code's screen says so for as long
	// as it is shown.
	expiredAt time.Time
	err       error
	idErr     error // why Approver failed (authUnidentified)

	// record is what the root must note in the draft right away (taken by
	// takeRecord after every update): the approval as soon as Wait returns
	// it, the approver once known, or the approval dropped on r.
	record *recordReq

	full bool
	// askSkip: s was pressed; the skip waits for y (n or esc keeps the
	// app). The wait goes on meanwhile.
	askSkip bool
	// adminEmail is the approver's email the engineer made the customer's
	// admin email (e, wizard.Approval.UseApproverEmail); "" when not.
	adminEmail string
	notice     string

	// askSecret: Webex rejected the client secret while the code is
	// still valid (flows.ErrInvalidClient; with a Webex that checks it
	// only at redemption, after the admin approved): secretIn (masked)
	// takes the right one, and enter redeems the same code with it. The
	// secret lives in s.app.Secret only, in memory.
	askSecret bool
	secretIn  textinput.Model

	qrs         map[qrKey]*qrCode
	qrErr       error
	lay         authLayout
	panelTop    []string   // wrapped once per layout
	panelBottom [][]string // sections (hint, integration ID, scopes): shown whole or not at all
}

// recordReq asks the root to keep (or, with drop, forget) an approval in
// the draft before the app's screen is finished.
type recordReq struct {
	res  appResult
	drop bool
}

// takeRecord returns the pending record request, once.
func (s *authScreen) takeRecord() *recordReq {
	r := s.record
	s.record = nil
	return r
}

func newAuthScreen(c *common, app flows.App, pos, total int, adminEmail string, prior store.Org) authScreen {
	return authScreen{c: c, app: app, pos: pos, total: total, ap: wizard.Approval{App: app, AdminEmail: adminEmail, Prior: prior}}
}

// stop cancels the code in flight, if any.
func (s *authScreen) stop() {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
}

// start asks for a (fresh) code, keeping the screen as it is meanwhile.
func (s *authScreen) start() tea.Cmd {
	s.stop()
	s.gen = s.c.nextGen()
	ctx, cancel := context.WithCancel(s.c.ctx)
	s.ctx, s.cancel = ctx, cancel
	s.state = authStarting
	if s.haveCode {
		s.state = authRenewing
	}
	s.err, s.haveEv, s.retries, s.ap.Warnings, s.notice = nil, false, 0, nil, ""
	s.ap.Identity, s.idErr, s.retry = flows.Identity{}, nil, nil
	gen, a, app, bg := s.gen, s.c.deps.Authorizer, s.app, s.c.bg
	return withRetries(ctx, gen, app.ID, func(onRetry func(flows.RetryEvent)) tea.Msg {
		code, err := bg.start(ctx, a, app, onRetry)
		return codeMsg{gen: gen, app: app.ID, code: code, err: err}
	})
}

// withRetries runs call (a Start or an Approver call of generation gen of app
// appID) on its own goroutine when the command runs, handing it an onRetry
// that passes each retry on: the command delivers each retry as a retryMsg
// (whose next command delivers what follows), then the call's own message.
// One route per call, so no retry of another call or app can show here.
// onRetry blocks until the retry is delivered or ctx is done: the call
// never runs ahead of its reports, and a canceled call never hangs.
func withRetries(ctx context.Context, gen int, appID string, call func(onRetry func(flows.RetryEvent)) tea.Msg) tea.Cmd {
	type answer struct {
		msg      tea.Msg
		panicked bool
		value    any
	}
	evs := make(chan flows.RetryEvent)
	res := make(chan answer, 1)
	onRetry := func(ev flows.RetryEvent) {
		select {
		case evs <- ev:
		case <-ctx.Done():
		}
	}
	var next tea.Cmd
	next = func() tea.Msg {
		select {
		case ev := <-evs:
			return retryMsg{gen: gen, app: appID, ev: ev, next: next}
		case a := <-res:
			if a.panicked {
				// On the command's goroutine, where Bubble Tea recovers
				// it (ErrInternal, the draft kept) as before.
				panic(a.value)
			}
			return a.msg
		}
	}
	return func() tea.Msg {
		go func() {
			a := answer{panicked: true}
			defer func() {
				if a.panicked {
					a.value = recover()
				}
				res <- a
			}()
			a.msg = call(onRetry)
			a.panicked = false
		}()
		return next()
	}
}

// wait polls for the current code. Poll events flow through a channel that
// listen turns into pollMsgs, one at a time, until Wait returns.
func (s *authScreen) wait(ctx context.Context) tea.Cmd {
	ch := make(chan flows.PollEvent, 32)
	gen, a, app, code := s.gen, s.c.deps.Authorizer, s.app, s.code
	waitCmd := func() tea.Msg {
		g, err := a.Wait(ctx, app, code, func(ev flows.PollEvent) {
			select {
			case ch <- ev:
			default: // status only: drop rather than block the poller
			}
		})
		close(ch)
		return grantMsg{gen: gen, app: app.ID, grant: g, err: err}
	}
	return tea.Batch(waitCmd, listen(gen, app.ID, ch))
}

// listen delivers the next poll event of generation gen of app appID.
func listen(gen int, appID string, ch <-chan flows.PollEvent) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return nil
		}
		return pollMsg{gen: gen, app: appID, ev: ev, ch: ch}
	}
}

// identify asks who approved (state authIdentifying), within
// identifyTimeout, under the current code's context: leaving the app
// (stop) cancels it.
func (s *authScreen) identify() tea.Cmd {
	s.state, s.idErr, s.retry = authIdentifying, nil, nil
	if s.ctx == nil || s.ctx.Err() != nil {
		// No code in flight (a resumed approval, see resumeIdentify).
		s.stop()
		s.ctx, s.cancel = context.WithCancel(s.c.ctx)
	}
	gen, a, app, g, parent := s.gen, s.c.deps.Authorizer, s.app, s.ap.Grant, s.ctx
	return withRetries(parent, gen, app.ID, func(onRetry func(flows.RetryEvent)) tea.Msg {
		ctx, cancel := context.WithTimeout(parent, identifyTimeout)
		defer cancel()
		id, err := a.Approver(ctx, app, g, onRetry)
		return identityMsg{gen: gen, app: app.ID, id: id, err: err}
	})
}

// mine tells whether an async result of generation gen for app appID
// belongs to this screen's current code.
func (s *authScreen) mine(gen int, appID string) bool {
	return gen == s.gen && appID == s.app.ID
}

// finish ends this app's screen with status.
func (s *authScreen) finish(status appStatus) tea.Cmd {
	s.stop()
	res := s.result(status)
	s.ap.Grant = flows.Grant{}
	email := s.adminEmail
	return func() tea.Msg { return appDoneMsg{res: res, adminEmail: email} }
}

// result is this app's outcome with status (the core's Approval.Result;
// a failure's reason in the review's short words).
func (s *authScreen) result(status appStatus) appResult {
	return s.ap.Result(status, wizard.ShortReason(s.err))
}

func (s *authScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case codeMsg:
		if !s.mine(msg.gen, msg.app) {
			return nil
		}
		if msg.err != nil {
			s.state, s.err = authFailed, msg.err
			return nil
		}
		s.code, s.haveCode, s.state, s.retry = msg.code, true, authWaiting, nil
		s.qrs, s.qrErr = map[qrKey]*qrCode{}, nil
		s.expired = false
		s.relayout()
		return s.wait(s.ctx)
	case pollMsg:
		if !s.mine(msg.gen, msg.app) || s.state != authWaiting {
			return nil
		}
		s.ev, s.haveEv = msg.ev, true
		if msg.ev.Outcome == flows.PollTransient {
			s.retries++
		}
		return listen(msg.gen, msg.app, msg.ch)
	case grantMsg:
		if !s.mine(msg.gen, msg.app) {
			return nil
		}
		return s.granted(msg)
	case identityMsg:
		if !s.mine(msg.gen, msg.app) || s.state != authIdentifying {
			return nil
		}
		if msg.err != nil && errors.Is(msg.err, context.Canceled) && (s.ctx == nil || s.ctx.Err() != nil) {
			return nil // stopped: quitting, or the app was left
		}
		next := s.ap.AfterIdentify(msg.id, msg.err)
		s.idErr = s.ap.Err
		switch next {
		case wizard.Unchecked:
			s.state = authUnidentified
			return nil
		case wizard.Finish:
			return s.finish(statusAuthorized)
		}
		// Keep the approver in the draft while the engineer decides.
		res := s.result(statusAuthorized)
		res.Undecided = true
		s.record = &recordReq{res: res}
		s.state = authWarning
		return nil
	case copiedMsg:
		if msg.err != nil {
			s.notice = "Could not copy the URL: " + wizard.CleanErrorText(msg.err)
		} else {
			s.notice = "URL copied to the clipboard, if this terminal allows it."
		}
		return nil
	case tea.KeyMsg:
		return s.key(msg)
	}
	return nil
}

// retried notes a retry of this screen's current Start (while a code is
// on its way) or Approver (while checking who approved): the root passes
// only those of its generation (mine). now is the clock when it arrived.
func (s *authScreen) retried(ev flows.RetryEvent, now time.Time) {
	starting := s.state == authStarting || s.state == authRenewing
	if !(ev.Op == flows.RetryStart && starting || ev.Op == flows.RetryIdentify && s.state == authIdentifying) {
		return
	}
	s.retry, s.retryAt = &ev, now.Add(ev.Wait)
}

// retryLine is the status of a retry: "Webex is busy (HTTP 503, attempt
// 2), retrying in 4s: <error>" (see wizard.RetryCause).
func (s *authScreen) retryLine() string {
	c := s.c
	ev := s.retry
	when := "retrying now"
	if d := s.retryAt.Sub(c.now); d > 0 {
		when = fmt.Sprintf("retrying in %ds", int((d+time.Second-1)/time.Second))
	}
	line := c.spinner() + " " + c.styles.Warn.Render(wizard.RetryCause(*ev)+", "+when)
	if d := wizard.CleanErrorDetail(ev.Err); d != "" {
		line += c.styles.Warn.Render(": ") + d
	}
	return line
}

// resumeApproval takes up an approval of a resumed draft that was left
// unfinished (appResult.pending), without a new device code: the approver
// is checked again, or its warnings come back for a decision.
func (s *authScreen) resumeApproval(r appResult) tea.Cmd {
	s.gen = s.c.nextGen()
	if s.ap.Resumed(r) == wizard.Identify {
		return s.identify()
	}
	s.state = authWarning
	return nil
}

// keep holds an approval and asks the root to save it in the draft.
func (s *authScreen) keep(g flows.Grant) {
	s.ap.Grant, s.ap.Renewals = g, 0
	s.ap.Identity, s.ap.Warnings = flows.Identity{}, nil
	s.record = &recordReq{res: s.result(statusAuthorized)}
}

// keepLate keeps the approval of a Wait that returned while the wizard
// quits (the approver is checked when the draft is resumed).
func (s *authScreen) keepLate(msg grantMsg) {
	if s.mine(msg.gen, msg.app) && msg.err == nil && !s.approved() {
		s.keep(msg.grant)
	}
}

// granted handles the end of Wait, as the core decides (Approval.AfterWait:
// the renewal cap, a final token limit).
func (s *authScreen) granted(msg grantMsg) tea.Cmd {
	err := msg.err
	switch s.ap.AfterWait(msg.grant, err) {
	case wizard.Identify:
		// The admin's approval cost a phone login: have the root save it
		// in the draft now, before Approver (which may hang or fail).
		s.keep(msg.grant)
		return s.identify()
	case wizard.Stay:
		return nil
	case wizard.Renew:
		if s.ap.Expired {
			s.expiredAt = s.c.deps.Clock.Now()
		}
		cmd := s.start()
		s.expired = true
		return cmd
	case wizard.Denied:
		s.state, s.err = authDenied, err
	default:
		s.state, s.err = authFailed, err
		if errors.Is(err, flows.ErrInvalidClient) && s.haveCode && s.remaining() > 0 {
			s.stop()
			return s.promptSecret()
		}
	}
	s.stop()
	return nil
}

// promptSecret asks for the right client secret (masked), to redeem the
// same code with it.
func (s *authScreen) promptSecret() tea.Cmd {
	t := textinput.New()
	t.Prompt = ""
	t.EchoMode = textinput.EchoPassword
	t.EchoCharacter = '•'
	t.CharLimit = 1024
	t.Width = 40
	s.secretIn, s.askSecret = t, true
	return s.secretIn.Focus()
}

// typing tells whether a text field has the keys (q is then a letter).
func (s *authScreen) typing() bool { return s.askSecret }

// secretKey handles a key while the secret is asked for: enter redeems
// the same code with the secret typed (an empty one is ignored), esc
// leaves the prompt (the error stays, with r and s).
func (s *authScreen) secretKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.Type {
	case tea.KeyEsc:
		s.askSecret = false
		s.secretIn.SetValue("")
		return nil
	case tea.KeyEnter:
		v := strings.TrimSpace(s.secretIn.Value())
		s.secretIn.SetValue("")
		if v == "" {
			return nil
		}
		if s.remaining() <= 0 {
			s.askSecret = false // too late: r for a fresh code
			s.err = fmt.Errorf("flows: %s: wait: %w", s.app.ID, flows.ErrExpired)
			return nil
		}
		s.askSecret = false
		s.app = wizard.WithTypedSecret(s.app, v)
		s.ap.App = s.app
		return s.redeem()
	}
	var cmd tea.Cmd
	s.secretIn, cmd = s.secretIn.Update(msg)
	return cmd
}

// redeem polls the current code again (after a corrected secret): the
// admin's approval is not asked for again.
func (s *authScreen) redeem() tea.Cmd {
	s.stop()
	s.gen = s.c.nextGen()
	s.ctx, s.cancel = context.WithCancel(s.c.ctx)
	s.state, s.err, s.haveEv, s.retry = authWaiting, nil, false, nil
	return s.wait(s.ctx)
}

func (s *authScreen) key(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	if s.askSecret {
		return s.secretKey(msg)
	}
	if s.askSkip {
		switch {
		case key.Matches(msg, k.Yes):
			s.askSkip = false
			if s.state == authDenied || s.state == authFailed {
				return s.finish(statusFailed)
			}
			return s.finish(statusSkipped)
		case key.Matches(msg, k.No), key.Matches(msg, k.Back):
			s.askSkip = false
		}
		return nil
	}
	if s.full {
		if key.Matches(msg, k.FullQR) || key.Matches(msg, k.Back) || key.Matches(msg, k.Continue) {
			s.full = false
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.NewCode) && s.networkDown():
		// The code may be approved already: r tries Webex now, never a
		// new code while the network is down.
		s.ev.TryNow()
	case key.Matches(msg, k.NewCode) && s.state != authIdentifying:
		if s.approved() {
			// Authorize again: the engineer rejects this approval.
			s.record = &recordReq{res: appResult{App: s.app}, drop: true}
			s.ap.Grant = flows.Grant{}
		}
		s.ap.Renewals, s.ap.Expiries = 0, 0
		s.expired = false
		return s.start()
	case key.Matches(msg, k.Identify) && s.state == authUnidentified:
		return s.identify()
	case key.Matches(msg, k.Skip):
		s.askSkip = true // wizard.SkipQuestion: never skip at once
	case key.Matches(msg, k.Copy) && s.showsCode():
		text := s.code.VerificationURIComplete
		if text == "" {
			text = s.code.VerificationURI
		}
		cp := s.c.deps.Copy
		return func() tea.Msg {
			if cp == nil {
				return copiedMsg{err: errors.New("no clipboard in this terminal")}
			}
			return copiedMsg{err: cp(text)}
		}
	case key.Matches(msg, k.FullQR) && s.showsCode():
		s.full = true
		s.relayout()
	case msg.String() == "e" && s.state == authWarning && s.ap.ApproverEmail() != "":
		email, next := s.ap.UseApproverEmail()
		s.adminEmail = email
		if next == wizard.Finish {
			return s.finish(statusAuthorized)
		}
	case key.Matches(msg, k.Accept) && s.state == authWarning,
		msg.String() == "a" && s.state == authUnidentified: // enter does not skip the check
		return s.finish(statusAuthorized)
	}
	return nil
}

// networkDown tells whether the last poll of the code on screen got no
// answer at all (flows.PollEvent.Unreachable): r then means "try now".
func (s *authScreen) networkDown() bool {
	return s.state == authWaiting && s.haveEv && s.ev.Unreachable && s.ev.TryNow != nil
}

// approved tells whether Wait returned a grant for the current code.
func (s *authScreen) approved() bool {
	return s.state == authIdentifying || s.state == authWarning || s.state == authUnidentified
}

// showsCode tells whether the code (and its QR) is on screen.
func (s *authScreen) showsCode() bool {
	return s.haveCode && (s.state == authWaiting || s.state == authRenewing)
}

func (s *authScreen) help() []key.Binding {
	k := s.c.keys
	if s.askSkip {
		skip := key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "skip"))
		keep := key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "keep the app"))
		return []key.Binding{skip, keep}
	}
	if s.askSecret {
		redeem := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "redeem the code with this secret"))
		leave := key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave it"))
		return []key.Binding{redeem, leave, k.ForceQuit}
	}
	switch s.state {
	case authWarning:
		again := key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "authorize again"))
		if s.ap.ApproverEmail() != "" {
			use := key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "use their email"))
			return []key.Binding{k.Accept, use, again, k.Skip, k.Quit}
		}
		return []key.Binding{k.Accept, again, k.Skip, k.Quit}
	case authUnidentified:
		again := key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "authorize again"))
		accept := key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "accept anyway"))
		return []key.Binding{k.Identify, accept, again, k.Skip, k.Quit}
	case authDenied, authFailed:
		again := key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "try again"))
		return []key.Binding{again, k.Skip, k.Quit}
	case authIdentifying:
		return []key.Binding{k.Skip, k.Quit}
	}
	if !s.showsCode() {
		// Requesting the first code: nothing to copy or show full screen.
		return []key.Binding{k.NewCode, k.Skip, k.Quit}
	}
	if s.networkDown() {
		now := key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "try now"))
		return []key.Binding{now, k.Skip, k.Copy, k.FullQR, k.Quit}
	}
	return []key.Binding{k.NewCode, k.Skip, k.Copy, k.FullQR, k.Quit}
}

// qr renders (once per code) the QR of the complete or short URI.
func (s *authScreen) qr(short bool, quiet int) *qrCode { return s.qrScaled(short, quiet, 1) }

// qrScaled renders (once per code) the QR of the complete or short URI
// with modules of scale cells (renderQRScaled).
func (s *authScreen) qrScaled(short bool, quiet, scale int) *qrCode {
	k := qrKey{short, quiet, scale}
	if q, ok := s.qrs[k]; ok {
		return q
	}
	content := s.code.VerificationURIComplete
	if short || content == "" {
		content = s.code.VerificationURI
	}
	if short && s.code.VerificationURIComplete == "" {
		s.qrs[k] = nil // no separate short code
		return nil
	}
	var q *qrCode
	if c, err := renderQRScaled(content, quiet, scale, s.c.deps.NoColor, s.c.styles.QR); err == nil {
		q = &c
	} else {
		s.qrErr = err
	}
	s.qrs[k] = q
	return q
}

// relayout places the QR code for the terminal size: the complete URI's QR
// beside or above the text where it fits, else the short URI's QR (type the
// code), else text only. It also wraps the static text once.
func (s *authScreen) relayout() {
	if !s.haveCode {
		return
	}
	if s.qrs == nil {
		s.qrs = map[qrKey]*qrCode{}
	}
	w, h := s.c.width, s.c.bodyHeight()
	lay := authLayout{mode: layoutText, panelW: w}
	const stackedText = 7 // title, code, URL (2), expiry, status, hint
	found := false
	for _, short := range []bool{false, true} {
		for _, mode := range []layoutMode{layoutSide, layoutStacked} {
			for _, quiet := range []int{2, 1} {
				q := s.qr(short, quiet)
				if q == nil || found {
					continue
				}
				switch {
				case mode == layoutSide && w >= q.w+2+minPanelW && h >= q.h:
					lay = authLayout{mode: layoutSide, qr: q, short: short, panelW: w - q.w - 2}
					found = true
				case mode == layoutStacked && w >= q.w && h >= q.h+1+stackedText:
					lay = authLayout{mode: layoutStacked, qr: q, short: short, panelW: w}
					found = true
				}
			}
		}
	}
	// Full-screen QR of the complete URI: the biggest modules that fit
	// (three or two cells a side, else one as the normal QR), then the
	// biggest quiet zone (phones want four modules; the normal QR has at
	// most two), with its caption beside, below, or not at all. A size is
	// measured before it is rendered: View never renders.
	if q := s.qr(false, 1); q != nil {
		lay.fullNeedW, lay.fullNeedH = q.w, q.h
	}
	type size struct{ scale, quiet int }
	var sizes []size
	for _, scale := range []int{3, 2, 1} {
		for _, quiet := range []int{4, 3, 2, 1} {
			sizes = append(sizes, size{scale, quiet})
		}
	}
	base := s.qr(false, 1)
	for _, z := range sizes {
		if base == nil || lay.full != nil {
			break
		}
		if z.scale > 1 { // too big even without a caption: not rendered
			n := base.w - 2 + 2*z.quiet // modules a side
			if w, h := n*z.scale, (n*z.scale+1)/2; s.c.width < w || s.c.height < h {
				continue
			}
		}
		q := s.qrScaled(false, z.quiet, z.scale)
		if q == nil {
			continue
		}
		switch {
		case s.c.width >= q.w+2+24 && s.c.height >= q.h:
			lay.full, lay.fullBeside = q, true
		case s.c.width >= q.w && s.c.height >= q.h+2:
			lay.full, lay.fullBelow = q, true
		case s.c.width >= q.w && s.c.height >= q.h:
			lay.full = q
		}
	}
	s.lay = lay
	s.wrapPanel()
}

// wrapPanel wraps the static text of the panel to the layout's width.
func (s *authScreen) wrapPanel() {
	st := s.c.styles
	pw := s.lay.panelW
	var top []string
	top = append(top, st.Dim.Render(fmt.Sprintf("Authorize app %d of %d", s.pos, s.total)))
	for _, l := range strings.Split(wrap(wizard.Clean(s.app.Name), pw), "\n") {
		top = append(top, st.Title.Render(l))
	}
	top = append(top, "")
	top = append(top, st.Label.Render("Code    ")+st.Code.Render(wizard.Clean(s.code.UserCode)))
	url := strings.Split(wrap(wizard.Clean(s.code.VerificationURI), max(pw-8, 10)), "\n")
	for i, l := range url {
		lead := "        "
		if i == 0 {
			lead = st.Label.Render("Open    ")
		}
		top = append(top, lead+st.URL.Render(l))
	}
	for _, n := range s.notices() {
		top = append(top, "")
		lines := strings.Split(wrap(n, max(pw-2, 10)), "\n")
		top = append(top, st.Warn.Render(wizard.MarkWarn)+" "+st.Warn.Render(lines[0]))
		for _, l := range lines[1:] {
			top = append(top, "  "+st.Warn.Render(l))
		}
	}
	var bottom [][]string
	var hint string
	noComplete := s.code.VerificationURIComplete == ""
	switch {
	case s.lay.mode == layoutText && s.lay.full != nil:
		hint = "Open the URL on a phone or computer, sign in as the customer's Full Admin and enter the code. " +
			"Enlarge the window for a QR code, or press f for a full-screen one."
	case s.lay.mode == layoutText:
		hint = "Open the URL on a phone or computer, sign in as the customer's Full Admin and enter the code. " +
			"Enlarge the window for a QR code."
	case noComplete:
		hint = "Scan the QR code with a phone, sign in as the customer's Full Admin and type the code."
	case s.lay.short:
		hint = "Scan the QR code with a phone, sign in as the customer's Full Admin and type the code. " +
			"Press f for a full-screen QR that carries the code."
	default:
		hint = "Scan the QR code with a phone and sign in as the customer's Full Admin, or open the URL and enter the code."
	}
	bottom = append(bottom, append(strings.Split(wrap(hint, pw), "\n"), ""))
	bottom = append(bottom, append([]string{st.Label.Render("Integration ID")}, strings.Split(wrap(wizard.Clean(s.app.ClientID), pw), "\n")...))
	if len(s.app.Scopes) > 0 {
		bottom = append(bottom, append([]string{st.Label.Render("Scopes")}, strings.Split(wrap(wizard.Clean(strings.Join(s.app.Scopes, " ")), pw), "\n")...))
	}
	s.panelTop, s.panelBottom = top, bottom
}

// notices are what the code's screen must say besides the code: why Webex's
// link with the code is not used (DeviceCode.Notice), and that the codes
// before this one expired unused (with the possible cause when the admin
// did approve). They stay as long as the code is shown.
func (s *authScreen) notices() []string {
	var n []string
	if s.code.Notice != "" {
		n = append(n, wizard.CodeNotice(s.code.Notice))
	}
	if s.ap.Expiries > 0 && s.state == authWaiting {
		n = append(n, wizard.ExpiredNotice(s.ap.Expiries, s.expiredAt))
	}
	return n
}

// remaining is the time left on the code at the last tick.
func (s *authScreen) remaining() time.Duration {
	now := s.c.now
	if now.IsZero() || now.Before(s.code.IssuedAt) {
		now = s.code.IssuedAt
	}
	return s.code.Expiry.Sub(now)
}

func (s *authScreen) expiresLine() string {
	st := s.c.styles
	d := s.remaining()
	if d <= 0 {
		return st.Label.Render("Expires ") + st.Warn.Render("now")
	}
	d = d.Round(time.Second)
	txt := fmt.Sprintf("in %d:%02d", int(d.Minutes()), int(d.Seconds())%60)
	if d < time.Minute {
		return st.Label.Render("Expires ") + st.Warn.Render(txt)
	}
	return st.Label.Render("Expires ") + txt
}

// status is the live status line (may be long; the caller wraps or cuts).
func (s *authScreen) status() string {
	c := s.c
	st := c.styles
	switch s.state {
	case authStarting:
		if s.retry != nil {
			return s.retryLine()
		}
		return c.spinner() + " Requesting a code from Webex…"
	case authRenewing:
		switch {
		case s.retry != nil && s.expired:
			return st.Warn.Render(wizard.MarkWarn+" The code expired. ") + s.retryLine()
		case s.retry != nil:
			return s.retryLine()
		}
		if s.expired {
			return st.Warn.Render(wizard.MarkWarn+" The code expired. ") + c.spinner() + " Requesting a fresh one…"
		}
		return c.spinner() + " Requesting a fresh code…"
	case authIdentifying:
		if s.retry != nil {
			return st.OK.Render(wizard.MarkOK+" Approved. ") + s.retryLine()
		}
		return st.OK.Render(wizard.MarkOK+" Approved. ") + c.spinner() + " Checking who approved…"
	}
	if !s.haveEv {
		return c.spinner() + " Waiting for approval…"
	}
	ev := s.ev
	next, check := "", "" // when Webex is asked next, in a retry's or a wait's words
	if !ev.NextPoll.IsZero() && !c.now.IsZero() {
		if d := ev.NextPoll.Sub(c.now).Round(time.Second); d > 0 {
			next = fmt.Sprintf(", next try in %ds", int(d.Seconds()))
			check = fmt.Sprintf(" · next check in %ds", int(d.Seconds()))
		}
	}
	switch ev.Outcome {
	case flows.PollSlowDown:
		return c.spinner() + " Waiting for approval · " + st.Warn.Render(fmt.Sprintf("Webex asked to slow down: asking every %ds", int(ev.Interval.Seconds())))
	case flows.PollRateLimited:
		return c.spinner() + " Waiting for approval · " + st.Warn.Render("Webex asked to wait (too many requests)"+next)
	case flows.PollTransient:
		if ev.Unreachable {
			down := ""
			if d := c.now.Sub(ev.DownSince); !c.now.IsZero() && d >= time.Second {
				down = fmt.Sprintf(" for %ds", int(d.Seconds()))
			}
			return c.spinner() + " " + st.Warn.Render(fmt.Sprintf("Network down: no answer from Webex%s. Trying every %ds%s; the admin can still approve. ",
				down, int(ev.Interval.Seconds()), next)) + wizard.CleanErrorDetail(ev.Err)
		}
		cause := "Network problem"
		if we := (*flows.WebexError)(nil); errors.As(ev.Err, &we) {
			cause = fmt.Sprintf("Webex is busy (HTTP %d)", we.Status)
		}
		return c.spinner() + " " + st.Warn.Render(fmt.Sprintf("%s, retrying (%d %s%s): ", cause, s.retries, wizard.Plural(s.retries, "retry", "retries"), next)) + wizard.CleanErrorDetail(ev.Err)
	case flows.PollFailed:
		return st.Err.Render(wizard.MarkErr+" Stopped: ") + wizard.CleanErrorText(ev.Err)
	case flows.PollDone:
		return st.OK.Render(wizard.MarkOK+" Approved. ") + c.spinner() + " Collecting the tokens…"
	}
	// When, not the poll's count: the customer sees the screen.
	return c.spinner() + " Waiting for approval" + check
}

// view renders the body of the screen.
func (s *authScreen) view() string {
	if s.askSkip {
		return s.titleLines() + "\n\n" + s.c.styles.Warn.Render(wrap(wizard.SkipQuestion(wizard.Clean(s.app.Name), s.approved()), s.c.width))
	}
	switch s.state {
	case authWarning:
		return s.warningView()
	case authUnidentified:
		return s.unidentifiedView()
	case authIdentifying:
		// The code is spent: no QR code to scan again.
		return s.titleLines() + "\n\n" + wrap(s.status(), s.c.width) + "\n" + s.c.styles.Dim.Render(s.keptNote())
	case authDenied, authFailed:
		return s.errorView()
	case authStarting:
		if !s.haveCode {
			return s.titleLines() + "\n\n" + wrap(s.status(), s.c.width)
		}
	}
	if !s.haveCode {
		return s.titleLines()
	}
	pw := s.lay.panelW
	panel := make([]string, 0, len(s.panelTop)+16)
	panel = append(panel, s.panelTop...)
	panel = append(panel, s.expiresLine(), "")
	status := strings.Split(wrap(s.status(), pw), "\n")
	if len(status) > maxStatusLines {
		status = status[:maxStatusLines]
		status[maxStatusLines-1] = truncate(status[maxStatusLines-1]+"…", pw)
	}
	panel = append(panel, status...)
	if s.notice != "" {
		panel = append(panel, strings.Split(s.c.styles.OK.Render(wrap(s.notice, pw)), "\n")...)
	}
	panel = append(panel, "")
	// Rows for the panel; a section that does not fit whole is left out
	// (a label without its value only confuses), the hint excepted.
	rows := s.c.bodyHeight()
	if s.lay.mode == layoutStacked {
		rows -= s.lay.qr.h + 1
	}
	for i, sec := range s.panelBottom {
		// The hint is shown even cut, unless notices took its room (they
		// say what to type).
		if (i > 0 || len(s.notices()) > 0) && len(panel)+len(sec) > rows {
			break
		}
		panel = append(panel, sec...)
	}

	var b strings.Builder
	switch s.lay.mode {
	case layoutSide:
		q := s.lay.qr
		qlines := strings.Split(q.view, "\n")
		blank := strings.Repeat(" ", q.w)
		rows := min(max(len(qlines), len(panel)), s.c.bodyHeight())
		for i := 0; i < rows; i++ {
			if i > 0 {
				b.WriteByte('\n')
			}
			if i < len(qlines) {
				b.WriteString(qlines[i])
			} else {
				b.WriteString(blank)
			}
			if i < len(panel) {
				b.WriteString("  ")
				b.WriteString(panel[i])
			}
		}
	case layoutStacked:
		b.WriteString(s.lay.qr.view)
		b.WriteString("\n")
		b.WriteString(strings.Join(panel, "\n"))
	default:
		b.WriteString(strings.Join(panel, "\n"))
	}
	return b.String()
}

func (s *authScreen) titleLines() string {
	st := s.c.styles
	return st.Dim.Render(fmt.Sprintf("Authorize app %d of %d", s.pos, s.total)) + "\n" + st.Title.Render(wrap(wizard.Clean(s.app.Name), s.c.width))
}

// errorView shows a final error with its remedy.
func (s *authScreen) errorView() string {
	st := s.c.styles
	w := s.c.width
	var b strings.Builder
	b.WriteString(s.titleLines() + "\n\n")
	what := "Authorization failed"
	switch {
	case errors.Is(s.err, flows.ErrDenied):
		what = "Access denied"
	case errors.Is(s.err, flows.ErrInvalidClient):
		what = "Client secret rejected"
	case errors.Is(s.err, flows.ErrExpired):
		what = "The code expired"
	case errors.Is(s.err, flows.ErrTokenLimit):
		what = "Token limit reached"
	}
	b.WriteString(st.Err.Render(wizard.MarkErr+" "+what) + "\n")
	b.WriteString(st.Dim.Render(wrap(wizard.CleanErrorText(s.err), w)) + "\n\n")
	if s.askSecret {
		b.WriteString(wrap(wizard.SecretPrompt(s.app, s.remaining()), w) + "\n\n")
		b.WriteString(st.Label.Render("Client secret ") + s.secretIn.View() + "\n\n")
		b.WriteString(st.Label.Render("Integration ID") + "\n" + wrap(wizard.Clean(s.app.ClientID), w) + "\n")
		return b.String()
	}
	b.WriteString(st.Remedy.Render(wrap(wizard.Remedy(s.err, s.app), w-2)) + "\n\n")
	b.WriteString(st.Label.Render("Integration ID") + "\n" + wrap(wizard.Clean(s.app.ClientID), w) + "\n")
	if errors.Is(s.err, flows.ErrInvalidClient) && s.app.SecretSource != "" {
		b.WriteString(st.Label.Render("Secret from ") + wizard.Clean(s.app.SecretSource) + "\n")
	}
	return b.String()
}

// warningView shows who approved and what is wrong with it.
func (s *authScreen) warningView() string {
	st := s.c.styles
	w := s.c.width
	id := s.ap.Identity
	var b strings.Builder
	b.WriteString(s.titleLines() + "\n\n")
	b.WriteString(st.OK.Render(wizard.MarkOK+" Approved") + ", but check who approved:\n\n")
	row := func(label, v string) {
		b.WriteString(st.Label.Render(fmt.Sprintf("%-12s", label)) + truncate(v, max(w-12, 10)) + "\n")
	}
	row("Approver", wizard.Clean(id.DisplayName))
	row("Emails", wizard.Clean(strings.Join(id.Emails, ", ")))
	role := "Full Admin"
	if !id.FullAdmin {
		role = "not a Full Admin"
	}
	row("Role", role)
	org := wizard.OrgNameText(id)
	if id.OrgID != "" {
		org += " (" + wizard.ShortID(wizard.Clean(id.OrgID)) + ")"
	}
	row("Org", org)
	row("Expected", s.ap.AdminEmail)
	b.WriteString("\n")
	for _, wn := range s.ap.Warnings {
		lines := strings.Split(wrap(wn, w-2), "\n")
		b.WriteString(st.Warn.Render(wizard.MarkWarn) + " " + lines[0] + "\n")
		for _, l := range lines[1:] {
			b.WriteString("  " + l + "\n")
		}
	}
	b.WriteString("\n" + wrap("Press r to authorize again with the right account (the admin signs out of Webex first), a to keep this authorization anyway, or s to skip the app.", w))
	if e := s.ap.ApproverEmail(); e != "" {
		b.WriteString("\n" + wrap("Or press e if the customer data named the wrong admin: "+e+" becomes the admin email, and later apps this admin approves raise no warning about it.", w))
	}
	return b.String()
}

// keptNote says whether an approval is safe in the draft.
func (s *authScreen) keptNote() string {
	if s.c.deps.Drafts == nil {
		return "Drafts are off: the approval is lost if the wizard stops."
	}
	if s.c.saveErr != nil {
		return "The approval could not be saved in the draft: it is lost if the wizard stops."
	}
	return "The approval is kept in the draft."
}

// unidentifiedView: approved, but who approved could not be checked.
func (s *authScreen) unidentifiedView() string {
	st := s.c.styles
	w := s.c.width
	var b strings.Builder
	b.WriteString(s.titleLines() + "\n\n")
	b.WriteString(st.OK.Render(wizard.MarkOK+" Approved.") + " " + st.Dim.Render(s.keptNote()) + "\n\n")
	title, cause := wizard.IdentifyProblem(s.ap.Cause, s.idErr)
	b.WriteString(st.Warn.Render(wizard.MarkWarn+" "+title) + "\n")
	b.WriteString(st.Dim.Render(wrap(wizard.CleanErrorText(s.idErr), w)) + "\n\n")
	b.WriteString(wrap(cause+" Press i to try again; "+
		"a keeps the authorization without the check (the review and the bundle say the approver is unknown), "+
		"r authorizes again, s skips the app.", w) + "\n\n")
	b.WriteString(st.Label.Render("Expected") + "  " + s.ap.AdminEmail + "\n")
	return b.String()
}

// fullView is the full-screen QR of the complete URI (key f).
func (s *authScreen) fullView() string {
	st := s.c.styles
	l := s.lay
	capW := min(max(s.c.width-2-func() int {
		if l.full != nil {
			return l.full.w
		}
		return 0
	}(), 10), 40)
	caption := []string{
		st.Title.Render("Scan with a phone"),
		"",
	}
	if s.code.VerificationURIComplete == "" {
		caption[1] = st.Warn.Render("then type the code")
	}
	caption = append(caption, strings.Split(wrap(wizard.Clean(s.app.Name), capW), "\n")...)
	caption = append(caption,
		st.Label.Render("Code ")+st.Code.Render(wizard.Clean(s.code.UserCode)),
		s.expiresLine(),
		"",
		st.Dim.Render("f / esc: back"),
	)
	if l.full == nil {
		msg := "The window is too small for the full QR code."
		if l.fullNeedW > 0 {
			msg = fmt.Sprintf("The window is too small for the full QR code: it needs %dx%d cells. Enlarge the window or press f to go back.", l.fullNeedW, l.fullNeedH)
		}
		return wrap(msg, s.c.width) + "\n\n" + strings.Join(caption[2:], "\n")
	}
	switch {
	case l.fullBeside:
		return lipgloss.JoinHorizontal(lipgloss.Top, l.full.view, "  ", strings.Join(caption, "\n"))
	case l.fullBelow:
		return l.full.view + "\n" + truncate(st.Label.Render("Code ")+st.Code.Render(wizard.Clean(s.code.UserCode))+"  "+s.expiresLine()+"  "+st.Dim.Render("f: back"), s.c.width)
	}
	return l.full.view
}

// step is the header's step of this screen.
func (s *authScreen) step() int { return 3 }

// resize lays the screen out again for the terminal's size.
func (s *authScreen) resize() { s.relayout() }
