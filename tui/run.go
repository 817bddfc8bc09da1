package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/accessible"
	"github.com/imagicle/ucx-onboard/tui/wizard"
	"github.com/muesli/termenv"
)

// Run runs the wizard until the bundle is written or the engineer quits,
// and returns the outcome. In full-screen mode it uses the alternate
// screen; Bubble Tea restores the terminal on every path, panics included
// (they come back as an error). With Deps.Accessible it runs the
// line-by-line flow instead (no alternate screen, no QR code).
//
// Run returns ErrUserAborted when the engineer quits (progress is saved as a
// draft first: Result.DraftID), ErrPreflightBlocked when they quit while a
// blocking check failed, ErrInternal (wrapping tea.ErrProgramPanic) when the
// program panicked (the draft is saved too), ctx's error wrapped in
// ErrUserAborted when ctx is canceled, and other errors when the terminal
// fails. Whatever the error,
// Result.DraftSaveErr tells that the last draft save failed, and
// Result.DraftRemoveErr that the bundle was written but its draft (with the
// tokens) could not be deleted.
func Run(ctx context.Context, deps Deps, opts Options) (Result, error) {
	in, out := opts.In, opts.Out
	if in == nil {
		in = os.Stdin
	}
	if out == nil {
		out = os.Stdout
	}
	if deps.Accessible {
		if deps.OutPath == nil {
			deps.OutPath = DefaultOutPath
		}
		return accessible.Run(ctx, deps, in, out, opts.CtrlC)
	}
	if !deps.NoColor && lipgloss.ColorProfile() == termenv.Ascii {
		deps.NoColor = true
	}
	// The background was detected once by the caller; never query the
	// terminal from View (lipgloss would, for adaptive colours).
	lipgloss.SetHasDarkBackground(deps.DarkBackground)
	out, copyFn := programOutput(out)
	if deps.Copy == nil {
		deps.Copy = copyFn
	}
	m := newModel(ctx, deps)
	popts := append([]tea.ProgramOption{
		tea.WithAltScreen(), tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out),
	}, opts.ProgramOptions...)
	_, err := tea.NewProgram(m, popts...).Run()
	m.cancel()
	m.finishSaves()
	res, rerr := m.Result()
	switch {
	case errors.Is(err, tea.ErrProgramPanic):
		// Bubble Tea reports a panic as a killed program too: test it first.
		return res, fmt.Errorf("%w: %w", ErrInternal, err)
	case errors.Is(err, tea.ErrProgramKilled), errors.Is(err, tea.ErrInterrupted):
		return res, errors.Join(ErrUserAborted, ctx.Err())
	case err != nil:
		return res, err
	}
	return res, rerr
}

// inflightWait bounds how long Run waits, after the program ended, for
// the saves in flight.
const inflightWait = 2 * time.Second

// finishSaves runs after the program ended: the saves in flight are
// waited for (up to inflightWait), then the progress is saved when the
// program was killed or crashed, or when the quit's last save never
// answered, and the draft of a bundle written is removed if its removal
// never answered (effects.Runner.Finish, with the Flow's Leftover); the
// answer of a removal the program did not take, or of the one Finish
// made, is handed to the flow, so that Result tells whether the draft is
// gone. inflightWait bounds all of it. A
// panic while saving (the flow may be half-updated after a crash) is
// reported as a failed save rather than let through.
func (m *Model) finishSaves() {
	defer func() {
		if r := recover(); r != nil {
			m.flow.Handle(time.Time{}, wizard.Saved{Seq: wizard.SeqAfterEnd, Err: fmt.Errorf("tui: save the draft after a crash: %v", r)})
		}
	}()
	deadline := time.Now().Add(inflightWait)
	if m.removing.Load() {
		// The removal of a written bundle's draft was started: its answer
		// may have come after the program's last message.
		select {
		case r := <-m.removed:
			m.flow.Handle(time.Time{}, r)
		case <-time.After(inflightWait):
		}
	}
	if saved := m.run.Finish(m.flow, time.Until(deadline)); saved != nil {
		m.flow.Handle(time.Time{}, *saved)
	}
	if r := m.run.Removal(); r != nil {
		m.flow.Handle(time.Time{}, *r)
	}
}

// programOutput wraps out for the program and returns the OSC 52 copy
// function that writes to it too. The copy runs in a command's goroutine
// while the renderer may be writing a frame (one Write per frame in Bubble
// Tea v1.3.10's standard renderer, one per control sequence otherwise):
// both go through one lock, so a sequence never lands inside a frame. Over
// a terminal file the wrapper keeps the file's Read, Close and Fd, which
// Bubble Tea needs for raw mode and the window size.
func programOutput(out io.Writer) (io.Writer, func(string) error) {
	sw := &syncWriter{w: out}
	copyFn := func(text string) error {
		_, err := io.WriteString(sw, osc52.New(text).String())
		return err
	}
	if f, ok := out.(terminalFile); ok {
		return syncFile{syncWriter: sw, f: f}, copyFn
	}
	return sw, copyFn
}

// terminalFile is what Bubble Tea takes for a terminal (x/term's File).
type terminalFile interface {
	io.ReadWriteCloser
	Fd() uintptr
}

// syncWriter serializes Writes.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// Write writes p, without any run of a secret the process holds
// (store.Redact): the last gate of what the wizard shows.
func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := store.Redact(string(p)); r != string(p) {
		if _, err := io.WriteString(s.w, r); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return s.w.Write(p)
}

// syncFile is a syncWriter over a terminal file.
type syncFile struct {
	*syncWriter
	f terminalFile
}

func (s syncFile) Read(p []byte) (int, error) { return s.f.Read(p) }
func (s syncFile) Close() error               { return s.f.Close() }
func (s syncFile) Fd() uintptr                { return s.f.Fd() }
