package wizard

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// world plays everything outside a Flow, as a front-end would: it runs
// each effect and feeds its answer back, one event at a time, in order,
// from a script per app: what each wait for a code ends with (nil: the
// admin approves; the default), what each check of who approved answers
// (jane by default), and the keys the engineer presses at each decision
// (mapped to a choice through View.Choices, as both front-ends map them).
// With hold set, the calls of codes (StartCode, WaitCode, CheckApprover)
// are kept unanswered in held, for a test to answer by hand.
type world struct {
	t      *testing.T
	f      *Flow
	now    time.Time
	events []Event

	waits map[string][]error
	ids   map[string][]idAnswer
	keys  map[string][]string

	checks []Check
	drafts map[string]store.Draft
	pass   [2]string // typed at COMPLETE REQUEST

	hold   bool
	held   []Effect
	fx     []Effect // every effect, in order
	saves  []store.Draft
	bundle *store.Bundle
	quit   *Quit
	starts int
	tried  int
}

type idAnswer struct {
	id  flows.Identity
	err error
}

// newWorld starts a Flow of cfg, with drafts on the disk.
func newWorld(t *testing.T, cfg Config, drafts ...store.Draft) *world {
	t.Helper()
	if cfg.Apps == nil {
		cfg.Apps = apps()
	}
	n := 0
	cfg.NewDraftID = func() string { n++; return fmt.Sprintf("draft-%d", n) }
	cfg.OutPath = func(company string, now time.Time) string { return strings.ToLower(company) + ".ucxbundle" }
	w := &world{t: t, now: t0, waits: map[string][]error{}, ids: map[string][]idAnswer{}, keys: map[string][]string{}, drafts: map[string]store.Draft{}}
	for _, d := range drafts {
		w.drafts[d.ID] = d
	}
	w.f = NewFlow(cfg)
	w.run(w.f.Start(w.now))
	w.drain()
	return w
}

// send feeds ev, runs its effects and everything they bring, until
// nothing is left to answer.
func (w *world) send(ev Event) {
	w.t.Helper()
	w.events = append(w.events, ev)
	w.drain()
}

// drain handles the events queued, and those their effects bring.
func (w *world) drain() {
	w.t.Helper()
	for len(w.events) > 0 {
		ev := w.events[0]
		w.events = w.events[1:]
		w.run(w.f.Handle(w.now, ev))
	}
}

// pick takes the choice of key, which must be legal.
func (w *world) pick(key string) {
	w.t.Helper()
	v := w.f.View()
	i := slices.IndexFunc(v.Choices, func(o Option) bool { return o.Key == key })
	if i < 0 {
		w.t.Fatalf("%s: no choice for key %q among %v", summary(w.f), key, v.Choices)
	}
	w.send(Pick{v.Choices[i].Choice})
}

func (w *world) run(fx []Effect) {
	w.t.Helper()
	for _, e := range fx {
		w.fx = append(w.fx, e)
		switch e := e.(type) {
		case RunChecks:
			if w.hold {
				w.held = append(w.held, e)
				continue
			}
			w.events = append(w.events, ChecksRan{Checks: w.checks})
		case ListDrafts:
			var infos []DraftInfo
			for id, d := range w.drafts {
				infos = append(infos, DraftInfo{ID: id, Company: d.Customer.Company})
			}
			w.events = append(w.events, DraftsListed{Infos: infos})
		case LoadDraft:
			w.events = append(w.events, DraftLoaded{Draft: w.drafts[e.ID]})
		case RemoveDraft:
			delete(w.drafts, e.ID)
			w.events = append(w.events, DraftDiscarded{ID: e.ID})
		case StartCode, WaitCode, CheckApprover:
			if w.hold {
				w.held = append(w.held, e)
				continue
			}
			w.events = append(w.events, w.answer(e))
		case TryNow:
			w.tried++
		case Save:
			w.saves = append(w.saves, e.Draft)
			w.events = append(w.events, Saved{ID: e.Draft.ID, Seq: e.Seq})
		case WriteBundle:
			if w.hold {
				w.held = append(w.held, e)
				continue
			}
			w.events = append(w.events, w.answer(e))
		case FinishDraft:
			w.events = append(w.events, DraftRemoved{ID: e.Draft.ID})
		case Quit:
			q := e
			w.quit = &q
		case StopCalls, PrefetchCode, EndCodes, ReadOrg:
		default:
			w.t.Fatalf("unknown effect %T", e)
		}
	}
}

// answer is the scripted answer of a call of a code.
func (w *world) answer(e Effect) Event {
	switch e := e.(type) {
	case StartCode:
		w.starts++
		return CodeIssued{Gen: e.Gen, Code: flows.DeviceCode{UserCode: fmt.Sprintf("CODE-%d", w.starts),
			VerificationURI: "https://login.example/device", IssuedAt: w.now, Expiry: w.now.Add(5 * time.Minute)}}
	case WaitCode:
		var err error
		if s := w.waits[e.App.ID]; len(s) > 0 {
			err, w.waits[e.App.ID] = s[0], s[1:]
		}
		return WaitEnded{Gen: e.Gen, Grant: grant(e.App), Err: err}
	case RunChecks:
		return ChecksRan{Checks: w.checks}
	case WriteBundle:
		b := e.Bundle
		w.bundle = &b
		return BundleWritten{Receipt: store.Receipt{BundlePath: e.Path}, DraftID: e.Draft.ID}
	case CheckApprover:
		a := idAnswer{id: jane()}
		if s := w.ids[e.App.ID]; len(s) > 0 {
			a, w.ids[e.App.ID] = s[0], s[1:]
		}
		return Identified{Gen: e.Gen, Identity: a.id, Err: a.err}
	}
	w.t.Fatalf("not a call of a code: %T", e)
	return nil
}

// release answers the held calls.
func (w *world) release() {
	w.t.Helper()
	held := w.held
	w.held = nil
	for _, e := range held {
		w.send(w.answer(e))
	}
}

// drive plays the engineer until the wizard ends: through the checks, the
// form (customer), all apps, the scripted keys at each decision, and
// COMPLETE REQUEST.
func (w *world) drive(customer store.Customer) {
	w.t.Helper()
	for guard := 0; guard < 500; guard++ {
		v := w.f.View()
		switch v.Step {
		case StepEnded:
			return
		case StepChecks:
			if v.Blocked {
				w.pick("q")
				continue
			}
			w.pick("enter")
		case StepResume:
			w.pick("n")
		case StepCustomer:
			w.send(CustomerEntered{Customer: customer})
		case StepApps:
			w.send(AppsChosen{IDs: v.Selected})
		case StepAuthorize:
			id := v.Auth.App.ID
			k := w.keys[id]
			if len(k) == 0 {
				w.t.Fatalf("%s: no key scripted for %s", summary(w.f), id)
			}
			w.keys[id] = k[1:]
			w.pick(k[0])
		case StepReview:
			if v.Review.Authorized == 0 {
				w.pick("q")
				w.pick("y")
				continue
			}
			if v.Review.WriteErr != nil {
				w.t.Fatalf("write failed: %v", v.Review.WriteErr)
			}
			w.send(Complete{Passphrase: w.pass[0], Again: w.pass[1]})
		case StepDone:
			w.pick("enter")
		default:
			w.t.Fatalf("stuck at %s", summary(w.f))
		}
	}
	w.t.Fatalf("the wizard did not end: %s", summary(w.f))
}

// summary names where f is, for tables: "authorize/waiting+skip",
// "review/writing", "ended:aborted".
func summary(f *Flow) string {
	v := f.View()
	s := [...]string{"checks", "loading", "resume", "customer", "apps", "authorize", "review", "done", "ended"}[v.Step]
	if a := v.Auth; a != nil {
		s += "/" + [...]string{"starting", "waiting", "renewing", "identifying", "warning", "unidentified", "failed"}[a.Phase]
		if a.NetworkDown {
			s += "+down"
		}
		if a.AskSkip {
			s += "+skip"
		}
		if a.AskSecret {
			s += "+secret"
		}
		s += ":" + a.App.ID
	}
	if r := v.Review; r != nil {
		switch {
		case r.Writing && r.HoldOn:
			s += "/writing+holdon"
		case r.Writing:
			s += "/writing"
		case r.Queued:
			s += "/queued"
		}
	}
	if v.Step == StepChecks && v.Blocked {
		s += "/blocked"
	}
	if v.Step == StepChecks && v.ChecksRunning {
		s += "/running"
	}
	if v.AskQuit {
		s += "+quit?"
	}
	if v.Step == StepEnded {
		switch {
		case v.Err == nil:
			s += ":ok"
		case errors.Is(v.Err, ErrPreflightBlocked):
			s += ":blocked"
		case errors.Is(v.Err, ErrUserAborted):
			s += ":aborted"
		}
	}
	return s
}

var acme = store.Customer{Company: "Acme", AdminEmail: admin, Deployment: store.DeploymentCloud}

func bob() flows.Identity {
	other := jane()
	other.FullAdmin, other.Emails, other.DisplayName = false, []string{"bob@help.example"}, "Bob Helper"
	return other
}

var errExpiredCode = fmt.Errorf("flows: wait: %w", flows.ErrExpired)

// TestFlowOnboardings drives whole onboardings through the Flow, with no
// UI: each app's outcome, the draft saved last, the bundle, and what a
// resumed draft brings back.
func TestFlowOnboardings(t *testing.T) {
	all := []string{"users", "presence", "cdr"}
	for _, tc := range []struct {
		name      string
		waits     map[string][]error
		ids       map[string][]idAnswer
		keys      map[string][]string
		quit      bool
		status    map[string]Status
		skipped   []string
		approvals []store.ApprovalNote
		queue     []string // once the last draft is resumed with the same apps
		noOrg     bool
	}{
		{name: "happy", status: map[string]Status{"users": Authorized, "presence": Authorized, "cdr": Authorized}},
		{name: "denied then skipped",
			waits:  map[string][]error{"presence": {flows.ErrDenied}},
			keys:   map[string][]string{"presence": {"s", "y"}},
			status: map[string]Status{"users": Authorized, "presence": Failed, "cdr": Authorized}, skipped: []string{"presence"}},
		{name: "expired five times renews, the sixth asks",
			waits:  map[string][]error{"users": {errExpiredCode, errExpiredCode, errExpiredCode, errExpiredCode, errExpiredCode, errExpiredCode}},
			keys:   map[string][]string{"users": {"s", "y"}},
			status: map[string]Status{"users": Failed, "presence": Authorized, "cdr": Authorized}, skipped: []string{"users"}},
		{name: "expired, renewed, approved",
			waits:  map[string][]error{"users": {errExpiredCode}},
			status: map[string]Status{"users": Authorized, "presence": Authorized, "cdr": Authorized}},
		{name: "denied, try again, approved",
			waits:  map[string][]error{"cdr": {flows.ErrDenied}},
			keys:   map[string][]string{"cdr": {"r"}},
			status: map[string]Status{"users": Authorized, "presence": Authorized, "cdr": Authorized}},
		{name: "wrong approver accepted",
			ids:    map[string][]idAnswer{"cdr": {{id: bob()}}},
			keys:   map[string][]string{"cdr": {"a"}},
			status: map[string]Status{"users": Authorized, "presence": Authorized, "cdr": Authorized},
			approvals: []store.ApprovalNote{{AppID: "cdr", Warnings: []string{
				"Bob Helper is not a Full Administrator of the Webex organization; UCX Suite needs a Full Admin's authorization.",
				"Bob Helper (bob@help.example) is not the admin named in the customer data (jane.admin@acme.example)."}}}},
		{name: "wrong approver, authorize again",
			ids:    map[string][]idAnswer{"presence": {{id: bob()}}},
			keys:   map[string][]string{"presence": {"r"}},
			status: map[string]Status{"users": Authorized, "presence": Authorized, "cdr": Authorized}},
		{name: "wrong approver skipped",
			ids:    map[string][]idAnswer{"presence": {{id: bob()}}},
			keys:   map[string][]string{"presence": {"s", "n", "s", "y"}},
			status: map[string]Status{"users": Authorized, "presence": Skipped, "cdr": Authorized}, skipped: []string{"presence"}},
		{name: "check failed, checked again",
			ids:    map[string][]idAnswer{"users": {{err: errors.New("people/me: HTTP 503")}}},
			keys:   map[string][]string{"users": {"i"}},
			status: map[string]Status{"users": Authorized, "presence": Authorized, "cdr": Authorized}},
		{name: "check failed, accepted unchecked",
			ids:       map[string][]idAnswer{"users": {{err: errors.New("people/me: HTTP 503")}}},
			keys:      map[string][]string{"users": {"a"}},
			status:    map[string]Status{"users": Authorized, "presence": Authorized, "cdr": Authorized},
			approvals: []store.ApprovalNote{{AppID: "users", Warnings: []string{"Could not tell who approved (people/me: HTTP 503)."}}}},
		{name: "failed then skipped",
			waits:  map[string][]error{"users": {errors.New("boom")}},
			keys:   map[string][]string{"users": {"s", "y"}},
			status: map[string]Status{"users": Failed, "presence": Authorized, "cdr": Authorized}, skipped: []string{"users"}},
		{name: "quit while warned: undecided, asked again on resume",
			ids:  map[string][]idAnswer{"presence": {{id: bob()}}},
			keys: map[string][]string{"presence": {"q", "n", "q", "y"}}, quit: true,
			status: map[string]Status{"users": Authorized, "presence": Authorized},
			approvals: []store.ApprovalNote{{AppID: "presence", Undecided: true, Warnings: []string{
				"Bob Helper is not a Full Administrator of the Webex organization; UCX Suite needs a Full Admin's authorization.",
				"Bob Helper (bob@help.example) is not the admin named in the customer data (jane.admin@acme.example)."}}},
			queue: []string{"presence", "cdr"}},
		{name: "quit while the check failed: kept unchecked, checked again on resume",
			ids:  map[string][]idAnswer{"users": {{err: errors.New("people/me: HTTP 503")}}},
			keys: map[string][]string{"users": {"q", "y"}}, quit: true,
			status: map[string]Status{"users": Authorized}, queue: all, noOrg: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, Config{Drafts: true})
			for k, v := range tc.waits {
				w.waits[k] = slices.Clone(v)
			}
			for k, v := range tc.ids {
				w.ids[k] = slices.Clone(v)
			}
			for k, v := range tc.keys {
				w.keys[k] = slices.Clone(v)
			}
			w.drive(acme)
			if got := w.quit != nil && w.quit.Err != nil; got != tc.quit {
				t.Fatalf("quit with an error: %v, want %v (%s)", got, tc.quit, summary(w.f))
			}
			for id, k := range w.keys {
				if len(k) > 0 {
					t.Errorf("keys left for %s: %q", id, k)
				}
			}
			s := w.f.Session()
			got := map[string]Status{}
			for id, r := range s.Results {
				got[id] = r.Status
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.status) {
				t.Errorf("statuses %v, want %v", got, tc.status)
			}
			if len(w.saves) == 0 {
				t.Fatal("nothing saved")
			}
			d := w.saves[len(w.saves)-1]
			if fmt.Sprint(d.SkippedApps) != fmt.Sprint(tc.skipped) || fmt.Sprintf("%+v", d.Approvals) != fmt.Sprintf("%+v", tc.approvals) {
				t.Errorf("draft skipped %v approvals %+v, want %v %+v", d.SkippedApps, d.Approvals, tc.skipped, tc.approvals)
			}
			if !tc.noOrg && (d.Org.ID != "org-1" || d.Org.Name != "Acme" || d.Org.UserCount != 250) {
				t.Errorf("draft org %+v", d.Org)
			}
			if tc.quit != (w.bundle == nil) {
				t.Fatalf("bundle written: %v", w.bundle != nil)
			}
			if b := w.bundle; b != nil {
				if len(b.Apps) != len(d.Apps) || !b.Created.Equal(t0) || b.Created.Location() != time.UTC {
					t.Errorf("bundle: %d apps (draft %d), created %v", len(b.Apps), len(d.Apps), b.Created)
				}
				for _, id := range tc.skipped {
					app, _ := s.App(id)
					if !slices.ContainsFunc(b.Warnings, func(w string) bool {
						return strings.HasPrefix(w, app.Name+" was skipped") || strings.HasPrefix(w, app.Name+" failed")
					}) {
						t.Errorf("no bundle warning for %s: %q", id, b.Warnings)
					}
				}
			}
			// The draft's and the flow's formatting never show a token.
			j, _ := json.Marshal(d)
			for _, out := range []string{fmt.Sprintf("%v %+v %#v", d, w.f, w.f.View()), string(j)} {
				if strings.Contains(out, "tok-FAKE") {
					t.Errorf("a token is shown: %s", out)
				}
			}
			if !tc.quit {
				return
			}
			// Resume the last draft in a new run: the same apps, and the
			// approval kept undecided or unchecked comes back first.
			again := newWorld(t, Config{Drafts: true}, d)
			again.keys["presence"] = []string{"a"}
			again.send(ResumeDraft{ID: "nope"}) // not at the resume step: nothing
			if again.f.View().Step != StepResume {
				t.Fatalf("resume: %s", summary(again.f))
			}
			again.send(ResumeDraft{ID: d.ID})
			again.send(CustomerEntered{Customer: again.f.View().Customer})
			again.hold = true
			again.send(AppsChosen{IDs: again.f.View().Selected})
			if q := again.f.Session().Queue; fmt.Sprint(q) != fmt.Sprint(tc.queue) {
				t.Errorf("queue after resume %v, want %v", q, tc.queue)
			}
			again.hold = false
			again.release()
			again.drive(acme)
			if again.bundle == nil || again.f.Session().Authorized() != 3 {
				t.Errorf("resumed run: %s, %d authorized", summary(again.f), again.f.Session().Authorized())
			}
		})
	}
}

// The places a choice table starts from: each brings a flow (calls held)
// to one step and phase.
var choiceSetups = []struct {
	name  string
	cfg   Config
	setup func(w *world)
}{
	{"checks", Config{Preflight: true}, nil},
	{"checks/blocked", Config{Preflight: true}, func(w *world) {
		w.checks = []Check{{Name: "Webex", Blocking: true}}
		w.pick("r")
		w.release()
	}},
	{"checks/running", Config{Preflight: true}, func(w *world) { w.pick("r") }},
	{"resume", Config{Drafts: true}, nil},
	{"customer", Config{}, nil},
	{"apps", Config{}, func(w *world) { w.send(CustomerEntered{Customer: acme}) }},
	{"starting", Config{}, toAuthorize},
	{"waiting", Config{}, toWaiting},
	{"waiting+down", Config{}, func(w *world) {
		toWaiting(w)
		w.send(Polled{Gen: w.f.View().Auth.Gen, Event: flows.PollEvent{Outcome: flows.PollTransient, Unreachable: true, TryNow: func() {}}})
	}},
	{"renewing", Config{}, func(w *world) { toWaiting(w); w.waits["users"] = []error{errExpiredCode}; w.release() }},
	{"identifying", Config{}, toIdentifying},
	{"warning", Config{}, func(w *world) { toIdentifying(w); w.ids["users"] = []idAnswer{{id: bob()}}; w.release() }},
	{"warning+email", Config{}, func(w *world) {
		ceo := jane()
		ceo.Emails = []string{"ceo@acme.example"}
		toIdentifying(w)
		w.ids["users"] = []idAnswer{{id: ceo}}
		w.release()
	}},
	{"unidentified", Config{}, func(w *world) {
		toIdentifying(w)
		w.ids["users"] = []idAnswer{{err: errors.New("people/me: HTTP 503")}}
		w.release()
	}},
	{"failed", Config{}, func(w *world) { toWaiting(w); w.waits["users"] = []error{errors.New("boom")}; w.release() }},
	{"failed+secret", Config{}, func(w *world) { toWaiting(w); w.waits["users"] = []error{flows.ErrInvalidClient}; w.release() }},
	{"waiting+skip", Config{}, func(w *world) { toWaiting(w); w.pick("s") }},
	{"waiting+quit", Config{Drafts: true}, func(w *world) { toWaiting(w); w.pick("q") }},
	{"review", Config{}, toReview},
	{"review+skipped", Config{}, func(w *world) {
		w.keys["cdr"] = []string{"s", "y"}
		w.waits["cdr"] = []error{flows.ErrDenied}
		toReview(w)
	}},
	{"review/writing", Config{}, func(w *world) { toReview(w); w.send(Complete{}) }},
	{"done", Config{}, func(w *world) { toReview(w); w.send(Complete{}); w.release() }},
}

func toAuthorize(w *world) {
	w.send(CustomerEntered{Customer: acme})
	w.send(AppsChosen{IDs: []string{"users", "presence", "cdr"}})
}

func toWaiting(w *world) { toAuthorize(w); w.release() }

func toIdentifying(w *world) { toWaiting(w); w.release() }

// toReview authorizes every app (the scripted keys decide) and opens the
// review, the calls held again.
func toReview(w *world) {
	w.hold = false
	w.drive1(StepReview)
	w.hold = true
}

// drive1 drives the flow until it reaches step.
func (w *world) drive1(step Step) {
	w.t.Helper()
	for guard := 0; guard < 100 && w.f.View().Step != step; guard++ {
		switch v := w.f.View(); v.Step {
		case StepCustomer:
			w.send(CustomerEntered{Customer: acme})
		case StepApps:
			w.send(AppsChosen{IDs: v.Selected})
		case StepAuthorize:
			k := w.keys[v.Auth.App.ID]
			if len(k) == 0 {
				w.t.Fatalf("%s: no key scripted", summary(w.f))
			}
			w.keys[v.Auth.App.ID] = k[1:]
			w.pick(k[0])
		default:
			w.t.Fatalf("drive1: at %s", summary(w.f))
		}
	}
}

// TestFlowChoices takes every choice in every place of the flow: a legal
// choice leads where the table says (with the effects it names), one not
// legal there changes nothing and asks for nothing. Both front-ends offer
// exactly View.Choices, so this is the flow of both.
func TestFlowChoices(t *testing.T) {
	type want struct {
		to      string
		effects []string // effect types expected among those of the choice
	}
	table := map[string]map[Choice]want{
		"checks": {
			ChoiceContinue: {to: "customer"},
			ChoiceRecheck:  {to: "checks/running", effects: []string{"RunChecks"}},
			ChoiceQuit:     {to: "ended:aborted", effects: []string{"Quit"}},
		},
		"checks/blocked": {
			ChoiceRecheck: {to: "checks/running", effects: []string{"RunChecks"}},
			ChoiceQuit:    {to: "ended:blocked", effects: []string{"Quit"}},
		},
		"checks/running": {ChoiceQuit: {to: "ended:aborted"}},
		"resume": {
			ChoiceStartNew: {to: "customer"},
			ChoiceQuit:     {to: "ended:aborted"},
		},
		"customer": {ChoiceQuit: {to: "customer+quit?"}},
		"apps":     {ChoiceQuit: {to: "apps+quit?"}},
		"starting": {
			ChoiceNewCode: {to: "authorize/starting:users", effects: []string{"StartCode"}},
			ChoiceSkip:    {to: "authorize/starting+skip:users"},
			ChoiceQuit:    {to: "authorize/starting:users+quit?"},
		},
		"waiting": {
			ChoiceNewCode: {to: "authorize/renewing:users", effects: []string{"StartCode"}},
			ChoiceSkip:    {to: "authorize/waiting+skip:users"},
			ChoiceQuit:    {to: "authorize/waiting:users+quit?"},
		},
		"waiting+down": {
			ChoiceTryNow: {to: "authorize/waiting+down:users", effects: []string{"TryNow"}},
			ChoiceSkip:   {to: "authorize/waiting+down+skip:users"},
			ChoiceQuit:   {to: "authorize/waiting+down:users+quit?"},
		},
		"renewing": {
			ChoiceNewCode: {to: "authorize/renewing:users", effects: []string{"StartCode"}},
			ChoiceSkip:    {to: "authorize/renewing+skip:users"},
			ChoiceQuit:    {to: "authorize/renewing:users+quit?"},
		},
		"identifying": {
			ChoiceSkip: {to: "authorize/identifying+skip:users"},
			ChoiceQuit: {to: "authorize/identifying:users+quit?"},
		},
		"warning": {
			// Bob is no Full Admin either: the warning stays.
			ChoiceUseEmail: {to: "authorize/warning:users"},
			ChoiceAccept:   {to: "authorize/starting:presence", effects: []string{"StopCalls", "StartCode"}},
			ChoiceNewCode:  {to: "authorize/renewing:users", effects: []string{"StartCode"}},
			ChoiceSkip:     {to: "authorize/warning+skip:users"},
			ChoiceQuit:     {to: "authorize/warning:users+quit?"},
		},
		"warning+email": {
			ChoiceAccept:   {to: "authorize/starting:presence", effects: []string{"StartCode"}},
			ChoiceUseEmail: {to: "authorize/starting:presence", effects: []string{"StartCode"}},
			ChoiceNewCode:  {to: "authorize/renewing:users", effects: []string{"StartCode"}},
			ChoiceSkip:     {to: "authorize/warning+skip:users"},
			ChoiceQuit:     {to: "authorize/warning:users+quit?"},
		},
		"unidentified": {
			ChoiceIdentify: {to: "authorize/identifying:users", effects: []string{"CheckApprover"}},
			ChoiceAccept:   {to: "authorize/starting:presence", effects: []string{"StartCode"}},
			ChoiceNewCode:  {to: "authorize/renewing:users", effects: []string{"StartCode"}},
			ChoiceSkip:     {to: "authorize/unidentified+skip:users"},
			ChoiceQuit:     {to: "authorize/unidentified:users+quit?"},
		},
		"failed": {
			ChoiceNewCode: {to: "authorize/renewing:users", effects: []string{"StartCode"}},
			ChoiceSkip:    {to: "authorize/failed+skip:users"},
			ChoiceQuit:    {to: "authorize/failed:users+quit?"},
		},
		"failed+secret": {
			ChoiceLeaveSecret: {to: "authorize/failed:users"},
			ChoiceQuit:        {to: "authorize/failed+secret:users+quit?"},
		},
		"waiting+skip": {
			ChoiceSkipYes: {to: "authorize/starting:presence", effects: []string{"StopCalls", "StartCode"}},
			ChoiceSkipNo:  {to: "authorize/waiting:users"},
			ChoiceQuit:    {to: "authorize/waiting+skip:users+quit?"},
		},
		"waiting+quit": {
			ChoiceQuitYes: {to: "ended:aborted", effects: []string{"StopCalls", "Save", "Quit"}},
			ChoiceQuitNo:  {to: "authorize/waiting:users"},
		},
		"review": {
			ChoiceComplete: {to: "review/writing", effects: []string{"WriteBundle"}},
			ChoiceQuit:     {to: "review+quit?"},
		},
		"review+skipped": {
			ChoiceComplete: {to: "review/writing", effects: []string{"WriteBundle"}},
			ChoiceBack:     {to: "authorize/starting:cdr", effects: []string{"StartCode"}},
			ChoiceQuit:     {to: "review+quit?"},
		},
		"review/writing": {ChoiceQuit: {to: "review/writing+holdon"}},
		"done": {
			ChoiceContinue: {to: "ended:ok", effects: []string{"Quit"}},
			ChoiceQuit:     {to: "ended:ok", effects: []string{"Quit"}},
		},
	}
	for _, sc := range choiceSetups {
		wants, ok := table[sc.name]
		if !ok {
			t.Errorf("no table for %s", sc.name)
			continue
		}
		for c := ChoiceNone + 1; c <= ChoiceQuitNo; c++ {
			t.Run(fmt.Sprintf("%s/%d", sc.name, c), func(t *testing.T) {
				var drafts []store.Draft
				if sc.name == "resume" {
					drafts = []store.Draft{{ID: "d1", Customer: acme}}
				}
				w := newWorld(t, sc.cfg, drafts...)
				w.hold = true
				w.keys["users"], w.keys["presence"] = []string{}, []string{}
				if sc.setup != nil {
					sc.setup(w)
				}
				before, n := summary(w.f), len(w.fx)
				legal := slices.ContainsFunc(w.f.View().Choices, func(o Option) bool { return o.Choice == c })
				wt, inTable := wants[c]
				if legal != inTable {
					t.Fatalf("at %s, choice %d legal: %v, the table says %v", before, c, legal, inTable)
				}
				w.send(Pick{c})
				after := summary(w.f)
				var got []string
				for _, e := range w.fx[n:] {
					got = append(got, strings.TrimPrefix(fmt.Sprintf("%T", e), "wizard."))
				}
				if !legal {
					if after != before || len(got) > 0 {
						t.Fatalf("choice %d, not legal at %s, led to %s with %v", c, before, after, got)
					}
					return
				}
				if after != wt.to {
					t.Errorf("choice %d at %s led to %s, want %s", c, before, after, wt.to)
				}
				for _, e := range wt.effects {
					if !slices.Contains(got, e) {
						t.Errorf("choice %d at %s: effects %v, want %s among them", c, before, got, e)
					}
				}
			})
		}
	}
}

// TestFlowSkipWhileWaiting: s while a code is shown asks first and keeps
// the wait going (one behaviour for both front-ends): n keeps the same
// code, and an approval that arrives meanwhile is kept and checked.
func TestFlowSkipWhileWaiting(t *testing.T) {
	w := newWorld(t, Config{Drafts: true})
	w.hold = true
	toWaiting(w)
	gen, code := w.f.View().Auth.Gen, w.f.View().Auth.Code
	w.pick("s")
	n := len(w.fx)
	w.pick("n")
	if v := w.f.View().Auth; v.Gen != gen || v.Code != code || len(w.fx) != n || v.Phase != PhaseWaiting {
		t.Fatalf("n after s: gen %d→%d, effects %v, %s", gen, v.Gen, w.fx[n:], summary(w.f))
	}
	w.pick("s")
	w.release() // the admin approves while the question is asked
	if got := summary(w.f); got != "authorize/identifying+skip:users" {
		t.Fatalf("approval during the question: %s", got)
	}
	if last := w.saves[len(w.saves)-1]; len(last.Apps) != 1 {
		t.Fatalf("the approval is not kept in the draft: %+v", last.Apps)
	}
	if q := SkipQuestion("Users", w.f.View().Auth.Approved); !strings.Contains(q, "drop the admin's approval") {
		t.Errorf("the question does not say an approval would be dropped: %q", q)
	}
	w.pick("n")
	w.release()
	if got := summary(w.f); got != "authorize/starting:presence" {
		t.Fatalf("after the check: %s", got)
	}
	if j := w.f.View().Just; j == nil || j.App.ID != "users" || j.Status != Authorized {
		t.Fatalf("the app just done: %+v", j)
	}
}

// TestFlowCompleteWhileOrgRead: COMPLETE REQUEST chosen while the org's
// name and size are read is kept, and acted on once they are in.
func TestFlowCompleteWhileOrgRead(t *testing.T) {
	w := newWorld(t, Config{})
	w.hold = true
	toReview(w)
	w.send(OrgRead{Facts: OrgFacts{Identity: flows.Identity{OrgID: "org-1"}, Pending: true}})
	w.pick("enter")
	if got := summary(w.f); got != "review/queued" {
		t.Fatalf("enter while the org is read: %s", got)
	}
	w.send(OrgRead{Facts: OrgFacts{Identity: flows.Identity{OrgID: "org-1", OrgName: "Acme Corp"}}})
	if got := summary(w.f); got != "review/writing" {
		t.Fatalf("once read: %s", got)
	}
	w.release()
	if w.bundle == nil || w.bundle.Org.Name != "Acme Corp" {
		t.Fatalf("bundle %+v", w.bundle)
	}
}

// TestFlowLateApproval: an approval that arrives after the quit is kept in
// the draft (the approver is checked on resume).
func TestFlowLateApproval(t *testing.T) {
	w := newWorld(t, Config{Drafts: true})
	w.hold = true
	toWaiting(w)
	w.pick("q")
	w.pick("y")
	if w.quit == nil || !errors.Is(w.quit.Err, ErrUserAborted) {
		t.Fatalf("quit %+v", w.quit)
	}
	n := len(w.saves)
	w.release()
	if len(w.saves) != n+1 || len(w.saves[n].Apps) != 1 || !NoApprover(w.saves[n].Apps[0].Approver) {
		t.Fatalf("late approval: saves %d→%d", n, len(w.saves))
	}
}

// TestFlowTypedSecret: a secret rejected while the code is valid is asked
// for; the same code is redeemed with the one typed; once the code has
// expired, it is too late (a fresh code).
func TestFlowTypedSecret(t *testing.T) {
	for _, late := range []bool{false, true} {
		w := newWorld(t, Config{})
		w.hold = true
		toWaiting(w)
		code := w.f.View().Auth.Code
		w.waits["users"] = []error{flows.ErrInvalidClient}
		w.release()
		if got := summary(w.f); got != "authorize/failed+secret:users" {
			t.Fatalf("rejected secret: %s", got)
		}
		w.send(SecretTyped{}) // empty: ignored
		if late {
			w.now = code.Expiry
		}
		w.send(SecretTyped{Secret: "s3cret-typed-by-hand"})
		v := w.f.View().Auth
		switch {
		case late && (v.Phase != PhaseFailed || v.AskSecret || !errors.Is(v.Err, flows.ErrExpired)):
			t.Fatalf("late secret: %s, %v", summary(w.f), v.Err)
		case !late && (v.Phase != PhaseWaiting || v.Code != code || v.App.SecretSource != TypedSecret):
			t.Fatalf("secret typed: %s, code %v", summary(w.f), v.Code)
		}
	}
}

// TestFlowQuitAskedBeforeQueuedWrite: the quit question asked while
// COMPLETE REQUEST waits for the org gives way to the hold-on once the
// write starts: it cannot be stopped halfway, so y is no choice then.
func TestFlowQuitAskedBeforeQueuedWrite(t *testing.T) {
	w := newWorld(t, Config{Drafts: true})
	w.hold = true
	toReview(w)
	w.send(OrgRead{Facts: OrgFacts{Identity: flows.Identity{OrgID: "org-1"}, Pending: true}})
	w.pick("enter")
	w.pick("q")
	if got := summary(w.f); got != "review/queued+quit?" {
		t.Fatalf("q while queued: %s", got)
	}
	saves := len(w.saves)
	w.send(OrgRead{Facts: OrgFacts{Identity: flows.Identity{OrgID: "org-1", OrgName: "Acme Corp"}}})
	if got := summary(w.f); got != "review/writing+holdon" {
		t.Fatalf("once read: %s", got)
	}
	w.release()
	if got := summary(w.f); w.bundle == nil || len(w.saves) != saves || w.quit != nil || !strings.HasPrefix(got, "done") {
		t.Fatalf("after the write: %s, bundle %v, saves %d -> %d, quit %+v", got, w.bundle != nil, saves, len(w.saves), w.quit)
	}
}

// TestFlowBundleNamedAtComplete: the bundle's name is asked for again when
// COMPLETE REQUEST writes it; when it is not the one the review showed (a
// file appeared meanwhile), Done says so.
func TestFlowBundleNamedAtComplete(t *testing.T) {
	w := newWorld(t, Config{})
	names := []string{"acme.ucxbundle", "acme-2.ucxbundle"}
	w.f.cfg.OutPath = func(string, time.Time) string {
		n := names[0]
		if len(names) > 1 {
			names = names[1:]
		}
		return n
	}
	toReview(w)
	if got := w.f.View().Review.OutPath; got != "acme.ucxbundle" {
		t.Fatalf("the review shows %q", got)
	}
	w.send(Complete{})
	w.release()
	v := w.f.View()
	if v.Done == nil || v.Done.Receipt.BundlePath != "acme-2.ucxbundle" || v.Done.Planned != "acme.ucxbundle" {
		t.Fatalf("done %+v", v.Done)
	}
	d := DoneContent{Receipt: v.Done.Receipt, Planned: v.Done.Planned}
	if n := d.Renamed(); !strings.Contains(n, "acme.ucxbundle") || !strings.Contains(n, "acme-2.ucxbundle") {
		t.Errorf("Renamed() = %q", n)
	}
	if n := (DoneContent{Receipt: v.Done.Receipt, Planned: "acme-2.ucxbundle"}).Renamed(); n != "" {
		t.Errorf("same name, yet Renamed() = %q", n)
	}
}
