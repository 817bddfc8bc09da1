package tui

import (
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/imagicle/ucx-onboard/tui/wizard"
	"github.com/imagicle/ucx-onboard/tui/wizard/wizardtest"
	"github.com/muesli/termenv"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	os.Exit(m.Run())
}

// The fakes and the catalog of the tests are wizardtest's, under the
// short names the tests use.
var t0 = wizardtest.T0

const (
	verifyURI   = wizardtest.VerifyURI
	completeURI = wizardtest.CompleteURI
	fakeAccess  = wizardtest.FakeAccess
	fakeRefresh = wizardtest.FakeRefresh
	adminEmail  = wizardtest.AdminEmail
	orgID       = wizardtest.OrgID
)

var (
	testApps     = wizardtest.Apps
	testCode     = wizardtest.Code
	testGrant    = wizardtest.Grant
	testIdentity = wizardtest.Identity
)

type (
	fakeAuth   = wizardtest.Auth
	fakeDrafts = wizardtest.Drafts
	fakeWriter = wizardtest.Writer
)

var (
	newFakeDrafts = wizardtest.NewDrafts
	testCustomer  = wizardtest.Customer
)

// fixture is a model with fakes.
type fixture struct {
	m      *Model
	auth   *fakeAuth
	drafts *fakeDrafts
	writer *fakeWriter
	copied []string
	rec    *recorder // the program's model in smoke runs
}

func testDeps(f *fixture) Deps {
	return wizardtest.Deps(f.auth, f.drafts, f.writer, &f.copied, func(company string, now time.Time) string {
		return "/home/field/" + DefaultOutPath(company, now)
	})
}

// newFixture builds the model with fake deps, adjusted by tweak, and sizes
// it to w x h.
// newFakes returns a fixture of fresh fakes (Authorizer, DraftStore,
// bundle writer) with no model yet.
func newFakes() *fixture {
	return &fixture{auth: wizardtest.NewAuth(), drafts: newFakeDrafts(), writer: &fakeWriter{}}
}

func newFixture(t testing.TB, w, h int, tweak func(*Deps)) *fixture {
	t.Helper()
	f := newFakes()
	d := testDeps(f)
	if tweak != nil {
		tweak(&d)
	}
	f.m = New(d)
	f.m.Init() // starts the checks; the commands are dropped
	f.m.c.now = t0
	f.step(tea.WindowSizeMsg{Width: w, Height: h})
	return f
}

// step sends msgs to the model and drops the commands it returns.
func (f *fixture) step(msgs ...tea.Msg) {
	for _, msg := range msgs {
		f.m.Update(msg)
	}
}

// drive sends msg and runs the returned commands, feeding their messages
// back, like a program would, but without timers. Each command runs to its
// end, one at a time, however long it takes, except:
//   - commands that wait on a clock or on another command's channel (see
//     pendingCmd) are left pending, never run: their message would come
//     later, or never, in a program;
//   - a fake that blocks on purpose (Wait of a blocked app, a hanging
//     Approver) says so (fakeAuth.park) before it blocks: its command stays
//     pending too.
//
// A command that neither answers nor parks within a long safety limit
// fails the test, naming it: it needs classifying here.
func (f *fixture) drive(t testing.TB, msgs ...tea.Msg) {
	t.Helper()
	queue := append([]tea.Msg(nil), msgs...)
	for n := 0; len(queue) > 0; n++ {
		if n > 10000 {
			t.Fatal("drive: too many messages")
		}
		msg := queue[0]
		queue = queue[1:]
		switch msg := msg.(type) {
		case nil:
			continue
		case tea.BatchMsg:
			for _, c := range msg {
				queue = append(queue, f.run(t, c)...)
			}
			continue
		}
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().String() == "tea.sequenceMsg" {
			for i := 0; i < v.Len(); i++ {
				c, _ := v.Index(i).Interface().(tea.Cmd)
				queue = append(queue, f.run(t, c)...)
			}
			continue
		}
		if _, ok := msg.(tea.QuitMsg); ok {
			return
		}
		_, cmd := f.m.Update(msg)
		assertNoSecrets(t, f.m.View())
		queue = append(queue, f.run(t, cmd)...)
	}
}

// pendingCmds are the commands drive leaves pending, by the name of their
// function: the tick of the fake clock (which never fires), the listener of
// poll events (fed by Wait, which in the fakes returns at once, so the
// events would be stale, or parks) and the text cursor's real-time blink.
var pendingCmds = []string{
	"ucx-onboard/tui.(*Model).tick.func",
	"ucx-onboard/tui.(*Model).update.(*Model).tick.func",
	"listen.func",
	"bubbles/cursor.(*Model).BlinkCmd.func",
	"bubbletea.Tick.func",
	"bubbletea.Every.func",
}

func cmdName(cmd tea.Cmd) string {
	return runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name()
}

func pendingCmd(cmd tea.Cmd) bool {
	name := cmdName(cmd)
	for _, p := range pendingCmds {
		if strings.Contains(name, p) {
			return true
		}
	}
	return false
}

// cmdLimit is drive's safety limit for one command (only reached when a
// command is misclassified).
const cmdLimit = 10 * time.Second

// run runs cmd to its end, or until a fake parks it, and returns its
// message.
func (f *fixture) run(t testing.TB, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	if cmd == nil || pendingCmd(cmd) {
		return nil
	}
	f.auth.DrainParked()
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		return []tea.Msg{msg}
	case <-f.auth.Parked():
		return nil // a fake blocks on purpose
	case <-time.After(cmdLimit):
		t.Fatalf("drive: command %s neither answered nor parked in %v: classify it (pendingCmds)", cmdName(cmd), cmdLimit)
		return nil
	}
}

// press makes a key message.
func press(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case " ":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// typeText sends s one rune at a time.
func typeText(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return out
}

// view is the model's view without escapes.
func (f *fixture) view() string { return ansi.Strip(f.m.View()) }

// toAuth takes the fixture to the authorization screen of the first app,
// with a code shown.
func (f *fixture) toAuth(ids ...string) {
	f.toApps()
	if len(ids) == 0 {
		for _, a := range testApps() {
			ids = append(ids, a.ID)
		}
	}
	f.step(ev(wizard.AppsChosen{IDs: ids}))
}

// withCode hands the current app its code (StartCode's answer).
func (f *fixture) withCode() {
	a := f.m.v.Auth
	f.step(ev(wizard.CodeIssued{Gen: a.Gen, Code: testCode(a.App)}))
}

// toApps fills the customer and opens the apps screen (the drafts, if
// any are asked for, are none).
func (f *fixture) toApps() {
	if f.m.v.Step == wizard.StepLoading {
		f.step(ev(wizard.DraftsListed{}))
	}
	f.step(ev(wizard.CustomerEntered{Customer: testCustomer()}))
}

// ev is the message that hands the flow e.
func ev(e wizard.Event) tea.Msg { return eventMsg{ev: e} }

// gen is the generation of the current app's calls.
func (f *fixture) gen() int { return f.m.v.Auth.Gen }

// assertNoSecrets fails if a fake token shows up in s.
func assertNoSecrets(t testing.TB, s string) {
	t.Helper()
	if strings.Contains(s, "tok-FAKE") {
		t.Fatalf("a token was rendered:\n%s", s)
	}
}

func resize(w, h int) tea.Msg { return tea.WindowSizeMsg{Width: w, Height: h} }
