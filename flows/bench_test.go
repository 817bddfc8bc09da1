package flows

import (
	"context"
	"testing"
)

// BenchmarkAuthorization measures the CPU cost of one whole authorization
// (Start, two pending polls, the token) against webextest on the skip
// clock. The timing figures of the poll loop on the real clock come from
// go run ./flows/internal/pollbench.
func BenchmarkAuthorization(b *testing.B) {
	e := newEnv(b, nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		dc, err := e.client.Start(ctx, e.app, nil)
		if err != nil {
			b.Fatal(err)
		}
		e.srv.ApproveAfterPolls(dc.UserCode, 3)
		if _, err := e.client.Wait(ctx, e.app, dc, nil); err != nil {
			b.Fatal(err)
		}
	}
}
