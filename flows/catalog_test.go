package flows

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func fakeEnv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

var allSecrets = fakeEnv(map[string]string{
	"UCX_SECRET_USERS_SYNC":   "sec-FAKE-users",
	"UCX_SECRET_PRESENCE":     "sec-FAKE-presence",
	"UCX_SECRET_CALL_CONTROL": "sec-FAKE-call",
	"UCX_SECRET_CDR":          "sec-FAKE-cdr",
})

func TestDefaultCatalog(t *testing.T) {
	cat, err := DefaultCatalog(allSecrets)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id, clientID, env string
		scopes            []string
	}{
		{"users-sync", "C89a4ba3aa80c33dd80bfc17a1572c5026049234c0aa90b7793b47dac37d7fa6c", "UCX_SECRET_USERS_SYNC", []string{"spark-admin:people_read", "spark-admin:organizations_read", "spark-admin:locations_read", "spark-admin:telephony_config_read", "spark-admin:xsi"}},
		{"presence", "C1468e046a54f78620ca6d1b16eda8096165d0f960078c8e38c5ac09fb7f7f120", "UCX_SECRET_PRESENCE", []string{"spark-admin:people_read", "spark-admin:organizations_read"}},
		{"call-control", "C143958d8c8645673914400fbf4b06fa022da2a7caeac67b5eb48d062709cf24e", "UCX_SECRET_CALL_CONTROL", []string{"spark-admin:people_read", "spark-admin:organizations_read", "spark-admin:xsi"}},
		{"cdr", "C2b09ee9cb8a3ae94ae0e6417d7dcf7e33351ae00bbb22fb9937a79796a8371b5", "UCX_SECRET_CDR", []string{"spark-admin:calling_cdr_read"}},
	}
	if len(cat.Apps) != len(want) {
		t.Fatalf("%d apps, want %d", len(cat.Apps), len(want))
	}
	for i, w := range want {
		a := cat.Apps[i]
		if a.ID != w.id || a.ClientID != w.clientID || a.SecretSource != "env "+w.env || !slices.Equal(a.Scopes, w.scopes) || a.Name == "" {
			t.Errorf("app %d = %+v, want %+v", i, a, w)
		}
		if a.Secret.Reveal() != allSecrets(w.env) {
			t.Errorf("app %s: secret not from %s", a.ID, w.env)
		}
	}
	// The scopes come from the vendor's documents: nothing is assumed any
	// more, and the notes say what the approving admin needs.
	for _, a := range cat.Apps {
		if strings.Contains(strings.ToLower(a.Note), "assum") {
			t.Errorf("app %s: note %q still calls something assumed", a.ID, a.Note)
		}
	}
	for id, want := range map[int]string{0: "Service App", 2: "Webex Professional license", 3: "Detailed Call History API access"} {
		if !strings.Contains(cat.Apps[id].Note, want) {
			t.Errorf("app %s: note %q does not mention %q", cat.Apps[id].ID, cat.Apps[id].Note, want)
		}
	}
	// The SSO integration (OpenID Connect) is not in it.
	for _, a := range cat.Apps {
		if a.ClientID == "C287f727f93d20644fd10a5bd2d3c8b6796497bd21bd28d92e588f470ceb546c4" {
			t.Error("the SSO integration is in the device-grant catalog")
		}
	}
}

// TestDefaultCatalogMissingEnv lists every missing variable at once.
func TestDefaultCatalogMissingEnv(t *testing.T) {
	_, err := DefaultCatalog(fakeEnv(map[string]string{"UCX_SECRET_PRESENCE": "x"}))
	errs := catalogErrors(t, err)
	var got []string
	for _, e := range errs {
		got = append(got, e.App+"/"+e.Field)
	}
	want := []string{"users-sync/client_secret_env", "call-control/client_secret_env", "cdr/client_secret_env"}
	if !slices.Equal(got, want) {
		t.Errorf("problems %v, want %v", got, want)
	}
	if !strings.Contains(err.Error(), "UCX_SECRET_CDR is not set") {
		t.Errorf("error %q does not name the variable", err)
	}
}

func catalogErrors(t *testing.T, err error) []*CatalogError {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	var out []*CatalogError
	for _, e := range list {
		var ce *CatalogError
		if !errors.As(e, &ce) {
			t.Fatalf("%v is not a CatalogError", e)
		}
		out = append(out, ce)
	}
	return out
}

func TestParseCatalogErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "good.secret"), []byte("sec-FAKE-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "empty.secret"), []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := fakeEnv(map[string]string{"S": "sec-FAKE-env"})
	app := func(fields string) string {
		return `{"apps":[{"id":"a1","name":"App","client_id":"C1","scopes":["spark-admin:people_read"]` + fields + `}]}`
	}
	type problem struct{ app, field, text string }
	for _, tc := range []struct {
		name string
		json string
		want []problem
		is   error
	}{
		{"not json", `{`, []problem{{"", "", "not a JSON object"}}, nil},
		{"unknown top key", `{"apps":[],"extra":1}`, []problem{{"", "extra", "unknown key"}, {"", "apps", "empty"}}, nil},
		{"no apps", `{}`, []problem{{"", "apps", "missing"}}, nil},
		{"apps not a list", `{"apps":{}}`, []problem{{"", "apps", "list of objects"}}, nil},
		{"unknown app key", app(`,"client_secret_env":"S","secret":"x"`), []problem{{"a1", "secret", "unknown key"}}, nil},
		{"missing env var", app(`,"client_secret_env":"NOPE"`), []problem{{"a1", "client_secret_env", "NOPE is not set"}}, ErrNoSecret},
		{"bad env name", app(`,"client_secret_env":"A B"`), []problem{{"a1", "client_secret_env", "environment variable name"}}, nil},
		{"both sources", app(`,"client_secret_env":"S","client_secret_file":"good.secret"`), []problem{{"a1", "client_secret_env", "both"}}, nil},
		{"neither source", app(``), []problem{{"a1", "client_secret_env", "client_secret_file"}}, nil},
		{"unreadable file", app(`,"client_secret_file":"nope.secret"`), []problem{{"a1", "client_secret_file", "cannot read secret file"}}, os.ErrNotExist},
		{"empty file", app(`,"client_secret_file":"empty.secret"`), []problem{{"a1", "client_secret_file", "empty"}}, ErrNoSecret},
		{"escape in file path", app(`,"client_secret_file":"x\u001b]0;t\u0007.secret"`), []problem{{"a1", "client_secret_file", "control characters"}}, nil},
		{"bidi override in file path", app(`,"client_secret_file":"good\u202eterces.secret"`), []problem{{"a1", "client_secret_file", "control characters"}}, nil},
		{"empty scopes", `{"apps":[{"id":"a1","name":"n","client_id":"C1","client_secret_env":"S","scopes":[]}]}`, []problem{{"a1", "scopes", "empty"}}, nil},
		{"missing scopes", `{"apps":[{"id":"a1","name":"n","client_id":"C1","client_secret_env":"S"}]}`, []problem{{"a1", "scopes", "missing"}}, nil},
		{"openid scope", `{"apps":[{"id":"sso","name":"SSO","client_id":"C2","client_secret_env":"S","scopes":["openid","email","spark:people_read"]}]}`,
			[]problem{{"sso", "scopes", `"openid" is an OpenID Connect scope`}, {"sso", "scopes", `"email"`}}, ErrUnsupported},
		{"duplicate scope", `{"apps":[{"id":"a1","name":"n","client_id":"C1","client_secret_env":"S","scopes":["x:y","x:y"]}]}`, []problem{{"a1", "scopes", "duplicate scope"}}, nil},
		{"empty client_id", `{"apps":[{"id":"a1","name":"n","client_id":"","client_secret_env":"S","scopes":["x:y"]}]}`, []problem{{"a1", "client_id", "empty"}}, nil},
		{"missing name", `{"apps":[{"id":"a1","client_id":"C1","client_secret_env":"S","scopes":["x:y"]}]}`, []problem{{"a1", "name", "missing"}}, nil},
		{"bad id", `{"apps":[{"id":"Bad Id","name":"n","client_id":"C1","client_secret_env":"S","scopes":["x:y"]}]}`, []problem{{"#1", "id", "lowercase"}}, nil},
		{"missing id", `{"apps":[{"name":"n","client_id":"C1","client_secret_env":"S","scopes":["x:y"]}]}`, []problem{{"#1", "id", "missing"}}, nil},
		{"duplicate id", `{"apps":[{"id":"a1","name":"n","client_id":"C1","client_secret_env":"S","scopes":["x:y"]},{"id":"a1","name":"m","client_id":"C2","client_secret_env":"S","scopes":["x:y"]}]}`,
			[]problem{{"a1 (#2)", "id", "duplicate id (also app #1)"}}, nil},
		{"wrong types", `{"apps":[{"id":"a1","name":3,"client_id":"C1","client_secret_env":"S","scopes":"x:y"}]}`,
			[]problem{{"a1", "name", "must be a string"}, {"a1", "scopes", "list of strings"}}, nil},
		{"many problems at once", `{"apps":[{"id":"a1","name":"n","client_id":"","scopes":[],"colour":"red"},{"id":"a2","name":"m","client_id":"C2","client_secret_env":"MISSING","scopes":["profile"]}]}`,
			[]problem{{"a1", "colour", "unknown key"}, {"a1", "client_id", "empty"}, {"a1", "scopes", "empty"}, {"a1", "client_secret_env", "missing"},
				{"a2", "scopes", "OpenID Connect"}, {"a2", "client_secret_env", "MISSING is not set"}}, ErrUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cat, err := ParseCatalog(strings.NewReader(tc.json), dir, env)
			if len(cat.Apps) != 0 {
				t.Errorf("a catalog came back with the error")
			}
			got := catalogErrors(t, err)
			if len(got) != len(tc.want) {
				t.Fatalf("%d problems, want %d:\n%v", len(got), len(tc.want), err)
			}
			for i, w := range tc.want {
				g := got[i]
				if g.App != w.app || g.Field != w.field || !strings.Contains(g.Error(), w.text) {
					t.Errorf("problem %d = {%q %q %q}, want {%q %q ...%q...}", i, g.App, g.Field, g.Error(), w.app, w.field, w.text)
				}
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error does not wrap %v", tc.is)
			}
			if strings.Contains(err.Error(), "sec-FAKE") {
				t.Errorf("error %q holds a secret", err)
			}
		})
	}
}

func TestLoadCatalogSecretFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("cdr.secret", "sec-FAKE-cdr\r\n")
	abs := filepath.Join(dir, "abs.secret")
	write("abs.secret", "sec-FAKE-abs")
	write("apps.json", fmt.Sprintf(`{"apps":[
		{"id":"cdr","name":"CDR","client_id":"C2","client_secret_file":"cdr.secret","scopes":["spark-admin:calling_cdr_read"]},
		{"id":"abs","name":"Abs","client_id":"C3","client_secret_file":%q,"scopes":["x:y"],"note":"n"}]}`, abs))
	cat, err := LoadCatalog(filepath.Join(dir, "apps.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if a := cat.Apps[0]; a.Secret.Reveal() != "sec-FAKE-cdr" || a.SecretSource != "file "+filepath.Join(dir, "cdr.secret") {
		t.Errorf("relative secret file: %q from %q", a.Secret.Reveal(), a.SecretSource)
	}
	if a := cat.Apps[1]; a.Secret.Reveal() != "sec-FAKE-abs" || a.Note != "n" {
		t.Errorf("absolute secret file: %+v", a)
	}
	if _, err := LoadCatalog(filepath.Join(dir, "missing.json"), nil); err == nil || !strings.Contains(err.Error(), "cannot read catalog") {
		t.Errorf("missing catalog: %v", err)
	}
}

func TestDefaultCatalogJSONRoundTrip(t *testing.T) {
	b := DefaultCatalogJSON()
	b[0] = 'X' // a copy: the embedded file is unchanged
	if _, err := DefaultCatalog(allSecrets); err != nil {
		t.Fatal(err)
	}
}

// TestCatalogErrNoSecret: a secret that is not to be had (unset variable,
// unusable file) wraps ErrNoSecret, so that the wizard asks for the secret;
// a mistake in the catalog itself does not, so that it asks for a
// corrected catalog.
func TestCatalogErrNoSecret(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "two.secret"), []byte("a\nb\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	app := func(fields string) string {
		return `{"apps":[{"id":"a1","name":"App","client_id":"C1","scopes":["x:y"]` + fields + `}]}`
	}
	for _, tc := range []struct {
		name     string
		json     string
		noSecret bool
	}{
		{"unset variable", app(`,"client_secret_env":"NOPE"`), true},
		{"missing file", app(`,"client_secret_file":"nope.secret"`), true},
		{"two-line file", app(`,"client_secret_file":"two.secret"`), true},
		{"bad variable name", app(`,"client_secret_env":"A B"`), false},
		{"both sources", app(`,"client_secret_env":"S","client_secret_file":"x"`), false},
		{"unknown key", app(`,"client_secret_env":"S","colour":"red"`), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCatalog(strings.NewReader(tc.json), dir, fakeEnv(map[string]string{"S": "sec-FAKE"}))
			if err == nil {
				t.Fatal("no error")
			}
			if got := errors.Is(err, ErrNoSecret); got != tc.noSecret {
				t.Errorf("%v: wraps ErrNoSecret %v, want %v", err, got, tc.noSecret)
			}
		})
	}
}

// TestParseCatalogApps: an app whose secret is not available comes back
// without it, beside the others, with the error naming it; any other
// problem returns no catalog, as ParseCatalog.
func TestParseCatalogApps(t *testing.T) {
	getenv := func(k string) string {
		if k == "SET" {
			return "sec-FAKE-set"
		}
		return ""
	}
	two := `{"apps":[{"id":"a1","name":"n","client_id":"C1","client_secret_env":"SET","scopes":["x:y"]},` +
		`{"id":"a2","name":"m","client_id":"C2","client_secret_env":"UNSET","scopes":["x:y"]}]}`
	cat, err := ParseCatalogApps(strings.NewReader(two), "", getenv)
	if !errors.Is(err, ErrNoSecret) || len(cat.Apps) != 2 || cat.Apps[0].Secret.IsZero() || !cat.Apps[1].Secret.IsZero() ||
		cat.Apps[1].SecretSource != "env UNSET" {
		t.Errorf("apps %+v, err %v", cat.Apps, err)
	}
	if cat, err := ParseCatalog(strings.NewReader(two), "", getenv); err == nil || len(cat.Apps) != 0 {
		t.Errorf("ParseCatalog returned apps %+v with %v", cat.Apps, err)
	}
	bad := strings.Replace(two, `"name":"m",`, ``, 1)
	if cat, err := ParseCatalogApps(strings.NewReader(bad), "", getenv); err == nil || len(cat.Apps) != 0 {
		t.Errorf("a catalog with another problem came back: %+v, %v", cat.Apps, err)
	}
}

// TestCatalogControlCharsShown: a catalog value with control characters is
// not quoted as the valid value it looks like once they are stripped: the
// error says it holds control characters and shows it escaped, bounded.
func TestCatalogControlCharsShown(t *testing.T) {
	js := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	app := func(id, scope, extraKey string) string {
		return fmt.Sprintf(`{"apps":[{"id":%s,"name":"P","client_id":"C1","client_secret_env":"UCX_SECRET_PRESENCE","scopes":[%s],%s:1}]}`, js(id), js(scope), js(extraKey))
	}
	for _, tc := range []struct {
		name, catalog string
		want, notWant string
	}{
		{"scope", app("presence", "spark-admin:people_read\x1b[31m", "note"),
			`invalid scope "spark-admin:people_read\x1b[31m" (holds control characters)`, `"spark-admin:people_read"`},
		{"scope, invisible", app("presence", "spark-admin:people_read\u202e", "note"),
			`"spark-admin:people_read\u202e" (holds control characters)`, `"spark-admin:people_read"`},
		{"scope, long", app("presence", strings.Repeat("s", 100)+"\x07", "note"),
			`"` + strings.Repeat("s", 64) + `"… (holds control characters)`, strings.Repeat("s", 65)},
		{"id", app("pres\x1bence", "spark-admin:people_read", "note"),
			`"pres\x1bence" (holds control characters): use`, `"presence"`},
		{"key", app("presence", "spark-admin:people_read", "sco\x1bpes"),
			`"sco\x1bpes" (holds control characters): unknown key`, `scopes: unknown key`},
		{"plain key", app("presence", "spark-admin:people_read", "colour"), `presence: colour: unknown key`, `"colour"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCatalog(strings.NewReader(tc.catalog), "", allSecrets)
			var ce *CatalogError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a CatalogError", err)
			}
			s := err.Error()
			if !strings.Contains(s, tc.want) || strings.Contains(s, tc.notWant) {
				t.Errorf("error %q\nwant it to hold %q, not %q", s, tc.want, tc.notWant)
			}
			if strings.ContainsAny(s, "\x1b\x07\u202e") {
				t.Errorf("error %q holds a control character", s)
			}
		})
	}
}
