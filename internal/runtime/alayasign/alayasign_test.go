package alayasign_test

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/runtime/alayasign"
)

// TestKnownAnswer protects the signing recipe with the known-answer vector of docs/servers/alaya.md
// (the independent Swift client's test, re-computed): secret "test-secret", GET,
// /api/osm/v1/product/list-for-training-task, timestamp 123456 ms.
func TestKnownAnswer(t *testing.T) {
	const want = "alayanew-HMAC-SHA256 test-access:123456:75b861affb0513a335904a768af94f065b1fe0eb2fe980b5223883b151db639b"
	path := "/api/osm/v1/product/list-for-training-task"
	assert.Equal(t, "123456|GET|"+path, alayasign.StringToSign(123456, "get", path))
	assert.Equal(t, want, alayasign.Authorization("test-access", "test-secret", time.UnixMilli(123456), "GET", path))
	assert.Equal(t, want, alayasign.Authorization("test-access", "test-secret", time.UnixMilli(123456), "get", path), "the method is upper-cased")
}

// TestRequestPath protects what is signed: the escaped path as sent, without the query, "/" when empty.
func TestRequestPath(t *testing.T) {
	for raw, want := range map[string]string{
		"https://api.alayanew.com/api/osm/v1/cci/instance/i-1/open-port/list?x=1": "/api/osm/v1/cci/instance/i-1/open-port/list",
		"https://api.alayanew.com/api/osm/v1/cci/instance/a%2Fb%20c/open-port":    "/api/osm/v1/cci/instance/a%2Fb%20c/open-port",
		"https://api.alayanew.com":           "/",
		"http://h/%E5%AE%9E%E4%BE%8B/x#frag": "/%E5%AE%9E%E4%BE%8B/x",
	} {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		assert.Equal(t, want, alayasign.RequestPath(u), raw)
	}
}

// TestSignerMatchesAuthorization protects the Signer: for any time, method and path, and
// from many goroutines at once, it gives exactly what Authorization gives (the known answer too).
func TestSignerMatchesAuthorization(t *testing.T) {
	s := alayasign.NewSigner("test-access", "test-secret", time.Now)
	assert.Equal(t, alayasign.Authorization("test-access", "test-secret", time.UnixMilli(123456), "GET", "/api/osm/v1/product/list-for-training-task"),
		s.Authorization(time.UnixMilli(123456), "get", "/api/osm/v1/product/list-for-training-task"))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				at := time.UnixMilli(int64(g*1_000_003 + i*7919))
				method := []string{"GET", "post", "Delete"}[i%3]
				path := "/api/osm/v1/cci/instance/" + strconv.Itoa(i) + strings.Repeat("/x%2F", i%5)
				if got, want := s.Authorization(at, method, path), alayasign.Authorization("test-access", "test-secret", at, method, path); got != want {
					t.Errorf("Signer %q, Authorization %q", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%d"} {
		assert.NotContains(t, fmt.Sprintf(verb, s), "test-secret", "no fmt form of a Signer shows the secret")
		assert.NotContains(t, fmt.Sprintf(verb, s), fmt.Sprintf("%x", "test-secret"))
	}
}

// BenchmarkAuthorization is the cost signing adds to each request: the plain function and the
// Signer the client uses.
func BenchmarkAuthorization(b *testing.B) {
	at := time.UnixMilli(1763888400123)
	const id, secret, path = "AKID0123456789", "0123456789abcdef0123456789abcdef", "/api/osm/v1/cci/instance/08ba7a0e-af00-4072-a5e5-1298ed6c1aa0/open-port/list"
	b.Run("func", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = alayasign.Authorization(id, secret, at, "GET", path)
		}
	})
	b.Run("signer", func(b *testing.B) {
		s := alayasign.NewSigner(id, secret, time.Now)
		b.ReportAllocs()
		for b.Loop() {
			_ = s.Authorization(at, "GET", path)
		}
	})
}
