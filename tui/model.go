package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
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

// screen is one step of the full-screen front-end, in the way of
// soft-serve's common.Component: sync takes what the core's View says
// (after every event of the flow), update takes the screen's own keys and
// messages (and reports to the root by returned messages: a flow event,
// eventMsg), view renders its body, help names its own keys (the flow's
// choices are added by the root), step says which of the header's steps it
// belongs to, resize lays it out again. A new screen is one file with its
// type plus one entry in Model.screens.
type screen interface {
	sync(v *wizard.View)
	update(msg tea.Msg) tea.Cmd
	view() string
	help() []key.Binding
	step() int // index in steps
	resize()
}

// typer is a screen with a text field that may have the keys (q is then a
// letter, and only Ctrl-C quits).
type typer interface{ typing() bool }

// claimer is a screen that takes some keys before the flow's choices
// (enter on the review's passphrase fields, every key but q on the full
// QR code).
type claimer interface{ claims(k string) bool }

// loadingScreen waits for the drafts list.
type loadingScreen struct{ c *common }

func (s *loadingScreen) sync(*wizard.View)      {}
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
}

// bodyHeight is the height left for a screen's body: the header, a blank
// line and the help line take three.
func (c *common) bodyHeight() int { return max(c.height-3, 1) }

// spinner is the current spinner frame.
func (c *common) spinner() string { return spinnerFrames[c.frame%len(spinnerFrames)] }

// Model is the wizard's full-screen front-end: it renders the core's Flow
// (package wizard) and hands it the engineer's choices and the answers of
// the effects it runs (package effects, each in a tea.Cmd). The flow
// decides; the Model routes: the window size to every screen, the clock's
// tick, keys to the active screen and then to the flow's choices, flow
// events (eventMsg) to the flow.
type Model struct {
	c      *common
	cancel context.CancelFunc
	flow   *wizard.Flow
	run    *effects.Runner
	// events carries what effects report before their answer (polls,
	// retries) and the org's reads; listen delivers them one at a time.
	events chan wizard.Event
	v      wizard.View // the flow's, after the last event

	// screens are the screens by wizard.Step.
	screens   map[wizard.Step]screen
	preflight preflightScreen
	resume    resumeScreen
	customer  customerScreen
	apps      appsScreen
	auth      authScreen
	review    reviewScreen
	done      doneScreen

	quitting bool // the flow quit: nothing more is shown
	// removed also gets the answer of the draft's removal (FinishDraft)
	// once its command started (removing): the program may end before it
	// takes that answer, and Run hands it to the flow then (finishSaves).
	removed  chan wizard.DraftRemoved
	removing *atomic.Bool

	headerLine, noticeLine, helpLine string // laid out in Update
}

// eventMsg hands the flow an event: an effect's answer, a screen's report,
// or (listened) one of Model.events.
type eventMsg struct {
	ev       wizard.Event
	listened bool
}

// quitMsg: the flow's Quit has run (its saves are written).
type quitMsg struct{}

// tickMsg: one clock tick (countdown, spinner).
type tickMsg struct{ now time.Time }

// report is a command that hands ev to the flow.
func report(ev wizard.Event) tea.Cmd { return func() tea.Msg { return eventMsg{ev: ev} } }

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
	m := &Model{c: c, cancel: cancel, events: make(chan wizard.Event, 64), removed: make(chan wizard.DraftRemoved, 1), removing: new(atomic.Bool)}
	m.flow = wizard.NewFlow(FlowConfig(deps))
	m.run = effects.New(ctx, deps, m.progress)
	m.preflight = preflightScreen{c: c}
	m.resume = resumeScreen{c: c}
	m.customer = newCustomerScreen(c, store.Customer{})
	m.apps = appsScreen{c: c}
	m.auth = authScreen{c: c}
	m.review = newReviewScreen(c)
	m.done = doneScreen{c: c}
	m.screens = map[wizard.Step]screen{
		wizard.StepChecks: &m.preflight, wizard.StepLoading: &loadingScreen{c: c}, wizard.StepResume: &m.resume,
		wizard.StepCustomer: &m.customer, wizard.StepApps: &m.apps, wizard.StepAuthorize: &m.auth,
		wizard.StepReview: &m.review, wizard.StepDone: &m.done,
	}
	return m
}

// FlowConfig is the Flow's configuration for deps (both front-ends).
func FlowConfig(deps Deps) wizard.Config {
	cfg := wizard.Config{Apps: deps.Apps, Preflight: deps.Preflight != nil, Drafts: deps.Drafts != nil,
		Prefill: deps.Prefill, Protection: deps.Protection, OutPath: deps.OutPath, Version: deps.Version}
	if deps.Drafts != nil {
		cfg.NewDraftID = deps.Drafts.NewID
	}
	return cfg
}

// Result reports the outcome once the program has ended: the Result, and
// nil, ErrUserAborted or ErrPreflightBlocked.
func (m *Model) Result() (Result, error) { return m.flow.Outcome() }

// Init starts the flow (the checks, the drafts list) and the clock.
func (m *Model) Init() tea.Cmd {
	fx := m.flow.Start(m.c.now)
	m.sync()
	return tea.Batch(m.tick(), m.listen(), m.effects(fx), m.customer.init())
}

// tick waits one tick on the Deps clock.
func (m *Model) tick() tea.Cmd {
	clock := m.c.deps.Clock
	return func() tea.Msg {
		<-clock.After(tickEvery)
		return tickMsg{now: clock.Now()}
	}
}

// progress passes an effect's report to the program (listen), or drops it
// once the wizard is over.
func (m *Model) progress(ev wizard.Event) {
	select {
	case m.events <- ev:
	case <-m.c.ctx.Done():
	}
}

// listen delivers the next of Model.events.
func (m *Model) listen() tea.Cmd {
	ch, ctx := m.events, m.c.ctx
	return func() tea.Msg {
		select {
		case ev := <-ch:
			return eventMsg{ev: ev, listened: true}
		case <-ctx.Done():
			return nil
		}
	}
}

// Update routes msg (see Model), then lays out the header and help line
// for View.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	was := m.v.Step
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		for _, sc := range m.screens {
			sc.resize()
		}
	case tickMsg:
		m.c.now = msg.now
		m.c.frame++
		if !m.quitting {
			m.run.Tick()
			cmd = m.tick()
		}
	case eventMsg:
		cmd = m.handle(msg.ev)
		if msg.listened {
			cmd = tea.Batch(cmd, m.listen())
		}
	case quitMsg:
		return m, tea.Quit
	case tea.KeyMsg:
		cmd = m.key(msg)
	default:
		if sc := m.screens[m.v.Step]; sc != nil && !m.quitting {
			cmd = sc.update(msg)
		}
	}
	if m.v.Step != was {
		// A new screen is drawn whole on a cleared screen: the renderer
		// redraws only the lines it believes changed, so whatever a
		// console did not keep as it was told (Windows consoles, Wine's)
		// would stay, e.g. QR rows above the Done screen.
		cmd = tea.Batch(cmd, tea.ClearScreen, m.enter())
	}
	m.chrome()
	return m, cmd
}

// handle gives ev to the flow, brings the screens up to date and runs the
// effects.
func (m *Model) handle(ev wizard.Event) tea.Cmd {
	fx := m.flow.Handle(m.c.deps.Clock.Now(), ev)
	cmd := m.effects(fx)
	m.sync()
	return cmd
}

// sync takes the flow's view to the screens.
func (m *Model) sync() {
	m.v = m.flow.View()
	m.c.saveErr = m.v.SaveErr
	if m.v.Step == wizard.StepEnded {
		m.quitting = true
		return
	}
	if sc := m.screens[m.v.Step]; sc != nil {
		sc.sync(&m.v)
	}
}

// enter prepares the screen of a step just reached.
func (m *Model) enter() tea.Cmd {
	switch m.v.Step {
	case wizard.StepCustomer:
		m.customer = newCustomerScreen(m.c, m.v.Customer)
		return m.customer.init()
	case wizard.StepApps:
		s := m.flow.Session()
		m.apps.set(m.c.deps.Apps, m.v.Selected, s.Results, s.Blocked)
	case wizard.StepReview:
		return m.review.focusField()
	}
	return nil
}

// effects runs fx: the immediate ones now, in order; the others each in a
// command whose answer comes back as an eventMsg. A Quit runs after the
// others of fx have answered (the quit's own save): the program takes
// their answers before it ends.
func (m *Model) effects(fx []wizard.Effect) tea.Cmd {
	var cmds []tea.Cmd
	var quitCmd tea.Cmd
	for _, e := range fx {
		switch {
		case effects.Immediate(e):
			if ev := m.run.Run(e, m.progress); ev != nil {
				cmds = append(cmds, m.handle(ev))
			}
		default:
			run, progress, removed := m.run, m.progress, m.removed
			_, quit := e.(wizard.Quit)
			_, remove := e.(wizard.FinishDraft)
			removing := m.removing
			cmd := func() tea.Msg {
				if remove {
					removing.Store(true)
				}
				ev := run.Run(e, progress)
				if r, ok := ev.(wizard.DraftRemoved); ok {
					select {
					case removed <- r:
					default:
					}
				}
				switch {
				case quit:
					return quitMsg{}
				case ev == nil:
					return nil
				}
				return eventMsg{ev: ev}
			}
			if quit {
				quitCmd = cmd
				continue
			}
			cmds = append(cmds, cmd)
		}
	}
	if quitCmd != nil {
		return tea.Sequence(tea.Batch(cmds...), quitCmd)
	}
	return tea.Batch(cmds...)
}

// key takes a key: the active screen's own keys first (a text field, the
// QR's size, the resume list...), then the flow's choices.
func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	if m.quitting {
		return nil // the quit is confirmed: no key may change what is saved
	}
	sc := m.screens[m.v.Step]
	typing := false
	if t, ok := sc.(typer); ok {
		typing = t.typing()
	}
	ctrlC := msg.String() == "ctrl+c"
	// A window too small shows only "Enlarge the window": no key may act on
	// a screen the engineer cannot see, except quitting as usual (q where
	// it is no text, Ctrl-C; the quit question waits for a window that
	// shows it, Ctrl-C again confirms it).
	if m.tooSmall() && !ctrlC && (typing || msg.String() != "q" || m.v.AskQuit) {
		return nil
	}
	if !m.v.AskQuit && !ctrlC {
		if cmd, ok := m.own(sc, msg); ok {
			return cmd
		}
	}
	// The quit question takes the keys from a text field (y, n, esc).
	if c, ok := m.choice(msg, typing && !m.v.AskQuit); ok {
		return m.handle(wizard.Pick{Choice: c})
	}
	return nil
}

// own passes msg to the active screen when the key is the screen's: while
// it types, when it claims the key, or when the flow offers no choice for
// it.
func (m *Model) own(sc screen, msg tea.KeyMsg) (tea.Cmd, bool) {
	t, ok := sc.(typer)
	cl, ok2 := sc.(claimer)
	switch {
	case ok && t.typing(), ok2 && cl.claims(msg.String()):
	default:
		if _, ok := m.choice(msg, false); ok {
			return nil, false
		}
	}
	return sc.update(msg), true
}

// choice maps a key to the flow's choice that has it: Ctrl-C is quit (and
// yes to the quit question), esc is no, enter accepts a warning.
func (m *Model) choice(msg tea.KeyMsg, typing bool) (wizard.Choice, bool) {
	k := msg.String()
	switch {
	case k == "ctrl+c" && m.v.AskQuit:
		return wizard.ChoiceQuitYes, true
	case k == "ctrl+c":
		return wizard.ChoiceQuit, slices.ContainsFunc(m.v.Choices, func(o wizard.Option) bool { return o.Choice == wizard.ChoiceQuit })
	case typing:
		return 0, false
	case k == "Y" || k == "N":
		k = strings.ToLower(k)
	case k == "esc" && (m.v.AskQuit || m.v.Auth != nil && m.v.Auth.AskSkip):
		k = "n"
	case k == "enter" && m.v.Auth != nil && m.v.Auth.Phase == wizard.PhaseWarning && !m.v.Auth.AskSkip:
		k = "a"
	}
	for _, o := range m.v.Choices {
		if o.Key == k {
			return o.Choice, true
		}
	}
	return 0, false
}

// tooSmall tells a window too small to show a screen (View then asks to
// enlarge it).
func (m *Model) tooSmall() bool { return m.c.width < minWidth || m.c.height < minHeight }

// chrome renders the header and the help line, which change only in Update.
func (m *Model) chrome() {
	if m.quitting {
		return
	}
	m.headerLine = m.header()
	m.noticeLine = ""
	if err := m.v.SaveErr; err != nil && (m.v.Step == wizard.StepAuthorize || m.v.Step == wizard.StepReview) {
		m.noticeLine = truncate(m.c.styles.Err.Render(wizard.MarkWarn+" progress could not be saved: ")+wizard.CleanErrorText(err), m.c.width)
	}
	m.helpLine = m.helpView(m.helpKeys())
}

// helpKeys are the keys of the help line: the screen's own, then the
// flow's choices.
func (m *Model) helpKeys() []key.Binding {
	var bs []key.Binding
	if sc := m.screens[m.v.Step]; sc != nil && !m.v.AskQuit {
		bs = sc.help()
	}
	typing := false
	if t, ok := m.screens[m.v.Step].(typer); ok {
		typing = t.typing() && !m.v.AskQuit
	}
	own := len(bs)
	for _, o := range m.v.Choices {
		k := o.Key
		switch {
		case o.Choice == wizard.ChoiceQuit && typing:
			k = "ctrl+c"
		case typing, slices.ContainsFunc(bs[:own], func(b key.Binding) bool { return slices.Contains(b.Keys(), k) }):
			continue
		}
		bs = append(bs, key.NewBinding(key.WithKeys(k), key.WithHelp(k, o.Label)))
	}
	return bs
}

// steps names the wizard's steps for the header.
var steps = []string{"Checks", "Customer", "Apps", "Authorize", "Review", "Done"}

func (m *Model) step() int {
	if sc := m.screens[m.v.Step]; sc != nil {
		return sc.step()
	}
	return len(steps) - 1
}

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
	if m.v.Step == wizard.StepAuthorize && m.auth.full && !m.v.AskQuit {
		return fit(m.auth.fullView(), c.width, c.height)
	}
	body := m.screens[m.v.Step].view()
	// The authorization screen lays its lines out to the width itself (it
	// is the one redrawn on every tick); other bodies are measured and cut.
	trusted := m.v.Step == wizard.StepAuthorize && m.auth.showsCode()
	if m.v.AskQuit {
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
	b.WriteString(wizard.QuitText(m.v, m.flow.Session().Authorized()))
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
