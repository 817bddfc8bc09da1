//go:build !windows

package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creack/pty"

	"github.com/imagicle/ucx-onboard/store"
)

// TestOpenRefusesTerminal: open does not print admin tokens on a terminal
// unless asked to with --to-terminal.
func TestOpenRefusesTerminal(t *testing.T) {
	dir := t.TempDir()
	idPath := filepath.Join(dir, "ucx.txt")
	rcp, err := store.GenerateIdentityFile(idPath)
	if err != nil {
		t.Fatal(err)
	}
	p, err := store.NewRecipientProtection([]string{rcp})
	if err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(dir, "acme.ucxbundle")
	if _, err := store.WriteBundle(bundle, bundleCmdFixture(), p); err != nil {
		t.Fatal(err)
	}
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()

	var stderr bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: tty, stderr: &stderr, getenv: func(string) string { return "" }}
	if code := run(context.Background(), e, []string{"open", bundle, "-i", idPath}); code == 0 {
		t.Fatal("open printed tokens to a terminal")
	}
	if !strings.Contains(stderr.String(), "--to-terminal") {
		t.Errorf("no hint: %s", stderr.String())
	}
	// The hint gives the commands with this bundle and identity, not
	// placeholders.
	args := shellQuote(bundle) + " -i " + shellQuote(idPath)
	for _, want := range []string{"(ucx-onboard open " + args + " | <import>)", "(ucx-onboard inspect " + args + ")"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("the hint lacks %q: %s", want, stderr.String())
		}
	}
	stderr.Reset()
	// Read the terminal while open writes to it, so a full buffer cannot
	// block, until the terminal side is closed.
	got := make(chan string)
	go func() {
		var b strings.Builder
		buf := make([]byte, 64<<10)
		for {
			n, err := ptmx.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		got <- b.String()
	}()
	code := run(context.Background(), e, []string{"open", "--to-terminal", bundle, "-i", idPath})
	tty.Close()
	if code != 0 {
		t.Fatalf("open --to-terminal: exit %d: %s", code, stderr.String())
	}
	if out := <-got; !strings.Contains(out, "tok-FAKE-access-cmd") {
		t.Fatalf("open --to-terminal printed %q", out)
	}
}
