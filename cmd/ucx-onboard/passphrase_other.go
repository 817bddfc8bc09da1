//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package main

import (
	"context"

	"golang.org/x/term"
)

// readPassword calls prompt, reads a line without echo (term.ReadPassword)
// and gives up when ctx ends, restoring the terminal state saved before
// the read. Here term.ReadPassword turns echo off itself, so a ctx ending
// within microseconds of the call could restore before that; the Unix
// version turns echo off before the prompt and has no such window.
func readPassword(ctx context.Context, fd int, prompt func()) ([]byte, error) {
	old, err := term.GetState(fd)
	if err != nil {
		return nil, err
	}
	type line struct {
		b   []byte
		err error
	}
	prompt()
	got := make(chan line, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		got <- line{b, err}
	}()
	select {
	case l := <-got:
		if l.err == nil && len(l.b) > maxPassphraseRead {
			clear(l.b)
			return nil, errPassphraseTooLong
		}
		return l.b, l.err
	case <-ctx.Done():
		term.Restore(fd, old)
		return nil, ctx.Err()
	}
}
