// Package transport sends the generated clients' requests for both client packages: it adds the
// credential (auth.go: only for the base URL's origin), the User-Agent and Accept headers, retries
// a GET when that is safe (retry.go), follows a GET's redirects (redirect.go), reads bodies up to
// a cap (body.go), and logs each attempt and retry wait (log.go), never with a credential
// (redact.go), a query or a body.
package transport

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/portsdk/portsdk/internal/runtime/options"
	"github.com/portsdk/portsdk/wrapper"
)

// Doer implements the generated clients' HttpRequestDoer interfaces. It is safe for concurrent use.
// Every fmt form of it shows only the base URL's origin.
type Doer struct {
	client       *http.Client
	scheme, host string // of the base URL, lower case
	auth         Authorizer
	Redact       func(string) string // every form of the Authorizer's secrets to Redacted (redact.go; a func: fmt cannot print it)
	userAgent    []string
	cfg          options.Config // MaxRetries, MaxBodyBytes, RetryBudget, RetryBaseWait, Logger
	// checkRedirect is the redirect policy of the caller's http.Client, if any.
	checkRedirect func(*http.Request, []*http.Request) error
	// timeout is the caller's http.Client.Timeout, applied to each request sent, body read included,
	// through the request's context: net/http would otherwise enforce it with a goroutine and a
	// timer per request, since the Doer's transport (stashLocation) is not a plain *http.Transport.
	timeout time.Duration
}

var acceptJSON = []string{"application/json"}

// New returns a Doer for cfg that authorizes, with auth, the requests to base's origin.
func New(cfg options.Config, base *url.URL, auth Authorizer) *Doer {
	d := &Doer{
		scheme:    strings.ToLower(base.Scheme),
		host:      strings.ToLower(base.Host),
		auth:      auth,
		Redact:    redactor(auth.Secrets()),
		userAgent: []string{strings.TrimPrefix(cfg.UserAgent+" portsdk/"+wrapper.Version, " ")}, // the caller's product first
		cfg:       cfg,
	}
	// A shallow copy shares the caller's Transport, Jar and Timeout. The Doer follows redirects
	// itself (redirect.go), so the copy never does; the caller's own policy is still consulted.
	hc := *cfg.HTTPClient
	d.checkRedirect, hc.CheckRedirect = hc.CheckRedirect, func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	d.timeout, hc.Timeout = hc.Timeout, 0
	hc.Transport = stashLocation{next: cmp.Or(hc.Transport, http.DefaultTransport)}
	d.client = &hc
	return d
}

// Format implements fmt.Formatter: every verb shows the origin only, never the credential.
func (d Doer) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, "transport.Doer{"+d.scheme+"://"+d.host+"}")
}

func (d *Doer) sameOrigin(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, d.scheme) && strings.EqualFold(u.Host, d.host)
}

// Call is the record of one operation: its name, for the log records, and what the Doer did for
// it. It is the context of the operation's requests, where Do finds it (one allocation, where
// context.WithValue and the record would make two), and Do fills it in.
type Call struct {
	context.Context
	Op       string // e.g. "rainbond.ListPorts"
	Attempts int    // requests sent, retries and followed redirects included
	Note     string // why the answer, a redirect, was not followed ("" for any other answer)
}
