package rainbond

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/portsdk/portsdk/internal/runtime/options"
)

// Option configures a Client. Only the With* functions of this package make one; the zero Option
// changes nothing.
type Option struct {
	set options.Set
}

// WithHTTPClient replaces the default http.Client (a 30 s timeout per request; a transport of its
// own, cloned from http.DefaultTransport, keeping up to 64 idle connections per host so that a
// client shared by many goroutines does not reopen connections), e.g. to add tracing (an otelhttp
// transport) or a proxy. The client uses its Transport, Jar and Timeout (per request sent), does not
// modify it, and follows redirects itself: only for a GET, with the token only within the base
// URL's origin, consulting its CheckRedirect.
func WithHTTPClient(hc *http.Client) Option { return Option{options.HTTPClient(hc)} }

// WithUserAgent puts the caller's product before portsdk's own in the User-Agent header,
// e.g. "deploybot/1.2 portsdk/0.1.0".
func WithUserAgent(product string) Option { return Option{options.UserAgent(product)} }

// WithMaxRetries sets how many times ListPorts is retried after the first attempt (default 2);
// 0 (or a negative n) disables retries. AddPort, UpdatePort and DeletePort are never retried.
func WithMaxRetries(n int) Option { return Option{options.MaxRetries(n)} }

// WithMaxBodyBytes caps how much of a response body is read (default 16 MiB); a longer body is an
// *wrapper.APIError whose cause is wrapper.ErrBodyTooLarge. n <= 0 keeps the default.
func WithMaxBodyBytes(n int64) Option { return Option{options.MaxBodyBytes(n)} }

// WithRetryBudget bounds when a retry of ListPorts may start: a retry whose wait would end more than d
// after the call began is not made, and the last answer is returned at once. Each attempt stays
// bounded by the http.Client's timeout (30 s by default), the call by the context; one wait is at
// most 30 s, whatever Retry-After asks for. 0 (the default) means no budget.
func WithRetryBudget(d time.Duration) Option { return Option{options.RetryBudget(d)} }

// WithLogger makes the client write, at Debug level, a record per request sent ("portsdk: attempt":
// operation, method, escaped path, attempt number, status or error, duration) and per wait before a
// retry ("portsdk: retry wait": the wait and why: status, Retry-After or connection error), never
// with the token, a query string or a body. nil (the default) logs nothing.
func WithLogger(l *slog.Logger) Option { return Option{options.Logger(l)} }

func config(opts []Option) options.Config {
	return options.Collect(opts, func(o Option) options.Set { return o.set })
}
