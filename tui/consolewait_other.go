//go:build !windows

package tui

import "io"

// consoleWait: a Unix tty needs no wait before a read: its line
// discipline echoes each character when it is typed, not when a read
// starts, so a read already waiting honours ttyecho.Off. Elsewhere (not
// Unix, not Windows) no secret is read with echo off.
func consoleWait(io.Reader) func() { return nil }
