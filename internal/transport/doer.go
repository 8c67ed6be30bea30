// Package transport sends the generated clients' requests for both client packages: it adds the
// credential (through an Authorizer, only for the base URL's origin), the User-Agent and Accept
// headers, reads response bodies up to a cap, retries GET requests when that is safe, and logs
// each attempt and retry wait to an optional slog.Logger, never with a credential, a query or a
// body.
//
// The credential is a hook, not a header string: a client package passes an Authorizer, which the
// Doer calls for every request it sends to the base URL's origin (each retry and each followed
// redirect included), and whose Secrets it redacts from every message. HeaderAuth covers a fixed
// header (Rainbond's raw token, a Bearer key); a credential that signs each request (Alaya's
// AccessKey: HMAC-SHA256 over timestamp|METHOD|escaped path) implements Authorize itself, keeping
// its secret in a Secret so that no fmt form shows it.
package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/portsdk/portsdk/internal/options"
	"github.com/portsdk/portsdk/wrapper"
)

// Doer implements the generated clients' HttpRequestDoer interfaces. It is safe for concurrent use.
// Every fmt form of it shows only the base URL's origin.
type Doer struct {
	client     *http.Client
	scheme     string // of the base URL, lower case
	host       string // host[:port] of the base URL, lower case
	auth       Authorizer
	secrets    func() []string // the Authorizer's secrets and their escaped forms, longest first (a func: fmt cannot print it)
	userAgent  []string
	maxRetries int
	maxBody    int64
	budget     time.Duration
	baseWait   time.Duration
	log        *slog.Logger
}

var acceptJSON = []string{"application/json"}

// New returns a Doer for cfg that authorizes, with auth, the requests to base's origin.
func New(cfg options.Config, base *url.URL, auth Authorizer) *Doer {
	d := &Doer{
		scheme:     strings.ToLower(base.Scheme),
		host:       strings.ToLower(base.Host),
		auth:       auth,
		secrets:    secretForms(auth.Secrets()),
		userAgent:  []string{"portsdk/" + wrapper.Version},
		maxRetries: cfg.MaxRetries,
		maxBody:    cfg.MaxBodyBytes,
		budget:     cfg.RetryBudget,
		baseWait:   cfg.RetryBaseWait,
		log:        cfg.Logger,
	}
	if cfg.UserAgent != "" {
		d.userAgent = []string{cfg.UserAgent + " " + d.userAgent[0]}
	}
	// A shallow copy shares the caller's Transport, Jar and Timeout; only the redirect policy is
	// wrapped, so that the credential never follows a redirect to another origin.
	hc := *cfg.HTTPClient
	prev := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if d.sameOrigin(req.URL) {
			if err := d.auth.Authorize(req); err != nil {
				return err
			}
		} else {
			req.Header.Del("Authorization")
		}
		if prev != nil {
			return prev(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	d.client = &hc
	return d
}

// secretForms returns the non-empty secrets and their percent-escaped forms, longest first, so
// that a longer secret is redacted before a shorter one it contains.
func secretForms(secrets []string) func() []string {
	var out []string
	add := func(s string) {
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		add(s)
		add(url.PathEscape(s))
		add(url.QueryEscape(s))
	}
	for i := 1; i < len(out); i++ { // insertion sort by length, descending
		for j := i; j > 0 && len(out[j]) > len(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return func() []string { return out }
}

// Redact replaces every form of the credential in s by Redacted.
func (d *Doer) Redact(s string) string {
	for _, sec := range d.secrets() {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	return s
}

func (d *Doer) sameOrigin(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, d.scheme) && strings.EqualFold(u.Host, d.host)
}

// Format implements fmt.Formatter: every verb shows the origin only, never the credential.
func (d Doer) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, "transport.Doer{"+d.scheme+"://"+d.host+"}")
}

type operationKey struct{}

// WithOperation returns ctx naming op (e.g. "rainbond.ListPorts") for the log records of the
// requests sent under it. It returns ctx itself when the Doer logs nothing.
func (d *Doer) WithOperation(ctx context.Context, op string) context.Context {
	if d.log == nil {
		return ctx
	}
	return context.WithValue(ctx, operationKey{}, op)
}

// Do sends req, retrying a GET when that is safe, and returns the last response with its body
// read (up to the cap) into a *Body.
func (d *Doer) Do(req *http.Request) (*http.Response, error) {
	req.Header["User-Agent"] = d.userAgent
	req.Header["Accept"] = acceptJSON

	retries := 0
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		retries = d.maxRetries
	}
	ctx := req.Context()
	start := time.Now()
	for attempt := 0; ; attempt++ {
		r := req
		if attempt > 0 {
			r = req.Clone(ctx)
		}
		if d.sameOrigin(r.URL) {
			if err := d.auth.Authorize(r); err != nil {
				return nil, err
			}
		}
		sent := time.Now()
		resp, err := d.client.Do(r)
		var bodyErr error
		if err == nil {
			bodyErr = d.buffer(resp, attempt+1)
		}
		d.logAttempt(ctx, r, attempt+1, resp, err, bodyErr, time.Since(sent))
		if attempt >= retries || !retryable(ctx, resp, err, bodyErr) {
			return resp, err
		}
		wait, reason := d.backoff(attempt), "connection error"
		if resp != nil && bodyErr == nil {
			reason = "status " + strconv.Itoa(resp.StatusCode)
			if ra, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				wait, reason = ra, reason+", Retry-After"
			}
		}
		wait = min(wait, options.MaxRetryWait)
		if !d.fits(ctx, start, wait) {
			return resp, err
		}
		d.logWait(ctx, r, attempt+1, wait, reason)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, &url.Error{Op: req.Method, URL: req.URL.String(), Err: ctx.Err()}
		case <-t.C:
		}
	}
}

// logAttempt writes the Debug record of one attempt: operation, method, escaped path (never the
// query), attempt number, status or error, duration.
func (d *Doer) logAttempt(ctx context.Context, r *http.Request, attempt int, resp *http.Response, err, bodyErr error, took time.Duration) {
	if d.log == nil || !d.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("operation", operation(ctx)),
		slog.String("method", r.Method),
		slog.String("path", r.URL.EscapedPath()),
		slog.Int("attempt", attempt),
	}
	switch {
	case err != nil:
		attrs = append(attrs, slog.String("error", d.Redact(errorText(err))))
	default:
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
		if bodyErr != nil {
			attrs = append(attrs, slog.String("error", d.Redact("reading response body: "+errorText(bodyErr))))
		}
	}
	attrs = append(attrs, slog.Duration("duration", took))
	d.log.LogAttrs(ctx, slog.LevelDebug, "portsdk: attempt", attrs...)
}

// logWait writes the Debug record of a wait before a retry: its length and why.
func (d *Doer) logWait(ctx context.Context, r *http.Request, attempt int, wait time.Duration, reason string) {
	if d.log == nil || !d.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	d.log.LogAttrs(ctx, slog.LevelDebug, "portsdk: retry wait",
		slog.String("operation", operation(ctx)),
		slog.String("method", r.Method),
		slog.String("path", r.URL.EscapedPath()),
		slog.Int("attempt", attempt),
		slog.Duration("wait", wait),
		slog.String("reason", reason))
}

func operation(ctx context.Context) string {
	op, _ := ctx.Value(operationKey{}).(string)
	return op
}

// errorText is err's text without the request URL a *url.Error adds (it could carry a query).
func errorText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// fits reports whether waiting wait and trying again still ends before the context's deadline and
// within the retry budget.
func (d *Doer) fits(ctx context.Context, start time.Time, wait time.Duration) bool {
	now := time.Now()
	if dl, ok := ctx.Deadline(); ok && now.Add(wait).After(dl) {
		return false
	}
	if d.budget > 0 && now.Add(wait).Sub(start) > d.budget {
		return false
	}
	return true
}

// backoff is the capped exponential wait before retry attempt+1, with jitter in [w/2, w].
func (d *Doer) backoff(attempt int) time.Duration {
	w := d.baseWait << min(attempt, 16)
	if w <= 0 || w > options.MaxRetryWait {
		w = options.MaxRetryWait
	}
	half := w / 2
	return half + rand.N(half+1)
}

// retryable reports whether an attempt that ended with (resp, err), and bodyErr while reading the
// body, may be repeated: connection errors (also in the middle of the body), 429, 502, 503 and 504.
func retryable(ctx context.Context, resp *http.Response, err, bodyErr error) bool {
	if ctx.Err() != nil {
		return false
	}
	if err != nil {
		return connectionError(err)
	}
	if bodyErr != nil {
		return !errors.Is(bodyErr, wrapper.ErrBodyTooLarge) && connectionError(bodyErr)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// connectionError reports whether err is the network failing (refused, reset, closed early, timed
// out), as opposed to a policy such as too many redirects or a bad certificate.
func connectionError(err error) bool {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
}

// retryAfter parses a Retry-After value: delay-seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(options.MaxRetryWait/time.Second) {
			return options.MaxRetryWait, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// buffer reads resp's body, up to the cap, and closes it, replacing it with a *Body that gives back
// what was read and then the error that stopped the reading, if any.
func (d *Doer) buffer(resp *http.Response, attempts int) error {
	if resp.Body == nil || resp.Body == http.NoBody {
		resp.Body = &Body{attempts: attempts}
		return nil
	}
	size := int64(512)
	if n := resp.ContentLength; n > 0 {
		// bytes.Buffer.ReadFrom grows the buffer whenever less than MinRead bytes are free.
		size = min(n, d.maxBody) + bytes.MinRead
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	_, err := buf.ReadFrom(&cappedBody{rc: resp.Body, left: d.maxBody})
	_ = resp.Body.Close()
	resp.Body = &Body{data: buf.Bytes(), err: err, attempts: attempts}
	return err
}

// Body is the body of every response the Doer returns: the bytes read (at most the cap) and the
// error that stopped the reading, if any, which Read returns after the bytes.
type Body struct {
	data     []byte
	off      int
	err      error
	attempts int
}

// Read implements io.Reader.
func (b *Body) Read(p []byte) (int, error) {
	if b.off >= len(b.data) {
		if b.err != nil {
			return 0, b.err
		}
		return 0, io.EOF
	}
	n := copy(p, b.data[b.off:])
	b.off += n
	return n, nil
}

// Close implements io.Closer.
func (b *Body) Close() error { return nil }

// Rewind makes the next Read start from the first byte again.
func (b *Body) Rewind() { b.off = 0 }

// Bytes returns all of the body that was read, and the error that stopped the reading, if any.
func (b *Body) Bytes() ([]byte, error) { return b.data, b.err }

// Attempts returns how many requests the call sent.
func (b *Body) Attempts() int { return b.attempts }

// cappedBody returns ErrBodyTooLarge once more than its cap has been read.
type cappedBody struct {
	rc   io.ReadCloser
	left int64
}

func (c *cappedBody) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, wrapper.ErrBodyTooLarge
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.rc.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n + int(c.left), wrapper.ErrBodyTooLarge
	}
	return n, err
}
