package rainbondtest_test

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// The expectations below are the real console's answers (docs/servers/rainbond.md; the
// differential test compares them with a running console).

var emptyData = map[string]any{"bean": map[string]any{}, "list": []any{}}

// shape names the console's body shapes.
type shape int

const (
	serviceShape    shape = iota + 1 // {code, msg, msg_show, data}
	validationShape                  // {detail: 参数错误, err, code: 20400, error_type}
	exceptionShape                   // {detail, code, msg, msg_show, error_type, error_trace}
	crashShape                       // 500 {code: 10401, msg, msg_show, error_type, error_trace, error_details}
	regionShape                      // {code, msg, msg_show}, no data
)

// want is an expected error answer.
type want struct {
	status  int
	code    int
	shape   shape
	msgShow string // service and region shapes: msg_show; validation: a field of err; exception/crash: error_type
}

// check asserts that r is the expected error answer.
func (w want) check(t *testing.T, r result) {
	t.Helper()
	require.Equal(t, w.status, r.status, "%s", r.raw)
	assert.EqualValues(t, w.code, r.body["code"], "%s", r.raw)
	keys := make([]string, 0, len(r.body))
	for k := range r.body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	switch w.shape {
	case serviceShape:
		assert.Equal(t, []string{"code", "data", "msg", "msg_show"}, keys, "%s", r.raw)
		assert.Equal(t, emptyData, r.body["data"])
		assert.IsType(t, "", r.body["msg"])
		assert.Equal(t, w.msgShow, r.body["msg_show"], "%s", r.raw)
	case validationShape:
		assert.Contains(t, r.errFields(t), w.msgShow, "%s", r.raw)
	case exceptionShape:
		assert.Equal(t, []string{"code", "detail", "error_trace", "error_type", "msg", "msg_show"}, keys, "%s", r.raw)
		assert.Equal(t, w.msgShow, r.body["error_type"])
		assert.Equal(t, r.body["detail"], r.body["msg"])
	case crashShape:
		assert.Equal(t, []string{"code", "error_details", "error_trace", "error_type", "msg", "msg_show"}, keys, "%s", r.raw)
		assert.Equal(t, w.msgShow, r.body["error_type"])
		assert.Contains(t, r.body["msg_show"], "Traceback")
	case regionShape:
		assert.Equal(t, []string{"code", "msg", "msg_show"}, keys, "%s", r.raw)
		assert.Equal(t, w.msgShow, r.body["msg_show"])
	}
}

var aliasRe = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

func TestNewServer(t *testing.T) {
	s, _ := newServer(t)
	assert.True(t, strings.HasPrefix(s.URL, "http://127.0.0.1:"), s.URL)
	assert.True(t, strings.HasSuffix(s.URL, rainbondtest.PathPrefix), s.URL)
	assert.NotEqual(t, "/", rainbondtest.PathPrefix)
	assert.GreaterOrEqual(t, len(s.Token), 32)
	other := rainbondtest.NewServer()
	defer other.Close()
	assert.NotEqual(t, s.Token, other.Token, "tokens are random")
	assert.NotEqual(t, s.URL, other.URL)
}

func TestListEnvelope(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	r := c.do(http.MethodGet, portsPath(comp), nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Equal(t, "application/json", r.header.Get("Content-Type"))
	assert.Equal(t, "GET, POST, HEAD, OPTIONS", r.header.Get("Allow"))
	assert.JSONEq(t, `{"code":200,"msg":"success","msg_show":"查询成功","data":{"bean":{},"list":[]}}`, string(r.raw))

	c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 8080, "is_inner_service": false})
	c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 80, "is_inner_service": false})
	r = c.do(http.MethodGet, portsPath(comp), nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, map[string]any{}, r.bean(t))
	list := r.list(t)
	require.Len(t, list, 2)
	assert.EqualValues(t, 8080, list[0].(map[string]any)["container_port"], "database order: the order of adding")
	assert.EqualValues(t, 80, list[1].(map[string]any)["container_port"])
	assert.Len(t, list[0].(map[string]any), 8, "the port object has eight fields")
	assert.True(t, strings.HasPrefix(string(r.raw), `{"code":200,"msg":"success","msg_show":"查询成功","data":{"bean":{},"list":[{"container_port":8080,"mapping_port":8080,"lb_mapping_port":0,"protocol":"http"`),
		"the console's key order: %s", r.raw)
	ports, _ := s.Ports(comp)
	assert.Equal(t, 80, ports[0].ContainerPort, "Ports sorts by container port")
}

func TestAuthentication(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	tests := []struct {
		name    string
		headers map[string]string
		detail  string
	}{
		{"missing", map[string]string{"Authorization": ""}, "No token"},
		{"wrong", map[string]string{"Authorization": "not-the-token"}, "No such user or user is not admin"},
		{"bearer prefix", map[string]string{"Authorization": "Bearer " + s.Token}, "No such user or user is not admin"},
		{"token prefix", map[string]string{"Authorization": "Token " + s.Token}, "No such user or user is not admin"},
		{"internal token", map[string]string{"Authorization": s.Token, "X-Internal-Token": "x"}, "Invalid internal token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, m := range []struct{ method, path, allow string }{
				{http.MethodGet, portsPath(comp), "GET, POST, HEAD, OPTIONS"},
				{http.MethodPost, portsPath(comp), "GET, POST, HEAD, OPTIONS"},
				{http.MethodPut, portsPath(comp) + "/80", "PUT, DELETE, OPTIONS"},
				{http.MethodDelete, portsPath(comp) + "/80", "PUT, DELETE, OPTIONS"},
				{http.MethodPatch, portsPath(comp) + "/80", "PUT, DELETE, OPTIONS"},                                        // before 405
				{http.MethodGet, "/openapi/v1/teams/nobody/regions/r/apps/1/services/s/ports", "GET, POST, HEAD, OPTIONS"}, // before the lookups
			} {
				r := c.doHeaders(m.method, m.path, `{"port": 0}`, "application/json", tt.headers)
				want{http.StatusUnauthorized, 401, exceptionShape, "AuthenticationFailed"}.check(t, r)
				assert.Equal(t, tt.detail, r.body["detail"])
				assert.Equal(t, "Token", r.header.Get("WWW-Authenticate"))
				assert.Equal(t, m.allow, r.header.Get("Allow"))
			}
		})
	}
	ports, _ := s.Ports(comp)
	assert.Empty(t, ports, "no request without the token changed anything")
	assert.Equal(t, http.StatusOK, c.do(http.MethodGet, portsPath(comp), nil).status)
}

func TestLookupChain(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	other := rainbond.Component{TeamID: comp.TeamID, RegionName: comp.RegionName, AppID: 8, ServiceID: "gr999zzz"}
	s.AddComponent(other)
	require.NoError(t, s.SetTeamName(comp.TeamID, "team-one"))
	aliased := rainbond.Component{TeamID: comp.TeamID, RegionName: comp.RegionName, AppID: comp.AppID, ServiceID: "3f1c9a0e7d2b"}
	s.AddComponent(aliased)
	require.NoError(t, s.SetComponentAlias(aliased, "gr3f1c9a"))
	s.AddRegion("closed-region", false)
	s.AddRegion("open-region", true)
	with := func(f func(*rainbond.Component)) string {
		c := comp
		f(&c)
		return portsPath(c)
	}
	found := want{status: http.StatusOK}
	tests := []struct {
		name string
		path string
		want want
	}{
		{"team by id", portsPath(comp), found},
		{"team by name", with(func(c *rainbond.Component) { c.TeamID = "team-one" }), found},
		{"unknown team", with(func(c *rainbond.Component) { c.TeamID = "other" }), want{404, 404, serviceShape, "团队不存在"}},
		{"team id is case-sensitive", with(func(c *rainbond.Component) { c.TeamID = "TEAM1" }), want{404, 404, serviceShape, "团队不存在"}},
		{"unknown region", with(func(c *rainbond.Component) { c.RegionName = "other" }), want{404, 3000, serviceShape, "集群不存在"}},
		{"team not opened in the region", with(func(c *rainbond.Component) { c.RegionName = "closed-region" }), want{409, 2001, serviceShape, "团队未在该集群中初始化"}},
		{"region opened, no such app there", with(func(c *rainbond.Component) { c.RegionName = "open-region" }), want{404, 404, serviceShape, "应用不存在"}},
		{"unknown app", with(func(c *rainbond.Component) { c.AppID = 9 }), want{404, 404, serviceShape, "应用不存在"}},
		{"negative app", with(func(c *rainbond.Component) { c.AppID = -7 }), want{404, 404, serviceShape, "应用不存在"}},
		{"app 1-2", strings.Replace(portsPath(comp), "/apps/7/", "/apps/1-2/", 1), want{500, 10401, crashShape, "ValueError"}},
		{"app with leading zeros", strings.Replace(portsPath(comp), "/apps/7/", "/apps/007/", 1), found},
		{"unknown component", with(func(c *rainbond.Component) { c.ServiceID = "other" }), want{404, 404, serviceShape, "组件不存在"}},
		{"component by alias", with(func(c *rainbond.Component) { c.ServiceID = "gr3f1c9a" }), found},
		{"component by id", portsPath(aliased), found},
		{"component of another app", with(func(c *rainbond.Component) { c.ServiceID = other.ServiceID }), want{404, 404, serviceShape, "组件不属于指定应用"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, m := range []struct {
				method, suffix string
				body           any
			}{
				{http.MethodGet, "", nil},
				{http.MethodPost, "", "not json"}, // the lookups come before the body is read
				{http.MethodPut, "/80", "not json"},
				{http.MethodDelete, "/abc", nil}, // and before int(port)
				{http.MethodPatch, "", nil},      // and before the method check
			} {
				r := c.do(m.method, tt.path+m.suffix, m.body)
				if tt.want.status == http.StatusOK {
					assert.NotEqual(t, http.StatusNotFound, r.status, "%s: %s", m.method, r.raw)
					continue
				}
				tt.want.check(t, r)
			}
		})
	}
	assert.Error(t, s.SetTeamName("nobody", "x"))
	assert.Error(t, s.SetComponentAlias(rainbond.Component{TeamID: "x"}, "y"))
}

func TestAddPort(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)

	r := c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 80, "is_inner_service": true})
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Equal(t, float64(200), r.body["code"])
	assert.Equal(t, "success", r.body["msg"])
	assert.Equal(t, "添加成功", r.body["msg_show"])
	assert.Equal(t, []any{}, r.list(t))
	assert.Equal(t, map[string]any{
		"container_port": float64(80), "mapping_port": float64(80), "lb_mapping_port": float64(0),
		"protocol": "http", "port_alias": "GR123ABC80", "is_inner_service": true, "is_outer_service": false,
		"k8s_service_name": "gr123abc",
	}, r.bean(t))

	tests := []struct {
		name string
		body any
		port float64
		want map[string]any // fields of the bean
	}{
		{"explicit protocol and alias, unknown fields ignored, outer never open",
			map[string]any{"port": 3306, "protocol": "mysql", "port_alias": "DB", "is_inner_service": false, "is_outer_service": true, "unknown": []int{1}},
			3306, map[string]any{"protocol": "mysql", "port_alias": "DB", "is_inner_service": false, "is_outer_service": false, "k8s_service_name": "gr123abc"}},
		{"string port", `{"port": "8080", "protocol": "tcp", "is_inner_service": true}`, 8080, map[string]any{"port_alias": "GR123ABC8080", "protocol": "tcp"}},
		{"string port with spaces and .0", `{"port": " 8081.0 ", "is_inner_service": "yes"}`, 8081, map[string]any{"is_inner_service": true}},
		{"float port", `{"port": 8082.0, "is_inner_service": 1}`, 8082, map[string]any{"is_inner_service": true}},
		{"exponent port", `{"port": 8.083e3, "is_inner_service": "off"}`, 8083, map[string]any{"is_inner_service": false}},
		{"underscore in port", `{"port": "8_084", "is_inner_service": "f"}`, 8084, nil},
		{"alias with spaces is stripped", `{"port": 8085, "port_alias": " WEB_1 ", "is_inner_service": false}`, 8085, map[string]any{"port_alias": "WEB_1"}},
		{"alias null is generated", `{"port": 8086, "port_alias": null, "is_inner_service": false}`, 8086, map[string]any{"port_alias": "GR123ABC8086"}},
		{"blank alias is generated", `{"port": 8087, "port_alias": "   ", "is_inner_service": false}`, 8087, map[string]any{"port_alias": "GR123ABC8087"}},
		{"duplicate alias is accepted", `{"port": 8088, "port_alias": "DB", "is_inner_service": false}`, 8088, map[string]any{"port_alias": "DB"}},
		{"65535", `{"port": 65535, "is_inner_service": false}`, 65535, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do(http.MethodPost, portsPath(comp), tt.body)
			require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
			bean := r.bean(t)
			assert.Equal(t, tt.port, bean["container_port"])
			assert.Equal(t, tt.port, bean["mapping_port"])
			for k, v := range tt.want {
				assert.Equal(t, v, bean[k], k)
			}
		})
	}
	t.Run("form-encoded body: a missing boolean is false", func(t *testing.T) {
		r := c.doHeaders(http.MethodPost, portsPath(comp), "port=9000&protocol=tcp", "application/x-www-form-urlencoded", nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
		assert.Equal(t, false, r.bean(t)["is_inner_service"])
		assert.Equal(t, "tcp", r.bean(t)["protocol"])
	})
	ports, ok := s.Ports(comp)
	require.True(t, ok)
	assert.Len(t, ports, len(tests)+2)
}

func TestAddPortErrors(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 80, "is_inner_service": false}).status)

	tests := []struct {
		name  string
		body  any
		ctype string
		want  want
	}{
		{"duplicate", map[string]any{"port": 80, "is_inner_service": true}, "", want{409, 20501, serviceShape, "端口已存在"}},
		{"duplicate checked before the alias", map[string]any{"port": 80, "port_alias": "bad", "is_inner_service": true}, "", want{409, 20501, serviceShape, "端口已存在"}},
		{"zero", map[string]any{"port": 0, "is_inner_service": true}, "", want{400, 400, serviceShape, "缺少端口参数"}},
		{"zero as a string", map[string]any{"port": "0", "is_inner_service": true}, "", want{400, 400, serviceShape, "缺少端口参数"}},
		{"negative", map[string]any{"port": -5, "is_inner_service": true}, "", want{412, 412, serviceShape, "端口必须为1到65535的整数"}},
		{"above 65535", map[string]any{"port": 65536, "is_inner_service": true}, "", want{412, 412, serviceShape, "端口必须为1到65535的整数"}},
		{"range checked before the alias", map[string]any{"port": 70000, "is_inner_service": true, "port_alias": "x"}, "", want{412, 412, serviceShape, "端口必须为1到65535的整数"}},
		{"protocol null", `{"port": 81, "protocol": null, "is_inner_service": true}`, "", want{400, 400, serviceShape, "缺少协议参数"}},
		{"lower alias", map[string]any{"port": 81, "is_inner_service": true, "port_alias": "web"}, "", want{400, 400, serviceShape, "端口别名不合法"}},
		{"alias with dash", map[string]any{"port": 81, "is_inner_service": true, "port_alias": "WEB-1"}, "", want{400, 400, serviceShape, "端口别名不合法"}},
		{"alias starting with a digit", map[string]any{"port": 81, "is_inner_service": true, "port_alias": "1WEB"}, "", want{400, 400, serviceShape, "端口别名不合法"}},
		{"numeric alias", `{"port": 81, "is_inner_service": true, "port_alias": 5}`, "", want{400, 400, serviceShape, "端口别名不合法"}},
		{"fraction", map[string]any{"port": 81.5, "is_inner_service": true}, "", want{400, 20400, validationShape, "port"}},
		{"port too big for a float", `{"port": 1e16, "is_inner_service": true}`, "", want{400, 20400, validationShape, "port"}},
		{"boolean port", `{"port": true, "is_inner_service": true}`, "", want{400, 20400, validationShape, "port"}},
		{"port null", `{"port": null, "is_inner_service": true}`, "", want{400, 20400, validationShape, "port"}},
		{"missing port", map[string]any{"is_inner_service": true}, "", want{400, 20400, validationShape, "port"}},
		{"missing is_inner_service", map[string]any{"port": 81}, "", want{400, 20400, validationShape, "is_inner_service"}},
		{"is_inner_service 2", map[string]any{"port": 81, "is_inner_service": 2}, "", want{400, 20400, validationShape, "is_inner_service"}},
		{"is_inner_service null", `{"port": 81, "is_inner_service": null}`, "", want{400, 20400, validationShape, "is_inner_service"}},
		{"bad protocol", map[string]any{"port": 81, "is_inner_service": true, "protocol": "https"}, "", want{400, 20400, validationShape, "protocol"}},
		{"upper protocol", map[string]any{"port": 81, "is_inner_service": true, "protocol": "HTTP"}, "", want{400, 20400, validationShape, "protocol"}},
		{"empty protocol", map[string]any{"port": 81, "is_inner_service": true, "protocol": ""}, "", want{400, 20400, validationShape, "protocol"}},
		{"boolean alias", `{"port": 81, "is_inner_service": true, "port_alias": false}`, "", want{400, 20400, validationShape, "port_alias"}},
		{"alias too long", map[string]any{"port": 81, "is_inner_service": true, "port_alias": strings.Repeat("A", 256)}, "", want{400, 20400, validationShape, "port_alias"}},
		{"empty body", "", "", want{400, 20400, validationShape, "port"}},
		{"JSON array", "[]", "", want{400, 20400, validationShape, "non_field_errors"}},
		{"JSON null", "null", "", want{400, 20400, validationShape, "non_field_errors"}},
		{"not JSON", "port=81", "", want{400, 400, exceptionShape, "ParseError"}},
		{"trailing data", `{"port": 81, "is_inner_service": true} x`, "", want{400, 400, exceptionShape, "ParseError"}},
		{"invalid UTF-8", "{\"port\": 81, \"port_alias\": \"\xff\", \"is_inner_service\": true}", "", want{400, 400, exceptionShape, "ParseError"}},
		{"text/plain", `{"port": 81, "is_inner_service": true}`, "text/plain", want{415, 415, exceptionShape, "UnsupportedMediaType"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctype := tt.ctype
			if ctype == "" {
				ctype = "application/json"
			}
			tt.want.check(t, c.doHeaders(http.MethodPost, portsPath(comp), tt.body, ctype, nil))
		})
	}
	t.Run("validation collects every field", func(t *testing.T) {
		r := c.do(http.MethodPost, portsPath(comp), `{"port": true, "protocol": "", "port_alias": false, "is_inner_service": 2}`)
		require.Equal(t, http.StatusBadRequest, r.status)
		assert.Equal(t, map[string]any{
			"port": []any{"请填写合法的整数值。"}, "protocol": []any{"“” 不是合法选项。"},
			"port_alias": []any{"Not a valid string."}, "is_inner_service": []any{"Must be a valid boolean."},
		}, r.errFields(t))
	})
	ports, _ := s.Ports(comp)
	require.Len(t, ports, 1, "no failed request added a port")
}

func TestGeneratedNames(t *testing.T) {
	s, c := newServer(t)
	add := func(cc rainbond.Component, port int) result {
		t.Helper()
		return c.do(http.MethodPost, portsPath(cc), map[string]any{"port": port, "is_inner_service": true})
	}
	tests := []struct {
		alias string
		port  string // generated port alias
		k8s   string
	}{
		{"gr1a2b3c", "GR1A2B3C80", "gr1a2b3c"},
		{"my-svc", "MY_SVC80", "my-svc"},
		{"My_Svc", "MY_SVC80", "My_Svc-80"}, // no DNS label: "<alias>-<port>", as is
	}
	for i, tt := range tests {
		t.Run(tt.alias, func(t *testing.T) {
			cc := rainbond.Component{TeamID: fmt.Sprintf("names%d", i), RegionName: "r", AppID: 1, ServiceID: tt.alias}
			s.AddComponent(cc)
			r := add(cc, 80)
			require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
			assert.Equal(t, tt.port, r.bean(t)["port_alias"])
			assert.Regexp(t, aliasRe, r.bean(t)["port_alias"])
			assert.Equal(t, tt.k8s, r.bean(t)["k8s_service_name"])
		})
	}
	t.Run("an alias that cannot make a port alias", func(t *testing.T) {
		cc := rainbond.Component{TeamID: "names9", RegionName: "r", AppID: 1, ServiceID: "9lives"}
		s.AddComponent(cc)
		want{400, 400, serviceShape, "端口别名不合法"}.check(t, add(cc, 80))
		r := c.do(http.MethodPost, portsPath(cc), map[string]any{"port": 80, "port_alias": "LIVES", "is_inner_service": true})
		require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
		assert.Equal(t, "9lives-80", r.bean(t)["k8s_service_name"], "no DNS label either")
	})
	t.Run("all ports share the first port's name", func(t *testing.T) {
		cc := rainbond.Component{TeamID: "share", RegionName: "r", AppID: 1, ServiceID: "gr5"}
		s.AddComponent(cc)
		require.Equal(t, http.StatusOK, add(cc, 80).status)
		require.Equal(t, http.StatusOK, c.do(http.MethodPut, portsPath(cc)+"/80", map[string]any{"action": "change_port_alias", "port_alias": "WEB", "k8s_service_name": "web-svc"}).status)
		r := add(cc, 81)
		require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
		assert.Equal(t, "web-svc", r.bean(t)["k8s_service_name"])
	})
	t.Run("a name another component uses gets a random suffix", func(t *testing.T) {
		a := rainbond.Component{TeamID: "dup", RegionName: "r", AppID: 1, ServiceID: "gr6"}
		b := rainbond.Component{TeamID: "dup", RegionName: "r", AppID: 2, ServiceID: "gr7"}
		s.AddComponent(a)
		s.AddComponent(b)
		require.NoError(t, s.SetPort(a, rainbond.Port{ContainerPort: 80, PortAlias: "A", Protocol: "http", K8sServiceName: "gr7"}))
		r := add(b, 80)
		require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
		assert.Regexp(t, `^gr7-[0-9a-f]{4}$`, r.bean(t)["k8s_service_name"])
	})
}

// put sends an UpdatePort request for port.
func (c *tc) put(cc rainbond.Component, port int, body any) result {
	c.t.Helper()
	return c.do(http.MethodPut, fmt.Sprintf("%s/%d", portsPath(cc), port), body)
}

func (c *tc) del(cc rainbond.Component, port int) result {
	c.t.Helper()
	return c.do(http.MethodDelete, fmt.Sprintf("%s/%d", portsPath(cc), port), nil)
}

func TestUpdateStateRules(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 80, "is_inner_service": false}).status)

	type step struct {
		body     map[string]any
		err      *want
		inner    bool // state after the step
		outer    bool
		protocol string
	}
	steps := []step{
		{map[string]any{"action": "open_outer"}, &want{404, 404, serviceShape, "对内服务未开启，需先开启对内服务"}, false, false, "http"},
		{map[string]any{"action": "close_outer"}, nil, false, false, "http"},
		{map[string]any{"action": "close_inner"}, nil, false, false, "http"},
		{map[string]any{"action": "open_inner"}, nil, true, false, "http"},
		{map[string]any{"action": "open_inner"}, nil, true, false, "http"},
		{map[string]any{"action": "open_outer"}, nil, true, true, "http"},
		{map[string]any{"action": "close_inner"}, &want{404, 404, serviceShape, "对外服务开启中，需先关闭对外服务"}, true, true, "http"},
		{map[string]any{"action": "change_protocol", "protocol": "tcp"}, &want{400, 400, serviceShape, "请关闭外部访问"}, true, true, "http"},
		{map[string]any{"action": "change_protocol", "protocol": nil}, &want{400, 400, serviceShape, "端口协议不能为空"}, true, true, "http"},
		{map[string]any{"action": "change_protocol"}, nil, true, true, "http"}, // no protocol means http
		{map[string]any{"action": "close_outer"}, nil, true, false, "http"},
		{map[string]any{"action": "change_protocol", "protocol": "grpc"}, nil, true, false, "grpc"},
		{map[string]any{"action": "open_outer", "k8s_service_name": "Not_A_Label"}, nil, true, true, "grpc"}, // ignored on other actions
		{map[string]any{"action": "change_protocol", "protocol": "grpc"}, nil, true, true, "grpc"},           // unchanged: fine while open
		{map[string]any{"action": "change_protocol", "protocol": "http"}, nil, true, true, "http"},
		{map[string]any{"action": "close_outer"}, nil, true, false, "http"},
		{map[string]any{"action": "close_inner"}, nil, false, false, "http"},
		{map[string]any{"action": "only_open_outer"}, nil, false, true, "http"}, // opens outer without inner
		{map[string]any{"action": "close_outer"}, nil, false, false, "http"},
	}
	for i, st := range steps {
		r := c.put(comp, 80, st.body)
		if st.err != nil {
			st.err.check(t, r)
		} else {
			require.Equal(t, http.StatusOK, r.status, "step %d %v: %s", i, st.body, r.raw)
			bean := r.bean(t)
			assert.Equal(t, "操作成功", r.body["msg_show"])
			assert.Equal(t, []any{}, r.list(t))
			assert.Equal(t, st.inner, bean["is_inner_service"], "step %d", i)
			assert.Equal(t, st.outer, bean["is_outer_service"], "step %d", i)
			assert.Equal(t, st.protocol, bean["protocol"], "step %d", i)
		}
		ports, _ := s.Ports(comp)
		require.Len(t, ports, 1)
		assert.Equal(t, st.inner, ports[0].IsInnerService, "step %d", i)
		assert.Equal(t, st.outer, ports[0].IsOuterService, "step %d", i)
		assert.Equal(t, st.protocol, ports[0].Protocol, "step %d", i)
	}
	ports, _ := s.Ports(comp)
	assert.Equal(t, 30001, ports[0].LbMappingPort, "only_open_outer takes lb_mapping_port from the region")
}

func TestUpdateErrors(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 80, "is_inner_service": false}).status)
	require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 81, "port_alias": "TAKEN", "is_inner_service": false}).status)
	before, _ := s.Ports(comp)

	tests := []struct {
		name string
		path string
		body any
		want want
	}{
		{"unknown port", "/82", map[string]any{"action": "open_inner"}, want{404, 404, serviceShape, "组件端口不存在"}},
		{"path port zero", "/0", map[string]any{"action": "open_inner"}, want{404, 404, serviceShape, "组件端口不存在"}},
		{"path port above range", "/65536", map[string]any{"action": "open_inner"}, want{404, 404, serviceShape, "组件端口不存在"}},
		{"alias checked before the port", "/82", map[string]any{"action": "open_inner", "port_alias": "bad"}, want{400, 400, serviceShape, "端口别名不合法"}},
		{"path port not a number", "/http", map[string]any{"action": "open_inner"}, want{500, 10401, crashShape, "ValueError"}},
		{"body checked before the path port", "/http", map[string]any{"action": "bogus"}, want{400, 20400, validationShape, "action"}},
		{"missing action", "/80", map[string]any{}, want{400, 20400, validationShape, "action"}},
		{"action null", "/80", `{"action": null}`, want{400, 20400, validationShape, "action"}},
		{"bad action", "/80", map[string]any{"action": "bogus"}, want{400, 20400, validationShape, "action"}},
		{"bad protocol", "/80", map[string]any{"action": "change_protocol", "protocol": "ftp"}, want{400, 20400, validationShape, "protocol"}},
		{"empty k8s name", "/80", map[string]any{"action": "open_inner", "k8s_service_name": ""}, want{400, 20400, validationShape, "k8s_service_name"}},
		{"k8s name over 255", "/80", map[string]any{"action": "open_inner", "k8s_service_name": strings.Repeat("a", 256)}, want{400, 20400, validationShape, "k8s_service_name"}},
		{"change_port_alias without alias", "/80", map[string]any{"action": "change_port_alias", "k8s_service_name": "web"}, want{400, 400, serviceShape, "端口别名不能为空"}},
		{"change_port_alias to another port's alias", "/80", map[string]any{"action": "change_port_alias", "port_alias": "TAKEN", "k8s_service_name": "web"}, want{400, 400, serviceShape, "别名已存在"}},
		{"change_port_alias bad alias", "/80", map[string]any{"action": "change_port_alias", "port_alias": "web", "k8s_service_name": "web"}, want{400, 400, serviceShape, "端口别名不合法"}},
		{"k8s name with underscore", "/80", map[string]any{"action": "change_port_alias", "port_alias": "WEB", "k8s_service_name": "nginx_port"}, want{400, 400, serviceShape, "内部域名格式不正确"}},
		{"k8s name too long", "/80", map[string]any{"action": "change_port_alias", "port_alias": "WEB", "k8s_service_name": strings.Repeat("a", 64)}, want{400, 400, serviceShape, "k8s_service_name must be no more than 63 characters"}},
		{"change_port_alias without k8s name", "/80", map[string]any{"action": "change_port_alias", "port_alias": "WEB"}, want{500, 10401, crashShape, "TypeError"}},
		{"not JSON", "/80", "action=open_inner", want{400, 400, exceptionShape, "ParseError"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.want.check(t, c.do(http.MethodPut, portsPath(comp)+tt.path, tt.body))
		})
	}
	after, _ := s.Ports(comp)
	assert.Equal(t, before, after, "no failed update changed a port")
}

func TestChangePortAlias(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	sibling := rainbond.Component{TeamID: comp.TeamID, RegionName: comp.RegionName, AppID: comp.AppID, ServiceID: "sibling"}
	otherTeam := rainbond.Component{TeamID: "team2", RegionName: comp.RegionName, AppID: comp.AppID, ServiceID: "gr999"}
	s.AddComponent(sibling)
	s.AddComponent(otherTeam)
	for _, p := range []int{80, 443} {
		require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), map[string]any{"port": p, "is_inner_service": false}).status)
	}
	require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(sibling), map[string]any{"port": 80, "is_inner_service": false}).status)
	require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(otherTeam), map[string]any{"port": 80, "is_inner_service": false}).status)
	require.Equal(t, http.StatusOK, c.put(otherTeam, 80, map[string]any{"action": "change_port_alias", "port_alias": "X", "k8s_service_name": "shared"}).status)

	// A name used by another component of the same team is a conflict, code 20500.
	want{409, 20500, serviceShape, "内部域名已存在"}.check(t, c.put(comp, 80, map[string]any{"action": "change_port_alias", "port_alias": "WEB", "k8s_service_name": "sibling"}))

	// A name used in another team is fine; it is applied to every port of the component.
	r := c.put(comp, 80, map[string]any{"action": "change_port_alias", "port_alias": "WEB", "k8s_service_name": "shared"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Equal(t, "WEB", r.bean(t)["port_alias"])
	assert.Equal(t, "shared", r.bean(t)["k8s_service_name"])
	ports, _ := s.Ports(comp)
	require.Len(t, ports, 2)
	assert.Equal(t, "WEB", ports[0].PortAlias)
	assert.Equal(t, "GR123ABC443", ports[1].PortAlias, "only the port's own alias changes")
	for _, p := range ports {
		assert.Equal(t, "shared", p.K8sServiceName)
	}
	// The port's own alias, and the component's own name, are no conflict.
	require.Equal(t, http.StatusOK, c.put(comp, 80, map[string]any{"action": "change_port_alias", "port_alias": "WEB", "k8s_service_name": "shared"}).status)
	// Now the sibling cannot take it.
	want{409, 20500, serviceShape, "内部域名已存在"}.check(t, c.put(sibling, 80, map[string]any{"action": "change_port_alias", "port_alias": "S", "k8s_service_name": "shared"}))

	// An alias two ports share makes the console's get() crash.
	require.NoError(t, s.SetPort(comp, rainbond.Port{ContainerPort: 443, PortAlias: "WEB", Protocol: "http", K8sServiceName: "shared"}))
	want{500, 10401, crashShape, "MultipleObjectsReturned"}.check(t, c.put(comp, 80, map[string]any{"action": "change_port_alias", "port_alias": "WEB", "k8s_service_name": "shared"}))
}

func TestOpenInnerWithoutAlias(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	require.NoError(t, s.SetPort(comp, rainbond.Port{ContainerPort: 9000, MappingPort: 9000, Protocol: "tcp", K8sServiceName: "raw-9000"}))
	r := c.put(comp, 9000, map[string]any{"action": "open_inner"})
	want{409, 409, serviceShape, "请先为端口设置别名"}.check(t, r)
	assert.Equal(t, "change port fail", r.body["msg"])
	// Giving it an alias makes open_inner work.
	require.Equal(t, http.StatusOK, c.put(comp, 9000, map[string]any{"action": "change_port_alias", "port_alias": "RAW", "k8s_service_name": "raw"}).status)
	r = c.put(comp, 9000, map[string]any{"action": "open_inner"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Equal(t, true, r.bean(t)["is_inner_service"])

	assert.Error(t, s.SetPort(comp, rainbond.Port{ContainerPort: 0}))
	assert.Error(t, s.SetPort(comp, rainbond.Port{ContainerPort: 65536}))
	assert.Error(t, s.SetPort(rainbond.Component{TeamID: "x"}, rainbond.Port{ContainerPort: 80}))
	_, ok := s.Ports(rainbond.Component{TeamID: "x"})
	assert.False(t, ok)
}

func TestDeletePort(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 80, "is_inner_service": true}).status)

	want{404, 404, serviceShape, "端口81不存在"}.check(t, c.del(comp, 81))
	want{404, 404, serviceShape, "端口-81不存在"}.check(t, c.do(http.MethodDelete, portsPath(comp)+"/-81", nil))
	want{500, 10401, crashShape, "ValueError"}.check(t, c.do(http.MethodDelete, portsPath(comp)+"/abc", nil))
	want{409, 409, serviceShape, "请关闭对内服务"}.check(t, c.del(comp, 80))
	require.Equal(t, http.StatusOK, c.put(comp, 80, map[string]any{"action": "open_outer"}).status)
	want{409, 409, serviceShape, "请关闭对内服务"}.check(t, c.del(comp, 80)) // the default domain does not count
	require.Equal(t, http.StatusOK, c.put(comp, 80, map[string]any{"action": "close_outer"}).status)
	require.Equal(t, http.StatusOK, c.put(comp, 80, map[string]any{"action": "close_inner"}).status)
	require.Equal(t, http.StatusOK, c.put(comp, 80, map[string]any{"action": "only_open_outer"}).status)
	want{409, 409, serviceShape, "请关闭对外服务"}.check(t, c.del(comp, 80))
	require.Equal(t, http.StatusOK, c.put(comp, 80, map[string]any{"action": "close_outer"}).status)

	r := c.do(http.MethodDelete, portsPath(comp)+"/8_0", "ignored body")
	require.Equal(t, http.StatusOK, r.status, "8_0 is int('8_0') = 80; the body is never read: %s", r.raw)
	assert.Equal(t, "删除成功", r.body["msg_show"])
	assert.Equal(t, float64(80), r.bean(t)["container_port"])
	assert.Equal(t, []any{}, r.list(t))
	assert.Empty(t, c.do(http.MethodGet, portsPath(comp), nil).list(t))
}

func TestCustomDomains(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 80, "is_inner_service": true}).status)
	require.NoError(t, s.BindDomain(comp, 80, "www.example.com"))
	require.NoError(t, s.BindDomain(comp, 81, "orphan.example.com"))
	assert.Error(t, s.BindDomain(comp, 0, "x"))
	assert.Error(t, s.BindDomain(rainbond.Component{TeamID: "x"}, 80, "x"))

	contains := want{412, 412, serviceShape, "该端口有自定义域名，请先解绑域名"}
	contains.check(t, c.del(comp, 80)) // before the 409 (inner open)
	contains.check(t, c.del(comp, 81)) // before the 404 (no such port)
	// Opening the port outside binds the existing rules again; closing it deactivates every rule
	// of the port, and then the delete goes through.
	require.Equal(t, http.StatusOK, c.put(comp, 80, map[string]any{"action": "open_outer"}).status)
	contains.check(t, c.del(comp, 80))
	require.Equal(t, http.StatusOK, c.put(comp, 80, map[string]any{"action": "close_outer"}).status)
	require.Equal(t, http.StatusOK, c.put(comp, 80, map[string]any{"action": "close_inner"}).status)
	require.Equal(t, http.StatusOK, c.del(comp, 80).status)
}

func TestRegionFaults(t *testing.T) {
	faults := []struct {
		name  string
		fault rainbondtest.RegionFault
		want  want
		msg   string // "object" or "string"
	}{
		{"5xx", rainbondtest.RegionServerError, want{400, 400, regionShape, "数据中心操作故障 region internal error"}, "object"},
		{"5xx with code", rainbondtest.RegionServerErrorCode, want{500, 500, serviceShape, "region internal error"}, "string"},
		{"404", rainbondtest.RegionNotFound, want{404, 404, regionShape, "数据中心资源不存在"}, "string"},
		{"409", rainbondtest.RegionBusy, want{409, 409, regionShape, "操作过于频繁，请稍后再试"}, "string"},
		{"unreachable", rainbondtest.RegionUnreachable, want{400, 10411, serviceShape, "访问数据中心异常，请稍后重试"}, "string"},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			s, c := newServer(t)
			s.AddComponent(comp)
			require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 80, "is_inner_service": true}).status)
			require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 81, "protocol": "tcp", "is_inner_service": false}).status)
			before, _ := s.Ports(comp)
			s.SetRegionFault(f.fault)

			calls := []struct {
				name   string
				method string
				path   string
				body   any
			}{
				{"add", http.MethodPost, "", map[string]any{"port": 82, "is_inner_service": false}},
				{"close_inner", http.MethodPut, "/80", map[string]any{"action": "close_inner"}},
				{"open_inner", http.MethodPut, "/81", map[string]any{"action": "open_inner"}},
				{"only_open_outer", http.MethodPut, "/81", map[string]any{"action": "only_open_outer"}},
				{"close_outer", http.MethodPut, "/80", map[string]any{"action": "close_outer"}},
				{"change_protocol", http.MethodPut, "/81", map[string]any{"action": "change_protocol", "protocol": "udp"}},
				{"change_port_alias (variables renamed first)", http.MethodPut, "/80", map[string]any{"action": "change_port_alias", "port_alias": "WEB"}},
				{"delete", http.MethodDelete, "/81", nil},
			}
			for _, call := range calls {
				r := c.do(call.method, portsPath(comp)+call.path, call.body)
				f.want.check(t, r)
				if f.msg == "object" {
					assert.IsType(t, map[string]any{}, r.body["msg"], call.name)
				} else {
					assert.IsType(t, "", r.body["msg"], call.name)
				}
			}
			// What does not reach the region answers as usual.
			assert.Equal(t, http.StatusOK, c.do(http.MethodGet, portsPath(comp), nil).status)
			want{409, 409, serviceShape, "请关闭对内服务"}.check(t, c.del(comp, 80))
			want{404, 404, serviceShape, "端口99不存在"}.check(t, c.del(comp, 99))
			require.Equal(t, http.StatusOK, c.put(comp, 81, map[string]any{"action": "change_protocol", "protocol": "tcp"}).status, "an unchanged protocol needs no region call")
			// The first default domain of an http port: the console catches the failure, 412.
			want{412, 412, serviceShape, "数据中心添加策略失败"}.check(t, c.put(comp, 80, map[string]any{"action": "open_outer"}))
			after, _ := s.Ports(comp)
			assert.Equal(t, before, after, "a failed region call changes nothing")

			s.SetRegionFault(rainbondtest.RegionHealthy)
			require.Equal(t, http.StatusOK, c.put(comp, 80, map[string]any{"action": "open_outer"}).status)
			require.Equal(t, http.StatusOK, c.put(comp, 80, map[string]any{"action": "close_outer"}).status)
			s.SetRegionFault(f.fault)
			// Once the domain exists its rule is bound again, without the catch.
			f.want.check(t, c.put(comp, 80, map[string]any{"action": "open_outer"}))
		})
	}
	t.Run("change_port_alias without variables checks the name first", func(t *testing.T) {
		s, c := newServer(t)
		s.AddComponent(comp)
		require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 80, "is_inner_service": false}).status)
		s.SetRegionFault(rainbondtest.RegionBusy)
		want{500, 10401, crashShape, "TypeError"}.check(t, c.put(comp, 80, map[string]any{"action": "change_port_alias", "port_alias": "WEB"}))
		want{409, 409, regionShape, "操作过于频繁，请稍后再试"}.check(t, c.put(comp, 80, map[string]any{"action": "change_port_alias", "port_alias": "WEB", "k8s_service_name": "web"}))
	})
}

func TestPathIDs(t *testing.T) {
	s, c := newServer(t)
	uni := rainbond.Component{TeamID: "团队_1", RegionName: "région-2", AppID: 3, ServiceID: "服务-x_1"}
	s.AddComponent(uni)
	r := c.do(http.MethodGet, portsPath(uni), nil)
	require.Equal(t, http.StatusOK, r.status, "Unicode letters and digits match the console's \\w: %s", r.raw)
	r = c.do(http.MethodPost, portsPath(uni), map[string]any{"port": 80, "port_alias": "WEB", "is_inner_service": false})
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Equal(t, "服务-x_1-80", r.bean(t)["k8s_service_name"], "an alias that is no DNS label gives <alias>-<port>")
	r = c.do(http.MethodPut, portsPath(uni)+"/%D9%A8%D9%A0", map[string]any{"action": "open_inner"})
	require.Equal(t, http.StatusOK, r.status, "Arabic-Indic digits are int() digits: %s", r.raw)
	r = c.do(http.MethodGet, strings.Replace(portsPath(uni), "/apps/3/", "/apps/%D9%A3/", 1), nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)

	reqs := s.Requests()
	require.NotEmpty(t, reqs)
	assert.Equal(t, rainbondtest.PathPrefix+portsPath(uni), reqs[0].URI, "the request target is recorded as sent")

	for _, path := range []string{
		"/openapi/v1/teams/a.b/regions/r/apps/3/services/s/ports",
		"/openapi/v1/teams/a%2Fb/regions/r/apps/3/services/s/ports",
		"/openapi/v1/teams/a%20b/regions/r/apps/3/services/s/ports",
		"/openapi/v1/teams/a/b/regions/r/apps/3/services/s/ports",
		"/openapi/v1/teams/a/regions/r/apps/3/services/s.v2/ports",
	} {
		r := c.do(http.MethodGet, path, nil)
		assert.Equal(t, http.StatusNotFound, r.status, path)
		assert.Contains(t, r.header.Get("Content-Type"), "text/html", path)
	}
}

func TestUnknownURLs(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	p := portsPath(comp)
	for _, path := range []string{
		p + "/",
		strings.Replace(p, "/apps/7/", "/apps/x7/", 1),
		strings.Replace(p, "/apps/7/", "/apps//", 1),
		strings.Replace(p, "/apps/7/", "/apps/7_0/", 1),
		strings.Replace(p, "/teams/team1/", "/teams//", 1),
		p + "/80/extra",
		p + "/8%200",
		p + "/80.5",
		p + "%0A", // Django's routes do not match before a final newline
		"/openapi/v1/teams",
		"",
		"/",
	} {
		r := c.do(http.MethodGet, path, nil)
		assert.Equal(t, http.StatusNotFound, r.status, "%q: %s", path, r.raw)
		assert.Contains(t, r.header.Get("Content-Type"), "text/html", path)
		assert.Contains(t, string(r.raw), "<h1>Not Found</h1>", path)
		assert.Empty(t, r.header.Get("Allow"), path)
	}

	// Outside the prefix: the API is not served at the root.
	before := s.RequestCount()
	resp, err := s.Client().Get(strings.TrimSuffix(s.URL, rainbondtest.PathPrefix) + p)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, before+1, s.RequestCount(), "requests outside the prefix are counted too")
}

func TestMethodNotAllowed(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	r := c.do(http.MethodGet, portsPath(comp)+"/80", nil)
	want{405, 405, exceptionShape, "MethodNotAllowed"}.check(t, r)
	assert.Equal(t, "方法 “GET” 不被允许。", r.body["detail"])
	assert.Equal(t, "PUT, DELETE, OPTIONS", r.header.Get("Allow"))
	r = c.do(http.MethodPatch, portsPath(comp), nil)
	want{405, 405, exceptionShape, "MethodNotAllowed"}.check(t, r)
	assert.Equal(t, "GET, POST, HEAD, OPTIONS", r.header.Get("Allow"))

	r = c.do(http.MethodOptions, portsPath(comp)+"/80", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Equal(t, "Component Ports Change", r.body["name"])
	req, err := http.NewRequest(http.MethodHead, c.base+portsPath(comp), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", s.Token)
	resp, err := c.hc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "HEAD is GET without the body")
}

func TestRequestLog(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	assert.Equal(t, 0, s.RequestCount())
	assert.Empty(t, s.Requests())
	c.do(http.MethodGet, portsPath(comp), nil)
	c.doAuth(http.MethodPost, portsPath(comp), map[string]any{"port": 1}, "wrong")
	c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 0, "is_inner_service": true})
	assert.Equal(t, 3, s.RequestCount())
	reqs := s.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, http.MethodGet, reqs[0].Method)
	assert.Equal(t, s.Token, reqs[0].Header.Get("Authorization"))
	assert.Empty(t, reqs[0].Body)
	assert.Equal(t, http.MethodPost, reqs[1].Method)
	assert.JSONEq(t, `{"port":1}`, string(reqs[1].Body))
	assert.Equal(t, "wrong", reqs[1].Header.Get("Authorization"))
	assert.Equal(t, rainbondtest.PathPrefix+portsPath(comp), reqs[2].URI)

	// Requests returns copies.
	reqs[1].Body[0] = 'X'
	reqs[1].Header.Set("Authorization", "changed")
	again := s.Requests()
	assert.JSONEq(t, `{"port":1}`, string(again[1].Body))
	assert.Equal(t, "wrong", again[1].Header.Get("Authorization"))

	// The log keeps the last N; the count keeps counting.
	s.SetRequestLogSize(2)
	reqs = s.Requests()
	require.Len(t, reqs, 2)
	assert.JSONEq(t, `{"port":1}`, string(reqs[0].Body), "the oldest is dropped")
	for i := range 5 {
		c.do(http.MethodGet, fmt.Sprintf("%s?n=%d", portsPath(comp), i), nil)
	}
	assert.Equal(t, 8, s.RequestCount())
	reqs = s.Requests()
	require.Len(t, reqs, 2)
	assert.True(t, strings.HasSuffix(reqs[0].URI, "?n=3"), reqs[0].URI)
	assert.True(t, strings.HasSuffix(reqs[1].URI, "?n=4"), reqs[1].URI)
}

func TestHandlerMount(t *testing.T) {
	h := rainbondtest.NewHandler("secret")
	h.AddComponent(comp)
	h.AddComponent(comp) // idempotent
	mux := http.NewServeMux()
	mux.Handle("/rb/", http.StripPrefix("/rb", h))
	mux.HandleFunc("/other/", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	srv := newMuxServer(t, mux)
	c := &tc{t: t, base: srv + "/rb", token: "secret", hc: validatingClient(t, srv+"/rb", http.DefaultTransport)}

	r := c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 80, "is_inner_service": true})
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	r = c.do(http.MethodGet, portsPath(comp), nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Len(t, r.list(t), 1)
	assert.Equal(t, http.StatusUnauthorized, c.doAuth(http.MethodGet, portsPath(comp), nil, "Bearer secret").status)
	assert.Equal(t, 3, h.RequestCount())
	ports, _ := h.Ports(comp)
	assert.Len(t, ports, 1)

	// The Server's own handler is the same state.
	s, sc := newServer(t)
	s.Handler().AddComponent(comp)
	require.Equal(t, http.StatusOK, sc.do(http.MethodGet, portsPath(comp), nil).status)
	assert.Equal(t, 1, s.Handler().RequestCount())
}

func TestHandlerWithoutToken(t *testing.T) {
	h := rainbondtest.NewHandler("")
	h.AddComponent(comp)
	srv := newMuxServer(t, h)
	c := &tc{t: t, base: srv, hc: http.DefaultClient}
	assert.Equal(t, http.StatusUnauthorized, c.doAuth(http.MethodGet, portsPath(comp), nil, "").status, "an empty token never authenticates")
}
