package cli

import (
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A client that sends its body too slowly is cut off by the fake's read timeout: it cannot tie a
// connection (and a handler) up for as long as it likes.
func TestFakeCutsOffASlowBody(t *testing.T) {
	saved := fakeReadTimeout
	fakeReadTimeout = 300 * time.Millisecond
	defer func() { fakeReadTimeout = saved }()
	f, err := startFake("127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = f.Close() }()

	conn, err := net.Dial("tcp", strings.TrimPrefix(f.base, "http://"))
	require.NoError(t, err)
	defer func() { _ = conn.Close() }()
	_, err = io.WriteString(conn, "POST /rainbond/x HTTP/1.1\r\nHost: fake\r\nContent-Length: 1000\r\n\r\n{")
	require.NoError(t, err)
	require.NoError(t, conn.SetDeadline(time.Now().Add(3*time.Second)))
	start := time.Now()
	_, err = io.ReadAll(conn) // the body never comes: the server must close the connection
	assert.False(t, errors.Is(err, os.ErrDeadlineExceeded), "the fake kept the connection open: %v", err)
	assert.Less(t, time.Since(start), 2*time.Second)
}
