package transport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRedirects is how many requests one attempt of a GET may send while following redirects,
// net/http's own limit.
const maxRedirects = 10

// follow sends r and, for a GET or HEAD, follows the redirects it is allowed to, counting the
// requests in call. It returns the last response with its body read (body.go) and the reading's
// error; call.Note says why that response, when a redirect, was not followed.
//
// The policy: POST, PUT and DELETE never follow a redirect (a write must not be sent twice); a GET
// follows 301, 302, 303, 307 and 308 to an http or https Location, up to maxRedirects requests,
// subject to the caller's own CheckRedirect; the credential is authorized again for a Location on
// the base URL's origin and dropped (with Cookie) for any other origin.
func (d *Doer) follow(ctx context.Context, r *http.Request, attempt int, call *Call) (_ *http.Response, bodyErr, _ error) {
	var via []*http.Request
	for {
		call.Attempts++
		began := time.Now()
		send, cancel := r, context.CancelFunc(func() {})
		if d.timeout > 0 { // the timeout covers the body too: cancel runs once it is read
			var hctx context.Context
			hctx, cancel = context.WithTimeout(r.Context(), d.timeout)
			send = r.WithContext(hctx)
		}
		resp, err := d.client.Do(send)
		if err != nil {
			cancel()
			d.logAttempt(ctx, r, call, attempt, nil, err, began)
			return nil, nil, err
		}
		if loc, ok := resp.Header[stashedLocation]; ok {
			resp.Header["Location"] = loc
			delete(resp.Header, stashedLocation)
		}
		var next *http.Request
		call.Note = ""
		if isRedirect(resp.StatusCode) && resp.Header.Get("Location") != "" {
			next, call.Note = d.nextHop(r, resp, via)
		}
		if next == nil {
			bodyErr = d.buffer(resp)
			cancel()
			d.logAttempt(ctx, r, call, attempt, resp, bodyErr, began)
			return resp, bodyErr, nil
		}
		d.logAttempt(ctx, r, call, attempt, resp, nil, began)
		_, _ = io.CopyN(io.Discard, resp.Body, 2<<10) // lets the connection be reused
		_ = resp.Body.Close()
		cancel()
		via = append(via, r)
		r = next
	}
}

// stashLocation hides the Location header of a redirect from http.Client, which would otherwise
// fail on a Location it cannot parse before consulting CheckRedirect, losing the response; follow
// puts it back.
type stashLocation struct{ next http.RoundTripper }

const stashedLocation = "Portsdk-Stashed-Location"

func (s stashLocation) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(r)
	if resp != nil && isRedirect(resp.StatusCode) {
		if loc, ok := resp.Header["Location"]; ok {
			resp.Header[stashedLocation] = loc
			delete(resp.Header, "Location")
		}
	}
	return resp, err
}

func isRedirect(s int) bool {
	return s == http.StatusMovedPermanently || s == http.StatusFound || s == http.StatusSeeOther ||
		s == http.StatusTemporaryRedirect || s == http.StatusPermanentRedirect
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
		d.auth.Authorize(next)
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
