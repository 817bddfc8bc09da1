//go:build !windows

package lineterm

import "io"

// consoleWait: a Unix tty echoes each character when typed, not when a
// read starts, so a read already waiting honours ttyecho.Off; and its
// line discipline drops the line begun on Ctrl-C (ISIG), with no read
// ended by it.
func consoleWait(io.Reader) (wait func() bool, aborted func(error) bool) { return nil, nil }
