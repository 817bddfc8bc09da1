package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestOnRetry: the onRetry argument of Start and Identify hears of every
// retry of that call,
// before the wait, with the op, the app, the failed attempt, the wait and
// the failure; never of a success, a final answer or the attempt that
// exhausts the budget; and never with a secret.
func TestOnRetry(t *testing.T) {
	const s = time.Second
	type want struct {
		attempt int
		wait    time.Duration
		status  int // of the *WebexError in Err; 0: ErrUnreachable
	}
	for _, tc := range []struct {
		name   string
		op     string
		path   string
		faults []fault
		want   []want
		fails  bool
	}{
		{"start 503 then reset", opStart, deviceAuthPath, []fault{{status: 503}, {err: errReset}}, []want{{1, 1 * s, 503}, {2, 2 * s, 0}}, false},
		{"start 429 Retry-After", opStart, deviceAuthPath, []fault{{status: 429, retryAfter: "7"}}, []want{{1, 7 * s, 429}}, false},
		{"start without faults", opStart, deviceAuthPath, nil, nil, false},
		{"start 401 final", opStart, deviceAuthPath, []fault{{status: 401}}, nil, true},
		{"start certificate final", opStart, deviceAuthPath, []fault{{err: errCert}}, nil, true},
		{"start budget spent", opStart, deviceAuthPath, times(20, fault{status: 503}), []want{{1, 1 * s, 503}, {2, 2 * s, 503}, {3, 4 * s, 503}, {4, 8 * s, 503}}, true},
		{"identify organization 429", opIdentify, "/v1/organizations/org-1", []fault{{status: 429, retryAfter: "9"}}, []want{{1, 9 * s, 429}}, false},
		{"identify people/me reset, 502", opIdentify, "/v1/people/me", []fault{{err: errDNS}, {status: 502}}, []want{{1, 1 * s, 0}, {2, 2 * s, 502}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			var evs []RetryEvent
			var at []time.Time
			onRetry := func(ev RetryEvent) {
				evs = append(evs, ev)
				at = append(at, e.clock.Now())
			}
			ft := e.withFaults(t, e.clock)
			var g Grant
			if tc.op == opIdentify {
				_, g = e.grant(t)
				evs, at = nil, nil
			}
			ft.fail(tc.path, tc.faults...)
			var err error
			if tc.op == opStart {
				_, err = e.client.Start(context.Background(), e.app, onRetry)
			} else {
				_, err = e.client.Identify(context.Background(), e.app, g, onRetry)
			}
			if (err != nil) != tc.fails {
				t.Fatalf("%s: %v", tc.op, err)
			}
			if len(evs) != len(tc.want) {
				t.Fatalf("%d retry events, want %d: %+v", len(evs), len(tc.want), evs)
			}
			sent := ft.times(tc.path)
			for i, w := range tc.want {
				ev := evs[i]
				if ev.Op != tc.op || ev.AppID != "presence" || ev.Attempt != w.attempt || ev.Wait != w.wait {
					t.Errorf("event %d = %+v, want %s presence attempt %d wait %v", i, ev, tc.op, w.attempt, w.wait)
				}
				var we *WebexError
				switch {
				case w.status == 0 && !errors.Is(ev.Err, ErrUnreachable):
					t.Errorf("event %d: Err %v, want ErrUnreachable", i, ev.Err)
				case w.status != 0 && (!errors.As(ev.Err, &we) || we.Status != w.status):
					t.Errorf("event %d: Err %v, want a %d WebexError", i, ev.Err, w.status)
				}
				// Reported synchronously, after the failure and before the
				// wait: the next attempt comes Wait later.
				if i+1 < len(sent) && !sent[i+1].Equal(at[i].Add(ev.Wait)) {
					t.Errorf("event %d at %v with wait %v; next attempt at %v", i, at[i], ev.Wait, sent[i+1])
				}
				// The faults echo the Authorization header.
				j, _ := json.Marshal(ev)
				for _, out := range []string{fmt.Sprintf("%v", ev), fmt.Sprintf("%+v", ev), fmt.Sprintf("%#v", ev), string(j)} {
					if strings.Contains(out, "tok-FAKE") || strings.Contains(out, "sec-FAKE") || strings.Contains(out, "dc-FAKE") {
						t.Errorf("event %d leaks a secret: %s", i, out)
					}
				}
			}
		})
	}
}
