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
)

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

// appStatus is an app's state in the review.
type appStatus int

const (
	statusPending appStatus = iota
	statusAuthorized
	statusSkipped
	statusFailed
)

// appResult is what became of one app.
type appResult struct {
	app      flows.App
	status   appStatus
	grant    store.AppGrant // tokens only in here; never rendered
	org      store.Org
	warnings []string // approver warnings the engineer accepted
	reason   string   // why it failed, sanitized
	// nameWhy and usersWhy say why this approval's Identify left the
	// org's name and user count unknown (unknownWhy; "" when known, or
	// when the approval comes from a draft, which keeps no reasons).
	nameWhy, usersWhy string
	// An approval kept in the draft before the engineer was done with it
	// (status is statusAuthorized): unchecked, its approver was never
	// checked (Identify runs again when its turn comes); undecided, its
	// approver warnings (in warnings) were never accepted (the warning
	// screen comes back). Either way the app is authorized again from
	// there, without a new device code.
	unchecked, undecided bool
}

// pending tells whether an approval still waits for the engineer.
func (r *appResult) pending() bool {
	return r.status == statusAuthorized && (r.unchecked || r.undecided)
}

// noApprover tells an approval whose approver was never checked.
func noApprover(a store.Approver) bool {
	return a.PersonID == "" && a.Email == "" && a.DisplayName == ""
}

// Model is the wizard's root Bubble Tea model. It routes messages the way
// soft-serve's repo page does: global keys first, the window size to every
// screen, async results to the screen that owns them, everything else to
// the active screen. Screens finish by emitting a message.
type Model struct {
	c      *common
	cancel context.CancelFunc
	screen screenID

	preflight preflightScreen
	resume    resumeScreen
	customer  customerScreen
	apps      appsScreen
	auth      authScreen
	review    reviewScreen
	done      doneScreen

	confirmQuit bool
	quitting    bool

	// Collected so far.
	draft          Draft
	haveCustomer   bool
	drafts         []DraftInfo
	draftsLoaded   bool
	afterPreflight bool // preflight done, waiting for the drafts list
	results        map[string]*appResult
	selected       []string // app IDs in catalog order
	queue          []string // app IDs still to authorize

	// Draft saves run one at a time, in order: a save asked for while one
	// is in flight runs when it returns, with the draft as it is then (so
	// a new draft's ID is known and no second draft is created).
	saving, saveAgain bool
	// saveDone also receives the answer of the save in flight, for Run
	// when the program ended before delivering it (finishSaves).
	saveDone chan draftSavedMsg
	// removeAfterSave: the bundle was written while a save was in flight;
	// the draft is removed when it returns.
	removeAfterSave bool
	// removing: the draft's removal after the bundle has not answered yet;
	// quitAfterRemove: the engineer left the done screen meanwhile.
	removing, quitAfterRemove bool

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
	m := &Model{c: c, cancel: cancel, results: map[string]*appResult{}}
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
	r.Customer = m.draft.Customer
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
		m.draftsLoaded = true
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

// removeAfterBundle marks the draft id completed and removes it, once the
// bundle is written (finishDraft); a failure is reported
// (Result.DraftRemoveErr, the done screen).
func (m *Model) removeAfterBundle(id string) tea.Cmd {
	if id == "" || m.result.Receipt == nil {
		return m.removed(draftRemovedMsg{}) // nothing to remove
	}
	d, dr, r := m.c.deps.Drafts, m.draft, *m.result.Receipt
	dr.ID = id
	m.removing = true
	return func() tea.Msg { return draftRemovedMsg{id: id, err: finishDraft(d, dr, r)} }
}

// finishDraft ends draft dr once the bundle of r is written: it saves the
// draft marked completed (store.Draft.Completed) and then removes it. A
// run killed between the two leaves a draft that says its bundle is
// written, which the next run offers only to discard: resuming it could
// write a second bundle with the same tokens. The marker's save failing
// does not stop the removal; the removal's error is returned.
func finishDraft(d DraftStore, dr Draft, r Receipt) error {
	dr.Completed = &store.Completion{BundlePath: r.BundlePath, SHA256: r.SHA256}
	_ = d.Save(&dr)
	return d.Remove(dr.ID)
}

// removed takes the answer of the removal after the bundle.
func (m *Model) removed(msg draftRemovedMsg) tea.Cmd {
	m.removing = false
	if msg.err != nil {
		m.result.DraftID, m.result.DraftRemoveErr = msg.id, msg.err
		m.done.removeErr, m.done.draftID = msg.err, msg.id
	}
	if m.quitAfterRemove {
		m.quitting = true
		return tea.Quit
	}
	return nil
}

// save saves the results in the draft (when drafts are on and the
// customer is known), one save at a time; nil when nothing is to be done
// now.
func (m *Model) save() tea.Cmd {
	if m.c.deps.Drafts == nil || !m.haveCustomer || m.result.Receipt != nil {
		return nil // no draft once the bundle is written
	}
	if m.saving {
		m.saveAgain = true
		return nil
	}
	m.syncDraft()
	if m.draft.ID == "" {
		// Known before the first save returns, so that an interrupted
		// run saves again or removes this draft, never a second one.
		m.draft.ID = m.c.deps.Drafts.NewID()
	}
	m.saving = true
	m.saveDone = make(chan draftSavedMsg, 1)
	return saveDraft(m.c.deps.Drafts, m.draft, m.saveDone)
}

// record notes (or forgets) an approval of the authorization screen in
// the results and saves the draft.
func (m *Model) record(r *recordReq) tea.Cmd {
	id := r.res.app.ID
	if r.drop {
		delete(m.results, id)
	} else {
		res := r.res
		m.results[id] = &res
	}
	return m.save()
}

// Update routes msg (see Model), then lays out the header and help line
// for View.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := m.update(msg)
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
		m.noticeLine = truncate(m.c.styles.Err.Render(markWarn+" progress could not be saved: ")+errText(err), m.c.width)
	}
	var help []key.Binding
	switch {
	case m.confirmQuit:
		help = []key.Binding{m.c.keys.Yes, m.c.keys.No}
	case m.screen == scrPreflight:
		help = m.preflight.help()
	case m.screen == scrResume:
		help = m.resume.help()
	case m.screen == scrCustomer:
		help = m.customer.help()
	case m.screen == scrApps:
		help = m.apps.help()
	case m.screen == scrAuth:
		help = m.auth.help()
	case m.screen == scrReview:
		help = m.review.help()
	case m.screen == scrDone:
		help = m.done.help()
	}
	m.helpLine = m.helpView(help)
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		m.auth.relayout()
		m.customer.resize()
		m.resume.follow()
		return m, nil
	case tickMsg:
		m.c.now = msg.now
		m.c.frame++
		if m.quitting {
			return m, nil
		}
		return m, m.tick()
	case tea.KeyMsg:
		return m, m.key(msg)
	case checksMsg:
		return m, m.preflight.update(msg)
	case draftsMsg:
		m.draftsLoaded = true
		for _, d := range msg.infos {
			m.drafts = append(m.drafts, d)
		}
		m.resume.infos = m.drafts
		m.resume.follow()
		if m.screen == scrLoading || m.afterPreflight {
			return m, m.afterChecks()
		}
		return m, nil
	case draftLoadedMsg:
		return m, m.loaded(msg)
	case draftSavedMsg:
		m.saving, m.saveDone = false, nil
		if m.removeAfterSave {
			m.removeAfterSave, m.saveAgain = false, false
			id := msg.id
			if id == "" {
				id = m.draft.ID
			}
			return m, m.removeAfterBundle(id)
		}
		m.result.DraftSaveErr = msg.err
		if msg.err == nil {
			m.draft.ID = msg.id
			m.result.DraftID = msg.id
		}
		if m.saveAgain {
			m.saveAgain = false
			if cmd := m.save(); cmd != nil {
				return m, cmd
			}
		}
		if m.quitting {
			return m, tea.Quit
		}
		return m, nil
	case preflightDoneMsg:
		return m, m.afterChecks()
	case resumeChosenMsg:
		if msg.id == "" {
			m.screen = scrCustomer
			return m, m.customer.init()
		}
		return m, loadDraft(m.c.deps.Drafts, msg.id)
	case customerSubmittedMsg:
		m.draft.Customer = m.customer.value()
		m.haveCustomer = true
		m.screen = scrApps
		sel := m.draft.SelectedApps
		if len(sel) == 0 {
			for _, a := range m.c.deps.Apps {
				sel = append(sel, a.ID)
			}
		}
		m.apps.set(m.c.deps.Apps, sel, m.results)
		return m, nil
	case appsChosenMsg:
		m.selected = msg.ids
		m.draft.SelectedApps = msg.ids
		m.queue = nil
		for _, id := range msg.ids {
			if r := m.results[id]; r != nil && r.status == statusAuthorized && !r.pending() {
				continue
			}
			m.queue = append(m.queue, id)
		}
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
		return m, m.auth.update(msg)
	case draftRemovedMsg:
		return m, m.removed(msg)
	case draftDiscardedMsg:
		return m, m.resume.update(msg)
	case appDoneMsg:
		return m, m.appDone(msg.res)
	case completeMsg:
		return m, m.complete()
	case bundleWrittenMsg:
		if msg.err != nil {
			m.review.failed(msg.err)
			return m, nil
		}
		r := msg.receipt
		m.result.Receipt = &r
		m.err = nil
		m.confirmQuit = false
		m.done.set(r, m.draft.Customer, m.draft.Org, m.results, m.selected)
		m.screen = scrDone
		var cmd tea.Cmd
		m.saveAgain = false
		m.result.DraftSaveErr = nil
		switch {
		case m.c.deps.Drafts == nil:
		case m.saving:
			m.removeAfterSave = true // the save in flight may create it again
			m.removing = true
		case m.draft.ID != "":
			cmd = m.removeAfterBundle(m.draft.ID)
		}
		m.result.DraftID = ""
		return m, cmd
	}
	return m, m.active(msg)
}

// active sends msg to the active screen.
func (m *Model) active(msg tea.Msg) tea.Cmd {
	switch m.screen {
	case scrPreflight:
		return m.preflight.update(msg)
	case scrResume:
		return m.resume.update(msg)
	case scrCustomer:
		return m.customer.update(msg)
	case scrApps:
		return m.apps.update(msg)
	case scrAuth:
		return m.auth.update(msg)
	case scrReview:
		return m.review.update(msg)
	case scrDone:
		return m.done.update(msg)
	}
	return nil
}

// key handles the global keys (quit, with a confirmation) and passes the
// rest to the active screen.
func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.c.keys
	if m.quitting {
		return nil // the quit is confirmed: no key may change what is saved
	}
	if m.confirmQuit {
		switch {
		case key.Matches(msg, k.ForceQuit), key.Matches(msg, k.Yes):
			return m.quit()
		case key.Matches(msg, k.No), key.Matches(msg, k.Continue):
			m.confirmQuit = false
		}
		return nil
	}
	textEntry := (m.screen == scrCustomer) || (m.screen == scrReview && m.review.typing())
	quit := key.Matches(msg, k.ForceQuit) || (!textEntry && key.Matches(msg, k.Quit))
	if m.screen == scrDone && (quit || key.Matches(msg, k.Continue)) {
		if m.removing {
			m.quitAfterRemove = true // quit once the draft's removal answered
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

// quit ends the wizard, keeping the progress as a draft when there is any.
func (m *Model) quit() tea.Cmd {
	m.quitting = true
	m.confirmQuit = false
	if m.result.Receipt != nil {
		return tea.Quit // the bundle is written: nothing to keep
	}
	m.auth.stop()
	m.err = ErrUserAborted
	if m.screen == scrPreflight && m.preflight.blocked() {
		m.err = ErrPreflightBlocked
	}
	defer m.cancel()
	if m.c.deps.Drafts != nil && m.haveCustomer {
		if cmd := m.save(); cmd != nil {
			return cmd
		}
		return nil // a save is in flight; the last one quits
	}
	return tea.Quit
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
	m.draft = d
	for _, g := range d.Apps {
		app, ok := m.appByID(g.AppID)
		if !ok {
			continue
		}
		r := &appResult{app: app, status: statusAuthorized, grant: g, org: d.Org}
		// The approver warnings accepted before are kept, so that the
		// bundle still carries them; those never accepted bring the
		// warning screen back, and an approver never checked is checked
		// again. They carry the app's current name (the catalog may have
		// renamed it since it was approved).
		i := slices.IndexFunc(d.Approvals, func(n store.ApprovalNote) bool { return n.AppID == app.ID })
		var note store.ApprovalNote
		if i >= 0 {
			note = d.Approvals[i]
		}
		for _, w := range note.Warnings {
			r.warnings = append(r.warnings, app.Name+": "+w)
		}
		r.grant.AppName = app.Name
		undecided := note.Undecided
		switch {
		case undecided && len(r.warnings) > 0:
			// The draft keeps one org; this approver's may differ (that
			// can be what the warning says), so it is not claimed.
			r.undecided, r.org = true, store.Org{}
		case undecided, len(r.warnings) == 0 && noApprover(g.Approver):
			// Undecided without its warnings, or never checked: ask
			// Webex again rather than take it as accepted.
			r.warnings, r.unchecked = nil, true
		}
		m.results[g.AppID] = r
	}
	for _, id := range d.SkippedApps {
		if app, ok := m.appByID(id); ok && m.results[id] == nil {
			m.results[id] = &appResult{app: app, status: statusSkipped}
		}
	}
	m.customer = newCustomerScreen(m.c, d.Customer)
	m.screen = scrCustomer
	return m.customer.init()
}

func (m *Model) appByID(id string) (flows.App, bool) {
	for _, a := range m.c.deps.Apps {
		if a.ID == id {
			return a, true
		}
	}
	return flows.App{}, false
}

// orgID is the org of the apps authorized so far ("" when none).
func (m *Model) orgID() string {
	for _, id := range m.selected {
		if r := m.results[id]; r != nil && r.status == statusAuthorized && r.org.ID != "" {
			return r.org.ID
		}
	}
	return m.draft.Org.ID
}

// knownOrg is the org of the apps authorized so far, with the name and
// user count any of them (or the resumed draft) learned: a later app whose
// token may not read them takes them from here (withPrior).
func (m *Model) knownOrg() store.Org {
	o := store.Org{ID: m.orgID()}
	if o.ID == "" {
		return o
	}
	if m.draft.Org.ID == o.ID {
		o = m.draft.Org
	}
	for _, id := range m.selected {
		if r := m.results[id]; r != nil && r.status == statusAuthorized && r.org.ID == o.ID {
			o.Name = cmp.Or(o.Name, r.org.Name)
			o.UserCount = max(o.UserCount, r.org.UserCount)
		}
	}
	return o
}

// next opens the authorization screen of the next app, or the review.
func (m *Model) next() tea.Cmd {
	if len(m.queue) == 0 {
		m.screen = scrReview
		m.review.set(m.reviewData())
		return m.review.focusField()
	}
	id := m.queue[0]
	app, _ := m.appByID(id)
	pos := slices.Index(m.selected, id)
	m.auth = newAuthScreen(m.c, app, pos+1, len(m.selected), m.draft.Customer.AdminEmail, m.knownOrg())
	m.screen = scrAuth
	if r := m.results[id]; r != nil && r.pending() {
		return m.auth.resumeApproval(*r)
	}
	return m.auth.start()
}

// appDone records one app's outcome, saves the draft and moves on.
func (m *Model) appDone(res appResult) tea.Cmd {
	r := res
	m.results[res.app.ID] = &r
	if len(m.queue) > 0 && m.queue[0] == res.app.ID {
		m.queue = m.queue[1:]
	}
	// Save every outcome: the approver of an approval saved earlier, or a
	// skip that replaces it.
	return tea.Batch(m.save(), m.next())
}

// syncDraft copies the results into m.draft.
func (m *Model) syncDraft() {
	d := &m.draft
	d.SelectedApps = m.selected
	d.Apps, d.SkippedApps, d.Approvals = nil, nil, nil
	for _, a := range m.c.deps.Apps {
		r := m.results[a.ID]
		if r == nil {
			continue
		}
		switch r.status {
		case statusAuthorized:
			d.Apps = append(d.Apps, r.grant)
			if r.org.ID != "" && (d.Org.ID == "" || d.Org.ID == r.org.ID) {
				// An app whose token may not read the name keeps the one
				// another app of the same org read.
				d.Org.ID, d.Org.Name = r.org.ID, cmp.Or(r.org.Name, d.Org.Name)
				d.Org.UserCount = max(d.Org.UserCount, r.org.UserCount)
			}
			if len(r.warnings) > 0 || r.undecided {
				d.Approvals = append(d.Approvals, store.ApprovalNote{AppID: a.ID, Warnings: undecidedWarnings(*r), Undecided: r.undecided})
			}
		case statusSkipped, statusFailed:
			d.SkippedApps = append(d.SkippedApps, a.ID)
		}
	}
}

// reviewData gathers what the review screen shows.
func (m *Model) reviewData() reviewData {
	m.syncDraft()
	rd := reviewData{customer: m.draft.Customer, org: m.draft.Org, protection: m.c.deps.Protection}
	rd.outPath = m.c.deps.OutPath(m.draft.Customer.Company, m.c.now)
	for _, id := range m.selected {
		if r := m.results[id]; r != nil {
			rd.apps = append(rd.apps, *r)
		} else if app, ok := m.appByID(id); ok {
			rd.apps = append(rd.apps, appResult{app: app, status: statusSkipped})
		}
	}
	rd.gaps = orgUnknowns(rd.apps, m.draft.Org)
	presence := slices.ContainsFunc(rd.apps, func(r appResult) bool { return r.status == statusAuthorized && isPresence(r.app) })
	rd.notes = orgNotes(rd.gaps, presence)
	rd.warnings = bundleWarnings(rd.apps, m.draft.Org)
	rd.shown = bundleWarnings(rd.apps, m.draft.Org, statusAuthorized)
	return rd
}

// bundleWarnings are the pitfalls raised before COMPLETE REQUEST, in the
// words written into the bundle. With only, the warnings about skipped and
// failed apps are left out (the review lists those apps anyway). The
// presence warning is raised when the org has more than 1,000 users, and
// also when its size could not be checked (saying why).
func bundleWarnings(apps []appResult, org store.Org, only ...appStatus) []string {
	var w []string
	for _, r := range apps {
		switch {
		case r.status != statusAuthorized || !isPresence(r.app):
		case org.UserCount > 1000:
			w = append(w, "The organization has more than 1,000 users: do not enable the presence integration ("+
				r.app.Name+"); Cisco's API does not support it.")
		case org.UserCount == 0:
			w = append(w, "The organization's size could not be checked ("+orgUnknowns(apps, org).size+
				"): make sure it has at most 1,000 users before enabling the presence integration ("+
				r.app.Name+"); Cisco's API does not support more.")
		}
	}
	for _, r := range apps {
		w = append(w, r.warnings...)
		if r.status == statusAuthorized && r.unchecked {
			// Not reached through the wizard (the check runs again first).
			w = append(w, r.app.Name+": Could not tell who approved (the approver was not checked).")
		}
		if len(only) > 0 {
			continue
		}
		switch r.status {
		case statusSkipped:
			w = append(w, r.app.Name+" was skipped: its features will not work until it is authorized.")
		case statusFailed:
			w = append(w, r.app.Name+" failed: "+r.reason)
		}
	}
	return w
}

// isPresence tells the presence connector app apart.
func isPresence(a flows.App) bool {
	return strings.Contains(strings.ToLower(a.ID+" "+a.Name), "presence")
}

// complete writes the bundle (COMPLETE REQUEST).
func (m *Model) complete() tea.Cmd {
	m.syncDraft()
	b := store.Bundle{
		Created:     m.c.now.UTC(),
		ToolVersion: m.c.deps.Version,
		Customer:    m.draft.Customer,
		Org:         m.draft.Org,
		Apps:        slices.Clone(m.draft.Apps),
		Warnings:    m.review.data.warnings,
	}
	path, pass, write := m.review.data.outPath, m.review.passphrase(), m.c.deps.WriteBundle
	m.review.writing = true
	return func() tea.Msg {
		r, err := write(path, b, pass)
		return bundleWrittenMsg{receipt: r, err: err}
	}
}

// steps names the wizard's steps for the header.
var steps = []string{"Checks", "Customer", "Apps", "Authorize", "Review", "Done"}

func (m *Model) step() int {
	switch m.screen {
	case scrLoading, scrPreflight, scrResume:
		return 0
	case scrCustomer:
		return 1
	case scrApps:
		return 2
	case scrAuth:
		return 3
	case scrReview:
		return 4
	}
	return 5
}

// View renders the header, the active screen's body and the help line, in
// exactly the terminal's size.
func (m *Model) View() string {
	if m.quitting {
		return ""
	}
	c := m.c
	if c.width < minWidth || c.height < minHeight {
		return fit(wrap(fmt.Sprintf("Enlarge the window (at least %dx%d).", minWidth, minHeight), c.width), c.width, c.height)
	}
	if m.screen == scrAuth && m.auth.full && !m.confirmQuit {
		return fit(m.auth.fullView(), c.width, c.height)
	}
	var body string
	switch m.screen {
	case scrLoading:
		body = c.spinner() + " Looking for saved drafts…"
	case scrPreflight:
		body = m.preflight.view()
	case scrResume:
		body = m.resume.view()
	case scrCustomer:
		body = m.customer.view()
	case scrApps:
		body = m.apps.view()
	case scrAuth:
		body = m.auth.view()
	case scrReview:
		body = m.review.view()
	case scrDone:
		body = m.done.view()
	}
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
	for _, r := range m.results {
		if r.status == statusAuthorized {
			n++
		}
	}
	switch {
	case m.c.deps.Drafts != nil && m.haveCustomer && m.result.DraftSaveErr != nil:
		fmt.Fprintf(&b, "Your progress could not be saved as a draft: %s\nQuitting saves once more; if that fails too, the %d %s authorized %s lost.",
			errText(m.result.DraftSaveErr), n, plural(n, "app", "apps"), plural(n, "is", "are"))
	case m.c.deps.Drafts != nil && m.haveCustomer:
		fmt.Fprintf(&b, "Your progress is kept as a draft (%d %s authorized).\nStart ucx-onboard again to resume it.", n, plural(n, "app", "apps"))
	case m.haveCustomer:
		b.WriteString("Drafts are off: what you entered will be lost.")
	default:
		b.WriteString("Nothing has been entered yet.")
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

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
