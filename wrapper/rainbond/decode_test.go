package rainbond_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// bodyRecorder keeps the body of the last answer it passes on.
type bodyRecorder struct {
	next http.RoundTripper
	body []byte
}

func (r *bodyRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	rsp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(rsp.Body)
	_ = rsp.Body.Close()
	r.body = b
	rsp.Body = io.NopCloser(bytes.NewReader(b))
	return rsp, err
}

// listThrough lists comp's ports from url through a recorder and returns the ports and the body.
func listThrough(t *testing.T, url, token string, next http.RoundTripper, comp rainbond.Component) ([]rainbond.Port, []byte) {
	t.Helper()
	rec := &bodyRecorder{next: next}
	c, err := rainbond.NewClient(url, token, rainbond.WithHTTPClient(&http.Client{Transport: rec, Timeout: time.Minute}))
	require.NoError(t, err)
	ports, err := c.ListPorts(context.Background(), comp)
	require.NoError(t, err)
	return ports, rec.body
}

// TestRainbondtestListTakesTheFastDecoder protects issue 19's decoding for downstream tests: what
// rainbondtest answers to a list and to a write takes the fast decoder (decode.go).
func TestRainbondtestListTakesTheFastDecoder(t *testing.T) {
	srv := rainbondtest.NewServer()
	defer srv.Close()
	srv.AddComponent(comp)
	c, err := rainbond.NewClient(srv.URL, srv.Token, rainbond.WithHTTPClient(srv.Client()))
	require.NoError(t, err)
	for i, proto := range []rainbond.Protocol{rainbond.ProtocolHTTP, rainbond.ProtocolTCP, rainbond.ProtocolMySQL} {
		_, err := c.AddPort(context.Background(), comp, rainbond.AddPortRequest{Port: 8000 + i, Protocol: proto, IsInnerService: i%2 == 0})
		require.NoError(t, err)
	}
	ports, body := listThrough(t, srv.URL, srv.Token, srv.Client().Transport, comp)
	assert.Len(t, ports, 3)
	assert.True(t, rainbond.DecodeListFast(body), "rainbondtest's list answer did not take the fast decoder: %s", body)

	rec := &bodyRecorder{next: srv.Client().Transport}
	c, err = rainbond.NewClient(srv.URL, srv.Token, rainbond.WithHTTPClient(&http.Client{Transport: rec}))
	require.NoError(t, err)
	_, err = c.OpenOuter(context.Background(), comp, 8000)
	require.NoError(t, err)
	assert.True(t, rainbond.DecodeBeanFast(rec.body), "rainbondtest's answer to a write did not take the fast decoder: %s", rec.body)
}

// TestConsoleListTakesTheFastDecoderLive checks the same against a real Rainbond console. It runs
// only when RAINBOND_LIVE_URL, RAINBOND_LIVE_TOKEN, RAINBOND_LIVE_TEAM, RAINBOND_LIVE_REGION,
// RAINBOND_LIVE_APP and RAINBOND_LIVE_COMPONENT name a console and a component; it only lists.
func TestConsoleListTakesTheFastDecoderLive(t *testing.T) {
	url, token, live := liveConsole(t)
	_, body := listThrough(t, url, token, http.DefaultTransport, live)
	assert.True(t, rainbond.DecodeListFast(body), "the console's list answer did not take the fast decoder: %s", body)
}
