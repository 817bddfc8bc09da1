package wizard

import "slices"

// SkipQuestion is the question both front-ends ask before skipping app
// (key s): a skip is never taken at once. approved tells an approval in
// hand (the admin's phone login would be lost with it). The review can go
// back to a skipped app (Session.Reopen).
func SkipQuestion(appName string, approved bool) string {
	if approved {
		return "Skip " + appName + " and drop the admin's approval of it? (y/n)"
	}
	return "Skip " + appName + "? The review can come back to it. (y/n)"
}

// Reopenable are the selected apps the review can go back to: those
// skipped or failed, in catalog order.
func (s *Session) Reopenable() []string {
	var ids []string
	for _, id := range s.Selected {
		if r := s.Results[id]; r != nil && (r.Status == Skipped || r.Status == Failed) {
			ids = append(ids, id)
		}
	}
	return ids
}

// Reopen takes the review back to the skipped and failed apps
// (Reopenable): their outcomes are dropped and they are queued again, in
// catalog order, ahead of anything still queued. It returns how many were
// reopened (0: nothing to go back to, the queue is unchanged).
func (s *Session) Reopen() int {
	ids := s.Reopenable()
	for _, id := range ids {
		delete(s.Results, id)
	}
	var rest []string
	for _, id := range s.Queue {
		if !slices.Contains(ids, id) {
			rest = append(rest, id)
		}
	}
	s.Queue = append(ids, rest...)
	return len(ids)
}

// JustDone says what became of app r, for the next app's screen: "Users'
// Synch approved by Jane Admin (Full Admin)", "… skipped", "… not
// authorized".
func JustDone(r Result) string {
	name := Clean(r.App.Name)
	switch r.Status {
	case Authorized:
		a := r.Grant.Approver
		who := Clean(a.DisplayName)
		if who == "" {
			who = Clean(a.Email)
		}
		switch {
		case a.NotIdentified != "" || who == "":
			return name + " approved (approver not identified)"
		case a.FullAdmin:
			return name + " approved by " + who + " (Full Admin)"
		}
		return name + " approved by " + who + " (not a Full Admin)"
	case Skipped:
		return name + " skipped"
	}
	return name + " not authorized"
}
