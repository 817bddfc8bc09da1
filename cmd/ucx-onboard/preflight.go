package main

// The preflight: the checks the wizard runs before the customer form, in
// their order, and the Webex checks among them: reachability, and one
// check per app of its client ID, permissions and secret, worded by what
// Webex answered.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/tui"
	wizardcore "github.com/imagicle/ucx-onboard/tui/wizard"
)

// reachabilityCheck names the preflight check that pings Webex.
const reachabilityCheck = "Webex API reachable"

// preflightInputs is what the preflight checks look at: the outcome of
// each builder, and the Webex the checks ask.
type preflightInputs struct {
	opts       wizardOptions
	apps       []flows.App
	catalogErr error
	client     *flows.Client
	baseURL    string
	protection tui.Protection
	outDir     string
	stateDir   string
	draftsErr  error
	// recorded tells an --out that a draft recorded as its bundle.
	recorded func(path string) bool
}

// buildPreflight returns the wizard's preflight: the catalog check, the
// Webex checks (reachability and one per app), then protection, output
// folder and drafts, in that order.
func buildPreflight(in preflightInputs) func(context.Context) []tui.Check {
	return func(ctx context.Context) []tui.Check {
		checks := []tui.Check{catalogCheck(in.apps, in.catalogErr, in.opts)}
		checks = append(checks, webexChecks(ctx, in.client, in.apps, in.baseURL, catalogSource(in.opts))...)
		return append(checks,
			protectionCheck(in.protection, nil),
			outputCheck(in.opts.out, in.outDir, in.recorded),
			draftsCheck(in.stateDir, in.draftsErr),
		)
	}
}

// reachCheck pings the Webex API. Unreachable is a warning, not a block:
// the engineer may go on (e.g. enter the customer's data while the
// network is fixed); the authorization screens say it again. The fix
// names the proxy only when the ping went through one (flows.Client.Proxy,
// the route the error names): not when NO_PROXY sent it direct.
func reachCheck(ctx context.Context, c *flows.Client, base string) tui.Check {
	ck := tui.Check{Name: reachabilityCheck}
	if err := c.Ping(ctx); err != nil {
		ck.Detail = wizardcore.ErrorText(err) // the route is in the fix
		ck.Fix = "UCX onboarding needs HTTPS to " + base + "; check the network"
		switch proxy, env := c.Proxy(); {
		case env != "":
			ck.Fix += " and the proxy in " + env
		case proxy == "(not usable)":
			ck.Fix += " and the proxy setting"
		case proxy != "":
			ck.Fix += " and the proxy " + proxy
		}
		ck.Fix += ", then press r"
		return ck
	}
	ck.OK = true
	ck.Detail = base + " answers"
	return ck
}

// verifyTimeout bounds the Webex checks of one preflight run. When Webex
// answers they take about one poll interval (2 s at Webex); an app still
// unanswered then is "not verified".
const verifyTimeout = 20 * time.Second

// webexChecks runs the reachability check and, in parallel, one
// flows.Client.Verify per app (each in about one interval), and returns
// the reachability check followed by one check per app, in catalog order.
// When the ping fails the verifications still running are stopped: their
// apps are "not verified".
func webexChecks(ctx context.Context, c *flows.Client, apps []flows.App, base, source string) []tui.Check {
	ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	checks := make([]tui.Check, 1+len(apps))
	var pingFailed atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1 + len(apps))
	go func() {
		defer wg.Done()
		checks[0] = reachCheck(ctx, c, base)
		if !checks[0].OK {
			pingFailed.Store(true)
			cancel()
		}
	}()
	for i, app := range apps {
		if app.Secret.IsZero() {
			// No secret to verify (the catalog check says why): this
			// app cannot be authorized; the others can.
			wg.Done()
			checks[1+i] = missingSecretCheck(app)
			continue
		}
		go func() {
			defer wg.Done()
			res, err := c.Verify(ctx, app)
			checks[1+i] = verifyCheck(app, res, err, pingFailed.Load(), source)
		}()
	}
	wg.Wait()
	return checks
}

// missingSecretCheck is the check of an app whose client secret is not
// available: it stops that app only.
func missingSecretCheck(app flows.App) tui.Check {
	src := app.SecretSource
	if src == "" {
		src = "its client secret"
	}
	ck := tui.Check{Name: appCheckName(app.ID), App: app.ID, AppBlocked: true, AtStart: true}
	ck.Detail = "secret missing: fix " + src
	ck.Fix = fmt.Sprintf("set %s to the app's client secret", src)
	if strings.HasPrefix(src, "file ") {
		ck.Fix = fmt.Sprintf("put the app's client secret in %s", src)
	}
	ck.Fix += " and start again (secrets are read at start), or go on without this app"
	return ck
}

// appCheckName names the preflight check of one catalog app.
func appCheckName(id string) string { return "App " + id }

// pendingNote explains, once below the checks, why an app Webex answered
// "pending" for has its secret "not proven yet".
const pendingNote = "Webex answers a test code with \"pending\" without looking at the client secret: " +
	"a wrong secret shows only when the customer's approval is redeemed."

// approvedNote explains, once below the checks, how a secret was proven
// (Webex approved a test code, which happens when the fake or a test org
// approves at once) and that the token was not kept.
const approvedNote = "Where the secret is \"accepted\", Webex issued a token for the test code: it was dropped, not kept."

// fieldWords names a catalog field Webex refused in plain words.
func fieldWords(field string) string {
	switch field {
	case "client_id":
		return "client ID"
	case "scopes":
		return "permissions (scopes)"
	}
	return "client ID or permissions (scopes)"
}

// verifyCheck words the outcome of flows.Client.Verify for one app: what
// Webex answered, what it means, and what to fix, claiming only what was
// seen: "pending" is "secret not rejected", only a token is "secret OK".
// A refused client_id or scopes and a rejected secret stop that app only
// (AppBlocked: "cannot be authorized"); everything that leaves the
// credentials unconfirmed is a warning ("not verified"), and the engineer
// may go on.
func verifyCheck(app flows.App, res flows.VerifyResult, err error, pingFailed bool, source string) tui.Check {
	// Named by the app's short id: an app's full name would be cut to fit
	// the screen's name column.
	ck := tui.Check{Name: appCheckName(app.ID)}
	say := func(format string, args ...any) {
		ck.Detail = fmt.Sprintf(format, args...)
	}
	retry := "press r to check again, or go on"
	if err != nil {
		switch {
		case pingFailed:
			// The reachability check says why and what to do; one line
			// per app is enough.
			say("not checked: Webex cannot be reached (see above)")
			return ck
		case errors.Is(err, context.DeadlineExceeded):
			say("not verified: Webex did not answer within %v", verifyTimeout)
		default:
			say("not checked: %s", verifyText(app, err))
		}
		ck.Fix = retry
		return ck
	}
	cause := ""
	if res.Err != nil {
		cause = " (" + verifyCause(app, res.Err, res.Outcome != flows.VerifySecretRejected) + ")"
	}
	switch res.Outcome {
	case flows.VerifyAccepted:
		// Pending says nothing of the secret where Webex checks it only
		// at redemption (undocumented): claim only what was seen.
		ck.OK = true
		say("client ID and permissions accepted; secret not proven yet")
		ck.Note = pendingNote
	case flows.VerifyApproved:
		ck.OK = true
		say("client ID, permissions and secret accepted")
		ck.Note = approvedNote
	case flows.VerifyClientRefused:
		// Only this app stops; the catalog is read at start.
		ck.App, ck.AppBlocked, ck.AtStart = app.ID, true, true
		say("Webex refuses its %s%s", fieldWords(res.Field), cause)
		switch res.Field {
		case "client_id":
			ck.Fix = fmt.Sprintf("correct client_id of app %s in %s: the integration ID is %s", app.ID, source, app.ClientID)
		case "scopes":
			ck.Fix = fmt.Sprintf("correct scopes of app %s in %s to those the integration holds", app.ID, source)
		default:
			ck.Fix = fmt.Sprintf("check client_id (%s) and scopes of app %s in %s against the integration", app.ClientID, app.ID, source)
		}
		ck.Fix += "; pass the corrected catalog with --apps and start again, or go on without this app"
	case flows.VerifySecretRejected:
		// Only this app stops; secrets are read at start.
		ck.App, ck.AppBlocked, ck.AtStart = app.ID, true, true
		src := res.SecretSource
		if src == "" {
			src = "the client secret (" + res.Field + ")"
		}
		say("secret rejected: fix %s%s", src, cause)
		ck.Fix = fmt.Sprintf("set %s to the app's client secret", src)
		if strings.HasPrefix(src, "file ") {
			ck.Fix = fmt.Sprintf("put the app's client secret in %s", src)
		}
		ck.Fix += " and start again (secrets are read at start), or go on without this app"
	case flows.VerifyUnreachable:
		if pingFailed {
			say("not checked: Webex cannot be reached (see above)")
			return ck
		}
		say("not verified: no usable answer from Webex%s", cause)
		ck.Fix = retry
	case flows.VerifyDenied:
		say("not verified: Webex answered \"access denied\" to a test code nobody was shown, so the integration may be blocked or disabled%s", cause)
		ck.Fix = "go on: if the customer's authorization is denied too, allow integration " + app.ClientID + " in Control Hub (Apps > Integrations)"
	default:
		say("not verified: unexpected answer%s", cause)
		ck.Fix = retry
	}
	return ck
}

// maxCauseLen cuts Webex's message in a check: the screen has room for
// about 20 lines of checks.
const maxCauseLen = 100

// verifyCause is what Webex answered, short: "HTTP 400 invalid_scope:
// <message>" (the message only withMessage), without the trackingId; a
// failure without an answer as verifyText words it.
func verifyCause(app flows.App, err error, withMessage bool) string {
	var we *flows.WebexError
	if !errors.As(err, &we) {
		return verifyText(app, err)
	}
	s := fmt.Sprintf("HTTP %d", we.Status)
	if we.Code != "" {
		s += " " + we.Code
	}
	if msg := []rune(we.Message); withMessage && len(msg) > 0 && !strings.EqualFold(we.Message, we.Code) {
		if len(msg) > maxCauseLen {
			msg = append(msg[:maxCauseLen], '…')
		}
		s += ": " + string(msg)
	}
	return s
}

// verifyText is a Verify error or cause in one line, without the
// "flows: <app>: start:" prefix of Start's errors.
func verifyText(app flows.App, err error) string {
	msg := err.Error()
	for _, p := range []string{"flows: " + app.ID + ": start: ", "flows: " + app.ID + ": verify: ", "flows: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return flows.Sanitize(strings.ReplaceAll(msg, "\n", "; "))
}
