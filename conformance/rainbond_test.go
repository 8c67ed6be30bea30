package conformance_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/gen/rainbondapi"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// TestRainbondSweep drives every operation, every Protocol (on add and on change_protocol) and
// every Action (through UpdatePort and through the helpers) through the Validator: all requests
// and all 200 answers must conform.
func TestRainbondSweep(t *testing.T) {
	r := newRainbondRig(t)
	c := ctx(t)

	// AddPort with every protocol, and with none (the server defaults to http); with and without
	// an alias; inner open and closed.
	protocols := append([]rainbond.Protocol{""}, allProtocols...)
	for i, p := range protocols {
		port := 8000 + i
		req := rainbond.AddPortRequest{Port: port, Protocol: p, IsInnerService: i%2 == 0}
		if i%3 != 0 {
			req.PortAlias = rainbondapi.PortAlias(fmt.Sprintf("P_%d", port))
		}
		got, err := r.c.AddPort(c, comp, req)
		require.NoError(t, err, "add %d %q", port, p)
		want := string(p)
		if p == "" {
			want = "http"
		}
		assert.Equal(t, port, got.ContainerPort)
		assert.Equal(t, want, got.Protocol)
		assert.Equal(t, req.IsInnerService, got.IsInnerService)
		assert.False(t, got.IsOuterService)
		if req.PortAlias != "" {
			assert.Equal(t, string(req.PortAlias), got.PortAlias)
		} else {
			assert.NotEmpty(t, got.PortAlias)
		}
	}
	ports, err := r.c.ListPorts(c, comp)
	require.NoError(t, err)
	require.Len(t, ports, len(protocols))

	// change_protocol to every protocol, through UpdatePort and through ChangeProtocol.
	for _, p := range allProtocols {
		got, err := r.c.UpdatePort(c, comp, 8000, rainbond.UpdatePortRequest{Action: rainbond.ActionChangeProtocol, Protocol: p})
		require.NoError(t, err, "change_protocol %q", p)
		assert.Equal(t, string(p), got.Protocol)
		got, err = r.c.ChangeProtocol(c, comp, 8001, p)
		require.NoError(t, err, "ChangeProtocol %q", p)
		assert.Equal(t, string(p), got.Protocol)
	}

	// Every action through UpdatePort, in an order the state rules allow. 8001 starts with
	// inner closed.
	steps := []struct {
		req          rainbond.UpdatePortRequest
		inner, outer bool
	}{
		{rainbond.UpdatePortRequest{Action: rainbond.ActionOpenInner}, true, false},
		{rainbond.UpdatePortRequest{Action: rainbond.ActionChangeProtocol, Protocol: rainbond.ProtocolHTTP}, true, false},
		{rainbond.UpdatePortRequest{Action: rainbond.ActionOpenOuter}, true, true},
		{rainbond.UpdatePortRequest{Action: rainbond.ActionChangePortAlias, PortAlias: "WEB", K8sServiceName: "web-svc"}, true, true},
		{rainbond.UpdatePortRequest{Action: rainbond.ActionCloseOuter}, true, false},
		{rainbond.UpdatePortRequest{Action: rainbond.ActionCloseInner}, false, false},
	}
	for _, s := range steps {
		got, err := r.c.UpdatePort(c, comp, 8001, s.req)
		require.NoError(t, err, "action %s", s.req.Action)
		assert.Equal(t, s.inner, got.IsInnerService, s.req.Action)
		assert.Equal(t, s.outer, got.IsOuterService, s.req.Action)
	}

	// The same through the helpers, on 8003 (inner closed).
	got, err := r.c.OpenInner(c, comp, 8003)
	require.NoError(t, err)
	assert.True(t, got.IsInnerService)
	got, err = r.c.OpenOuter(c, comp, 8003)
	require.NoError(t, err)
	assert.True(t, got.IsOuterService)
	got, err = r.c.ChangeProtocol(c, comp, 8003, rainbond.ProtocolHTTP) // http is allowed while outer is open
	require.NoError(t, err)
	assert.Equal(t, "http", got.Protocol)
	got, err = r.c.ChangeAlias(c, comp, 8003, "API", "api-svc")
	require.NoError(t, err)
	assert.Equal(t, "API", got.PortAlias)
	assert.Equal(t, "api-svc", got.K8sServiceName)
	got, err = r.c.CloseOuter(c, comp, 8003)
	require.NoError(t, err)
	assert.False(t, got.IsOuterService)
	got, err = r.c.CloseInner(c, comp, 8003)
	require.NoError(t, err)
	assert.False(t, got.IsInnerService)

	// change_port_alias applies the k8s service name to every port of the component.
	ports, err = r.c.ListPorts(c, comp)
	require.NoError(t, err)
	for _, p := range ports {
		assert.Equal(t, "api-svc", p.K8sServiceName, p.ContainerPort)
	}

	// Delete every port (closing inner first where it is open).
	for _, p := range ports {
		if p.IsInnerService {
			_, err := r.c.CloseInner(c, comp, p.ContainerPort)
			require.NoError(t, err)
		}
		got, err := r.c.DeletePort(c, comp, p.ContainerPort)
		require.NoError(t, err)
		assert.Equal(t, p.ContainerPort, got.ContainerPort)
	}
	ports, err = r.c.ListPorts(c, comp)
	require.NoError(t, err)
	assert.Empty(t, ports)
	assert.NotNil(t, ports)

	// Every request went through the Validator, and the server saw exactly those.
	assert.Equal(t, r.srv.RequestCount(), r.v.Requests())
	requireConforms(t, r.v)
}

// TestRainbondEscapedIDs: IDs in Chinese or with accented letters (which the console's Unicode
// [\w-] route patterns match) are percent-encoded by the client; kin-openapi's gorillamux router
// (UseEncodedPath) matches the escaped path, so these requests are validated like any other, and
// the server receives the exact IDs.
func TestRainbondEscapedIDs(t *testing.T) {
	r := newRainbondRig(t)
	c := ctx(t)
	// Only letters, digits, "_" and "-" reach the console's routes; Unicode ones are escaped.
	odd := rainbond.Component{TeamID: "团队_a", RegionName: "région-x", AppID: 9, ServiceID: "svc-组件"}
	r.srv.AddComponent(odd)

	_, err := r.c.AddPort(c, odd, rainbond.AddPortRequest{Port: 80, Protocol: rainbond.ProtocolTCP, PortAlias: "WEB", IsInnerService: true})
	require.NoError(t, err)
	ports, err := r.c.ListPorts(c, odd)
	require.NoError(t, err)
	require.Len(t, ports, 1)
	_, err = r.c.CloseInner(c, odd, 80)
	require.NoError(t, err)
	_, err = r.c.DeletePort(c, odd, 80)
	require.NoError(t, err)
	stored, ok := r.srv.Ports(odd)
	require.True(t, ok)
	assert.Empty(t, stored)

	reqs := r.srv.Requests()
	require.Len(t, reqs, 4)
	wantPrefix := "/console/openapi/v1/teams/" + url.PathEscape("团队_a") + "/regions/" + url.PathEscape("région-x") + "/apps/9/services/" + url.PathEscape("svc-组件") + "/ports"
	for _, req := range reqs {
		assert.True(t, strings.HasPrefix(req.URI, wantPrefix), req.URI)
	}
	requireConforms(t, r.v)
	assert.Equal(t, 4, r.v.Requests())
}

// TestRainbondErrorStatuses covers, through the public client, every error status the spec
// documents that the test server produces from a client request: 400, 401, 404 and 409. Each
// error answer must conform to the spec (checked by the Validator), and the client must return
// a *wrapper.APIError with the HTTP status and the envelope code.
func TestRainbondErrorStatuses(t *testing.T) {
	r := newRainbondRig(t)
	c := ctx(t)
	other := rainbond.Component{TeamID: comp.TeamID, RegionName: comp.RegionName, AppID: comp.AppID, ServiceID: "other"}
	r.srv.AddComponent(other)
	_, err := r.c.AddPort(c, comp, rainbond.AddPortRequest{Port: 80, IsInnerService: true})
	require.NoError(t, err)
	_, err = r.c.OpenOuter(c, comp, 80)
	require.NoError(t, err)
	_, err = r.c.AddPort(c, other, rainbond.AddPortRequest{Port: 81, IsInnerService: false})
	require.NoError(t, err)
	_, err = r.c.ChangeAlias(c, other, 81, "OTHER", "taken-name")
	require.NoError(t, err)

	wrongToken := r.client(t, "wrong-token")
	unknownTeam := rainbond.Component{TeamID: "nobody", RegionName: comp.RegionName, AppID: comp.AppID, ServiceID: comp.ServiceID}
	unknownApp := rainbond.Component{TeamID: comp.TeamID, RegionName: comp.RegionName, AppID: 999, ServiceID: comp.ServiceID}
	unknownRegion := rainbond.Component{TeamID: comp.TeamID, RegionName: "elsewhere", AppID: comp.AppID, ServiceID: comp.ServiceID}
	unknownComp := rainbond.Component{TeamID: comp.TeamID, RegionName: comp.RegionName, AppID: comp.AppID, ServiceID: "nothing"}

	type call func(*rainbond.Client, rainbond.Component) error
	list := func(cl *rainbond.Client, co rainbond.Component) error { _, err := cl.ListPorts(c, co); return err }
	add := func(port int) call {
		return func(cl *rainbond.Client, co rainbond.Component) error {
			_, err := cl.AddPort(c, co, rainbond.AddPortRequest{Port: port, IsInnerService: true})
			return err
		}
	}
	update := func(port int, req rainbond.UpdatePortRequest) call {
		return func(cl *rainbond.Client, co rainbond.Component) error {
			_, err := cl.UpdatePort(c, co, port, req)
			return err
		}
	}
	del := func(port int) call {
		return func(cl *rainbond.Client, co rainbond.Component) error {
			_, err := cl.DeletePort(c, co, port)
			return err
		}
	}
	ops := map[string]call{
		"list":   list,
		"add":    add(90),
		"update": update(80, rainbond.UpdatePortRequest{Action: rainbond.ActionCloseOuter}),
		"delete": del(80),
	}

	type tcase struct {
		name         string
		client       *rainbond.Client
		comp         rainbond.Component
		call         call
		status, code int
	}
	var cases []tcase
	for _, op := range []string{"list", "add", "update", "delete"} {
		cases = append(cases,
			tcase{op + "/401 wrong token", wrongToken, comp, ops[op], http.StatusUnauthorized, 401},
			tcase{op + "/404 unknown team", r.c, unknownTeam, ops[op], http.StatusNotFound, 404},
			tcase{op + "/404 unknown app", r.c, unknownApp, ops[op], http.StatusNotFound, 404},
			tcase{op + "/404 unknown region (code 3000)", r.c, unknownRegion, ops[op], http.StatusNotFound, 3000},
			tcase{op + "/404 unknown component", r.c, unknownComp, ops[op], http.StatusNotFound, 404},
		)
	}
	cases = append(cases,
		tcase{"add/409 duplicate port", r.c, comp, add(80), http.StatusConflict, 20501},
		tcase{"update/404 unknown port", r.c, comp, update(81, rainbond.UpdatePortRequest{Action: rainbond.ActionOpenInner}), http.StatusNotFound, 404},
		tcase{"delete/404 unknown port", r.c, comp, del(81), http.StatusNotFound, 404},
		tcase{"update/400 change_protocol tcp while outer open", r.c, comp,
			update(80, rainbond.UpdatePortRequest{Action: rainbond.ActionChangeProtocol, Protocol: rainbond.ProtocolTCP}), http.StatusBadRequest, 400},
		tcase{"update/404 close_inner while outer open", r.c, comp, update(80, rainbond.UpdatePortRequest{Action: rainbond.ActionCloseInner}), http.StatusNotFound, 404},
		tcase{"update/409 k8s name taken", r.c, comp,
			update(80, rainbond.UpdatePortRequest{Action: rainbond.ActionChangePortAlias, PortAlias: "WEB", K8sServiceName: "taken-name"}), http.StatusConflict, 20500},
		tcase{"delete/409 while open", r.c, comp, del(80), http.StatusConflict, 409},
	)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := r.srv.RequestCount()
			err := tc.call(tc.client, tc.comp)
			requireAPIError(t, err, tc.status, tc.code)
			assert.Equal(t, before+1, r.srv.RequestCount(), "one request, never retried")
			requireConforms(t, r.v)
		})
	}
}

// TestRainbondStateRules: the state rules of rainbond-server-behaviour.md hold when driven
// through the public client. Each case starts from a fresh port 80 in the given state (stored
// with SetPort, so the state is exactly as written) and applies one call.
func TestRainbondStateRules(t *testing.T) {
	r := newRainbondRig(t)
	c := ctx(t)
	other := rainbond.Component{TeamID: comp.TeamID, RegionName: "region2", AppID: 8, ServiceID: "other"}
	otherTeam := rainbond.Component{TeamID: "team2", RegionName: comp.RegionName, AppID: 3, ServiceID: "gr999"}
	r.srv.AddComponent(other)
	r.srv.AddComponent(otherTeam)
	require.NoError(t, r.srv.SetPort(other, rainbond.Port{ContainerPort: 5000, Protocol: "http", PortAlias: "O", K8sServiceName: "same-team"}))
	require.NoError(t, r.srv.SetPort(otherTeam, rainbond.Port{ContainerPort: 5000, Protocol: "http", PortAlias: "O", K8sServiceName: "other-team"}))

	port := func(inner, outer bool, alias string) rainbond.Port {
		return rainbond.Port{ContainerPort: 80, MappingPort: 80, Protocol: "http", PortAlias: alias,
			IsInnerService: inner, IsOuterService: outer, K8sServiceName: "gr123abc-80"}
	}
	closed, innerOnly, open := port(false, false, "WEB"), port(true, false, "WEB"), port(true, true, "WEB")
	noAlias := port(false, false, "")

	upd := func(a rainbond.Action) rainbond.UpdatePortRequest { return rainbond.UpdatePortRequest{Action: a} }
	type stateCase struct {
		name  string
		state rainbond.Port
		req   *rainbond.UpdatePortRequest // nil: DeletePort
		// status 200: the call succeeds and leaves inner/outer as below; otherwise HTTP status and code.
		status, code int
		inner, outer bool
	}
	cases := []stateCase{
		{name: "open_inner", state: closed, req: ptr(upd(rainbond.ActionOpenInner)), status: 200, inner: true},
		{name: "open_inner without alias", state: noAlias, req: ptr(upd(rainbond.ActionOpenInner)), status: 409, code: 409},
		{name: "open_outer with inner closed", state: closed, req: ptr(upd(rainbond.ActionOpenOuter)), status: 404, code: 404},
		{name: "open_outer with inner open", state: innerOnly, req: ptr(upd(rainbond.ActionOpenOuter)), status: 200, inner: true, outer: true},
		{name: "close_outer", state: open, req: ptr(upd(rainbond.ActionCloseOuter)), status: 200, inner: true},
		{name: "close_outer already closed", state: closed, req: ptr(upd(rainbond.ActionCloseOuter)), status: 200},
		{name: "close_inner with outer open", state: open, req: ptr(upd(rainbond.ActionCloseInner)), status: 404, code: 404},
		{name: "close_inner with outer closed", state: innerOnly, req: ptr(upd(rainbond.ActionCloseInner)), status: 200},
		{name: "change_protocol http with outer open", state: open, status: 200, inner: true, outer: true,
			req: &rainbond.UpdatePortRequest{Action: rainbond.ActionChangeProtocol, Protocol: rainbond.ProtocolHTTP}},
		{name: "change_alias k8s name of another component of the team", state: closed, status: 409, code: 20500,
			req: &rainbond.UpdatePortRequest{Action: rainbond.ActionChangePortAlias, PortAlias: "WEB2", K8sServiceName: "same-team"}},
		{name: "change_alias k8s name of another team", state: closed, status: 200,
			req: &rainbond.UpdatePortRequest{Action: rainbond.ActionChangePortAlias, PortAlias: "WEB2", K8sServiceName: "other-team"}},
		{name: "change_alias own k8s name", state: closed, status: 200,
			req: &rainbond.UpdatePortRequest{Action: rainbond.ActionChangePortAlias, PortAlias: "WEB2", K8sServiceName: "gr123abc-80"}},
		{name: "delete closed", state: closed, status: 200},
		{name: "delete with inner open", state: innerOnly, status: 409, code: 409},
		{name: "delete with outer open", state: open, status: 409, code: 409},
		{name: "delete with only outer open", state: port(false, true, "WEB"), status: 409, code: 409},
	}
	// change_protocol to anything but http while outer is open is 400; with outer closed, fine.
	for _, p := range allProtocols[1:] {
		cases = append(cases,
			stateCase{name: "change_protocol " + string(p) + " with outer open", state: open, status: 400, code: 400,
				req: &rainbond.UpdatePortRequest{Action: rainbond.ActionChangeProtocol, Protocol: p}},
			stateCase{name: "change_protocol " + string(p) + " with outer closed", state: innerOnly, status: 200, inner: true,
				req: &rainbond.UpdatePortRequest{Action: rainbond.ActionChangeProtocol, Protocol: p}},
		)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, r.srv.SetPort(comp, tc.state))
			var got *rainbond.Port
			var err error
			if tc.req == nil {
				got, err = r.c.DeletePort(c, comp, 80)
			} else {
				got, err = r.c.UpdatePort(c, comp, 80, *tc.req)
			}
			stored, _ := r.srv.Ports(comp)
			if tc.status != 200 {
				requireAPIError(t, err, tc.status, tc.code)
				assert.Equal(t, []rainbond.Port{tc.state}, stored, "a refused call changes nothing")
			} else {
				require.NoError(t, err)
				if tc.req == nil {
					assert.Empty(t, stored)
				} else {
					assert.Equal(t, tc.inner, got.IsInnerService, "inner")
					assert.Equal(t, tc.outer, got.IsOuterService, "outer")
					assert.Equal(t, []rainbond.Port{*got}, stored, "the answer is the stored port")
				}
			}
			requireConforms(t, r.v)
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestRainbondLifecycle is a port's life, scripted as a user would through the public client.
func TestRainbondLifecycle(t *testing.T) {
	r := newRainbondRig(t)
	c := ctx(t)

	p, err := r.c.AddPort(c, comp, rainbond.AddPortRequest{Port: 8080, Protocol: rainbond.ProtocolHTTP, PortAlias: "WEB", IsInnerService: false})
	require.NoError(t, err)
	assert.Equal(t, rainbond.Port{ContainerPort: 8080, MappingPort: 8080, Protocol: "http", PortAlias: "WEB", K8sServiceName: "gr123abc"}, *p)

	p, err = r.c.OpenInner(c, comp, 8080)
	require.NoError(t, err)
	assert.True(t, p.IsInnerService)
	p, err = r.c.OpenOuter(c, comp, 8080)
	require.NoError(t, err)
	assert.True(t, p.IsOuterService)

	ports, err := r.c.ListPorts(c, comp)
	require.NoError(t, err)
	require.Len(t, ports, 1)
	assert.Equal(t, *p, ports[0])

	// tcp is refused while the outer service is open: close it, change, open it again.
	_, err = r.c.ChangeProtocol(c, comp, 8080, rainbond.ProtocolTCP)
	requireAPIError(t, err, http.StatusBadRequest, 400)
	_, err = r.c.CloseOuter(c, comp, 8080)
	require.NoError(t, err)
	p, err = r.c.ChangeProtocol(c, comp, 8080, rainbond.ProtocolTCP)
	require.NoError(t, err)
	assert.Equal(t, "tcp", p.Protocol)
	p, err = r.c.OpenOuter(c, comp, 8080)
	require.NoError(t, err)
	assert.True(t, p.IsOuterService)

	p, err = r.c.ChangeAlias(c, comp, 8080, "WEB_TCP", "web-tcp")
	require.NoError(t, err)
	assert.Equal(t, "WEB_TCP", p.PortAlias)
	assert.Equal(t, "web-tcp", p.K8sServiceName)

	p, err = r.c.CloseOuter(c, comp, 8080)
	require.NoError(t, err)
	assert.False(t, p.IsOuterService)
	p, err = r.c.CloseInner(c, comp, 8080)
	require.NoError(t, err)
	assert.False(t, p.IsInnerService)

	p, err = r.c.DeletePort(c, comp, 8080)
	require.NoError(t, err)
	assert.Equal(t, rainbond.Port{ContainerPort: 8080, MappingPort: 8080, Protocol: "tcp", PortAlias: "WEB_TCP", K8sServiceName: "web-tcp"}, *p)

	ports, err = r.c.ListPorts(c, comp)
	require.NoError(t, err)
	assert.Empty(t, ports)

	assert.Equal(t, 13, r.v.Requests())
	assert.Equal(t, 13, r.srv.RequestCount())
	requireConforms(t, r.v)
}

// TestRainbondRawRequests covers what the client cannot send (it refuses such input), with raw
// requests through the Validator: the Validator must flag each non-conforming request, and the
// server's answer must still conform to the spec.
func TestRainbondRawRequests(t *testing.T) {
	r := newRainbondRig(t)
	c := ctx(t)
	_, err := r.c.AddPort(c, comp, rainbond.AddPortRequest{Port: 80, PortAlias: "WEB", IsInnerService: true})
	require.NoError(t, err)
	list := r.srv.URL + "/openapi/v1/teams/team1/regions/region1/apps/7/services/gr123abc/ports"
	one := list + "/80"

	t.Run("412 port above 65535", func(t *testing.T) {
		// The client refuses 70000 (ValidationError); the spec says maximum 65535, so the request
		// does not conform, and the server answers the documented 412.
		res := raw(t, r.v, http.MethodPost, list, r.srv.Token, `{"port": 70000, "is_inner_service": true}`)
		assert.Equal(t, http.StatusPreconditionFailed, res.status, res.body)
		requireRequestFailure(t, r.v, "port", "65535")
	})
	t.Run("500 change_port_alias without k8s_service_name", func(t *testing.T) {
		// The spec's UpdatePortRequest requires only action: that change_port_alias also needs
		// k8s_service_name is in its description, not in the schema (an action-dependent rule
		// that OpenAPI 3.0 cannot express without oneOf per action). So this request CONFORMS,
		// and the server's 500 (the console crashes with KeyError) is a documented answer. The
		// client, stricter than the schema, refuses to send it (TestValidationRainbond).
		res := raw(t, r.v, http.MethodPut, one, r.srv.Token, `{"action": "change_port_alias", "port_alias": "WEB2"}`)
		assert.Equal(t, http.StatusInternalServerError, res.status, res.body)
		assert.Contains(t, res.body, `"code":10401`)
		requireConforms(t, r.v)
	})
	t.Run("400 invalid action", func(t *testing.T) {
		res := raw(t, r.v, http.MethodPut, one, r.srv.Token, `{"action": "explode"}`)
		assert.Equal(t, http.StatusBadRequest, res.status, res.body)
		assert.Contains(t, res.body, `"code":20400`)
		requireRequestFailure(t, r.v, "action", "value is not one of the allowed values")
	})
	t.Run("200 only_open_outer, which the spec leaves out", func(t *testing.T) {
		// The console accepts the undocumented action; the spec leaves it out, so the Validator
		// flags the request while the server answers as the console does.
		res := raw(t, r.v, http.MethodPut, one, r.srv.Token, `{"action": "only_open_outer"}`)
		assert.Equal(t, http.StatusOK, res.status, res.body)
		requireRequestFailure(t, r.v, "action", "value is not one of the allowed values")
	})
	t.Run("400 invalid protocol, alias and k8s name", func(t *testing.T) {
		res := raw(t, r.v, http.MethodPost, list, r.srv.Token, `{"port": 81, "protocol": "ftp", "port_alias": "web", "is_inner_service": true}`)
		assert.Equal(t, http.StatusBadRequest, res.status, res.body)
		f := requireRequestFailure(t, r.v, "protocol", "port_alias")
		assert.NotContains(t, f.Err.Error(), "is_inner_service")
		res = raw(t, r.v, http.MethodPut, one, r.srv.Token, `{"action": "change_port_alias", "port_alias": "WEB", "k8s_service_name": "nginx_port"}`)
		assert.Equal(t, http.StatusBadRequest, res.status, res.body)
		requireRequestFailure(t, r.v, "k8s_service_name")
	})
	t.Run("400 missing is_inner_service", func(t *testing.T) {
		res := raw(t, r.v, http.MethodPost, list, r.srv.Token, `{"port": 81}`)
		assert.Equal(t, http.StatusBadRequest, res.status, res.body)
		requireRequestFailure(t, r.v, "is_inner_service")
	})
	t.Run("500 non-numeric port in the path", func(t *testing.T) {
		// The console does int(port) after reading the body: a ValueError, 500 code 10401.
		res := raw(t, r.v, http.MethodPut, list+"/http", r.srv.Token, `{"action": "open_outer"}`)
		assert.Equal(t, http.StatusInternalServerError, res.status, res.body)
		assert.Contains(t, res.body, `"code":10401`)
		requireRequestFailure(t, r.v, `parameter "port"`)
	})
	t.Run("401 Bearer prefix", func(t *testing.T) {
		// The client refuses a "Bearer " token; the spec's apiKey scheme wants the bare token.
		res := raw(t, r.v, http.MethodGet, list, "Bearer "+r.srv.Token, "")
		assert.Equal(t, http.StatusUnauthorized, res.status, res.body)
		assert.Equal(t, "Token", res.header.Get("WWW-Authenticate"))
		requireRequestFailure(t, r.v, "security requirements failed")
	})
	t.Run("401 no token", func(t *testing.T) {
		res := raw(t, r.v, http.MethodGet, list, "", "")
		assert.Equal(t, http.StatusUnauthorized, res.status, res.body)
		assert.Contains(t, res.body, "No token")
		requireRequestFailure(t, r.v, "security requirements failed")
	})
	t.Run("405 GET on a port", func(t *testing.T) {
		res := raw(t, r.v, http.MethodGet, one, r.srv.Token, "")
		assert.Equal(t, http.StatusMethodNotAllowed, res.status, res.body)
		f := requireRequestFailure(t, r.v)
		assert.ErrorIs(t, f.Err, routers.ErrMethodNotAllowed)
	})
	t.Run("404 page for a trailing slash", func(t *testing.T) {
		res := raw(t, r.v, http.MethodGet, list+"/", r.srv.Token, "")
		assert.Equal(t, http.StatusNotFound, res.status)
		assert.Contains(t, res.body, "<h1>Not Found</h1>")
		f := requireRequestFailure(t, r.v)
		assert.ErrorIs(t, f.Err, routers.ErrPathNotFound)
	})
	t.Run("a conforming raw request", func(t *testing.T) {
		// The Validator passes requests on unchanged: the server records the exact body.
		body := `{"port": 82, "protocol": "grpc", "port_alias": "RPC", "is_inner_service": false}`
		res := raw(t, r.v, http.MethodPost, list, r.srv.Token, body)
		assert.Equal(t, http.StatusOK, res.status, res.body)
		reqs := r.srv.Requests()
		assert.Equal(t, body, string(reqs[len(reqs)-1].Body))
		requireConforms(t, r.v)
	})
	assert.Equal(t, r.srv.RequestCount(), r.v.Requests())
}
