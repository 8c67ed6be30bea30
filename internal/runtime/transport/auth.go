package transport

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
)

// Authorizer puts a client's credential on a request. It is the hook a client package implements
// for its own kind of credential (a fixed header, or a signature computed per request).
//
// The Doer calls Authorize once per request it sends, retries and followed redirects included, and
// only for requests to the base URL's origin: a request to another origin gets no credential, and
// the Authorization header of a redirected request is dropped when the redirect leaves the origin.
// Authorize must therefore put everything secret in the Authorization header. It may be called from
// many goroutines at once.
//
// Secrets returns every value that must never appear in an error, a log record or a fmt form (the
// token, the key, the signing secret). The Doer redacts each of them from the messages it builds,
// in the raw form and in the forms the server might echo (percent-escaped).
type Authorizer interface {
	Authorize(req *http.Request) error
	Secrets() []string
}

// Redacted is what every fmt form of a Secret, and every redacted credential in a message, shows.
const Redacted = "[REDACTED]"

// Secret is a credential kept where fmt cannot reach it: the value lives in a closure (fmt prints a
// func as an address, whatever the verb, even for %t or %p on a struct that holds it), and every fmt
// verb, JSON form and slog value of a Secret itself is Redacted. Reveal gives the value back.
type Secret struct {
	reveal func() string
}

// NewSecret keeps s in a Secret.
func NewSecret(s string) Secret { return Secret{reveal: func() string { return s }} }

// Reveal returns the value ("" for the zero Secret).
func (s Secret) Reveal() string {
	if s.reveal == nil {
		return ""
	}
	return s.reveal()
}

// Format implements fmt.Formatter: every verb prints Redacted.
func (Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, Redacted) }

// MarshalText keeps the value out of encoding/json and similar encoders.
func (Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// LogValue implements slog.LogValuer.
func (Secret) LogValue() slog.Value { return slog.StringValue(Redacted) }

// HeaderAuth is an Authorizer that sends a fixed Authorization header: "<scheme> <secret>", or the
// secret alone when the scheme is empty (as the Rainbond console wants it).
type HeaderAuth struct {
	value  func() []string // the header value, shared by every request (net/http only reads it)
	secret Secret
}

// NewHeaderAuth returns a HeaderAuth for scheme ("" or e.g. "Bearer") and secret.
func NewHeaderAuth(scheme string, secret Secret) *HeaderAuth {
	v := secret.Reveal()
	if scheme != "" {
		v = scheme + " " + v
	}
	value := []string{v}
	return &HeaderAuth{value: func() []string { return value }, secret: secret}
}

// Authorize implements Authorizer.
func (a *HeaderAuth) Authorize(req *http.Request) error {
	req.Header["Authorization"] = a.value()
	return nil
}

// Secrets implements Authorizer.
func (a *HeaderAuth) Secrets() []string { return []string{a.secret.Reveal()} }

// Format implements fmt.Formatter: every verb prints a description without the secret.
func (HeaderAuth) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, "transport.HeaderAuth{"+Redacted+"}")
}
