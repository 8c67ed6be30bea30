package rainbondtest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// The corners of issue 26, where the console's answers follow from how it stores things: the
// connection variables by name, apps apart from their components, Python's str.upper(), and the
// first port row of a k8s service name.

// TestConnectionVariablesFollowTheAlias: the console keeps a port's variables by name
// (<ALIAS>_HOST, <ALIAS>_PORT) and change_port_alias renames them in the region before it checks
// the k8s service name, but only if the component has variables at all.
func TestConnectionVariablesFollowTheAlias(t *testing.T) {
	inner := func(port int, alias string) map[string]any {
		return map[string]any{"port": port, "port_alias": alias, "is_inner_service": true}
	}
	rename := func(name any) map[string]any {
		body := map[string]any{"action": "change_port_alias", "port_alias": "NEW"}
		if name != nil {
			body["k8s_service_name"] = name
		}
		return body
	}
	busy := want{409, 409, regionShape, "操作过于频繁，请稍后再试"}
	setup := func(t *testing.T) (*rainbondtest.Server, *tc) {
		s, c := newServer(t)
		s.AddComponent(comp)
		other := rainbond.Component{TeamID: comp.TeamID, RegionName: comp.RegionName, AppID: 8, ServiceID: "gr-other"}
		s.AddComponent(other)
		require.NoError(t, s.SetPort(other, rainbond.Port{ContainerPort: 5000, Protocol: "http", PortAlias: "O", K8sServiceName: "taken"}))
		return s, c
	}

	t.Run("two ports share an alias, one is deleted: the other has no variables", func(t *testing.T) {
		s, c := setup(t)
		require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), inner(80, "WEB")).status)
		require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), inner(81, "WEB")).status, "WEB_HOST and WEB_PORT move to 81")
		require.Equal(t, http.StatusOK, c.put(comp, 81, map[string]any{"action": "close_inner"}).status)
		require.Equal(t, http.StatusOK, c.del(comp, 81).status, "the variables go with 81")

		s.SetRegionFault(rainbondtest.RegionBusy)
		want{500, 10401, crashShape, "TypeError"}.check(t, c.put(comp, 80, rename(nil)))
		want{409, 20500, serviceShape, "内部域名已存在"}.check(t, c.put(comp, 80, rename("taken")))
		want{400, 400, serviceShape, "内部域名格式不正确"}.check(t, c.put(comp, 80, rename("Bad_Name")))
		busy.check(t, c.put(comp, 80, rename("fine")))

		// open_inner makes the variables again; then the region is asked first.
		s.SetRegionFault(rainbondtest.RegionHealthy)
		require.Equal(t, http.StatusOK, c.put(comp, 80, map[string]any{"action": "open_inner"}).status)
		s.SetRegionFault(rainbondtest.RegionBusy)
		busy.check(t, c.put(comp, 80, rename(nil)))
	})

	t.Run("variables of another port count too", func(t *testing.T) {
		s, c := setup(t)
		require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 80, "is_inner_service": false}).status)
		require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), inner(81, "DB")).status)
		s.SetRegionFault(rainbondtest.RegionBusy)
		busy.check(t, c.put(comp, 80, rename(nil)))
	})

	t.Run("a renamed port keeps its variables under the new name", func(t *testing.T) {
		s, c := setup(t)
		require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), inner(80, "WEB")).status)
		require.Equal(t, http.StatusOK, c.put(comp, 80, map[string]any{"action": "change_port_alias", "port_alias": "API", "k8s_service_name": "api"}).status)
		// API_HOST exists now, so a port added inner with alias API takes it over; WEB_* are gone.
		require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), inner(81, "API")).status)
		require.Equal(t, http.StatusOK, c.put(comp, 81, map[string]any{"action": "close_inner"}).status)
		require.Equal(t, http.StatusOK, c.del(comp, 81).status)
		s.SetRegionFault(rainbondtest.RegionBusy)
		want{500, 10401, crashShape, "TypeError"}.check(t, c.put(comp, 80, rename(nil)))
	})

	t.Run("a failed add keeps the variables it moved", func(t *testing.T) {
		s, c := setup(t)
		require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), inner(80, "WEB")).status)
		s.SetRegionFault(rainbondtest.RegionBusy)
		busy.check(t, c.do(http.MethodPost, portsPath(comp), inner(81, "WEB")))
		s.SetRegionFault(rainbondtest.RegionHealthy)
		// Port 81 is added without inner service, then deleted: the moved variables go with it.
		require.Equal(t, http.StatusOK, c.do(http.MethodPost, portsPath(comp), map[string]any{"port": 81, "is_inner_service": false}).status)
		require.Equal(t, http.StatusOK, c.del(comp, 81).status)
		s.SetRegionFault(rainbondtest.RegionBusy)
		want{409, 20500, serviceShape, "内部域名已存在"}.check(t, c.put(comp, 80, rename("taken")))
	})
}

// TestEmptyApp: the console checks that the component belongs to the app only when the app has
// components, so a request through an empty app reaches any component of the team.
func TestEmptyApp(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	s.AddApp(comp.TeamID, comp.RegionName, 99)
	via := comp
	via.AppID = 99
	r := c.do(http.MethodPost, portsPath(via), map[string]any{"port": 80, "is_inner_service": false})
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Len(t, c.do(http.MethodGet, portsPath(via), nil).list(t), 1)
	assert.Len(t, c.do(http.MethodGet, portsPath(comp), nil).list(t), 1, "the port is the component's, in its own app")

	// An app with components still checks; an app of another region is not found.
	other := rainbond.Component{TeamID: comp.TeamID, RegionName: comp.RegionName, AppID: 8, ServiceID: "gr-other"}
	s.AddComponent(other)
	via.AppID = 8
	want{404, 404, serviceShape, "组件不属于指定应用"}.check(t, c.do(http.MethodGet, portsPath(via), nil))
	s.AddApp(comp.TeamID, "region2", 100)
	via = comp
	via.RegionName, via.AppID = "region2", 100
	want{404, 404, serviceShape, "组件不存在"}.check(t, c.do(http.MethodGet, portsPath(via), nil))
	via.AppID = 99
	want{404, 404, serviceShape, "应用不存在"}.check(t, c.do(http.MethodGet, portsPath(via), nil))

	// An app keeps existing when its last component moves away, and is then empty.
	moved := comp
	moved.AppID = 8
	s.AddComponent(moved)
	assert.Len(t, c.do(http.MethodGet, portsPath(comp), nil).list(t), 1, "app 7 is empty now")
}

// TestDefaultAliasUpperCase: the default port alias is the component alias through Python's
// str.upper(), full Unicode case mapping: straße -> STRASSE, the ligature ﬀ -> FF.
func TestDefaultAliasUpperCase(t *testing.T) {
	s, c := newServer(t)
	for alias, want := range map[string]string{"straße": "STRASSE80", "ﬀx": "FFX80", "gr-1": "GR_180"} {
		cc := rainbond.Component{TeamID: "t-" + alias, RegionName: "r", AppID: 1, ServiceID: alias}
		s.AddComponent(cc)
		r := c.do(http.MethodPost, portsPath(cc), map[string]any{"port": 80, "is_inner_service": true})
		require.Equal(t, http.StatusOK, r.status, "%s: %s", alias, r.raw)
		assert.Equal(t, want, r.bean(t)["port_alias"], alias)
	}
}

// TestK8sNameFirstRow: the console looks only at the first port row of the team with the name;
// if that row is the component's own, the name is free for it even if another component has it too.
func TestK8sNameFirstRow(t *testing.T) {
	s, c := newServer(t)
	first := rainbond.Component{TeamID: "team1", RegionName: "r", AppID: 1, ServiceID: "gra"}
	second := rainbond.Component{TeamID: "team1", RegionName: "r", AppID: 2, ServiceID: "grb"}
	s.AddComponent(first)
	s.AddComponent(second)
	require.NoError(t, s.SetPort(first, rainbond.Port{ContainerPort: 80, Protocol: "http", PortAlias: "A", K8sServiceName: "shared"}))
	require.NoError(t, s.SetPort(second, rainbond.Port{ContainerPort: 90, Protocol: "http", PortAlias: "B", K8sServiceName: "shared"}))

	keep := map[string]any{"action": "change_port_alias", "port_alias": "A", "k8s_service_name": "shared"}
	require.Equal(t, http.StatusOK, c.put(first, 80, keep).status, "the first row is its own")
	keep["port_alias"] = "B"
	want{409, 20500, serviceShape, "内部域名已存在"}.check(t, c.put(second, 90, keep))

	r := c.do(http.MethodPost, portsPath(first), map[string]any{"port": 81, "is_inner_service": false})
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Equal(t, "shared", r.bean(t)["k8s_service_name"], "no suffix")
	r = c.do(http.MethodPost, portsPath(second), map[string]any{"port": 91, "is_inner_service": false})
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Regexp(t, `^shared-[0-9a-f]{4}$`, r.bean(t)["k8s_service_name"])
}
