package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
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

func (*panicAuth) Start(context.Context, flows.App, func(flows.RetryEvent)) (flows.DeviceCode, error) {
	panic("bug in the authorizer")
}

// TestRunPanic: a panic inside a command ends Run with ErrInternal
// (wrapping tea.ErrProgramPanic), not ErrUserAborted, and the progress is
// still saved as a draft.
func TestRunPanic(t *testing.T) {
	f := newFakes()
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
	if res.DraftID == "" || len(f.drafts.Drafts) != 1 {
		t.Errorf("no draft kept after the panic: %+v", res)
	}
}

// gateWriter holds its first Write until open is closed, and counts Writes
// that overlap.
type gateWriter struct {
	mu       sync.Mutex
	writes   []string
	inFlight atomic.Int32
	overlaps atomic.Int32
	entered  chan struct{}
	open     chan struct{}
	first    sync.Once
}

func (g *gateWriter) Write(p []byte) (int, error) {
	if g.inFlight.Add(1) > 1 {
		g.overlaps.Add(1)
	}
	defer g.inFlight.Add(-1)
	g.first.Do(func() {
		close(g.entered)
		<-g.open
	})
	g.mu.Lock()
	g.writes = append(g.writes, string(p))
	g.mu.Unlock()
	return len(p), nil
}

// waitsOnOutputLock tells whether a goroutine is blocked on a syncWriter's
// lock (the frame's writer holds it, inside the gateWriter).
func waitsOnOutputLock() bool {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "(*syncWriter).Write") && strings.Contains(g, "Mutex).") && !strings.Contains(g, "(*gateWriter).Write") {
			return true
		}
	}
	return false
}

// TestOutputSharedWithCopy: the OSC 52 sequence of key c (written from a
// command's goroutine) never interleaves with a frame the renderer is
// writing: both go through one lock, one Write each.
func TestOutputSharedWithCopy(t *testing.T) {
	g := &gateWriter{entered: make(chan struct{}), open: make(chan struct{})}
	out, copyFn := programOutput(g)
	frameDone := make(chan struct{})
	go func() {
		defer close(frameDone)
		out.Write([]byte("frame 1"))
	}()
	<-g.entered // the renderer is in the middle of a frame
	copyDone := make(chan error, 1)
	go func() { copyDone <- copyFn(completeURI) }()
	// Open the gate only once the copy has either written (overlapping the
	// frame: the bug) or is blocked on the output's lock.
	for deadline := time.Now().Add(10 * time.Second); g.overlaps.Load() == 0 && !waitsOnOutputLock(); {
		if time.Now().After(deadline) {
			t.Fatal("the copy neither wrote nor waited for the frame")
		}
		runtime.Gosched()
	}
	close(g.open)
	<-frameDone
	if err := <-copyDone; err != nil {
		t.Fatal(err)
	}
	if n := g.overlaps.Load(); n != 0 {
		t.Fatalf("%d writes overlapped a frame", n)
	}
	if len(g.writes) != 2 || g.writes[0] != "frame 1" || !strings.HasPrefix(g.writes[1], "\x1b]52;c;") {
		t.Fatalf("writes %q", g.writes)
	}
}

// TestOutputKeepsTerminal: over a terminal file the shared output still
// has the file's Fd, which Bubble Tea needs for raw mode and the size.
func TestOutputKeepsTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	out, _ := programOutput(w)
	f, ok := out.(interface {
		io.ReadWriteCloser
		Fd() uintptr
	})
	if !ok || !isFile(out) || f.Fd() != w.Fd() {
		t.Fatalf("%T does not pass the file through", out)
	}
	if o, _ := programOutput(&bytes.Buffer{}); isFile(o) {
		t.Fatal("a buffer got an Fd")
	}
}

func isFile(w io.Writer) bool { _, ok := w.(interface{ Fd() uintptr }); return ok }
