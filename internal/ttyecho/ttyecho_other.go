//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd || windows)

package ttyecho

import "errors"

// Off: turning echo off is not known here (see the package comment).
func Off(int) (func(bool), error) {
	return nil, errors.ErrUnsupported
}

// Echoes: not known here either.
func Echoes(int) (bool, error) {
	return false, errors.ErrUnsupported
}
