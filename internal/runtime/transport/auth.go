package transport

import "net/http"

// Authorizer puts a client's credential (a fixed header, or a signature computed per request) on a
// request. The Doer calls Authorize, possibly from many goroutines at once, for every request it
// sends to the base URL's origin (retries and followed redirects included) and for no other: the
// Authorization header of a redirect leaving the origin is dropped, so Authorize must put
// everything secret there. Secrets returns every value that must never appear in an error, a log
// record or a fmt form; the Doer redacts them, in every form a server may echo them (redact.go),
// from its messages.
type Authorizer interface {
	Authorize(req *http.Request)
	Secrets() []string
}

// Redacted is what replaces every form of a credential in a message.
const Redacted = "[REDACTED]"

// HeaderAuth is an Authorizer that sends a fixed Authorization header: "<scheme> <secret>", or the
// secret alone when the scheme is empty (as the Rainbond console wants it). The secret lives only
// in closures: fmt prints a func as an address, whatever the verb.
type HeaderAuth struct {
	value  func() []string // the header value, shared by every request (net/http only reads it)
	secret func() string
}

// NewHeaderAuth returns a HeaderAuth for scheme ("" or e.g. "Bearer") and secret.
func NewHeaderAuth(scheme, secret string) *HeaderAuth {
	value := []string{secret}
	if scheme != "" {
		value[0] = scheme + " " + secret
	}
	return &HeaderAuth{value: func() []string { return value }, secret: func() string { return secret }}
}

// Authorize implements Authorizer.
func (a *HeaderAuth) Authorize(req *http.Request) { req.Header["Authorization"] = a.value() }

// Secrets implements Authorizer.
func (a *HeaderAuth) Secrets() []string { return []string{a.secret()} }
