package rainbondtest_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

var (
	aliasRe = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	dnsRe   = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
)

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
	assert.JSONEq(t, `{"code":200,"msg":"success","msg_show":"查询成功","data":{"bean":{},"list":[]}}`, string(r.raw))

	c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 8080, "is_inner_service": false})
	c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 80, "is_inner_service": false})
	r = c.do(http.MethodGet, portsPath(comp), nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, map[string]any{}, r.bean(t))
	list := r.list(t)
	require.Len(t, list, 2)
	assert.EqualValues(t, 80, list[0].(map[string]any)["container_port"])
	assert.EqualValues(t, 8080, list[1].(map[string]any)["container_port"])
	assert.Len(t, list[0].(map[string]any), 8, "the port object has eight fields")
}

func TestAuthentication(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	tests := []struct {
		name   string
		auth   string
		detail string
	}{
		{"missing", "", "No token"},
		{"wrong", "not-the-token", "Invalid token"},
		{"bearer prefix", "Bearer " + s.Token, "Invalid token"},
		{"token prefix", "Token " + s.Token, "Invalid token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, m := range []struct {
				method, path string
				body         any
			}{
				{http.MethodGet, portsPath(comp), nil},
				{http.MethodPost, portsPath(comp), map[string]any{"port": 0}}, // invalid body: auth comes first
				{http.MethodPut, portsPath(comp) + "/80", map[string]any{"action": "open_outer"}},
				{http.MethodDelete, portsPath(comp) + "/80", nil},
			} {
				r := c.doAuth(m.method, m.path, m.body, tt.auth)
				require.Equal(t, http.StatusUnauthorized, r.status, "%s %s: %s", m.method, m.path, r.raw)
				assert.Equal(t, "Token", r.header.Get("WWW-Authenticate"))
				assert.Equal(t, map[string]any{
					"detail": tt.detail, "code": float64(401), "msg": tt.detail, "msg_show": tt.detail,
					"error_type": "AuthenticationFailed",
				}, r.body)
			}
		})
	}
	ports, _ := s.Ports(comp)
	assert.Empty(t, ports, "no request without the token changed anything")

	r := c.doAuth(http.MethodGet, portsPath(comp), nil, s.Token)
	assert.Equal(t, http.StatusOK, r.status)
}

func TestContextNotFound(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	tests := []struct {
		name    string
		comp    rainbond.Component
		msg     string
		msgShow string
	}{
		{"team", rainbond.Component{TeamID: "other", RegionName: comp.RegionName, AppID: comp.AppID, ServiceID: comp.ServiceID}, "no found team", "团队不存在"},
		{"app", rainbond.Component{TeamID: comp.TeamID, RegionName: comp.RegionName, AppID: 8, ServiceID: comp.ServiceID}, "no found app", "应用不存在"},
		{"region", rainbond.Component{TeamID: comp.TeamID, RegionName: "other", AppID: comp.AppID, ServiceID: comp.ServiceID}, "no found app", "应用不存在"},
		{"component", rainbond.Component{TeamID: comp.TeamID, RegionName: comp.RegionName, AppID: comp.AppID, ServiceID: "other"}, "no found component", "组件不存在"},
		{"team case", rainbond.Component{TeamID: "TEAM1", RegionName: comp.RegionName, AppID: comp.AppID, ServiceID: comp.ServiceID}, "no found team", "团队不存在"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := portsPath(tt.comp)
			for _, m := range []struct {
				method, path string
				body         any
			}{
				{http.MethodGet, p, nil},
				{http.MethodPost, p, map[string]any{"port": 80, "is_inner_service": true}},
				{http.MethodPost, p, map[string]any{"port": 80}}, // the component is resolved before the body is read
				{http.MethodPut, p + "/80", map[string]any{"action": "open_outer"}},
				{http.MethodDelete, p + "/80", nil},
			} {
				r := c.do(m.method, m.path, m.body)
				require.Equal(t, http.StatusNotFound, r.status, "%s %s: %s", m.method, m.path, r.raw)
				assert.Equal(t, map[string]any{
					"code": float64(404), "msg": tt.msg, "msg_show": tt.msgShow,
					"data": map[string]any{"bean": map[string]any{}, "list": []any{}},
				}, r.body)
			}
		})
	}
}

func TestAddPort(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)

	r := c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 80, "is_inner_service": true})
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Equal(t, float64(200), r.body["code"])
	assert.Equal(t, "success", r.body["msg"])
	assert.NotEmpty(t, r.body["msg_show"])
	assert.Equal(t, []any{}, r.list(t))
	assert.Equal(t, map[string]any{
		"container_port": float64(80), "mapping_port": float64(80), "lb_mapping_port": float64(0),
		"protocol": "http", "port_alias": "GR123ABC_80", "is_inner_service": true, "is_outer_service": false,
		"k8s_service_name": "gr123abc-80",
	}, r.bean(t))

	// Explicit protocol and alias; unknown fields are ignored; outer is never open on a new port.
	r = c.do(http.MethodPost, portsPath(comp), map[string]any{
		"port": 3306, "protocol": "mysql", "port_alias": "DB", "is_inner_service": false,
		"is_outer_service": true, "unknown": []int{1},
	})
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	bean := r.bean(t)
	assert.Equal(t, "mysql", bean["protocol"])
	assert.Equal(t, "DB", bean["port_alias"])
	assert.Equal(t, false, bean["is_inner_service"])
	assert.Equal(t, false, bean["is_outer_service"])
	assert.Equal(t, "gr123abc-3306", bean["k8s_service_name"])

	ports, ok := s.Ports(comp)
	require.True(t, ok)
	require.Len(t, ports, 2)
	assert.Equal(t, 80, ports[0].ContainerPort)
	assert.Equal(t, 3306, ports[1].ContainerPort)
}

func TestAddPortErrors(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	r := c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 80, "is_inner_service": false})
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)

	tests := []struct {
		name   string
		body   any
		status int
		field  string // for 400: a field in err
	}{
		{"duplicate", map[string]any{"port": 80, "is_inner_service": true}, http.StatusConflict, ""},
		{"zero", map[string]any{"port": 0, "is_inner_service": true}, http.StatusBadRequest, "port"},
		{"negative", map[string]any{"port": -1, "is_inner_service": true}, http.StatusBadRequest, "port"},
		{"above 65535", map[string]any{"port": 65536, "is_inner_service": true}, http.StatusPreconditionFailed, ""},
		{"far above", map[string]any{"port": 700000, "is_inner_service": true}, http.StatusPreconditionFailed, ""},
		{"above 65535 and bad alias", map[string]any{"port": 70000, "is_inner_service": true, "port_alias": "x"}, http.StatusBadRequest, "port_alias"},
		{"string port", map[string]any{"port": "81", "is_inner_service": true}, http.StatusBadRequest, "port"},
		{"fraction", map[string]any{"port": 81.5, "is_inner_service": true}, http.StatusBadRequest, "port"},
		{"missing port", map[string]any{"is_inner_service": true}, http.StatusBadRequest, "port"},
		{"missing is_inner_service", map[string]any{"port": 81}, http.StatusBadRequest, "is_inner_service"},
		{"string is_inner_service", map[string]any{"port": 81, "is_inner_service": "true"}, http.StatusBadRequest, "is_inner_service"},
		{"bad protocol", map[string]any{"port": 81, "is_inner_service": true, "protocol": "https"}, http.StatusBadRequest, "protocol"},
		{"upper protocol", map[string]any{"port": 81, "is_inner_service": true, "protocol": "HTTP"}, http.StatusBadRequest, "protocol"},
		{"lower alias", map[string]any{"port": 81, "is_inner_service": true, "port_alias": "web"}, http.StatusBadRequest, "port_alias"},
		{"alias with dash", map[string]any{"port": 81, "is_inner_service": true, "port_alias": "WEB-1"}, http.StatusBadRequest, "port_alias"},
		{"alias starting with digit", map[string]any{"port": 81, "is_inner_service": true, "port_alias": "1WEB"}, http.StatusBadRequest, "port_alias"},
		{"not json", "port=81", http.StatusBadRequest, "non_field_errors"},
		{"empty body", "", http.StatusBadRequest, "non_field_errors"},
		{"json array", "[]", http.StatusBadRequest, "non_field_errors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do(http.MethodPost, portsPath(comp), tt.body)
			require.Equal(t, tt.status, r.status, "%s", r.raw)
			switch tt.status {
			case http.StatusBadRequest:
				assert.Contains(t, r.errFields(t), tt.field)
			case http.StatusConflict:
				assert.Equal(t, map[string]any{
					"code": float64(20501), "msg": "component port already exists", "msg_show": "组件端口已存在",
					"data": map[string]any{"bean": map[string]any{}, "list": []any{}},
				}, r.body)
			case http.StatusPreconditionFailed:
				assert.Equal(t, float64(412), r.body["code"])
				assert.Equal(t, "port out of range", r.body["msg"])
			}
		})
	}
	ports, _ := s.Ports(comp)
	require.Len(t, ports, 1, "no failed request added a port")
}

func TestGeneratedNames(t *testing.T) {
	s, c := newServer(t)
	tests := []struct {
		serviceID string
		alias     string
		k8s       string
	}{
		{"gr123abc", "GR123ABC_443", "gr123abc-443"},
		{"my-svc.v2", "MY_SVC_V2_443", "my-svc-v2-443"},
		{"9lives", "P9LIVES_443", "svc-9lives-443"},
		{"a/b c?d", "A_B_C_D_443", "a-b-c-d-443"},
		{"服务", "P___443", "svc-443"},
		{strings.Repeat("x", 80), strings.Repeat("X", 80) + "_443", strings.Repeat("x", 59) + "-443"},
	}
	for _, tt := range tests {
		t.Run(tt.serviceID, func(t *testing.T) {
			cc := rainbond.Component{TeamID: "names", RegionName: "r", AppID: 1, ServiceID: tt.serviceID}
			s.AddComponent(cc)
			r := c.do(http.MethodPost, portsPath(cc), map[string]any{"port": 443, "is_inner_service": true})
			require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
			bean := r.bean(t)
			assert.Equal(t, tt.alias, bean["port_alias"])
			assert.Regexp(t, aliasRe, bean["port_alias"])
			assert.Equal(t, tt.k8s, bean["k8s_service_name"])
			assert.Regexp(t, dnsRe, bean["k8s_service_name"])
			assert.LessOrEqual(t, len(bean["k8s_service_name"].(string)), 63)
		})
	}

	// Two components whose ids map to the same label get distinct generated names.
	a := rainbond.Component{TeamID: "dup", RegionName: "r", AppID: 1, ServiceID: "a.b"}
	b := rainbond.Component{TeamID: "dup", RegionName: "r", AppID: 1, ServiceID: "a_b"}
	s.AddComponent(a)
	s.AddComponent(b)
	ra := c.do(http.MethodPost, portsPath(a), map[string]any{"port": 80, "is_inner_service": false})
	rb := c.do(http.MethodPost, portsPath(b), map[string]any{"port": 80, "is_inner_service": false})
	require.Equal(t, http.StatusOK, ra.status)
	require.Equal(t, http.StatusOK, rb.status)
	assert.Equal(t, "a-b-80", ra.bean(t)["k8s_service_name"])
	assert.Equal(t, "a-b-80-2", rb.bean(t)["k8s_service_name"])
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
		body    map[string]any
		status  int
		msg     string // expected msg for service errors
		inner   bool   // state after the step
		outer   bool
		protoco string
	}
	steps := []step{
		{map[string]any{"action": "open_outer"}, 404, "inner port is not open", false, false, "http"},
		{map[string]any{"action": "close_outer"}, 200, "", false, false, "http"},
		{map[string]any{"action": "close_inner"}, 200, "", false, false, "http"},
		{map[string]any{"action": "open_inner"}, 200, "", true, false, "http"},
		{map[string]any{"action": "open_inner"}, 200, "", true, false, "http"},
		{map[string]any{"action": "open_outer"}, 200, "", true, true, "http"},
		{map[string]any{"action": "close_inner"}, 404, "outer port is open, close it first", true, true, "http"},
		{map[string]any{"action": "change_protocol", "protocol": "tcp"}, 400, "the protocol of a port with outer service open must be http", true, true, "http"},
		{map[string]any{"action": "change_protocol", "protocol": "http"}, 200, "", true, true, "http"},
		{map[string]any{"action": "close_outer"}, 200, "", true, false, "http"},
		{map[string]any{"action": "change_protocol", "protocol": "grpc"}, 200, "", true, false, "grpc"},
		{map[string]any{"action": "open_outer"}, 200, "", true, true, "grpc"},
		{map[string]any{"action": "close_outer"}, 200, "", true, false, "grpc"},
		{map[string]any{"action": "close_inner"}, 200, "", false, false, "grpc"},
	}
	for i, st := range steps {
		r := c.put(comp, 80, st.body)
		require.Equal(t, st.status, r.status, "step %d %v: %s", i, st.body, r.raw)
		if st.status == 200 {
			bean := r.bean(t)
			assert.Equal(t, []any{}, r.list(t))
			assert.Equal(t, st.inner, bean["is_inner_service"], "step %d", i)
			assert.Equal(t, st.outer, bean["is_outer_service"], "step %d", i)
			assert.Equal(t, st.protoco, bean["protocol"], "step %d", i)
		} else {
			assert.Equal(t, st.msg, r.body["msg"], "step %d", i)
			assert.Equal(t, float64(st.status), r.body["code"], "step %d", i)
			assert.Equal(t, map[string]any{"bean": map[string]any{}, "list": []any{}}, r.body["data"], "step %d", i)
		}
		ports, _ := s.Ports(comp)
		require.Len(t, ports, 1)
		assert.Equal(t, st.inner, ports[0].IsInnerService, "step %d", i)
		assert.Equal(t, st.outer, ports[0].IsOuterService, "step %d", i)
		assert.Equal(t, st.protoco, ports[0].Protocol, "step %d", i)
	}
}

func TestUpdateErrors(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 80, "is_inner_service": false}).status)
	before, _ := s.Ports(comp)

	tests := []struct {
		name   string
		path   string
		body   any
		status int
		field  string // for 400
	}{
		{"unknown port", "/81", map[string]any{"action": "open_inner"}, 404, ""},
		{"path port zero", "/0", map[string]any{"action": "open_inner"}, 404, ""},
		{"path port above range", "/65536", map[string]any{"action": "open_inner"}, 404, ""},
		{"path port not a number", "/http", map[string]any{"action": "open_inner"}, 400, "port"},
		{"missing action", "/80", map[string]any{}, 400, "action"},
		{"bad action", "/80", map[string]any{"action": "only_open_outer"}, 400, "action"},
		{"bad protocol", "/80", map[string]any{"action": "change_protocol", "protocol": "ftp"}, 400, "protocol"},
		{"change_protocol without protocol", "/80", map[string]any{"action": "change_protocol"}, 400, "protocol"},
		{"bad alias", "/80", map[string]any{"action": "change_port_alias", "port_alias": "web", "k8s_service_name": "web"}, 400, "port_alias"},
		{"k8s name with underscore", "/80", map[string]any{"action": "change_port_alias", "port_alias": "WEB", "k8s_service_name": "nginx_port"}, 400, "k8s_service_name"},
		{"k8s name too long", "/80", map[string]any{"action": "change_port_alias", "port_alias": "WEB", "k8s_service_name": strings.Repeat("a", 64)}, 400, "k8s_service_name"},
		{"change_port_alias without alias", "/80", map[string]any{"action": "change_port_alias", "k8s_service_name": "web"}, 400, "port_alias"},
		{"not json", "/80", "action=open_inner", 400, "non_field_errors"},
		{"trailing slash", "/80/", map[string]any{"action": "open_inner"}, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do(http.MethodPut, portsPath(comp)+tt.path, tt.body)
			require.Equal(t, tt.status, r.status, "%s", r.raw)
			if tt.status == http.StatusBadRequest {
				assert.Contains(t, r.errFields(t), tt.field)
			}
		})
	}
	after, _ := s.Ports(comp)
	assert.Equal(t, before, after, "no failed update changed the port")
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

	// Without k8s_service_name the console crashes.
	r := c.put(comp, 80, map[string]any{"action": "change_port_alias", "port_alias": "WEB"})
	require.Equal(t, http.StatusInternalServerError, r.status, "%s", r.raw)
	assert.Equal(t, float64(10401), r.body["code"])
	assert.Equal(t, "KeyError", r.body["error_type"])
	assert.IsType(t, "", r.body["msg"])
	assert.Contains(t, r.body["msg_show"], "Traceback")

	// A name used by another component of the same team is a conflict.
	r = c.put(comp, 80, map[string]any{"action": "change_port_alias", "port_alias": "WEB", "k8s_service_name": "sibling-80"})
	require.Equal(t, http.StatusConflict, r.status, "%s", r.raw)
	assert.Equal(t, float64(409), r.body["code"])
	assert.Equal(t, "k8s service name already exists", r.body["msg"])

	// A name used in another team is fine; it is applied to every port of the component.
	r = c.put(comp, 80, map[string]any{"action": "change_port_alias", "port_alias": "WEB", "k8s_service_name": "shared"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Equal(t, "WEB", r.bean(t)["port_alias"])
	assert.Equal(t, "shared", r.bean(t)["k8s_service_name"])
	ports, _ := s.Ports(comp)
	require.Len(t, ports, 2)
	assert.Equal(t, "WEB", ports[0].PortAlias)
	assert.Equal(t, "GR123ABC_443", ports[1].PortAlias, "only the port's own alias changes")
	for _, p := range ports {
		assert.Equal(t, "shared", p.K8sServiceName)
	}
	// The component's own name is not a conflict with itself.
	r = c.put(comp, 443, map[string]any{"action": "change_port_alias", "port_alias": "TLS", "k8s_service_name": "shared"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	// Now the sibling cannot take it.
	r = c.put(sibling, 80, map[string]any{"action": "change_port_alias", "port_alias": "S", "k8s_service_name": "shared"})
	require.Equal(t, http.StatusConflict, r.status, "%s", r.raw)
}

func TestOpenInnerWithoutAlias(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	require.NoError(t, s.SetPort(comp, rainbond.Port{ContainerPort: 9000, MappingPort: 9000, Protocol: "tcp", K8sServiceName: "raw-9000"}))
	r := c.put(comp, 9000, map[string]any{"action": "open_inner"})
	require.Equal(t, http.StatusConflict, r.status, "%s", r.raw)
	assert.Equal(t, float64(409), r.body["code"])
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

	r := c.del(comp, 81)
	require.Equal(t, http.StatusNotFound, r.status, "%s", r.raw)
	assert.Equal(t, "component port not found", r.body["msg"])

	r = c.del(comp, 80)
	require.Equal(t, http.StatusConflict, r.status, "inner open: %s", r.raw)
	require.Equal(t, http.StatusOK, c.put(comp, 80, map[string]any{"action": "open_outer"}).status)
	require.Equal(t, http.StatusOK, c.put(comp, 80, map[string]any{"action": "close_outer"}).status)
	require.Equal(t, http.StatusOK, c.put(comp, 80, map[string]any{"action": "close_inner"}).status)
	require.NoError(t, s.SetPort(comp, rainbond.Port{ContainerPort: 80, PortAlias: "A", IsOuterService: true}))
	r = c.del(comp, 80)
	require.Equal(t, http.StatusConflict, r.status, "outer open: %s", r.raw)
	assert.Equal(t, float64(409), r.body["code"])
	require.Equal(t, http.StatusOK, c.put(comp, 80, map[string]any{"action": "close_outer"}).status)

	r = c.del(comp, 80)
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Equal(t, float64(80), r.bean(t)["container_port"])
	assert.Equal(t, []any{}, r.list(t))
	assert.Empty(t, c.do(http.MethodGet, portsPath(comp), nil).list(t))
	assert.Equal(t, http.StatusNotFound, c.del(comp, 80).status)
}

func TestEscapedIDs(t *testing.T) {
	s, c := newServer(t)
	odd := rainbond.Component{TeamID: "a/b?c#d%e f", RegionName: "r/1 ?", AppID: 3, ServiceID: "svc/%2F#x"}
	s.AddComponent(odd)
	// Near misses: the decoded ID must match exactly.
	near := []rainbond.Component{
		{TeamID: "a", RegionName: odd.RegionName, AppID: 3, ServiceID: odd.ServiceID},
		{TeamID: odd.TeamID, RegionName: odd.RegionName, AppID: 3, ServiceID: "svc/%252F#x"},
		{TeamID: odd.TeamID, RegionName: odd.RegionName, AppID: 3, ServiceID: "svc//#x"},
	}

	r := c.do(http.MethodPost, portsPath(odd), map[string]any{"port": 80, "is_inner_service": false})
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Regexp(t, aliasRe, r.bean(t)["port_alias"])
	assert.Regexp(t, dnsRe, r.bean(t)["k8s_service_name"])
	r = c.do(http.MethodGet, portsPath(odd), nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	require.Len(t, r.list(t), 1)
	require.Equal(t, http.StatusOK, c.put(odd, 80, map[string]any{"action": "open_inner"}).status)
	require.Equal(t, http.StatusOK, c.put(odd, 80, map[string]any{"action": "close_inner"}).status)
	require.Equal(t, http.StatusOK, c.del(odd, 80).status)
	for _, n := range near {
		assert.Equal(t, http.StatusNotFound, c.do(http.MethodGet, portsPath(n), nil).status, "%+v", n)
	}

	reqs := s.Requests()
	require.NotEmpty(t, reqs)
	assert.Equal(t, rainbondtest.PathPrefix+portsPath(odd), reqs[0].URI, "the request target is recorded as sent")

	// Unescaped, the "/" splits the path and the console does not find the URL.
	r = c.do(http.MethodGet, "/openapi/v1/teams/a/b/regions/r/apps/3/services/s/ports", nil)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Contains(t, r.header.Get("Content-Type"), "text/html")
}

func TestUnknownURLs(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	p := portsPath(comp)
	for _, path := range []string{
		p + "/",
		strings.Replace(p, "/apps/7/", "/apps/x7/", 1),
		strings.Replace(p, "/apps/7/", "/apps//", 1),
		strings.Replace(p, "/teams/team1/", "/teams//", 1),
		p + "/80/extra",
		p + "/8%200",
		"/openapi/v1/teams",
		"",
		"/",
	} {
		r := c.do(http.MethodGet, path, nil)
		assert.Equal(t, http.StatusNotFound, r.status, "%q: %s", path, r.raw)
		assert.Contains(t, r.header.Get("Content-Type"), "text/html", path)
		assert.Contains(t, string(r.raw), "<h1>Not Found</h1>", path)
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
	require.Equal(t, http.StatusMethodNotAllowed, r.status, "%s", r.raw)
	assert.Equal(t, "PUT, DELETE", r.header.Get("Allow"))
	r = c.do(http.MethodPatch, portsPath(comp), nil)
	require.Equal(t, http.StatusMethodNotAllowed, r.status, "%s", r.raw)
	assert.Equal(t, "GET, POST", r.header.Get("Allow"))
	r = c.doAuth(http.MethodPatch, portsPath(comp), nil, "")
	assert.Equal(t, http.StatusUnauthorized, r.status, "authentication comes first")
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
}

func TestHandlerMount(t *testing.T) {
	h := rainbondtest.NewHandler("secret")
	h.AddComponent(comp)
	h.AddComponent(comp) // idempotent
	mux := http.NewServeMux()
	mux.Handle("/rb/", http.StripPrefix("/rb", h))
	mux.HandleFunc("/other/", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	srv := newMuxServer(t, mux)
	c := &tc{t: t, base: srv + "/rb", token: "secret", hc: &http.Client{Transport: newValidatingTransport(t, "/rb", http.DefaultTransport)}}

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
