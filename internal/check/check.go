// Package check holds the input checks both clients run before they send anything. Each failure is
// a *wrapper.ValidationError naming the field; none quotes a credential.
package check

import (
	"net/url"
	"strconv"
	"strings"

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

// Port refuses a port outside 1..65535.
func Port(field string, p int) error {
	if p < 1 || p > 65535 {
		return &wrapper.ValidationError{Field: field, Reason: strconv.Itoa(p) + " is outside 1..65535"}
	}
	return nil
}

// Credential refuses an empty token or key, one with spaces or control characters around or in it,
// and one that already carries a "Bearer " scheme (the client adds whatever the server needs). The
// value itself never appears in the error.
func Credential(field, v string) error {
	if v == "" {
		return &wrapper.ValidationError{Field: field, Reason: "must not be empty"}
	}
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		return &wrapper.ValidationError{Field: field, Reason: `must be the bare value, without a "Bearer " prefix`}
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c == 0x7f {
			return &wrapper.ValidationError{Field: field, Reason: "must not contain spaces or control characters"}
		}
	}
	return nil
}

// BaseURL checks a base URL: absolute http or https, with a host, no query, fragment or user
// information. A path prefix (https://console.example.com/rainbond) is kept.
func BaseURL(field, raw string) (*url.URL, error) {
	if raw == "" {
		return nil, &wrapper.ValidationError{Field: field, Reason: "must not be empty"}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &wrapper.ValidationError{Field: field, Reason: "is not a URL: " + err.Error()}
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, &wrapper.ValidationError{Field: field, Reason: "must start with http:// or https://"}
	case u.Host == "":
		return nil, &wrapper.ValidationError{Field: field, Reason: "has no host"}
	case u.User != nil:
		return nil, &wrapper.ValidationError{Field: field, Reason: "must not carry user information"}
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, &wrapper.ValidationError{Field: field, Reason: "must not have a query or fragment"}
	}
	return u, nil
}
