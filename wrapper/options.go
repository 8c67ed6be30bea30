package wrapper

import (
	"net/http"
	"time"
)

// Defaults of every client.
const (
	// DefaultTimeout bounds one HTTP attempt of the default http.Client.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxRetries is how many times a GET is retried after the first attempt.
	DefaultMaxRetries = 2
	// DefaultMaxBodyBytes caps how much of a response body is read (16 MiB).
	DefaultMaxBodyBytes = 16 << 20
	// MaxRetryWait caps one wait between attempts, including one asked for by Retry-After.
	MaxRetryWait = 30 * time.Second
)

// Config is what the options set. The clients build it; callers use the options of the client
// packages (alaya.WithMaxRetries, rainbond.WithHTTPClient, ...), which are Options under other names.
type Config struct {
	// BaseURL is the API's base URL (Alaya only; Rainbond takes it as an argument of NewClient).
	BaseURL string
	// HTTPClient sends the requests; nil means an http.Client with DefaultTimeout.
	HTTPClient *http.Client
	// UserAgent is the caller's product, put before portsdk/<Version>.
	UserAgent string
	// MaxRetries is how many times a GET is retried after the first attempt.
	MaxRetries int
	// MaxBodyBytes caps how much of a response body is read.
	MaxBodyBytes int64
	// RetryBudget bounds the time of all attempts and waits of one call; 0 means no bound.
	RetryBudget time.Duration
	// RetryBaseWait is the first backoff step; each retry doubles it, up to MaxRetryWait, with jitter.
	RetryBaseWait time.Duration
}

// Option changes a Config.
type Option func(*Config)

// NewConfig returns the defaults with opts applied in order.
func NewConfig(opts []Option) Config {
	cfg := Config{
		MaxRetries:    DefaultMaxRetries,
		MaxBodyBytes:  DefaultMaxBodyBytes,
		RetryBaseWait: 200 * time.Millisecond,
	}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: DefaultTimeout}
	}
	return cfg
}

// WithBaseURL sets the base URL.
func WithBaseURL(u string) Option { return func(c *Config) { c.BaseURL = u } }

// WithHTTPClient replaces the default http.Client (which has a 30 s timeout).
func WithHTTPClient(hc *http.Client) Option { return func(c *Config) { c.HTTPClient = hc } }

// WithUserAgent puts the caller's product before portsdk's own in the User-Agent header,
// e.g. "deploybot/1.2 portsdk/0.1.0".
func WithUserAgent(product string) Option { return func(c *Config) { c.UserAgent = product } }

// WithMaxRetries sets how many times a GET is retried after the first attempt; 0 disables retries.
// POST, PUT and DELETE are never retried.
func WithMaxRetries(n int) Option {
	return func(c *Config) {
		if n < 0 {
			n = 0
		}
		c.MaxRetries = n
	}
}

// WithMaxBodyBytes caps how much of a response body is read; a longer body is an *APIError.
func WithMaxBodyBytes(n int64) Option {
	return func(c *Config) {
		if n > 0 {
			c.MaxBodyBytes = n
		}
	}
}

// WithRetryBudget bounds the total time a call may spend on attempts and waits before it stops
// retrying and returns the last answer; 0 (the default) leaves only MaxRetries and the context.
func WithRetryBudget(d time.Duration) Option { return func(c *Config) { c.RetryBudget = d } }

// WithRetryBaseWait sets the first backoff step between retries (default 200 ms).
func WithRetryBaseWait(d time.Duration) Option {
	return func(c *Config) {
		if d > 0 {
			c.RetryBaseWait = d
		}
	}
}
