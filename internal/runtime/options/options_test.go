package options

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDefaultHTTPClientPool protects the default connection pool: a transport of its own, cloned
// from http.DefaultTransport (proxy from the environment, HTTP/2, dial and TLS timeouts kept), with
// DefaultMaxIdleConnsPerHost idle connections per host instead of Go's 2, and DefaultTimeout.
func TestDefaultHTTPClientPool(t *testing.T) {
	hc := DefaultHTTPClient()
	assert.Equal(t, DefaultTimeout, hc.Timeout)
	tr, ok := hc.Transport.(*http.Transport)
	require.True(t, ok, "a *http.Transport, not nil (which would share http.DefaultTransport's pool of 2 per host)")
	assert.NotSame(t, http.DefaultTransport, tr)
	assert.Equal(t, DefaultMaxIdleConnsPerHost, tr.MaxIdleConnsPerHost)
	assert.GreaterOrEqual(t, tr.MaxIdleConns, DefaultMaxIdleConnsPerHost)
	def := http.DefaultTransport.(*http.Transport)
	assert.NotNil(t, tr.Proxy)
	assert.Equal(t, def.TLSHandshakeTimeout, tr.TLSHandshakeTimeout)
	assert.Equal(t, def.IdleConnTimeout, tr.IdleConnTimeout)
	assert.Equal(t, def.ForceAttemptHTTP2, tr.ForceAttemptHTTP2)
	assert.NotSame(t, tr, DefaultHTTPClient().Transport, "each client has its own pool")
}
