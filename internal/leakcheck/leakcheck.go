// Package leakcheck finds, for tests, what a text holds of secrets: runs
// of 12 or more characters of a secret, of its query or path escape, or of
// their base64. It is written apart from store.Redactor, so that tests of
// redaction do not check Redactor with itself.
package leakcheck

import (
	"bytes"
	"encoding/base64"
	"net/url"
	"strings"
)

// Runs lists what text holds of secrets: each 12-byte run of a secret (or
// of its query or path escape) found in text as is, and each 9-byte run
// (12 base64 characters) found in what a base64-looking run of text
// decodes to, at each of the four character phases, in the standard and
// URL-safe alphabets. Nil when text holds none.
func Runs(text string, secrets ...string) []string {
	var material []string
	for _, s := range secrets {
		if s != "" {
			material = append(material, s, url.QueryEscape(s), url.PathEscape(s))
		}
	}
	var found []string
	for _, m := range material {
		for i := 0; i+12 <= len(m); i++ {
			if strings.Contains(text, m[i:i+12]) {
				found = append(found, "raw "+m[i:i+12])
			}
		}
	}
	isB64 := func(r rune) bool {
		return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("+/-_", r)
	}
	for _, run := range strings.FieldsFunc(text, func(r rune) bool { return !isB64(r) }) {
		for phase := 0; phase < 4 && phase < len(run); phase++ {
			r := run[phase:]
			r = r[:len(r)/4*4]
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				dec, err := enc.DecodeString(r)
				if err != nil {
					continue
				}
				for _, m := range material {
					for i := 0; i+9 <= len(m); i++ {
						if bytes.Contains(dec, []byte(m[i:i+9])) {
							found = append(found, "base64 of "+m[i:i+9])
						}
					}
				}
			}
		}
	}
	return found
}
