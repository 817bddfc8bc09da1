//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd || windows)

package tui

import (
	"errors"
	"io"
)

// echoOff: turning echo off is not known here; a secret is not asked on a
// terminal that would show it.
func (l *lineReader) echoOff(int) (func(bool), error) {
	return nil, errors.ErrUnsupported
}

func consoleWait(io.Reader) func() { return nil }
