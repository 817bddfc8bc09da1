package wizard

import (
	"errors"
	"fmt"
	"time"

	"github.com/imagicle/ucx-onboard/flows"
)

// What both front-ends say while a code is shown and awaited: its notices,
// and the retries of a call in progress.

// RetryCause words a retry's cause and attempt: "Webex is busy (HTTP 503,
// attempt 2)" for a 408 or 5xx answer, "Webex asked to slow down (attempt
// 2)" for a 429, "No answer from Webex (attempt 2)" otherwise (no answer,
// or one cut short).
func RetryCause(ev flows.RetryEvent) string {
	var we *flows.WebexError
	switch {
	case errors.As(ev.Err, &we) && we.Status == 429:
		return fmt.Sprintf("Webex asked to slow down (attempt %d)", ev.Attempt)
	case errors.As(ev.Err, &we) && we.Status == 423:
		return fmt.Sprintf("Webex says it is locked for now (HTTP 423, attempt %d)", ev.Attempt)
	case errors.As(ev.Err, &we):
		return fmt.Sprintf("Webex is busy (HTTP %d, attempt %d)", we.Status, ev.Attempt)
	}
	return fmt.Sprintf("No answer from Webex (attempt %d)", ev.Attempt)
}

// RetryText is a retry on one line, for the accessible flow: "No answer
// from Webex (attempt 2), retrying in 4s: <error>" (see RetryCause).
func RetryText(ev flows.RetryEvent) string {
	line := fmt.Sprintf("%s, retrying in %ds", RetryCause(ev), int((ev.Wait+time.Second-1)/time.Second))
	if d := CleanErrorDetail(ev.Err); d != "" {
		line += ": " + d
	}
	return line
}

// CodeNotice is DeviceCode.Notice as shown: flows words it whole (why the
// link with the code is not used, and that the code is to be typed), so it
// is only cleaned here, never wrapped in more words.
func CodeNotice(notice string) string {
	return Clean(notice)
}

// ExpiredNotice says that n codes in a row expired unused, the last at at,
// and names the likely cause when the admin says they approved.
func ExpiredNotice(n int, at time.Time) string {
	what := "The previous code expired at " + at.Format("15:04") + " unused."
	if n > 1 {
		what = fmt.Sprintf("The previous %d codes expired unused, the last at %s.", n, at.Format("15:04"))
	}
	return what + " " + RedirectHint
}
