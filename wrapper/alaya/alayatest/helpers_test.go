package alayatest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/runtime/alayasign"
	"github.com/portsdk/portsdk/specs"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
)

// validatingTransport validates every response that belongs to an operation of the spec with
// openapi3filter.ValidateResponse, and reports a mismatch as a test error.
type validatingTransport struct {
	t      testing.TB
	prefix string
	routes map[string]*routers.Route
	next   http.RoundTripper
}

var pathRe = regexp.MustCompile(`^/v1/cci/instance/[^/]+/(open-port/list|open-port|close-port)$`)

func newValidatingTransport(t testing.TB, prefix string, next http.RoundTripper) *validatingTransport {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(specs.Alaya)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	routes := make(map[string]*routers.Route)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			routes[method+" "+path] = &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
		}
	}
	return &validatingTransport{t: t, prefix: prefix, routes: routes, next: next}
}

func (v *validatingTransport) route(req *http.Request) *routers.Route {
	p, ok := strings.CutPrefix(req.URL.EscapedPath(), v.prefix)
	if !ok {
		return nil
	}
	m := pathRe.FindStringSubmatch(p)
	if m == nil {
		return nil
	}
	return v.routes[req.Method+" /v1/cci/instance/{id}/"+m[1]]
}

func (v *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := v.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	route := v.route(req)
	if route == nil {
		return resp, nil
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req,
			Route:   route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status:  resp.StatusCode,
		Header:  resp.Header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(req.Context(), in); err != nil {
		v.t.Errorf("%s %s: response %d does not match the spec: %v\nbody: %s", req.Method, req.URL, resp.StatusCode, err, body)
	}
	return resp, nil
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
	u, err := url.Parse(s.URL)
	require.NoError(t, err)
	hc := &http.Client{Transport: newValidatingTransport(t, u.Path, s.Client().Transport)}
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
