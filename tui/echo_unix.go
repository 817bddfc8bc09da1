//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package tui

import (
	"io"

	"golang.org/x/sys/unix"
)

// echoOff turns the terminal fd's echo off for a secret read through l
// (see accessible.askSecret). On Unix the tty line discipline echoes each
// character when it is typed, not when a read starts, so a read of l's
// already waiting on fd honours the change: nothing needs to end it.
// restore puts the saved state back; with discard it also drops input
// not read yet (a secret half typed when the wizard is stopped must not
// reach the next program to read the terminal, e.g. the shell).
func (l *lineReader) echoOff(fd int) (restore func(discard bool), err error) {
	old, err := unix.IoctlGetTermios(fd, ioctlReadTermios)
	if err != nil {
		return nil, err
	}
	noEcho := *old
	noEcho.Lflag &^= unix.ECHO
	noEcho.Lflag |= unix.ICANON | unix.ISIG
	noEcho.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, ioctlWriteTermios, &noEcho); err != nil {
		return nil, err
	}
	return func(discard bool) {
		req := uint(ioctlWriteTermios)
		if discard {
			req = ioctlWriteTermiosFlush
		}
		_ = unix.IoctlSetTermios(fd, req, old)
	}, nil
}

// consoleWait: a tty needs no wait before a read (see echoOff).
func consoleWait(io.Reader) func() { return nil }
