package wizard

// TEMPORARY: names the helper branch "shared" moves here from package tui.
import (
	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

func WithTypedSecret(app flows.App, typed string) flows.App {
	app.Secret, app.SecretSource = store.NewSecret(typed), "typed"
	store.RegisterClientSecret(app.ClientID, app.Secret)
	return app
}
func ShortReason(err error) string {
	if err == nil {
		return ""
	}
	return ErrorText(err)
}
func BlockApps(s *Session, checks []Check) {
	for _, c := range checks {
		if !c.OK && c.AppBlocked && c.App != "" {
			s.Block(c.App, "cannot be authorized: "+c.Detail)
		}
	}
}
func InUse(d DraftInfo) bool           { return false }
func InUseText(d DraftInfo) string     { return "" }
func CompletedText(d DraftInfo) string { return "" }
func ErrText(err error) string         { return ErrorText(err) }
