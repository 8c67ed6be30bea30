package alaya_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/runtime/alayasign"
	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
)

const accessSecret = "sk-0f1e2d3c4b5a69788796a5b4c3d2e1f0"

// signedServer is an alayatest server with a known AccessKey pair and one instance.
func signedServer(t *testing.T) *alayatest.Server {
	t.Helper()
	srv := alayatest.NewServer()
	t.Cleanup(srv.Close)
	srv.SetAccessKey(alaya.AccessKey{ID: "AK-test-0001", Secret: accessSecret})
	srv.AddInstance(instance)
	return srv
}

// lifecycle lists, opens, lists and closes a port, and returns the first error.
func lifecycle(ctx context.Context, c *alaya.Client) error {
	if _, err := c.ListOpenPorts(ctx, instance); err != nil {
		return err
	}
	m, err := c.OpenPort(ctx, instance, 8080, "tcp")
	if err != nil {
		return err
	}
	if m.InternalPort != 8080 {
		return fmt.Errorf("mapped %d", m.InternalPort)
	}
	ports, err := c.ListOpenPorts(ctx, instance)
	if err != nil {
		return err
	}
	if len(ports.CustomPorts) != 1 {
		return fmt.Errorf("custom ports %v", ports.CustomPorts)
	}
	return c.ClosePort(ctx, instance, 8080)
}

// TestCredentialsAgainstTheService protects issue 15's promises against alayatest, which verifies
// signatures as the live service does: both credentials work, a wrong secret is 40003, a clock six
// minutes off is 40002, and the pages' unprefixed URL gets an error that names the missing prefix.
func TestCredentialsAgainstTheService(t *testing.T) {
	ctx := context.Background()
	t.Run("AccessKey signs every request", func(t *testing.T) {
		srv := signedServer(t)
		c, err := alaya.NewClient(srv.AccessKey, alaya.WithBaseURL(srv.URL))
		require.NoError(t, err)
		require.NoError(t, lifecycle(ctx, c))
		for _, r := range srv.Requests() {
			auth := r.Header.Get("Authorization")
			assert.True(t, strings.HasPrefix(auth, "alayanew-HMAC-SHA256 AK-test-0001:"), auth)
			assert.NotContains(t, auth, accessSecret, "the secret is never sent")
			assert.NotContains(t, string(r.Body), accessSecret)
		}
	})
	t.Run("a pointer to an AccessKey", func(t *testing.T) {
		srv := signedServer(t)
		k := srv.AccessKey
		c, err := alaya.NewClient(&k, alaya.WithBaseURL(srv.URL))
		require.NoError(t, err)
		require.NoError(t, lifecycle(ctx, c))
	})
	t.Run("BearerKey when the server takes one", func(t *testing.T) {
		srv := signedServer(t)
		srv.AcceptAPIKey()
		c, err := alaya.NewClient(alaya.BearerKey(srv.APIKey), alaya.WithBaseURL(srv.URL))
		require.NoError(t, err)
		require.NoError(t, lifecycle(ctx, c))
		assert.Equal(t, "Bearer "+srv.APIKey, srv.Requests()[0].Header.Get("Authorization"))
	})
	refused := []struct {
		name string
		cred alaya.Credential
		opts []alaya.Option
		code int
	}{
		{"wrong secret", alaya.AccessKey{ID: "AK-test-0001", Secret: accessSecret + "x"}, nil, alaya.StatusSignature},
		{"unknown ID", alaya.AccessKey{ID: "AK-test-0002", Secret: accessSecret}, nil, alaya.StatusUnknownKey},
		{"clock 6 minutes behind", alaya.AccessKey{ID: "AK-test-0001", Secret: accessSecret}, []alaya.Option{alaya.WithClock(func() time.Time { return time.Now().Add(-6 * time.Minute) })}, alaya.StatusTimestamp},
		{"clock 6 minutes ahead", alaya.AccessKey{ID: "AK-test-0001", Secret: accessSecret}, []alaya.Option{alaya.WithClock(func() time.Time { return time.Now().Add(6 * time.Minute) })}, alaya.StatusTimestamp},
		{"BearerKey, as the live service", alaya.BearerKey(accessSecret), nil, alaya.StatusMalformed},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			srv := signedServer(t)
			c, err := alaya.NewClient(tc.cred, append([]alaya.Option{alaya.WithBaseURL(srv.URL)}, tc.opts...)...)
			require.NoError(t, err)
			for _, call := range []func() error{
				func() error { _, err := c.ListOpenPorts(ctx, instance); return err },
				func() error { _, err := c.OpenPort(ctx, instance, 8080, "tcp"); return err },
				func() error { return c.ClosePort(ctx, instance, 8080) },
			} {
				err := call()
				var ae *wrapper.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, http.StatusUnauthorized, ae.StatusCode)
				assert.Equal(t, tc.code, ae.Code)
				assert.ErrorIs(t, err, wrapper.ErrUnauthorized)
				assert.Contains(t, err.Error(), fmt.Sprintf("HTTP 401, code %d", tc.code))
				assert.NotContains(t, err.Error(), accessSecret)
			}
			ports, _ := srv.Ports(instance)
			assert.Empty(t, ports.CustomPorts)
		})
	}
	t.Run("the pages' URL without /api/osm", func(t *testing.T) {
		srv := signedServer(t)
		base := strings.TrimSuffix(srv.URL, alayatest.PathPrefix)
		c, err := alaya.NewClient(srv.AccessKey, alaya.WithBaseURL(base))
		require.NoError(t, err)
		_, err = c.ListOpenPorts(ctx, instance)
		var ae *wrapper.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, http.StatusOK, ae.StatusCode)
		assert.Equal(t, "the answer is an HTML page (Content-Type text/html), not the API: the base URL "+base+
			" probably misses the API prefix /api/osm (DefaultBaseURL is https://api.alayanew.com/api/osm)", ae.Message)
		assert.Contains(t, string(ae.Body), "<!DOCTYPE html>")
		_, err = c.OpenPort(ctx, instance, 8080, "tcp")
		assert.ErrorContains(t, err, "probably misses the API prefix")
		assert.ErrorContains(t, c.ClosePort(ctx, instance, 8080), "probably misses the API prefix")
	})
}

// TestDisabledAndExpiredKeys protects the statuses of a refused key: a disabled key is HTTP 401
// with code 40004, an expired one 40005, both wrapper.ErrUnauthorized.
func TestDisabledAndExpiredKeys(t *testing.T) {
	srv := signedServer(t)
	c, err := alaya.NewClient(srv.AccessKey, alaya.WithBaseURL(srv.URL))
	require.NoError(t, err)
	for state, code := range map[alayatest.KeyState]int{alayatest.KeyDisabled: 40004, alayatest.KeyExpired: 40005} {
		srv.SetKeyState(state)
		_, err := c.ListOpenPorts(context.Background(), instance)
		var ae *wrapper.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, http.StatusUnauthorized, ae.StatusCode)
		assert.Equal(t, code, ae.Code)
		assert.ErrorIs(t, err, wrapper.ErrUnauthorized)
	}
}

// TestSignatureIsDeterministic protects WithClock and the recipe end to end: with a fixed clock
// the header is exactly the known function of the time, the method and the escaped path sent
// (base URL prefix included, query excluded).
func TestSignatureIsDeterministic(t *testing.T) {
	at := time.UnixMilli(1763888400123)
	f := newFake(t, answer(http.StatusOK, listOK))
	k := alaya.AccessKey{ID: "test-access", Secret: "test-secret"}
	c, err := alaya.NewClient(k, alaya.WithBaseURL(f.srv.URL+prefix), alaya.WithClock(func() time.Time { return at }))
	require.NoError(t, err)
	_, err = c.ListOpenPorts(context.Background(), "a/b c")
	require.NoError(t, err)
	reqs := f.requests()
	require.Len(t, reqs, 1)
	path := prefix + "/v1/cci/instance/a%2Fb%20c/open-port/list"
	assert.Equal(t, path, reqs[0].EscapedPath)
	want := "alayanew-HMAC-SHA256 test-access:1763888400123:" + alayasign.Signature("test-secret", 1763888400123, "GET", path)
	assert.Equal(t, want, reqs[0].Auth)
}

// TestEachAttemptSignedAfresh protects retries: every attempt carries a signature over its own,
// fresh timestamp, so a retry after a long wait is not refused as stale.
func TestEachAttemptSignedAfresh(t *testing.T) {
	var (
		mu    sync.Mutex
		calls int
	)
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n < 3 {
			writeJSON(w, http.StatusServiceUnavailable, `{"status":503,"message":"busy","data":{}}`)
			return
		}
		writeJSON(w, http.StatusOK, listOK)
	})
	var tick int64
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		tick++
		return time.UnixMilli(1763888400000 + tick*1000)
	}
	k := alaya.AccessKey{ID: "AK", Secret: "s"}
	c, err := alaya.NewClient(k, alaya.WithBaseURL(f.srv.URL+prefix), alaya.WithClock(clock), alaya.WithMaxRetries(2))
	require.NoError(t, err)
	_, err = c.ListOpenPorts(context.Background(), instance)
	require.NoError(t, err)
	reqs := f.requests()
	require.Len(t, reqs, 3)
	seen := map[string]bool{}
	for i, r := range reqs {
		ts := time.UnixMilli(1763888400000 + int64(i+1)*1000)
		assert.Equal(t, alayasign.Authorization("AK", "s", ts, "GET", r.EscapedPath), r.Auth, "attempt %d", i+1)
		assert.False(t, seen[r.Auth], "attempt %d reused a signature", i+1)
		seen[r.Auth] = true
	}
}

// TestRedirectIsSignedForItsPath protects a same-origin redirect of a GET: the redirected request
// is signed again, over its own path.
func TestRedirectIsSignedForItsPath(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.Path, "/moved/") {
			http.Redirect(w, r, strings.Replace(r.URL.Path, "/v1/", "/moved/v1/", 1), http.StatusFound)
			return
		}
		writeJSON(w, http.StatusOK, listOK)
	})
	at := time.UnixMilli(1763888400000)
	c, err := alaya.NewClient(alaya.AccessKey{ID: "AK", Secret: "s"}, alaya.WithBaseURL(f.srv.URL+prefix), alaya.WithClock(func() time.Time { return at }))
	require.NoError(t, err)
	_, err = c.ListOpenPorts(context.Background(), instance)
	require.NoError(t, err)
	reqs := f.requests()
	require.Len(t, reqs, 2)
	for _, r := range reqs {
		assert.Equal(t, alayasign.Authorization("AK", "s", at, "GET", r.EscapedPath), r.Auth, r.EscapedPath)
	}
	assert.NotEqual(t, reqs[0].Auth, reqs[1].Auth)
}

// TestCredentialValidation protects validation before sending: a missing or malformed credential
// is a *wrapper.ValidationError naming the field, no request is made, and the error never quotes
// the secret.
func TestCredentialValidation(t *testing.T) {
	var nilKey *alaya.AccessKey
	var nilBearer *alaya.BearerKey
	cases := []struct {
		name  string
		cred  alaya.Credential
		field string
	}{
		{"nil", nil, "cred"},
		{"nil *AccessKey", nilKey, "cred"},
		{"nil *BearerKey", nilBearer, "cred"},
		{"empty AccessKey", alaya.AccessKey{}, "AccessKey.ID"},
		{"empty ID", alaya.AccessKey{Secret: accessSecret}, "AccessKey.ID"},
		{"empty secret", alaya.AccessKey{ID: "AK"}, "AccessKey.Secret"},
		{"ID with a colon", alaya.AccessKey{ID: "AK:1", Secret: accessSecret}, "AccessKey.ID"},
		{"ID with a space", alaya.AccessKey{ID: "AK 1", Secret: accessSecret}, "AccessKey.ID"},
		{"ID with a newline", alaya.AccessKey{ID: "AK\n", Secret: accessSecret}, "AccessKey.ID"},
		{"secret with a space", alaya.AccessKey{ID: "AK", Secret: accessSecret + " "}, "AccessKey.Secret"},
		{"secret with CR LF", alaya.AccessKey{ID: "AK", Secret: accessSecret[:5] + "\r\n" + accessSecret[5:]}, "AccessKey.Secret"},
		{"secret with a tab", alaya.AccessKey{ID: "AK", Secret: "\t" + accessSecret}, "AccessKey.Secret"},
		{"secret with DEL", alaya.AccessKey{ID: "AK", Secret: accessSecret + "\x7f"}, "AccessKey.Secret"},
		{"empty BearerKey", alaya.BearerKey(""), "BearerKey"},
		{"BearerKey with Bearer", alaya.BearerKey("Bearer " + accessSecret), "BearerKey"},
	}
	f := newFake(t, answer(http.StatusOK, listOK))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := alaya.NewClient(tc.cred, alaya.WithBaseURL(f.srv.URL+prefix))
			assert.Nil(t, c)
			var ve *wrapper.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.NotContains(t, err.Error(), accessSecret)
			assert.NotContains(t, err.Error(), accessSecret[5:])
		})
	}
	assert.Zero(t, f.count(), "nothing is sent")
}

// TestSecretNeverLeaks protects the secret against an echoing server, the logger and every fmt
// form of the client: an answer that quotes the secret (raw or escaped) has it redacted from
// Message and Error(); log records and the printed client never show it.
func TestSecretNeverLeaks(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusUnauthorized, `{"status":40003,"message":"bad signature for secret `+accessSecret+` (`+strings.ReplaceAll(accessSecret, "-", "%2D")+`), header `+r.Header.Get("Authorization")+`"}`)
	})
	var logs bytes.Buffer
	c, err := alaya.NewClient(alaya.AccessKey{ID: "AK", Secret: accessSecret}, alaya.WithBaseURL(f.srv.URL+prefix),
		alaya.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, err)
	_, err = c.ListOpenPorts(context.Background(), instance)
	var ae *wrapper.APIError
	require.True(t, errors.As(err, &ae))
	assert.Equal(t, 40003, ae.Code)
	for _, s := range []string{err.Error(), ae.Message, fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", ae.Message), logs.String()} {
		assert.NotContains(t, s, accessSecret)
	}
	assert.NotEmpty(t, logs.String())
	for _, s := range fmtForms(c) {
		assert.NotContains(t, s, accessSecret)
	}
	for _, s := range fmtForms(*c) {
		assert.NotContains(t, s, accessSecret)
	}
}
