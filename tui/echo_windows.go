package tui

import (
	"io"

	"github.com/erikgeiser/coninput"
	"golang.org/x/sys/windows"
)

// echoOff turns the console's echo off for a secret read through l (see
// accessible.askSecret).
//
// Unlike a Unix tty, the Windows console decides whether a line is echoed
// when the cooked read starts: conhost copies ENABLE_ECHO_INPUT into the
// read's state (COOKED_READ_DATA) and does not look at the mode again. So
// l never leaves a read waiting on the console while nothing is typed
// (see consoleWait): the read that takes the secret starts after the mode
// change. Ending a waiting read instead (CancelIoEx) is not an option:
// under Wine it leaves the console unreadable (ERROR_INVALID_HANDLE, then
// every line lost). A read already started when echo goes off (a line
// begun during the wait) is told to askSecret by lineStarted.
//
// restore puts the mode back; with discard it also drops the console
// input not read yet (a secret half typed when the wizard is stopped
// must not reach the shell).
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
	return func(discard bool) {
		if discard {
			_ = windows.FlushConsoleInputBuffer(h)
		}
		_ = windows.SetConsoleMode(h, old)
	}, nil
}

// consoleWait returns, when r is a console, what l's goroutine calls
// before a read: it returns once a key with a character is pressed
// (what starts a line), dropping the records before it that a cooked
// read ignores anyway (key releases, focus, mouse, window size). So no
// read waits on the console while nothing is typed, and the next one
// starts in the console mode of that moment (see echoOff). Any failure
// returns: the read then just waits, as before.
func consoleWait(r io.Reader) func() {
	f, ok := r.(interface{ Fd() uintptr })
	if !ok {
		return nil
	}
	h := windows.Handle(f.Fd())
	var mode uint32
	if windows.GetConsoleMode(h, &mode) != nil {
		return nil
	}
	return func() {
		recs := make([]coninput.InputRecord, 32)
		for {
			if ev, err := windows.WaitForSingleObject(h, windows.INFINITE); err != nil || ev != windows.WAIT_OBJECT_0 {
				return
			}
			n, err := coninput.PeekConsoleInput(h, recs)
			if err != nil {
				return
			}
			for _, rec := range recs[:n] {
				if k, ok := rec.Unwrap().(coninput.KeyEventRecord); ok && k.KeyDown && k.Char != 0 {
					return
				}
			}
			if n > 0 {
				if _, err := coninput.ReadConsoleInput(h, recs[:n]); err != nil {
					return
				}
			}
		}
	}
}
