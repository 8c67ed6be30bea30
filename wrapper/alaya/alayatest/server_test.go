package alayatest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
)

const inst = "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0"

func TestNewServer(t *testing.T) {
	s, _ := newServer(t)
	assert.True(t, strings.HasPrefix(s.URL, "http://127.0.0.1:"), s.URL)
	assert.True(t, strings.HasSuffix(s.URL, alayatest.PathPrefix), s.URL)
	assert.GreaterOrEqual(t, len(s.APIKey), 32)
	other := alayatest.NewServer()
	defer other.Close()
	assert.NotEqual(t, s.APIKey, other.APIKey, "keys are random")
}

func TestListNewInstance(t *testing.T) {
	s, c := newServer(t)
	s.AddInstance(inst)
	r := c.list(inst)
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Equal(t, "application/json", r.header.Get("Content-Type"))
	assert.Equal(t, float64(200), r.body["status"])
	assert.Equal(t, "OK", r.body["message"])
	data := r.data(t)
	assert.Equal(t, []any{}, data["customPorts"], "customPorts is an array even when empty: %s", r.raw)
	ports, ok := data["ports"].([]any)
	require.True(t, ok)
	require.Len(t, ports, 2)
	ssh := ports[0].(map[string]any)
	jupyter := ports[1].(map[string]any)
	assert.Equal(t, float64(22), ssh["port"])
	assert.NotContains(t, ssh, "protocol", "system ports may have no protocol")
	assert.Equal(t, float64(8888), jupyter["port"])
	assert.Equal(t, "http/https", jupyter["protocol"])
	for _, p := range ports {
		m := p.(map[string]any)
		assert.Equal(t, alayatest.ExternalHost, m["externalHost"])
		ext := m["externalPort"].(float64)
		assert.True(t, ext >= alayatest.ExternalPortMin && ext <= alayatest.ExternalPortMax, "%v", ext)
	}
	assert.NotEqual(t, ssh["externalPort"], jupyter["externalPort"])

	s.AddInstance(inst) // idempotent
	r2 := c.list(inst)
	assert.JSONEq(t, string(r.raw), string(r2.raw))
}

func TestAuthentication(t *testing.T) {
	s, c := newServer(t)
	s.AddInstance(inst)
	tests := []struct {
		name   string
		auth   string
		status int
	}{
		{"missing", "", 40401},
		{"empty bearer", "Bearer ", 40401},
		{"wrong key", "Bearer nope", 40006},
		{"raw key without Bearer", s.APIKey, 40006},
		{"basic scheme", "Basic " + s.APIKey, 40006},
		{"key with suffix", "Bearer " + s.APIKey + "x", 40006},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, m := range []struct {
				method, path string
				body         any
			}{
				{http.MethodGet, instPath(inst, "open-port/list"), nil},
				{http.MethodPost, instPath(inst, "open-port"), map[string]any{"port": 0}}, // invalid: auth comes first
				{http.MethodPost, instPath("unknown", "close-port"), map[string]any{"port": 80}},
			} {
				r := c.doAuth(m.method, m.path, m.body, tt.auth)
				r.requireError(t, http.StatusUnauthorized, tt.status)
			}
		})
	}
	l, _ := s.Ports(inst)
	assert.Empty(t, l.CustomPorts)
	assert.Equal(t, http.StatusOK, c.doAuth(http.MethodGet, instPath(inst, "open-port/list"), nil, "bearer "+s.APIKey).status, "the scheme is case-insensitive")
}

func TestUnknownInstance(t *testing.T) {
	s, c := newServer(t)
	s.AddInstance(inst)
	for _, id := range []string{"other", strings.ToUpper(inst), inst + " "} {
		assert.Equal(t, "Forbidden", c.list(id).requireError(t, http.StatusForbidden, 403))
		assert.Equal(t, "Forbidden", c.open(id, 8080, "tcp").requireError(t, http.StatusForbidden, 403))
		assert.Equal(t, "Forbidden", c.closePort(id, 8080).requireError(t, http.StatusForbidden, 403))
	}
}

func TestOpenAndClose(t *testing.T) {
	s, c := newServer(t)
	s.AddInstance(inst)
	r := c.open(inst, 8080, "tcp")
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Equal(t, float64(200), r.body["status"])
	assert.Equal(t, "OK", r.body["message"])
	d := r.data(t)
	assert.Equal(t, float64(8080), d["internal_port"])
	assert.Equal(t, "tcp", d["protocol"])
	ext := d["external_port"].(float64)
	assert.True(t, ext >= alayatest.ExternalPortMin && ext <= alayatest.ExternalPortMax)

	r = c.open(inst, 80, "http/https")
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Equal(t, "http/https", r.data(t)["protocol"])
	assert.NotEqual(t, ext, r.data(t)["external_port"])

	l := c.list(inst)
	custom := l.data(t)["customPorts"].([]any)
	require.Len(t, custom, 2)
	assert.Equal(t, map[string]any{"port": float64(8080), "protocol": "tcp", "externalHost": alayatest.ExternalHost, "externalPort": ext}, custom[0])
	assert.Equal(t, float64(80), custom[1].(map[string]any)["port"], "custom ports in opening order")

	r = c.closePort(inst, 8080)
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.JSONEq(t, `{"status":200,"message":"OK","data":{}}`, string(r.raw))
	ports, ok := s.Ports(inst)
	require.True(t, ok)
	require.Len(t, ports.CustomPorts, 1)
	assert.Equal(t, 80, ports.CustomPorts[0].Port)
	require.Len(t, ports.Ports, 2)

	// Reopening works, and ports of another instance are separate.
	require.Equal(t, http.StatusOK, c.open(inst, 8080, "tcp").status)
	s.AddInstance("second")
	require.Equal(t, http.StatusOK, c.open("second", 8080, "tcp").status)
	p2, _ := s.Ports("second")
	require.Len(t, p2.CustomPorts, 1)
}

func TestOpenErrors(t *testing.T) {
	s, c := newServer(t)
	s.AddInstance(inst)
	require.Equal(t, http.StatusOK, c.open(inst, 8080, "tcp").status)

	tests := []struct {
		name string
		body any
		want string // part of the message
	}{
		{"already open", map[string]any{"port": 8080, "protocol": "tcp"}, "already open"},
		{"already open other protocol", map[string]any{"port": 8080, "protocol": "http/https"}, "already open"},
		{"reserved 22", map[string]any{"port": 22, "protocol": "tcp"}, "reserved"},
		{"reserved 8888", map[string]any{"port": 8888, "protocol": "http/https"}, "reserved"},
		{"reserved 9001", map[string]any{"port": 9001, "protocol": "tcp"}, "reserved"},
		{"reserved 9002", map[string]any{"port": 9002, "protocol": "tcp"}, "reserved"},
		{"zero", map[string]any{"port": 0, "protocol": "tcp"}, "port"},
		{"above range", map[string]any{"port": 65536, "protocol": "tcp"}, "port"},
		{"string port", map[string]any{"port": "80", "protocol": "tcp"}, "port"},
		{"missing port", map[string]any{"protocol": "tcp"}, "port"},
		{"missing protocol", map[string]any{"port": 80}, "protocol"},
		{"empty protocol", map[string]any{"port": 80, "protocol": ""}, "protocol"},
		{"not json", "port=80", "invalid request"},
		{"empty body", "", "invalid request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do(http.MethodPost, instPath(inst, "open-port"), tt.body)
			msg := r.requireError(t, http.StatusBadRequest, 400)
			assert.Contains(t, msg, tt.want)
		})
	}
	ports, _ := s.Ports(inst)
	assert.Len(t, ports.CustomPorts, 1, "no failed request opened a port")

	// Unknown fields are ignored.
	r := c.do(http.MethodPost, instPath(inst, "open-port"), map[string]any{"port": 81, "protocol": "tcp", "extra": true})
	assert.Equal(t, http.StatusOK, r.status, "%s", r.raw)
}

func TestMaxCustomPorts(t *testing.T) {
	s, c := newServer(t)
	s.AddInstance(inst)
	for i := 0; i < alayatest.MaxCustomPorts; i++ {
		r := c.open(inst, 10000+i, "tcp")
		require.Equal(t, http.StatusOK, r.status, "port %d: %s", i, r.raw)
	}
	msg := c.open(inst, 20000, "tcp").requireError(t, http.StatusBadRequest, 400)
	assert.Contains(t, msg, "at most 10")
	// Closing one makes room again.
	require.Equal(t, http.StatusOK, c.closePort(inst, 10000).status)
	require.Equal(t, http.StatusOK, c.open(inst, 20000, "tcp").status)
	ports, _ := s.Ports(inst)
	assert.Len(t, ports.CustomPorts, alayatest.MaxCustomPorts)
}

func TestCloseErrors(t *testing.T) {
	s, c := newServer(t)
	s.AddInstance(inst)
	require.Equal(t, http.StatusOK, c.open(inst, 8080, "tcp").status)
	tests := []struct {
		name string
		body any
		want string
	}{
		{"not open", map[string]any{"port": 7778}, "not open"},
		{"system 22", map[string]any{"port": 22}, "reserved"},
		{"system 8888", map[string]any{"port": 8888}, "reserved"},
		{"reserved 9001", map[string]any{"port": 9001}, "reserved"},
		{"zero", map[string]any{"port": 0}, "port"},
		{"above range", map[string]any{"port": 70000}, "port"},
		{"missing port", map[string]any{}, "port"},
		{"not json", "{", "invalid request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do(http.MethodPost, instPath(inst, "close-port"), tt.body)
			assert.Contains(t, r.requireError(t, http.StatusBadRequest, 400), tt.want)
		})
	}
	require.Equal(t, http.StatusOK, c.closePort(inst, 8080).status)
	c.closePort(inst, 8080).requireError(t, http.StatusBadRequest, 400)
	ports, _ := s.Ports(inst)
	assert.Empty(t, ports.CustomPorts)
	assert.NotNil(t, ports.CustomPorts)
	assert.Len(t, ports.Ports, 2, "system ports stay")
}

func TestExternalPortsAreUniqueAndReused(t *testing.T) {
	s, c := newServer(t)
	seen := map[float64]bool{}
	for _, id := range []string{"a", "b", "c"} {
		s.AddInstance(id)
		for _, p := range c.list(id).data(t)["ports"].([]any) {
			ext := p.(map[string]any)["externalPort"].(float64)
			assert.False(t, seen[ext], "external port %v given twice", ext)
			seen[ext] = true
		}
		for i := 0; i < 5; i++ {
			ext := c.open(id, 1000+i, "tcp").data(t)["external_port"].(float64)
			assert.False(t, seen[ext], "external port %v given twice", ext)
			seen[ext] = true
		}
	}
	assert.Len(t, seen, 3*(2+5))
}

func TestEscapedInstanceID(t *testing.T) {
	s, c := newServer(t)
	odd := "a/b?c#d%e f"
	s.AddInstance(odd)
	require.Equal(t, http.StatusOK, c.open(odd, 8080, "tcp").status)
	r := c.list(odd)
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	assert.Len(t, r.data(t)["customPorts"], 1)
	require.Equal(t, http.StatusOK, c.closePort(odd, 8080).status)
	for _, near := range []string{"a", "a/b", "a%2Fb?c#d%e f", "a/b?c#d%25e f"} {
		c.list(near).requireError(t, http.StatusForbidden, 403)
	}
	reqs := s.Requests()
	assert.Equal(t, alayatest.PathPrefix+"/v1/cci/instance/a%2Fb%3Fc%23d%25e%20f/open-port", reqs[0].URI)

	// Unescaped, the "/" splits the path: a wrong path.
	r = c.do(http.MethodGet, "/v1/cci/instance/a/b/open-port/list", nil)
	assert.Equal(t, http.StatusOK, r.status)
	assert.Contains(t, r.header.Get("Content-Type"), "text/html")
}

func TestWrongPathsGetTheWebsite(t *testing.T) {
	s, c := newServer(t)
	s.AddInstance(inst)
	for _, path := range []string{
		"/",
		"",
		"/v1/cci/instance/" + inst,
		"/v1/cci/instance/" + inst + "/open-port/list/",
		"/v1/cci/instance/" + inst + "/ports",
		"/v1/cci/instance//open-port/list",
		"/v2/cci/instance/" + inst + "/open-port/list",
	} {
		r := c.doAuth(http.MethodGet, path, nil, "")
		assert.Equal(t, http.StatusOK, r.status, path)
		assert.Contains(t, r.header.Get("Content-Type"), "text/html", path)
		assert.Contains(t, string(r.raw), "<!DOCTYPE html>", path)
	}
	before := s.RequestCount()
	resp, err := s.Client().Get(strings.TrimSuffix(s.URL, alayatest.PathPrefix) + instPath(inst, "open-port/list"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/html", "the API is not served outside the prefix")
	assert.Equal(t, before+1, s.RequestCount())
}

func TestMethodNotAllowed(t *testing.T) {
	s, c := newServer(t)
	s.AddInstance(inst)
	r := c.do(http.MethodGet, instPath(inst, "open-port"), nil)
	r.requireError(t, http.StatusMethodNotAllowed, 405)
	assert.Equal(t, "POST", r.header.Get("Allow"))
	r = c.do(http.MethodPost, instPath(inst, "open-port/list"), map[string]any{})
	r.requireError(t, http.StatusMethodNotAllowed, 405)
	assert.Equal(t, "GET", r.header.Get("Allow"))
}

func TestRequestLog(t *testing.T) {
	s, c := newServer(t)
	s.AddInstance(inst)
	assert.Equal(t, 0, s.RequestCount())
	c.list(inst)
	c.doAuth(http.MethodPost, instPath(inst, "open-port"), map[string]any{"port": 1}, "")
	c.open(inst, 0, "tcp")
	assert.Equal(t, 3, s.RequestCount())
	reqs := s.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, http.MethodGet, reqs[0].Method)
	assert.Equal(t, "Bearer "+s.APIKey, reqs[0].Header.Get("Authorization"))
	assert.JSONEq(t, `{"port":1}`, string(reqs[1].Body))
	assert.Empty(t, reqs[1].Header.Get("Authorization"))
	reqs[1].Body[0] = 'X'
	assert.JSONEq(t, `{"port":1}`, string(s.Requests()[1].Body), "Requests returns copies")
}

func TestHandlerMount(t *testing.T) {
	h := alayatest.NewHandler("k")
	h.AddInstance(inst)
	mux := http.NewServeMux()
	mux.Handle("/alaya-api/", http.StripPrefix("/alaya-api", h))
	mux.HandleFunc("/other/", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	base := newMuxServer(t, mux)
	c := &tc{t: t, base: base + "/alaya-api", key: "k", hc: &http.Client{Transport: newValidatingTransport(t, "/alaya-api", http.DefaultTransport)}}
	require.Equal(t, http.StatusOK, c.open(inst, 8080, "tcp").status)
	assert.Len(t, c.list(inst).data(t)["customPorts"], 1)
	assert.Equal(t, 2, h.RequestCount())
	_, ok := h.Ports("nope")
	assert.False(t, ok)

	s, sc := newServer(t)
	s.Handler().AddInstance(inst)
	require.Equal(t, http.StatusOK, sc.list(inst).status)
	assert.Equal(t, 1, s.Handler().RequestCount())

	empty := alayatest.NewHandler("")
	empty.AddInstance(inst)
	ec := &tc{t: t, base: newMuxServer(t, empty), hc: http.DefaultClient}
	ec.doAuth(http.MethodGet, instPath(inst, "open-port/list"), nil, "Bearer x").requireError(t, http.StatusUnauthorized, 40006)
}
