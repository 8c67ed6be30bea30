package transport

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/runtime/options"
	"github.com/portsdk/portsdk/wrapper"
)

// TestRetryAfter protects the parsing of Retry-After: seconds, an HTTP date, and the cap on absurd values.
func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"3", 3 * time.Second, true},
		{" 7 ", 7 * time.Second, true},
		{"86400", options.MaxRetryWait, true},
		{"99999999999999999999", options.MaxRetryWait, true}, // beyond int64: very long
		{"-1", 0, false},
		{"", 0, false},
		{"soon", 0, false},
		{"Sun, 22 Nov 2026 12:00:05 GMT", 5 * time.Second, true},
		{"Sun, 22 Nov 2026 11:00:00 GMT", 0, true},
	} {
		got, ok := retryAfter(tc.in, now)
		assert.Equal(t, tc.ok, ok, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

// TestBackoff protects the capped, jittered exponential backoff.
func TestBackoff(t *testing.T) {
	d := &Doer{cfg: options.Config{RetryBaseWait: 100 * time.Millisecond}}
	for attempt, max := range []time.Duration{100, 200, 400, 800} {
		max *= time.Millisecond
		for range 50 {
			w := d.backoff(attempt)
			assert.GreaterOrEqual(t, w, max/2)
			assert.LessOrEqual(t, w, max)
		}
	}
	assert.LessOrEqual(t, d.backoff(40), options.MaxRetryWait)
	assert.GreaterOrEqual(t, d.backoff(40), options.MaxRetryWait/2)
}

// TestReadCapped protects the body cap: exactly the cap is fine, one byte more is ErrBodyTooLarge
// with the cap's worth of bytes, a cap of math.MaxInt64 works, and the buffers never add up to
// more than twice what arrived, whatever the starting size (from the declared length).
func TestReadCapped(t *testing.T) {
	read := func(body string, limit int64, declared int64) (string, error) {
		b, n, err := readCapped(strings.NewReader(body), limit, declared)
		assert.EqualValues(t, len(bytes.Join(b, nil)), n)
		return string(bytes.Join(b, nil)), err
	}
	for _, size := range []int64{-1, 0, 1, 2, 4, 5, 6, 511, 1 << 40} {
		got, err := read("12345", 5, size)
		require.NoError(t, err)
		assert.Equal(t, "12345", got)
		got, err = read("123456", 5, size)
		assert.True(t, errors.Is(err, wrapper.ErrBodyTooLarge))
		assert.Equal(t, "12345", got)
		got, err = read("123456", math.MaxInt64, size)
		require.NoError(t, err)
		assert.Equal(t, "123456", got)
		got, err = read("", 5, size)
		require.NoError(t, err)
		assert.Equal(t, "", got)
	}
	big := strings.Repeat("x", 3000)
	b, _, err := readCapped(strings.NewReader(big), math.MaxInt64, 1)
	require.NoError(t, err)
	assert.Len(t, bytes.Join(b, nil), 3000)
	allocated := 0
	for _, c := range b {
		allocated += cap(c)
	}
	assert.LessOrEqual(t, allocated, 2*3000)
	_, _, err = readCapped(io.MultiReader(strings.NewReader("ab"), iotest.ErrReader(io.ErrUnexpectedEOF)), 10, 0)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
}
