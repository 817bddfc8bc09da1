package accessible

import (
	"bytes"
	"context"
	"io"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// TestImports: the accessible front-end imports neither Bubble Tea (huh,
// the customer form's, does) nor the full-screen front-end (package tui),
// even indirectly.
func TestImports(t *testing.T) {
	list := func(format string) []string {
		out, err := exec.Command("go", "list", "-f", format, ".").Output()
		if err != nil {
			t.Skipf("go list: %v", err)
		}
		return strings.Fields(string(out))
	}
	if slices.Contains(list(`{{join .Imports " "}}`), "github.com/charmbracelet/bubbletea") {
		t.Error("the accessible front-end imports Bubble Tea")
	}
	if slices.Contains(list(`{{join .Deps " "}}`), "github.com/imagicle/ucx-onboard/tui") {
		t.Error("the accessible front-end depends on package tui")
	}
}

// session is a run of the wizard that a test talks to as the engineer
// does: it types lines (type_) once the output shows what it waits for
// (expect). in and out are given by the caller: pipes, or a terminal.
type session struct {
	t     *testing.T
	in    io.Writer
	ctrlC chan struct{} // Ctrl-C pressed (press)
	mu    sync.Mutex
	out   bytes.Buffer // everything shown
	seen  int          // out's bytes matched by expect
	more  chan struct{}
	done  chan error
	res   wizard.Outcome
}

// startPiped runs the wizard on pipes, with lines read while a code is
// shown (as on a terminal) when ahead is set.
func startPiped(t *testing.T, ctx context.Context, d wizard.Deps, ahead bool) *session {
	t.Helper()
	old := typeAhead
	typeAhead = func(bool) bool { return ahead }
	t.Cleanup(func() { typeAhead = old })
	pr, pw := io.Pipe()
	s := newSession(t, pw)
	go func() {
		var err error
		s.res, err = Run(ctx, d, pr, s, s.ctrlC)
		s.done <- err
	}()
	t.Cleanup(func() { pw.Close() })
	return s
}

func newSession(t *testing.T, in io.Writer) *session {
	return &session{t: t, in: in, ctrlC: make(chan struct{}), more: make(chan struct{}, 1), done: make(chan error, 1)}
}

// Write is the wizard's output.
func (s *session) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.out.Write(p)
	s.mu.Unlock()
	select {
	case s.more <- struct{}{}:
	default:
	}
	return len(p), nil
}

// expect waits until the output shows text after what the last expect
// matched; the time limit only bounds a failing run.
func (s *session) expect(text string) {
	s.t.Helper()
	limit := time.After(20 * time.Second)
	for {
		s.mu.Lock()
		i := strings.Index(s.out.String()[s.seen:], text)
		if i >= 0 {
			s.seen += i + len(text)
		}
		s.mu.Unlock()
		if i >= 0 {
			return
		}
		select {
		case <-s.more:
		case err := <-s.done:
			s.done <- err
			s.t.Fatalf("the wizard ended (%v) before showing %q; it showed:\n%s", err, text, s.shown())
		case <-limit:
			s.t.Fatalf("the wizard did not show %q; it showed:\n%s", text, s.shown())
		}
	}
}

// typeLine types text and enter (a carriage return on a terminal).
func (s *session) typeLine(text string) {
	s.t.Helper()
	end := "\n"
	if _, ok := s.in.(interface{ Fd() uintptr }); ok {
		end = "\r"
	}
	if _, err := io.WriteString(s.in, text+end); err != nil {
		s.t.Fatal(err)
	}
}

// press presses Ctrl-C, as the program's signal handler delivers it: once
// the wizard takes it.
func (s *session) press() {
	s.t.Helper()
	select {
	case s.ctrlC <- struct{}{}:
	case <-time.After(20 * time.Second):
		s.t.Fatalf("the wizard did not take Ctrl-C; it showed:\n%s", s.shown())
	}
}

func (s *session) shown() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// wait waits for the wizard's end.
func (s *session) wait() error {
	s.t.Helper()
	select {
	case err := <-s.done:
		return err
	case <-time.After(20 * time.Second):
		s.t.Fatalf("the wizard did not end; it showed:\n%s", s.shown())
		return nil
	}
}
