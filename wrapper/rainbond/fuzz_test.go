package rainbond_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/portsdk/portsdk/specs"
	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// cannedTransport answers every request with the same status, content type and body, without a network.
type cannedTransport struct {
	status      int
	contentType string
	body        []byte
}

func (c cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: c.status, Header: http.Header{"Content-Type": {c.contentType}},
		Body: io.NopCloser(bytes.NewReader(c.body)), ContentLength: int64(len(c.body)), Request: r,
	}, nil
}

// FuzzRainbondResponse protects response handling: whatever the status, content type and body, a call
// never panics and returns exactly one of a result and an error, and the error is a *wrapper.APIError
// that keeps the status.
func FuzzRainbondResponse(f *testing.F) {
	f.Add(200, "application/json", []byte(`{"code":200,"msg":"success","data":{"bean":`+portJSON+`,"list":[`+portJSON+`]}}`))
	f.Add(200, "application/json", []byte(`{"code":200,"data":{"bean":{},"list":null}}`))
	f.Add(409, "application/json", []byte(`{"code":20501,"msg":"component port already exists","msg_show":"组件端口已存在","data":{"bean":{},"list":[]}}`))
	f.Add(400, "application/json", []byte(`{"detail":"参数错误","err":{"port":["bad"]},"code":20400,"error_type":"ValidationError"}`))
	f.Add(404, "application/json", []byte(`{"code":404,"msg":{"code":404,"msg":"x"},"msg_show":"数据中心操作失败"}`))
	f.Add(200, "text/html", []byte(`<html>gateway</html>`))
	f.Add(200, "application/json", []byte(`<html>`))
	f.Add(503, "application/json", []byte(`{"code":`))
	f.Add(200, "application/json; charset=utf-8", []byte(`null`))
	f.Add(204, "", []byte(nil))
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		status = 100 + (status%500+500)%500 // 100..599
		if status >= 300 && status < 400 || status == http.StatusSwitchingProtocols {
			status = 200
		}
		c, err := rainbond.NewClient("http://fuzz.invalid/console", "token", rainbond.WithMaxRetries(0),
			rainbond.WithHTTPClient(&http.Client{Transport: cannedTransport{status, contentType, body}}))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		ports, err := c.ListPorts(ctx, comp)
		checkOne(t, "ListPorts", status, ports != nil, err)
		p, err := c.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 80})
		checkOne(t, "AddPort", status, p != nil, err)
		p, err = c.DeletePort(ctx, comp, 80)
		checkOne(t, "DeletePort", status, p != nil, err)
	})
}

func checkOne(t *testing.T, op string, status int, gotResult bool, err error) {
	t.Helper()
	if gotResult == (err != nil) {
		t.Fatalf("%s: result %v with error %v: want exactly one", op, gotResult, err)
	}
	if err == nil {
		if status != http.StatusOK {
			t.Fatalf("%s: success under HTTP %d", op, status)
		}
		return
	}
	var ae *wrapper.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("%s: error %T %v is not a *wrapper.APIError", op, err, err)
	}
	if ae.StatusCode != status {
		t.Fatalf("%s: APIError status %d, want %d", op, ae.StatusCode, status)
	}
}

var (
	routerOnce sync.Once
	router     routers.Router
	routerErr  error
)

// specRouter routes requests for http://fuzz.invalid/console against specs/rainbond.yaml.
func specRouter(t *testing.T) routers.Router {
	routerOnce.Do(func() {
		var doc *openapi3.T
		doc, routerErr = openapi3.NewLoader().LoadFromData(specs.Rainbond)
		if routerErr != nil {
			return
		}
		doc.Servers = openapi3.Servers{{URL: "http://fuzz.invalid/console"}}
		router, routerErr = gorillamux.NewRouter(doc)
	})
	if routerErr != nil {
		t.Fatal(routerErr)
	}
	return router
}

// capture records the request the client sends and answers it with a success envelope.
type capture struct {
	req  *http.Request
	body []byte
}

func (c *capture) RoundTrip(r *http.Request) (*http.Response, error) {
	c.req = r
	if r.Body != nil {
		c.body, _ = io.ReadAll(r.Body)
	}
	return cannedTransport{200, "application/json", []byte(`{"code":200,"data":{"bean":` + portJSON + `,"list":[]}}`)}.RoundTrip(r)
}

// FuzzRainbondValidation protects input validation: whatever the arguments, nothing panics; refused
// input is a *wrapper.ValidationError with nothing sent; accepted input builds a request the spec accepts.
func FuzzRainbondValidation(f *testing.F) {
	f.Add("team1", "rainbond", int64(12), "gr1234", 8080, "http", "WEB", "change_port_alias", "web", true)
	f.Add("a/b?c#d", "r 1%2F", int64(7), "组件", 1, "", "", "open_outer", "", false)
	f.Add(".", "..", int64(0), "", 0, "ftp", "web", "explode", "nginx_port", true)
	f.Add("t", "r", int64(1), "s", 65535, "grpc", "A_1", "change_protocol", "a-b", false)
	f.Add("t", "r", int64(-1), "s", 65536, "HTTP", "1A", "only_open_outer", "-a", true)
	f.Fuzz(func(t *testing.T, team, region string, app int64, service string, port int,
		protocol, alias, action, k8s string, inner bool) {
		rt := &capture{}
		c, err := rainbond.NewClient("http://fuzz.invalid/console", "token", rainbond.WithHTTPClient(&http.Client{Transport: rt}))
		if err != nil {
			t.Fatal(err)
		}
		x := rainbond.Component{TeamID: team, RegionName: region, AppID: app, ServiceID: service}
		ctx := context.Background()
		calls := map[string]func() error{
			"AddPort": func() error {
				_, err := c.AddPort(ctx, x, rainbond.AddPortRequest{Port: port, Protocol: rainbond.Protocol(protocol), PortAlias: alias, IsInnerService: inner})
				return err
			},
			"UpdatePort": func() error {
				_, err := c.UpdatePort(ctx, x, port, rainbond.UpdatePortRequest{Action: rainbond.Action(action),
					Protocol: rainbond.Protocol(protocol), PortAlias: alias, K8sServiceName: k8s})
				return err
			},
			"DeletePort": func() error { _, err := c.DeletePort(ctx, x, port); return err },
			"ListPorts":  func() error { _, err := c.ListPorts(ctx, x); return err },
		}
		for op, call := range calls {
			rt.req, rt.body = nil, nil
			err := call()
			if err != nil {
				var ve *wrapper.ValidationError
				if !errors.As(err, &ve) || ve.Field == "" {
					t.Fatalf("%s: %v is not a *wrapper.ValidationError naming a field", op, err)
				}
				if rt.req != nil {
					t.Fatalf("%s: refused input (%v) but a request was sent", op, err)
				}
				continue
			}
			if rt.req == nil {
				t.Fatalf("%s: accepted but nothing was sent", op)
			}
			conforms(t, op, rt.req, rt.body, x, port)
		}
	})
}

// conforms validates a request the client built against the spec. The route is found with
// placeholder path segments (gorillamux matches the decoded path, where an ID holding "/" would
// add segments), and the real IDs are checked as the route's path parameters.
func conforms(t *testing.T, op string, req *http.Request, body []byte, x rainbond.Component, port int) {
	t.Helper()
	probe := *req
	u := *req.URL
	u.Path = "/console/openapi/v1/teams/t/regions/r/apps/" + strconv.FormatInt(x.AppID, 10) + "/services/s/ports"
	if req.Method == http.MethodPut || req.Method == http.MethodDelete {
		u.Path += "/" + strconv.Itoa(port)
	}
	u.RawPath = ""
	probe.URL = &u
	route, _, err := specRouter(t).FindRoute(&probe)
	if err != nil {
		t.Fatalf("%s: %s %s: no route in the spec: %v", op, req.Method, u.Path, err)
	}
	// The IDs must arrive as given: decode the escaped path the client built.
	want := "/console/openapi/v1/teams/" + url.PathEscape(x.TeamID) + "/regions/" + url.PathEscape(x.RegionName) +
		"/apps/" + strconv.FormatInt(x.AppID, 10) + "/services/" + url.PathEscape(x.ServiceID) + "/ports"
	if req.Method == http.MethodPut || req.Method == http.MethodDelete {
		want += "/" + strconv.Itoa(port)
	}
	if got := req.URL.EscapedPath(); got != want {
		t.Fatalf("%s: path %q, want %q", op, got, want)
	}
	params := map[string]string{"team_id": x.TeamID, "region_name": x.RegionName,
		"app_id": strconv.FormatInt(x.AppID, 10), "service_id": x.ServiceID, "port": strconv.Itoa(port)}
	check := *req
	check.Body = io.NopCloser(bytes.NewReader(body))
	input := &openapi3filter.RequestValidationInput{
		Request: &check, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	if err := openapi3filter.ValidateRequest(context.Background(), input); err != nil {
		t.Fatalf("%s: the client accepted input that the spec refuses: %v\nbody: %s", op, err, body)
	}
}
