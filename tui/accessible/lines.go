package accessible

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
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// lineReader is the input's only reader: one goroutine reads a line at a
// time, only once the one before was taken, so that huh's prompts (a new
// bufio.Scanner each) and ours share the input without losing lines, and
// a line can be waited for together with the Flow's events. Once the
// input ends, every read gets its error (ended: huh took it as "keep the
// defaults"). wait, when set (a Windows console: see consoleWait), returns
// once a line is being typed; reading then tells that one was begun.
type lineReader struct {
	src     *bufio.Reader
	once    sync.Once
	lines   chan lineResult
	rest    []byte
	ended   atomic.Bool
	done    <-chan struct{} // the run's context's
	wait    func()
	reading atomic.Bool
}

type lineResult struct {
	s   string
	err error
}

func (l *lineReader) next() <-chan lineResult {
	l.once.Do(func() {
		l.lines = make(chan lineResult)
		go func() {
			for {
				if l.wait != nil && l.src.Buffered() == 0 {
					l.wait()
					l.reading.Store(true)
				}
				line, err := l.src.ReadBytes('\n')
				l.reading.Store(false)
				if len(line) > 0 {
					l.lines <- lineResult{s: string(line)}
				}
				for err != nil {
					l.lines <- lineResult{err: err}
				}
			}
		}()
	})
	return l.lines
}

// Read is for huh: at most one line per Read; the input's error, or
// context.Canceled once the run is stopped.
func (l *lineReader) Read(p []byte) (int, error) {
	if len(l.rest) == 0 {
		var r lineResult
		select {
		case r = <-l.next():
		case <-l.done: // the wizard was stopped (Ctrl-C) in the form
			r.err = context.Canceled
		}
		if r.err != nil {
			l.ended.Store(true)
			return 0, r.err
		}
		l.rest = []byte(r.s)
	}
	n := copy(p, l.rest)
	l.rest = l.rest[n:]
	return n, nil
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

// line prints prompt and reads one line; ctx cancels the wait.
func (u *ui) line(prompt string) (string, error) {
	fmt.Fprint(u.out, prompt)
	select {
	case <-u.ctx.Done():
		return "", errors.Join(wizard.ErrUserAborted, u.ctx.Err())
	case r := <-u.in.next():
		if r.err != nil {
			return "", errors.Join(wizard.ErrUserAborted, r.err)
		}
		return strings.TrimSpace(r.s), nil
	}
}

// secret reads a secret (a client secret, the passphrase) with echo off on
// a terminal, through the one reader: its goroutine may be waiting on the
// terminal already, and echo off holds for that read (see consoleWait).
// A line begun before, into a read that still echoes, is ended and
// dropped first. The input not read yet is dropped when ctx ends.
func (u *ui) secret(prompt string) (string, error) {
	if u.fd < 0 {
		return u.line(prompt)
	}
	restore, err := ttyecho.Off(u.fd)
	for err == nil && u.in.reading.Load() {
		fmt.Fprint(u.out, "A line was being typed, and it would show: press enter alone to end it (it is dropped), then type the secret. ")
		if _, err = u.secretLine(restore); err == nil {
			restore, err = ttyecho.Off(u.fd)
		}
	}
	if err != nil {
		return "", errors.Join(wizard.ErrUserAborted, err)
	}
	fmt.Fprint(u.out, prompt)
	return u.secretLine(restore)
}

func (u *ui) secretLine(restore func(discard bool)) (string, error) {
	defer fmt.Fprintln(u.out) // the line end typed was not echoed
	select {
	case <-u.ctx.Done():
		restore(true)
		return "", errors.Join(wizard.ErrUserAborted, u.ctx.Err())
	case r := <-u.in.next():
		restore(false)
		if r.err != nil {
			return "", errors.Join(wizard.ErrUserAborted, r.err)
		}
		return strings.TrimRight(r.s, "\r\n"), nil
	}
}
