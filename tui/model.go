package tui

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/effects"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// The smallest terminal the wizard draws in; below it, View asks for more.
const (
	minWidth  = 30
	minHeight = 8
)

// tickEvery is the period of the countdown and spinner tick.
const tickEvery = 250 * time.Millisecond

// screenID names the wizard's screens, in order.
type screenID int

const (
	scrLoading screenID = iota
	scrPreflight
	scrResume
	scrCustomer
	scrApps
	scrAuth
	scrReview
	scrDone
	scrCount // the number of screens (Model.screens has one per screenID)
)

// screen is one step of the full-screen front-end, in the way of
// soft-serve's common.Component: it updates on the messages the root
// passes it (its keys, and the async results it owns), renders its body,
// names its keys for the help line, says which of the header's steps it
// belongs to, and lays itself out again when the terminal is resized. It
// reports to the root by messages (appDoneMsg, customerSubmittedMsg...).
// A new screen is one file with its type plus one entry in Model.screens.
type screen interface {
	update(msg tea.Msg) tea.Cmd
	view() string
	help() []key.Binding
	step() int // index in steps
	resize()
}

// Every screen type is a screen.
var (
	_ screen = (*loadingScreen)(nil)
	_ screen = (*preflightScreen)(nil)
	_ screen = (*resumeScreen)(nil)
	_ screen = (*customerScreen)(nil)
	_ screen = (*appsScreen)(nil)
	_ screen = (*authScreen)(nil)
	_ screen = (*reviewScreen)(nil)
	_ screen = (*doneScreen)(nil)
)

// loadingScreen waits for the drafts list.
type loadingScreen struct{ c *common }

func (s *loadingScreen) update(tea.Msg) tea.Cmd { return nil }
func (s *loadingScreen) view() string           { return s.c.spinner() + " Looking for saved drafts…" }
func (s *loadingScreen) help() []key.Binding    { return nil }
func (s *loadingScreen) step() int              { return 0 }
func (s *loadingScreen) resize()                {}

// common is shared, read-mostly state every screen sees: dependencies,
// styles, keys, the terminal size and the clock's last reading.
type common struct {
	ctx    context.Context
	deps   Deps
	styles Styles
	keys   KeyMap
	width  int
	height int
	now    time.Time // last clock reading, set in Update (never read the clock in View)
	frame  int       // spinner frame
	// saveErr is the error of the last draft save (nil when it worked), so
	// that no screen claims an approval is kept when it is not.
	saveErr error
	// gen is the last generation handed out (nextGen): one counter for all
	// apps, so that a late answer for one app never matches another's.
	gen int
	// bg is the work off the critical path: prefetched codes and the
	// org's name and size.
	bg background
}

// nextGen is a new generation, unique across apps.
func (c *common) nextGen() int {
	c.gen++
	return c.gen
}

// bodyHeight is the height left for a screen's body: the header, a blank
// line and the help line take three.
func (c *common) bodyHeight() int { return max(c.height-3, 1) }

// spinner is the current spinner frame.
func (c *common) spinner() string { return spinnerFrames[c.frame%len(spinnerFrames)] }

// Model is the wizard's root Bubble Tea model. It routes messages the way
// soft-serve's repo page does: global keys first, the window size to every
// screen, async results to the screen that owns them, everything else to
// the active screen. Screens finish by emitting a message.
type Model struct {
	c      *common
	cancel context.CancelFunc
	screen screenID
	// screens are the screens by screenID: the root routes to
	// screens[screen], and resizes them all.
	screens []screen

	preflight preflightScreen
	resume    resumeScreen
	customer  customerScreen
	apps      appsScreen
	auth      authScreen
	review    reviewScreen
	done      doneScreen

	confirmQuit bool
	quitting    bool

	// Collected so far: s holds the onboarding (the core's session: the
	// draft, the selection, the queue and the results).
	s              *wizard.Session
	haveCustomer   bool
	drafts         []DraftInfo
	draftsLoaded   bool
	afterPreflight bool // preflight done, waiting for the drafts list

	// sv writes the draft: one save at a time, then its removal once the
	// bundle is written (see saver).
	sv saver

	result Result
	err    error

	headerLine, noticeLine, helpLine string // laid out in Update
}

// New returns the wizard's root model. Deps.Apps, Authorizer and
// WriteBundle are required; see Deps for the defaults of the others. The
// model's async work uses a context canceled when the wizard quits; Run
// derives it from its ctx, New from context.Background.
func New(deps Deps) *Model {
	return newModel(context.Background(), deps)
}

func newModel(ctx context.Context, deps Deps) *Model {
	if deps.Clock == nil {
		deps.Clock = flows.SystemClock{}
	}
	if deps.OutPath == nil {
		deps.OutPath = DefaultOutPath
	}
	ctx, cancel := context.WithCancel(ctx)
	c := &common{ctx: ctx, deps: deps, styles: DefaultStyles(), keys: DefaultKeyMap(), width: 80, height: 24}
	c.now = deps.Clock.Now()
	c.bg = newBackground(ctx, deps)
	m := &Model{c: c, cancel: cancel, s: wizard.NewSession(deps.Apps)}
	m.preflight = preflightScreen{c: c}
	m.resume = resumeScreen{c: c}
	m.apps = appsScreen{c: c}
	m.review = newReviewScreen(c)
	m.done = doneScreen{c: c}
	m.auth = authScreen{c: c}
	cust := store.Customer{Deployment: store.DeploymentCloud}
	if deps.Prefill != nil {
		cust = *deps.Prefill
		if cust.Deployment == "" {
			cust.Deployment = store.DeploymentCloud
		}
	}
	m.customer = newCustomerScreen(c, cust)
	m.sv = saver{drafts: func() DraftStore { return m.c.deps.Drafts }, snapshot: m.snapshot}
	m.screens = []screen{
		scrLoading:   &loadingScreen{c: c},
		scrPreflight: &m.preflight,
		scrResume:    &m.resume,
		scrCustomer:  &m.customer,
		scrApps:      &m.apps,
		scrAuth:      &m.auth,
		scrReview:    &m.review,
		scrDone:      &m.done,
	}
	defer m.chrome()
	switch {
	case deps.Preflight != nil:
		m.screen = scrPreflight
	case deps.Drafts != nil:
		m.screen = scrLoading
	default:
		m.screen = scrCustomer
	}
	return m
}

// Result reports the outcome once the program has ended: the Result, and
// nil, ErrUserAborted or ErrPreflightBlocked.
func (m *Model) Result() (Result, error) {
	r := m.result
	r.Customer = m.s.Draft.Customer
	if m.err == nil && r.Receipt == nil {
		return r, ErrUserAborted
	}
	return r, m.err
}

// Init starts the preflight checks, lists the drafts and starts the clock.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.tick(), m.customer.init()}
	if m.c.deps.Preflight != nil {
		cmds = append(cmds, m.preflight.run())
	}
	if m.c.deps.Drafts != nil {
		cmds = append(cmds, listDrafts(m.c.deps.Drafts))
	} else {
		m.draftsLoaded, m.preflight.draftsLoaded = true, true
	}
	return tea.Batch(cmds...)
}

// tick waits one tick on the Deps clock.
func (m *Model) tick() tea.Cmd {
	clock := m.c.deps.Clock
	return func() tea.Msg {
		<-clock.After(tickEvery)
		return tickMsg{now: clock.Now()}
	}
}

func listDrafts(d DraftStore) tea.Cmd {
	return func() tea.Msg {
		infos, err := d.List()
		return draftsMsg{infos: infos, err: err}
	}
}

func loadDraft(d DraftStore, id string) tea.Cmd {
	return func() tea.Msg {
		dr, err := d.Load(id)
		return draftLoadedMsg{draft: dr, err: err}
	}
}

// saveDraft saves dr; its answer goes to done (buffered) as well as to
// the program.
func saveDraft(d DraftStore, dr Draft, done chan<- draftSavedMsg) tea.Cmd {
	return func() tea.Msg {
		err := d.Save(&dr)
		msg := draftSavedMsg{id: dr.ID, err: err}
		done <- msg
		return msg
	}
}

// removed takes the answer of the removal after the bundle: a failure is
// reported (Result.DraftRemoveErr, the done screen).
func (m *Model) removed(msg draftRemovedMsg) tea.Cmd {
	if msg.err != nil {
		m.result.DraftID, m.result.DraftRemoveErr = msg.id, msg.err
		m.done.RemoveErr, m.done.DraftID = msg.err, msg.id
	}
	cmd := m.sv.removed()
	if cmd != nil {
		m.quitting = true
	}
	return cmd
}

// save saves the results in the draft (when drafts are on and the
// customer is known), one save at a time (see saver); nil when nothing is
// to be done now.
func (m *Model) save() tea.Cmd { return m.sv.save() }

// snapshot is the draft to save now (saver.snapshot).
func (m *Model) snapshot() (Draft, bool) {
	if m.c.deps.Drafts == nil || !m.haveCustomer || m.result.Receipt != nil {
		return Draft{}, false // no draft once the bundle is written
	}
	m.s.Snapshot()
	if m.s.Draft.ID == "" {
		// Known before the first save returns, so that an interrupted
		// run saves again or removes this draft, never a second one.
		m.s.Draft.ID = m.c.deps.Drafts.NewID()
	}
	return m.s.Draft, true
}

// record notes (or forgets) an approval of the authorization screen in
// the results and saves the draft.
func (m *Model) record(r *recordReq) tea.Cmd {
	if r.drop {
		m.s.Forget(r.res.App.ID)
	} else {
		m.s.Keep(r.res)
	}
	return m.save()
}

// Update routes msg (see Model), then lays out the header and help line
// for View.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	was := m.screen
	_, cmd := m.update(msg)
	if m.screen != was {
		// A new screen is drawn whole on a cleared screen: the renderer
		// redraws only the lines it believes changed, so whatever a
		// console did not keep as it was told (Windows consoles, Wine's)
		// would stay, e.g. QR rows above the Done screen.
		cmd = tea.Batch(cmd, tea.ClearScreen)
	}
	// Records are kept even while quitting (an approval Wait returned just
	// before the quit was confirmed): save queues them, and the quit waits
	// for the last save.
	if r := m.auth.takeRecord(); r != nil {
		cmd = tea.Batch(cmd, m.record(r))
	}
	m.chrome()
	return m, cmd
}

// chrome renders the header and the help line, which change only in Update.
func (m *Model) chrome() {
	m.headerLine = m.header()
	m.c.saveErr = m.result.DraftSaveErr
	m.noticeLine = ""
	if err := m.result.DraftSaveErr; err != nil && (m.screen == scrAuth || m.screen == scrReview) {
		m.noticeLine = truncate(m.c.styles.Err.Render(wizard.MarkWarn+" progress could not be saved: ")+wizard.CleanErrorText(err), m.c.width)
	}
	help := m.screens[m.screen].help()
	if m.confirmQuit {
		help = []key.Binding{m.c.keys.Yes, m.c.keys.No}
	}
	m.helpLine = m.helpView(help)
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		for _, sc := range m.screens {
			sc.resize()
		}
		return m, nil
	case tickMsg:
		m.c.now = msg.now
		m.c.frame++
		if m.quitting {
			return m, nil
		}
		m.c.bg.refresh()
		return m, m.tick()
	case tea.KeyMsg:
		return m, m.key(msg)
	case checksMsg:
		return m, m.preflight.update(msg)
	case draftsMsg:
		m.draftsLoaded = true
		m.drafts = append(m.drafts, msg.infos...)
		m.resume.infos = m.drafts
		m.preflight.drafts, m.preflight.draftsLoaded = m.drafts, true
		m.resume.follow()
		if m.screen == scrLoading || m.afterPreflight {
			return m, m.afterChecks()
		}
		return m, nil
	case draftLoadedMsg:
		return m, m.loaded(msg)
	case draftSavedMsg:
		return m, m.sv.saved(msg, func(msg draftSavedMsg) {
			m.result.DraftSaveErr = msg.err
			if msg.err == nil {
				m.s.Draft.ID = msg.id
				m.result.DraftID = msg.id
			}
		})
	case preflightDoneMsg:
		wizard.BlockApps(m.s, m.preflight.checks)
		return m, m.afterChecks()
	case resumeChosenMsg:
		if msg.id == "" {
			m.screen = scrCustomer
			return m, m.customer.init()
		}
		return m, loadDraft(m.c.deps.Drafts, msg.id)
	case customerSubmittedMsg:
		m.s.Draft.Customer = m.customer.value()
		m.haveCustomer = true
		m.screen = scrApps
		sel := m.s.Draft.SelectedApps
		if len(sel) == 0 {
			for _, a := range m.c.deps.Apps {
				sel = append(sel, a.ID)
			}
		}
		m.apps.set(m.c.deps.Apps, sel, m.s.Results, m.s.Blocked)
		return m, nil
	case appsChosenMsg:
		m.s.Select(msg.ids)
		m.c.bg.fetchOrg(m.s) // a resumed draft's approvals read what it lacks
		return m, m.next()
	case retryMsg:
		if m.screen == scrAuth && !m.quitting && m.auth.mine(msg.gen, msg.app) {
			m.auth.retried(msg.ev, m.c.deps.Clock.Now())
		}
		// Keep listening, stale or not, so that the call's answer arrives
		// (and is dropped as stale, if it is).
		return m, msg.next
	case grantMsg:
		if m.screen != scrAuth {
			return m, nil
		}
		if m.quitting {
			// Keep an approval that arrived after the quit; ask nothing more.
			m.auth.keepLate(msg)
			return m, nil
		}
		return m, m.auth.update(msg)
	case codeMsg, pollMsg, identityMsg, copiedMsg:
		if m.screen != scrAuth || m.quitting {
			return m, nil
		}
		cmd := m.auth.update(msg)
		if m.auth.state == authWaiting {
			// The current code is shown: ask for the next app's meanwhile.
			m.c.bg.ahead(m.s)
		}
		return m, cmd
	case orgFactsMsg:
		m.c.bg.apply(m.s)
		if m.screen == scrReview && !m.quitting {
			m.review.refresh(m.reviewData())
		}
		return m, nil
	case draftRemovedMsg:
		return m, m.removed(msg)
	case draftDiscardedMsg:
		return m, m.resume.update(msg)
	case appDoneMsg:
		if msg.adminEmail != "" {
			m.s.SetAdminEmail(msg.adminEmail)
		}
		return m, m.appDone(msg.res)
	case completeMsg:
		return m, m.complete()
	case reopenMsg:
		if m.screen != scrReview || m.s.Reopen() == 0 {
			return m, nil
		}
		return m, tea.Batch(m.save(), m.next())
	case bundleWrittenMsg:
		m.review.written = msg.written
		if msg.err != nil {
			m.review.failed(msg.err)
			return m, nil
		}
		r := msg.receipt
		m.s.Draft.ID = cmp.Or(m.s.Draft.ID, msg.id)
		m.result.Receipt = &r
		m.err = nil
		m.confirmQuit = false
		m.done.set(r, m.s.Draft.Customer, m.s.Draft.Org, m.s.Results, m.s.Selected)
		m.screen = scrDone
		m.result.DraftSaveErr = nil
		cmd := m.sv.bundleWritten(m.s.Draft, r)
		m.result.DraftID = ""
		return m, cmd
	}
	return m, m.active(msg)
}

// active sends msg to the active screen.
func (m *Model) active(msg tea.Msg) tea.Cmd { return m.screens[m.screen].update(msg) }

// key handles the global keys (quit, with a confirmation) and passes the
// rest to the active screen.
func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.c.keys
	if m.quitting {
		return nil // the quit is confirmed: no key may change what is saved
	}
	// A window too small shows only "Enlarge the window": no key may act on
	// a screen the engineer cannot see, except quitting as usual (q where
	// it is no text, Ctrl-C; the quit question waits for a window that
	// shows it, Ctrl-C again confirms it).
	small := m.tooSmall()
	if m.confirmQuit {
		switch {
		case key.Matches(msg, k.ForceQuit), !small && key.Matches(msg, k.Yes):
			return m.quit()
		case !small && (key.Matches(msg, k.No) || key.Matches(msg, k.Continue)):
			m.confirmQuit = false
		}
		return nil
	}
	textEntry := (m.screen == scrCustomer) || (m.screen == scrReview && m.review.typing()) || (m.screen == scrAuth && m.auth.typing())
	quit := key.Matches(msg, k.ForceQuit) || (!textEntry && key.Matches(msg, k.Quit))
	if small && !quit {
		return nil
	}
	if m.screen == scrDone && (quit || key.Matches(msg, k.Continue)) {
		if m.sv.busy() {
			m.sv.quitting = true // quit once the draft's removal answered
			return nil
		}
		m.quitting = true
		return tea.Quit
	}
	if !quit {
		return m.active(msg)
	}
	if m.screen == scrReview && m.review.writing {
		// The write (scrypt, then a rename) cannot be stopped halfway and
		// takes about a second: say so and let it finish.
		m.review.holdOn = true
		return nil
	}
	switch m.screen {
	case scrLoading, scrPreflight, scrResume:
		// Nothing entered yet: nothing to lose.
		return m.quit()
	case scrAuth:
		if m.auth.full && !key.Matches(msg, k.ForceQuit) {
			break
		}
	}
	m.confirmQuit = true
	return nil
}

// tooSmall tells a window too small to show a screen (View then asks to
// enlarge it).
func (m *Model) tooSmall() bool { return m.c.width < minWidth || m.c.height < minHeight }

// quit ends the wizard, keeping the progress as a draft when there is any.
func (m *Model) quit() tea.Cmd {
	m.quitting = true
	m.confirmQuit = false
	if m.result.Receipt != nil {
		return tea.Quit // the bundle is written: nothing to keep
	}
	m.auth.stop()
	m.c.bg.endCodes() // (the context's cancel below ends the org reads too)
	m.err = ErrUserAborted
	if m.screen == scrPreflight && m.preflight.blocked() {
		m.err = ErrPreflightBlocked
	}
	defer m.cancel()
	// The last save (queued behind one in flight), then tea.Quit.
	return m.sv.quit()
}

// afterChecks leaves the preflight (or loading) screen.
func (m *Model) afterChecks() tea.Cmd {
	if !m.draftsLoaded {
		m.afterPreflight = true
		m.screen = scrLoading
		return nil
	}
	m.afterPreflight = false
	if len(m.drafts) > 0 {
		m.screen = scrResume
		return nil
	}
	m.screen = scrCustomer
	return m.customer.init()
}

// loaded takes a draft into the wizard: its customer prefills the form and
// its approved apps are kept.
func (m *Model) loaded(msg draftLoadedMsg) tea.Cmd {
	if msg.err != nil {
		m.resume.err = msg.err
		return nil
	}
	d := msg.draft
	m.s.Resume(d)
	m.customer = newCustomerScreen(m.c, d.Customer)
	m.screen = scrCustomer
	return m.customer.init()
}

// next opens the authorization screen of the next app, or the review.
func (m *Model) next() tea.Cmd {
	if len(m.s.Queue) == 0 {
		m.c.bg.endCodes()
		m.screen = scrReview
		m.review.set(m.reviewData())
		if m.review.data.orgPending {
			return tea.Batch(m.review.focusField(), m.waitOrg())
		}
		return m.review.focusField()
	}
	id := m.s.Queue[0]
	app, _ := m.s.App(id)
	pos := slices.Index(m.s.Selected, id)
	m.auth = newAuthScreen(m.c, app, pos+1, len(m.s.Selected), m.s.Draft.Customer.AdminEmail, m.s.KnownOrg())
	m.screen = scrAuth
	if r := m.s.Results[id]; r != nil && r.Pending() {
		return m.auth.resumeApproval(*r)
	}
	return m.auth.start()
}

// appDone records one app's outcome, saves the draft and moves on.
func (m *Model) appDone(res appResult) tea.Cmd {
	m.s.Done(res)
	m.c.bg.fetchOrg(m.s)
	// Save every outcome: the approver of an approval saved earlier, or a
	// skip that replaces it.
	return tea.Batch(m.save(), m.next())
}

// waitOrg delivers an orgFactsMsg once the reads of the org under way
// have ended (the review shows a spinner meanwhile).
func (m *Model) waitOrg() tea.Cmd {
	ctx, bg, org := m.c.ctx, m.c.bg, m.s.OrgID()
	return func() tea.Msg {
		bg.waitOrg(ctx, org)
		return orgFactsMsg{}
	}
}

// reviewData gathers what the review screen shows.
func (m *Model) reviewData() reviewData {
	// Pending first, then what arrived: a read that ends in between is
	// either waited for or taken in, never lost.
	pending := m.c.bg.orgPending(m.s)
	m.c.bg.apply(m.s)
	m.s.Snapshot()
	rd := reviewData{customer: m.s.Draft.Customer, org: m.s.Draft.Org, protection: m.c.deps.Protection}
	rd.orgPending = pending
	rd.outPath = m.c.deps.OutPath(m.s.Draft.Customer.Company, m.c.now)
	rd.reopen = len(m.s.Reopenable())
	rd.apps = m.s.Review()
	rd.gaps = wizard.OrgGaps(rd.apps, m.s.Draft.Org)
	presence := slices.ContainsFunc(rd.apps, func(r appResult) bool { return r.Status == statusAuthorized && wizard.IsPresence(r.App) })
	rd.notes = wizard.OrgNotes(rd.gaps, presence)
	rd.warnings = wizard.BundleWarnings(rd.apps, m.s.Draft.Org)
	rd.shown = wizard.BundleWarnings(rd.apps, m.s.Draft.Org, statusAuthorized)
	return rd
}

// complete writes the bundle (COMPLETE REQUEST).
func (m *Model) complete() tea.Cmd {
	b := m.s.Bundle(m.c.now, m.c.deps.Version)
	path, pass, deps, dr, written := m.review.data.outPath, m.review.passphrase(), m.c.deps, m.s.Snapshot(), m.review.written
	m.review.writing = true
	return func() tea.Msg {
		r, id, written, err := effects.WriteBundle(deps, dr, path, b, pass, written)
		return bundleWrittenMsg{receipt: r, err: err, id: id, written: written}
	}
}

// steps names the wizard's steps for the header.
var steps = []string{"Checks", "Customer", "Apps", "Authorize", "Review", "Done"}

func (m *Model) step() int { return m.screens[m.screen].step() }

// View renders the header, the active screen's body and the help line, in
// exactly the terminal's size.
// View is the frame, without any run of a secret the process holds
// (store.Redact): a server's text that carries one shows "[redacted]".
func (m *Model) View() string { return store.Redact(m.frame()) }

// frame is View before redaction.
func (m *Model) frame() string {
	if m.quitting {
		return ""
	}
	c := m.c
	if m.tooSmall() {
		return fit(wrap(fmt.Sprintf("Enlarge the window (at least %dx%d).", minWidth, minHeight), c.width), c.width, c.height)
	}
	if m.screen == scrAuth && m.auth.full && !m.confirmQuit {
		return fit(m.auth.fullView(), c.width, c.height)
	}
	body := m.screens[m.screen].view()
	// The authorization screen lays its lines out to the width itself (it
	// is the one redrawn on every tick); other bodies are measured and cut.
	trusted := m.screen == scrAuth && m.auth.showsCode()
	if m.confirmQuit {
		body = m.confirmView()
		trusted = false
	}
	if trusted {
		body = fitHeight(body, c.bodyHeight())
	} else {
		body = fit(body, c.width, c.bodyHeight())
	}
	return m.headerLine + "\n" + m.noticeLine + "\n" + body + "\n" + m.helpLine
}

func (m *Model) header() string {
	c := m.c
	s := c.styles
	left := s.Header.Render("ucx-onboard")
	if c.deps.Demo {
		left += " " + s.Badge.Render("DEMO")
	}
	var parts []string
	cur := m.step()
	for i, name := range steps {
		switch {
		case i == cur:
			parts = append(parts, s.Title.Render(fmt.Sprintf("%d %s", i+1, name)))
		case c.width >= 100:
			parts = append(parts, s.Dim.Render(fmt.Sprintf("%d %s", i+1, name)))
		}
	}
	right := strings.Join(parts, s.Dim.Render(" · "))
	if c.width < 100 {
		right = s.Dim.Render(fmt.Sprintf("step %d/%d · ", cur+1, len(steps))) + s.Title.Render(steps[cur])
	}
	gap := c.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return left
	}
	return left + strings.Repeat(" ", gap) + right
}

func (m *Model) confirmView() string {
	s := m.c.styles
	var b strings.Builder
	b.WriteString(s.Title.Render("Quit ucx-onboard?") + "\n\n")
	n := 0
	for _, r := range m.s.Results {
		if r.Status == statusAuthorized {
			n++
		}
	}
	switch {
	case m.c.deps.Drafts != nil && m.haveCustomer && m.result.DraftSaveErr != nil:
		fmt.Fprintf(&b, "Your progress could not be saved as a draft: %s\nQuitting saves once more; if that fails too, the %d %s authorized %s lost.",
			wizard.CleanErrorText(m.result.DraftSaveErr), n, wizard.Plural(n, "app", "apps"), wizard.Plural(n, "is", "are"))
	case m.c.deps.Drafts != nil && m.haveCustomer:
		fmt.Fprintf(&b, "Your progress is kept as a draft (%d %s authorized).\nStart ucx-onboard again to resume it.", n, wizard.Plural(n, "app", "apps"))
	case m.haveCustomer:
		b.WriteString("Drafts are off: what you entered will be lost.")
	case m.c.deps.Drafts != nil && m.s.Draft.ID != "":
		// The form of a resumed draft: quitting saves nothing (snapshot),
		// the draft stays as it was.
		b.WriteString("The draft you resumed is kept as it was; changes in this form are not saved.\nStart ucx-onboard again to resume it.")
	default:
		// The form (prefilled or typed into): nothing is saved before it
		// is confirmed (snapshot).
		b.WriteString("Nothing is saved before the customer's data is confirmed: what is in the form will be lost.")
	}
	return wrap(b.String(), m.c.width)
}

// helpView renders key bindings on one line, dropping what does not fit.
func (m *Model) helpView(bs []key.Binding) string {
	s := m.c.styles
	var out string
	w := 0
	for _, b := range bs {
		h := b.Help()
		item := s.HelpKey.Render(h.Key) + " " + s.Help.Render(h.Desc)
		iw := lipgloss.Width(h.Key) + 1 + lipgloss.Width(h.Desc)
		sep := 0
		if out != "" {
			sep = 3
		}
		if w+sep+iw > m.c.width {
			break
		}
		if out != "" {
			out += s.Help.Render(" · ")
		}
		out += item
		w += sep + iw
	}
	return out
}

// fit pads or cuts s to exactly h lines, each cut to w cells.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if len(l) > w && width(l) > w {
			lines[i] = truncate(l, w)
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// fitHeight pads or cuts s to exactly h lines.
func fitHeight(s string, h int) string {
	n := strings.Count(s, "\n") + 1
	switch {
	case n > h:
		i := 0
		for range h {
			i += strings.IndexByte(s[i:], '\n') + 1
		}
		return s[:i-1]
	case n < h:
		return s + strings.Repeat("\n", h-n)
	}
	return s
}

// width is lipgloss.Width with a fast path for text without escapes or
// wide characters (grapheme segmentation is most of View's cost).
func width(s string) int {
	if strings.IndexByte(s, 0x1b) >= 0 {
		return lipgloss.Width(s)
	}
	n := 0
	for _, r := range s {
		if r >= 0x1100 && !(r >= 0x2000 && r <= 0x28FF) { // punctuation, arrows, blocks, braille are narrow
			return lipgloss.Width(s)
		}
		n++
	}
	return n
}

// wrap wraps s to w cells at spaces only, so that a URL, a host name or
// a path (dashes and slashes included) is never split between lines. A word
// wider than w gets lines of its own and is cut there as a last resort,
// preferably after a slash. Runs of spaces inside a line are kept; a line's
// leading spaces are kept on its first line.
func wrap(s string, w int) string {
	if w <= 0 {
		return s
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		if width(para) <= w {
			out = append(out, para)
			continue
		}
		out = append(out, wrapLine(para, w)...)
	}
	return strings.Join(out, "\n")
}

// wrapLine wraps one line (no newline) wider than w.
func wrapLine(line string, w int) []string {
	var out []string
	var cur strings.Builder
	curW := 0
	flush := func() {
		out = append(out, cur.String())
		cur.Reset()
		curW = 0
	}
	first := true
	for rest := line; rest != ""; {
		// The next space run and the word after it.
		i := 0
		for i < len(rest) && rest[i] == ' ' {
			i++
		}
		sp := rest[:i]
		j := strings.IndexByte(rest[i:], ' ')
		if j < 0 {
			j = len(rest) - i
		}
		word := rest[i : i+j]
		rest = rest[i+j:]
		if !first && curW == 0 {
			sp = "" // a break eats the spaces
		}
		first = false
		ww := width(word)
		if word == "" {
			continue // trailing spaces
		}
		if curW > 0 && curW+len(sp)+ww > w {
			flush()
			sp = ""
		}
		if len(sp)+ww <= w {
			cur.WriteString(sp + word)
			curW += len(sp) + ww
			continue
		}
		// Wider than a line: lines of its own, cut.
		if curW > 0 {
			flush()
		}
		for _, l := range breakWord(word, w) {
			cur.WriteString(l)
			flush()
		}
	}
	if curW > 0 || cur.Len() > 0 {
		flush()
	}
	return out
}

// breakWord cuts a word wider than w into lines of at most w cells, after a
// slash when one falls in the second half of the line.
func breakWord(word string, w int) []string {
	if strings.IndexByte(word, 0x1b) >= 0 || width(word) != len(word) {
		return strings.Split(ansi.Hardwrap(word, w, false), "\n")
	}
	var out []string
	for len(word) > w {
		cut := w
		if k := strings.LastIndexByte(word[:w], '/'); k >= w/2 {
			cut = k + 1
		}
		out = append(out, word[:cut])
		word = word[cut:]
	}
	return append(out, word)
}

// truncate cuts s to w cells, marking the cut with "…".
func truncate(s string, w int) string { return ansi.Truncate(s, w, "…") }
