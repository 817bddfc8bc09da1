//go:build !windows

package main

// A real terminal for end-to-end tests: the built ucx-onboard binary runs on
// a pseudo-terminal whose output feeds a VT100 emulator (vt10x); tests read
// the emulated screen and type keys. Waiting is driven by output events
// from the program, bounded by a deadline; nothing sleeps to synchronise.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/hinshun/vt10x"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// builtBinary builds cmd/ucx-onboard once per test run and returns its path.
func builtBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ucx-onboard-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "ucx-onboard")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// terminal is one program running on a pty rendered by a VT emulator.
type terminal struct {
	t       testing.TB
	pty     *os.File
	vt      vt10x.Terminal
	cmd     *exec.Cmd
	updates chan struct{} // a value after each chunk of output
	exited  chan struct{} // closed when the program has exited
	waitErr error

	rawMu sync.Mutex
	raw   bytes.Buffer // everything the program wrote to the terminal
}

// Transcript is everything the program wrote to the terminal so far,
// escape sequences included.
func (term *terminal) Transcript() string {
	term.rawMu.Lock()
	defer term.rawMu.Unlock()
	return term.raw.String()
}

// startTerminal runs the built binary with args in a cols x rows terminal.
// env is added to a minimal environment (PATH, HOME, TERM, LANG).
func startTerminal(t testing.TB, cols, rows int, env []string, args ...string) *terminal {
	t.Helper()
	return startBinaryTerminal(t, builtBinary(t), cols, rows, env, args...)
}

// startBinaryTerminal runs the program bin in a cols x rows terminal.
func startBinaryTerminal(t testing.TB, bin string, cols, rows int, env []string, args ...string) *terminal {
	t.Helper()
	return startTerminalWith(t, termOptions{bin: bin}, cols, rows, env, args...)
}

// termOptions changes how startTerminalWith runs the program.
type termOptions struct {
	bin    string   // the program (default: the built ucx-onboard)
	home   string   // its HOME and working directory (default: a new temporary one)
	stdout *os.File // its stdout instead of the terminal (a redirect)
	// silent: the terminal never answers a query (OSC 11 background,
	// cursor position), as some SSH clients and consoles do not.
	silent bool
}

// startTerminalWith runs a program in a cols x rows terminal as opts say.
func startTerminalWith(t testing.TB, opts termOptions, cols, rows int, env []string, args ...string) *terminal {
	t.Helper()
	bin := opts.bin
	if bin == "" {
		bin = builtBinary(t)
	}
	cmd := exec.Command(bin, args...)
	if opts.stdout != nil {
		cmd.Stdout = opts.stdout // pty.Start leaves a set stream alone
	}
	home := opts.home
	if home == "" {
		home = t.TempDir()
	}
	cmd.Dir = home
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"TERM=xterm-256color",
		"LANG=C.UTF-8",
	}, env...)
	// The pty is opened here, not by pty.StartWithSize, so that the test
	// keeps the terminal's other end (tty) open: see pump and endOfOutput.
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)}); err != nil {
		ptmx.Close()
		tty.Close()
		t.Fatalf("size pty: %v", err)
	}
	cmd.Stdin = tty
	if cmd.Stdout == nil {
		cmd.Stdout = tty
	}
	cmd.Stderr = tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true} // tty becomes its controlling terminal
	if err := cmd.Start(); err != nil {
		ptmx.Close()
		tty.Close()
		t.Fatalf("start on pty: %v", err)
	}
	var answers io.Writer = ptmx
	if opts.silent {
		answers = io.Discard
	}
	term := &terminal{
		t:       t,
		pty:     ptmx,
		vt:      vt10x.New(vt10x.WithSize(cols, rows), vt10x.WithWriter(answers)),
		cmd:     cmd,
		updates: make(chan struct{}, 1),
		exited:  make(chan struct{}),
	}
	readDone := make(chan struct{})
	go term.pump(readDone)
	go func() {
		term.waitErr = cmd.Wait()
		// Everything the program wrote is ahead of endOfOutput in the
		// terminal's queue: once pump reads it, the screen is complete.
		if _, err := tty.Write(endOfOutput); err != nil {
			tty.Close() // pump ends at EIO instead
		}
		<-readDone
		tty.Close()
		close(term.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-term.exited:
		default:
			_ = cmd.Process.Kill()
			<-term.exited
		}
		ptmx.Close()
	})
	return term
}

// endOfOutput is what the test writes on the terminal once the program
// has exited; pump stops there. Waiting for the pty to report EIO instead
// (the last writer gone) lost the program's last line on a loaded CI
// machine: a read can find the other end closed before the kernel has
// handed on everything written to it. The marker is an OSC string with no
// line end, so the terminal's output processing leaves it as it is; it
// never reaches the emulator, and the transcript holds it only between
// two reads that split it (after the program's end).
var endOfOutput = []byte("\x1b]7777;ucx-onboard-e2e-end\x07")

// pump copies pty output into the emulator until endOfOutput (or an
// error). vt10x refuses a trailing partial UTF-8 sequence, so the
// unconsumed tail is carried to the next read, as is a tail that may be
// the start of endOfOutput.
func (term *terminal) pump(done chan<- struct{}) {
	defer close(done)
	buf := make([]byte, 32*1024)
	var carry []byte
	for {
		n, err := term.pty.Read(buf)
		if n > 0 {
			data := append(carry, buf[:n]...)
			end := bytes.Index(data, endOfOutput)
			feed := data
			if end >= 0 {
				feed = data[:end]
			} else {
				feed = data[:len(data)-startOf(data, endOfOutput)]
			}
			term.rawMu.Lock()
			term.raw.Write(buf[:n])
			if end >= 0 {
				term.raw.Truncate(term.raw.Len() - len(endOfOutput)) // nothing follows it
			}
			term.rawMu.Unlock()
			w, _ := term.vt.Write(feed)
			carry = append([]byte(nil), data[w:]...)
			select {
			case term.updates <- struct{}{}:
			default:
			}
			if end >= 0 {
				return
			}
		}
		if err != nil { // EIO once no one holds the other end: treat as EOF
			return
		}
	}
}

// startOf is the length of the longest tail of data that is a start of
// marker (shorter than marker itself).
func startOf(data, marker []byte) int {
	for k := min(len(marker)-1, len(data)); k > 0; k-- {
		if bytes.HasPrefix(marker, data[len(data)-k:]) {
			return k
		}
	}
	return 0
}

// Screen returns the emulated screen as text, one line per row, trailing
// blanks trimmed.
func (term *terminal) Screen() string {
	lines := strings.Split(term.vt.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \x00")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

// WaitFor waits until the screen contains every one of texts and returns the
// screen. It fails the test with the last screen after timeout or when the
// program exits first.
func (term *terminal) WaitFor(timeout time.Duration, texts ...string) string {
	term.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		screen := term.Screen()
		if containsAll(screen, texts) {
			return screen
		}
		select {
		case <-term.updates:
		case <-term.exited:
			screen = term.Screen()
			if containsAll(screen, texts) {
				return screen
			}
			term.t.Fatalf("program exited (%v) before the screen showed %q; last screen:\n%s", term.waitErr, texts, screen)
		case <-deadline.C:
			term.t.Fatalf("after %v the screen does not show %q; it shows:\n%s", timeout, texts, screen)
		}
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// Type sends keys to the program as a user would type them. Use the key
// constants below for special keys.
func (term *terminal) Type(keys ...string) {
	term.t.Helper()
	for _, k := range keys {
		if _, err := term.pty.Write([]byte(k)); err != nil {
			term.t.Fatalf("type %q: %v", k, err)
		}
	}
}

// Resize changes the terminal size; the program receives SIGWINCH.
func (term *terminal) Resize(cols, rows int) {
	term.t.Helper()
	term.vt.Resize(cols, rows)
	if err := pty.Setsize(term.pty, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)}); err != nil {
		term.t.Fatal(err)
	}
}

// Wait waits for the program to exit and returns its exit code.
func (term *terminal) Wait(timeout time.Duration) int {
	term.t.Helper()
	select {
	case <-term.exited:
	case <-time.After(timeout):
		term.t.Fatalf("program still running after %v; screen:\n%s", timeout, term.Screen())
	}
	var ee *exec.ExitError
	if errors.As(term.waitErr, &ee) {
		return ee.ExitCode()
	}
	if term.waitErr != nil {
		term.t.Fatalf("wait: %v", term.waitErr)
	}
	return 0
}

// Keys as a terminal sends them.
const (
	keyEnter = "\r"
	keyTab   = "\t"
	keyCtrlC = "\x03"
	keyEsc   = "\x1b"
	keyDown  = "\x1b[B"
	keyUp    = "\x1b[A"
	keySpace = " "
)
