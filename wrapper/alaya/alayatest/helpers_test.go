package alayatest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/conformance"
	"github.com/portsdk/portsdk/internal/runtime/alayasign"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
)

// validatingClient returns a client that sends through a conformance.Validator for specs/alaya.yaml
// at serverURL, and reports at the end of the test every answer to an operation of the spec that
// does not match it. The requests are not held to the spec: the tests send invalid ones on purpose.
func validatingClient(t testing.TB, serverURL string, next http.RoundTripper) *http.Client {
	t.Helper()
	v, err := conformance.NewAlaya(serverURL, next)
	require.NoError(t, err)
	t.Cleanup(func() {
		for _, f := range v.Failures() {
			if !f.IsRequest() {
				t.Errorf("%s", f)
			}
		}
	})
	return v.HTTPClient()
}

// tc is a test client for one server: it signs its requests with key.
type tc struct {
	t    testing.TB
	base string
	key  alaya.AccessKey
	hc   *http.Client
}

func newServer(t testing.TB) (*alayatest.Server, *tc) {
	t.Helper()
	s := alayatest.NewServer()
	t.Cleanup(s.Close)
	hc := validatingClient(t, s.URL, s.Client().Transport)
	return s, &tc{t: t, base: s.URL, key: s.AccessKey, hc: hc}
}

func newMuxServer(t testing.TB, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// result is a decoded answer.
type result struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// data returns the envelope's data object.
func (r result) data(t testing.TB) map[string]any {
	t.Helper()
	d, ok := r.body["data"].(map[string]any)
	require.True(t, ok, "no data object in %s", r.raw)
	return d
}

// requireAuthError checks a 401 answer: HTTP 401, {"status", "message"} without data.
func (r result) requireAuthError(t testing.TB, status int) string {
	t.Helper()
	require.Equal(t, http.StatusUnauthorized, r.status, "%s", r.raw)
	require.Equal(t, float64(status), r.body["status"], "%s", r.raw)
	require.NotContains(t, r.body, "data", "%s", r.raw)
	require.Len(t, r.body, 2, "%s", r.raw)
	msg, ok := r.body["message"].(string)
	require.True(t, ok, "%s", r.raw)
	require.NotEmpty(t, msg)
	return msg
}

// requireError checks an error envelope: HTTP status, envelope status, data {}.
func (r result) requireError(t testing.TB, httpStatus, status int) string {
	t.Helper()
	require.Equal(t, httpStatus, r.status, "%s", r.raw)
	require.Equal(t, float64(status), r.body["status"], "%s", r.raw)
	require.Equal(t, map[string]any{}, r.body["data"], "%s", r.raw)
	msg, ok := r.body["message"].(string)
	require.True(t, ok, "%s", r.raw)
	require.NotEmpty(t, msg)
	return msg
}

func instPath(id, op string) string {
	return "/v1/cci/instance/" + url.PathEscape(id) + "/" + op
}

// signed returns an auth function that signs with the client's key at time now.
func (c *tc) signed(now time.Time) func(*http.Request) string {
	return func(req *http.Request) string {
		return alayasign.Authorization(c.key.ID, c.key.Secret, now, req.Method, alayasign.RequestPath(req.URL))
	}
}

// header returns an auth function that sends a fixed Authorization header ("" sends none).
func header(v string) func(*http.Request) string {
	return func(*http.Request) string { return v }
}

// do sends a request signed with the client's key now; body is JSON-encoded unless it is a string.
func (c *tc) do(method, path string, body any) result {
	c.t.Helper()
	return c.doAuth(method, path, body, c.signed(time.Now()))
}

// doAuth is do with the Authorization header auth returns for the request ("" sends none).
func (c *tc) doAuth(method, path string, body any, auth func(*http.Request) string) result {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		require.NoError(c.t, err)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	require.NoError(c.t, err)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if v := auth(req); v != "" {
		req.Header.Set("Authorization", v)
	}
	resp, err := c.hc.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	res := result{status: resp.StatusCode, header: resp.Header, raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		require.NoError(c.t, json.Unmarshal(raw, &res.body), "body %s", raw)
	}
	return res
}

func (c *tc) list(id string) result {
	c.t.Helper()
	return c.do(http.MethodGet, instPath(id, "open-port/list"), nil)
}

func (c *tc) open(id string, port int, protocol string) result {
	c.t.Helper()
	return c.do(http.MethodPost, instPath(id, "open-port"), map[string]any{"port": port, "protocol": protocol})
}

func (c *tc) closePort(id string, port int) result {
	c.t.Helper()
	return c.do(http.MethodPost, instPath(id, "close-port"), map[string]any{"port": port})
}
