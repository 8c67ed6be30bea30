package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/portsdk/portsdk/internal/portctl/portfile"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// hostile are strings a server (or a ports file) can send that must never reach a terminal raw.
var hostile = []string{
	"\x1b]0;title\x07", "\r\x1b[2K", "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "a\u009b2Jb", "a\x7fb",
	"a\u0085b", "a\ufffeb", "a\ufeffb", "a\u202eb", "a\u2066b\u2069", "a\u200fb", "a\u061cb", "a\u2028b\u2029",
	"a\tb\nc\x00", "a\xffb\xc0", "a\U0001fffeb",
}

// rawUnsafe reports whether out holds a character a terminal may act on (other than the newlines
// that end lines) or invalid UTF-8.
func rawUnsafe(out string) bool {
	return strings.ContainsFunc(out, func(r rune) bool { return r != '\n' && portfile.UnsafeRune(r) }) || !utf8Valid(out)
}

func TestTerminalSafeEscapesControls(t *testing.T) {
	for in, want := range map[string]string{
		"\x1b]0;title\x07":           `\x1b]0;title\a`,
		"\r\x1b[2K":                  `\r\x1b[2K`,
		"a\u009b2J":                  `a\u009b2J`,
		"a\x7fb":                     `a\x7fb`,
		"a\tb\nc":                    `a\tb\nc`,
		"a\u202eb\u2066\u200e\u061c": `a\u202eb\u2066\u200e\u061c`,
		"a\u2028b\u2029":             `a\u2028b\u2029`,
		"a\xffb":                     `a\xffb`,
	} {
		assert.Equal(t, want, terminalSafe(in), "%q", in)
	}
	for _, s := range hostile {
		assert.False(t, rawUnsafe(terminalSafe(s)), "%q -> %q", s, terminalSafe(s))
	}
}

func TestTerminalSafeKeepsNormalText(t *testing.T) {
	for _, s := range []string{"", "rainbond.AddPort: HTTP 409, code 20501: 端口已存在", `C:\dir "quoted" é 😀 a\x1b`, "数据中心操作故障"} {
		assert.Equal(t, s, terminalSafe(s))
	}
}

// TestYAMLRoundTripsHostileStrings protects -o yaml: it never fails on a string a server can send,
// shows none of them raw, and reads back to the same string (invalid UTF-8 as U+FFFD, as in JSON).
func TestYAMLRoundTripsHostileStrings(t *testing.T) {
	for _, s := range append(hostile, "plain", "123", "true", "", "a: b", "- x", "'q'", `"dq"`, "x\\y") {
		var b bytes.Buffer
		require.NoError(t, writeYAML(&b, map[string][]string{"v": {s}}), "%q", s)
		assert.False(t, rawUnsafe(b.String()), "%q -> %q", s, b.String())
		var back map[string][]string
		require.NoError(t, yaml.Unmarshal(b.Bytes(), &back), "%q -> %q", s, b.String())
		assert.Equal(t, strings.ToValidUTF8(s, "\ufffd"), back["v"][0], "%q -> %q", s, b.String())
	}
}

// TestJSONShowsNoRawControl protects -o json: valid JSON, the same strings, none of them raw.
func TestJSONShowsNoRawControl(t *testing.T) {
	for _, s := range hostile {
		var b bytes.Buffer
		require.NoError(t, writeJSON(&b, []string{s}))
		assert.False(t, rawUnsafe(b.String()), "%q -> %q", s, b.String())
		var back []string
		require.NoError(t, yaml.Unmarshal(b.Bytes(), &back), b.String())
		assert.Equal(t, strings.ToValidUTF8(s, "\ufffd"), back[0])
	}
}

// TestTableShowsServerStringsEscaped protects 'ports list': an alias, protocol or k8s service name
// holding escape sequences is printed escaped, in its cell.
func TestTableShowsServerStringsEscaped(t *testing.T) {
	s, vars := newRainbond(t)
	require.NoError(t, s.SetPort(testComp, rainbond.Port{ContainerPort: 8080, Protocol: "\r\x1b[2Khttp",
		PortAlias: "\x1b]0;title\x07", K8sServiceName: "a\u009bb\u202e"}))
	for _, o := range []string{"table", "json", "yaml"} {
		r := runWith(t, vars, "rainbond", "ports", "list", "-o", o)
		require.Equal(t, 0, r.code, r)
		assert.False(t, rawUnsafe(r.stdout), "%s: %q", o, r.stdout)
		if o == "table" {
			assert.Equal(t, []string{"8080", `\r\x1b[2Khttp`, `\x1b]0;title\a`, "closed", "closed", "0", `a\u009bb\u202e`}, rows(r.stdout)[0])
		}
	}
}

// hostileServer answers every request with status and body.
func hostileServer(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestErrorMessageShowsServerTextEscaped protects stderr: a server message with escape sequences is
// printed escaped, and so are the --debug records.
func TestErrorMessageShowsServerTextEscaped(t *testing.T) {
	url := hostileServer(t, http.StatusConflict,
		`{"code":20501,"msg":"\u001b]0;pwned\u0007\r\u001b[2K\u009b2J\u202eok\u007f","msg_show":"\u001b[31mx","data":{}}`)
	_, vars := newRainbond(t)
	vars["RAINBOND_URL"] = url
	for _, debug := range []string{"false", "true"} {
		r := runWith(t, vars, "rainbond", "ports", "add", "--port", "8080", "--debug="+debug)
		assert.Equal(t, 1, r.code, r)
		assert.False(t, rawUnsafe(r.stderr), "%q", r.stderr)
		assert.Contains(t, r.stderr, `\x1b]0;pwned\a\r\x1b[2K\u009b2J\u202eok\x7f`)
	}
}

// TestPlanLinesShowServerStringsEscaped protects diff and apply: a plan line and the report of a
// failed run show the server's alias and answer escaped.
func TestPlanLinesShowServerStringsEscaped(t *testing.T) {
	s := newApplyServers(t)
	require.NoError(t, s.rb.SetPort(applyComp, rainbond.Port{ContainerPort: 8080, Protocol: "http", PortAlias: "\x1b]0;t\x07\u009b",
		IsInnerService: true, MappingPort: 8080, K8sServiceName: "web"}))
	s.failWrite = 1
	var out bytes.Buffer
	cfg := s.config(t, applyTestFile, &out)
	cfg.dryRun = true
	require.NoError(t, runApply(context.Background(), cfg))
	assert.Contains(t, out.String(), `change alias \x1b]0;t\a\u009b -> WEB`)
	assert.False(t, rawUnsafe(out.String()), "%q", out.String())

	out.Reset()
	cfg.dryRun = false
	require.Error(t, runApply(context.Background(), cfg))
	assert.Contains(t, out.String(), `failed   ~ rainbond demo-team/1/gr1a2b3c 8080 change alias \x1b]0;t\a\u009b -> WEB`)
	assert.False(t, rawUnsafe(out.String()), "%q", out.String())
}

// TestApplyYAMLReportWithHostileStrings protects apply -o yaml: a server string YAML refused before
// does not stop the report of what ran.
func TestApplyYAMLReportWithHostileStrings(t *testing.T) {
	s := newApplyServers(t)
	require.NoError(t, s.rb.SetPort(applyComp, rainbond.Port{ContainerPort: 8080, Protocol: "http", PortAlias: "A\x7f\u0085\u009b\ufffe",
		MappingPort: 8080, K8sServiceName: "web"}))
	var out bytes.Buffer
	cfg := s.config(t, applyTestFile, &out)
	cfg.format = "yaml"
	require.NoError(t, runApply(context.Background(), cfg))
	assert.False(t, rawUnsafe(out.String()), "%q", out.String())
	var doc struct{ Applied bool }
	require.NoError(t, yaml.Unmarshal(out.Bytes(), &doc), out.String())
	assert.True(t, doc.Applied)
	assert.Contains(t, out.String(), `from: "A\x7F\N\x9B\uFFFE"`)
}

// TestApplyReportFallsBackToTable protects apply -o json/yaml: when the report cannot be encoded,
// the table report is printed and the run's error (or success) is kept.
func TestApplyReportFallsBackToTable(t *testing.T) {
	saved := reportEncoders
	t.Cleanup(func() { reportEncoders = saved })
	reportEncoders = map[string]func(io.Writer, any) error{
		"json": func(io.Writer, any) error { return errors.New("cannot encode") },
		"yaml": func(io.Writer, any) error { return errors.New("cannot encode") },
	}
	s := newApplyServers(t)
	s.failWrite = 2
	var out bytes.Buffer
	cfg := s.config(t, applyTestFile, &out)
	cfg.format = "yaml"
	err := runApply(context.Background(), cfg)
	var re *applyRunError
	require.ErrorAs(t, err, &re, "the run's failure is kept")
	var pe *reportError
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, err.Error(), "cannot print the report as yaml: cannot encode")
	assert.Contains(t, out.String(), "Plan: 3 to add, 0 to change, 0 to delete.\n")
	assert.Contains(t, out.String(), "done     + rainbond demo-team/1/gr1a2b3c 3306 add mysql inner\n")
	assert.Contains(t, out.String(), "Apply stopped at the first failing step: 1 done, 1 failed, 2 not run.")

	// A run that succeeded keeps exit 0 and says why the report is a table.
	s2 := newApplyServers(t)
	out.Reset()
	cfg = s2.config(t, applyTestFile, &out)
	cfg.format = "json"
	err = runApply(context.Background(), cfg)
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, out.String(), "Apply complete: 4 steps done.\n")
	e := newEnv(func(string) string { return "" }, io.Discard, &out)
	out.Reset()
	assert.Equal(t, 0, e.exitCode(nil, err))
	assert.Equal(t, "portctl: cannot print the report as json: cannot encode; it is printed as a table\n", out.String())
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }

// TestDebugLogShowsValuesEscaped protects --debug: slog's TextHandler quotes a value holding a
// character a terminal could act on, so a logged server string is shown escaped.
func TestDebugLogShowsValuesEscaped(t *testing.T) {
	var stderr bytes.Buffer
	e := newEnv(func(string) string { return "" }, io.Discard, &stderr)
	e.debug = true
	for _, s := range hostile {
		e.logger().Debug("portsdk: attempt", "path", s, "err", errors.New(s))
	}
	assert.False(t, rawUnsafe(strings.ReplaceAll(stderr.String(), "\n", "")), "%q", stderr.String())
	assert.Contains(t, stderr.String(), `path="\x1b]0;title\a"`)
}

// TestFileStringsNeverRaw protects diff: a ports file whose protocol or instance holds escape
// sequences never gets them to the terminal raw, whether the file is refused or planned.
func TestFileStringsNeverRaw(t *testing.T) {
	f := startApplyFake(t)
	for _, file := range []string{
		fakeApplyFile + "        protocol: \"http\\e]0;x\\a\"\n",
		strings.Replace(fakeApplyFile, "  - instance: 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0", "  - instance: \"08ba7a0e-af00-4072-a5e5-1298ed6c1aa0\\e]0;x\\a\"", 1),
	} {
		r := runWith(t, f.vars, "diff", "-f", writeFile(t, file))
		assert.False(t, rawUnsafe(r.stdout+r.stderr), "%s", r)
		assert.Contains(t, r.stdout+r.stderr, `\x1b]0;x\a`, "%s", r)
	}
}
