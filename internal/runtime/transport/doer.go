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
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/portsdk/portsdk/internal/runtime/options"
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
	// checkRedirect is the redirect policy of the caller's http.Client, if any.
	checkRedirect func(*http.Request, []*http.Request) error
	// timeout is the caller's http.Client.Timeout. The Doer applies it to each request it sends,
	// body read included, through the request's context rather than leaving it to http.Client:
	// net/http enforces Client.Timeout with a goroutine and a timer per request unless the
	// transport is a plain *http.Transport, which the Doer's (stashLocation) is not.
	timeout time.Duration
}

// maxRedirects is how many requests one attempt of a GET may send while following redirects,
// net/http's own limit.
const maxRedirects = 10

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
	// A shallow copy shares the caller's Transport, Jar and Timeout. The Doer follows redirects
	// itself (see follow), so the copy never does; the caller's own policy is still consulted.
	hc := *cfg.HTTPClient
	d.checkRedirect = hc.CheckRedirect
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	d.timeout, hc.Timeout = hc.Timeout, 0
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc.Transport = stashLocation{next: next}
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
	sent := 0 // requests sent by this call
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
		resp, hops, err := d.follow(ctx, r, attempt+1)
		sent += hops
		var bodyErr error
		if err == nil {
			bodyErr = d.buffer(resp, sent)
		}
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

// follow sends r and, for a GET or HEAD, follows the redirects it is allowed to, counting every
// request it sends (hops). It returns the last response with its body unread; when that response is a
// redirect the Doer did not follow, its body reader says why (see Body.Note).
//
// The policy: POST, PUT and DELETE never follow a redirect (a write must not be sent twice); a GET
// follows 301, 302, 303, 307 and 308 to an http or https Location, up to maxRedirects requests,
// subject to the caller's own CheckRedirect; the credential is authorized again for a Location on
// the base URL's origin and dropped (with Cookie) for any other origin.
func (d *Doer) follow(ctx context.Context, r *http.Request, attempt int) (_ *http.Response, hops int, _ error) {
	var via []*http.Request
	for {
		hops++
		began := time.Now()
		send, cancel := r, context.CancelFunc(nil)
		if d.timeout > 0 {
			var hctx context.Context
			hctx, cancel = context.WithTimeout(r.Context(), d.timeout)
			send = r.WithContext(hctx)
		}
		resp, err := d.client.Do(send)
		if err != nil {
			if cancel != nil {
				cancel()
			}
			d.logAttempt(ctx, r, attempt, nil, err, nil, time.Since(began))
			return nil, hops, err
		}
		if cancel != nil {
			resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel} // the timeout covers the body
		}
		if loc, ok := resp.Header[stashedLocation]; ok {
			resp.Header["Location"] = loc
			delete(resp.Header, stashedLocation)
		}
		if !isRedirect(resp.StatusCode) || resp.Header.Get("Location") == "" {
			return d.timed(resp, r, attempt, began), hops, nil
		}
		next, why := d.nextHop(r, resp, via)
		if next == nil {
			resp = d.timed(resp, r, attempt, began)
			resp.Body = &noteBody{ReadCloser: resp.Body, note: why}
			return resp, hops, nil
		}
		d.logAttempt(ctx, r, attempt, resp, nil, nil, time.Since(began))
		_, _ = io.CopyN(io.Discard, resp.Body, 2<<10) // lets the connection be reused
		_ = resp.Body.Close()
		via = append(via, r)
		r = next
	}
}

// cancelBody ends the context of the request it answers (its timeout) when it is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// stashLocation hides the Location header of a redirect from http.Client, which would otherwise
// fail on a Location it cannot parse before consulting CheckRedirect, losing the response; follow
// puts it back.
type stashLocation struct{ next http.RoundTripper }

const stashedLocation = "Portsdk-Stashed-Location"

func (s stashLocation) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(r)
	if err == nil && isRedirect(resp.StatusCode) {
		if loc, ok := resp.Header["Location"]; ok {
			resp.Header[stashedLocation] = loc
			delete(resp.Header, "Location")
		}
	}
	return resp, err
}

// timed keeps the request and the time it was sent with resp, for the attempt's log record.
func (d *Doer) timed(resp *http.Response, r *http.Request, attempt int, began time.Time) *http.Response {
	if d.log != nil {
		resp.Body = &timedBody{ReadCloser: resp.Body, req: r, attempt: attempt, began: began}
	}
	return resp
}

type timedBody struct {
	io.ReadCloser
	req     *http.Request
	attempt int
	began   time.Time
}

type noteBody struct {
	io.ReadCloser
	note string
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// nextHop returns the request that follows the redirect resp answered to r, or nil and why the
// redirect is not followed.
func (d *Doer) nextHop(r *http.Request, resp *http.Response, via []*http.Request) (*http.Request, string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return nil, r.Method + " requests never follow a redirect (a write must not be sent twice)"
	}
	if len(via)+1 >= maxRedirects {
		return nil, "stopped after " + strconv.Itoa(maxRedirects) + " redirects"
	}
	u, err := r.URL.Parse(resp.Header.Get("Location"))
	if err != nil {
		return nil, "the Location is not a URL"
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return nil, "the Location is not an http or https URL"
	}
	next := r.Clone(r.Context())
	next.URL, next.Host = u, ""
	next.Header.Del("Authorization")
	if d.sameOrigin(u) {
		if err := d.auth.Authorize(next); err != nil {
			return nil, "authorizing the redirected request: " + err.Error()
		}
	} else {
		next.Header.Del("Cookie")
		next.Header.Del("Www-Authenticate")
	}
	if d.checkRedirect != nil {
		if err := d.checkRedirect(next, append(via, r)); err != nil {
			if errors.Is(err, http.ErrUseLastResponse) {
				return nil, "the http.Client's CheckRedirect returned ErrUseLastResponse"
			}
			return nil, "the http.Client's CheckRedirect refused it: " + err.Error()
		}
	}
	return next, ""
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
		slog.String("path", d.Redact(r.URL.EscapedPath())),
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
		slog.String("path", d.Redact(r.URL.EscapedPath())),
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
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if secs < 0 {
			return 0, false // a negative value; one below math.MinInt64 is math.MinInt64 here
		}
		// A value beyond int64 (ParseInt returns math.MaxInt64 with ErrRange) is "very long".
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

// maxPresize bounds the buffer sized from a declared Content-Length: a peer's claim never makes
// the client allocate more than this before the bytes arrive (the buffer grows as they do).
const maxPresize = 1 << 20

// buffer reads resp's body, up to the cap, and closes it, replacing it with a *Body that gives back
// what was read and then the error that stopped the reading, if any. It writes the attempt's log
// record.
func (d *Doer) buffer(resp *http.Response, sent int) error {
	size := int64(512)
	if n := resp.ContentLength; n > 0 {
		// One byte to spare lets a body of exactly the declared length end without a regrowth.
		size = min(n, d.maxBody, maxPresize) + 1
	}
	// A small body shares one allocation with its holder, in the smallest of three sizes it fits.
	var b *Body
	var buf []byte
	switch {
	case size <= 256:
		h := new(bodyHolder256)
		b, buf = &h.Body, h.buf[:0:size]
	case size <= 512:
		h := new(bodyHolder512)
		b, buf = &h.Body, h.buf[:0:size]
	case size <= 1024:
		h := new(bodyHolder1024)
		b, buf = &h.Body, h.buf[:0:size]
	default:
		b, buf = new(Body), make([]byte, 0, size)
	}
	b.attempts = sent
	rc := resp.Body
	if nb, ok := rc.(*noteBody); ok {
		b.note, rc = nb.note, nb.ReadCloser
	}
	tb, timed := rc.(*timedBody)
	if timed {
		rc = tb.ReadCloser
	}
	var err error
	if rc != nil && rc != http.NoBody {
		b.data, err = readCapped(rc, d.maxBody, buf)
		b.err = err
		_ = rc.Close()
	}
	resp.Body = b
	if timed {
		d.logAttempt(tb.req.Context(), tb.req, tb.attempt, resp, nil, err, time.Since(tb.began))
	}
	return err
}

// Holders of a Body and the buffer of a small body, in one allocation each.
type (
	bodyHolder256 struct {
		Body
		buf [256]byte
	}
	bodyHolder512 struct {
		Body
		buf [512]byte
	}
	bodyHolder1024 struct {
		Body
		buf [1024]byte
	}
)

// Body is the body of every response the Doer returns: the bytes read (at most the cap) and the
// error that stopped the reading, if any, which Read returns after the bytes.
type Body struct {
	data     []byte
	off      int
	err      error
	attempts int
	note     string
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

// Note says why the response, a redirect, was not followed ("" when it was not a redirect).
func (b *Body) Note() string { return b.note }

// readCapped reads r to its end into buf (empty, with the capacity to start with), which doubles as
// the bytes arrive, never beyond limit+1; more than limit bytes is wrapper.ErrBodyTooLarge, with the
// first limit bytes returned. No allocation is larger than twice what was actually received.
func readCapped(r io.Reader, limit int64, buf []byte) ([]byte, error) {
	if cap(buf) == 0 {
		buf = make([]byte, 0, 512)
	}
	for {
		if len(buf) == cap(buf) {
			c := 2 * cap(buf)
			if int64(c) > limit || c < 0 {
				c = int(min(limit, math.MaxInt-1)) + 1 // room for one byte past the cap
			}
			grown := make([]byte, len(buf), c)
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return buf[:limit], wrapper.ErrBodyTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}
