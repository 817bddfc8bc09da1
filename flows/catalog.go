package flows

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/imagicle/ucx-onboard/store"
)

// defaultCatalogJSON is the built-in catalog: the four Imagicle apps that
// are authorized with a device grant (SSO is an OpenID Connect login and is
// not among them). It is data, parsed by ParseCatalog like any --apps file.
//
//go:embed default_catalog.json
var defaultCatalogJSON []byte

// DefaultCatalogJSON returns a copy of the built-in catalog file, e.g. for
// printing it as a template for a custom --apps file.
func DefaultCatalogJSON() []byte { return bytes.Clone(defaultCatalogJSON) }

// DefaultCatalog returns the built-in catalog of the four device-grant
// Imagicle apps (ids users-sync, presence, call-control, cdr), with client
// secrets read through getenv from UCX_SECRET_USERS_SYNC,
// UCX_SECRET_PRESENCE, UCX_SECRET_CALL_CONTROL and UCX_SECRET_CDR.
//
// The scopes are those of the vendor's knowledge base, one article per app;
// each app's "note" says what the approving admin needs besides (a Full
// Admin; for call-control a Webex Professional license and presence
// already enabled; for cdr the "Webex Calling Detailed Call History API
// access" role). Newer UCX Suite releases describe users-sync as a Service
// App authorized in Control Hub rather than a device grant; its note says
// so. A deployment overrides any of it with its own catalog file.
//
// The error lists every missing variable, as ParseCatalog does.
func DefaultCatalog(getenv func(string) string) (Catalog, error) {
	return ParseCatalog(bytes.NewReader(defaultCatalogJSON), "", getenv)
}

// LoadCatalog reads a catalog file; relative client_secret_file paths are
// taken relative to the catalog's directory. See ParseCatalog for the
// format and the error contract. A catalog that is not a regular file (a
// named pipe, a device, a directory) is refused without blocking, with an
// error wrapping store.ErrNotRegular.
func LoadCatalog(path string, getenv func(string) string) (Catalog, error) {
	return loadCatalog(path, getenv, false)
}

// LoadCatalogApps is LoadCatalog, except that apps whose client secret is
// not available come back without it (see ParseCatalogApps).
func LoadCatalogApps(path string, getenv func(string) string) (Catalog, error) {
	return loadCatalog(path, getenv, true)
}

func loadCatalog(path string, getenv func(string) string, keepNoSecret bool) (Catalog, error) {
	f, err := store.OpenRegular(path)
	if err != nil {
		return Catalog{}, &CatalogError{Err: fmt.Errorf("cannot read catalog: %w", err)}
	}
	defer f.Close()
	return parseCatalog(f, filepath.Dir(path), getenv, keepNoSecret)
}

// DefaultCatalogApps is DefaultCatalog, except that apps whose client
// secret is not available come back without it (see ParseCatalogApps).
func DefaultCatalogApps(getenv func(string) string) (Catalog, error) {
	return parseCatalog(bytes.NewReader(defaultCatalogJSON), "", getenv, true)
}

// ParseCatalogApps is ParseCatalog, except that when every problem is a
// client secret that is not available (ErrNoSecret: an unset variable, an
// unusable secret file), the Catalog comes back with every app, those
// apps with a zero Secret, together with the error (their problems): so
// that one missing secret stops only its app. Any other problem returns
// no Catalog, as ParseCatalog does.
func ParseCatalogApps(r io.Reader, baseDir string, getenv func(string) string) (Catalog, error) {
	return parseCatalog(r, baseDir, getenv, true)
}

// ErrNoSecret: an app's client secret is not to be had: its
// client_secret_env variable is unset or empty, or its client_secret_file
// is missing, unreadable, not a regular file, empty, larger than 64 KiB
// or of more than one line. The CatalogError of that app and field wraps
// it (and, for a file, the open error: os.ErrNotExist, os.ErrPermission),
// so that a caller can tell a secret to provide from a catalog to correct.
var ErrNoSecret = errors.New("flows: client secret not available")

// maxCatalogSize bounds a catalog file; maxSecretFileSize a secret file.
const (
	maxCatalogSize    = 1 << 20
	maxSecretFileSize = 64 << 10
)

// oidcScopes are the OpenID Connect scopes the device grant does not
// support (OpenID Connect Core 1.0, section 5.4 and 11).
var oidcScopes = map[string]bool{
	"openid": true, "email": true, "profile": true,
	"address": true, "phone": true, "offline_access": true,
}

var (
	appIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)
	envPattern   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// catalogKeys are the keys an app object may have.
var catalogKeys = map[string]bool{
	"id": true, "name": true, "client_id": true, "client_secret_env": true,
	"client_secret_file": true, "scopes": true, "note": true,
}

// ParseCatalog reads a catalog in JSON:
//
//	{"apps": [{
//	  "id": "presence",                 // [a-z0-9][a-z0-9_-]*, unique
//	  "name": "Attendant Console ...",  // shown to the user
//	  "client_id": "C14...",            // the Webex integration ID
//	  "client_secret_env": "VAR",       // or "client_secret_file": "path"
//	  "scopes": ["spark-admin:people_read"],
//	  "note": "free text"               // optional, ignored
//	}]}
//
// Exactly one of client_secret_env (resolved with getenv) and
// client_secret_file (relative to baseDir; a regular file, whitespace
// around the secret trimmed) must be given: secrets never come from the
// command line or the catalog itself.
//
// Every problem is reported, not just the first: the error joins one
// *CatalogError per problem (unknown keys, duplicate ids, empty scopes, an
// unset variable, an unreadable file, both or neither secret source, an
// empty client_id, ...), each naming the app and the field. OpenID Connect
// scopes (openid, email, profile, address, phone, offline_access) wrap
// ErrUnsupported; an unset variable or an unusable secret file wraps
// ErrNoSecret. A Catalog is returned only when there is no problem.
func ParseCatalog(r io.Reader, baseDir string, getenv func(string) string) (Catalog, error) {
	return parseCatalog(r, baseDir, getenv, false)
}

func parseCatalog(r io.Reader, baseDir string, getenv func(string) string, keepNoSecret bool) (Catalog, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxCatalogSize+1))
	if err != nil {
		return Catalog{}, &CatalogError{Err: fmt.Errorf("cannot read catalog: %w", err)}
	}
	if len(data) > maxCatalogSize {
		return Catalog{}, &CatalogError{Err: errors.New("catalog larger than 1 MiB")}
	}
	if getenv == nil {
		getenv = func(string) string { return "" }
	}

	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return Catalog{}, &CatalogError{Err: fmt.Errorf("not a JSON object: %v", jsonErr(err))}
	}
	var errs []error
	add := func(app, field string, format string, args ...any) {
		errs = append(errs, &CatalogError{App: app, Field: field, Err: fmt.Errorf(format, args...)})
	}
	for _, k := range sortedKeys(top) {
		if k != "apps" {
			add("", keyName(k), "unknown key (the catalog has only \"apps\")")
		}
	}
	var raws []map[string]json.RawMessage
	if rawApps, ok := top["apps"]; !ok {
		add("", "apps", "missing")
	} else if err := json.Unmarshal(rawApps, &raws); err != nil {
		add("", "apps", "must be a list of objects: %v", jsonErr(err))
	} else if len(raws) == 0 {
		add("", "apps", "empty: the catalog lists no app")
	}

	var cat Catalog
	seen := map[string]int{}
	for i, raw := range raws {
		label := fmt.Sprintf("#%d", i+1)
		var idStr string
		if v, ok := raw["id"]; ok && json.Unmarshal(v, &idStr) == nil && appIDPattern.MatchString(idStr) {
			label = idStr
		}
		app, problems := parseApp(label, raw, baseDir, getenv)
		errs = append(errs, problems...)
		if app.ID != "" {
			if first, dup := seen[app.ID]; dup {
				add(fmt.Sprintf("%s (#%d)", app.ID, i+1), "id", "duplicate id (also app #%d)", first)
			} else {
				seen[app.ID] = i + 1
			}
		}
		cat.Apps = append(cat.Apps, app)
	}
	if len(errs) > 0 {
		onlySecrets := true
		for _, e := range errs {
			onlySecrets = onlySecrets && errors.Is(e, ErrNoSecret)
		}
		if keepNoSecret && onlySecrets {
			return cat, errors.Join(errs...)
		}
		return Catalog{}, errors.Join(errs...)
	}
	return cat, nil
}

// parseApp checks one app object and resolves its secret.
func parseApp(label string, raw map[string]json.RawMessage, baseDir string, getenv func(string) string) (App, []error) {
	var errs []error
	add := func(field string, err error) {
		errs = append(errs, &CatalogError{App: label, Field: field, Err: err})
	}
	for _, k := range sortedKeys(raw) {
		if !catalogKeys[k] {
			add(keyName(k), errors.New("unknown key"))
		}
	}
	str := func(field string, required bool) (string, bool) {
		v, ok := raw[field]
		if !ok {
			if required {
				add(field, errors.New("missing"))
			}
			return "", false
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			add(field, errors.New("must be a string"))
			return "", false
		}
		if strings.TrimSpace(s) == "" {
			add(field, errors.New("empty"))
			return "", false
		}
		return s, true
	}

	var app App
	if id, ok := str("id", true); ok {
		if appIDPattern.MatchString(id) {
			app.ID = id
		} else {
			add("id", fmt.Errorf("%s: use 1-40 lowercase letters, digits, '-' or '_'", quoted(id)))
		}
	}
	if name, ok := str("name", true); ok {
		if name != Sanitize(name) {
			add("name", errors.New("contains control characters"))
		} else {
			app.Name = name
		}
	}
	if cid, ok := str("client_id", true); ok {
		if strings.IndexFunc(cid, func(r rune) bool { return r > unicode.MaxASCII || !unicode.IsPrint(r) || r == ' ' }) >= 0 {
			add("client_id", errors.New("must be printable ASCII without spaces"))
		} else {
			app.ClientID = cid
		}
	}
	if n, ok := str("note", false); ok {
		app.Note = Sanitize(n)
	}

	// Scopes.
	if v, ok := raw["scopes"]; !ok {
		add("scopes", errors.New("missing"))
	} else {
		var scopes []string
		if err := json.Unmarshal(v, &scopes); err != nil {
			add("scopes", errors.New("must be a list of strings"))
		} else if len(scopes) == 0 {
			add("scopes", errors.New("empty: list at least one scope"))
		} else {
			dup := map[string]bool{}
			for _, s := range scopes {
				switch {
				case s == "" || strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r == '"' || r == '\\' || r >= 0x7f }) >= 0:
					add("scopes", fmt.Errorf("invalid scope %s", quoted(s)))
				case oidcScopes[s]:
					add("scopes", fmt.Errorf("%q is an OpenID Connect scope: %w", s, ErrUnsupported))
				case dup[s]:
					add("scopes", fmt.Errorf("duplicate scope %q", s))
				}
				dup[s] = true
			}
			app.Scopes = scopes
		}
	}

	// Secret: exactly one source.
	env, hasEnv := raw["client_secret_env"]
	file, hasFile := raw["client_secret_file"]
	switch {
	case hasEnv && hasFile:
		add("client_secret_env", errors.New("both client_secret_env and client_secret_file given: keep one"))
	case !hasEnv && !hasFile:
		add("client_secret_env", errors.New("missing: give client_secret_env or client_secret_file (secrets are never accepted on the command line)"))
	case hasEnv:
		var name string
		if json.Unmarshal(env, &name) != nil || !envPattern.MatchString(name) {
			add("client_secret_env", errors.New("must be an environment variable name"))
			break
		}
		app.SecretSource = "env " + name
		if v := strings.TrimSpace(getenv(name)); v == "" {
			add("client_secret_env", &flowsError{msg: fmt.Sprintf("environment variable %s is not set", name), errs: []error{ErrNoSecret}})
		} else {
			app.Secret = store.NewSecret(v)
			store.RegisterClientSecret(app.ClientID, app.Secret)
		}
	case hasFile:
		var p string
		if json.Unmarshal(file, &p) != nil || strings.TrimSpace(p) == "" {
			add("client_secret_file", errors.New("must be a file path"))
			break
		}
		if !utf8.ValidString(p) || strings.IndexFunc(p, func(r rune) bool { return unicode.IsControl(r) || invisible(r) }) >= 0 {
			// Errors and SecretSource quote the path.
			add("client_secret_file", errors.New("file path contains control characters"))
			break
		}
		if !filepath.IsAbs(p) && baseDir != "" {
			p = filepath.Join(baseDir, p)
		}
		app.SecretSource = "file " + p
		v, err := readSecretFile(p)
		if err != nil {
			add("client_secret_file", &flowsError{msg: err.Error(), errs: []error{ErrNoSecret, err}})
		} else {
			app.Secret = store.NewSecret(v)
			store.RegisterClientSecret(app.ClientID, app.Secret)
		}
	}
	return app, errs
}

// readSecretFile reads a client secret from a small regular file: a named
// pipe, a device or a directory is refused without blocking (the error
// says which and wraps store.ErrNotRegular). The error names the file but never quotes its content; it
// wraps the open error (os.ErrNotExist, os.ErrPermission).
func readSecretFile(p string) (string, error) {
	f, err := store.OpenRegular(p)
	if err != nil {
		return "", fmt.Errorf("cannot read secret file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSecretFileSize+1))
	if err != nil {
		return "", fmt.Errorf("cannot read secret file %s: %w", p, err)
	}
	if len(data) > maxSecretFileSize {
		return "", fmt.Errorf("secret file %s is larger than 64 KiB", p)
	}
	v := strings.TrimSpace(string(data))
	if v == "" {
		return "", fmt.Errorf("secret file %s is empty", p)
	}
	if strings.ContainsAny(v, "\r\n") {
		return "", fmt.Errorf("secret file %s has more than one line", p)
	}
	return v, nil
}

// jsonErr describes a JSON error without quoting the document.
func jsonErr(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("wrong type at byte %d (want %s)", te.Offset, te.Type)
	}
	return "invalid JSON"
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// maxQuoted bounds a catalog value quoted in an error, in bytes.
const maxQuoted = 64

// quoted is s as an error shows it: Go-quoted (%q: control and invisible
// characters escaped, so a value never looks valid once they are gone),
// cut to maxQuoted bytes on a rune boundary ("…" after the quote), and
// followed by "(holds control characters)" when it does.
func quoted(s string) string {
	cut := s
	if len(s) > maxQuoted {
		n := maxQuoted
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		cut = s[:n]
	}
	q := fmt.Sprintf("%q", cut)
	if len(cut) < len(s) {
		q += "…"
	}
	if Sanitize(s) != s {
		q += " (holds control characters)"
	}
	return q
}

// keyName is an unknown catalog key as an error names it: as is when it
// is short and plain, else quoted.
func keyName(k string) string {
	if len(k) <= maxQuoted && Sanitize(k) == k && !strings.ContainsAny(k, " \"\\") {
		return k
	}
	return quoted(k)
}
