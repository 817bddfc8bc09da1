//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package ttyecho

import "golang.org/x/sys/unix"

// The termios requests, as golang.org/x/term uses them on the BSDs; the
// last one sets the state after dropping the input not read yet.
const (
	ioctlReadTermios       = unix.TIOCGETA
	ioctlWriteTermios      = unix.TIOCSETA
	ioctlWriteTermiosFlush = unix.TIOCSETAF
)

// flushInput has nothing to add on the BSDs: input goes through the line
// discipline as it arrives, and TIOCSETAF discards what it holds.
func flushInput(int) {}
