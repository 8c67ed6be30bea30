package wrapper

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrBodyTooLarge is the cause (see APIError.Unwrap) when a response body is longer than the cap.
var ErrBodyTooLarge = errors.New("response body exceeds the size cap")

// Doer sends the generated clients' requests: it sets the credential (only for the base URL's
// origin, also across redirects), the User-Agent and Accept headers, caps response bodies, and
// retries GET requests on connection errors, 429, 502, 503 and 504. It implements the generated
// HttpRequestDoer interfaces.
type Doer struct {
	client     *http.Client
	origin     string // scheme://host[:port] of the base URL
	authValue  string // the Authorization header value; never printed
	userAgent  string
	maxRetries int
	maxBody    int64
	budget     time.Duration
	baseWait   time.Duration
}

// NewDoer returns a Doer for cfg that sends authValue as the Authorization header to base's origin.
func NewDoer(cfg Config, base *url.URL, authValue string) *Doer {
	d := &Doer{
		origin:     origin(base),
		authValue:  authValue,
		userAgent:  "portsdk/" + Version,
		maxRetries: cfg.MaxRetries,
		maxBody:    cfg.MaxBodyBytes,
		budget:     cfg.RetryBudget,
		baseWait:   cfg.RetryBaseWait,
	}
	if cfg.UserAgent != "" {
		d.userAgent = cfg.UserAgent + " " + d.userAgent
	}
	// A shallow copy shares the caller's Transport, Jar and Timeout; only the redirect policy is
	// wrapped, so that the credential never follows a redirect to another origin.
	hc := *cfg.HTTPClient
	prev := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if origin(req.URL) != d.origin {
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

func origin(u *url.URL) string {
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
}

// String never shows the credential.
func (d *Doer) String() string { return "wrapper.Doer{" + d.origin + "}" }

// GoString never shows the credential.
func (d *Doer) GoString() string { return d.String() }

// Do sends req, retrying a GET when that is safe, and returns the last response with its body
// read (up to the cap) into a *bufferedBody.
func (d *Doer) Do(req *http.Request) (*http.Response, error) {
	if origin(req.URL) == d.origin {
		req.Header.Set("Authorization", d.authValue)
	}
	req.Header.Set("User-Agent", d.userAgent)
	req.Header.Set("Accept", "application/json")

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
		resp, err := d.client.Do(r)
		var bodyErr error
		if err == nil {
			bodyErr = d.buffer(resp)
		}
		if attempt >= retries || !retryable(ctx, resp, err, bodyErr) {
			return resp, err
		}
		wait := d.backoff(attempt)
		if resp != nil && bodyErr == nil {
			if ra, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				wait = ra
			}
		}
		wait = min(wait, MaxRetryWait)
		if !d.fits(ctx, start, wait) {
			return resp, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, &url.Error{Op: req.Method, URL: req.URL.String(), Err: ctx.Err()}
		case <-t.C:
		}
	}
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
	if w <= 0 || w > MaxRetryWait {
		w = MaxRetryWait
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
		return !errors.Is(bodyErr, ErrBodyTooLarge) && connectionError(bodyErr)
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
		if secs > int64(MaxRetryWait/time.Second) {
			return MaxRetryWait, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// buffer reads resp's body, up to the cap, and closes it, replacing it with a bufferedBody that
// gives back what was read and then the error that stopped the reading, if any.
func (d *Doer) buffer(resp *http.Response) error {
	if resp.Body == nil || resp.Body == http.NoBody {
		resp.Body = &bufferedBody{}
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
	resp.Body = &bufferedBody{data: buf.Bytes(), err: err}
	return err
}

// bufferedBody is the body of every response the Doer returns: the bytes read (at most the cap) and
// the error that stopped the reading, if any, which Read returns after the bytes.
type bufferedBody struct {
	data []byte
	off  int
	err  error
}

// Read implements io.Reader.
func (b *bufferedBody) Read(p []byte) (int, error) {
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
func (b *bufferedBody) Close() error { return nil }

// Bytes returns all of the body that was read, and the error that stopped the reading, if any.
func (b *bufferedBody) Bytes() ([]byte, error) { return b.data, b.err }

// cappedBody returns ErrBodyTooLarge once more than its cap has been read.
type cappedBody struct {
	rc   io.ReadCloser
	left int64
}

func (c *cappedBody) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, ErrBodyTooLarge
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.rc.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n + int(c.left), ErrBodyTooLarge
	}
	return n, err
}

func (c *cappedBody) Close() error { return c.rc.Close() }
