package ttyecho

import "golang.org/x/sys/windows"

// Off turns the echo of the console fd (a console input handle) off
// (see the package comment).
//
// Unlike a Unix tty, the Windows console decides whether a line is echoed
// when the cooked read starts: conhost copies ENABLE_ECHO_INPUT into the
// read's state (COOKED_READ_DATA) and does not look at the mode again. A
// read already waiting on the console when Off is called still echoes its
// line: the caller must start the read that takes the secret after Off.
//
// restore puts the mode back; with discard it also drops the console
// input not read yet (a secret half typed when the program is stopped
// must not reach the shell).
func Off(fd int) (restore func(discard bool), err error) {
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

// Echoes reports whether the console fd echoes what is typed.
func Echoes(fd int) (bool, error) {
	var mode uint32
	if err := windows.GetConsoleMode(windows.Handle(fd), &mode); err != nil {
		return false, err
	}
	return mode&windows.ENABLE_ECHO_INPUT != 0, nil
}
