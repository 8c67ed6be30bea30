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

// WithHTTPClient replaces the default http.Client (30 s timeout per request, 64 idle connections
// per host), e.g. to add tracing or a proxy. The client uses its Transport, Jar and Timeout, and
// follows redirects itself: only for a GET, with the token only within the base URL's origin,
// consulting its CheckRedirect.
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

// WithRetryBudget bounds when a retry of ListPorts may start: none whose wait would end more than d
// after the call began (the last answer is returned at once). One wait is at most 30 s. 0 (the
// default) means no budget.
func WithRetryBudget(d time.Duration) Option { return Option{options.RetryBudget(d)} }

// WithLogger makes the client write a Debug record per request sent ("portsdk: attempt") and per
// wait before a retry ("portsdk: retry wait"), never with the token, a query or a body. nil (the
// default) logs nothing.
func WithLogger(l *slog.Logger) Option { return Option{options.Logger(l)} }

func config(opts []Option) options.Config {
	return options.New(opts, func(o Option) options.Set { return o.set })
}
