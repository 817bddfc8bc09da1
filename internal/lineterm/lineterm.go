// Package lineterm is a terminal used line by line, as the wizard's
// accessible front-end uses it: one reader of its lines, shared by huh's
// accessible prompts (a new bufio.Scanner each) and the front-end's own
// questions without losing a line; a line waited for together with other
// events; secrets read with echo off; Ctrl-C as an answer (ErrInterrupted)
// rather than the end of the program; and one writer that serializes what
// is shown and redacts any run of a secret the process holds.
package lineterm

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/imagicle/ucx-onboard/internal/ttyecho"
	"github.com/imagicle/ucx-onboard/store"
	"golang.org/x/term"
)

// ErrInterrupted: Ctrl-C was pressed while a line was awaited.
var ErrInterrupted = errors.New("interrupted (Ctrl-C)")

// Line is a line read (with its line end), or the input's error.
type Line struct {
	S   string
	Err error
}

// Term is a terminal's input and output, or pipes. Out is what everything
// shown is written to.
type Term struct {
	Out    io.Writer
	ctx    context.Context
	ctrlC  <-chan struct{}
	fd     int    // the input's terminal, -1 when it is not one
	asked  string // the prompt printed, not answered yet
	halted bool   // Ctrl-C stopped the form running (see Form)

	src     *bufio.Reader
	once    sync.Once
	lines   chan Line
	rest    []byte
	ended   atomic.Bool
	wait    func() bool      // see consoleWait
	aborted func(error) bool // see consoleWait
	reading atomic.Bool
}

// New reads in and writes out until ctx ends. ctrlC delivers the Ctrl-C
// presses the program takes as signals (nil: none).
func New(ctx context.Context, in io.Reader, out io.Writer, ctrlC <-chan struct{}) *Term {
	t := &Term{Out: &syncWriter{w: out}, ctx: ctx, ctrlC: ctrlC, fd: -1, src: bufio.NewReader(in)}
	t.wait, t.aborted = consoleWait(in)
	if f, ok := in.(interface{ Fd() uintptr }); ok && term.IsTerminal(int(f.Fd())) {
		t.fd = int(f.Fd())
	}
	return t
}

// IsTerminal tells whether the input is a terminal.
func (t *Term) IsTerminal() bool { return t.fd >= 0 }

// CtrlC delivers the Ctrl-C presses not taken by a read.
func (t *Term) CtrlC() <-chan struct{} { return t.ctrlC }

// Ended tells whether a read got the input's end (or ctx's): huh takes
// that as "keep the defaults".
func (t *Term) Ended() bool { return t.ended.Load() }

// Next delivers the next line. One goroutine reads a line at a time, only
// once the one before was taken; once the input ends, every read gets its
// error. Where the console decides on echo when a read starts (Windows),
// the goroutine reads only once a key is pressed.
func (t *Term) Next() <-chan Line {
	t.once.Do(func() {
		t.lines = make(chan Line)
		go func() {
			for {
				keyed := false // a key began the line (a console)
				if t.wait != nil && t.src.Buffered() == 0 {
					keyed = t.wait()
					t.reading.Store(keyed)
				}
				line, err := t.src.ReadBytes('\n')
				t.reading.Store(false)
				if keyed && t.aborted(err) {
					err = nil // a console read Ctrl-C (or Ctrl-Z) ended: see consoleWait
				}
				if len(line) > 0 {
					t.lines <- Line{S: string(line)}
				}
				for err != nil {
					t.lines <- Line{Err: err}
				}
			}
		}()
	})
	return t.lines
}

// Form runs an accessible form (huh's) that reads t and writes to the
// writer it is given. A huh form cannot be stopped halfway (a failed read
// keeps the field's default and the form goes on), so from Ctrl-C on
// every read fails and nothing more is shown until run returns; Form then
// returns ErrInterrupted.
func (t *Term) Form(run func(in io.Reader, out io.Writer) error) error {
	err := run(t, haltable{t})
	if t.halted {
		t.halted, err = false, ErrInterrupted
	}
	return err
}

// haltable is the form's output: none once the form is halted.
type haltable struct{ t *Term }

func (h haltable) Write(p []byte) (int, error) {
	if h.t.halted {
		return len(p), nil
	}
	return h.t.Out.Write(p)
}

// Read is for a Form: at most one line per Read; the input's error,
// ErrInterrupted from Ctrl-C on, or ctx's error once it ends.
func (t *Term) Read(p []byte) (int, error) {
	if t.halted {
		return 0, ErrInterrupted
	}
	if len(t.rest) == 0 {
		l := t.await()
		if t.halted = errors.Is(l.Err, ErrInterrupted); l.Err != nil {
			t.ended.Store(!t.halted)
			return 0, l.Err
		}
		t.rest = []byte(l.S)
	}
	n := copy(p, t.rest)
	t.rest = t.rest[n:]
	return n, nil
}

// await waits for the next line, Ctrl-C or ctx's end.
func (t *Term) await() Line {
	select {
	case <-t.ctx.Done():
		return Line{Err: t.ctx.Err()}
	case <-t.ctrlC:
		t.Interrupted()
		return Line{Err: ErrInterrupted}
	case l := <-t.Next():
		return l
	}
}

// Interrupted takes a Ctrl-C: the prompt printed is done with, and a line
// ready at the same moment is dropped, as a Unix terminal drops the line
// being typed (it must not answer the question Ctrl-C brings).
func (t *Term) Interrupted() {
	t.asked = ""
	select {
	case <-t.Next():
	default:
	}
}

// Say prints lines, after the line end of a prompt they interrupt (which
// Prompt then prints again).
func (t *Term) Say(lines ...string) {
	if t.asked != "" && len(lines) > 0 {
		fmt.Fprintln(t.Out)
		t.asked = ""
	}
	for _, l := range lines {
		fmt.Fprintln(t.Out, l)
	}
}

// Prompt prints the question p, unless it is the one printed last and not
// answered yet; Answered says it was.
func (t *Term) Prompt(p string) {
	if p != t.asked {
		fmt.Fprint(t.Out, p)
		t.asked = p
	}
}

// Answered: a line answered the prompt printed.
func (t *Term) Answered() { t.asked = "" }

// Choose asks until the answer's first letter is one of keys (an empty
// answer is def).
func (t *Term) Choose(prompt, keys, def string) (string, error) {
	for {
		s, err := t.Line(prompt)
		if s = strings.ToLower(s); err != nil || s == "" && def != "" {
			return def, err
		}
		if s != "" && strings.Contains(keys, s[:1]) {
			return s[:1], nil
		}
		t.Say("Please answer one of: " + strings.Join(strings.Split(keys, ""), ", ") + ".")
	}
}

// Line prints prompt and reads one line, trimmed.
func (t *Term) Line(prompt string) (string, error) {
	fmt.Fprint(t.Out, prompt)
	l := t.await()
	return strings.TrimSpace(l.S), l.Err
}

// Secret prints prompt and reads one line with echo off on a terminal
// (a client secret, a passphrase), through the one reader: its goroutine
// may be waiting on the terminal already, and echo off holds for that
// read (see consoleWait). A line begun before, into a read that still
// echoes, is ended and dropped first. The input not read yet is dropped
// when the read is interrupted.
func (t *Term) Secret(prompt string) (string, error) {
	if t.fd < 0 {
		return t.Line(prompt)
	}
	restore, err := ttyecho.Off(t.fd)
	for err == nil && t.reading.Load() {
		fmt.Fprint(t.Out, "A line was being typed, and it would show: press enter alone to end it (it is dropped), then type the secret. ")
		if _, err = t.secretLine(restore); err == nil {
			restore, err = ttyecho.Off(t.fd)
		}
	}
	if err != nil {
		return "", err
	}
	fmt.Fprint(t.Out, prompt)
	return t.secretLine(restore)
}

func (t *Term) secretLine(restore func(discard bool)) (string, error) {
	defer fmt.Fprintln(t.Out) // the line end typed was not echoed
	l := t.await()
	restore(l.Err != nil && !errors.Is(l.Err, io.EOF))
	return strings.TrimRight(l.S, "\r\n"), l.Err
}

// syncWriter serializes writes, and writes no run of a secret the process
// holds (store.Redact): the last gate of what the wizard shows.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := io.WriteString(s.w, store.Redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
