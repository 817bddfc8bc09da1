//go:build !windows

package main

import (
	"os/exec"
	"path/filepath"
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
// `ucx-onboard --demo` (first frame: its header). Report demo/baseline.
//
//	go test ./cmd/ucx-onboard -run '^$' -bench FirstFrame -benchtime 20x
func BenchmarkFirstFrame(b *testing.B) {
	cases := []struct {
		name string
		bin  func(testing.TB) string
		args []string
		want string
	}{
		{"baseline", baselineBinary, nil, "ucx-onboard baseline"},
		{"demo", builtBinary, []string{"--demo"}, "Checks"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			bin := c.bin(b)
			var total time.Duration
			for b.Loop() {
				start := time.Now()
				term := startBinaryTerminal(b, bin, 80, 24, nil, c.args...)
				term.WaitFor(30*time.Second, c.want)
				total += time.Since(start)
				term.Type(keyCtrlC)
				term.Wait(30 * time.Second)
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/first-frame")
		})
	}
}
