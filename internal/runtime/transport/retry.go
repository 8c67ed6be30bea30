package transport

import (
	"context"
	"errors"
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

	"github.com/portsdk/portsdk/internal/runtime/options"
	"github.com/portsdk/portsdk/wrapper"
)

// Do sends req and returns the last response with its body read, up to the cap (body.go),
// counting the requests it sends in the Call of req's context, if there is one. Each attempt
// follows redirects (redirect.go). A GET or HEAD is sent again after a connection error, 429, 502,
// 503 or 504, up to MaxRetries times, waiting a capped jittered backoff or what Retry-After asks,
// as long as the wait ends within the retry budget and before the context's deadline. POST, PUT
// and DELETE are sent once.
func (d *Doer) Do(req *http.Request) (*http.Response, error) {
	req.Header["User-Agent"] = d.userAgent
	req.Header["Accept"] = acceptJSON
	call, _ := req.Context().(*Call)
	if call == nil {
		call = new(Call)
	}
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
			d.auth.Authorize(r)
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
		end := time.Now().Add(wait) // a retry must start before the deadline, within the budget
		if dl, ok := ctx.Deadline(); ok && end.After(dl) || d.cfg.RetryBudget > 0 && end.Sub(start) > d.cfg.RetryBudget {
			return resp, err
		}
		d.debug(ctx, "portsdk: retry wait", r, call, attempt+1, slog.Duration("wait", wait), slog.String("reason", reason))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, &url.Error{Op: req.Method, URL: req.URL.String(), Err: ctx.Err()}
		case <-t.C:
		}
	}
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
	s := resp.StatusCode
	return s == http.StatusTooManyRequests || s == http.StatusBadGateway || s == http.StatusServiceUnavailable || s == http.StatusGatewayTimeout
}

// connectionError reports whether err is the network failing (refused, reset, closed early, timed
// out), as opposed to a policy such as too many redirects or a bad certificate.
func connectionError(err error) bool {
	err = cause(err)
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
}

// retryAfter parses a Retry-After value: delay-seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v) // "" parses as neither form
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
