package tui

import (
	"io"

	"github.com/erikgeiser/coninput"
	"golang.org/x/sys/windows"
)

// consoleWait returns, when r is a console, what l's goroutine calls
// before a read: it returns once a key with a character is pressed
// (what starts a line), dropping the records before it that a cooked
// read ignores anyway (key releases, focus, mouse, window size). So no
// read waits on the console while nothing is typed, and the next one
// starts in the console mode of that moment (see ttyecho.Off). Any failure
// returns: the read then just waits, as before.
//
// Unlike a Unix tty, the Windows console decides whether a line is echoed
// when the cooked read starts (see ttyecho.Off). So a lineReader never
// leaves a read waiting on the console while nothing is typed: the read
// that takes a secret (accessible.askSecret) starts after ttyecho.Off.
// Ending a waiting read instead (CancelIoEx) is
// not an option: under Wine it leaves the console unreadable
// (ERROR_INVALID_HANDLE, then every line lost). A read already started
// when echo goes off (a line begun during the wait) is told to askSecret
// by lineStarted.
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
