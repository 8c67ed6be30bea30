package wrapper_test

// Issue 12: the promises the clients make, tried as an attacker would through the public API. Each
// test names the promise it protects.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// operation is one call of either client against base.
type operation struct {
	name  string
	write bool
	call  func(t *testing.T, base string) error
}

const rainbondOK = `{"code":200,"msg":"success","data":{"bean":{"container_port":80,"protocol":"http"},"list":[]}}`
const alayaOK = `{"status":200,"message":"OK","data":{"external_port":30080,"internal_port":80,"protocol":"tcp","ports":[],"customPorts":[]}}`

// operations lists the seven operations, each with the options given.
func operations(ropts []rainbond.Option, aopts []alaya.Option) []operation {
	rb := func(t *testing.T, base string) *rainbond.Client {
		c, err := rainbond.NewClient(base, secret, ropts...)
		require.NoError(t, err)
		return c
	}
	al := func(t *testing.T, base string) *alaya.Client {
		c, err := alaya.NewClient(alaya.BearerKey(secret), append([]alaya.Option{alaya.WithBaseURL(base)}, aopts...)...)
		require.NoError(t, err)
		return c
	}
	ctx := context.Background()
	return []operation{
		{"rainbond.ListPorts", false, func(t *testing.T, b string) error { _, err := rb(t, b).ListPorts(ctx, comp); return err }},
		{"rainbond.AddPort", true, func(t *testing.T, b string) error {
			_, err := rb(t, b).AddPort(ctx, comp, rainbond.AddPortRequest{Port: 80})
			return err
		}},
		{"rainbond.UpdatePort", true, func(t *testing.T, b string) error { _, err := rb(t, b).OpenOuter(ctx, comp, 80); return err }},
		{"rainbond.DeletePort", true, func(t *testing.T, b string) error { _, err := rb(t, b).DeletePort(ctx, comp, 80); return err }},
		{"alaya.ListOpenPorts", false, func(t *testing.T, b string) error { _, err := al(t, b).ListOpenPorts(ctx, "i-1"); return err }},
		{"alaya.OpenPort", true, func(t *testing.T, b string) error { _, err := al(t, b).OpenPort(ctx, "i-1", 80, "tcp"); return err }},
		{"alaya.ClosePort", true, func(t *testing.T, b string) error { return al(t, b).ClosePort(ctx, "i-1", 80) }},
	}
}

func okBody(r *http.Request) string {
	if strings.Contains(r.URL.Path, "/v1/") && !strings.Contains(r.URL.Path, "openapi") {
		return alayaOK
	}
	return rainbondOK
}

// TestNoCapMeansNoPanic protects item 1: WithMaxBodyBytes(math.MaxInt64), the natural "no cap",
// works for every operation.
func TestNoCapMeansNoPanic(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, okBody(r))
	}))
	defer srv.Close()
	for _, op := range operations([]rainbond.Option{rainbond.WithMaxBodyBytes(math.MaxInt64)},
		[]alaya.Option{alaya.WithMaxBodyBytes(math.MaxInt64)}) {
		t.Run(op.name, func(t *testing.T) {
			assert.NotPanics(t, func() { assert.NoError(t, op.call(t, srv.URL)) })
		})
	}
}

// TestDeclaredLengthSizesNoBuffer protects item 2: a server that declares a huge Content-Length
// and sends two bytes neither panics the client nor makes it allocate what it claims.
func TestDeclaredLengthSizesNoBuffer(t *testing.T) {
	for _, declared := range []int64{1 << 50, 1 << 30} {
		t.Run(fmt.Sprint(declared), func(t *testing.T) {
			s := newRawServer(t, func(_ int, conn net.Conn, _ *http.Request) {
				fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{}", declared)
				_ = conn.Close()
			})
			c := rainbondClient(t, s.url(), rainbond.WithMaxBodyBytes(1<<50), rainbond.WithMaxRetries(0))
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			var err error
			require.NotPanics(t, func() { _, err = c.ListPorts(context.Background(), comp) })
			runtime.ReadMemStats(&after)
			var ae *wrapper.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, 200, ae.StatusCode)
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20), "no buffer sized from the claimed length")
		})
	}
}

// TestRetryAfterBeyondInt64 protects item 3: a Retry-After too large for int64 is "very long":
// capped, and with a deadline sooner than the cap the call returns at once after one request.
func TestRetryAfterBeyondInt64(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "99999999999999999999")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `{"code":503,"msg":"busy"}`)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	_, err := rainbondClient(t, srv.URL).ListPorts(ctx, comp)
	var ae *wrapper.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 503, ae.StatusCode)
	assert.EqualValues(t, 1, n.Load(), "no retry on the client's own backoff")
	assert.Less(t, time.Since(start), time.Second)
}

// TestNoURLPasswordInErrors protects item 4: a base URL with user information is refused without
// quoting the password, whatever else is wrong with it.
func TestNoURLPasswordInErrors(t *testing.T) {
	for _, raw := range []string{
		"https://admin:PASSWORD@host/%zz", "https://admin:PASSWORD@host/console", "https://admin:PASSWORD@ho st/",
		"http://admin:PASSWORD@[::1", "https://admin:PASSWORD@host:port/", "ftp://admin:PASSWORD@host/",
		"https://admin:PASSWORD@host/?q=1", "admin:PASSWORD@host",
	} {
		_, err := rainbond.NewClient(raw, secret)
		var ve *wrapper.ValidationError
		require.ErrorAs(t, err, &ve, raw)
		assert.Equal(t, "baseURL", ve.Field)
		assert.NotContains(t, err.Error(), "PASSWORD", raw)
		_, err = alaya.NewClient(alaya.BearerKey(secret), alaya.WithBaseURL(raw))
		require.ErrorAs(t, err, &ve, raw)
		assert.NotContains(t, err.Error(), "PASSWORD", raw)
	}
}

// TestCredentialRefusesUnicodeSpaceAndControls protects item 5: a token or key with any Unicode
// space or control character is refused, naming the field and not quoting the value.
func TestCredentialRefusesUnicodeSpaceAndControls(t *testing.T) {
	for _, r := range []rune{'\u00a0', '\u3000', '\u2003', '\u2028', '\u0085', '\u009b', '\u200b', '\ufeff', ' ', '\t', 0x7f} {
		cred := "sEcr" + string(r) + "et9"
		_, err := rainbond.NewClient("https://console.example.com", cred)
		var ve *wrapper.ValidationError
		require.ErrorAs(t, err, &ve, "%U", r)
		assert.Equal(t, "token", ve.Field)
		assert.NotContains(t, err.Error(), "sEcr")
		_, err = alaya.NewClient(alaya.BearerKey(cred))
		require.ErrorAs(t, err, &ve, "%U", r)
		assert.Equal(t, "BearerKey", ve.Field)
		_, err = alaya.NewClient(alaya.AccessKey{ID: "AK", Secret: cred})
		require.ErrorAs(t, err, &ve, "%U", r)
		assert.Equal(t, "AccessKey.Secret", ve.Field)
		assert.NotContains(t, err.Error(), "sEcr")
		_, err = alaya.NewClient(alaya.AccessKey{ID: cred, Secret: "s"})
		require.ErrorAs(t, err, &ve, "%U", r)
		assert.Equal(t, "AccessKey.ID", ve.Field)
	}
	_, err := rainbond.NewClient("https://console.example.com", "tok\xffen")
	assert.Error(t, err, "invalid UTF-8 is refused")
	_, err = rainbond.NewClient("https://console.example.com", "令牌-ok")
	assert.NoError(t, err, "other non-ASCII text is allowed")
}

// TestBaseURLNeedsAHostName protects item 6: a base URL without a host name is refused, so the
// credential is never sent to whatever listens on the local machine.
func TestBaseURLNeedsAHostName(t *testing.T) {
	for _, raw := range []string{"http://:8080/console", "https://:443", "http:///console", "http://@/x"} {
		_, err := rainbond.NewClient(raw, secret)
		var ve *wrapper.ValidationError
		require.ErrorAs(t, err, &ve, raw)
		assert.Equal(t, "baseURL", ve.Field)
		_, err = alaya.NewClient(alaya.BearerKey(secret), alaya.WithBaseURL(raw))
		require.ErrorAs(t, err, &ve, raw)
	}
}

// TestUnfollowableRedirectKeepsItsStatus protects item 7: a redirect that cannot be followed (a
// malformed Location, another scheme) is an *APIError with the 3xx status and the Location, for
// all seven operations.
func TestUnfollowableRedirectKeepsItsStatus(t *testing.T) {
	for _, loc := range []string{"http://[::1/x%zz", "ftp://files.example.com/x"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Location", loc)
			w.WriteHeader(http.StatusFound)
		}))
		for _, op := range operations(nil, nil) {
			t.Run(op.name+" "+loc, func(t *testing.T) {
				err := op.call(t, srv.URL)
				var ae *wrapper.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, http.StatusFound, ae.StatusCode)
				assert.Contains(t, ae.Message, loc)
				assert.Equal(t, op.name, ae.Operation)
			})
		}
		srv.Close()
	}
}

// TestEchoedCredentialIsRedacted protects item 8: a server that echoes the token or key gets it
// into neither APIError.Message nor Error(), in its raw or its "Bearer " form.
func TestEchoedCredentialIsRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		auth := r.Header.Get("Authorization")
		fmt.Fprintf(w, `{"code":401,"status":401,"msg":"invalid token %s","message":"invalid API key: %s"}`, auth, auth)
	}))
	defer srv.Close()
	for _, op := range operations(nil, nil) {
		t.Run(op.name, func(t *testing.T) {
			err := op.call(t, srv.URL)
			var ae *wrapper.APIError
			require.ErrorAs(t, err, &ae)
			assert.NotContains(t, ae.Message, secret)
			assert.NotContains(t, err.Error(), secret)
			assert.NotContains(t, fmt.Sprintf("%v %+v %#v %s %q", err, err, err, err, err), secret)
			assert.Contains(t, ae.Message, "[REDACTED]")
			assert.Contains(t, string(ae.Body), secret, "Body stays raw, as documented")
		})
	}
}

// TestWritesNeverFollowRedirects protects item 9: POST, PUT and DELETE do not follow a redirect
// (a 307 loop back to the same URL must not resend the write), and the 3xx comes back as an
// *APIError with its status and Location. A GET still follows.
func TestWritesNeverFollowRedirects(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Redirect(w, r, r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	for _, op := range operations(nil, nil) {
		if !op.write {
			continue
		}
		t.Run(op.name, func(t *testing.T) {
			n.Store(0)
			err := op.call(t, srv.URL)
			assert.EqualValues(t, 1, n.Load(), "the write reached the server once")
			var ae *wrapper.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, http.StatusTemporaryRedirect, ae.StatusCode)
			assert.Contains(t, ae.Message, "Location")
			assert.Equal(t, 1, ae.Attempts)
		})
	}
}

// TestUserAgentWithControlsRefused protects the "Also" item: WithUserAgent with CR or LF is refused
// by NewClient as a *ValidationError naming the option.
func TestUserAgentWithControlsRefused(t *testing.T) {
	for _, ua := range []string{"a\r\nb", "a\nX-Evil: 1", "a\x00", "a\u0085b", "a\u009bb", "a\u2028b", "a\xffb"} {
		_, err := rainbond.NewClient("https://console.example.com", secret, rainbond.WithUserAgent(ua))
		var ve *wrapper.ValidationError
		require.ErrorAs(t, err, &ve, "%q", ua)
		assert.Equal(t, "WithUserAgent", ve.Field)
		_, err = alaya.NewClient(alaya.BearerKey(secret), alaya.WithUserAgent(ua))
		require.ErrorAs(t, err, &ve, "%q", ua)
		assert.Equal(t, "WithUserAgent", ve.Field)
	}
}

// TestClientNeverPrintsItsCredential protects the "Also" item on fmt: no verb shows the credential,
// on a client or on the value it points to.
func TestClientNeverPrintsItsCredential(t *testing.T) {
	rc, err := rainbond.NewClient("https://console.example.com", secret)
	require.NoError(t, err)
	ac, err := alaya.NewClient(alaya.AccessKey{ID: "AK", Secret: secret})
	require.NoError(t, err)
	bc, err := alaya.NewClient(alaya.BearerKey(secret))
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%t", "%p", "%T"} {
		for _, v := range []any{rc, *rc, ac, *ac, bc, *bc} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, secret, verb)
			assert.NotContains(t, out, fmt.Sprintf("%x", secret), verb)
		}
	}
}

var _ = errors.New

// errorChainText is every text reachable from err by unwrapping: what a caller who logs a cause
// (errors.Unwrap, errors.As into *url.Error, ...) can see.
func errorChainText(err error) string {
	var b strings.Builder
	var walk func(error)
	walk = func(e error) {
		for e != nil {
			b.WriteString(e.Error())
			b.WriteString("\n")
			if m, ok := e.(interface{ Unwrap() []error }); ok {
				for _, c := range m.Unwrap() {
					walk(c)
				}
				return
			}
			e = errors.Unwrap(e)
		}
	}
	walk(err)
	return b.String()
}

// TestNoCredentialInAnErrorsCause protects "no error may contain the token": not only Error() but
// every error the chain unwraps to, for a server that puts the credential where the client quotes it
// (a redirect to a URL holding it, a JSON number equal to an all-digit token).
func TestNoCredentialInAnErrorsCause(t *testing.T) {
	const digits = "123456789012345678901234567890"
	t.Run("redirect URL", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://127.0.0.1:1/"+secret, http.StatusFound)
		}))
		defer srv.Close()
		c, err := rainbond.NewClient(srv.URL, secret, rainbond.WithMaxRetries(0))
		require.NoError(t, err)
		_, err = c.ListPorts(context.Background(), comp)
		require.Error(t, err)
		assert.NotContains(t, errorChainText(err), secret)
	})
	t.Run("echoed as a number", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"code":200,"msg":"success","data":{"bean":{},"list":[{"container_port":`+digits+`}]}}`)
		}))
		defer srv.Close()
		c, err := rainbond.NewClient(srv.URL, digits, rainbond.WithMaxRetries(0))
		require.NoError(t, err)
		_, err = c.ListPorts(context.Background(), comp)
		require.Error(t, err)
		assert.NotContains(t, errorChainText(err), digits)
	})
}

// TestLoggedPathHasNoCredential protects "never the credential in a log record": a GET redirected
// to a path that holds the credential logs that path redacted.
func TestLoggedPathHasNoCredential(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/x/") {
			http.Redirect(w, r, "/x/"+r.Header.Get("Authorization"), http.StatusFound)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := rainbond.NewClient(srv.URL, secret, rainbond.WithLogger(logger), rainbond.WithMaxRetries(0))
	require.NoError(t, err)
	_, err = c.ListPorts(context.Background(), comp)
	require.Error(t, err)
	require.Contains(t, logs.String(), "attempt")
	assert.NotContains(t, logs.String(), secret)
}
