package tui

import (
	"errors"

	"golang.org/x/sys/windows"
)

// echoOff turns the console's echo off for a secret read through l (see
// accessible.askSecret). Unlike a Unix tty, the Windows console decides
// whether a line is echoed when the cooked read starts: conhost copies
// ENABLE_ECHO_INPUT into the read's state (COOKED_READ_DATA) and does not
// look at the mode again. So a read of l's already waiting would echo the
// secret: after the mode is changed, that read is canceled (CancelIoEx
// cancels I/O of every thread on the handle, synchronous reads
// included), and l's goroutine starts another one, in the new mode (see
// readCanceled). The mode is set before the cancel, so any read not
// canceled started in the new mode. restore does the same the other way
// round, so that the read started after the secret echoes again; with
// discard it also drops the console input not read yet (a secret half
// typed when the wizard is stopped must not reach the shell).
func (l *lineReader) echoOff(fd int) (restore func(discard bool), err error) {
	h := windows.Handle(fd)
	var old uint32
	if err := windows.GetConsoleMode(h, &old); err != nil {
		return nil, err
	}
	noEcho := old&^windows.ENABLE_ECHO_INPUT | windows.ENABLE_LINE_INPUT | windows.ENABLE_PROCESSED_INPUT
	if err := windows.SetConsoleMode(h, noEcho); err != nil {
		return nil, err
	}
	l.cancelRead(h)
	return func(discard bool) {
		if discard {
			_ = windows.FlushConsoleInputBuffer(h)
		}
		_ = windows.SetConsoleMode(h, old)
		l.cancelRead(h)
	}, nil
}

// cancelRead ends the read of l's goroutine waiting on h, if any; the
// goroutine reads again (readCanceled).
func (l *lineReader) cancelRead(h windows.Handle) {
	l.cancels.Add(1)
	_ = windows.CancelIoEx(h, nil) // ERROR_NOT_FOUND: no read was waiting
}

// readCanceled tells a read ended by cancelRead.
func readCanceled(err error) bool { return errors.Is(err, windows.ERROR_OPERATION_ABORTED) }
