package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/imagicle/ucx-onboard/flows"
)

// screenBuf is a program's output that a test can wait on.
type screenBuf struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

func newScreenBuf() *screenBuf { return &screenBuf{changed: make(chan struct{}, 1)} }

func (s *screenBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return s.b.Write(p)
}

func (s *screenBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until the output from offset on holds text, and returns
// the offset after it.
func (s *screenBuf) waitFor(t *testing.T, from int, text string) int {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		out := s.String()
		if i := strings.Index(out[from:], text); i >= 0 {
			return from + i + len(text)
		}
		select {
		case <-s.changed:
		case <-deadline:
			t.Fatalf("output never showed %q", text)
		}
	}
}

// panicAuth panics in Start, which runs in a command's goroutine.
type panicAuth struct{ fakeAuth }

func (*panicAuth) Start(context.Context, flows.App) (flows.DeviceCode, error) {
	panic("bug in the authorizer")
}

// TestRunPanic: a panic inside a command ends Run with ErrInternal
// (wrapping tea.ErrProgramPanic), not ErrUserAborted, and the progress is
// still saved as a draft.
func TestRunPanic(t *testing.T) {
	f := &fixture{auth: &fakeAuth{waitErr: map[string][]error{}, block: map[string]bool{}}, drafts: newFakeDrafts(), writer: &fakeWriter{}}
	d := testDeps(f)
	prefill(&d)
	d.Authorizer = &panicAuth{}
	in, keys := io.Pipe()
	defer keys.Close()
	out := newScreenBuf()
	done := make(chan struct{})
	var res Result
	var err error
	go func() {
		defer close(done)
		res, err = Run(context.Background(), d, Options{In: in, Out: out,
			ProgramOptions: []tea.ProgramOption{tea.WithoutSignalHandler()}})
	}()
	at := 0
	for _, title := range formFields {
		at = out.waitFor(t, at, "┃ "+title)
		io.WriteString(keys, "\r")
	}
	out.waitFor(t, at, "Apps to authorize")
	io.WriteString(keys, "\r")
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the panic")
	}
	if !errors.Is(err, ErrInternal) || !errors.Is(err, tea.ErrProgramPanic) || errors.Is(err, ErrUserAborted) {
		t.Errorf("Run error = %v, want ErrInternal wrapping tea.ErrProgramPanic", err)
	}
	if res.DraftID == "" || len(f.drafts.drafts) != 1 {
		t.Errorf("no draft kept after the panic: %+v", res)
	}
}
