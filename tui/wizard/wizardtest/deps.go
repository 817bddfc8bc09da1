package wizardtest

import (
	"time"

	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// Deps are the wizard.Deps of a test run over fakes: the catalog Apps,
// auth and drafts, w's Write, a StillClock at T0, bundles sealed to
// Recipient at outPath, and a Copy that appends what it is given to
// *copied.
func Deps(auth wizard.Authorizer, drafts wizard.DraftStore, w *Writer, copied *[]string, outPath func(company string, now time.Time) string) wizard.Deps {
	return wizard.Deps{
		Apps:           Apps(),
		Authorizer:     auth,
		Drafts:         drafts,
		WriteBundle:    w.Write,
		Clock:          StillClock{At: T0},
		Protection:     wizard.Protection{Recipients: []string{Recipient}},
		OutPath:        outPath,
		Copy:           func(s string) error { *copied = append(*copied, s); return nil },
		Version:        "v0.9.0-test",
		NoColor:        true,
		DarkBackground: true,
	}
}

// Customer is the customer of the tests (a prefilled form's).
func Customer() store.Customer {
	return store.Customer{Company: "Acme Industries", AdminEmail: AdminEmail, Deployment: store.DeploymentOnPrem,
		UCXHost: "ucx01.acme.example", Engineer: "Marco Rossi", Notes: "Pilot site"}
}

// ScenarioInput is the line input of an accessible run that fills the
// customer form and confirms the app selection, then answers with answer
// and confirms the review.
func ScenarioInput(answer string) string {
	return "Acme Industries\njane.admin@acme.example\n2\nucx01.acme.example\nMarco Rossi\n\ny\n" + answer + "y\n"
}
