//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package ttyecho

import "golang.org/x/sys/unix"

// Off turns the echo of the terminal fd off (see the package comment).
// The tty line discipline echoes each character when it is typed, not
// when a read starts, so a read already waiting on fd honours the
// change. restore puts the saved state back; with discard it also drops
// the input not read yet (a secret half typed when the program is
// stopped must not reach the next program to read the terminal, e.g.
// the shell).
func Off(fd int) (restore func(discard bool), err error) {
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
			flushInput(fd) // before echo is back on
			req = ioctlWriteTermiosFlush
		}
		_ = unix.IoctlSetTermios(fd, req, old)
	}, nil
}

// Echoes reports whether the terminal fd echoes what is typed.
func Echoes(fd int) (bool, error) {
	tio, err := unix.IoctlGetTermios(fd, ioctlReadTermios)
	if err != nil {
		return false, err
	}
	return tio.Lflag&unix.ECHO != 0, nil
}
