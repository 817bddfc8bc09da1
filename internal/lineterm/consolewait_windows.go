package lineterm

import (
	"io"

	"github.com/erikgeiser/coninput"
	"golang.org/x/sys/windows"
)

// consoleWait returns, when r is a console, what the Term's reader calls
// before a read: it returns once a key with a character is pressed,
// dropping the records before it. A Windows console decides whether a line
// is echoed when the cooked read starts, so no read may wait while nothing
// is typed: the secret's read then starts after ttyecho.Off. (Canceling a
// waiting read with CancelIoEx leaves Wine's console unreadable.)
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
