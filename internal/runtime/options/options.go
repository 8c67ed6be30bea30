// Package options holds the settings both clients take, their defaults, and the Sets that the
// With* functions of the client packages wrap in their own opaque Option types.
package options

import (
	"cmp"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/portsdk/portsdk/wrapper"
)

// Defaults of every client; the With* options of the client packages document them.
const (
	DefaultTimeout      = 30 * time.Second // bounds one request of the default http.Client
	DefaultMaxRetries   = 2                // retries of a GET after the first attempt
	DefaultMaxBodyBytes = 16 << 20         // how much of a response body is read (16 MiB)
	MaxRetryWait        = 30 * time.Second // caps one wait between attempts, Retry-After's included
	// DefaultMaxIdleConnsPerHost is how many idle connections the default http.Client keeps per
	// host: enough for a client shared by 64 goroutines. Go's default of 2 makes such a client
	// reopen connections on most calls (35-45 % less throughput, issue 19).
	DefaultMaxIdleConnsPerHost = 64
)

// RetryBaseWait is the first backoff step of every client (each retry doubles it, up to
// MaxRetryWait, with jitter). It is a variable only so that this module's tests can shorten it
// before they start; nothing else changes it.
var RetryBaseWait = 200 * time.Millisecond

// Config is what the options set (the With* options of the client packages document each).
type Config struct {
	BaseURL       string           // Alaya only: Rainbond takes it as an argument of NewClient
	HTTPClient    *http.Client     // nil means DefaultHTTPClient
	UserAgent     string           // the caller's product, put before portsdk/<Version>
	MaxRetries    int              // retries of a GET after the first attempt
	MaxBodyBytes  int64            // how much of a response body is read
	RetryBudget   time.Duration    // how long after the call began a retry may start; 0: no bound
	RetryBaseWait time.Duration    // the first backoff step
	Logger        *slog.Logger     // a Debug record per attempt and per retry wait; nil: none
	Now           func() time.Time // the clock an AccessKey signs with (Alaya only)
}

// Set changes one setting: the With* options of the client packages wrap one each.
type Set func(*Config)

// The settings, as the With* options of the client packages document them.
func BaseURL(u string) Set            { return func(c *Config) { c.BaseURL = u } }
func HTTPClient(hc *http.Client) Set  { return func(c *Config) { c.HTTPClient = hc } }
func UserAgent(product string) Set    { return func(c *Config) { c.UserAgent = product } }
func MaxRetries(n int) Set            { return func(c *Config) { c.MaxRetries = max(n, 0) } }
func RetryBudget(d time.Duration) Set { return func(c *Config) { c.RetryBudget = d } }
func Logger(l *slog.Logger) Set       { return func(c *Config) { c.Logger = l } }
func Clock(now func() time.Time) Set  { return func(c *Config) { c.Now = now } }
func MaxBodyBytes(n int64) Set {
	return func(c *Config) { c.MaxBodyBytes = cmp.Or(max(n, 0), c.MaxBodyBytes) }
}

// New returns the defaults with the Set of each of a client package's options (which set takes
// from it) applied in order; nil ones are skipped.
func New[O any](opts []O, set func(O) Set) Config {
	cfg := Config{
		MaxRetries:    DefaultMaxRetries,
		MaxBodyBytes:  DefaultMaxBodyBytes,
		RetryBaseWait: RetryBaseWait,
	}
	for _, o := range opts {
		if s := set(o); s != nil {
			s(&cfg)
		}
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = DefaultHTTPClient()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg
}

// Check refuses settings that would make every call fail, naming the option.
func (c *Config) Check() error {
	if !utf8.ValidString(c.UserAgent) || strings.ContainsFunc(c.UserAgent, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }) {
		return &wrapper.ValidationError{Field: "WithUserAgent", Reason: "must be UTF-8 without control characters or line separators (CR, LF, U+0085, U+2028, ...)"}
	}
	return nil
}

// DefaultHTTPClient returns the http.Client a client uses when WithHTTPClient is not given: one
// with DefaultTimeout and a transport of its own, cloned from http.DefaultTransport (proxy from the
// environment, HTTP/2, dial and TLS timeouts) with DefaultMaxIdleConnsPerHost idle connections per
// host.
func DefaultHTTPClient() *http.Client {
	def, ok := http.DefaultTransport.(*http.Transport)
	if !ok { // the program replaced http.DefaultTransport (e.g. to instrument it): use it as it is
		return &http.Client{Timeout: DefaultTimeout}
	}
	tr := def.Clone()
	tr.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	tr.MaxIdleConns = max(tr.MaxIdleConns, DefaultMaxIdleConnsPerHost)
	return &http.Client{Timeout: DefaultTimeout, Transport: tr}
}
