package conformance_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/conformance"
	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// comp is the component most Rainbond tests register.
var comp = rainbond.Component{TeamID: "team1", RegionName: "region1", AppID: 7, ServiceID: "gr123abc"}

// allProtocols are the values of the Rainbond Protocol enum.
var allProtocols = []rainbond.Protocol{
	rainbond.ProtocolHTTP, rainbond.ProtocolTCP, rainbond.ProtocolUDP, rainbond.ProtocolMySQL, rainbond.ProtocolGRPC,
}

// ctx returns a context that ends with the test (or after a minute).
func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

// rainbondRig is a Rainbond test server, a Validator for it, and a client that sends through
// the Validator. Every failure the Validator still holds when the test ends fails the test.
type rainbondRig struct {
	srv *rainbondtest.Server
	v   *conformance.Validator
	c   *rainbond.Client
}

func newRainbondRig(t *testing.T) *rainbondRig {
	t.Helper()
	srv := rainbondtest.NewServer()
	t.Cleanup(srv.Close)
	v, err := conformance.NewRainbond(srv.URL, srv.Client().Transport)
	require.NoError(t, err)
	t.Cleanup(func() { v.Report(t) })
	c, err := rainbond.NewClient(srv.URL, srv.Token, rainbond.WithHTTPClient(v.HTTPClient()), rainbond.WithMaxRetries(0))
	require.NoError(t, err)
	srv.AddComponent(comp)
	return &rainbondRig{srv: srv, v: v, c: c}
}

// client returns another client of the rig's server and Validator, with token.
func (r *rainbondRig) client(t testing.TB, token string) *rainbond.Client {
	t.Helper()
	c, err := rainbond.NewClient(r.srv.URL, token, rainbond.WithHTTPClient(r.v.HTTPClient()), rainbond.WithMaxRetries(0))
	require.NoError(t, err)
	return c
}

// alayaRig is the same for Alaya, with instance "inst-1" registered.
type alayaRig struct {
	srv *alayatest.Server
	v   *conformance.Validator
	c   *alaya.Client
}

const inst = "inst-1"

func newAlayaRig(t *testing.T) *alayaRig {
	t.Helper()
	srv := alayatest.NewServer()
	t.Cleanup(srv.Close)
	v, err := conformance.NewAlaya(srv.URL, srv.Client().Transport)
	require.NoError(t, err)
	t.Cleanup(func() { v.Report(t) })
	srv.AddInstance(inst)
	r := &alayaRig{srv: srv, v: v}
	r.c = r.client(t, srv.AccessKey)
	return r
}

// client returns another client of the rig's server and Validator, with cred and opts.
func (r *alayaRig) client(t testing.TB, cred alaya.Credential, opts ...alaya.Option) *alaya.Client {
	t.Helper()
	opts = append([]alaya.Option{alaya.WithBaseURL(r.srv.URL), alaya.WithHTTPClient(r.v.HTTPClient()), alaya.WithMaxRetries(0)}, opts...)
	c, err := alaya.NewClient(cred, opts...)
	require.NoError(t, err)
	return c
}

// requireAPIError asserts that err is a *wrapper.APIError with the HTTP status and envelope code.
func requireAPIError(t testing.TB, err error, status, code int) {
	t.Helper()
	var ae *wrapper.APIError
	require.Truef(t, errors.As(err, &ae), "want *wrapper.APIError (HTTP %d, code %d), got %T: %v", status, code, err, err)
	require.Equalf(t, status, ae.StatusCode, "HTTP status of %v", ae)
	require.Equalf(t, code, ae.Code, "envelope code of %v", ae)
}

// rawResult is the answer to a raw request.
type rawResult struct {
	status int
	header http.Header
	body   string
}

// raw sends one request through the Validator without a client, as a misbehaving caller would.
// auth is the Authorization header ("" for none).
func raw(t testing.TB, v *conformance.Validator, method, url, auth, body string) rawResult {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx(t), method, url, rd)
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := v.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return rawResult{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// requireRequestFailure takes the Validator's failures and asserts they are exactly one
// non-conforming request whose error mentions each of substrs.
func requireRequestFailure(t testing.TB, v *conformance.Validator, substrs ...string) conformance.Failure {
	t.Helper()
	fs := v.TakeFailures()
	require.Lenf(t, fs, 1, "want exactly one failure, got %v", fs)
	f := fs[0]
	require.Truef(t, f.IsRequest(), "want a request failure, got %v", f)
	for _, s := range substrs {
		require.Containsf(t, f.Err.Error(), s, "failure %v", f)
	}
	return f
}

// requireResponseFailure is the same for one non-conforming response with HTTP status.
func requireResponseFailure(t testing.TB, v *conformance.Validator, status int, substrs ...string) conformance.Failure {
	t.Helper()
	fs := v.TakeFailures()
	require.Lenf(t, fs, 1, "want exactly one failure, got %v", fs)
	f := fs[0]
	require.Falsef(t, f.IsRequest(), "want a response failure, got %v", f)
	require.Equal(t, status, f.Status)
	for _, s := range substrs {
		require.Containsf(t, f.Err.Error(), s, "failure %v", f)
	}
	return f
}

// requireConforms asserts that the Validator recorded nothing so far.
func requireConforms(t testing.TB, v *conformance.Validator) {
	t.Helper()
	require.Empty(t, v.Failures())
}

// fakeTB records what Report says, to test that a failure makes a test fail.
type fakeTB struct {
	mu     sync.Mutex
	errors []string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
