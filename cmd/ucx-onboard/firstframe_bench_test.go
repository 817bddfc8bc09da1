//go:build !windows

package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	baselineOnce sync.Once
	baselinePath string
	baselineErr  error
)

// baselineBinary builds testdata/minimaltea, the minimal Bubble Tea program.
func baselineBinary(b testing.TB) string {
	baselineOnce.Do(func() {
		baselinePath = filepath.Join(filepath.Dir(builtBinary(b)), "minimaltea")
		out, err := exec.Command("go", "build", "-o", baselinePath, "./testdata/minimaltea").CombinedOutput()
		if err != nil {
			baselineErr = err
			b.Logf("%s", out)
		}
	})
	if baselineErr != nil {
		b.Fatal(baselineErr)
	}
	return baselinePath
}

// BenchmarkFirstFrame measures process start to the first frame on an
// 80x24 pty: a minimal Bubble Tea program (the baseline) and
// `ucx-onboard --demo` (first frame: its header), on a terminal that
// answers queries (background colour, cursor position) and on one that
// never does ("silent"). Report demo-silent/demo (within 1.2x: the start
// does not wait for an answer) and demo/baseline.
//
//	go test ./cmd/ucx-onboard -run '^$' -bench FirstFrame -benchtime 20x
func BenchmarkFirstFrame(b *testing.B) {
	cases := []struct {
		name   string
		bin    func(testing.TB) string
		args   []string
		want   string
		silent bool
	}{
		{"baseline", baselineBinary, nil, "ucx-onboard baseline", false},
		{"demo", builtBinary, []string{"--demo"}, "Checks", false},
		{"demo-silent", builtBinary, []string{"--demo"}, "Checks", true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			bin := c.bin(b)
			var total time.Duration
			for b.Loop() {
				start := time.Now()
				term := startTerminalWith(b, termOptions{bin: bin, silent: c.silent}, 80, 24, nil, c.args...)
				term.WaitFor(30*time.Second, c.want)
				total += time.Since(start)
				term.Type(keyCtrlC)
				term.Wait(30 * time.Second)
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/first-frame")
		})
	}
}

// TestStartNeverQueriesTerminal: on a terminal that never answers, the
// wizard reaches its first frame without ever asking for the background
// colour (OSC 11), which termenv would wait 5 s for: Bubble Tea v1's
// package init asks unless internal/quietstart ran first, and the wizard
// decides the background without asking (darkBackground). The bound on
// the first frame is generous; the absence of the query is the check.
func TestStartNeverQueriesTerminal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		args  []string
		first string
	}{
		{"full-screen", []string{"--demo"}, "Checks"},
		{"accessible", []string{"--demo", "--accessible"}, "App catalog"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			term := startTerminalWith(t, termOptions{silent: true}, 80, 24, nil, tc.args...)
			term.WaitFor(screenTimeout, tc.first)
			if raw := term.Transcript(); strings.Contains(raw, "\x1b]11;?") || strings.Contains(raw, "\x1b[6n") {
				t.Errorf("the program asked the terminal (OSC 11 or cursor position): %q", raw[:min(len(raw), 200)])
			}
		})
	}
}
