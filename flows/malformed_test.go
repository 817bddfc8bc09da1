package flows

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/imagicle/ucx-onboard/store"
)

// rawServer answers every request with the raw HTTP answer of its func,
// written as is (net/http would refuse to send a malformed header), and
// counts the requests by path.
type rawServer struct {
	ln     net.Listener
	answer func(path string) string
	mu     sync.Mutex
	seen   map[string]int
}

func newRawServer(t *testing.T, answer func(path string) string) *rawServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{ln: ln, answer: answer, seen: map[string]int{}}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *rawServer) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
		s.mu.Lock()
		s.seen[req.URL.Path]++
		s.mu.Unlock()
		if _, err := c.Write([]byte(s.answer(req.URL.Path))); err != nil {
			return
		}
	}
}

func (s *rawServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[path]
}

// TestMalformedRedirect: a redirect whose Location holds control bytes (or
// is no URL) is a bad answer from the server: Start and Identify give up
// at once (no retry, not ErrUnreachable, not "connection closed"), quoting
// nothing of the header; Wait, which may be owed a token, asks again with
// the same code as for an answer cut short, then says the code is spent.
func TestMalformedRedirect(t *testing.T) {
	for name, loc := range map[string]string{
		"escape":  "https://x.example/\x1b[31mred",
		"control": "https://x.ex\x01ample/",
		"tab":     "https://x.example/\tb",
	} {
		redirect := "HTTP/1.1 302 Found\r\nLocation: " + loc + "\r\nContent-Length: 0\r\n\r\n"
		check := func(t *testing.T, err error, retries int) {
			t.Helper()
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, ErrUnreachable) {
				t.Errorf("a malformed answer is called unreachable: %v", err)
			}
			if s := err.Error(); strings.Contains(s, "connection closed") || strings.Contains(s, "x.ex") || strings.Contains(s, "31m") {
				t.Errorf("error %q", s)
			}
			if retries != 0 {
				t.Errorf("%d retries of a malformed answer", retries)
			}
		}
		t.Run(name+"/start", func(t *testing.T) {
			s := newRawServer(t, func(string) string { return redirect })
			c, err := NewClient(Config{BaseURL: "http://" + s.ln.Addr().String(), Clock: newSkipClock()})
			if err != nil {
				t.Fatal(err)
			}
			retries := 0
			_, err = c.Start(context.Background(), testApp(), func(RetryEvent) { retries++ })
			check(t, err, retries)
			if n := s.count(deviceAuthPath); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
		t.Run(name+"/identify", func(t *testing.T) {
			s := newRawServer(t, func(string) string { return redirect })
			c, err := NewClient(Config{BaseURL: "http://" + s.ln.Addr().String(), Clock: newSkipClock()})
			if err != nil {
				t.Fatal(err)
			}
			retries := 0
			_, err = c.Approver(context.Background(), testApp(), Grant{AccessToken: store.NewSecret("tok-FAKE-malformed")}, func(RetryEvent) { retries++ })
			check(t, err, retries)
			if n := s.count("/v1/people/me"); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
		t.Run(name+"/wait", func(t *testing.T) {
			var base string
			s := newRawServer(t, func(path string) string {
				if path == deviceAuthPath {
					body := fmt.Sprintf(`{"device_code":"dc-FAKE-malformed","user_code":"729703","verification_uri":"%s/verify","expires_in":300,"interval":5}`, base)
					return fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
				}
				return redirect
			})
			base = "http://" + s.ln.Addr().String()
			c, err := NewClient(Config{BaseURL: base, Clock: newSkipClock()})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			dc, err := c.Start(ctx, testApp(), nil)
			if err != nil {
				t.Fatal(err)
			}
			var outcomes []PollOutcome
			_, err = c.Wait(ctx, testApp(), dc, func(ev PollEvent) { outcomes = append(outcomes, ev.Outcome) })
			if !errors.Is(err, ErrCodeSpent) {
				t.Fatalf("Wait = %v, want ErrCodeSpent (outcomes %v)", err, outcomes)
			}
			check(t, err, 0)
			if n := s.count(deviceTokenPath); n != 3 {
				t.Errorf("%d polls, want 3 (the answer, then twice again with the same code)", n)
			}
		})
	}
}
