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
	"github.com/imagicle/ucx-onboard/tui/effects"
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
		return accessible.Run(ctx, deps, in, out)
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
// the answer of a draft save that was in flight.
const inflightWait = 2 * time.Second

// finishSaves runs after the program ended: it takes the answer of a save
// in flight (waiting up to inflightWait, so that a new draft's ID is known
// and no second draft is created), then saves the progress when the
// program was killed or crashed, or when a save was still queued
// (saveAgain: the quit's last save), and removes the draft when the bundle
// was written but its removal never answered.
func (m *Model) finishSaves() {
	answer, saveAgain, remove := m.sv.finish(inflightWait)
	if answer != nil {
		if m.result.Receipt == nil {
			m.result.DraftSaveErr = answer.err
		}
		if answer.err == nil && answer.id != "" {
			m.s.Draft.ID = answer.id
			if m.result.Receipt == nil {
				m.result.DraftID = answer.id
			}
		}
	}
	// Without an answer, the draft's ID is known anyway (snapshot sets it
	// before the first save), so saving again or removing it below acts
	// on the same draft; the store serializes the two.
	if m.result.Receipt == nil && (!m.quitting || saveAgain) {
		// Killed (ctx canceled, signal) or crashed, or a save was queued
		// or never answered: keep the progress.
		m.saveAfterCrash()
	}
	if m.result.Receipt != nil && remove && m.s.Draft.ID != "" {
		// Killed before the draft's removal answered: mark it completed
		// and remove it here (Remove is idempotent).
		m.removed(draftRemovedMsg{id: m.s.Draft.ID, err: effects.FinishDraft(m.c.deps.Drafts, m.s.Draft, *m.result.Receipt)})
	}
}

// saveAfterCrash is saveNow for a program that was killed or crashed: the
// model may be half-updated, so a panic while saving is reported as a
// failed save rather than let through.
func (m *Model) saveAfterCrash() {
	defer func() {
		if r := recover(); r != nil {
			m.result.DraftSaveErr = fmt.Errorf("tui: save the draft after a crash: %v", r)
		}
	}()
	m.saveNow()
}

// saveNow saves the draft synchronously (outside the program).
func (m *Model) saveNow() {
	if m.c.deps.Drafts == nil || !m.haveCustomer || m.result.Receipt != nil {
		return
	}
	m.s.Snapshot()
	d := m.s.Draft
	err := m.c.deps.Drafts.Save(&d)
	m.result.DraftSaveErr = err
	if err == nil {
		m.s.Draft.ID = d.ID
		m.result.DraftID = d.ID
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
