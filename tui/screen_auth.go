package tui

import (
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

// maxStatusLines bounds the status line (a long server message is cut).
const maxStatusLines = 3

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

// authScreen shows the current app's authorization (the flow's
// wizard.AuthView): QR code, user code, countdown, live status, and what
// an approval brought. It keeps only what is its own: the QR codes
// rendered for the code on screen and their layout, the full-screen QR
// (f), the copy's answer (c), and the field of a client secret typed.
type authScreen struct {
	c *common
	a wizard.AuthView
	// just is the app finished before this one (View.Just), said above
	// the new one's title: the admin with the phone sees it worked.
	just *wizard.Result
	// org and orgPending are the session's org as known so far, and
	// whether its name and size are being read (View.Org, OrgPending): an
	// approver of that org whose token may not read its name shows it, or
	// that it is being read, rather than "name unknown".
	org        store.Org
	orgPending bool

	// shown is the code the QR codes were rendered for.
	shown flows.DeviceCode
	full  bool
	// notice answers c (copied, or why not).
	notice string

	// secretIn takes the client secret when the flow asks for it
	// (AuthView.AskSecret): masked, in memory only; enter hands it to the
	// flow (wizard.SecretTyped), esc leaves it.
	secretIn textinput.Model
	asking   bool

	qrs         map[qrKey]*qrCode
	qrErr       error
	lay         authLayout
	panelTop    []string   // wrapped once per layout
	panelBottom [][]string // sections (hint, integration ID, scopes): shown whole or not at all
}

// sync takes the current app of the flow's view: a new code is laid out
// (its QR codes rendered once), a new app drops the old one's extras.
func (s *authScreen) sync(v *wizard.View) {
	if v.Auth == nil {
		return
	}
	if v.Auth.App.ID != s.a.App.ID || v.Auth.Pos != s.a.Pos {
		s.full, s.notice = false, ""
	}
	s.a = *v.Auth
	s.org, s.orgPending = v.Org, v.OrgPending
	s.just = nil
	if v.Just != nil && v.Just.App.ID != s.a.App.ID {
		s.just = v.Just
	}
	if s.a.HaveCode && s.a.Code != s.shown {
		s.shown, s.qrs, s.qrErr, s.notice = s.a.Code, map[qrKey]*qrCode{}, nil, ""
	}
	if !s.showsCode() {
		s.full = false
	}
	switch {
	case s.a.AskSecret && !s.asking:
		s.asking = true
		s.promptSecret()
	case !s.a.AskSecret:
		s.asking = false
		s.secretIn.Blur()
	}
	s.relayout()
}

// retryLine is the status of a retry: "Webex is busy (HTTP 503, attempt
// 2), retrying in 4s: <error>" (see wizard.RetryCause).
func (s *authScreen) retryLine() string {
	c := s.c
	ev := s.a.Retry
	when := "retrying now"
	if d := s.a.RetryAt.Sub(c.now); d > 0 {
		when = fmt.Sprintf("retrying in %ds", int((d+time.Second-1)/time.Second))
	}
	line := c.spinner() + " " + c.styles.Warn.Render(wizard.RetryCause(*ev)+", "+when)
	if d := wizard.CleanErrorDetail(ev.Err); d != "" {
		line += c.styles.Warn.Render(": ") + d
	}
	return line
}

// promptSecret makes the masked field of the client secret.
func (s *authScreen) promptSecret() {
	t := textinput.New()
	t.Prompt = ""
	t.EchoMode = textinput.EchoPassword
	t.EchoCharacter = '•'
	t.CharLimit = 1024
	t.Width = 40
	t.Focus()
	s.secretIn = t
}

// typing tells whether a text field has the keys (q is then a letter).
func (s *authScreen) typing() bool { return s.a.AskSecret }

// claims takes every key but q while the full-screen QR is shown (f, esc
// and enter close it).
func (s *authScreen) claims(k string) bool { return s.full && k != "q" }

// update takes the screen's own keys: the secret's field, c (copy the
// URL), f (the full-screen QR); r, s, a, e, i and the others are the
// flow's choices.
func (s *authScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
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
	if s.a.AskSecret {
		var cmd tea.Cmd
		s.secretIn, cmd = s.secretIn.Update(msg)
		return cmd
	}
	return nil
}

func (s *authScreen) key(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	if s.a.AskSecret {
		switch msg.Type {
		case tea.KeyEsc:
			s.secretIn.SetValue("")
			return report(wizard.Pick{Choice: wizard.ChoiceLeaveSecret})
		case tea.KeyEnter:
			v := strings.TrimSpace(s.secretIn.Value())
			s.secretIn.SetValue("")
			if v == "" {
				return nil
			}
			return report(wizard.SecretTyped{Secret: v})
		}
		var cmd tea.Cmd
		s.secretIn, cmd = s.secretIn.Update(msg)
		return cmd
	}
	if s.full {
		if key.Matches(msg, k.FullQR) || key.Matches(msg, k.Back) || key.Matches(msg, k.Continue) {
			s.full = false
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Copy) && s.showsCode():
		text := s.a.Code.VerificationURIComplete
		if text == "" {
			text = s.a.Code.VerificationURI
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
	}
	return nil
}

// copiedMsg: the URL was (or could not be) copied to the clipboard.
type copiedMsg struct{ err error }

// showsCode tells whether the code (and its QR) is on screen.
func (s *authScreen) showsCode() bool {
	return s.a.HaveCode && (s.a.Phase == wizard.PhaseWaiting || s.a.Phase == wizard.PhaseRenewing) && !s.a.AskSkip
}

// help names the screen's own keys (the flow's choices follow).
func (s *authScreen) help() []key.Binding {
	k := s.c.keys
	switch {
	case s.a.AskSecret:
		// esc is the flow's choice (leave it), but the field has the
		// keys: it is named here, as the field takes it (key).
		redeem := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "redeem the code with this secret"))
		leave := key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave it"))
		return []key.Binding{redeem, leave}
	case s.showsCode():
		return []key.Binding{k.Copy, k.FullQR}
	}
	return nil
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
	content := s.a.Code.VerificationURIComplete
	if short || content == "" {
		content = s.a.Code.VerificationURI
	}
	if short && s.a.Code.VerificationURIComplete == "" {
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
	if !s.a.HaveCode {
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
	if j := s.justLine(pw); j != "" {
		top = append(top, strings.Split(j, "\n")...)
	}
	top = append(top, st.Dim.Render(fmt.Sprintf("Authorize app %d of %d", s.a.Pos, s.a.Total)))
	for _, l := range strings.Split(wrap(wizard.Clean(s.a.App.Name), pw), "\n") {
		top = append(top, st.Title.Render(l))
	}
	top = append(top, "")
	top = append(top, st.Label.Render("Code    ")+st.Code.Render(wizard.Clean(s.a.Code.UserCode)))
	url := strings.Split(wrap(wizard.Clean(s.a.Code.VerificationURI), max(pw-8, 10)), "\n")
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
	noComplete := s.a.Code.VerificationURIComplete == ""
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
	bottom = append(bottom, append([]string{st.Label.Render("Integration ID")}, strings.Split(wrap(wizard.Clean(s.a.App.ClientID), pw), "\n")...))
	if len(s.a.App.Scopes) > 0 {
		bottom = append(bottom, append([]string{st.Label.Render("Scopes")}, strings.Split(wrap(wizard.Clean(strings.Join(s.a.App.Scopes, " ")), pw), "\n")...))
	}
	s.panelTop, s.panelBottom = top, bottom
}

// notices are what the code's screen must say besides the code: why Webex's
// link with the code is not used (DeviceCode.Notice), and that the codes
// before this one expired unused (with the possible cause when the admin
// did approve). They stay as long as the code is shown.
func (s *authScreen) notices() []string {
	var n []string
	if s.a.Code.Notice != "" {
		n = append(n, wizard.CodeNotice(s.a.Code.Notice))
	}
	if s.a.Approval.Expiries > 0 && s.a.Phase == wizard.PhaseWaiting {
		n = append(n, wizard.ExpiredNotice(s.a.Approval.Expiries, s.a.ExpiredAt))
	}
	return n
}

// remaining is the time left on the code at the last tick.
func (s *authScreen) remaining() time.Duration {
	now := s.c.now
	if now.IsZero() || now.Before(s.a.Code.IssuedAt) {
		now = s.a.Code.IssuedAt
	}
	return s.a.Code.Expiry.Sub(now)
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
	switch s.a.Phase {
	case wizard.PhaseStarting:
		if s.a.Retry != nil {
			return s.retryLine()
		}
		return c.spinner() + " Requesting a code from Webex…"
	case wizard.PhaseRenewing:
		switch {
		case s.a.Retry != nil && s.a.Expired:
			return st.Warn.Render(wizard.MarkWarn+" The code expired. ") + s.retryLine()
		case s.a.Retry != nil:
			return s.retryLine()
		}
		if s.a.Expired {
			return st.Warn.Render(wizard.MarkWarn+" The code expired. ") + c.spinner() + " Requesting a fresh one…"
		}
		return c.spinner() + " Requesting a fresh code…"
	case wizard.PhaseIdentifying:
		if s.a.Retry != nil {
			return st.OK.Render(wizard.MarkOK+" Approved. ") + s.retryLine()
		}
		return st.OK.Render(wizard.MarkOK+" Approved. ") + c.spinner() + " Checking who approved…"
	}
	if !s.a.HavePoll {
		return c.spinner() + " Waiting for approval…"
	}
	ev := s.a.Poll
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
		return c.spinner() + " " + st.Warn.Render(fmt.Sprintf("%s, retrying (%d %s%s): ", cause, s.a.Retries, wizard.Plural(s.a.Retries, "retry", "retries"), next)) + wizard.CleanErrorDetail(ev.Err)
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
	if s.a.AskSkip {
		return s.titleLines() + "\n\n" + s.c.styles.Warn.Render(wrap(wizard.SkipQuestion(wizard.Clean(s.a.App.Name), s.a.Approved), s.c.width))
	}
	switch s.a.Phase {
	case wizard.PhaseWarning:
		return s.warningView()
	case wizard.PhaseUnidentified:
		return s.unidentifiedView()
	case wizard.PhaseIdentifying:
		// The code is spent: no QR code to scan again.
		return s.titleLines() + "\n\n" + wrap(s.status(), s.c.width) + "\n" + s.c.styles.Dim.Render(s.keptNote())
	case wizard.PhaseFailed:
		return s.errorView()
	case wizard.PhaseStarting:
		if !s.a.HaveCode {
			return s.titleLines() + "\n\n" + wrap(s.status(), s.c.width)
		}
	}
	if !s.a.HaveCode {
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

// justLine says what became of the app before this one, cut to w cells,
// while this one's code is asked for or shown ("" for the first app).
func (s *authScreen) justLine(w int) string {
	switch {
	case s.just == nil, s.a.Phase != wizard.PhaseStarting && s.a.Phase != wizard.PhaseWaiting && s.a.Phase != wizard.PhaseRenewing:
		return "" // the screens of an approval are about this one
	}
	st := s.c.styles
	mark, style := wizard.MarkOK, st.OK
	if s.just.Status != statusAuthorized {
		mark, style = " ", st.Dim
	}
	lines := strings.Split(wrap(wizard.JustDone(*s.just), max(w-2, 10)), "\n")
	for i, l := range lines {
		lead := "  "
		if i == 0 {
			lead = mark + " "
		}
		lines[i] = style.Render(lead + l)
	}
	return strings.Join(lines, "\n")
}

func (s *authScreen) titleLines() string {
	st := s.c.styles
	if j := s.justLine(s.c.width); j != "" {
		return j + "\n" + st.Dim.Render(fmt.Sprintf("Authorize app %d of %d", s.a.Pos, s.a.Total)) + "\n" + st.Title.Render(wrap(wizard.Clean(s.a.App.Name), s.c.width))
	}
	return st.Dim.Render(fmt.Sprintf("Authorize app %d of %d", s.a.Pos, s.a.Total)) + "\n" + st.Title.Render(wrap(wizard.Clean(s.a.App.Name), s.c.width))
}

// errorView shows a final error with its remedy.
func (s *authScreen) errorView() string {
	st := s.c.styles
	w := s.c.width
	var b strings.Builder
	b.WriteString(s.titleLines() + "\n\n")
	what := "Authorization failed"
	switch {
	case errors.Is(s.a.Err, flows.ErrDenied):
		what = "Access denied"
	case errors.Is(s.a.Err, flows.ErrInvalidClient):
		what = "Client secret rejected"
	case errors.Is(s.a.Err, flows.ErrExpired):
		what = "The code expired"
	case errors.Is(s.a.Err, flows.ErrTokenLimit):
		what = "Token limit reached"
	}
	b.WriteString(st.Err.Render(wizard.MarkErr+" "+what) + "\n")
	b.WriteString(st.Dim.Render(wrap(wizard.CleanErrorText(s.a.Err), w)) + "\n\n")
	if s.a.AskSecret {
		b.WriteString(wrap(wizard.SecretPrompt(s.a.App, s.remaining()), w) + "\n\n")
		b.WriteString(st.Label.Render("Client secret ") + s.secretIn.View() + "\n\n")
		b.WriteString(st.Label.Render("Integration ID") + "\n" + wrap(wizard.Clean(s.a.App.ClientID), w) + "\n")
		return b.String()
	}
	b.WriteString(st.Remedy.Render(wrap(wizard.Remedy(s.a.Err, s.a.App), w-2)) + "\n\n")
	b.WriteString(st.Label.Render("Integration ID") + "\n" + wrap(wizard.Clean(s.a.App.ClientID), w) + "\n")
	if errors.Is(s.a.Err, flows.ErrInvalidClient) && s.a.App.SecretSource != "" {
		b.WriteString(st.Label.Render("Secret from ") + wizard.Clean(s.a.App.SecretSource) + "\n")
	}
	return b.String()
}

// warningView shows who approved and what is wrong with it.
func (s *authScreen) warningView() string {
	st := s.c.styles
	w := s.c.width
	id := s.a.Approval.Identity
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
	switch {
	case id.OrgName != "" || id.OrgID == "" || id.OrgID != s.org.ID:
	case s.org.Name != "":
		org = wizard.Clean(s.org.Name) // read meanwhile, with another app's token
	case s.orgPending:
		org = "name being read…"
	}
	if id.OrgID != "" {
		org += " (" + wizard.ShortID(wizard.Clean(id.OrgID)) + ")"
	}
	row("Org", org)
	row("Expected", s.a.Approval.AdminEmail)
	b.WriteString("\n")
	for _, wn := range s.a.Approval.Warnings {
		lines := strings.Split(wrap(wn, w-2), "\n")
		b.WriteString(st.Warn.Render(wizard.MarkWarn) + " " + lines[0] + "\n")
		for _, l := range lines[1:] {
			b.WriteString("  " + l + "\n")
		}
	}
	b.WriteString("\n" + wrap("Press r to authorize again with the right account (the admin signs out of Webex first), a to keep this authorization anyway, or s to skip the app.", w))
	if e := s.a.Approval.ApproverEmail(); e != "" {
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
	title, cause := wizard.IdentifyProblem(s.a.Approval.Cause, s.a.Approval.Err)
	b.WriteString(st.Warn.Render(wizard.MarkWarn+" "+title) + "\n")
	b.WriteString(st.Dim.Render(wrap(wizard.CleanErrorText(s.a.Approval.Err), w)) + "\n\n")
	b.WriteString(wrap(cause+" Press i to try again; "+
		"a keeps the authorization without the check (the review and the bundle say the approver is unknown), "+
		"r authorizes again, s skips the app.", w) + "\n\n")
	b.WriteString(st.Label.Render("Expected") + "  " + s.a.Approval.AdminEmail + "\n")
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
	if s.a.Code.VerificationURIComplete == "" {
		caption[1] = st.Warn.Render("then type the code")
	}
	caption = append(caption, strings.Split(wrap(wizard.Clean(s.a.App.Name), capW), "\n")...)
	caption = append(caption,
		st.Label.Render("Code ")+st.Code.Render(wizard.Clean(s.a.Code.UserCode)),
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
		return l.full.view + "\n" + truncate(st.Label.Render("Code ")+st.Code.Render(wizard.Clean(s.a.Code.UserCode))+"  "+s.expiresLine()+"  "+st.Dim.Render("f: back"), s.c.width)
	}
	return l.full.view
}

// step is the header's step of this screen.
func (s *authScreen) step() int { return 3 }

// resize lays the screen out again for the terminal's size.
func (s *authScreen) resize() { s.relayout() }
