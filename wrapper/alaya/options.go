package alaya

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/portsdk/portsdk/internal/runtime/options"
)

// Option configures a Client. Only the With* functions of this package make one; the zero Option
// changes nothing.
type Option struct {
	set func(*options.Config)
}

// WithBaseURL replaces DefaultBaseURL (for a test server or a proxy); it may carry a path prefix.
// NewClient refuses a URL that is not http or https, has no host, or carries user information, a
// query or a fragment. An AccessKey signs the path as sent to this URL (its prefix included), so a
// proxy in front of the service must forward the path unchanged: keep /api/osm in both.
func WithBaseURL(u string) Option {
	return Option{func(c *options.Config) { c.BaseURL = u }}
}

// WithHTTPClient replaces the default http.Client, which has a 30 s timeout per request and a
// transport of its own cloned from http.DefaultTransport, keeping up to 64 idle connections per host
// (Go's default of 2 would make a client shared by many goroutines reopen connections). The client
// uses the given one's Transport, Jar and Timeout (the Timeout per request sent) and
// follows redirects itself: only for a GET, with the credential only within the base URL's origin,
// consulting the given client's CheckRedirect (the given client is not modified). Use it to add tracing (for example an otelhttp
// transport) or a proxy.
func WithHTTPClient(hc *http.Client) Option {
	return Option{func(c *options.Config) { c.HTTPClient = hc }}
}

// WithUserAgent puts the caller's product before portsdk's own in the User-Agent header,
// e.g. "deploybot/1.2 portsdk/0.1.0".
func WithUserAgent(product string) Option {
	return Option{func(c *options.Config) { c.UserAgent = product }}
}

// WithMaxRetries sets how many times ListOpenPorts is retried after the first attempt (default 2);
// 0 (or a negative n) disables retries. OpenPort and ClosePort are never retried.
func WithMaxRetries(n int) Option {
	return Option{func(c *options.Config) { c.MaxRetries = max(n, 0) }}
}

// WithMaxBodyBytes caps how much of a response body is read (default 16 MiB); a longer body is an
// *wrapper.APIError whose cause is wrapper.ErrBodyTooLarge. n <= 0 keeps the default.
func WithMaxBodyBytes(n int64) Option {
	return Option{func(c *options.Config) {
		if n > 0 {
			c.MaxBodyBytes = n
		}
	}}
}

// WithRetryBudget bounds when a retry of ListOpenPorts may start: a retry whose wait would end more than d
// after the call began is not made, and the call returns the last answer at once. It does not cut an
// attempt short: each attempt is bounded by the http.Client's timeout (30 s by default) and the whole
// call by the context. One wait is at most 30 s, whatever Retry-After asks for. 0 (the default)
// means no budget.
func WithRetryBudget(d time.Duration) Option {
	return Option{func(c *options.Config) { c.RetryBudget = d }}
}

// WithLogger makes the client write, at Debug level, one record per request it sends ("portsdk:
// attempt": operation, method, escaped path, attempt number, status or error, duration) and one per
// wait before a retry ("portsdk: retry wait": the wait and its reason, the status, Retry-After or
// connection error). No record contains the credential, a query string or a body. nil (the default)
// logs nothing.
func WithLogger(l *slog.Logger) Option {
	return Option{func(c *options.Config) { c.Logger = l }}
}

// WithClock replaces time.Now as the clock an AccessKey signs requests with (the service accepts a
// timestamp within five minutes of its own clock): for deterministic tests, or to correct a
// machine clock known to be off. nil keeps time.Now. A BearerKey does not use it.
func WithClock(now func() time.Time) Option {
	return Option{func(c *options.Config) {
		if now != nil {
			c.Now = now
		}
	}}
}

func config(opts []Option) options.Config {
	sets := make([]func(*options.Config), len(opts))
	for i, o := range opts {
		sets[i] = o.set
	}
	return options.New(sets...)
}
