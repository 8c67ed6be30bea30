package transport

import (
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

	"github.com/portsdk/portsdk/internal/runtime/options"
	"github.com/portsdk/portsdk/wrapper"
)

// retry sends req (through follow) and, for a GET or HEAD, sends it again after a connection error,
// 429, 502, 503 or 504, up to maxRetries times, waiting a capped jittered backoff or what
// Retry-After asks, as long as the wait ends within the retry budget and before the context's
// deadline. POST, PUT and DELETE are sent once.
func (d *Doer) retry(req *http.Request, call *Call) (*http.Response, error) {
	retries := 0
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		retries = d.cfg.MaxRetries
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
		resp, bodyErr, err := d.follow(ctx, r, attempt+1, call)
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
		d.logWait(ctx, r, call, attempt+1, wait, reason)
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
	end := time.Now().Add(wait)
	if dl, ok := ctx.Deadline(); ok && end.After(dl) {
		return false
	}
	return d.cfg.RetryBudget <= 0 || end.Sub(start) <= d.cfg.RetryBudget
}

// backoff is the capped exponential wait before retry attempt+1, with jitter in [w/2, w].
func (d *Doer) backoff(attempt int) time.Duration {
	w := d.cfg.RetryBaseWait << min(attempt, 16)
	if w <= 0 || w > options.MaxRetryWait {
		w = options.MaxRetryWait
	}
	half := w / 2
	return half + rand.N(half+1)
}

// retryable reports whether an attempt that ended with (resp, err), and bodyErr while reading the
// body, may be repeated: connection errors (also in the middle of the body), 429, 502, 503 and 504.
func retryable(ctx context.Context, resp *http.Response, err, bodyErr error) bool {
	switch {
	case ctx.Err() != nil:
		return false
	case err != nil:
		return connectionError(err)
	case bodyErr != nil:
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
	// A value beyond int64 (ParseInt returns math.MaxInt64 with ErrRange) is "very long"; one below
	// math.MinInt64 is negative.
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(options.MaxRetryWait/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
