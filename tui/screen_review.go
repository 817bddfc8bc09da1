package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// reviewData is what the review shows, gathered by the root.
type reviewData struct {
	customer   store.Customer
	org        store.Org
	gaps       wizard.Gaps // why the org's name and size are unknown
	notes      []string    // orgNotes: shown before the warnings, not in the bundle
	apps       []appResult
	warnings   []string // written into the bundle
	shown      []string // shown on the review (skipped and failed apps are listed anyway)
	outPath    string
	reopen     int // skipped and failed apps the review can go back to (b)
	protection Protection
	// orgPending: the org's name or size is still being read in the
	// background; COMPLETE REQUEST waits for it, with a spinner (queued:
	// it was chosen, and is acted on once they are read).
	orgPending, queued bool
}

// Focus positions on the review screen.
const (
	focusPass1 = iota
	focusPass2
	focusButton
)

// reviewScreen shows every app's outcome, the org, the warnings, where the
// bundle goes and how it is protected, and the COMPLETE REQUEST button.
type reviewScreen struct {
	c            *common
	data         reviewData
	pass1, pass2 textinput.Model
	focus        int
	err          error // passphrase check or writing failed
	writing      bool
	holdOn       bool // a quit key was pressed while writing
	// open: the review was synced once; tries and completes are the
	// flow's counts of COMPLETE REQUEST and of writes last seen.
	open             bool
	tries, completes int
}

func newReviewScreen(c *common) reviewScreen {
	mk := func() textinput.Model {
		t := textinput.New()
		t.Prompt = ""
		t.EchoMode = textinput.EchoPassword
		t.EchoCharacter = '•'
		t.CharLimit = 256
		t.Width = 32
		return t
	}
	return reviewScreen{c: c, pass1: mk(), pass2: mk(), focus: focusButton}
}

// sync takes the review of the flow's view: what it shows, whether the
// bundle is being written, and the answer to the last COMPLETE REQUEST
// (a passphrase refused, a write that failed), once.
func (s *reviewScreen) sync(v *wizard.View) {
	r := v.Review
	if r == nil {
		return
	}
	first := !s.open
	s.open = true
	s.data = reviewData{customer: r.Customer, org: r.Org, gaps: r.Gaps, notes: r.Notes, apps: r.Apps,
		warnings: r.Warnings, shown: r.Shown, outPath: r.OutPath, reopen: r.Reopen, protection: r.Protection,
		orgPending: r.OrgPending, queued: r.Queued}
	s.writing, s.holdOn = r.Writing, r.HoldOn
	if first {
		s.focus = focusButton
		if r.Protection.Passphrase {
			s.focus = focusPass1
		}
	}
	if r.Tries != s.tries && r.PassErr != nil {
		s.err = r.PassErr
		s.focus = focusPass2
		if r.PassErr == wizard.ErrPassphraseShort {
			s.focus = focusPass1
		}
		s.focusField()
	}
	if r.Completes != s.completes && !r.Writing {
		s.err = r.WriteErr
		s.completes = r.Completes
	}
	s.tries = r.Tries
}

// claims takes enter: on a passphrase field it moves to the next one, on
// the button it is COMPLETE REQUEST with what was typed.
func (s *reviewScreen) claims(k string) bool { return k == "enter" }

// focus focuses the current field.
func (s *reviewScreen) focusField() tea.Cmd {
	s.pass1.Blur()
	s.pass2.Blur()
	switch s.focus {
	case focusPass1:
		return s.pass1.Focus()
	case focusPass2:
		return s.pass2.Focus()
	}
	return nil
}

// typing tells whether a text field has the keys (q is then a letter).
func (s *reviewScreen) typing() bool {
	return s.data.protection.Passphrase && s.focus != focusButton
}

func (s *reviewScreen) authorized() int {
	n := 0
	for _, a := range s.data.apps {
		if a.Status == statusAuthorized {
			n++
		}
	}
	return n
}

func (s *reviewScreen) update(msg tea.Msg) tea.Cmd {
	if s.writing {
		return nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		var c1, c2 tea.Cmd
		s.pass1, c1 = s.pass1.Update(msg)
		s.pass2, c2 = s.pass2.Update(msg)
		return tea.Batch(c1, c2)
	}
	k := s.c.keys
	if s.data.protection.Passphrase {
		switch km.String() {
		case "tab", "down":
			s.focus = (s.focus + 1) % 3
			return s.focusField()
		case "shift+tab", "up":
			s.focus = (s.focus + 2) % 3
			return s.focusField()
		case "enter":
			if s.focus != focusButton {
				s.focus++
				return s.focusField()
			}
		}
	}
	if key.Matches(km, reopenFieldKey) && s.data.reopen > 0 {
		return report(wizard.Pick{Choice: wizard.ChoiceBack})
	}
	if s.focus == focusButton {
		if key.Matches(km, k.Continue) {
			return s.submit()
		}
		return nil
	}
	var cmd tea.Cmd
	if s.focus == focusPass1 {
		s.pass1, cmd = s.pass1.Update(km)
	} else {
		s.pass2, cmd = s.pass2.Update(km)
	}
	s.err = nil
	return cmd
}

// submit reports COMPLETE REQUEST with the passphrase typed (the flow
// checks it, and waits for the org's name and size if need be).
func (s *reviewScreen) submit() tea.Cmd {
	s.err = nil
	return report(wizard.Complete{Passphrase: s.pass1.Value(), Again: s.pass2.Value()})
}

func (s *reviewScreen) help() []key.Binding {
	k := s.c.keys
	switch {
	case s.writing:
		return nil // nothing to press until the bundle is written
	case s.typing() && s.data.reopen > 0:
		return []key.Binding{k.NextField, reopenFieldKey}
	case s.data.protection.Passphrase:
		return []key.Binding{k.NextField}
	}
	return nil
}

// reopenFieldKey is reopenKey in a passphrase field, where b is a letter:
// esc types nothing there.
var reopenFieldKey = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to skipped apps"))

// shortApprover is wizard.ApproverText without the email, for one-line rows.
func shortApprover(a store.Approver) string {
	if a.NotIdentified != "" {
		return "approver not identified"
	}
	who := wizard.Clean(a.DisplayName)
	if who == "" {
		who = wizard.Clean(a.Email)
	}
	if who == "" {
		return "approver not checked"
	}
	if a.FullAdmin {
		return who + ", Full Admin"
	}
	return who + ", NOT a Full Admin"
}

// shared finds what every authorized app has in common: the approver and
// the token expiries (to the day; the earliest is shown), so that they are
// said once rather than per app.
func shared(apps []appResult) (approver, expiry string) {
	n := 0
	var first store.AppGrant
	sameWho, sameDay := true, true
	var access, refresh time.Time
	for _, r := range apps {
		if r.Status != statusAuthorized {
			continue
		}
		g := r.Grant
		if n == 0 {
			first, access, refresh = g, g.AccessTokenExpiry, g.RefreshTokenExpiry
		}
		n++
		sameWho = sameWho && wizard.ApproverText(g.Approver) == wizard.ApproverText(first.Approver)
		day := func(t time.Time) string { return t.UTC().Format("2006-01-02") }
		sameDay = sameDay && g.AccessTokenExpiry.IsZero() == first.AccessTokenExpiry.IsZero() &&
			g.RefreshTokenExpiry.IsZero() == first.RefreshTokenExpiry.IsZero() &&
			day(g.AccessTokenExpiry) == day(first.AccessTokenExpiry) && day(g.RefreshTokenExpiry) == day(first.RefreshTokenExpiry)
		if g.AccessTokenExpiry.Before(access) {
			access = g.AccessTokenExpiry
		}
		if g.RefreshTokenExpiry.Before(refresh) {
			refresh = g.RefreshTokenExpiry
		}
	}
	if n == 0 {
		return "", ""
	}
	if sameWho {
		approver = wizard.ApproverText(first.Approver)
	}
	if sameDay {
		expiry = wizard.ExpiryText(store.AppGrant{AccessTokenExpiry: access, RefreshTokenExpiry: refresh})
		if expiry == "" {
			expiry = "expiry unknown"
		}
	}
	return approver, expiry
}

// appLines renders one app's outcome: with detail, a head line and what is
// not said once for all (approver, expiries, why it failed) on the lines
// below; without, one line cut to the width (the last resort).
func (s *reviewScreen) appLines(r appResult, nameW int, detail bool, sharedWho, sharedExp string) []string {
	st := s.c.styles
	w := s.c.width
	var mark, word string
	var more []string // detail lines
	switch r.Status {
	case statusAuthorized:
		mark, word = st.OK.Render(wizard.MarkOK), "authorized"
		who, exp := wizard.ApproverText(r.Grant.Approver), wizard.ExpiryText(r.Grant)
		if sharedWho == "" {
			if r.Grant.Approver.NotIdentified == "" {
				who = "by " + who
			}
			more = append(more, who)
		}
		if sharedExp == "" && exp != "" {
			more = append(more, "tokens: "+exp)
		}
		if len(more) == 2 && 4+width(more[0])+3+width(more[1]) <= w {
			more = []string{more[0] + " · " + more[1]}
		}
		if !detail {
			word = ""
			if sharedWho == "" {
				word = shortApprover(r.Grant.Approver)
			}
			if sharedExp == "" && !r.Grant.RefreshTokenExpiry.IsZero() {
				if word != "" {
					word += ", "
				}
				word += "refresh until " + r.Grant.RefreshTokenExpiry.UTC().Format("2006-01-02")
			}
			if word == "" {
				word = "authorized"
			}
		}
	case statusFailed:
		mark, word = st.Err.Render(wizard.MarkErr), "failed"
		if r.Reason != "" {
			more = append(more, r.Reason)
			if !detail {
				word += ": " + r.Reason
			}
		}
	default:
		mark, word = st.Dim.Render(wizard.MarkSkip), "skipped"
	}
	name := truncate(wizard.Clean(r.App.Name), nameW)
	head := mark + " " + name + strings.Repeat(" ", max(nameW-lipgloss.Width(name), 0)) + "  " + word
	if !detail {
		return []string{truncate(head, w)}
	}
	out := []string{head}
	for _, m := range more {
		for _, l := range strings.Split(wrap(m, max(w-4, 10)), "\n") {
			out = append(out, "    "+st.Dim.Render(l))
		}
	}
	return out
}

func (s *reviewScreen) view() string {
	c := s.c
	st := c.styles
	w := c.width
	d := s.data
	const labelW = 11
	label := func(l string) string { return st.Label.Render(fmt.Sprintf("%-*s", labelW, l)) }
	// row is a labelled value, wrapped under its label, or cut to one line.
	row := func(l, v string, wrapped bool) []string {
		if !wrapped {
			return []string{truncate(label(l)+v, w)}
		}
		lines := strings.Split(wrap(v, max(w-labelW, 10)), "\n")
		out := []string{label(l) + lines[0]}
		for _, x := range lines[1:] {
			out = append(out, strings.Repeat(" ", labelW)+x)
		}
		return out
	}

	// Bottom: bundle, protection, passphrase, button: always shown.
	bottomLines := func(wrapped bool) []string {
		var bottom []string
		bottom = append(bottom, row("Bundle", d.outPath, wrapped)...)
		bottom = append(bottom, row("Protection", wizard.DescribeProtection(d.protection), wrapped)...)
		if d.protection.Passphrase {
			p1 := s.pass1.View()
			p2 := s.pass2.View()
			e1, e2 := "", ""
			switch s.err {
			case wizard.ErrPassphraseShort:
				e1 = "  " + st.Err.Render(fmt.Sprintf("%s at least %d characters", wizard.MarkErr, store.MinPassphraseLen))
			case wizard.ErrPassphraseMismatch:
				e2 = "  " + st.Err.Render(wizard.MarkErr+" the two entries differ")
			}
			bottom = append(bottom, label("Passphrase")+"["+p1+"]"+e1)
			bottom = append(bottom, label("Again")+"["+p2+"]"+e2)
		}
		bottom = append(bottom, "")
		btn := "[ COMPLETE REQUEST ]"
		switch {
		case s.writing && s.holdOn:
			bottom = append(bottom, c.spinner()+" Writing the bundle, one moment: it cannot be stopped halfway.")
		case s.writing:
			bottom = append(bottom, c.spinner()+" Writing the bundle…")
		case s.authorized() == 0:
			bottom = append(bottom, st.ButtonOff.Render(btn)+st.Err.Render(" no app is authorized: nothing to write"))
		case d.orgPending && d.queued:
			bottom = append(bottom, st.ButtonOff.Render(btn)+" "+c.spinner()+" Reading the organization's name and size; the bundle is written as soon as they are in.")
		case d.orgPending:
			bottom = append(bottom, st.ButtonOff.Render(btn)+" "+c.spinner()+" Reading the organization's name and size…")
		case s.focus == focusButton:
			bottom = append(bottom, st.Button.Render(btn)+st.Dim.Render("  press enter to write the bundle"))
		default:
			bottom = append(bottom, st.ButtonOff.Render(btn)+st.Dim.Render("  check everything above, then write the bundle"))
		}
		if s.err != nil && s.err != wizard.ErrPassphraseShort && s.err != wizard.ErrPassphraseMismatch {
			bottom = append(bottom, st.Err.Render(wizard.MarkErr+" could not write the bundle: ")+wizard.CleanErrorText(s.err))
			bottom = append(bottom, strings.Split(wrap(wizard.WriteRemedy(s.err)+" Press enter to try again, or q to quit (the draft is kept).", w), "\n")...)
		}
		return bottom
	}

	sharedWho, sharedExp := shared(d.apps)
	// Top: customer, org, what all apps share.
	headLines := func(wrapCustomer, wrapOrg bool) []string {
		var head []string
		head = append(head, row("Customer", wizard.CustomerLine(d.customer), wrapCustomer)...)
		head = append(head, row("Webex org", wizard.OrgLine(d.org, d.gaps), wrapOrg)...)
		if sharedWho != "" {
			head = append(head, row("Approver", sharedWho, wrapCustomer)...)
		}
		if sharedExp != "" {
			head = append(head, row("Tokens", sharedExp, wrapCustomer)...)
		}
		return append(head, "")
	}
	nameW := 0
	for _, a := range d.apps {
		nameW = max(nameW, lipgloss.Width(wizard.Clean(a.App.Name)))
	}
	nameW = min(nameW, max(w-4-10, 16), 48)
	appLines := func(detail bool) []string {
		var apps []string
		nw := nameW
		if !detail && (sharedWho == "" || sharedExp == "") {
			nw = min(nameW, max(w-4-30, 16)) // leave room for "Jane Admin, NOT a Full Admin"
		}
		for _, a := range d.apps {
			apps = append(apps, s.appLines(a, nw, detail, sharedWho, sharedExp)...)
		}
		return apps
	}
	var warn []string
	for _, wn := range append(slices.Clone(d.notes), d.shown...) {
		lines := strings.Split(wrap(wn, w-2), "\n")
		warn = append(warn, st.Warn.Render(wizard.MarkWarn)+" "+lines[0])
		for _, l := range lines[1:] {
			warn = append(warn, "  "+l)
		}
	}

	// The most complete layout that fits: everything wrapped, then the
	// (opaque) org id cut, then the bundle rows, then the customer, with a
	// detailed then a one-line row per app; last, warnings are cut short.
	var head, apps, bottom []string
	for _, o := range []struct{ cust, org, bottom, detail bool }{
		{true, true, true, true}, {true, false, true, true}, {true, false, false, true}, {false, false, false, true},
		{true, true, true, false}, {true, false, true, false}, {true, false, false, false}, {false, false, false, false},
	} {
		head, apps, bottom = headLines(o.cust, o.org), appLines(o.detail), bottomLines(o.bottom)
		if len(head)+len(apps)+1+len(warn)+1+len(bottom) <= c.bodyHeight() || len(warn) == 0 && len(head)+len(apps)+1+len(bottom) <= c.bodyHeight() {
			break
		}
	}
	room := c.bodyHeight() - len(bottom) - len(head) - 1
	if len(warn) > 0 {
		left := room - len(apps) - 1
		if left < len(warn) {
			more := len(warn) - max(left-1, 0)
			warn = append(warn[:max(left-1, 0)], st.Warn.Render(fmt.Sprintf("%s … %d more warning lines: enlarge the window", wizard.MarkWarn, more)))
		}
		apps = append(apps, "")
		apps = append(apps, warn...)
	}
	out := append(head, apps...)
	out = append(out, "")
	out = append(out, bottom...)
	return strings.Join(out, "\n")
}

// step is the header's step of this screen.
func (s *reviewScreen) step() int { return 4 }

// resize has nothing to lay out again on a resize.
func (s *reviewScreen) resize() {}
