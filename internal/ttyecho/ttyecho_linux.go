package ttyecho

import "golang.org/x/sys/unix"

// The termios requests, as golang.org/x/term uses them on Linux; the
// last one sets the state after dropping the input not read yet.
const (
	ioctlReadTermios       = unix.TCGETS
	ioctlWriteTermios      = unix.TCSETS
	ioctlWriteTermiosFlush = unix.TCSETSF
)

// flushInput discards the input not read yet, including what the kernel
// has received but not yet put through the line discipline (a pty's input
// is handled on a kernel worker): TCSETSF alone discards only what the
// line discipline holds, and bytes handled after echo is back on would
// show.
func flushInput(fd int) { _ = unix.IoctlSetInt(fd, unix.TCFLSH, unix.TCIFLUSH) }
