package webextest

import (
	"html/template"
	"net/http"
	"strings"
)

// verifyPage is the fake Webex device-activation page. html/template
// escapes every value.
var verifyPage = template.Must(template.New("verify").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Webex (fake) - activate a device</title>
<style>body{font-family:sans-serif;max-width:32em;margin:2em auto;padding:0 1em}
.code{font-family:monospace;font-size:2em;letter-spacing:.15em}
button{font-size:1.1em;padding:.5em 1.5em;margin-right:1em}
.note{color:#666;font-size:.9em}</style></head><body>
<h1>Webex (fake)</h1>
<p class="note">This is webextest, a fake Webex for tests and demos. Nothing here is real.</p>
{{if .Message}}<p><strong>{{.Message}}</strong></p>{{end}}
{{if .Pending}}
<p>Code</p><p class="code">{{.UserCode}}</p>
<p><strong>{{.App}}</strong> asks for access to your organization <strong>{{.OrgName}}</strong>:</p>
<ul>{{range .Scopes}}<li>{{.}}</li>{{end}}</ul>
<p>Signed in as {{.Approver}}.</p>
<form method="post" action="/verify">
<input type="hidden" name="userCode" value="{{.Hash}}">
<button type="submit" name="action" value="approve">Approve</button>
<button type="submit" name="action" value="deny">Deny</button>
</form>
{{else if .AskCode}}
<form method="get" action="/verify">
<label>Enter the code shown on your device: <input name="user_code" autocomplete="off" autofocus></label>
<button type="submit">Continue</button>
</form>
{{end}}
</body></html>
`))

type verifyData struct {
	Message                      string
	Pending, AskCode             bool
	UserCode, App, OrgName, Hash string
	Approver                     string
	Scopes                       []string
}

// normalizeUserCode accepts a typed user code with spaces or dashes.
func normalizeUserCode(c string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimSpace(c))
}

func (s *Server) handleVerify(w http.ResponseWriter, r *http.Request, info *reqInfo) {
	if r.Method == http.MethodPost {
		if !s.parseForm(w, r) {
			return
		}
	}
	hash := r.FormValue("userCode")
	uc := normalizeUserCode(r.FormValue("user_code"))
	action := r.PostFormValue("action")

	status := http.StatusOK
	d := verifyData{}
	s.mu.Lock()
	var g *grant
	switch {
	case hash != "":
		g = s.byHash[hash]
	case uc != "":
		g = s.byUser[uc]
	}
	switch {
	case g == nil && (hash != "" || uc != ""):
		status = http.StatusNotFound
		d.Message, d.AskCode = "Unknown code. Check it and try again.", true
	case g == nil:
		d.AskCode = true
	default:
		info.clientID, info.userCode = g.clientID, g.userCode
		s.refreshState(g, s.now())
		switch {
		case g.state != statePending:
			if r.Method == http.MethodPost {
				status = http.StatusConflict
			}
			d.Message = "This code is " + g.state.String() + "; nothing to do."
		case r.Method == http.MethodPost && action == "approve":
			g.state, g.person = stateApproved, s.approver
			d.Message = "Approved. You can return to your device."
		case r.Method == http.MethodPost && action == "deny":
			g.state = stateDenied
			d.Message = "Denied. The device will be told."
		case r.Method == http.MethodPost:
			status = http.StatusBadRequest
			d.Message = "Choose Approve or Deny."
			fallthrough
		default:
			in := s.integrations[g.clientID]
			d.Pending = true
			d.UserCode, d.Hash, d.Scopes = g.userCode, g.hash, g.scopes
			d.App = in.Name
			if d.App == "" {
				d.App = g.clientID
			}
			d.OrgName = s.orgs[s.approver.OrgID].Name
			d.Approver = s.approver.Email
		}
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = verifyPage.Execute(w, d)
}
