package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/runtime/options"
)

// countingAuth signs each request with a fresh counter, as a per-request signature does.
type countingAuth struct {
	n      atomic.Int32
	secret string
}

func (a *countingAuth) Authorize(req *http.Request) {
	req.Header.Set("Authorization", "sig "+strconv.Itoa(int(a.n.Add(1)))+" "+req.URL.EscapedPath())
}

func (a *countingAuth) Secrets() []string { return []string{a.secret} }

func newDoer(t *testing.T, base string, auth Authorizer) *Doer {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	cfg := options.New([]options.Set{func(c *options.Config) { c.RetryBaseWait = time.Millisecond }}, func(s options.Set) options.Set { return s })
	return New(cfg, u, auth)
}

// TestAuthorizerCalledPerAttempt protects the credential hook: Authorize runs once per request sent,
// retries included, so a signature is fresh on every attempt.
func TestAuthorizerCalledPerAttempt(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	auth := &countingAuth{}
	d := newDoer(t, srv.URL, auth)
	call := &Call{Context: context.Background(), Op: "op"}
	req, _ := http.NewRequestWithContext(call, http.MethodGet, srv.URL+"/api/x", nil)
	resp, err := d.Do(req)
	require.NoError(t, err)
	assert.Equal(t, 503, resp.StatusCode)
	assert.Equal(t, []string{"sig 1 /api/x", "sig 2 /api/x", "sig 3 /api/x"}, seen)
	assert.Equal(t, 3, call.Attempts)
}

// TestAuthorizerOnlyForTheOrigin protects the same-origin rule: a redirect to another origin carries
// no Authorization header; one within the origin is signed again for its own path.
func TestAuthorizerOnlyForTheOrigin(t *testing.T) {
	var other atomic.Value
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.Store(r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusOK)
	}))
	defer elsewhere.Close()
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Authorization"))
		switch r.URL.Path {
		case "/a":
			http.Redirect(w, r, "/b", http.StatusFound)
		case "/b":
			http.Redirect(w, r, elsewhere.URL+"/c", http.StatusFound)
		}
	}))
	defer srv.Close()
	d := newDoer(t, srv.URL, &countingAuth{})
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/a", nil)
	resp, err := d.Do(req)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, []string{"sig 1 /a", "sig 2 /b"}, seen)
	assert.Equal(t, "", other.Load(), "no credential for another origin")
}

// TestRedact protects the redaction of every form of the secrets, the longest first.
func TestRedact(t *testing.T) {
	d := newDoer(t, "https://h.example", &countingAuth{secret: "a/b c"})
	assert.Equal(t, "x [REDACTED] [REDACTED] [REDACTED] y", d.Redact("x a/b c a%2Fb+c a%2Fb%20c y"))
	d = newDoer(t, "https://h.example", NewHeaderAuth("Bearer", "k3y"))
	assert.Equal(t, "invalid API key: Bearer [REDACTED]", d.Redact("invalid API key: Bearer k3y"))
}

// TestSecretNeverPrints protects the credential: no fmt verb on a Doer or a HeaderAuth that holds
// it shows it.
func TestSecretNeverPrints(t *testing.T) {
	const raw = "tok-123456"
	auth := NewHeaderAuth("Bearer", raw)
	d := newDoer(t, "https://h.example/p", auth)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%T", "%p"} {
		for _, v := range []any{auth, *auth, d, *d} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, raw, verb)
			assert.NotContains(t, strings.ToLower(out), fmt.Sprintf("%x", raw), verb)
		}
	}
}

// TestScrubKeepsWhatTheErrorMatches protects Scrub: a cause whose text holds the credential is
// redacted and no longer unwraps to the raw error, yet errors.Is still finds what it wrapped (a
// deadline must stay a deadline); a cause without the credential is returned as it is.
func TestScrubKeepsWhatTheErrorMatches(t *testing.T) {
	d := newDoer(t, "https://h.example", NewHeaderAuth("", "s3cret"))
	raw := fmt.Errorf("Get \"http://h/s3cret\": %w", context.DeadlineExceeded)
	got := d.Scrub(raw)
	assert.Equal(t, "Get \"http://h/[REDACTED]\": context deadline exceeded", got.Error())
	assert.ErrorIs(t, got, context.DeadlineExceeded)
	assert.Nil(t, errors.Unwrap(got))
	plain := fmt.Errorf("dial: %w", context.Canceled)
	assert.Same(t, plain, d.Scrub(plain))
	assert.Nil(t, d.Scrub(nil))
}

// TestRedactorShortSecrets protects unrelated text from the redactor: an empty secret redacts
// nothing, a short secret's base64 (fewer than 8 characters that depend on it alone, which would
// match unrelated text) is left alone while the secret itself is redacted, and a text is given
// decoded only when decoding shows a secret.
func TestRedactorShortSecrets(t *testing.T) {
	assert.Equal(t, "abc", redactor([]string{""})("abc"))
	assert.Equal(t, "YWJj [REDACTED] [REDACTED]", redactor([]string{"abc"})("YWJj abc %61%62%63"))
	assert.Equal(t, "/a%20b/%41bc", redactor([]string{"abc"})("/a%20b/%41bc"), "escapes stay when decoding shows no secret")
	assert.Equal(t, "/a b/[REDACTED]", redactor([]string{"abc"})("/a%20b/%61b%63"), "and go when it does")
}
