package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui"
)

// debugLogName is the --debug log's file name in the state folder.
const debugLogName = "ucx-onboard-debug.log"

// maxLogText caps one logged error text.
const maxLogText = 4000

// debugLog is the --debug log: the full error chains the screens shorten
// ("what happened, what to do, the trackingId"), one slog text line each
// (level ERROR), and the shape of every Webex exchange (level INFO, see
// Shape), appended to a 0600 file. Only errors go in, as their text:
// flows' and store's errors never carry a token, device code or client
// secret (their doc contracts; flows keeps Webex's code, message and
// trackingId), and shapes, which hold no value; nothing else (grants,
// codes, the bundle) is ever passed to it; its handler passes every
// message and attribute through store.Redact all the same. A nil *debugLog
// logs nothing.
type debugLog struct {
	path string
	f    *os.File
	log  *slog.Logger
}

// openDebugLog opens (appends to) the log in dir, creating dir and the
// file with owner-only permissions.
func openDebugLog(dir string) (*debugLog, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, debugLogName)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(0o600); err != nil { // an older file made looser
		f.Close()
		return nil, err
	}
	h := redactingHandler{slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo})}
	return &debugLog{path: path, f: f, log: slog.New(h)}, nil
}

// Shape logs the shape of one Webex exchange (flows.Shape: names, types,
// status, Retry-After, trackingId and timings, never a value), at level
// INFO, message "webex exchange".
func (l *debugLog) Shape(s flows.Shape) {
	if l == nil {
		return
	}
	l.log.LogAttrs(context.Background(), slog.LevelInfo, "webex exchange", s.LogAttrs()...)
}

// shapeSink takes the shapes of the Webex exchanges to a debug log that
// opens after the HTTP client is built; until then (and after set(nil))
// they are dropped. A nil *shapeSink drops everything.
type shapeSink struct {
	mu  sync.Mutex
	log *debugLog
}

func (k *shapeSink) set(l *debugLog) {
	if k == nil {
		return
	}
	k.mu.Lock()
	k.log = l
	k.mu.Unlock()
}

// record is a flows.ShapeTransport's Record: safe for concurrent use.
func (k *shapeSink) record(s flows.Shape) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.log.Shape(s)
}

// redactingHandler is a slog.Handler that hands on its records with their
// message and every attribute's text passed through store.Redact: no run
// of a secret the process holds reaches the log, whatever an error echoes.
type redactingHandler struct{ slog.Handler }

func (h redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, store.Redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.Handler.Handle(ctx, out)
}

func (h redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = redactAttr(a)
	}
	return redactingHandler{h.Handler.WithAttrs(red)}
}

func (h redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{h.Handler.WithGroup(name)}
}

// redactAttr redacts a's text: strings, groups' members, and any other
// value but numbers, booleans, times and durations as its text.
func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		v = slog.StringValue(store.Redact(v.String()))
	case slog.KindGroup:
		g := v.Group()
		red := make([]slog.Attr, len(g))
		for i, x := range g {
			red[i] = redactAttr(x)
		}
		v = slog.GroupValue(red...)
	case slog.KindAny:
		v = slog.StringValue(store.Redact(v.String()))
	}
	return slog.Attr{Key: store.Redact(a.Key), Value: v}
}

// redactingWriter writes what it is given through store.Redact (stderr).
type redactingWriter struct{ w io.Writer }

// unredacted is the writer under a redactingWriter, else w: the terminal
// that isTerminal looks for, and that the wizard draws on (redacting its
// frames itself).
func unredacted(w any) any {
	if r, ok := w.(redactingWriter); ok {
		return r.w
	}
	return w
}

func (r redactingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(r.w, store.Redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close closes the file.
func (l *debugLog) Close() error {
	if l == nil {
		return nil
	}
	return l.f.Close()
}

// Error logs what failed and its error chain, sanitized and capped.
func (l *debugLog) Error(what string, err error, attrs ...any) {
	if l == nil || err == nil {
		return
	}
	text := []rune(flows.Sanitize(err.Error()))
	if len(text) > maxLogText {
		text = append(text[:maxLogText], '…')
	}
	l.log.Error(what, append(attrs, "err", string(text))...)
}

// loggingAuthorizer logs the errors of the wizard's device grants and
// identity checks (not a cancellation: the engineer quit or skipped).
type loggingAuthorizer struct {
	tui.Authorizer
	log *debugLog
}

var _ tui.Authorizer = loggingAuthorizer{}

func (a loggingAuthorizer) logged(op string, app flows.App, err error) {
	if err != nil && !errors.Is(err, context.Canceled) {
		a.log.Error(op, err, "app", app.ID)
	}
}

func (a loggingAuthorizer) Start(ctx context.Context, app flows.App, onRetry func(flows.RetryEvent)) (flows.DeviceCode, error) {
	dc, err := a.Authorizer.Start(ctx, app, onRetry)
	a.logged("start", app, err)
	return dc, err
}

func (a loggingAuthorizer) Wait(ctx context.Context, app flows.App, code flows.DeviceCode, report func(flows.PollEvent)) (flows.Grant, error) {
	g, err := a.Authorizer.Wait(ctx, app, code, report)
	a.logged("wait", app, err)
	return g, err
}

func (a loggingAuthorizer) Approver(ctx context.Context, app flows.App, g flows.Grant, onRetry func(flows.RetryEvent)) (flows.Identity, error) {
	id, err := a.Authorizer.Approver(ctx, app, g, onRetry)
	a.logged("identify approver", app, err)
	return id, err
}

func (a loggingAuthorizer) OrgFacts(ctx context.Context, app flows.App, g flows.Grant, orgID string, onRetry func(flows.RetryEvent)) (flows.Identity, error) {
	id, err := a.Authorizer.OrgFacts(ctx, app, g, orgID, onRetry)
	a.logged("read org", app, err)
	return id, err
}

// withDebugLog makes deps log to l: the authorizations, the failed
// preflight checks (their detail as shown), the bundle write and the
// drafts' saves.
func withDebugLog(deps *tui.Deps, l *debugLog) {
	if l == nil {
		return
	}
	if deps.Authorizer != nil {
		deps.Authorizer = loggingAuthorizer{Authorizer: deps.Authorizer, log: l}
	}
	if pre := deps.Preflight; pre != nil {
		deps.Preflight = func(ctx context.Context) []tui.Check {
			checks := pre(ctx)
			for _, ck := range checks {
				if !ck.OK {
					l.Error("check", errors.New(ck.Detail), "check", ck.Name, "blocking", ck.Blocking)
				}
			}
			return checks
		}
	}
	if write := deps.WriteBundle; write != nil {
		deps.WriteBundle = func(path string, b store.Bundle, pass store.Secret, record func(*store.Completion) error) (store.Receipt, error) {
			r, err := write(path, b, pass, record)
			l.Error("write bundle", err, "path", path)
			return r, err
		}
	}
	if deps.Drafts != nil {
		deps.Drafts = loggingDrafts{DraftStore: deps.Drafts, log: l}
	}
}

// loggingDrafts logs failed saves of drafts.
type loggingDrafts struct {
	tui.DraftStore
	log *debugLog
}

func (d loggingDrafts) Save(dr *tui.Draft) error {
	err := d.DraftStore.Save(dr)
	d.log.Error("save draft", err, "draft", dr.ID)
	return err
}
