package conformance_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/conformance"
)

// countingBody is a response body of n bytes that counts how many were read.
type countingBody struct {
	left, read int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	if b.left == 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > b.left {
		n = b.left
	}
	clear(p[:n])
	b.left -= n
	b.read += n
	return int(n), nil
}

func (b *countingBody) Close() error { return nil }

type cannedTransport struct{ body *countingBody }

func (c cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: c.body, Request: r}, nil
}

// TestValidatorCapsResponseBodies protects the Validator's body cap: it buffers at most
// conformance.MaxBodyBytes of a response (the clients' default cap), hands the caller the whole
// body unchanged, and records that the response was too large to validate.
func TestValidatorCapsResponseBodies(t *testing.T) {
	const size = 64 << 20
	body := &countingBody{left: size}
	v, err := conformance.New([]byte(tinySpec), "http://127.0.0.1:1/prefix", cannedTransport{body})
	require.NoError(t, err)
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:1/prefix/things/1", nil)
	resp, err := v.RoundTrip(req)
	require.NoError(t, err)
	assert.LessOrEqual(t, body.read, int64(conformance.MaxBodyBytes+64<<10), "read no more than the cap before returning")
	n, err := io.Copy(io.Discard, resp.Body)
	require.NoError(t, err)
	assert.EqualValues(t, size, n, "the caller still gets the whole body")
	fails := v.TakeFailures()
	require.Len(t, fails, 1)
	assert.Contains(t, fails[0].Err.Error(), "exceeds")

	// Below the cap nothing changes.
	small := &countingBody{left: 100}
	v, err = conformance.New([]byte(tinySpec), "http://127.0.0.1:1/prefix", cannedTransport{small})
	require.NoError(t, err)
	resp, err = v.RoundTrip(req)
	require.NoError(t, err)
	got, _ := io.ReadAll(resp.Body)
	assert.True(t, bytes.Equal(got, make([]byte, 100)))
	for _, f := range v.TakeFailures() {
		assert.NotContains(t, strings.ToLower(f.Err.Error()), "exceeds")
	}
}
