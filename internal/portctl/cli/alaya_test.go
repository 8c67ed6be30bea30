package cli

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
)

const testInstance = "inst-1"

// newAlaya starts a test server with testInstance, which also accepts its bearer key, and returns
// it with the environment that points portctl at it with the AccessKey pair.
func newAlaya(t *testing.T) (*alayatest.Server, map[string]string) {
	t.Helper()
	s := alayatest.NewServer()
	s.AcceptAPIKey()
	t.Cleanup(s.Close)
	s.AddInstance(testInstance)
	return s, map[string]string{
		"ALAYA_URL": s.URL, "ALAYA_ACCESS_KEY": s.AccessKey.ID, "ALAYA_SECRET_KEY": s.AccessKey.Secret,
		"ALAYA_INSTANCE": testInstance,
	}
}

// bearerVars is vars with the bearer key of s instead of the AccessKey pair.
func bearerVars(s *alayatest.Server, vars map[string]string) map[string]string {
	return merge(without(vars, "ALAYA_ACCESS_KEY", "ALAYA_SECRET_KEY"), map[string]string{"ALAYA_API_KEY": s.APIKey})
}

func TestAlayaLifecycle(t *testing.T) {
	s, vars := newAlaya(t)
	ap := func(args ...string) result {
		t.Helper()
		r := runWith(t, vars, append([]string{"alaya", "ports"}, args...)...)
		require.Equal(t, 0, r.code, r)
		assert.Empty(t, r.stderr)
		return r
	}

	r := ap("list")
	assert.Equal(t, []string{"KIND", "PORT", "PROTOCOL", "EXTERNAL-HOST", "EXTERNAL-PORT"},
		strings.Fields(strings.Split(r.stdout, "\n")[0]))
	for _, row := range rows(r.stdout) {
		assert.Equal(t, "system", row[0], r.stdout)
	}
	require.NotEmpty(t, rows(r.stdout))

	r = ap("list", "-o", "json")
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &raw), r)
	assert.JSONEq(t, `[]`, string(raw["customPorts"]), "customPorts is always an array")
	assert.Contains(t, raw, "ports")

	r = ap("open", "--port", "8080", "--protocol", "http/https")
	require.Len(t, rows(r.stdout), 1)
	assert.Equal(t, []string{"8080", "http/https"}, rows(r.stdout)[0][:2])

	r = ap("open", "--port", "7778", "--protocol", "tcp", "-o", "json")
	var mapping map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &mapping), r)
	assert.ElementsMatch(t, []string{"external_port", "internal_port", "protocol"}, keysOf(mapping))
	assert.Equal(t, float64(7778), mapping["internal_port"])
	assert.Equal(t, "tcp", mapping["protocol"])

	r = ap("list")
	var custom []string
	for _, row := range rows(r.stdout) {
		if row[0] == "custom" {
			custom = append(custom, row[1]+"/"+row[2])
		}
	}
	assert.Equal(t, []string{"8080/http/https", "7778/tcp"}, custom)

	r = ap("list", "-o", "json")
	var list struct {
		Ports       []map[string]any `json:"ports"`
		CustomPorts []map[string]any `json:"customPorts"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &list), r)
	require.Len(t, list.CustomPorts, 2)
	assert.Subset(t, keysOf(list.CustomPorts[0]), []string{"port", "protocol", "externalHost", "externalPort"})

	r = ap("close", "--port", "8080")
	assert.Equal(t, "closed port 8080 of instance inst-1\n", r.stdout)
	r = ap("close", "--port", "7778", "-o", "json")
	assert.JSONEq(t, `{}`, r.stdout)

	ports, ok := s.Ports(testInstance)
	require.True(t, ok)
	assert.Empty(t, ports.CustomPorts)
}

func keysOf(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

func TestAlayaUsageErrorsSendNothing(t *testing.T) {
	s, vars := newAlaya(t)
	cases := []struct {
		name   string
		vars   map[string]string
		args   []string
		stderr string
	}{
		{"missing protocol", vars, []string{"open", "--port", "8080"}, "missing required flag --protocol"},
		{"empty protocol", vars, []string{"open", "--port", "8080", "--protocol", ""}, "invalid --protocol: must not be empty"},
		{"missing port", vars, []string{"close"}, "missing required flag --port"},
		{"port out of range", vars, []string{"open", "--port", "65536", "--protocol", "tcp"}, "invalid --port: 65536 is outside"},
		{"non-numeric port", vars, []string{"close", "--port", "eighty"}, `invalid --port "eighty": not a number`},
		{"bad output", vars, []string{"list", "-o", "xml"}, `invalid --output "xml"`},
		{"missing credential", without(vars, "ALAYA_ACCESS_KEY", "ALAYA_SECRET_KEY"), []string{"list"},
			"missing credential: --access-key and --secret-key (or set ALAYA_ACCESS_KEY and ALAYA_SECRET_KEY), or --api-key (or set ALAYA_API_KEY) for a bearer key"},
		{"missing secret", without(vars, "ALAYA_SECRET_KEY"), []string{"list"},
			"missing --secret-key (or set ALAYA_SECRET_KEY): ALAYA_ACCESS_KEY needs its secret"},
		{"missing access key", without(vars, "ALAYA_ACCESS_KEY"), []string{"list"},
			"missing --access-key (or set ALAYA_ACCESS_KEY): ALAYA_SECRET_KEY needs its AccessKey ID"},
		{"pair and bearer key in the environment", merge(vars, map[string]string{"ALAYA_API_KEY": "some-bearer-key"}), []string{"list"},
			"both an AccessKey pair (ALAYA_ACCESS_KEY, ALAYA_SECRET_KEY) and a bearer key (ALAYA_API_KEY) are set: give one"},
		{"bearer key flag beside the pair", vars, []string{"list", "--api-key", "some-bearer-key"},
			"both an AccessKey pair (ALAYA_ACCESS_KEY, ALAYA_SECRET_KEY) and a bearer key (--api-key) are set"},
		{"secret flag beside a bearer key", without(vars, "ALAYA_ACCESS_KEY", "ALAYA_SECRET_KEY"), []string{"list", "--api-key", "some-bearer-key", "--secret-key", "some-secret"},
			"both an AccessKey pair (--secret-key) and a bearer key (--api-key) are set"},
		{"access key with a colon", vars, []string{"list", "--access-key", "a:b"}, `invalid --access-key: must not contain ":"`},
		{"secret with a space", vars, []string{"list", "--secret-key", "s s"}, "invalid --secret-key: "},
		{"secret env with a space", merge(vars, map[string]string{"ALAYA_SECRET_KEY": "s\ts"}), []string{"list"}, "invalid ALAYA_SECRET_KEY: "},
		{"bearer key with its scheme", without(vars, "ALAYA_ACCESS_KEY", "ALAYA_SECRET_KEY"), []string{"list", "--api-key", "Bearer x"}, "invalid --api-key: "},
		{"missing instance", without(vars, "ALAYA_INSTANCE"), []string{"list"}, "missing --instance (or set ALAYA_INSTANCE)"},
		{"dot instance", vars, []string{"list", "--instance", "."}, "invalid --instance: "},
		{"dot instance env", merge(vars, map[string]string{"ALAYA_INSTANCE": ".."}), []string{"list"}, "invalid ALAYA_INSTANCE: "},
		{"bad url", vars, []string{"list", "--url", "api.alayanew.com"}, "invalid --url: "},
		{"bad url env", merge(vars, map[string]string{"ALAYA_URL": "ftp://x"}), []string{"list"}, "invalid ALAYA_URL: "},
		{"unknown command", vars, []string{"remove"}, `unknown command "remove" for "portctl alaya ports"`},
		{"unknown flag", vars, []string{"open", "--port", "80", "--protocol", "tcp", "--force"}, "unknown flag: --force"},
		{"unexpected argument", vars, []string{"close", "8080"}, `unexpected argument "8080"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := s.RequestCount()
			r := runWith(t, tc.vars, append([]string{"alaya", "ports"}, tc.args...)...)
			assert.Equal(t, 2, r.code, r)
			assert.Contains(t, r.stderr, tc.stderr)
			assert.Empty(t, r.stdout)
			assert.Equal(t, before, s.RequestCount(), "a request was sent")
		})
	}
}

func TestAlayaAPIErrors(t *testing.T) {
	_, vars := newAlaya(t)
	ap := func(args ...string) result {
		return runWith(t, vars, append([]string{"alaya", "ports"}, args...)...)
	}
	require.Equal(t, 0, ap("open", "--port", "8080", "--protocol", "tcp").code)

	r := ap("open", "--port", "8080", "--protocol", "tcp")
	assert.Equal(t, 1, r.code, r)
	assert.Empty(t, r.stdout)
	assert.True(t, strings.HasPrefix(r.stderr, "portctl: alaya.OpenPort: HTTP 400"), r.stderr)

	r = ap("close", "--port", "9999")
	assert.Equal(t, 1, r.code, r)
	assert.Contains(t, r.stderr, "portctl: alaya.ClosePort: HTTP 400")

	// A 403 for an instance says what it most often means, for every operation.
	for _, args := range [][]string{{"list"}, {"open", "--port", "80", "--protocol", "tcp"}, {"close", "--port", "80"}} {
		r = ap(append(args, "--instance", "no-such-instance")...)
		assert.Equal(t, 1, r.code, r)
		assert.Empty(t, r.stdout)
		assert.Contains(t, r.stderr, "HTTP 403")
		assert.Contains(t, r.stderr, `(instance "no-such-instance" may not exist, or may not belong to this key)`)
	}

}

// A refused credential is exit 4, with the service's status and what to check for it.
func TestAlayaCredentialRefused(t *testing.T) {
	s, vars := newAlaya(t)
	cases := []struct {
		name   string
		vars   map[string]string
		args   []string
		stderr string
	}{
		{"wrong secret", vars, []string{"--secret-key", "wrong-secret"},
			"portctl: alaya.ListOpenPorts: HTTP 401, code 40003: Signature verification failed\n" +
				"portctl: the server refused the credential: the signature does not verify: check --secret-key\n"},
		{"wrong secret in the environment", merge(vars, map[string]string{"ALAYA_SECRET_KEY": "wrong-secret"}), nil,
			"check ALAYA_SECRET_KEY\n"},
		{"unknown access key", vars, []string{"--access-key", "AKunknown"},
			"HTTP 401, code 40006: API key not found\n" +
				"portctl: the server refused the credential: the service does not know this AccessKey ID: check --access-key\n"},
		{"wrong bearer key", bearerVars(s, vars), []string{"--api-key", "wrong-secret"},
			"HTTP 401, code 40006: API key not found\n" +
				"portctl: the server refused the credential: the service does not know this bearer key: check --api-key\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runWith(t, tc.vars, append([]string{"alaya", "ports", "list"}, tc.args...)...)
			assert.Equal(t, 4, r.code, r)
			assert.Empty(t, r.stdout)
			assert.Contains(t, r.stderr, tc.stderr)
			assert.NotContains(t, r.stderr, "wrong-secret")
			assert.NotContains(t, r.stderr, s.AccessKey.Secret)
		})
	}

	// A disabled or expired key: 40004 or 40005, and the hint says so.
	for _, state := range []alayatest.KeyState{alayatest.KeyDisabled, alayatest.KeyExpired} {
		s.SetKeyState(state)
		r := runWith(t, vars, "alaya", "ports", "list")
		assert.Equal(t, 4, r.code, r)
		assert.Regexp(t, `HTTP 401, code 4000[45]`, r.stderr)
		assert.Contains(t, r.stderr, "the AccessKey is disabled or expired")
	}
	s.SetKeyState(alayatest.KeyActive)

	// A clock more than 5 minutes off: 40002, and the hint says so.
	s.SetClock(func() time.Time { return time.Now().Add(6 * time.Minute) })
	r := runWith(t, vars, "alaya", "ports", "list")
	assert.Equal(t, 4, r.code, r)
	assert.Contains(t, r.stderr, "HTTP 401, code 40002")
	assert.Contains(t, r.stderr, "this machine's clock is more than 5 minutes off")
}

// The bearer key the pages show works instead of the AccessKey pair.
func TestAlayaBearerKey(t *testing.T) {
	s, vars := newAlaya(t)
	bv := bearerVars(s, vars)
	r := runWith(t, bv, "alaya", "ports", "open", "--port", "8080", "--protocol", "tcp")
	require.Equal(t, 0, r.code, r)
	r = runWith(t, without(bv, "ALAYA_API_KEY"), "alaya", "ports", "list", "--api-key", s.APIKey, "-o", "json")
	require.Equal(t, 0, r.code, r)
	assert.Contains(t, r.stdout, `"port": 8080`)
	for _, req := range s.Requests() {
		assert.Equal(t, "Bearer "+s.APIKey, req.Header.Get("Authorization"))
	}
}

// The pair given as flags, over a wrong environment.
func TestAlayaAccessKeyFlags(t *testing.T) {
	s, vars := newAlaya(t)
	wrong := merge(vars, map[string]string{"ALAYA_ACCESS_KEY": "AKwrong", "ALAYA_SECRET_KEY": "wrong"})
	r := runWith(t, wrong, "alaya", "ports", "list", "--access-key", s.AccessKey.ID, "--secret-key", s.AccessKey.Secret)
	require.Equal(t, 0, r.code, r)
	for _, req := range s.Requests() {
		assert.True(t, strings.HasPrefix(req.Header.Get("Authorization"), "alayanew-HMAC-SHA256 "), req.Header.Get("Authorization"))
		assert.NotContains(t, req.Header.Get("Authorization"), s.AccessKey.Secret)
	}
}

// A base URL without the API prefix gets the console's HTML page: the message says so.
func TestAlayaUnprefixedURL(t *testing.T) {
	s, vars := newAlaya(t)
	r := runWith(t, merge(vars, map[string]string{"ALAYA_URL": strings.TrimSuffix(s.URL, alayatest.PathPrefix)}), "alaya", "ports", "list")
	assert.Equal(t, 1, r.code, r)
	assert.Contains(t, r.stderr, "probably misses the API prefix /api/osm")
}

// Without ALAYA_URL or --url the client goes to the public endpoint; --url wins over ALAYA_URL.
func TestAlayaURL(t *testing.T) {
	s, vars := newAlaya(t)
	r := runWith(t, merge(vars, map[string]string{"ALAYA_URL": "http://127.0.0.1:1/nowhere"}), "alaya", "ports", "list", "--url", s.URL)
	assert.Equal(t, 0, r.code, r)

	cmd, _, err := newAlayaCmd(newEnv(func(string) string { return "" }, io.Discard, io.Discard)).Find([]string{"ports", "list"})
	require.NoError(t, err)
	require.NoError(t, cmd.ParseFlags([]string{"--access-key", "AKid", "--secret-key", "s", "--instance", "i"}))
	o := &alayaOptions{}
	require.NoError(t, o.complete(newEnv(func(string) string { return "" }, io.Discard, io.Discard), cmd))
	assert.Contains(t, o.client.(*alaya.Client).String(), alaya.DefaultBaseURL)
}
