package tui

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
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
		return runAccessible(ctx, deps, in, out)
	}
	if !deps.NoColor && lipgloss.ColorProfile() == termenv.Ascii {
		deps.NoColor = true
	}
	// The background was detected once by the caller; never query the
	// terminal from View (lipgloss would, for adaptive colours).
	lipgloss.SetHasDarkBackground(deps.DarkBackground)
	if deps.Copy == nil {
		deps.Copy = func(text string) error {
			_, err := osc52.New(text).WriteTo(out)
			return err
		}
	}
	m := newModel(ctx, deps)
	popts := append([]tea.ProgramOption{
		tea.WithAltScreen(), tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out),
	}, opts.ProgramOptions...)
	_, err := tea.NewProgram(m, popts...).Run()
	m.cancel()
	if !m.quitting && m.result.Receipt == nil {
		// Killed (ctx canceled, signal) or crashed: keep the progress.
		m.saveAfterCrash()
	}
	if m.result.Receipt != nil && m.removing && m.draft.ID != "" {
		// Killed before the draft's removal answered: remove it here
		// (Remove is idempotent).
		m.removed(draftRemovedMsg{id: m.draft.ID, err: m.c.deps.Drafts.Remove(m.draft.ID)})
	}
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
	m.syncDraft()
	d := m.draft
	err := m.c.deps.Drafts.Save(&d)
	m.result.DraftSaveErr = err
	if err == nil {
		m.draft.ID = d.ID
		m.result.DraftID = d.ID
	}
}
