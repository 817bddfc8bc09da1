//go:build !windows

package lineterm

import "io"

// consoleWait: a Unix tty echoes each character when typed, not when a
// read starts, so a read already waiting honours ttyecho.Off.
func consoleWait(io.Reader) func() { return nil }
