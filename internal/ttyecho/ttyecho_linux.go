package ttyecho

import "golang.org/x/sys/unix"

// The termios requests, as golang.org/x/term uses them on Linux; the
// last one sets the state after dropping the input not read yet.
const (
	ioctlReadTermios       = unix.TCGETS
	ioctlWriteTermios      = unix.TCSETS
	ioctlWriteTermiosFlush = unix.TCSETSF
)
