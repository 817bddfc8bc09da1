package wizard

import (
	"slices"
	"strings"
	"testing"
)

// TestReopen: the review goes back to the skipped and failed apps only,
// in catalog order; authorized ones keep their approval (issue #10,
// item 8).
func TestReopen(t *testing.T) {
	apps := apps()
	tests := []struct {
		name     string
		statuses []Status // per app, Pending: no result
		want     []string
	}{
		{"none to go back to", []Status{Authorized, Authorized, Authorized}, nil},
		{"skipped and failed", []Status{Skipped, Authorized, Failed}, []string{apps[0].ID, apps[2].ID}},
		{"one failed", []Status{Authorized, Failed, Authorized}, []string{apps[1].ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSession(apps)
			var ids []string
			for _, a := range apps {
				ids = append(ids, a.ID)
			}
			s.Select(ids)
			for i, st := range tt.statuses {
				s.Done(Result{App: apps[i], Status: st})
			}
			if len(s.Queue) != 0 {
				t.Fatalf("queue %v before the review", s.Queue)
			}
			if got := s.Reopenable(); !slices.Equal(got, tt.want) {
				t.Fatalf("Reopenable = %v, want %v", got, tt.want)
			}
			if n := s.Reopen(); n != len(tt.want) || !slices.Equal(s.Queue, tt.want) {
				t.Fatalf("Reopen = %d, queue %v; want %v", n, s.Queue, tt.want)
			}
			for i, st := range tt.statuses {
				r := s.Results[apps[i].ID]
				if st == Authorized && (r == nil || r.Status != Authorized) {
					t.Errorf("%s lost its approval", apps[i].ID)
				}
				if st != Authorized && r != nil {
					t.Errorf("%s keeps its outcome %v", apps[i].ID, r.Status)
				}
			}
		})
	}
}

// TestSkipQuestion: the question names the app and says what is lost.
func TestSkipQuestion(t *testing.T) {
	if q := SkipQuestion("Call Control", false); !strings.Contains(q, "Skip Call Control?") || !strings.Contains(q, "(y/n)") {
		t.Errorf("%q", q)
	}
	if q := SkipQuestion("Call Control", true); !strings.Contains(q, "approval") {
		t.Errorf("%q", q)
	}
}
