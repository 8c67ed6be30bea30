// Package check holds the input checks both clients run before they send anything. Each failure is
// a *wrapper.ValidationError naming the field; none quotes a credential.
package check

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/portsdk/portsdk/wrapper"
)

// PathID refuses a path parameter that is empty, "." or "..": the generated client resolves the dot
// segments, so such an ID would silently reach another endpoint. Any other text is allowed: the
// generated client escapes it.
func PathID(field, v string) error {
	switch v {
	case "":
		return &wrapper.ValidationError{Field: field, Reason: "must not be empty"}
	case ".", "..":
		return &wrapper.ValidationError{Field: field, Reason: strconv.Quote(v) + " would change the endpoint"}
	}
	return nil
}

// WordID refuses a path parameter that is empty or has a character other than a Unicode letter or
// number, "_" or "-": nothing else matches the Rainbond console's route pattern [\w-]+ (Python's
// Unicode-aware \w), and the web framework would answer its HTML 404.
func WordID(field, v string) error {
	if v == "" {
		return &wrapper.ValidationError{Field: field, Reason: "must not be empty"}
	}
	if strings.ContainsFunc(v, func(r rune) bool {
		return r != '_' && r != '-' && !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}) || !utf8.ValidString(v) {
		return &wrapper.ValidationError{Field: field, Reason: strconv.Quote(v) +
			" has a character other than a letter, a digit, \"_\" or \"-\" (the console's routes match no other)"}
	}
	return nil
}

// Port refuses a port outside 1..65535.
func Port(field string, p int) error {
	if p < 1 || p > 65535 {
		return &wrapper.ValidationError{Field: field, Reason: strconv.Itoa(p) + " is outside 1..65535"}
	}
	return nil
}

// Credential refuses an empty token or key, one that already carries a "Bearer " scheme (the
// client adds whatever the server needs), one that is not UTF-8, and one with any Unicode space
// (U+0020, U+00A0, U+3000, U+2028, ...), control character (C0, DEL, C1 such as U+0085 and U+009B)
// or invisible format character (U+200B, U+FEFF, ...) around or in it. The value itself never
// appears in the error.
func Credential(field, v string) error {
	if v == "" {
		return &wrapper.ValidationError{Field: field, Reason: "must not be empty"}
	}
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		return &wrapper.ValidationError{Field: field, Reason: `must be the bare value, without a "Bearer " prefix`}
	}
	if !utf8.ValidString(v) {
		return &wrapper.ValidationError{Field: field, Reason: "must be UTF-8 text"}
	}
	if strings.ContainsFunc(v, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Zs)
	}) {
		return &wrapper.ValidationError{Field: field, Reason: "must not contain spaces, control or format characters (Unicode ones included)"}
	}
	return nil
}

// BaseURL checks a base URL: absolute http or https, with a host name, no query, fragment or user
// information. A path prefix (https://console.example.com/rainbond) is kept. The error never quotes
// the URL, which may carry a password.
func BaseURL(field, raw string) (*url.URL, error) {
	if raw == "" {
		return nil, &wrapper.ValidationError{Field: field, Reason: "must not be empty"}
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse's error quotes the URL, and its cause the part that is wrong, which may be in
		// the user information (a password): the cause is given only for a URL without an "@".
		reason := "is not a URL"
		if ue := (*url.Error)(nil); errors.As(err, &ue) && !strings.Contains(raw, "@") {
			reason += ": " + ue.Err.Error()
		}
		return nil, &wrapper.ValidationError{Field: field, Reason: reason}
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, &wrapper.ValidationError{Field: field, Reason: "must start with http:// or https://"}
	case u.Hostname() == "":
		return nil, &wrapper.ValidationError{Field: field, Reason: "has no host name"}
	case u.User != nil:
		return nil, &wrapper.ValidationError{Field: field, Reason: "must not carry user information"}
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, &wrapper.ValidationError{Field: field, Reason: "must not have a query or fragment"}
	}
	return u, nil
}
