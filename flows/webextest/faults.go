package webextest

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Faults outside the token endpoint's poll queue (issue 15): a whole
// outage, and error answers at any API path. Both are served before a
// request reaches its handler, so they work on /v1/device/authorize, the
// REST endpoints and the token endpoint alike.

// pathFault is one FailPath: the next n requests to path answer status.
type pathFault struct {
	path       string // exact, or a prefix when it ends in "/"
	n          int
	status     int
	retryAfter string
}

func (f pathFault) matches(p string) bool {
	if strings.HasSuffix(f.path, "/") {
		return strings.HasPrefix(p, f.path)
	}
	return p == f.path
}

// DropAllFor closes every connection to the API host without an answer,
// for d from now by the server's Clock (a network outage: the client sees
// connection resets). Requests are recorded with Status 0. A later call
// replaces the period; d <= 0 ends it.
func (s *Server) DropAllFor(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outageUntil = s.now().Add(d)
	if d <= 0 {
		s.outageUntil = time.Time{}
	}
}

// OutageUntil is when the period of DropAllFor ends (zero when none was
// set).
func (s *Server) OutageUntil() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.outageUntil
}

// FailPath answers the next n requests to path (exact, or every path under
// it when it ends in "/", e.g. "/v1/organizations/") with status and a
// Webex error body without an OAuth code, and a Retry-After header when
// retryAfter is not "" (seconds or an HTTP date). status must be 408, 423,
// 429 or a 5xx: the answers Webex lists as temporary. Faults of one path
// queue up in the order added; on the token endpoint they come before
// FailPolls' queue.
func (s *Server) FailPath(path string, n, status int, retryAfter string) {
	if status != http.StatusRequestTimeout && status != http.StatusLocked && status != http.StatusTooManyRequests &&
		(status < 500 || status > 599) {
		panic(fmt.Sprintf("webextest: FailPath with status %d, not a temporary one", status))
	}
	if !strings.HasPrefix(path, "/") {
		panic(fmt.Sprintf("webextest: FailPath with path %q not starting with /", path))
	}
	if n < 1 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pathFaults = append(s.pathFaults, pathFault{path: path, n: n, status: status, retryAfter: retryAfter})
}

// routeAPIFaulty serves the outage and FailPath's answers, then routes
// the rest to routeAPI.
func (s *Server) routeAPIFaulty(w http.ResponseWriter, r *http.Request, info *reqInfo) {
	s.mu.Lock()
	if !s.outageUntil.IsZero() && s.now().Before(s.outageUntil) {
		s.mu.Unlock()
		drop(w)
		return
	}
	for i := range s.pathFaults {
		f := s.pathFaults[i]
		if !f.matches(r.URL.Path) {
			continue
		}
		if s.pathFaults[i].n--; s.pathFaults[i].n == 0 {
			s.pathFaults = append(s.pathFaults[:i:i], s.pathFaults[i+1:]...)
		}
		s.mu.Unlock()
		s.write(w, errAnswer(f.status, "", statusMessage(f.status)).withRetryAfter(f.retryAfter))
		return
	}
	s.mu.Unlock()
	s.routeAPI(w, r, info)
}

// unusedPathFaults describes FailPath faults not served yet; mu must be
// held.
func (s *Server) unusedPathFaultsLocked() []string {
	var out []string
	for _, f := range s.pathFaults {
		out = append(out, fmt.Sprintf("FailPath %s %d: %d request(s) left", f.path, f.status, f.n))
	}
	return out
}
