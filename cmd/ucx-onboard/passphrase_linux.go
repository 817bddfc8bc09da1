package main

import "golang.org/x/sys/unix"

// The termios requests, as golang.org/x/term uses them on Linux.
const (
	ioctlReadTermios  = unix.TCGETS
	ioctlWriteTermios = unix.TCSETS
)
