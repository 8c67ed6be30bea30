package alayatest_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/runtime/alayasign"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
)

const inst = "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0"

func TestNewServer(t *testing.T) {
	s, _ := newServer(t)
	assert.True(t, strings.HasPrefix(s.URL, "http://127.0.0.1:"), s.URL)
	assert.True(t, strings.HasSuffix(s.URL, "/api/osm"), "the API is served under the live service's prefix: %s", s.URL)
	assert.GreaterOrEqual(t, len(s.AccessKey.ID), 16)
	assert.GreaterOrEqual(t, len(s.AccessKey.Secret), 32)
	assert.GreaterOrEqual(t, len(s.APIKey), 32)
	assert.Empty(t, s.Handler().APIKey(), "no bearer key is accepted unless the test asks for it")
	other := alayatest.NewServer()
	defer other.Close()
	assert.NotEqual(t, s.AccessKey, other.AccessKey, "keys are random")
	assert.NotEqual(t, s.APIKey, other.APIKey, "keys are random")
	assert.Equal(t, other.AccessKey, other.Handler().AccessKey())
	other.AcceptAPIKey()
	assert.Equal(t, other.APIKey, other.Handler().APIKey())
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
	for i, want := range []float64{9001, 9002} {
		p := ports[i].(map[string]any)
		assert.Equal(t, want, p["port"], "the system ports are 9001 and 9002")
		assert.NotContains(t, p, "protocol", "system ports have no protocol")
		assert.Equal(t, alayatest.ExternalHost, p["externalHost"])
		ext := p["externalPort"].(float64)
		assert.True(t, ext >= alayatest.ExternalPortMin && ext <= alayatest.ExternalPortMax, "%v", ext)
	}
	assert.NotEqual(t, ports[0].(map[string]any)["externalPort"], ports[1].(map[string]any)["externalPort"])

	s.AddInstance(inst) // idempotent
	r2 := c.list(inst)
	assert.JSONEq(t, string(r.raw), string(r2.raw))
}

// authCalls are one request of each operation; the open body is invalid and the close instance
// unknown, because authentication comes first.
var authCalls = []struct {
	method, path string
	body         any
}{
	{http.MethodGet, instPath(inst, "open-port/list"), nil},
	{http.MethodPost, instPath(inst, "open-port"), map[string]any{"port": 0}},
	{http.MethodPost, instPath("unknown", "close-port"), map[string]any{"port": 80}},
}

// TestSignedAuthentication protects the signature check: each way a signed request can fail
// gets the live service's status, HTTP 401 and {"status", "message"} without data.
func TestSignedAuthentication(t *testing.T) {
	s, c := newServer(t)
	s.AddInstance(inst)
	now := time.Now()
	key := s.AccessKey
	signAs := func(id, secret string, at time.Time, method string, path func(*http.Request) string) func(*http.Request) string {
		return func(req *http.Request) string {
			if method == "" {
				method = req.Method
			}
			return alayasign.Authorization(id, secret, at, method, path(req))
		}
	}
	sent := func(req *http.Request) string { return alayasign.RequestPath(req.URL) }
	good := c.signed(now)
	tests := []struct {
		name   string
		auth   func(*http.Request) string
		status int
	}{
		{"no header", header(""), 40401},
		{"bearer without WithAPIKey", header("Bearer " + key.Secret), 40001},
		{"basic scheme", header("Basic " + key.Secret), 40001},
		{"scheme only", header(alayasign.Scheme), 40001},
		{"two parts", func(r *http.Request) string { v := good(r); return v[:strings.LastIndex(v, ":")] }, 40001},
		{"empty id", func(r *http.Request) string { return strings.Replace(good(r), key.ID+":", ":", 1) }, 40001},
		{"six minutes behind", c.signed(now.Add(-6 * time.Minute)), 40002},
		{"six minutes ahead", c.signed(now.Add(6 * time.Minute)), 40002},
		{"timestamp in seconds", func(r *http.Request) string {
			return alayasign.Scheme + " " + key.ID + ":" + strconv.FormatInt(now.Unix(), 10) + ":" + alayasign.Signature(key.Secret, now.Unix(), r.Method, sent(r))
		}, 40002},
		{"unknown access key", signAs("AK-other", key.Secret, now, "", sent), 40006},
		{"wrong secret", signAs(key.ID, key.Secret+"x", now, "", sent), 40003},
		{"other method", signAs(key.ID, key.Secret, now, "PUT", sent), 40003},
		{"path without the prefix", signAs(key.ID, key.Secret, now, "", func(r *http.Request) string {
			return strings.TrimPrefix(sent(r), alayatest.PathPrefix)
		}), 40003},
		{"path with the query", signAs(key.ID, key.Secret, now, "", func(r *http.Request) string { return sent(r) + "?a=1" }), 40003},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, m := range authCalls {
				c.doAuth(m.method, m.path, m.body, tt.auth).requireAuthError(t, tt.status)
			}
		})
	}
	l, _ := s.Ports(inst)
	assert.Empty(t, l.CustomPorts)

	// The live service's own messages for the two it was seen to answer.
	assert.JSONEq(t, `{"status":40401,"message":"Login credential expired, please log in again"}`, string(c.doAuth(http.MethodGet, instPath(inst, "open-port/list"), nil, header("")).raw))
	assert.JSONEq(t, `{"status":40006,"message":"API key not found"}`, string(c.doAuth(http.MethodGet, instPath(inst, "open-port/list"), nil, signAs("AK-other", "x", now, "", sent)).raw))

	// Accepted: four minutes off either way, the query unsigned, the scheme in any case.
	for _, auth := range []func(*http.Request) string{
		c.signed(now.Add(-4 * time.Minute)),
		c.signed(now.Add(4 * time.Minute)),
		func(r *http.Request) string {
			return strings.Replace(good(r), alayasign.Scheme, strings.ToLower(alayasign.Scheme), 1)
		},
	} {
		assert.Equal(t, http.StatusOK, c.doAuth(http.MethodGet, instPath(inst, "open-port/list"), nil, auth).status)
	}
	assert.Equal(t, http.StatusOK, c.doAuth(http.MethodGet, instPath(inst, "open-port/list")+"?a=1", nil, good).status, "the query is not signed")

	// The path is signed as sent, escaped: an id with a space and a slash.
	odd := "a b/c"
	s.AddInstance(odd)
	c.doAuth(http.MethodGet, instPath(odd, "open-port/list"), nil, signAs(key.ID, key.Secret, now, "", func(r *http.Request) string { return r.URL.Path })).requireAuthError(t, 40003)
	assert.Equal(t, http.StatusOK, c.list(odd).status)
}

// TestServerClock protects SetClock: the window is measured from the server's clock.
func TestServerClock(t *testing.T) {
	skew := 2 * time.Hour
	s, c := newServer(t)
	s.SetClock(func() time.Time { return time.Now().Add(skew) })
	s.AddInstance(inst)
	c.list(inst).requireAuthError(t, 40002)
	assert.Equal(t, http.StatusOK, c.doAuth(http.MethodGet, instPath(inst, "open-port/list"), nil, c.signed(time.Now().Add(skew))).status)
	s.SetClock(nil)
	assert.Equal(t, http.StatusOK, c.list(inst).status)
}

// TestKeyState protects SetKeyState: a correctly signed request with a disabled key is 40004,
// with an expired key 40005, and a wrong signature is still 40003.
func TestKeyState(t *testing.T) {
	s, c := newServer(t)
	s.AddInstance(inst)
	for _, tc := range []struct {
		state  alayatest.KeyState
		status int
	}{{alayatest.KeyDisabled, 40004}, {alayatest.KeyExpired, 40005}} {
		s.SetKeyState(tc.state)
		for _, m := range authCalls {
			c.doAuth(m.method, m.path, m.body, c.signed(time.Now())).requireAuthError(t, tc.status)
		}
		bad := *c
		bad.key.Secret += "x"
		bad.list(inst).requireAuthError(t, 40003)
	}
	s.SetKeyState(alayatest.KeyActive)
	assert.Equal(t, http.StatusOK, c.list(inst).status)
	ports, _ := s.Ports(inst)
	assert.Empty(t, ports.CustomPorts)
}

// TestSetAccessKey protects a fixed AccessKey pair: its signatures are accepted, the old pair's
// and a wrong secret's refused.
func TestSetAccessKey(t *testing.T) {
	k := alaya.AccessKey{ID: "test-access", Secret: "test-secret"}
	s, c := newServer(t)
	s.AddInstance(inst)
	old := s.AccessKey
	s.SetAccessKey(k)
	assert.Equal(t, k, s.AccessKey)
	assert.Equal(t, k, s.Handler().AccessKey())
	c.list(inst).requireAuthError(t, 40006)
	c.key = k
	assert.Equal(t, http.StatusOK, c.list(inst).status)
	c.key.Secret = old.Secret
	c.list(inst).requireAuthError(t, 40003)
}

// TestBearerKey protects the bearer key a test asks for (AcceptAPIKey, SetAPIKey): accepted
// exactly, next to signed requests. Issue 12 item 10: the key is compared exactly, so a key
// with a trailing Unicode space (NBSP) or any other change is refused.
func TestBearerKey(t *testing.T) {
	s, c := newServer(t)
	s.AddInstance(inst)
	bearerList := func() result {
		return c.doAuth(http.MethodGet, instPath(inst, "open-port/list"), nil, header("Bearer "+s.APIKey))
	}
	bearerList().requireAuthError(t, 40001)
	s.AcceptAPIKey()
	assert.Equal(t, http.StatusOK, bearerList().status)
	s.Handler().SetAPIKey("")
	bearerList().requireAuthError(t, 40001)

	s.Handler().SetAPIKey("my-key")
	list := func(auth string) result {
		return c.doAuth(http.MethodGet, instPath(inst, "open-port/list"), nil, header(auth))
	}
	assert.Equal(t, http.StatusOK, list("Bearer my-key").status)
	assert.Equal(t, http.StatusOK, list("bearer my-key").status, "the scheme is case-insensitive")
	assert.Equal(t, http.StatusOK, c.list(inst).status, "signed requests are still accepted")
	for _, auth := range []string{
		"Bearer my-key\u00a0", "Bearer \u00a0my-key", "Bearer my-key\u3000", "Bearer my-key\u2003",
		"Bearer  my-key", "Bearer my-keyx", "Bearer my-ke", "Bearer MY-KEY",
	} {
		list(auth).requireAuthError(t, 40006)
	}
	// (Spaces and tabs around a header value are not part of it in HTTP: net/http drops them.)
	list("my-key").requireAuthError(t, 40001)
	list("Bearer ").requireAuthError(t, 40001)
	list("Token my-key").requireAuthError(t, 40001)
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
		{"reserved 22", map[string]any{"port": 22}, "reserved"},
		{"reserved 8888", map[string]any{"port": 8888}, "reserved"},
		{"system 9001", map[string]any{"port": 9001}, "reserved"},
		{"system 9002", map[string]any{"port": 9002}, "reserved"},
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
		r := c.doAuth(http.MethodGet, path, nil, header(""))
		assert.Equal(t, http.StatusOK, r.status, path)
		assert.Contains(t, r.header.Get("Content-Type"), "text/html", path)
		assert.Contains(t, string(r.raw), "<!DOCTYPE html>", path)
	}
	// The pages' URL, without /api/osm: the console's page, however well signed, as the live
	// service answers.
	before := s.RequestCount()
	root := &tc{t: t, base: strings.TrimSuffix(s.URL, alayatest.PathPrefix), key: s.AccessKey, hc: s.Client()}
	for _, r := range []result{root.list(inst), root.open(inst, 8080, "tcp"), root.closePort(inst, 8080)} {
		assert.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, "text/html; charset=utf-8", r.header.Get("Content-Type"), "the API is not served outside the prefix")
		assert.Contains(t, string(r.raw), "<!DOCTYPE html>")
	}
	assert.Equal(t, before+3, s.RequestCount())
	ports, _ := s.Ports(inst)
	assert.Empty(t, ports.CustomPorts)
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
	c.doAuth(http.MethodPost, instPath(inst, "open-port"), map[string]any{"port": 1}, header(""))
	c.open(inst, 0, "tcp")
	assert.Equal(t, 3, s.RequestCount())
	reqs := s.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, http.MethodGet, reqs[0].Method)
	assert.True(t, strings.HasPrefix(reqs[0].Header.Get("Authorization"), alayasign.Scheme+" "+s.AccessKey.ID+":"), reqs[0].Header.Get("Authorization"))
	assert.JSONEq(t, `{"port":1}`, string(reqs[1].Body))
	assert.Empty(t, reqs[1].Header.Get("Authorization"))
	reqs[1].Body[0] = 'X'
	assert.JSONEq(t, `{"port":1}`, string(s.Requests()[1].Body), "Requests returns copies")
}

// TestHandlerMount protects mounting: a Handler under any prefix verifies signatures over the
// path as sent, mount prefix included.
func TestHandlerMount(t *testing.T) {
	h := alayatest.NewHandler()
	h.AddInstance(inst)
	mux := http.NewServeMux()
	mux.Handle("/alaya-api/", http.StripPrefix("/alaya-api", h))
	mux.HandleFunc("/other/", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	base := newMuxServer(t, mux)
	c := &tc{t: t, base: base + "/alaya-api", key: h.AccessKey(), hc: validatingClient(t, base+"/alaya-api", http.DefaultTransport)}
	require.Equal(t, http.StatusOK, c.open(inst, 8080, "tcp").status)
	assert.Len(t, c.list(inst).data(t)["customPorts"], 1)
	assert.Equal(t, 2, h.RequestCount())
	_, ok := h.Ports("nope")
	assert.False(t, ok)
	c.doAuth(http.MethodGet, instPath(inst, "open-port/list"), nil, func(r *http.Request) string {
		return alayasign.Authorization(c.key.ID, c.key.Secret, time.Now(), r.Method, strings.TrimPrefix(r.URL.EscapedPath(), "/alaya-api"))
	}).requireAuthError(t, 40003)

	s, sc := newServer(t)
	s.Handler().AddInstance(inst)
	require.Equal(t, http.StatusOK, sc.list(inst).status)
	assert.Equal(t, 1, s.Handler().RequestCount())

	// A handler called directly (no RequestURI) signs over the URL's escaped path.
	req := httptest.NewRequest(http.MethodGet, "http://alaya.test/v1/cci/instance/"+inst+"/open-port/list", nil)
	req.RequestURI = ""
	req.Header.Set("Authorization", alayasign.Authorization(h.AccessKey().ID, h.AccessKey().Secret, time.Now(), http.MethodGet, req.URL.EscapedPath()))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
}
