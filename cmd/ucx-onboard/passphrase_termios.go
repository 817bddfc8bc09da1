//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package main

import (
	"context"
	"errors"

	"github.com/imagicle/ucx-onboard/internal/ttyecho"
	"golang.org/x/sys/unix"
)

// readPassword calls prompt, then reads one line from the terminal fd
// with echo off and returns it without the line end. Echo is turned off
// before the prompt shows (so nothing typed after it is echoed) and turned
// back on before readPassword returns, whichever comes
// first: the line, an error, or the end of ctx (the signal handler in main
// cancels it on Ctrl-C, SIGTERM or SIGHUP; Ctrl-C still raises SIGINT,
// ISIG stays on). On ctx's end the read is left blocked in its goroutine
// and the caller returns: the process is about to exit. At most
// maxPassphraseRead bytes are kept; a longer line is an error.
func readPassword(ctx context.Context, fd int, prompt func()) ([]byte, error) {
	restore, err := ttyecho.Off(fd)
	if err != nil {
		return nil, err
	}
	defer restore(false)
	prompt()

	type line struct {
		b   []byte
		err error
	}
	got := make(chan line, 1)
	go func() {
		b, err := readLine(fd)
		got <- line{b, err}
	}()
	select {
	case l := <-got:
		return l.b, l.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// readLine reads fd up to a newline or end of file, keeping at most
// maxPassphraseRead bytes; a carriage return is dropped.
func readLine(fd int) ([]byte, error) {
	var buf [1]byte
	var b []byte
	tooLong := false
	for {
		n, err := unix.Read(fd, buf[:])
		if n == 1 {
			switch c := buf[0]; {
			case c == '\n':
				if tooLong {
					clear(b)
					return nil, errPassphraseTooLong
				}
				return b, nil
			case c == '\r':
			case len(b) >= maxPassphraseRead:
				tooLong = true
			default:
				b = append(b, c)
			}
			continue
		}
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil || n == 0 {
			if tooLong {
				clear(b)
				return nil, errPassphraseTooLong
			}
			if len(b) > 0 && err == nil {
				return b, nil // end of file after the last character
			}
			if err == nil {
				err = errors.New("end of input")
			}
			clear(b)
			return nil, err
		}
	}
}
