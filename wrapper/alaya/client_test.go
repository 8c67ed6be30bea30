package alaya_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/runtime/options"
	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
)

const (
	prefix   = "/alaya"
	apiKey   = "sk-alaya-7f3a9c1e5b2d"
	instance = "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0"
	instPath = prefix + "/v1/cci/instance/"

	listOK  = `{"status":200,"message":"OK","data":{"ports":[{"protocol":"http/https","port":80,"externalHost":"192.168.1.1","externalPort":31443}],"customPorts":[]}}`
	openOK  = `{"status":200,"message":"OK","data":{"external_port":30001,"internal_port":80,"protocol":"http/https"}}`
	closeOK = `{"status":200,"message":"OK","data":{}}`
)

// seen is one request as the fake server received it.
type seen struct {
	Method, Path, EscapedPath, RawQuery string
	Auth, UserAgent, ContentType        string
	Accept                              string
	Body                                []byte
}

// fake is an httptest server that records every request and answers those under prefix with
// respond (anything else gets a 404 page, so a client that drops the prefix fails).
type fake struct {
	srv     *httptest.Server
	mu      sync.Mutex
	reqs    []seen
	respond http.HandlerFunc
}

func newFake(t *testing.T, respond http.HandlerFunc) *fake {
	t.Helper()
	f := &fake{respond: respond}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, seen{
			Method: r.Method, Path: r.URL.Path, EscapedPath: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
			Auth: r.Header.Get("Authorization"), UserAgent: r.Header.Get("User-Agent"),
			ContentType: r.Header.Get("Content-Type"), Accept: r.Header.Get("Accept"), Body: body,
		})
		f.mu.Unlock()
		if !strings.HasPrefix(r.URL.Path, prefix+"/") {
			http.Error(w, "<html>not found</html>", http.StatusNotFound)
			return
		}
		f.respond(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.reqs...)
}

func (f *fake) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

// The backoff between retries is 1 ms in these tests (200 ms by default).
func init() { options.RetryBaseWait = time.Millisecond }

func (f *fake) client(t *testing.T, opts ...alaya.Option) *alaya.Client {
	t.Helper()
	opts = append([]alaya.Option{alaya.WithBaseURL(f.srv.URL + prefix)}, opts...)
	c, err := alaya.NewClient(alaya.BearerKey(apiKey), opts...)
	require.NoError(t, err)
	return c
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, status, body) }
}

// hangUp closes the connection without answering.
func hangUp(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	_ = conn.Close()
}

// operation is one client call, with what it must send and a success answer.
type operation struct {
	name   string
	method string
	suffix string // the path after the instance id
	body   string // the exact JSON body; "" for none
	ok     string // a success envelope
	// call runs the operation; got reports whether it returned a non-nil result.
	call func(ctx context.Context, c *alaya.Client, id string) (got bool, err error)
}

var ops = []operation{
	{
		name: "ListOpenPorts", method: http.MethodGet, suffix: "/open-port/list", ok: listOK,
		call: func(ctx context.Context, c *alaya.Client, id string) (bool, error) {
			r, err := c.ListOpenPorts(ctx, id)
			return r != nil, err
		},
	},
	{
		name: "OpenPort", method: http.MethodPost, suffix: "/open-port", ok: openOK,
		body: `{"protocol":"http/https","port":80}`,
		call: func(ctx context.Context, c *alaya.Client, id string) (bool, error) {
			r, err := c.OpenPort(ctx, id, 80, "http/https")
			return r != nil, err
		},
	},
	{
		name: "ClosePort", method: http.MethodPost, suffix: "/close-port", ok: closeOK,
		body: `{"port":7778}`,
		call: func(ctx context.Context, c *alaya.Client, id string) (bool, error) {
			return false, c.ClosePort(ctx, id, 7778)
		},
	},
}

// opByName returns the operation of that name.
func opByName(t *testing.T, name string) operation {
	t.Helper()
	for _, op := range ops {
		if op.name == name {
			return op
		}
	}
	t.Fatalf("no operation %q", name)
	return operation{}
}

// assertNoSecret checks that the API key appears nowhere in err's text.
func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%s", err)} {
		assert.NotContains(t, s, apiKey, "the API key leaked into an error")
		assert.NotContains(t, s, apiKey[3:], "part of the API key leaked into an error")
	}
}

func TestRequests(t *testing.T) {
	ids := []struct{ name, id, escaped string }{
		{"uuid", instance, instance},
		{"slash", "a/b", "a%2Fb"},
		{"question mark", "a?b=c", "a%3Fb=c"},
		{"hash", "a#b", "a%23b"},
		{"percent", "100%", "100%25"},
		{"escaped slash stays literal", "a%2Fb", "a%252Fb"},
		{"space", "a b", "a%20b"},
		{"chinese", "实例一", "%E5%AE%9E%E4%BE%8B%E4%B8%80"},
		{"dots inside", "...", "..."},
		{"everything", "a/../../x?y#z %2F中", "a%2F..%2F..%2Fx%3Fy%23z%20%252F%E4%B8%AD"},
	}
	for _, op := range ops {
		for _, id := range ids {
			t.Run(op.name+"/"+id.name, func(t *testing.T) {
				f := newFake(t, answer(http.StatusOK, op.ok))
				got, err := op.call(context.Background(), f.client(t), id.id)
				require.NoError(t, err)
				if op.name != "ClosePort" {
					assert.True(t, got, "a success must return a result")
				}

				reqs := f.requests()
				require.Len(t, reqs, 1)
				r := reqs[0]
				assert.Equal(t, op.method, r.Method)
				assert.Equal(t, instPath+id.escaped+op.suffix, r.EscapedPath)
				assert.Equal(t, instPath+id.id+op.suffix, r.Path)
				assert.Empty(t, r.RawQuery, "the id must not leak into the query")
				seg := strings.TrimSuffix(strings.TrimPrefix(r.EscapedPath, instPath), op.suffix)
				decoded, err := url.PathUnescape(seg)
				require.NoError(t, err)
				assert.Equal(t, id.id, decoded, "the id must arrive as that exact id")

				assert.Equal(t, "Bearer "+apiKey, r.Auth)
				assert.Equal(t, "portsdk/"+wrapper.Version, r.UserAgent)
				assert.Equal(t, "application/json", r.Accept)
				if op.body == "" {
					assert.Empty(t, r.Body)
					return
				}
				assert.Equal(t, "application/json", r.ContentType)
				assert.JSONEq(t, op.body, string(r.Body))
				var fields map[string]json.RawMessage
				require.NoError(t, json.Unmarshal(r.Body, &fields))
				assert.Len(t, fields, strings.Count(op.body, ":"), "no extra fields in the body")
			})
		}
	}
}

func TestRequestBodies(t *testing.T) {
	cases := []struct {
		name string
		call func(*alaya.Client) error
		op   string
		body string
	}{
		{"open tcp 8080", func(c *alaya.Client) error {
			_, err := c.OpenPort(context.Background(), instance, 8080, "tcp")
			return err
		}, "OpenPort", `{"protocol":"tcp","port":8080}`},
		{"open lowest port", func(c *alaya.Client) error {
			_, err := c.OpenPort(context.Background(), instance, 1, "http/https")
			return err
		}, "OpenPort", `{"protocol":"http/https","port":1}`},
		{"open highest port", func(c *alaya.Client) error {
			_, err := c.OpenPort(context.Background(), instance, 65535, "udp")
			return err
		}, "OpenPort", `{"protocol":"udp","port":65535}`},
		{"close lowest port", func(c *alaya.Client) error {
			return c.ClosePort(context.Background(), instance, 1)
		}, "ClosePort", `{"port":1}`},
		{"close highest port", func(c *alaya.Client) error {
			return c.ClosePort(context.Background(), instance, 65535)
		}, "ClosePort", `{"port":65535}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			op := opByName(t, tc.op)
			f := newFake(t, answer(http.StatusOK, op.ok))
			require.NoError(t, tc.call(f.client(t)))
			reqs := f.requests()
			require.Len(t, reqs, 1)
			assert.Equal(t, instPath+instance+op.suffix, reqs[0].EscapedPath)
			assert.JSONEq(t, tc.body, string(reqs[0].Body))
		})
	}
}

func TestUserAgent(t *testing.T) {
	cases := []struct {
		name string
		opts []alaya.Option
		want string
	}{
		{"default", nil, "portsdk/" + wrapper.Version},
		{"with product", []alaya.Option{alaya.WithUserAgent("bot/1")}, "bot/1 portsdk/" + wrapper.Version},
	}
	for _, op := range ops {
		for _, tc := range cases {
			t.Run(op.name+"/"+tc.name, func(t *testing.T) {
				f := newFake(t, answer(http.StatusOK, op.ok))
				_, err := op.call(context.Background(), f.client(t, tc.opts...), instance)
				require.NoError(t, err)
				reqs := f.requests()
				require.Len(t, reqs, 1)
				assert.Equal(t, tc.want, reqs[0].UserAgent)
			})
		}
	}
}

func TestBaseURLPrefix(t *testing.T) {
	// With or without a trailing slash, the prefix is kept and no "//" appears.
	for _, suffix := range []string{"", "/"} {
		t.Run(fmt.Sprintf("%q", prefix+suffix), func(t *testing.T) {
			f := newFake(t, answer(http.StatusOK, listOK))
			c, err := alaya.NewClient(alaya.BearerKey(apiKey), alaya.WithBaseURL(f.srv.URL+prefix+suffix))
			require.NoError(t, err)
			_, err = c.ListOpenPorts(context.Background(), instance)
			require.NoError(t, err)
			reqs := f.requests()
			require.Len(t, reqs, 1)
			assert.Equal(t, instPath+instance+"/open-port/list", reqs[0].EscapedPath)
		})
	}
}

func TestDefaultBaseURL(t *testing.T) {
	c, err := alaya.NewClient(alaya.BearerKey(apiKey))
	require.NoError(t, err)
	assert.Equal(t, "https://api.alayanew.com/api/osm", alaya.DefaultBaseURL, "the live service's prefix (docs/servers/alaya.md)")
	assert.Contains(t, c.String(), alaya.DefaultBaseURL)
}

func TestListOpenPortsDecoding(t *testing.T) {
	cases := []struct {
		name string
		body string
		want alaya.OpenPorts
	}{
		{
			name: "the page's example",
			body: `{"status":200,"message":"OK","data":{
				"ports":[{"protocol":"http/https","port":80,"externalHost":"192.168.1.1","externalPort":31443}],
				"customPorts":[{"protocol":"http/https","port":80,"externalHost":"192.168.1.1","externalPort":31443}]}}`,
			want: alaya.OpenPorts{
				Ports:       []alaya.OpenPort{{Protocol: "http/https", Port: 80, ExternalHost: "192.168.1.1", ExternalPort: 31443}},
				CustomPorts: []alaya.OpenPort{{Protocol: "http/https", Port: 80, ExternalHost: "192.168.1.1", ExternalPort: 31443}},
			},
		},
		{
			name: "system port without protocol",
			body: `{"status":200,"message":"OK","data":{
				"ports":[{"port":22,"externalHost":"10.0.0.7","externalPort":30022},{"protocol":"http/https","port":8888,"externalHost":"10.0.0.7","externalPort":30888}],
				"customPorts":[{"protocol":"tcp","port":7778,"externalHost":"10.0.0.7","externalPort":31778}]}}`,
			want: alaya.OpenPorts{
				Ports: []alaya.OpenPort{
					{Port: 22, ExternalHost: "10.0.0.7", ExternalPort: 30022},
					{Protocol: "http/https", Port: 8888, ExternalHost: "10.0.0.7", ExternalPort: 30888},
				},
				CustomPorts: []alaya.OpenPort{{Protocol: "tcp", Port: 7778, ExternalHost: "10.0.0.7", ExternalPort: 31778}},
			},
		},
		{"null lists", `{"status":200,"message":"OK","data":{"ports":null,"customPorts":null}}`, alaya.OpenPorts{}},
		{"missing lists", `{"status":200,"message":"OK","data":{}}`, alaya.OpenPorts{}},
		{"null data", `{"status":200,"message":"OK","data":null}`, alaya.OpenPorts{}},
		{"missing data", `{"status":200,"message":"OK"}`, alaya.OpenPorts{}},
		{
			name: "only custom ports",
			body: `{"status":200,"message":"OK","data":{"customPorts":[{"protocol":"tcp","port":9000,"externalHost":"h","externalPort":30900}]}}`,
			want: alaya.OpenPorts{CustomPorts: []alaya.OpenPort{{Protocol: "tcp", Port: 9000, ExternalHost: "h", ExternalPort: 30900}}},
		},
		{"empty lists", `{"status":200,"message":"OK","data":{"ports":[],"customPorts":[]}}`, alaya.OpenPorts{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, answer(http.StatusOK, tc.body))
			got, err := f.client(t).ListOpenPorts(context.Background(), instance)
			require.NoError(t, err)
			require.NotNil(t, got)
			assert.NotNil(t, got.Ports, "Ports must be a non-nil slice")
			assert.NotNil(t, got.CustomPorts, "CustomPorts must be a non-nil slice")
			if tc.want.Ports == nil {
				tc.want.Ports = []alaya.OpenPort{}
			}
			if tc.want.CustomPorts == nil {
				tc.want.CustomPorts = []alaya.OpenPort{}
			}
			assert.Equal(t, tc.want, *got)
		})
	}
}

func TestSuccessContentTypeWithCharset(t *testing.T) {
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				_, _ = io.WriteString(w, op.ok)
			})
			_, err := op.call(context.Background(), f.client(t), instance)
			require.NoError(t, err)
		})
	}
}

func TestOpenPortDecoding(t *testing.T) {
	f := newFake(t, answer(http.StatusOK,
		`{"status":200,"message":"OK","data":{"external_port":30001,"internal_port":8080,"protocol":"tcp"}}`))
	got, err := f.client(t).OpenPort(context.Background(), instance, 8080, "tcp")
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, alaya.PortMapping{ExternalPort: 30001, InternalPort: 8080, Protocol: "tcp"}, *got)
}

func TestClosePortSuccess(t *testing.T) {
	for _, body := range []string{closeOK, `{"status":200,"message":"OK"}`, `{"status":200,"message":"OK","data":null}`} {
		t.Run(body, func(t *testing.T) {
			f := newFake(t, answer(http.StatusOK, body))
			assert.NoError(t, f.client(t).ClosePort(context.Background(), instance, 7778))
			assert.Equal(t, 1, f.count())
		})
	}
}

func TestValidation(t *testing.T) {
	ctx := context.Background()
	list := func(id string) func(*alaya.Client) (bool, error) {
		return func(c *alaya.Client) (bool, error) { r, err := c.ListOpenPorts(ctx, id); return r != nil, err }
	}
	open := func(id string, port int, protocol string) func(*alaya.Client) (bool, error) {
		return func(c *alaya.Client) (bool, error) {
			r, err := c.OpenPort(ctx, id, port, protocol)
			return r != nil, err
		}
	}
	closePort := func(id string, port int) func(*alaya.Client) (bool, error) {
		return func(c *alaya.Client) (bool, error) { return false, c.ClosePort(ctx, id, port) }
	}
	cases := []struct {
		name  string
		call  func(*alaya.Client) (bool, error)
		field string
	}{
		{"list: empty id", list(""), "instance_id"},
		{"list: dot", list("."), "instance_id"},
		{"list: dot dot", list(".."), "instance_id"},
		{"open: empty id", open("", 80, "tcp"), "instance_id"},
		{"open: dot", open(".", 80, "tcp"), "instance_id"},
		{"open: dot dot", open("..", 80, "tcp"), "instance_id"},
		{"open: port 0", open(instance, 0, "tcp"), "port"},
		{"open: port -1", open(instance, -1, "tcp"), "port"},
		{"open: port 65536", open(instance, 65536, "tcp"), "port"},
		{"open: empty protocol", open(instance, 80, ""), "protocol"},
		{"close: empty id", closePort("", 7778), "instance_id"},
		{"close: dot", closePort(".", 7778), "instance_id"},
		{"close: dot dot", closePort("..", 7778), "instance_id"},
		{"close: port 0", closePort(instance, 0), "port"},
		{"close: port -1", closePort(instance, -1), "port"},
		{"close: port 65536", closePort(instance, 65536), "port"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				// Answer every path, so that a request that was sent would succeed.
				switch {
				case strings.HasSuffix(r.URL.Path, "/list"):
					writeJSON(w, http.StatusOK, listOK)
				case strings.HasSuffix(r.URL.Path, "/open-port"):
					writeJSON(w, http.StatusOK, openOK)
				default:
					writeJSON(w, http.StatusOK, closeOK)
				}
			})
			got, err := tc.call(f.client(t))
			require.Error(t, err)
			var ve *wrapper.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.NotEmpty(t, ve.Reason)
			assert.False(t, got, "a validation failure must return a nil result")
			assert.Zero(t, f.count(), "no request may be sent")
			assertNoSecret(t, err)
		})
	}
}

func TestNewClientValidation(t *testing.T) {
	cases := []struct {
		name  string
		key   string
		base  string // "" keeps the default
		field string
	}{
		{"empty key", "", "", "BearerKey"},
		{"Bearer prefix", "Bearer " + apiKey, "", "BearerKey"},
		{"lower-case bearer prefix", "bearer " + apiKey, "", "BearerKey"},
		{"space inside", apiKey[:6] + " " + apiKey[6:], "", "BearerKey"},
		{"leading space", " " + apiKey, "", "BearerKey"},
		{"trailing newline", apiKey + "\n", "", "BearerKey"},
		{"newline inside", apiKey[:6] + "\r\n" + apiKey[6:], "", "BearerKey"},
		{"tab", apiKey + "\t", "", "BearerKey"},
		{"ftp scheme", apiKey, "ftp://x", "baseURL"},
		{"not a url", apiKey, "not a url", "baseURL"},
		{"no host", apiKey, "http://", "baseURL"},
		{"query", apiKey, "https://h/p?q=1", "baseURL"},
		{"fragment", apiKey, "https://h/p#f", "baseURL"},
		{"user info", apiKey, "https://user:pw@h/p", "baseURL"},
		{"unparsable", apiKey, "http://h/%zz", "baseURL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var opts []alaya.Option
			if tc.base != "" {
				opts = append(opts, alaya.WithBaseURL(tc.base))
			}
			c, err := alaya.NewClient(alaya.BearerKey(tc.key), opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			var ve *wrapper.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assertNoSecret(t, err)
		})
	}
}

// apiErrorCase is a failure answer and the *wrapper.APIError it must become.
type apiErrorCase struct {
	name        string
	status      int
	contentType string // "" sends no Content-Type
	body        string
	wantCode    int
	wantMessage string // exact when wantExact, else a substring
	wantExact   bool
}

var apiErrorCases = []apiErrorCase{
	{"HTTP 403 envelope", 403, "application/json", `{"status":403,"message":"Forbidden","data":{}}`, 403, "Forbidden", true},
	{"HTTP 403 envelope with null data", 403, "application/json", `{"status":403,"message":"Forbidden","data":null}`, 403, "Forbidden", true},
	{"HTTP 500 envelope", 500, "application/json", `{"status":500,"message":"Internal Server Error","data":{}}`, 500, "Internal Server Error", true},
	{"HTTP 401 envelope 40401", 401, "application/json", `{"status":40401,"message":"Unauthorized","data":{}}`, 40401, "Unauthorized", true},
	{"HTTP 401 envelope 40006", 401, "application/json", `{"status":40006,"message":"invalid api key","data":{}}`, 40006, "invalid api key", true},
	{"HTTP 200 envelope 403", 200, "application/json", `{"status":403,"message":"Forbidden","data":{}}`, 403, "Forbidden", true},
	{"HTTP 200 envelope 500 no data", 200, "application/json", `{"status":500,"message":"Internal Server Error"}`, 500, "Internal Server Error", true},
	{"HTTP 200 envelope without status", 200, "application/json", `{"message":"OK","data":{}}`, 0, "", false},
	{"HTTP 409 envelope (default response)", 409, "application/json", `{"status":40901,"message":"port already open","data":{}}`, 40901, "port already open", true},
	{"HTTP 500 envelope saying 200", 500, "application/json", `{"status":200,"message":"OK","data":{}}`, 200, "OK", true},
	{"HTML page under HTTP 200", 200, "text/html; charset=utf-8", "<!DOCTYPE html><html><body>Alaya NeW</body></html>", 0, "probably misses the API prefix /api/osm", false},
	{"HTML labelled application/json", 200, "application/json", "<!DOCTYPE html><html><body>Alaya NeW</body></html>", 0, "not JSON", false},
	{"HTML 404 page", 404, "text/html", "<html>404 page not found</html>", 0, "not JSON", false},
	{"truncated JSON", 200, "application/json", `{"status":200,"message":"OK","data":{"po`, 0, "does not decode", false},
	{"truncated error JSON", 403, "application/json", `{"status":403,"mess`, 0, "does not decode", false},
	{"empty body", 200, "application/json", "", 0, "empty", false},
	{"empty body without Content-Type", 200, "", "", 0, "empty", false},
	{"JSON array", 200, "application/json", `[]`, 0, "does not decode", false},
	{"JSON without Content-Type", 200, "", `{"status":403,"message":"Forbidden","data":{}}`, 0, "", false},
}

func TestAPIErrors(t *testing.T) {
	for _, op := range ops {
		for _, tc := range apiErrorCases {
			t.Run(op.name+"/"+tc.name, func(t *testing.T) {
				f := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
					if tc.contentType != "" {
						w.Header().Set("Content-Type", tc.contentType)
					} else {
						w.Header()["Content-Type"] = nil // no sniffing
					}
					w.WriteHeader(tc.status)
					_, _ = io.WriteString(w, tc.body)
				})
				got, err := op.call(context.Background(), f.client(t), instance)
				require.Error(t, err)
				assert.False(t, got, "a failure must return a nil result")
				var apiErr *wrapper.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tc.status, apiErr.StatusCode)
				assert.Equal(t, tc.wantCode, apiErr.Code)
				assert.Equal(t, "alaya."+op.name, apiErr.Operation)
				if tc.wantExact {
					assert.Equal(t, tc.wantMessage, apiErr.Message)
				} else {
					assert.Contains(t, apiErr.Message, tc.wantMessage)
				}
				assert.Equal(t, tc.body, string(apiErr.Body), "the body must be kept")
				assert.Contains(t, err.Error(), fmt.Sprintf("HTTP %d", tc.status))
				assert.Equal(t, 1, f.count(), "a failure that is not 429/502/503/504 is not retried")
				assertNoSecret(t, err)
			})
		}
	}
}

func TestTruncatedJSONKeepsCause(t *testing.T) {
	f := newFake(t, answer(http.StatusOK, `{"status":200,"message":"OK","data":{"po`))
	_, err := f.client(t).ListOpenPorts(context.Background(), instance)
	var apiErr *wrapper.APIError
	require.ErrorAs(t, err, &apiErr)
	var syntaxErr *json.SyntaxError
	assert.ErrorAs(t, err, &syntaxErr, "the decode error is the cause")
}

func TestBodyCap(t *testing.T) {
	const limit = 256
	// pad makes an envelope exactly n bytes long with trailing spaces (still valid JSON).
	pad := func(body string, n int) string { return body + strings.Repeat(" ", n-len(body)) }
	for _, op := range ops {
		t.Run(op.name+"/exactly the cap", func(t *testing.T) {
			f := newFake(t, answer(http.StatusOK, pad(op.ok, limit)))
			_, err := op.call(context.Background(), f.client(t, alaya.WithMaxBodyBytes(limit)), instance)
			require.NoError(t, err)
		})
		for _, status := range []int{http.StatusOK, http.StatusInternalServerError} {
			t.Run(fmt.Sprintf("%s/one byte over under HTTP %d", op.name, status), func(t *testing.T) {
				body := pad(op.ok, limit+1)
				f := newFake(t, answer(status, body))
				got, err := op.call(context.Background(), f.client(t, alaya.WithMaxBodyBytes(limit)), instance)
				require.Error(t, err)
				assert.False(t, got)
				assert.ErrorIs(t, err, wrapper.ErrBodyTooLarge)
				var apiErr *wrapper.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, status, apiErr.StatusCode)
				assert.Equal(t, body[:limit], string(apiErr.Body), "Body keeps what was read, up to the cap")
				assert.Equal(t, 1, f.count(), "a body over the cap is not retried")
				assertNoSecret(t, err)
			})
		}
		t.Run(op.name+"/far over the cap", func(t *testing.T) {
			body := pad(op.ok, 1<<20)
			f := newFake(t, answer(http.StatusOK, body))
			_, err := op.call(context.Background(), f.client(t, alaya.WithMaxBodyBytes(limit)), instance)
			assert.ErrorIs(t, err, wrapper.ErrBodyTooLarge)
			var apiErr *wrapper.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusOK, apiErr.StatusCode)
			assert.Equal(t, body[:limit], string(apiErr.Body))
			assert.Equal(t, 1, f.count(), "a body over the cap is not retried")
		})
	}
}

// signal tells a waiting test that a request arrived, without ever blocking the handler.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// sequence answers the i-th request with handlers[i], and the last handler after that.
func sequence(handlers ...http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		h := handlers[min(n, len(handlers)-1)]
		n++
		mu.Unlock()
		h(w, r)
	}
}

func withRetryAfter(v string, status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", v)
		writeJSON(w, status, body)
	}
}

func TestListOpenPortsRetries(t *testing.T) {
	unavailable := `{"status":503,"message":"Service Unavailable","data":{}}`
	cases := []struct {
		name     string
		opts     []alaya.Option
		respond  http.HandlerFunc
		attempts int
		wantErr  int // the HTTP status of the returned *APIError; 0 for success
	}{
		{"503 then success", nil, sequence(answer(503, unavailable), answer(200, listOK)), 2, 0},
		{"429 with Retry-After 0 then success", nil, sequence(withRetryAfter("0", 429, `{"status":429,"message":"Too Many Requests"}`), answer(200, listOK)), 2, 0},
		{"502 then success", nil, sequence(answer(502, `{"status":502,"message":"Bad Gateway"}`), answer(200, listOK)), 2, 0},
		{"504 then success", nil, sequence(answer(504, `{"status":504,"message":"Gateway Timeout"}`), answer(200, listOK)), 2, 0},
		{"502 HTML gateway page then success", nil, sequence(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, "<html>502 Bad Gateway</html>")
		}, answer(200, listOK)), 2, 0},
		{"connection closed then success", nil, sequence(hangUp, answer(200, listOK)), 2, 0},
		{"two 503 then success", nil, sequence(answer(503, unavailable), answer(503, unavailable), answer(200, listOK)), 3, 0},
		{"no retry with WithMaxRetries(0)", []alaya.Option{alaya.WithMaxRetries(0)}, answer(503, unavailable), 1, 503},
		{"negative WithMaxRetries disables", []alaya.Option{alaya.WithMaxRetries(-1)}, answer(503, unavailable), 1, 503},
		{"WithMaxRetries(1)", []alaya.Option{alaya.WithMaxRetries(1)}, answer(503, unavailable), 2, 503},
		{"gives up after the default 2 retries", nil, answer(503, unavailable), 3, 503},
		{"WithMaxRetries(4)", []alaya.Option{alaya.WithMaxRetries(4)}, answer(503, unavailable), 5, 503},
		{"500 is not retried", nil, answer(500, `{"status":500,"message":"Internal Server Error","data":{}}`), 1, 500},
		{"403 is not retried", nil, answer(403, `{"status":403,"message":"Forbidden","data":{}}`), 1, 403},
		{"401 is not retried", nil, answer(401, `{"status":40401,"message":"Unauthorized","data":{}}`), 1, 401},
		{"envelope 503 under HTTP 200 is not retried", nil, answer(200, unavailable), 1, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, tc.respond)
			got, err := f.client(t, tc.opts...).ListOpenPorts(context.Background(), instance)
			assert.Equal(t, tc.attempts, f.count(), "attempts")
			if tc.wantErr == 0 {
				require.NoError(t, err)
				require.NotNil(t, got)
				assert.Len(t, got.Ports, 1)
				return
			}
			assert.Nil(t, got)
			var apiErr *wrapper.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.wantErr, apiErr.StatusCode)
			assertNoSecret(t, err)
		})
	}
}

func TestListOpenPortsGivesUpWithLastAnswer(t *testing.T) {
	var mu sync.Mutex
	n := 0
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		n++
		i := n
		mu.Unlock()
		writeJSON(w, http.StatusServiceUnavailable, fmt.Sprintf(`{"status":503,"message":"busy %d","data":{}}`, i))
	})
	_, err := f.client(t).ListOpenPorts(context.Background(), instance)
	var apiErr *wrapper.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 3, f.count())
	assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
	assert.Equal(t, 503, apiErr.Code)
	assert.Equal(t, "busy 3", apiErr.Message)
	assert.Equal(t, `{"status":503,"message":"busy 3","data":{}}`, string(apiErr.Body))
}

func TestListOpenPortsHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	// The backoff is 1 ms, so only Retry-After can make the client wait a second.
	f := newFake(t, sequence(withRetryAfter("1", 503, `{"status":503,"message":"later"}`), answer(200, listOK)))
	start := time.Now()
	_, err := f.client(t).ListOpenPorts(context.Background(), instance)
	require.NoError(t, err)
	assert.Equal(t, 2, f.count())
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond)
}

func TestListOpenPortsStopsRetrying(t *testing.T) {
	busy := withRetryAfter("10", 503, `{"status":503,"message":"later","data":{}}`)
	t.Run("retry wait past the deadline", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, busy)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := f.client(t).ListOpenPorts(ctx, instance)
		assert.Less(t, time.Since(start), 2*time.Second)
		var apiErr *wrapper.APIError
		require.ErrorAs(t, err, &apiErr, "the last answer is returned")
		assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
		assert.Equal(t, 1, f.count())
	})
	t.Run("retry wait past the budget", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, busy)
		start := time.Now()
		_, err := f.client(t, alaya.WithRetryBudget(100*time.Millisecond)).ListOpenPorts(context.Background(), instance)
		assert.Less(t, time.Since(start), 2*time.Second)
		var apiErr *wrapper.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
		assert.Equal(t, 1, f.count())
	})
	t.Run("cancelled during the wait", func(t *testing.T) {
		t.Parallel()
		arrived := make(chan struct{}, 1)
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			busy(w, r)
			signal(arrived)
		})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			<-arrived
			time.Sleep(50 * time.Millisecond)
			cancel()
		}()
		start := time.Now()
		got, err := f.client(t).ListOpenPorts(ctx, instance)
		assert.Less(t, time.Since(start), 2*time.Second)
		assert.Nil(t, got)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 1, f.count())
		assertNoSecret(t, err)
	})
}

func TestPostsAreNeverRetried(t *testing.T) {
	failures := []struct {
		name    string
		respond http.HandlerFunc
		status  int // of the *APIError; 0 when the error is a transport error
	}{
		{"503", withRetryAfter("0", 503, `{"status":503,"message":"Service Unavailable","data":{}}`), 503},
		{"429", withRetryAfter("0", 429, `{"status":429,"message":"Too Many Requests"}`), 429},
		{"502", answer(502, `{"status":502,"message":"Bad Gateway"}`), 502},
		{"504", answer(504, `{"status":504,"message":"Gateway Timeout"}`), 504},
		{"connection closed", hangUp, 0},
	}
	for _, op := range ops[1:] {
		for _, tc := range failures {
			t.Run(op.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				f := newFake(t, sequence(tc.respond, answer(200, op.ok)))
				c := f.client(t, alaya.WithMaxRetries(5))
				got, err := op.call(context.Background(), c, instance)
				require.Error(t, err)
				assert.False(t, got)
				assert.Equal(t, 1, f.count(), "a POST must never be sent twice")
				assertNoSecret(t, err)
				if tc.status == 0 {
					return
				}
				var apiErr *wrapper.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tc.status, apiErr.StatusCode)
			})
		}
	}
}

func TestContext(t *testing.T) {
	for _, op := range ops {
		t.Run(op.name+"/deadline while the server sleeps", func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
				writeJSON(w, http.StatusOK, op.ok)
			})
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			start := time.Now()
			got, err := op.call(ctx, f.client(t), instance)
			assert.Less(t, time.Since(start), 3*time.Second, "must return promptly")
			assert.False(t, got)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Equal(t, 1, f.count(), "no retry once the context has ended")
			assertNoSecret(t, err)
		})
		t.Run(op.name+"/cancelled while the server sleeps", func(t *testing.T) {
			t.Parallel()
			arrived := make(chan struct{}, 1)
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				signal(arrived)
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
				writeJSON(w, http.StatusOK, op.ok)
			})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				<-arrived
				cancel()
			}()
			start := time.Now()
			got, err := op.call(ctx, f.client(t), instance)
			assert.Less(t, time.Since(start), 3*time.Second, "must return promptly")
			assert.False(t, got)
			assert.ErrorIs(t, err, context.Canceled)
			assert.Equal(t, 1, f.count())
		})
		t.Run(op.name+"/already cancelled", func(t *testing.T) {
			f := newFake(t, answer(http.StatusOK, op.ok))
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			got, err := op.call(ctx, f.client(t), instance)
			assert.False(t, got)
			assert.ErrorIs(t, err, context.Canceled)
			assert.Zero(t, f.count())
		})
	}
}

func TestClientPrintsNoSecret(t *testing.T) {
	c, err := alaya.NewClient(alaya.BearerKey(apiKey), alaya.WithBaseURL("https://alaya.example.com/prefix"))
	require.NoError(t, err)
	holder := struct{ C *alaya.Client }{c}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		for name, v := range map[string]any{"pointer": c, "value": *c, "field": holder} {
			s := fmt.Sprintf(verb, v)
			assert.NotContains(t, s, apiKey, "%s of the client (%s)", verb, name)
			assert.NotContains(t, s, apiKey[3:], "%s of the client (%s)", verb, name)
		}
	}
	assert.Contains(t, fmt.Sprint(c), "alaya.example.com", "the description still names the endpoint")
}

func TestErrorsCarryNoSecret(t *testing.T) {
	// A server that fails in every way at once still cannot make the client print the key. The
	// cases above check each failure; this one checks the transport errors.
	f := newFake(t, hangUp)
	for _, op := range ops {
		_, err := op.call(context.Background(), f.client(t, alaya.WithMaxRetries(0)), instance)
		require.Error(t, err, op.name)
		assertNoSecret(t, err)
	}
	// A server that is gone.
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	c, err := alaya.NewClient(alaya.BearerKey(apiKey), alaya.WithBaseURL(gone.URL+prefix), alaya.WithMaxRetries(0))
	require.NoError(t, err)
	for _, op := range ops {
		_, err := op.call(context.Background(), c, instance)
		require.Error(t, err, op.name)
		assertNoSecret(t, err)
	}
}

// TestRedirects protects the redirect policy: a GET follows (the credential stays with its origin
// and is sent again within it); OpenPort and ClosePort never follow, and the 3xx comes back as an
// *APIError with its status and Location after one request.
func TestRedirects(t *testing.T) {
	for _, op := range ops {
		if op.method != http.MethodGet {
			t.Run(op.name+"/a write does not follow", func(t *testing.T) {
				other := newFake(t, answer(http.StatusOK, op.ok))
				f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, other.srv.URL+prefix+"/moved", http.StatusTemporaryRedirect)
				})
				_, err := op.call(context.Background(), f.client(t), instance)
				var ae *wrapper.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, http.StatusTemporaryRedirect, ae.StatusCode)
				assert.Contains(t, ae.Message, "Location: "+other.srv.URL+prefix+"/moved")
				assert.Len(t, f.requests(), 1)
				assert.Empty(t, other.requests())
			})
			continue
		}
		t.Run(op.name+"/to another host drops Authorization", func(t *testing.T) {
			other := newFake(t, answer(http.StatusOK, op.ok))
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.srv.URL+prefix+"/moved", http.StatusTemporaryRedirect)
			})
			_, err := op.call(context.Background(), f.client(t), instance)
			require.NoError(t, err)
			first, moved := f.requests(), other.requests()
			require.Len(t, first, 1)
			require.Len(t, moved, 1, "the redirect was followed")
			assert.Equal(t, "Bearer "+apiKey, first[0].Auth)
			assert.Empty(t, moved[0].Auth, "the credential must not follow a redirect to another origin")
			assert.Equal(t, op.method, moved[0].Method)
		})
		t.Run(op.name+"/within the base origin keeps Authorization", func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.URL.Path, prefix+"/moved") {
					writeJSON(w, http.StatusOK, op.ok)
					return
				}
				http.Redirect(w, r, prefix+"/moved", http.StatusTemporaryRedirect)
			})
			_, err := op.call(context.Background(), f.client(t), instance)
			require.NoError(t, err)
			reqs := f.requests()
			require.Len(t, reqs, 2)
			assert.Equal(t, prefix+"/moved", reqs[1].Path)
			assert.Equal(t, "Bearer "+apiKey, reqs[1].Auth)
		})
	}
}

func TestWithHTTPClient(t *testing.T) {
	var used bool
	var mu sync.Mutex
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		used = true
		mu.Unlock()
		return http.DefaultTransport.RoundTrip(r)
	})}
	f := newFake(t, answer(http.StatusOK, listOK))
	_, err := f.client(t, alaya.WithHTTPClient(hc)).ListOpenPorts(context.Background(), instance)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.True(t, used, "the caller's http.Client carries the request")
	assert.Nil(t, hc.CheckRedirect, "the caller's http.Client is not modified")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestConcurrentUse(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/list"):
			writeJSON(w, http.StatusOK, listOK)
		case strings.HasSuffix(r.URL.Path, "/open-port"):
			writeJSON(w, http.StatusOK, openOK)
		default:
			writeJSON(w, http.StatusOK, closeOK)
		}
	})
	c := f.client(t)
	var wg sync.WaitGroup
	errs := make(chan error, 30)
	for i := 0; i < 10; i++ {
		for _, op := range ops {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := op.call(context.Background(), c, fmt.Sprintf("inst-%d", i))
				errs <- err
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Equal(t, 30, f.count())
}
