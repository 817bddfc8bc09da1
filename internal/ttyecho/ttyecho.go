// Package ttyecho turns a terminal's echo off while a secret is typed,
// and back on: one implementation for the program's passphrase prompt
// (cmd/ucx-onboard) and the accessible front-end's secret prompts
// (internal/lineterm).
//
// Off keeps the terminal reading whole lines (canonical mode on a Unix
// tty, line input on a Windows console), turning typed carriage returns
// into newlines (Unix), and raising a signal on Ctrl-C (ISIG on Unix,
// processed input on Windows): only the echo goes. Where turning echo off
// is not known (neither Unix nor Windows), Off returns
// errors.ErrUnsupported and a secret must not be asked on that terminal.
package ttyecho
