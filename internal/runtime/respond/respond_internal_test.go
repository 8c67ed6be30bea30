package respond

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIsJSON protects the Content-Type check.
func TestIsJSON(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/json": true, "application/json; charset=utf-8": true, "application/problem+json": true,
		"text/html": false, "": false, "text/plain; charset=utf-8": false, "application/jsonx": false,
	} {
		assert.Equal(t, want, isJSON(ct), ct)
	}
}

// TestMessageText protects how envelope messages become text.
func TestMessageText(t *testing.T) {
	assert.Equal(t, "", messageText(nil))
	assert.Equal(t, "端口已存在", messageText("端口已存在"))
	assert.Equal(t, `{"code":404}`, messageText(map[string]any{"code": 404}))
}

type replacer struct{ secret string }

func (r replacer) Redact(s string) string { return strings.ReplaceAll(s, r.secret, "[REDACTED]") }

// TestScrubKeepsWhatTheErrorMatches protects scrub: a cause whose text holds the credential is
// redacted and no longer unwraps to the raw error, yet errors.Is still finds what it wrapped (a
// deadline must stay a deadline); a cause without the credential is returned as it is.
func TestScrubKeepsWhatTheErrorMatches(t *testing.T) {
	r := replacer{"s3cret"}
	raw := fmt.Errorf("Get \"http://h/s3cret\": %w", context.DeadlineExceeded)
	got := scrub(r, raw)
	assert.Equal(t, "Get \"http://h/[REDACTED]\": context deadline exceeded", got.Error())
	assert.ErrorIs(t, got, context.DeadlineExceeded)
	assert.Nil(t, errors.Unwrap(got))
	plain := fmt.Errorf("dial: %w", context.Canceled)
	assert.Same(t, plain, scrub(r, plain))
	assert.Nil(t, scrub(r, nil))
}

// fastEnv is an envelope whose DecodeFast is scripted: it counts its calls, marks the field B (which
// no body below holds) and sets A to 7, then answers accept.
type fastEnv struct {
	A      int `json:"a"`
	B      int `json:"b"`
	accept bool
}

var fastCalls int

func (e *fastEnv) DecodeFast([]byte) bool {
	fastCalls++
	e.A, e.B = 7, 99
	return e.accept
}

// fastAccepting is a fastEnv whose DecodeFast accepts every body.
type fastAccepting struct{ fastEnv }

func (e *fastAccepting) DecodeFast(b []byte) bool {
	e.accept = true
	return e.fastEnv.DecodeFast(b)
}

func decodeOK[T any](t *testing.T, body string) (*T, error) {
	t.Helper()
	rsp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body))}
	env, _, err := Decode[T](replacer{"s3cr3t"}, "op", rsp, nil, func(*http.Response) error { return nil })
	return env, err
}

// TestDecodeUsesTheFastDecoder protects the FastDecoder contract: its result stands when it accepts;
// when it refuses, whatever it left is dropped and json.Unmarshal decodes the body into a zero
// envelope; it is never given a body that is not JSON.
func TestDecodeUsesTheFastDecoder(t *testing.T) {
	fastCalls = 0
	env, err := decodeOK[fastAccepting](t, `{"a":1}`)
	require.NoError(t, err)
	assert.Equal(t, 7, env.A, "the fast decoder's result stands")
	assert.Equal(t, 1, fastCalls)

	fastCalls = 0
	refused, err := decodeOK[fastEnv](t, `{"a":1}`)
	require.NoError(t, err)
	assert.Equal(t, 1, fastCalls)
	assert.Equal(t, 1, refused.A, "json.Unmarshal decoded the body")
	assert.Equal(t, 0, refused.B, "what the fast decoder left was dropped")

	fastCalls = 0
	_, err = decodeOK[fastAccepting](t, `{"a":1`)
	require.Error(t, err)
	assert.Equal(t, 0, fastCalls, "a body that is not JSON never reaches the fast decoder")
}
