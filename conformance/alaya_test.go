package conformance_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/runtime/alayasign"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
)

// TestAlayaLifecycle is a port's life, scripted as a user would through the public client.
func TestAlayaLifecycle(t *testing.T) {
	r := newAlayaRig(t)
	c := ctx(t)

	ports, err := r.c.ListOpenPorts(c, inst)
	require.NoError(t, err)
	assert.Empty(t, ports.CustomPorts)
	require.Len(t, ports.Ports, 2, "the system ports")

	m, err := r.c.OpenPort(c, inst, 8080, "tcp")
	require.NoError(t, err)
	assert.Equal(t, 8080, m.InternalPort)
	assert.Equal(t, "tcp", m.Protocol)
	assert.GreaterOrEqual(t, m.ExternalPort, alayatest.ExternalPortMin)
	assert.LessOrEqual(t, m.ExternalPort, alayatest.ExternalPortMax)

	ports, err = r.c.ListOpenPorts(c, inst)
	require.NoError(t, err)
	assert.Equal(t, []alaya.OpenPort{{Protocol: "tcp", Port: 8080, ExternalHost: alayatest.ExternalHost, ExternalPort: m.ExternalPort}}, ports.CustomPorts)

	require.NoError(t, r.c.ClosePort(c, inst, 8080))

	ports, err = r.c.ListOpenPorts(c, inst)
	require.NoError(t, err)
	assert.Empty(t, ports.CustomPorts)
	assert.NotNil(t, ports.CustomPorts)

	assert.Equal(t, 5, r.v.Requests())
	assert.Equal(t, 5, r.srv.RequestCount())
	requireConforms(t, r.v)
}

// TestAlayaSweep opens and closes ports with the protocols the pages show, on a plain and on an
// escaped instance id; every request and answer must conform.
func TestAlayaSweep(t *testing.T) {
	r := newAlayaRig(t)
	c := ctx(t)
	// gorillamux matches the escaped path, so an id with "/", "?", "#", "%" or a space is
	// validated like any other; the server receives the exact id.
	odd := "inst/a b?c#d%2F实例"
	r.srv.AddInstance(odd)
	for _, id := range []string{inst, odd} {
		for i, proto := range []string{"http/https", "tcp", "udp"} {
			port := 7000 + i
			m, err := r.c.OpenPort(c, id, port, proto)
			require.NoError(t, err)
			assert.Equal(t, port, m.InternalPort)
			assert.Equal(t, proto, m.Protocol)
		}
		ports, err := r.c.ListOpenPorts(c, id)
		require.NoError(t, err)
		require.Len(t, ports.CustomPorts, 3)
		for i := range 3 {
			require.NoError(t, r.c.ClosePort(c, id, 7000+i))
		}
		stored, ok := r.srv.Ports(id)
		require.True(t, ok)
		assert.Empty(t, stored.CustomPorts)
	}
	reqs := r.srv.Requests()
	require.Len(t, reqs, 14)
	for _, req := range reqs[7:] {
		assert.True(t, strings.HasPrefix(req.URI, alayatest.PathPrefix+"/v1/cci/instance/inst%2Fa%20b%3Fc%23d%252F%E5%AE%9E%E4%BE%8B/"), req.URI)
	}
	assert.Equal(t, 14, r.v.Requests())
	requireConforms(t, r.v)
}

// TestAlayaErrorStatuses covers, through the public client, every error status the test server
// produces from a client request: 401 (wrong secret 40003, unknown access key 40006, a clock six
// minutes off 40002, the pages' bearer key 40001), 403 (unknown instance), 400 (reserved,
// duplicate, too many, not open; answered under the spec's default response) and 500 (no
// external port left). Each answer must conform; the client returns a *wrapper.APIError with
// the HTTP status and the envelope status.
func TestAlayaErrorStatuses(t *testing.T) {
	r := newAlayaRig(t)
	c := ctx(t)
	key := r.srv.AccessKey
	wrongSecret := r.client(t, alaya.AccessKey{ID: key.ID, Secret: key.Secret + "x"})
	unknownKey := r.client(t, alaya.AccessKey{ID: key.ID + "x", Secret: key.Secret})
	slowClock := r.client(t, key, alaya.WithClock(func() time.Time { return time.Now().Add(-6 * time.Minute) }))
	bearer := r.client(t, alaya.BearerKey(r.srv.APIKey))
	list := func(cl *alaya.Client, id string) error { _, err := cl.ListOpenPorts(c, id); return err }
	open := func(port int) func(*alaya.Client, string) error {
		return func(cl *alaya.Client, id string) error { _, err := cl.OpenPort(c, id, port, "tcp"); return err }
	}
	closePort := func(port int) func(*alaya.Client, string) error {
		return func(cl *alaya.Client, id string) error { return cl.ClosePort(c, id, port) }
	}
	ops := map[string]func(*alaya.Client, string) error{"list": list, "open": open(8080), "close": closePort(8080)}

	type tcase struct {
		name         string
		client       *alaya.Client
		id           string
		call         func(*alaya.Client, string) error
		status, code int
	}
	var cases []tcase
	for _, op := range []string{"list", "open", "close"} {
		cases = append(cases,
			tcase{op + "/401 wrong secret", wrongSecret, inst, ops[op], http.StatusUnauthorized, 40003},
			tcase{op + "/401 unknown access key", unknownKey, inst, ops[op], http.StatusUnauthorized, 40006},
			tcase{op + "/401 clock six minutes behind", slowClock, inst, ops[op], http.StatusUnauthorized, 40002},
			tcase{op + "/401 bearer key", bearer, inst, ops[op], http.StatusUnauthorized, 40001},
			tcase{op + "/403 unknown instance", r.c, "no-such-instance", ops[op], http.StatusForbidden, 403},
		)
	}
	cases = append(cases,
		tcase{"open/400 reserved port 22", r.c, inst, open(22), http.StatusBadRequest, 400},
		tcase{"open/400 reserved port 9001", r.c, inst, open(9001), http.StatusBadRequest, 400},
		tcase{"close/400 reserved port 8888", r.c, inst, closePort(8888), http.StatusBadRequest, 400},
		tcase{"close/400 port not open", r.c, inst, closePort(8081), http.StatusBadRequest, 400},
		tcase{"open/400 already open", r.c, inst, open(9000), http.StatusBadRequest, 400},
		tcase{"open/400 eleventh custom port", r.c, "full", open(9500), http.StatusBadRequest, 400},
	)
	_, err := r.c.OpenPort(c, inst, 9000, "tcp")
	require.NoError(t, err)
	r.srv.AddInstance("full")
	for i := range alayatest.MaxCustomPorts {
		_, err := r.c.OpenPort(c, "full", 9100+i, "tcp")
		require.NoError(t, err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := r.srv.RequestCount()
			requireAPIError(t, tc.call(tc.client, tc.id), tc.status, tc.code)
			assert.Equal(t, before+1, r.srv.RequestCount(), "one request, never retried")
			requireConforms(t, r.v)
		})
	}

	t.Run("open/500 no external port left", func(t *testing.T) {
		// External ports in use: 2 system ports per instance ("inst-1" and "full"), 1 custom
		// port on "inst-1", 10 on "full". Fill the range with the system ports of new instances
		// (two each) until "last" takes the final two or three; open what is left, then one more.
		free := alayatest.ExternalPortMax - alayatest.ExternalPortMin + 1 - 2*2 - (1 + alayatest.MaxCustomPorts)
		for i := 0; free >= 4; i++ {
			r.srv.AddInstance(fmt.Sprintf("filler-%d", i))
			free -= 2
		}
		r.srv.AddInstance("last")
		free -= 2
		for i := range free {
			_, err := r.c.OpenPort(c, "last", 10000+i, "tcp")
			require.NoError(t, err)
		}
		_, err := r.c.OpenPort(c, "last", 10100, "tcp")
		requireAPIError(t, err, http.StatusInternalServerError, 500)
		requireConforms(t, r.v)
	})
	assert.Equal(t, r.srv.RequestCount(), r.v.Requests())
}

// TestAlayaRawRequests covers what the client cannot send, with raw requests through the
// Validator: each non-conforming request is flagged, and the server's answer still conforms.
func TestAlayaRawRequests(t *testing.T) {
	r := newAlayaRig(t)
	base := r.srv.URL + "/v1/cci/instance/" + inst
	// sign is the signed Authorization header of a request, as the client computes it.
	sign := func(method, rawURL string) string {
		u, err := url.Parse(rawURL)
		require.NoError(t, err)
		return alayasign.Authorization(r.srv.AccessKey.ID, r.srv.AccessKey.Secret, time.Now(), method, alayasign.RequestPath(u))
	}

	t.Run("401 no key", func(t *testing.T) {
		// The client refuses an empty key; the spec's bearer scheme needs one.
		res := raw(t, r.v, http.MethodGet, base+"/open-port/list", "", "")
		assert.Equal(t, http.StatusUnauthorized, res.status, res.body)
		assert.Contains(t, res.body, `"status":40401`)
		requireRequestFailure(t, r.v, "security requirements failed")
	})
	t.Run("401 key without Bearer", func(t *testing.T) {
		// Neither a signed header nor a bearer one: malformed.
		res := raw(t, r.v, http.MethodGet, base+"/open-port/list", r.srv.APIKey, "")
		assert.Equal(t, http.StatusUnauthorized, res.status, res.body)
		assert.Contains(t, res.body, `"status":40001`)
		requireRequestFailure(t, r.v, "security requirements failed")
	})
	t.Run("400 port out of range", func(t *testing.T) {
		for _, port := range []string{"0", "65536", "-1"} {
			res := raw(t, r.v, http.MethodPost, base+"/open-port", sign(http.MethodPost, base+"/open-port"), `{"port": `+port+`, "protocol": "tcp"}`)
			assert.Equal(t, http.StatusBadRequest, res.status, res.body)
			requireRequestFailure(t, r.v, "port")
		}
		res := raw(t, r.v, http.MethodPost, base+"/close-port", sign(http.MethodPost, base+"/close-port"), `{"port": 0}`)
		assert.Equal(t, http.StatusBadRequest, res.status, res.body)
		requireRequestFailure(t, r.v, "port")
	})
	t.Run("400 empty or missing protocol", func(t *testing.T) {
		res := raw(t, r.v, http.MethodPost, base+"/open-port", sign(http.MethodPost, base+"/open-port"), `{"port": 80, "protocol": ""}`)
		assert.Equal(t, http.StatusBadRequest, res.status, res.body)
		requireRequestFailure(t, r.v, "protocol")
		res = raw(t, r.v, http.MethodPost, base+"/open-port", sign(http.MethodPost, base+"/open-port"), `{"port": 80}`)
		assert.Equal(t, http.StatusBadRequest, res.status, res.body)
		requireRequestFailure(t, r.v, "protocol")
	})
	t.Run("401 signed forms", func(t *testing.T) {
		// A signed header in the scheme's form conforms, whether the server accepts it or not.
		list := base + "/open-port/list"
		listPath := alayatest.PathPrefix + "/v1/cci/instance/" + inst + "/open-port/list"
		for _, tc := range []struct {
			name, auth string
			code       int
		}{
			{"stale timestamp", alayasign.Authorization(r.srv.AccessKey.ID, r.srv.AccessKey.Secret, time.Now().Add(-time.Hour), http.MethodGet, listPath), 40002},
			{"signed without the prefix", alayasign.Authorization(r.srv.AccessKey.ID, r.srv.AccessKey.Secret, time.Now(), http.MethodGet, strings.TrimPrefix(listPath, alayatest.PathPrefix)), 40003},
			{"the pages' bearer key", "Bearer " + r.srv.APIKey, 40001},
		} {
			res := raw(t, r.v, http.MethodGet, list, tc.auth, "")
			assert.Equal(t, http.StatusUnauthorized, res.status, tc.name)
			assert.JSONEq(t, fmt.Sprintf(`{"status": %d, "message": %q}`, tc.code, res.bodyMessage(t)), res.body, tc.name)
			requireConforms(t, r.v)
		}
		res := raw(t, r.v, http.MethodGet, list, sign(http.MethodGet, list), "")
		assert.Equal(t, http.StatusOK, res.status, res.body)
		requireConforms(t, r.v)
	})
	t.Run("401 malformed signed header", func(t *testing.T) {
		res := raw(t, r.v, http.MethodGet, base+"/open-port/list", alayasign.Scheme+" "+r.srv.AccessKey.ID+" 1 2", "")
		assert.Equal(t, http.StatusUnauthorized, res.status, res.body)
		assert.Contains(t, res.body, `"status":40001`)
		requireRequestFailure(t, r.v, "security requirements failed")
	})
	t.Run("405 GET on open-port", func(t *testing.T) {
		res := raw(t, r.v, http.MethodGet, base+"/open-port", sign(http.MethodGet, base+"/open-port"), "")
		assert.Equal(t, http.StatusMethodNotAllowed, res.status, res.body)
		f := requireRequestFailure(t, r.v)
		assert.ErrorIs(t, f.Err, routers.ErrMethodNotAllowed)
	})
	t.Run("website page for a wrong path", func(t *testing.T) {
		res := raw(t, r.v, http.MethodGet, base+"/open-ports", sign(http.MethodGet, base+"/open-ports"), "")
		assert.Equal(t, http.StatusOK, res.status)
		assert.Contains(t, res.body, "<html")
		f := requireRequestFailure(t, r.v)
		assert.ErrorIs(t, f.Err, routers.ErrPathNotFound)
	})
	t.Run("a conforming raw request", func(t *testing.T) {
		body := `{"protocol": "http/https", "port": 3000}`
		res := raw(t, r.v, http.MethodPost, base+"/open-port", sign(http.MethodPost, base+"/open-port"), body)
		assert.Equal(t, http.StatusOK, res.status, res.body)
		reqs := r.srv.Requests()
		assert.Equal(t, body, string(reqs[len(reqs)-1].Body))
		requireConforms(t, r.v)
	})
	assert.Equal(t, r.srv.RequestCount(), r.v.Requests())
}

// bodyMessage returns the "message" of a JSON answer.
func (r rawResult) bodyMessage(t testing.TB) string {
	t.Helper()
	var env struct {
		Message string `json:"message"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.body), &env), r.body)
	return env.Message
}
