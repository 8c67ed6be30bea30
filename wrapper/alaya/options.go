package alaya

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/portsdk/portsdk/internal/runtime/options"
)

// Option configures a Client. Only the With* functions of this package make one; the zero Option
// changes nothing. docs/library.md lists the options with their defaults.
type Option struct {
	set options.Set
}

// WithBaseURL replaces DefaultBaseURL (for a test server or a proxy); it may carry a path prefix.
// NewClient refuses a URL that is not http or https, has no host, or carries user information, a
// query or a fragment. An AccessKey signs the path as sent to this URL (its prefix included), so a
// proxy in front of the service must forward the path unchanged: keep /api/osm in both.
func WithBaseURL(u string) Option { return Option{options.BaseURL(u)} }

// WithHTTPClient replaces the default http.Client (30 s timeout, 64 idle connections per host). The
// client uses its Transport, Jar and Timeout, and follows redirects itself: only for a GET, with the
// credential only within the base URL's origin, consulting CheckRedirect.
func WithHTTPClient(hc *http.Client) Option { return Option{options.HTTPClient(hc)} }

// WithUserAgent puts the caller's product first in the User-Agent: "deploybot/1.2 portsdk/0.1.0".
func WithUserAgent(product string) Option { return Option{options.UserAgent(product)} }

// WithMaxRetries sets how many times ListOpenPorts is retried after the first attempt (default 2; 0 or
// less disables retries). OpenPort and ClosePort are never retried.
func WithMaxRetries(n int) Option { return Option{options.MaxRetries(n)} }

// WithMaxBodyBytes caps how much of a response body is read (default 16 MiB); a longer body is an
// *wrapper.APIError whose cause is wrapper.ErrBodyTooLarge. n <= 0 keeps the default.
func WithMaxBodyBytes(n int64) Option { return Option{options.MaxBodyBytes(n)} }

// WithRetryBudget starts no retry of ListOpenPorts whose wait would end more than d after the call began
// (one wait is at most 30 s); 0, the default, means no budget.
func WithRetryBudget(d time.Duration) Option { return Option{options.RetryBudget(d)} }

// WithLogger writes a Debug record per request sent and per retry wait, never with the credential, a
// query or a body; nil (the default) logs nothing.
func WithLogger(l *slog.Logger) Option { return Option{options.Logger(l)} }

// WithClock replaces time.Now as the clock an AccessKey signs requests with (the service accepts a
// timestamp within five minutes of its own clock): for deterministic tests, or to correct a
// machine clock known to be off. nil keeps time.Now. A BearerKey does not use it.
func WithClock(now func() time.Time) Option { return Option{options.Clock(now)} }

func config(opts []Option) options.Config {
	return options.New(opts, func(o Option) options.Set { return o.set })
}
