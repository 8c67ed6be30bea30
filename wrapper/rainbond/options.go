package rainbond

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

// WithHTTPClient replaces the default http.Client (30 s timeout, 64 idle connections per host). The
// client uses its Transport, Jar and Timeout, and follows redirects itself: only for a GET, with the
// token only within the base URL's origin, consulting CheckRedirect.
func WithHTTPClient(hc *http.Client) Option { return Option{options.HTTPClient(hc)} }

// WithUserAgent puts the caller's product first in the User-Agent: "deploybot/1.2 portsdk/0.1.0".
func WithUserAgent(product string) Option { return Option{options.UserAgent(product)} }

// WithMaxRetries sets how many times ListPorts is retried after the first attempt (default 2; 0 or
// less disables retries). AddPort, UpdatePort and DeletePort are never retried.
func WithMaxRetries(n int) Option { return Option{options.MaxRetries(n)} }

// WithMaxBodyBytes caps how much of a response body is read (default 16 MiB); a longer body is an
// *wrapper.APIError whose cause is wrapper.ErrBodyTooLarge. n <= 0 keeps the default.
func WithMaxBodyBytes(n int64) Option { return Option{options.MaxBodyBytes(n)} }

// WithRetryBudget starts no retry of ListPorts whose wait would end more than d after the call began
// (one wait is at most 30 s); 0, the default, means no budget.
func WithRetryBudget(d time.Duration) Option { return Option{options.RetryBudget(d)} }

// WithLogger writes a Debug record per request sent and per retry wait, never with the token, a
// query or a body; nil (the default) logs nothing.
func WithLogger(l *slog.Logger) Option { return Option{options.Logger(l)} }

func config(opts []Option) options.Config {
	return options.New(opts, func(o Option) options.Set { return o.set })
}
