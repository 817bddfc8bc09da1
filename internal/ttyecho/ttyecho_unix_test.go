//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package ttyecho

import (
	"testing"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// TestOff: Off turns only the echo off (whole lines, CR to NL and
// signals stay on, even where the terminal had them off), and restore,
// with or without discard, puts back the state saved before.
func TestOff(t *testing.T) {
	for _, discard := range []bool{false, true} {
		ptm, tty, err := pty.Open()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ptm.Close(); tty.Close() })
		fd := int(tty.Fd())
		before, err := unix.IoctlGetTermios(fd, ioctlReadTermios)
		if err != nil {
			t.Fatal(err)
		}
		raw := *before
		raw.Lflag |= unix.ECHO
		raw.Lflag &^= unix.ICANON | unix.ISIG
		raw.Iflag &^= unix.ICRNL
		if err := unix.IoctlSetTermios(fd, ioctlWriteTermios, &raw); err != nil {
			t.Fatal(err)
		}
		if on, err := Echoes(fd); err != nil || !on {
			t.Fatalf("before Off: Echoes = %v, %v; want true", on, err)
		}

		restore, err := Off(fd)
		if err != nil {
			t.Fatal(err)
		}
		if on, err := Echoes(fd); err != nil || on {
			t.Errorf("after Off: Echoes = %v, %v; want false", on, err)
		}
		off, err := unix.IoctlGetTermios(fd, ioctlReadTermios)
		if err != nil {
			t.Fatal(err)
		}
		if want := raw.Lflag&^unix.ECHO | unix.ICANON | unix.ISIG; off.Lflag != want {
			t.Errorf("after Off: Lflag = %#x, want %#x", off.Lflag, want)
		}
		if want := raw.Iflag | unix.ICRNL; off.Iflag != want {
			t.Errorf("after Off: Iflag = %#x, want %#x", off.Iflag, want)
		}

		restore(discard)
		after, err := unix.IoctlGetTermios(fd, ioctlReadTermios)
		if err != nil {
			t.Fatal(err)
		}
		if after.Lflag != raw.Lflag || after.Iflag != raw.Iflag {
			t.Errorf("restore(%v): Lflag, Iflag = %#x, %#x; want %#x, %#x", discard, after.Lflag, after.Iflag, raw.Lflag, raw.Iflag)
		}
	}
}
