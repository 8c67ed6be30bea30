package main

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
)

const testInstance = "inst-1"

func newAlaya(t *testing.T) (*alayatest.Server, map[string]string) {
	t.Helper()
	s := alayatest.NewServer()
	s.AcceptAPIKey()
	t.Cleanup(s.Close)
	s.AddInstance(testInstance)
	return s, map[string]string{"ALAYA_URL": s.URL, "ALAYA_API_KEY": s.APIKey, "ALAYA_INSTANCE": testInstance}
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
		{"missing key", without(vars, "ALAYA_API_KEY"), []string{"list"}, "missing --api-key (or set ALAYA_API_KEY)"},
		{"bearer key", vars, []string{"list", "--api-key", "Bearer x"}, "invalid --api-key: "},
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

	// A refused credential is exit 4, saying what to check.
	r = ap("list", "--api-key", "wrong-key")
	assert.Equal(t, 4, r.code, r)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "portctl: alaya.ListOpenPorts: HTTP 401")
	assert.Contains(t, r.stderr, "portctl: the server refused the credential: check ALAYA_API_KEY (or --api-key)\n")
	assert.NotContains(t, r.stderr, "wrong-key")
}

// Without ALAYA_URL or --url the client goes to the public endpoint; --url wins over ALAYA_URL.
func TestAlayaURL(t *testing.T) {
	s, vars := newAlaya(t)
	r := runWith(t, merge(vars, map[string]string{"ALAYA_URL": "http://127.0.0.1:1/nowhere"}), "alaya", "ports", "list", "--url", s.URL)
	assert.Equal(t, 0, r.code, r)

	cmd := alayaListCmd(newEnv(func(string) string { return "" }, io.Discard, io.Discard))
	require.NoError(t, cmd.ParseFlags([]string{"--api-key", "k", "--instance", "i"}))
	c, _, err := newEnv(func(string) string { return "" }, io.Discard, io.Discard).alayaClient(cmd)
	require.NoError(t, err)
	assert.Contains(t, c.String(), alaya.DefaultBaseURL)
}
