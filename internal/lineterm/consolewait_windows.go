package lineterm

import (
	"errors"
	"io"

	"github.com/erikgeiser/coninput"
	"golang.org/x/sys/windows"
)

// consoleWait returns, when r is a console, what the Term's reader calls
// before a read: it returns true once a key with a character is pressed
// (false when the console cannot be waited on),
// dropping the records before it. A Windows console decides whether a line
// is echoed when the cooked read starts, so no read may wait while nothing
// is typed: the secret's read then starts after ttyecho.Off. (Canceling a
// waiting read with CancelIoEx leaves Wine's console unreadable.)
//
// aborted tells a console read that Ctrl-C or Ctrl-Z ended: ReadConsole
// then returns no characters, which Go reads as the end of the input, or
// fails with ERROR_OPERATION_ABORTED (microsoft/terminal#334); Go ends a
// line at Ctrl-Z with the end of the input after it. A person at a
// console has no end of input (q and Ctrl-C leave): the reader takes what
// was typed before, and waits for the next line.
func consoleWait(r io.Reader) (wait func() bool, aborted func(error) bool) {
	f, ok := r.(interface{ Fd() uintptr })
	if !ok {
		return nil, nil
	}
	h := windows.Handle(f.Fd())
	var mode uint32
	if windows.GetConsoleMode(h, &mode) != nil {
		return nil, nil
	}
	aborted = func(err error) bool {
		return errors.Is(err, io.EOF) || errors.Is(err, windows.ERROR_OPERATION_ABORTED)
	}
	return func() bool {
		recs := make([]coninput.InputRecord, 32)
		for {
			if ev, err := windows.WaitForSingleObject(h, windows.INFINITE); err != nil || ev != windows.WAIT_OBJECT_0 {
				return false
			}
			n, err := coninput.PeekConsoleInput(h, recs)
			if err != nil {
				return false
			}
			for _, rec := range recs[:n] {
				if k, ok := rec.Unwrap().(coninput.KeyEventRecord); ok && k.KeyDown && k.Char != 0 {
					return true
				}
			}
			if n > 0 {
				if _, err := coninput.ReadConsoleInput(h, recs[:n]); err != nil {
					return false
				}
			}
		}
	}, aborted
}
