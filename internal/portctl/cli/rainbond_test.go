package cli

import (
	"encoding/json"
	"net"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

var testComp = rainbond.Component{TeamID: "team-a", RegionName: "region-1", AppID: 12, ServiceID: "gr1a2b3c"}

// newRainbond starts a test console with testComp and returns it with the environment that points
// portctl at it.
func newRainbond(t *testing.T) (*rainbondtest.Server, map[string]string) {
	t.Helper()
	s := rainbondtest.NewServer()
	t.Cleanup(s.Close)
	s.AddComponent(testComp)
	return s, map[string]string{
		"RAINBOND_URL":       s.URL,
		"RAINBOND_TOKEN":     s.Token,
		"RAINBOND_TEAM":      testComp.TeamID,
		"RAINBOND_REGION":    testComp.RegionName,
		"RAINBOND_APP":       "12",
		"RAINBOND_COMPONENT": testComp.ServiceID,
	}
}

func TestRainbondLifecycle(t *testing.T) {
	s, vars := newRainbond(t)
	rp := func(args ...string) result {
		t.Helper()
		r := runWith(t, vars, append([]string{"rainbond", "ports"}, args...)...)
		require.Equal(t, 0, r.code, r)
		assert.Empty(t, r.stderr)
		return r
	}

	r := rp("list")
	assert.Equal(t, []string{"PORT", "PROTOCOL", "ALIAS", "INNER", "OUTER", "MAPPING", "K8S-SERVICE"},
		strings.Fields(strings.Split(r.stdout, "\n")[0]))
	assert.Empty(t, rows(r.stdout))

	r = rp("list", "-o", "json")
	assert.JSONEq(t, `[]`, r.stdout)

	r = rp("add", "--port", "8080", "--protocol", "http", "--alias", "WEB")
	require.Len(t, rows(r.stdout), 1)
	row := rows(r.stdout)[0]
	assert.Equal(t, []string{"8080", "http", "WEB", "closed", "closed", "8080"}, row[:6])

	r = rp("update", "--port", "8080", "--action", "open_inner")
	assert.Equal(t, "open", rows(r.stdout)[0][3])

	r = rp("update", "--port", "8080", "--action", "open_outer", "-o", "json")
	var bean map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &bean), r)
	assert.Equal(t, true, bean["is_outer_service"])
	assert.Equal(t, float64(8080), bean["container_port"])

	r = rp("add", "--port", "9090", "--protocol", "tcp", "--inner", "-o", "json")
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &bean), r)
	assert.Equal(t, true, bean["is_inner_service"])
	assert.Equal(t, "tcp", bean["protocol"])

	r = rp("list", "-o", "json")
	var list []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &list), r)
	require.Len(t, list, 2)
	keys := make([]string, 0, len(list[0]))
	for k := range list[0] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	assert.Equal(t, []string{"container_port", "is_inner_service", "is_outer_service", "k8s_service_name",
		"lb_mapping_port", "mapping_port", "port_alias", "protocol"}, keys)

	r = rp("update", "--port", "8080", "--action", "change_port_alias", "--alias", "WEB_V2", "--k8s-service-name", "web-v2")
	assert.Equal(t, "WEB_V2", rows(r.stdout)[0][2])
	assert.Equal(t, "web-v2", rows(r.stdout)[0][6])

	rp("update", "--port", "8080", "--action", "close_outer")
	r = rp("update", "--port", "8080", "--action", "change_protocol", "--protocol", "tcp")
	assert.Equal(t, "tcp", rows(r.stdout)[0][1])
	rp("update", "--port", "8080", "--action", "close_inner")
	r = rp("delete", "--port", "8080", "-o", "json")
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &bean), r)
	assert.Equal(t, float64(8080), bean["container_port"])

	ports, ok := s.Ports(testComp)
	require.True(t, ok)
	require.Len(t, ports, 1)
	assert.Equal(t, 9090, ports[0].ContainerPort)
}

// Bad usage and invalid input exit 2 and send nothing.
func TestRainbondUsageErrorsSendNothing(t *testing.T) {
	s, vars := newRainbond(t)
	cases := []struct {
		name   string
		vars   map[string]string
		args   []string
		stderr string
	}{
		{"invalid protocol", vars, []string{"add", "--port", "8080", "--protocol", "ftp"}, `invalid --protocol: "ftp" is not one of`},
		{"invalid alias", vars, []string{"add", "--port", "8080", "--alias", "web"}, `invalid --alias: "web" does not match`},
		{"port out of range", vars, []string{"add", "--port", "70000"}, "invalid --port: 70000 is outside 1..65535"},
		{"port zero", vars, []string{"delete", "--port", "0"}, "invalid --port: 0 is outside"},
		{"non-numeric port", vars, []string{"add", "--port", "http"}, `invalid --port "http": not a number`},
		{"huge port", vars, []string{"add", "--port", "99999999999999999999"}, `invalid --port "99999999999999999999": out of range`},
		{"non-boolean inner", vars, []string{"add", "--port", "80", "--inner=maybe"}, `invalid --inner "maybe": must be true or false`},
		{"non-numeric app flag", vars, []string{"list", "--app", "twelve"}, `invalid --app "twelve": not a number`},
		{"zero app flag", vars, []string{"list", "--app", "0"}, `invalid --app "0": must be a positive integer`},
		{"non-numeric app env", merge(vars, map[string]string{"RAINBOND_APP": "x1"}), []string{"list"}, `invalid RAINBOND_APP "x1": not a number`},
		{"missing port", vars, []string{"add", "--protocol", "http"}, "missing required flag --port"},
		{"missing action", vars, []string{"update", "--port", "8080"}, "missing required flag --action"},
		{"invalid action", vars, []string{"update", "--port", "8080", "--action", "open"}, "invalid --action"},
		{"alias without k8s name", vars, []string{"update", "--port", "8080", "--action", "change_port_alias", "--alias", "WEB"}, "invalid --k8s-service-name: is required by change_port_alias"},
		{"invalid k8s name", vars, []string{"update", "--port", "8080", "--action", "change_port_alias", "--alias", "WEB", "--k8s-service-name", "nginx_port"}, "invalid --k8s-service-name"},
		{"change protocol without protocol", vars, []string{"update", "--port", "8080", "--action", "change_protocol"}, "invalid --protocol: is required by change_protocol"},
		{"protocol ignored by open_outer", vars, []string{"update", "--port", "8080", "--action", "open_outer", "--protocol", "tcp"}, "--protocol does not apply to --action open_outer"},
		{"alias ignored by close_inner", vars, []string{"update", "--port", "8080", "--action", "close_inner", "--alias", "WEB"}, "--alias does not apply to --action close_inner"},
		{"k8s name ignored by open_inner", vars, []string{"update", "--port", "8080", "--action", "open_inner", "--k8s-service-name", "web"}, "--k8s-service-name does not apply to --action open_inner"},
		{"alias ignored by change_protocol", vars, []string{"update", "--port", "8080", "--action", "change_protocol", "--protocol", "tcp", "--alias", "WEB"}, "--alias does not apply to --action change_protocol"},
		{"protocol ignored by change_port_alias", vars, []string{"update", "--port", "8080", "--action", "change_port_alias", "--alias", "WEB", "--k8s-service-name", "web", "--protocol", "tcp"}, "--protocol does not apply to --action change_port_alias"},
		{"unknown flag", vars, []string{"list", "--colour"}, "unknown flag: --colour"},
		{"unexpected argument", vars, []string{"list", "8080"}, `unexpected argument "8080"`},
		{"bad output", vars, []string{"list", "-o", "xml"}, `invalid --output "xml": must be table, json or yaml`},
		{"bad output before anything", vars, []string{"add", "--port", "8080", "-o", "wide"}, `invalid --output "wide"`},
		{"unknown command", vars, []string{"patch"}, `unknown command "patch" for "portctl rainbond ports"`},
		{"missing command", vars, nil, "needs a command"},
		{"missing url", without(vars, "RAINBOND_URL"), []string{"list"}, "missing --url (or set RAINBOND_URL)"},
		{"missing token", without(vars, "RAINBOND_TOKEN"), []string{"list"}, "missing --token (or set RAINBOND_TOKEN)"},
		{"missing team", without(vars, "RAINBOND_TEAM"), []string{"list"}, "missing --team (or set RAINBOND_TEAM)"},
		{"missing region", without(vars, "RAINBOND_REGION"), []string{"list"}, "missing --region (or set RAINBOND_REGION)"},
		{"missing app", without(vars, "RAINBOND_APP"), []string{"list"}, "missing --app (or set RAINBOND_APP)"},
		{"missing component", without(vars, "RAINBOND_COMPONENT"), []string{"list"}, "missing --component (or set RAINBOND_COMPONENT)"},
		{"dot component", vars, []string{"list", "--component", ".."}, "invalid --component: "},
		{"dot component env", merge(vars, map[string]string{"RAINBOND_COMPONENT": "."}), []string{"list"}, "invalid RAINBOND_COMPONENT: "},
		{"dot team", vars, []string{"list", "--team", ".."}, "invalid --team: "},
		{"dot region", vars, []string{"list", "--region", "."}, "invalid --region: "},
		{"bad url", vars, []string{"list", "--url", "ftp://console"}, "invalid --url: must start with http:// or https://"},
		{"bad url env", merge(vars, map[string]string{"RAINBOND_URL": "console"}), []string{"list"}, "invalid RAINBOND_URL: "},
		{"bearer token", vars, []string{"list", "--token", "Bearer abc"}, "invalid --token: "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := s.RequestCount()
			r := runWith(t, tc.vars, append([]string{"rainbond", "ports"}, tc.args...)...)
			assert.Equal(t, 2, r.code, r)
			assert.Contains(t, r.stderr, tc.stderr)
			assert.True(t, strings.HasPrefix(r.stderr, "portctl: "), r.stderr)
			assert.Empty(t, r.stdout)
			assert.Equal(t, before, s.RequestCount(), "a request was sent")
		})
	}
}

// What the API refuses exits 1 with the status, code and message on stderr.
func TestRainbondAPIErrors(t *testing.T) {
	_, vars := newRainbond(t)
	rp := func(args ...string) result {
		return runWith(t, vars, append([]string{"rainbond", "ports"}, args...)...)
	}
	require.Equal(t, 0, rp("add", "--port", "8080", "--alias", "WEB", "--inner").code)

	r := rp("add", "--port", "8080")
	assert.Equal(t, 1, r.code, r)
	assert.Empty(t, r.stdout)
	assert.Equal(t, "portctl: rainbond.AddPort: HTTP 409, code 20501: component port already exists\n", r.stderr)

	require.Equal(t, 0, rp("update", "--port", "8080", "--action", "open_outer").code)
	r = rp("update", "--port", "8080", "--action", "change_protocol", "--protocol", "tcp")
	assert.Equal(t, 1, r.code, r)
	assert.Contains(t, r.stderr, "portctl: rainbond.UpdatePort: HTTP 400")

	r = rp("delete", "--port", "8080")
	assert.Equal(t, 1, r.code, r)
	assert.Contains(t, r.stderr, "portctl: rainbond.DeletePort: HTTP 409")

	r = rp("delete", "--port", "9999")
	assert.Equal(t, 1, r.code, r)
	assert.Contains(t, r.stderr, "HTTP 404")

	r = rp("list", "--component", "gr-unknown")
	assert.Equal(t, 1, r.code, r)
	assert.Contains(t, r.stderr, "HTTP 404")

	// A refused credential is exit 4, saying what to check.
	r = rp("list", "--token", "wrong-token")
	assert.Equal(t, 4, r.code, r)
	assert.Empty(t, r.stdout)
	assert.Equal(t, "portctl: rainbond.ListPorts: HTTP 401: No such user or user is not admin\n"+
		"portctl: the server refused the credential: check --token\n", r.stderr)
	r = runWith(t, merge(vars, map[string]string{"RAINBOND_TOKEN": "wrong-token"}), "rainbond", "ports", "list")
	assert.Equal(t, 4, r.code, r)
	assert.Contains(t, r.stderr, "portctl: the server refused the credential: check RAINBOND_TOKEN\n")
}

func TestRainbondConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	_, vars := newRainbond(t)
	vars["RAINBOND_URL"] = "http://" + addr + "/console"
	for _, args := range [][]string{{"list"}, {"add", "--port", "8080"}} {
		r := runWith(t, vars, append([]string{"rainbond", "ports"}, args...)...)
		assert.Equal(t, 1, r.code, r)
		assert.Contains(t, r.stderr, "connection refused")
		assert.NotContains(t, r.stderr, vars["RAINBOND_TOKEN"])
	}
}

// Flags win over the environment; the environment fills what the flags leave out.
func TestRainbondFlagsAndEnvironment(t *testing.T) {
	s, vars := newRainbond(t)

	// Everything from flags, nothing from the environment.
	r := runWith(t, nil, "rainbond", "ports", "add", "--url", s.URL, "--token", s.Token, "--team", testComp.TeamID,
		"--region", testComp.RegionName, "--app", "12", "--component", testComp.ServiceID, "--port", "8080")
	require.Equal(t, 0, r.code, r)

	// Flags over a wrong environment.
	wrong := merge(vars, map[string]string{"RAINBOND_TEAM": "nobody", "RAINBOND_APP": "99"})
	r = runWith(t, wrong, "rainbond", "ports", "list", "--team", testComp.TeamID, "--app", "12")
	require.Equal(t, 0, r.code, r)
	assert.Len(t, rows(r.stdout), 1)

	// The wrong environment alone reaches the wrong team.
	r = runWith(t, wrong, "rainbond", "ports", "list")
	assert.Equal(t, 1, r.code, r)
	assert.Contains(t, r.stderr, "HTTP 404")
}
