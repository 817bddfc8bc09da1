package tui

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
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
	m.flow = wizard.NewFlow(wizard.ConfigOf(deps))
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
