package rainbond_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/runtime/options"
	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

const (
	prefix = "/console"
	token  = "s3cr3t-token-value"
)

var comp = rainbond.Component{TeamID: "team1", RegionName: "rainbond", AppID: 12, ServiceID: "gr1234"}

const portsPath = prefix + "/openapi/v1/teams/team1/regions/rainbond/apps/12/services/gr1234/ports"

// seen is one request as the fake server received it.
type seen struct {
	Method, EscapedPath, Auth, UserAgent, ContentType string
	Body                                              []byte
}

// fake is an httptest server mounted under prefix that records every request and answers with respond.
type fake struct {
	srv     *httptest.Server
	mu      sync.Mutex
	reqs    []seen
	respond http.HandlerFunc
}

func newFake(t *testing.T, respond http.HandlerFunc) *fake {
	t.Helper()
	f := &fake{respond: respond}
	mux := http.NewServeMux()
	mux.HandleFunc(prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, seen{r.Method, r.URL.EscapedPath(), r.Header.Get("Authorization"),
			r.Header.Get("User-Agent"), r.Header.Get("Content-Type"), body})
		f.mu.Unlock()
		f.respond(w, r)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.reqs...)
}

// The backoff between retries is 1 ms in these tests (200 ms by default).
func init() { options.RetryBaseWait = time.Millisecond }

func (f *fake) client(t *testing.T, opts ...rainbond.Option) *rainbond.Client {
	t.Helper()
	c, err := rainbond.NewClient(f.srv.URL+prefix, token, opts...)
	require.NoError(t, err)
	return c
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

const portJSON = `{"container_port":8080,"mapping_port":8080,"lb_mapping_port":0,"protocol":"http",` +
	`"port_alias":"GR1234_8080","is_inner_service":true,"is_outer_service":false,"k8s_service_name":"gr1234-8080"}`

var port8080 = rainbond.Port{ContainerPort: 8080, MappingPort: 8080, Protocol: "http", PortAlias: "GR1234_8080",
	IsInnerService: true, K8sServiceName: "gr1234-8080"}

func beanEnvelope(bean string) string {
	return `{"code":200,"msg":"success","msg_show":"成功","data":{"bean":` + bean + `,"list":[]}}`
}

// TestRequestsOnTheWire protects the exact method, path, headers and JSON body of every operation.
func TestRequestsOnTheWire(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		call   func(c *rainbond.Client) (*rainbond.Port, error)
		method string
		path   string
		body   string // "" for no body
	}{
		{"AddPort", func(c *rainbond.Client) (*rainbond.Port, error) {
			return c.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 8080, Protocol: rainbond.ProtocolHTTP, PortAlias: "WEB", IsInnerService: true})
		}, http.MethodPost, portsPath, `{"port":8080,"protocol":"http","port_alias":"WEB","is_inner_service":true}`},
		{"AddPort defaults", func(c *rainbond.Client) (*rainbond.Port, error) {
			return c.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 53})
		}, http.MethodPost, portsPath, `{"port":53,"is_inner_service":false}`},
		{"UpdatePort", func(c *rainbond.Client) (*rainbond.Port, error) {
			return c.UpdatePort(ctx, comp, 8080, rainbond.UpdatePortRequest{Action: rainbond.ActionOpenOuter})
		}, http.MethodPut, portsPath + "/8080", `{"action":"open_outer"}`},
		{"OpenOuter", func(c *rainbond.Client) (*rainbond.Port, error) { return c.OpenOuter(ctx, comp, 8080) },
			http.MethodPut, portsPath + "/8080", `{"action":"open_outer"}`},
		{"CloseOuter", func(c *rainbond.Client) (*rainbond.Port, error) { return c.CloseOuter(ctx, comp, 8080) },
			http.MethodPut, portsPath + "/8080", `{"action":"close_outer"}`},
		{"OpenInner", func(c *rainbond.Client) (*rainbond.Port, error) { return c.OpenInner(ctx, comp, 8080) },
			http.MethodPut, portsPath + "/8080", `{"action":"open_inner"}`},
		{"CloseInner", func(c *rainbond.Client) (*rainbond.Port, error) { return c.CloseInner(ctx, comp, 8080) },
			http.MethodPut, portsPath + "/8080", `{"action":"close_inner"}`},
		{"ChangeProtocol", func(c *rainbond.Client) (*rainbond.Port, error) {
			return c.ChangeProtocol(ctx, comp, 8080, rainbond.ProtocolGRPC)
		}, http.MethodPut, portsPath + "/8080", `{"action":"change_protocol","protocol":"grpc"}`},
		{"ChangeAlias", func(c *rainbond.Client) (*rainbond.Port, error) {
			return c.ChangeAlias(ctx, comp, 8080, "NGINX_PORT", "nginx-port")
		}, http.MethodPut, portsPath + "/8080", `{"action":"change_port_alias","port_alias":"NGINX_PORT","k8s_service_name":"nginx-port"}`},
		{"DeletePort", func(c *rainbond.Client) (*rainbond.Port, error) { return c.DeletePort(ctx, comp, 8080) },
			http.MethodDelete, portsPath + "/8080", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, beanEnvelope(portJSON)) })
			p, err := tt.call(f.client(t))
			require.NoError(t, err)
			assert.Equal(t, port8080, *p)
			reqs := f.requests()
			require.Len(t, reqs, 1)
			got := reqs[0]
			assert.Equal(t, tt.method, got.Method)
			assert.Equal(t, tt.path, got.EscapedPath)
			assert.Equal(t, token, got.Auth, "raw token, no Bearer scheme")
			assert.Equal(t, "portsdk/"+wrapper.Version, got.UserAgent)
			if tt.body == "" {
				assert.Empty(t, got.Body)
			} else {
				assert.Equal(t, "application/json", got.ContentType)
				assert.JSONEq(t, tt.body, string(got.Body))
			}
		})
	}
}

// TestListPorts protects the unwrapping of data.list, including null and an empty list.
func TestListPorts(t *testing.T) {
	for name, tc := range map[string]struct {
		body string
		want []rainbond.Port
	}{
		"two ports": {`{"code":200,"msg":"success","msg_show":"成功","data":{"bean":{},"list":[` + portJSON + `,` +
			strings.Replace(portJSON, "8080", "9090", 2) + `]}}`,
			[]rainbond.Port{port8080, func() rainbond.Port { p := port8080; p.ContainerPort, p.MappingPort = 9090, 9090; return p }()}},
		"empty":     {`{"code":200,"msg":"success","data":{"bean":{},"list":[]}}`, []rainbond.Port{}},
		"null list": {`{"code":200,"msg":"success","data":{"bean":{},"list":null}}`, []rainbond.Port{}},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, tc.body) })
			ports, err := f.client(t).ListPorts(context.Background(), comp)
			require.NoError(t, err)
			require.NotNil(t, ports)
			assert.Equal(t, tc.want, ports)
			reqs := f.requests()
			require.Len(t, reqs, 1)
			assert.Equal(t, http.MethodGet, reqs[0].Method)
			assert.Equal(t, portsPath, reqs[0].EscapedPath)
			assert.Empty(t, reqs[0].Body)
		})
	}
}

// TestPathIDsAreEscaped protects IDs holding /, ?, #, %, space and non-ASCII text: each reaches the
// server as that exact ID, in its own path segment.
func TestPathIDsAreEscaped(t *testing.T) {
	// The console's routes take only letters, digits, "_" and "-" (see TestPathIDsTheConsoleCanRoute),
	// Unicode ones included: those are escaped.
	c := rainbond.Component{TeamID: "团队_a", RegionName: "région-1", AppID: 7, ServiceID: "组件-x"}
	var gotPath string
	var segments []string
	mux := http.NewServeMux()
	mux.HandleFunc("DELETE "+prefix+"/openapi/v1/teams/{team}/regions/{region}/apps/{app}/services/{svc}/ports/{port}",
		func(w http.ResponseWriter, r *http.Request) {
			gotPath = r.URL.EscapedPath()
			segments = []string{r.PathValue("team"), r.PathValue("region"), r.PathValue("app"), r.PathValue("svc"), r.PathValue("port")}
			writeJSON(w, 200, beanEnvelope(portJSON))
		})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client, err := rainbond.NewClient(srv.URL+prefix, token)
	require.NoError(t, err)
	_, err = client.DeletePort(context.Background(), c, 8080)
	require.NoError(t, err)
	assert.Equal(t, []string{"团队_a", "région-1", "7", "组件-x", "8080"}, segments)
	assert.Equal(t, prefix+"/openapi/v1/teams/%E5%9B%A2%E9%98%9F_a/regions/r%C3%A9gion-1/apps/7/services/%E7%BB%84%E4%BB%B6-x/ports/8080", gotPath)
}

// TestValidation protects every input rule: a *wrapper.ValidationError naming the field, and no request.
func TestValidation(t *testing.T) {
	ctx := context.Background()
	long := strings.Repeat("a", 64)
	tests := []struct {
		name  string
		field string
		call  func(c *rainbond.Client) error
	}{
		{"empty team", "team_id", func(c *rainbond.Client) error {
			x := comp
			x.TeamID = ""
			_, err := c.ListPorts(ctx, x)
			return err
		}},
		{"dot team", "team_id", func(c *rainbond.Client) error { x := comp; x.TeamID = "."; _, err := c.ListPorts(ctx, x); return err }},
		{"dotdot region", "region_name", func(c *rainbond.Client) error {
			x := comp
			x.RegionName = ".."
			_, err := c.AddPort(ctx, x, rainbond.AddPortRequest{Port: 80})
			return err
		}},
		{"zero app", "app_id", func(c *rainbond.Client) error { x := comp; x.AppID = 0; _, err := c.DeletePort(ctx, x, 80); return err }},
		{"negative app", "app_id", func(c *rainbond.Client) error { x := comp; x.AppID = -3; _, err := c.ListPorts(ctx, x); return err }},
		{"empty service", "service_id", func(c *rainbond.Client) error {
			x := comp
			x.ServiceID = ""
			_, err := c.OpenOuter(ctx, x, 80)
			return err
		}},
		{"dotdot service", "service_id", func(c *rainbond.Client) error {
			x := comp
			x.ServiceID = ".."
			_, err := c.ListPorts(ctx, x)
			return err
		}},
		{"add port 0", "port", func(c *rainbond.Client) error {
			_, err := c.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 0})
			return err
		}},
		{"add port 65536", "port", func(c *rainbond.Client) error {
			_, err := c.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 65536})
			return err
		}},
		{"add bad protocol", "protocol", func(c *rainbond.Client) error {
			_, err := c.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 80, Protocol: "ftp"})
			return err
		}},
		{"add upper-case protocol", "protocol", func(c *rainbond.Client) error {
			_, err := c.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 80, Protocol: "HTTP"})
			return err
		}},
		{"add lower-case alias", "port_alias", func(c *rainbond.Client) error {
			_, err := c.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 80, PortAlias: "web"})
			return err
		}},
		{"add alias starting with digit", "port_alias", func(c *rainbond.Client) error {
			_, err := c.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 80, PortAlias: "1WEB"})
			return err
		}},
		{"add alias with dash", "port_alias", func(c *rainbond.Client) error {
			_, err := c.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 80, PortAlias: "WEB-1"})
			return err
		}},
		{"update port -1", "port", func(c *rainbond.Client) error { _, err := c.CloseOuter(ctx, comp, -1); return err }},
		{"delete port 70000", "port", func(c *rainbond.Client) error { _, err := c.DeletePort(ctx, comp, 70000); return err }},
		{"empty action", "action", func(c *rainbond.Client) error {
			_, err := c.UpdatePort(ctx, comp, 80, rainbond.UpdatePortRequest{})
			return err
		}},
		{"unknown action", "action", func(c *rainbond.Client) error {
			_, err := c.UpdatePort(ctx, comp, 80, rainbond.UpdatePortRequest{Action: "only_open_outer"})
			return err
		}},
		{"change_protocol without protocol", "protocol", func(c *rainbond.Client) error {
			_, err := c.ChangeProtocol(ctx, comp, 80, "")
			return err
		}},
		{"change_protocol to unknown", "protocol", func(c *rainbond.Client) error {
			_, err := c.ChangeProtocol(ctx, comp, 80, "sctp")
			return err
		}},
		{"change_port_alias without alias", "port_alias", func(c *rainbond.Client) error {
			_, err := c.ChangeAlias(ctx, comp, 80, "", "web")
			return err
		}},
		{"change_port_alias without k8s name", "k8s_service_name", func(c *rainbond.Client) error {
			_, err := c.ChangeAlias(ctx, comp, 80, "WEB", "")
			return err
		}},
		{"k8s name with underscore (the page's own example)", "k8s_service_name", func(c *rainbond.Client) error {
			_, err := c.ChangeAlias(ctx, comp, 80, "NGINX_PORT", "nginx_port")
			return err
		}},
		{"k8s name too long", "k8s_service_name", func(c *rainbond.Client) error {
			_, err := c.ChangeAlias(ctx, comp, 80, "WEB", long)
			return err
		}},
		{"k8s name ending with dash", "k8s_service_name", func(c *rainbond.Client) error {
			_, err := c.ChangeAlias(ctx, comp, 80, "WEB", "web-")
			return err
		}},
		{"k8s name starting with digit", "k8s_service_name", func(c *rainbond.Client) error {
			_, err := c.ChangeAlias(ctx, comp, 80, "WEB", "1web")
			return err
		}},
		{"k8s name upper case", "k8s_service_name", func(c *rainbond.Client) error {
			_, err := c.ChangeAlias(ctx, comp, 80, "WEB", "Web")
			return err
		}},
		{"bad alias on another action", "port_alias", func(c *rainbond.Client) error {
			_, err := c.UpdatePort(ctx, comp, 80, rainbond.UpdatePortRequest{Action: rainbond.ActionOpenInner, PortAlias: "bad"})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, beanEnvelope(portJSON)) })
			err := tt.call(f.client(t))
			var ve *wrapper.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.NotEmpty(t, ve.Reason)
			assert.Contains(t, err.Error(), tt.field)
			assert.Empty(t, f.requests(), "no request may be sent for bad input")
		})
	}
}

// TestValidationAccepts protects the edges that must pass: the longest DNS label, one-letter names.
func TestValidationAccepts(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, beanEnvelope(portJSON)) })
	c := f.client(t)
	ctx := context.Background()
	_, err := c.ChangeAlias(ctx, comp, 65535, "A", "a"+strings.Repeat("-0", 31))
	require.NoError(t, err)
	_, err = c.ChangeAlias(ctx, comp, 1, "A_1", "a")
	require.NoError(t, err)
	for _, p := range []rainbond.Protocol{rainbond.ProtocolHTTP, rainbond.ProtocolTCP, rainbond.ProtocolUDP, rainbond.ProtocolMySQL, rainbond.ProtocolGRPC} {
		_, err = c.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 80, Protocol: p})
		require.NoError(t, err, p)
	}
	assert.Len(t, f.requests(), 7)
}

// TestNewClientRefusesBadArguments protects the constructor's checks.
func TestNewClientRefusesBadArguments(t *testing.T) {
	for _, tc := range []struct{ base, token, field string }{
		{"", token, "baseURL"},
		{"console.example.com", token, "baseURL"},
		{"ftp://console.example.com", token, "baseURL"},
		{"http://", token, "baseURL"},
		{"https://console.example.com/?x=1", token, "baseURL"},
		{"https://user:pw@console.example.com", token, "baseURL"},
		{"https://console.example.com", "", "token"},
		{"https://console.example.com", "Bearer " + token, "token"},
		{"https://console.example.com", token + "\n", "token"},
	} {
		c, err := rainbond.NewClient(tc.base, tc.token)
		var ve *wrapper.ValidationError
		require.ErrorAs(t, err, &ve, "%q %q", tc.base, tc.token)
		assert.Equal(t, tc.field, ve.Field)
		assert.Nil(t, c)
		assert.NotContains(t, err.Error(), token)
	}
}

// TestErrorShapes protects the *wrapper.APIError for each error shape the real server sends and for
// answers a client cannot use.
func TestErrorShapes(t *testing.T) {
	html := `<!DOCTYPE html><html><head><title>Not Found</title></head><body><h1>Not Found</h1></body></html>`
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		code        int
		message     string // substring
	}{
		{"service error 409", 409, "application/json",
			`{"code":20501,"msg":"component port already exists","msg_show":"组件端口已存在","data":{"bean":{},"list":[]}}`,
			20501, "component port already exists"},
		{"validation error 400", 400, "application/json",
			`{"detail":"参数错误","err":{"port_alias":["invalid alias"]},"code":20400,"error_type":"ValidationError"}`,
			20400, `参数错误: {"port_alias":["invalid alias"]}`},
		{"auth 401", 401, "application/json",
			`{"detail":"No token","code":401,"msg":"No token","msg_show":"No token","error_type":"AuthenticationFailed"}`,
			401, "No token"},
		{"region failure with object msg", 404, "application/json",
			`{"code":404,"msg":{"code":404,"msg":"service not found"},"msg_show":"数据中心操作失败"}`,
			404, `{"code":404,"msg":"service not found"}`},
		{"unhandled 500", 500, "application/json",
			`{"code":10401,"msg":"'k8s_service_name'","msg_show":"Traceback (most recent call last): ...","error_type":"KeyError"}`,
			10401, "'k8s_service_name'"},
		{"no found component", 404, "application/json",
			`{"code":404,"msg":"no found component","msg_show":"组件不存在","data":{"bean":{},"list":[]}}`, 404, "no found component"},
		{"failure code under HTTP 200", 200, "application/json",
			`{"code":20501,"msg":"component port already exists","msg_show":"组件端口已存在","data":{"bean":{},"list":[]}}`,
			20501, "already exists"},
		{"HTML 404 page", 404, "text/html; charset=utf-8", html, 0, "not JSON"},
		{"HTML page under 200", 200, "text/html", html, 0, "not JSON"},
		{"HTML labelled as JSON", 502, "application/json", html, 0, "not JSON"},
		{"HTML labelled as JSON under 200", 200, "application/json", html, 0, "not JSON"},
		{"truncated JSON", 200, "application/json", beanEnvelope(portJSON)[:40], 0, "does not decode"},
		{"wrong JSON types", 200, "application/json", `{"code":"200","data":{"bean":[]}}`, 0, "does not decode"},
		{"empty body", 200, "application/json", "", 0, "empty"},
		{"JSON null", 200, "application/json", "null", 0, "does not say success"},
		{"empty object", 200, "application/json", "{}", 0, "does not say success"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			p, err := f.client(t, rainbond.WithMaxRetries(0)).AddPort(context.Background(), comp, rainbond.AddPortRequest{Port: 80})
			assert.Nil(t, p)
			var ae *wrapper.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Equal(t, tt.code, ae.Code)
			assert.Contains(t, ae.Message, tt.message)
			assert.Equal(t, tt.body, string(ae.Body))
			assert.Equal(t, "rainbond.AddPort", ae.Operation)
			assert.NotContains(t, err.Error(), token)
		})
	}
}

// TestBodyCap protects the cap on response bodies: a longer body is an *APIError that keeps the status.
func TestBodyCap(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"code":200,"data":{"bean":{},"list":[`+strings.Repeat(portJSON+",", 200)+portJSON+`]}}`)
	})
	_, err := f.client(t, rainbond.WithMaxBodyBytes(4096)).ListPorts(context.Background(), comp)
	var ae *wrapper.APIError
	require.ErrorAs(t, err, &ae)
	assert.ErrorIs(t, err, wrapper.ErrBodyTooLarge)
	assert.Equal(t, 200, ae.StatusCode)
	assert.Len(t, ae.Body, 4096)
}

// TestRetries protects the retry policy: GET retried on 429/502/503/504 and connection errors,
// honouring Retry-After; never POST, PUT or DELETE.
func TestRetries(t *testing.T) {
	ctx := context.Background()
	okList := `{"code":200,"msg":"success","data":{"bean":{},"list":[]}}`
	failThen := func(n, status int) http.HandlerFunc {
		var mu sync.Mutex
		calls := 0
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			calls++
			c := calls
			mu.Unlock()
			if c <= n {
				w.Header().Set("Retry-After", "0")
				writeJSON(w, status, `{"code":`+fmt.Sprint(status)+`,"msg":"busy"}`)
				return
			}
			writeJSON(w, 200, okList)
		}
	}
	for _, status := range []int{429, 502, 503, 504} {
		t.Run(fmt.Sprintf("GET retried on %d", status), func(t *testing.T) {
			f := newFake(t, failThen(1, status))
			_, err := f.client(t).ListPorts(ctx, comp)
			require.NoError(t, err)
			assert.Len(t, f.requests(), 2)
		})
	}
	t.Run("GET not retried on 500 or 404", func(t *testing.T) {
		for _, status := range []int{500, 404, 400} {
			f := newFake(t, failThen(1, status))
			_, err := f.client(t).ListPorts(ctx, comp)
			require.Error(t, err)
			assert.Len(t, f.requests(), 1, "status %d", status)
		}
	})
	t.Run("GET gives up after the default 2 retries", func(t *testing.T) {
		f := newFake(t, failThen(100, 503))
		_, err := f.client(t).ListPorts(ctx, comp)
		var ae *wrapper.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 503, ae.StatusCode)
		assert.Equal(t, "busy", ae.Message)
		assert.Len(t, f.requests(), 3)
	})
	t.Run("WithMaxRetries(0) disables retries", func(t *testing.T) {
		f := newFake(t, failThen(1, 503))
		_, err := f.client(t, rainbond.WithMaxRetries(0)).ListPorts(ctx, comp)
		require.Error(t, err)
		assert.Len(t, f.requests(), 1)
	})
	t.Run("GET retried after a dropped connection", func(t *testing.T) {
		var mu sync.Mutex
		calls := 0
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			calls++
			c := calls
			mu.Unlock()
			if c == 1 {
				hijackClose(t, w)
				return
			}
			writeJSON(w, 200, okList)
		})
		_, err := f.client(t).ListPorts(ctx, comp)
		require.NoError(t, err)
		assert.Len(t, f.requests(), 2)
	})
	writes := map[string]func(c *rainbond.Client) error{
		"POST": func(c *rainbond.Client) error {
			_, err := c.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 80, IsInnerService: true})
			return err
		},
		"PUT":    func(c *rainbond.Client) error { _, err := c.OpenOuter(ctx, comp, 80); return err },
		"DELETE": func(c *rainbond.Client) error { _, err := c.DeletePort(ctx, comp, 80); return err },
	}
	for method, call := range writes {
		t.Run(method+" never retried on 503", func(t *testing.T) {
			f := newFake(t, failThen(1, 503))
			require.Error(t, call(f.client(t, rainbond.WithMaxRetries(5))))
			assert.Len(t, f.requests(), 1)
		})
		t.Run(method+" never retried after a dropped connection", func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) { hijackClose(t, w) })
			err := call(f.client(t, rainbond.WithMaxRetries(5)))
			require.Error(t, err)
			assert.Len(t, f.requests(), 1)
			assert.NotContains(t, err.Error(), token)
		})
	}
}

// hijackClose closes the connection without answering.
func hijackClose(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

// TestRetryAfterIsHonoured protects the wait a server asks for: the retry comes no sooner.
func TestRetryAfterIsHonoured(t *testing.T) {
	var mu sync.Mutex
	var times []time.Time
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		n := len(times)
		mu.Unlock()
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, `{"code":429,"msg":"slow down"}`)
			return
		}
		writeJSON(w, 200, `{"code":200,"data":{"bean":{},"list":[]}}`)
	})
	_, err := f.client(t).ListPorts(context.Background(), comp)
	require.NoError(t, err)
	require.Len(t, times, 2)
	assert.GreaterOrEqual(t, times[1].Sub(times[0]), 900*time.Millisecond)
}

// TestContextEndsTheCall protects cancellation: a call whose context ends returns promptly with the
// context's error, also while it waits to retry.
func TestContextEndsTheCall(t *testing.T) {
	t.Run("slow server", func(t *testing.T) {
		release := make(chan struct{})
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		})
		defer close(release)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := f.client(t).ListPorts(ctx, comp)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, time.Since(start), 2*time.Second)
	})
	t.Run("waiting to retry", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "10")
			writeJSON(w, 503, `{"code":503,"msg":"busy"}`)
		})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		_, err := f.client(t).ListPorts(ctx, comp)
		require.ErrorIs(t, err, context.Canceled)
		assert.Less(t, time.Since(start), 2*time.Second)
		assert.Len(t, f.requests(), 1)
	})
	t.Run("deadline sooner than Retry-After returns the last answer at once", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "10")
			writeJSON(w, 503, `{"code":503,"msg":"busy"}`)
		})
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		start := time.Now()
		_, err := f.client(t).ListPorts(ctx, comp)
		var ae *wrapper.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 503, ae.StatusCode)
		assert.Less(t, time.Since(start), time.Second)
	})
}

// TestTokenStaysSecret protects the token: never in %v, %+v, %#v or %s of a client, nor in errors.
func TestTokenStaysSecret(t *testing.T) {
	c, err := rainbond.NewClient("https://console.example.com/rb", token)
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, c)
		assert.NotContains(t, out, token, verb)
		assert.Contains(t, out, "console.example.com", verb)
		out = fmt.Sprintf(verb, *c)
		assert.NotContains(t, out, token, verb)
	}
	// A connection error: nothing listens on port 1.
	c, err = rainbond.NewClient("http://127.0.0.1:1", token, rainbond.WithMaxRetries(0))
	require.NoError(t, err)
	_, err = c.ListPorts(context.Background(), comp)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), token)
	assert.NotContains(t, fmt.Sprintf("%+v %#v", err, err), token)
}

// TestCredentialStaysWithItsOrigin protects the token from redirects to another origin.
func TestCredentialStaysWithItsOrigin(t *testing.T) {
	var gotAuth []string
	var mu sync.Mutex
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		gotAuth = append(gotAuth, r.Header.Get("Authorization"))
		mu.Unlock()
		writeJSON(w, 200, `{"code":200,"data":{"bean":{},"list":[]}}`)
	}))
	defer other.Close()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/ports") {
			http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
			return
		}
	})
	_, err := f.client(t).ListPorts(context.Background(), comp)
	require.NoError(t, err)
	require.Len(t, gotAuth, 1)
	assert.Empty(t, gotAuth[0], "the token must not follow a redirect to another origin")
	assert.Equal(t, token, f.requests()[0].Auth)
}

// TestUserAgent protects the caller's product in front of portsdk's own.
func TestUserAgent(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"code":200,"data":{"bean":{},"list":[]}}`)
	})
	_, err := f.client(t, rainbond.WithUserAgent("deploybot/1.2")).ListPorts(context.Background(), comp)
	require.NoError(t, err)
	assert.Equal(t, "deploybot/1.2 portsdk/"+wrapper.Version, f.requests()[0].UserAgent)
}

// TestWithHTTPClient protects the caller's http.Client: its transport carries the requests.
func TestWithHTTPClient(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"code":200,"data":{"bean":{},"list":[]}}`)
	})
	used := false
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		used = true
		return http.DefaultTransport.RoundTrip(r)
	})}
	_, err := f.client(t, rainbond.WithHTTPClient(hc)).ListPorts(context.Background(), comp)
	require.NoError(t, err)
	assert.True(t, used)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestPortJSONNames protects the API's own field names when a Port is encoded (portctl -o json).
func TestPortJSONNames(t *testing.T) {
	raw, err := json.Marshal(port8080)
	require.NoError(t, err)
	assert.JSONEq(t, portJSON, string(raw))
}

// TestEnvelopeEdgeCases protects answers the generated types cannot hold, success envelopes without
// the port, and media types in upper case.
func TestEnvelopeEdgeCases(t *testing.T) {
	ctx := context.Background()
	t.Run("success under an upper-case media type", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "Application/JSON; Charset=UTF-8")
			_, _ = io.WriteString(w, beanEnvelope(portJSON))
		})
		p, err := f.client(t).OpenOuter(ctx, comp, 8080)
		require.NoError(t, err)
		assert.Equal(t, port8080, *p)
	})
	for name, body := range map[string]string{
		"no bean":    `{"code":200,"msg":"success","data":{"list":[]}}`,
		"empty bean": `{"code":200,"msg":"success","data":{"bean":{},"list":[]}}`,
		"no data":    `{"code":200,"msg":"success"}`,
	} {
		t.Run("success envelope with "+name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, body) })
			p, err := f.client(t).AddPort(ctx, comp, rainbond.AddPortRequest{Port: 8080})
			assert.Nil(t, p)
			var ae *wrapper.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, 200, ae.StatusCode)
			assert.Equal(t, body, string(ae.Body))
		})
	}
	for name, tc := range map[string]struct {
		body, msg string
		code      int
	}{
		"data is an array":          {`{"code":20501,"msg":"component port already exists","data":[]}`, "component port already exists", 20501},
		"err values are not arrays": {`{"detail":"参数错误","err":{"port":"bad"},"code":20400}`, `参数错误: {"port":"bad"}`, 20400},
	} {
		t.Run("error envelope where "+name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 409, tc.body) })
			_, err := f.client(t).AddPort(ctx, comp, rainbond.AddPortRequest{Port: 8080})
			var ae *wrapper.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, 409, ae.StatusCode)
			assert.Equal(t, tc.code, ae.Code)
			assert.Equal(t, tc.msg, ae.Message)
		})
	}
}
