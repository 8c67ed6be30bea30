package rainbondtest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/conformance"
	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// comp is the component most tests register.
var comp = rainbond.Component{TeamID: "team1", RegionName: "region1", AppID: 7, ServiceID: "gr123abc"}

// validatingClient returns a client that sends through a conformance.Validator for specs/rainbond.yaml
// at serverURL, and reports at the end of the test every answer to an operation of the spec that
// does not match it, except Django's HTML 404 page, which the console sends for a path its routes
// refuse. The requests are not held to the spec: the tests send invalid ones on purpose.
func validatingClient(t testing.TB, serverURL string, next http.RoundTripper) *http.Client {
	t.Helper()
	v, err := conformance.NewRainbond(serverURL, next)
	require.NoError(t, err)
	t.Cleanup(func() {
		for _, f := range v.Failures() {
			htmlNotFound := f.Status == http.StatusNotFound && strings.Contains(f.Err.Error(), `"text/html`)
			if !f.IsRequest() && !htmlNotFound {
				t.Errorf("%s", f)
			}
		}
	})
	return v.HTTPClient()
}

// tc is a test client for one server.
type tc struct {
	t     testing.TB
	base  string
	token string
	hc    *http.Client
}

func newServer(t testing.TB) (*rainbondtest.Server, *tc) {
	t.Helper()
	s := rainbondtest.NewServer()
	t.Cleanup(s.Close)
	hc := validatingClient(t, s.URL, s.Client().Transport)
	return s, &tc{t: t, base: s.URL, token: s.Token, hc: hc}
}

// result is a decoded answer.
type result struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// portsPath is the escaped list path of c.
func portsPath(c rainbond.Component) string {
	return "/openapi/v1/teams/" + url.PathEscape(c.TeamID) + "/regions/" + url.PathEscape(c.RegionName) +
		"/apps/" + jsonNumber(c.AppID) + "/services/" + url.PathEscape(c.ServiceID) + "/ports"
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// do sends a request with the server's token; body is JSON-encoded unless it is a string.
func (c *tc) do(method, path string, body any) result {
	return c.doAuth(method, path, body, c.token)
}

// doAuth is do with the given Authorization header ("" sends none).
func (c *tc) doAuth(method, path string, body any, auth string) result {
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
	if auth != "" {
		req.Header.Set("Authorization", auth)
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

// doHeaders sends body (a string, as is, or JSON-encoded) with the content type and headers given;
// the server's token unless headers set Authorization ("" sends none).
func (c *tc) doHeaders(method, path string, body any, ctype string, headers map[string]string) result {
	c.t.Helper()
	raw, ok := body.(string)
	if !ok {
		data, err := json.Marshal(body)
		require.NoError(c.t, err)
		raw = string(data)
	}
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(raw))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", c.token)
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	res := result{status: resp.StatusCode, header: resp.Header, raw: out}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		require.NoError(c.t, json.Unmarshal(out, &res.body), "body %s", out)
	}
	return res
}

// bean returns data.bean of a success answer.
func (r result) bean(t testing.TB) map[string]any {
	t.Helper()
	data, ok := r.body["data"].(map[string]any)
	require.True(t, ok, "no data in %s", r.raw)
	bean, ok := data["bean"].(map[string]any)
	require.True(t, ok, "no bean in %s", r.raw)
	return bean
}

// list returns data.list of an answer.
func (r result) list(t testing.TB) []any {
	t.Helper()
	data, ok := r.body["data"].(map[string]any)
	require.True(t, ok, "no data in %s", r.raw)
	list, ok := data["list"].([]any)
	require.True(t, ok, "no list in %s", r.raw)
	return list
}

// errFields returns the err object of a validation error.
func (r result) errFields(t testing.TB) map[string]any {
	t.Helper()
	require.Equal(t, "参数错误", r.body["detail"], "%s", r.raw)
	require.EqualValues(t, 20400, r.body["code"], "%s", r.raw)
	require.Equal(t, "ValidationError", r.body["error_type"], "%s", r.raw)
	_, hasMsg := r.body["msg"]
	require.False(t, hasMsg, "validation errors carry no msg: %s", r.raw)
	fields, ok := r.body["err"].(map[string]any)
	require.True(t, ok, "no err in %s", r.raw)
	return fields
}
