package alaya

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/portsdk/portsdk/internal/options"
)

// Option configures a Client. Only the With* functions of this package make one; the zero Option
// changes nothing.
type Option struct {
	set   func(*options.Config)
	local func(*settings) // what only the Alaya client has
}

// settings are the options only the Alaya client has.
type settings struct {
	now func() time.Time // the clock an AccessKey signs with
}

// WithBaseURL replaces DefaultBaseURL (for a test server or a proxy); it may carry a path prefix.
// NewClient refuses a URL that is not http or https, has no host, or carries user information, a
// query or a fragment. An AccessKey signs the path as sent to this URL (its prefix included), so a
// proxy in front of the service must forward the path unchanged: keep /api/osm in both.
func WithBaseURL(u string) Option {
	return Option{set: func(c *options.Config) { c.BaseURL = u }}
}

// WithHTTPClient replaces the default http.Client, whose timeout is 30 s per request. The client
// keeps the given one's Transport, Jar and Timeout, and wraps its redirect policy so that the
// credential never follows a redirect to another origin. Use it to add tracing (for example an otelhttp
// transport) or a proxy.
func WithHTTPClient(hc *http.Client) Option {
	return Option{set: func(c *options.Config) { c.HTTPClient = hc }}
}

// WithUserAgent puts the caller's product before portsdk's own in the User-Agent header,
// e.g. "deploybot/1.2 portsdk/0.1.0".
func WithUserAgent(product string) Option {
	return Option{set: func(c *options.Config) { c.UserAgent = product }}
}

// WithMaxRetries sets how many times ListOpenPorts is retried after the first attempt (default 2);
// 0 (or a negative n) disables retries. OpenPort and ClosePort are never retried.
func WithMaxRetries(n int) Option {
	return Option{set: func(c *options.Config) { c.MaxRetries = max(n, 0) }}
}

// WithMaxBodyBytes caps how much of a response body is read (default 16 MiB); a longer body is an
// *wrapper.APIError whose cause is wrapper.ErrBodyTooLarge. n <= 0 keeps the default.
func WithMaxBodyBytes(n int64) Option {
	return Option{set: func(c *options.Config) {
		if n > 0 {
			c.MaxBodyBytes = n
		}
	}}
}

// WithRetryBudget bounds the total time a call spends on attempts and waits before it stops retrying
// and returns the last answer; 0 (the default) leaves only WithMaxRetries and the context. One wait
// between attempts is at most 30 s, whatever Retry-After asks for.
func WithRetryBudget(d time.Duration) Option {
	return Option{set: func(c *options.Config) { c.RetryBudget = d }}
}

// WithLogger makes the client write, at Debug level, one record per request it sends ("portsdk:
// attempt": operation, method, escaped path, attempt number, status or error, duration) and one per
// wait before a retry ("portsdk: retry wait": the wait and its reason, the status, Retry-After or
// connection error). No record contains the credential, a query string or a body. nil (the default)
// logs nothing.
func WithLogger(l *slog.Logger) Option {
	return Option{set: func(c *options.Config) { c.Logger = l }}
}

// WithClock replaces time.Now as the clock an AccessKey signs requests with (the service accepts a
// timestamp within five minutes of its own clock): for deterministic tests, or to correct a
// machine clock known to be off. nil keeps time.Now. A BearerKey does not use it.
func WithClock(now func() time.Time) Option {
	return Option{local: func(s *settings) {
		if now != nil {
			s.now = now
		}
	}}
}

func config(opts []Option) (options.Config, settings) {
	sets := make([]func(*options.Config), len(opts))
	local := settings{now: time.Now}
	for i, o := range opts {
		sets[i] = o.set
		if o.local != nil {
			o.local(&local)
		}
	}
	return options.New(sets...), local
}
