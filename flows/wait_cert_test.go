package flows

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// TestWaitCertificateError: a poll that meets a certificate the client does
// not trust (a TLS-inspecting proxy, or a wrong base URL) ends Wait at once
// with ErrUnreachable, as Start and Identify do, instead of retrying until
// the code expires; the error reads like Start's.
func TestWaitCertificateError(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		text string
	}{
		{"unknown authority", errCert, "TLS: certificate not trusted (a TLS-inspecting proxy?)"},
		{"verification error", &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}, "TLS: certificate not trusted (a TLS-inspecting proxy?)"},
		{"another host", x509.HostnameError{Certificate: &x509.Certificate{}, Host: "webexapis.com"}, "TLS: certificate is for another host"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			ft := e.withFaults(t, e.clock)
			dc := e.start(t)
			ft.fail(deviceAuthPath, fault{err: tc.err})
			_, serr := e.client.Start(context.Background(), e.app, nil)
			ft.fail(deviceTokenPath, times(3, fault{err: tc.err})...)
			_, evs, err := e.wait(t, dc)
			if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("Wait: %v, want ErrUnreachable ...%s...", err, tc.text)
			}
			if got, want := strings.TrimPrefix(err.Error(), "flows: presence: wait: "), strings.TrimPrefix(serr.Error(), "flows: presence: start: "); got != want {
				t.Errorf("Wait says %q, Start %q", got, want)
			}
			if n := len(ft.times(deviceTokenPath)); n != 1 {
				t.Errorf("%d polls, want 1", n)
			}
			if want := []PollOutcome{PollFailed}; !slices.Equal(outcomes(evs), want) {
				t.Errorf("outcomes = %v, want %v", outcomes(evs), want)
			} else if evs[0].Err != err || !evs[0].NextPoll.IsZero() {
				t.Errorf("event %+v", evs[0])
			}
		})
	}
}

// TestWaitCertificateErrorTLS: the same against a real TLS server whose
// certificate the client does not trust.
func TestWaitCertificateErrorTLS(t *testing.T) {
	var polls atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == deviceTokenPath {
			polls.Add(1)
			okToken(w, r)
			return
		}
		fmt.Fprintf(w, `{"device_code":"dc-FAKE-x","user_code":"U","verification_uri":"https://%s/v","expires_in":300,"interval":5}`, r.Host)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake failures are the point
	srv.StartTLS()
	defer srv.Close()
	clock := newSkipClock()
	trusting, err := NewClient(Config{BaseURL: srv.URL, HTTPClient: srv.Client(), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	dc, err := trusting.Start(context.Background(), testApp(), nil)
	if err != nil {
		t.Fatal(err)
	}
	untrusting, err := NewClient(Config{BaseURL: srv.URL, HTTPClient: &http.Client{}, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	_, serr := untrusting.Start(context.Background(), testApp(), nil)
	began := clock.Now()
	_, err = untrusting.Wait(context.Background(), testApp(), dc, nil)
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "certificate not trusted") {
		t.Fatalf("Wait: %v, want ErrUnreachable: certificate not trusted", err)
	}
	if got, want := strings.TrimPrefix(err.Error(), "flows: presence: wait: "), strings.TrimPrefix(serr.Error(), "flows: presence: start: "); got != want {
		t.Errorf("Wait says %q, Start %q", got, want)
	}
	if n := polls.Load(); n != 0 {
		t.Errorf("%d polls reached the server", n)
	}
	if d := clock.Now().Sub(began); d > dc.Interval+pollMargin {
		t.Errorf("Wait took %v, want one interval", d)
	}
}
