package conformance_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/conformance"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// TestValidatorCatchesBrokenRequests: deliberately broken requests sent through the Validator
// are reported, and Report turns each into a test error.
func TestValidatorCatchesBrokenRequests(t *testing.T) {
	r := newRainbondRig(t)
	_, err := r.c.AddPort(ctx(t), comp, rainbond.AddPortRequest{Port: 80, IsInnerService: true})
	require.NoError(t, err)
	one := r.srv.URL + "/openapi/v1/teams/team1/regions/region1/apps/7/services/gr123abc/ports/80"

	cases := []struct {
		name, method, url, auth, body string
		want                          []string
	}{
		{"undocumented action", http.MethodPut, one, r.srv.Token, `{"action": "only_open_outer"}`, []string{"action"}},
		{"unknown action", http.MethodPut, one, r.srv.Token, `{"action": "explode"}`, []string{"action"}},
		{"no action", http.MethodPut, one, r.srv.Token, `{"protocol": "tcp"}`, []string{`property "action" is missing`}},
		{"action of the wrong type", http.MethodPut, one, r.srv.Token, `{"action": 1}`, []string{"action"}},
		{"no body", http.MethodPut, one, r.srv.Token, ``, []string{"request body has an error"}},
		{"not JSON", http.MethodPut, one, r.srv.Token, `action=open_outer`, []string{"request body has an error"}},
		{"port given as a string", http.MethodPost, strings.TrimSuffix(one, "/80"), r.srv.Token, `{"port": "81", "is_inner_service": true}`, []string{"port"}},
		{"token with Bearer", http.MethodDelete, one, "Bearer " + r.srv.Token, ``, []string{"security requirements failed"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw(t, r.v, tc.method, tc.url, tc.auth, tc.body)
			fs := r.v.Failures()
			require.Len(t, fs, 1, "want one failure, got %v", fs)

			var tb fakeTB
			r.v.Report(&tb)
			require.Len(t, tb.errors, 1, "Report makes the test fail")
			assert.Contains(t, tb.errors[0], "request "+tc.method+" ")
			assert.Contains(t, tb.errors[0], "does not conform")
			requireRequestFailure(t, r.v, tc.want...)
			assert.Empty(t, r.v.Failures(), "TakeFailures forgets")
		})
	}
	t.Run("app_id not an integer", func(t *testing.T) {
		// The console's URL pattern refuses a letter in app_id with Django's HTML 404 page, which
		// the spec does not document (its 404 is JSON): the request and the answer are both flagged.
		res := raw(t, r.v, http.MethodGet, strings.Replace(strings.TrimSuffix(one, "/80"), "/apps/7/", "/apps/x7/", 1), r.srv.Token, "")
		assert.Equal(t, http.StatusNotFound, res.status)
		fs := r.v.TakeFailures()
		require.Len(t, fs, 2, "%v", fs)
		assert.True(t, fs[0].IsRequest())
		assert.Contains(t, fs[0].Err.Error(), `parameter "app_id"`)
		assert.Equal(t, http.StatusNotFound, fs[1].Status)
		assert.Contains(t, fs[1].Err.Error(), "Content-Type")
	})
	// The server answers as the console does: it accepts only_open_outer (undocumented, so the
	// spec leaves it out) and a port given as a string, which the Validator flags above.
	stored, _ := r.srv.Ports(comp)
	require.Len(t, stored, 2)
	assert.True(t, stored[0].IsOuterService, "the console accepts only_open_outer")
	assert.Equal(t, 81, stored[1].ContainerPort, "the console accepts a numeric string port")
}

// brokenServer answers every request with status, content type and body, under a path prefix
// like the test servers.
func brokenServer(t *testing.T, status int, contentType, body string) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(s.Close)
	return s.URL + "/prefix"
}

// TestValidatorCatchesBrokenResponses: answers that do not match the spec are reported, whatever
// the client makes of them.
func TestValidatorCatchesBrokenResponses(t *testing.T) {
	c := ctx(t)
	rainbondCases := []struct {
		name        string
		status      int
		contentType string
		body        string
		call        func(*rainbond.Client) error
		want        []string
	}{
		{"port missing fields", 200, "application/json",
			`{"code": 200, "msg": "success", "data": {"bean": {"container_port": 80, "protocol": "http"}, "list": []}}`,
			func(cl *rainbond.Client) error {
				_, err := cl.AddPort(c, comp, rainbond.AddPortRequest{Port: 80, IsInnerService: true})
				return err
			},
			[]string{`property "is_inner_service" is missing`, `property "k8s_service_name" is missing`}},
		{"list item missing fields", 200, "application/json",
			`{"code": 200, "msg": "success", "data": {"bean": {}, "list": [{"container_port": 80}]}}`,
			func(cl *rainbond.Client) error { _, err := cl.ListPorts(c, comp); return err },
			[]string{`property "mapping_port" is missing`}},
		{"port of the wrong type", 200, "application/json",
			`{"code": 200, "data": {"bean": {"container_port": "80", "mapping_port": 80, "lb_mapping_port": 0, "protocol": "http",
			  "port_alias": "WEB", "is_inner_service": true, "is_outer_service": false, "k8s_service_name": "web"}}}`,
			func(cl *rainbond.Client) error { _, err := cl.DeletePort(c, comp, 80); return err },
			[]string{"container_port"}},
		{"envelope without data", 200, "application/json", `{"code": 200, "msg": "success"}`,
			func(cl *rainbond.Client) error { _, err := cl.OpenOuter(c, comp, 80); return err },
			[]string{`property "data" is missing`}},
		{"HTML error page", 502, "text/html", `<html>Bad Gateway</html>`,
			func(cl *rainbond.Client) error { _, err := cl.ListPorts(c, comp); return err },
			[]string{"Content-Type"}},
		{"error with a non-integer code", 409, "application/json", `{"code": "20501", "msg": "component port already exists"}`,
			func(cl *rainbond.Client) error { _, err := cl.DeletePort(c, comp, 80); return err },
			[]string{"code"}},
	}
	for _, tc := range rainbondCases {
		t.Run("rainbond/"+tc.name, func(t *testing.T) {
			base := brokenServer(t, tc.status, tc.contentType, tc.body)
			v, err := conformance.NewRainbond(base, nil)
			require.NoError(t, err)
			cl, err := rainbond.NewClient(base, "token", rainbond.WithHTTPClient(v.HTTPClient()), rainbond.WithMaxRetries(0))
			require.NoError(t, err)
			_ = tc.call(cl) // the client may or may not notice; the Validator must
			f := requireResponseFailure(t, v, tc.status, tc.want...)
			assert.Contains(t, f.String(), "does not conform")
			assert.Equal(t, 1, v.Requests())
		})
	}

	alayaCases := []struct {
		name        string
		status      int
		contentType string
		body        string
		call        func(*alaya.Client) error
		want        []string
	}{
		{"website page with HTTP 200", 200, "text/html; charset=utf-8", `<!DOCTYPE html><html></html>`,
			func(cl *alaya.Client) error { _, err := cl.ListOpenPorts(c, inst); return err },
			[]string{"Content-Type"}},
		{"mapping in camelCase", 200, "application/json",
			`{"status": 200, "message": "OK", "data": {"externalPort": 30001, "internalPort": 8080, "protocol": "tcp"}}`,
			func(cl *alaya.Client) error { _, err := cl.OpenPort(c, inst, 8080, "tcp"); return err },
			[]string{`property "external_port" is missing`}},
		{"envelope without message", 200, "application/json", `{"status": 200, "data": {}}`,
			func(cl *alaya.Client) error { return cl.ClosePort(c, inst, 8080) },
			[]string{`property "message" is missing`}},
		{"error without status", 403, "application/json", `{"message": "Forbidden", "data": {}}`,
			func(cl *alaya.Client) error { return cl.ClosePort(c, inst, 8080) },
			[]string{`property "status" is missing`}},
		{"list port without port", 200, "application/json",
			`{"status": 200, "message": "OK", "data": {"ports": [{"protocol": "tcp"}], "customPorts": []}}`,
			func(cl *alaya.Client) error { _, err := cl.ListOpenPorts(c, inst); return err },
			[]string{`property "port" is missing`}},
	}
	for _, tc := range alayaCases {
		t.Run("alaya/"+tc.name, func(t *testing.T) {
			base := brokenServer(t, tc.status, tc.contentType, tc.body)
			v, err := conformance.NewAlaya(base, nil)
			require.NoError(t, err)
			cl, err := alaya.NewClient(alaya.BearerKey("key"), alaya.WithBaseURL(base), alaya.WithHTTPClient(v.HTTPClient()), alaya.WithMaxRetries(0))
			require.NoError(t, err)
			_ = tc.call(cl)
			requireResponseFailure(t, v, tc.status, tc.want...)
			assert.Equal(t, 1, v.Requests())
		})
	}
}

// tinySpec has one operation with one documented status and no default, to check the
// Validator's IncludeResponseStatus.
const tinySpec = `
openapi: 3.0.3
info: {title: tiny, version: "1"}
paths:
  /things/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, required: [id], properties: {id: {type: integer}}}
`

// TestValidatorUndocumentedStatus: a status the operation does not document (and no default)
// is a response failure.
func TestValidatorUndocumentedStatus(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		fails  bool
	}{
		{200, `{"id": 1}`, false},
		{200, `{"id": "1"}`, true},
		{418, `{"id": 1}`, true},
		{500, `{}`, true},
	} {
		base := brokenServer(t, tc.status, "application/json", tc.body)
		v, err := conformance.New([]byte(tinySpec), base, nil)
		require.NoError(t, err)
		res := raw(t, v, http.MethodGet, base+"/things/1", "", "")
		assert.Equal(t, tc.status, res.status)
		assert.Equal(t, tc.body, res.body, "the body reaches the caller intact")
		if !tc.fails {
			requireConforms(t, v)
			continue
		}
		f := requireResponseFailure(t, v, tc.status)
		if tc.status != 200 {
			assert.Contains(t, f.Err.Error(), "status is not supported")
		}
	}
}

// TestValidatorPrefix: the Validator matches only requests under the server URL it was given,
// prefix included.
func TestValidatorPrefix(t *testing.T) {
	base := brokenServer(t, 200, "application/json", `{"id": 1}`)
	v, err := conformance.New([]byte(tinySpec), base, nil)
	require.NoError(t, err)
	raw(t, v, http.MethodGet, strings.TrimSuffix(base, "/prefix")+"/things/1", "", "")
	requireRequestFailure(t, v, "no matching operation was found")
	raw(t, v, http.MethodGet, base+"/prefix/things/1", "", "")
	requireRequestFailure(t, v, "no matching operation was found")
	raw(t, v, http.MethodGet, base+"/things/1", "", "")
	requireConforms(t, v)
	assert.Equal(t, 3, v.Requests())
}

// TestValidatorBadSpec: New refuses a document that does not load or validate.
func TestValidatorBadSpec(t *testing.T) {
	_, err := conformance.New([]byte("openapi: 3.0.3\ninfo: [\n"), "http://127.0.0.1/x", nil)
	assert.Error(t, err)
	_, err = conformance.New([]byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  things: {}\n"), "http://127.0.0.1/x", nil)
	assert.Error(t, err)
}

// TestAuthenticate checks the AuthenticationFunc on both specs' schemes.
func TestAuthenticate(t *testing.T) {
	rb := newRainbondRig(t)
	al := newAlayaRig(t)
	rbList := rb.srv.URL + "/openapi/v1/teams/team1/regions/region1/apps/7/services/gr123abc/ports"
	alList := al.srv.URL + "/v1/cci/instance/" + inst + "/open-port/list"
	for _, tc := range []struct {
		v        *conformance.Validator
		url      string
		auth     []string
		conforms bool
	}{
		{rb.v, rbList, []string{rb.srv.Token}, true},
		{rb.v, rbList, []string{"any-other-token"}, true}, // conforms; the server says 401
		{rb.v, rbList, nil, false},
		{rb.v, rbList, []string{"Bearer " + rb.srv.Token}, false},
		{rb.v, rbList, []string{"Token " + rb.srv.Token}, false},
		{rb.v, rbList, []string{rb.srv.Token, rb.srv.Token}, false},
		{al.v, alList, []string{"Bearer " + al.srv.APIKey}, true},
		{al.v, alList, []string{"bearer " + al.srv.APIKey}, true},
		{al.v, alList, []string{"Bearer other"}, true}, // conforms; the server says 401
		{al.v, alList, nil, false},
		{al.v, alList, []string{al.srv.APIKey}, false},
		{al.v, alList, []string{"Bearer "}, false},
		{al.v, alList, []string{"Basic " + al.srv.APIKey}, false},
		{al.v, alList, []string{"Bearer a b"}, false},
		{al.v, alList, []string{"Bearer " + al.srv.APIKey, "Bearer " + al.srv.APIKey}, false},
	} {
		req, err := http.NewRequestWithContext(ctx(t), http.MethodGet, tc.url, nil)
		require.NoError(t, err)
		for _, a := range tc.auth {
			req.Header.Add("Authorization", a)
		}
		resp, err := tc.v.HTTPClient().Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		if tc.conforms {
			requireConforms(t, tc.v)
			continue
		}
		f := requireRequestFailure(t, tc.v, "security requirements failed")
		var se *openapi3filter.SecurityRequirementsError
		assert.ErrorAs(t, f.Err, &se, "%q", tc.auth)
	}
}
