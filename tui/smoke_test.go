package tui

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// waitText waits until the program's output shows s.
func waitText(t *testing.T, tm *teatest.TestModel, s string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// recorder is the model as the program sees it: it keeps every view drawn
// during the run (the final View is empty once the wizard quits).
type recorder struct {
	*Model
	mu    sync.Mutex
	views []string
}

func (r *recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := r.Model.Update(msg)
	return r, cmd
}

func (r *recorder) View() string {
	v := r.Model.View()
	r.mu.Lock()
	r.views = append(r.views, v)
	r.mu.Unlock()
	return v
}

// seen reports whether a view drawn so far contains s, and how many views
// contain secret.
func (r *recorder) seen(s, secret string) (found bool, leaks int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range r.views {
		found = found || strings.Contains(v, s)
		if strings.Contains(v, secret) {
			leaks++
		}
	}
	return found, leaks
}

func smokeModel(t *testing.T, tweak func(*fixture)) (*fixture, *teatest.TestModel) {
	t.Helper()
	f := newFakes()
	if tweak != nil {
		tweak(f)
	}
	d := testDeps(f)
	prefill(&d)
	f.m = New(d)
	f.rec = &recorder{Model: f.m}
	tm := teatest.NewTestModel(t, f.rec, teatest.WithInitialTermSize(80, 24))
	t.Cleanup(func() { _ = tm.Quit() })
	return f, tm
}

// formFields are the customer form's field titles, in order: the focused
// one is drawn with huh's "┃" border.
var formFields = []string{"Company", "Customer's Full Admin email", "UCX Suite deployment", "UCX Suite host", "Engineer", "Notes"}

// submitFormLive presses enter through the form, one field at a time, each
// once the program shows that field focused (keys sent faster would reach
// a field before the form has moved to it).
func submitFormLive(t *testing.T, tm *teatest.TestModel) {
	t.Helper()
	for _, title := range formFields {
		waitText(t, tm, "┃ "+title)
		tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	}
	waitText(t, tm, "Apps to authorize")
}

// TestSmokeProgram runs the whole wizard as a real Bubble Tea program
// (teatest, 80x24, no ticks: the fake clock never fires).
func TestSmokeProgram(t *testing.T) {
	f, tm := smokeModel(t, nil)
	submitFormLive(t, tm)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitText(t, tm, "COMPLETE REQUEST")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitText(t, tm, "Bundle written")
	tm.Type("q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*recorder)
	res, err := fm.Result()
	if err != nil || res.Receipt == nil {
		t.Fatalf("Result = %+v, %v", res, err)
	}
	if b, _, _ := f.writer.Got(); b == nil || len(b.Apps) != 4 {
		t.Fatal("bundle not written with 4 apps")
	}
	found, leaks := fm.seen("Bundle written", "tok-FAKE")
	if !found {
		t.Fatal("the views recorded during the run miss the done screen")
	}
	if leaks > 0 {
		t.Fatalf("a token in %d views drawn during the run", leaks)
	}
}

// TestSmokeQuit quits (with confirmation) while a code is pending: the
// program ends with ErrUserAborted and a draft.
func TestSmokeQuit(t *testing.T) {
	f, tm := smokeModel(t, func(f *fixture) { f.auth.Block["presence"] = true })
	submitFormLive(t, tm)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitText(t, tm, "Authorize app 2 of 4")
	tm.Type("q")
	waitText(t, tm, "Quit ucx-onboard?")
	tm.Type("y")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*recorder)
	res, err := fm.Result()
	if !errors.Is(err, ErrUserAborted) || res.DraftID == "" {
		t.Fatalf("Result = %+v, %v", res, err)
	}
	if d := f.drafts.Drafts[res.DraftID]; len(d.Apps) != 1 || d.Apps[0].AppID != "users" {
		t.Fatalf("draft apps %+v", d.Apps)
	}
}

// TestSmokeIdentifyHangs: in a real program, Identify hangs after the
// first approval; the grant is already in the draft, and quitting keeps it
// in the one draft (the save and the quit do not race into two drafts).
func TestSmokeIdentifyHangs(t *testing.T) {
	f, tm := smokeModel(t, func(f *fixture) {
		f.auth.IdentifyBlock = true
		f.auth.Identifying = make(chan string, 1)
	})
	submitFormLive(t, tm)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	select {
	case <-f.auth.Identifying:
	case <-time.After(5 * time.Second):
		t.Fatal("Identify never called")
	}
	waitText(t, tm, "Checking who approved")
	deadline := time.Now().Add(5 * time.Second)
	for !savedGrant(f.drafts, "users") {
		if time.Now().After(deadline) {
			t.Fatal("the approval is not in the draft while Identify hangs")
		}
		time.Sleep(10 * time.Millisecond)
	}
	tm.Type("q")
	waitText(t, tm, "Quit ucx-onboard?")
	tm.Type("y")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*recorder)
	res, err := fm.Result()
	if !errors.Is(err, ErrUserAborted) || res.DraftID == "" {
		t.Fatalf("Result = %+v, %v", res, err)
	}
	f.drafts.Mu.Lock()
	defer f.drafts.Mu.Unlock()
	if d := f.drafts.Drafts[res.DraftID]; f.drafts.N != 1 || len(d.Apps) != 1 || d.Apps[0].AppID != "users" {
		t.Fatalf("%d drafts; draft apps %+v", f.drafts.N, d.Apps)
	}
}
