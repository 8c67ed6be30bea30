package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/portsdk/portsdk/wrapper"
)

func TestVersion(t *testing.T) {
	want := "portctl " + wrapper.Version + " (" + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := runWith(t, nil, args...)
		assert.Equal(t, 0, r.code, r)
		assert.Equal(t, want, r.stdout, args)
		assert.Empty(t, r.stderr)
	}
	for _, args := range [][]string{{"version", "-o", "json"}, {"--version", "-ojson"}, {"-o", "json", "version"}} {
		r := runWith(t, nil, args...)
		require.Equal(t, 0, r.code, r)
		assert.JSONEq(t, `{"version": "`+wrapper.Version+`", "goVersion": "`+runtime.Version()+`", "platform": "`+
			runtime.GOOS+"/"+runtime.GOARCH+`"}`, r.stdout, args)
	}
	r := runWith(t, nil, "version", "--output=yaml")
	require.Equal(t, 0, r.code, r)
	assert.Equal(t, "version: "+wrapper.Version+"\ngoVersion: "+runtime.Version()+"\nplatform: "+
		runtime.GOOS+"/"+runtime.GOARCH+"\n", r.stdout)
}

// The module version is the release tag when the binary was built from one, else wrapper.Version.
func TestModuleVersion(t *testing.T) {
	build := func(v string) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Path: "github.com/portsdk/portsdk", Version: v}}
	}
	cases := []struct {
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{build("v0.2.0"), true, "0.2.0"},
		{build("v1.0.0-rc.1"), true, "1.0.0-rc.1"},
		{build("(devel)"), true, wrapper.Version},                                    // go build in a clone
		{build(""), true, wrapper.Version},                                           // go run
		{build("v0.1.1-0.20261122093000-abcdefabcdef"), true, wrapper.Version},       // an untagged commit
		{build("v0.1.1-0.20261122093000-abcdefabcdef+dirty"), true, wrapper.Version}, // with local changes
		{build("v0.2.0+dirty"), true, wrapper.Version},                               // a tag with local changes
		{nil, false, wrapper.Version},                                                // no build information
	}
	for _, tc := range cases {
		v := "<nil>"
		if tc.info != nil {
			v = tc.info.Main.Version
		}
		assert.Equal(t, tc.want, moduleVersion(tc.info, tc.ok), v)
	}
}

// -o and --debug are global: before the command, between its words, after it; -ojson, -o=json,
// --output json and --output=json are the same.
func TestGlobalFlagsAnywhere(t *testing.T) {
	_, vars := newRainbond(t)
	for _, args := range [][]string{
		{"-o", "json", "rainbond", "ports", "list"},
		{"rainbond", "-o", "json", "ports", "list"},
		{"rainbond", "ports", "-ojson", "list"},
		{"rainbond", "ports", "list", "-ojson"},
		{"rainbond", "ports", "list", "-o=json"},
		{"rainbond", "ports", "list", "--output", "json"},
		{"--output=json", "rainbond", "ports", "list"},
		{"--debug=false", "-o", "json", "rainbond", "ports", "list"},
	} {
		r := runWith(t, vars, args...)
		assert.Equal(t, 0, r.code, "%v: %s", args, r)
		assert.JSONEq(t, `[]`, r.stdout, args)
	}
}

// -o yaml prints what -o json prints, as YAML.
func TestOutputYAML(t *testing.T) {
	_, rvars := newRainbond(t)
	_, avars := newAlaya(t)
	vars := merge(rvars, avars)
	steps := [][]string{
		{"rainbond", "ports", "add", "--port", "8080", "--alias", "WEB"},
		{"rainbond", "ports", "list"},
		{"alaya", "ports", "open", "--port", "8080", "--protocol", "http/https"},
		{"alaya", "ports", "list"},
		{"rainbond", "ports", "update", "--port", "8080", "--action", "open_inner"},
	}
	for i, args := range steps {
		var asJSON, asYAML any
		rj := runWith(t, vars, append(args, "-o", "json")...)
		if i == 0 || i == 2 { // the first run of add/open changes the state: compare with a list instead
			require.Equal(t, 0, rj.code, rj)
			continue
		}
		require.Equal(t, 0, rj.code, rj)
		ry := runWith(t, vars, append(args, "-o", "yaml")...)
		require.Equal(t, 0, ry.code, ry)
		require.NoError(t, json.Unmarshal([]byte(rj.stdout), &asJSON))
		require.NoError(t, yaml.Unmarshal([]byte(ry.stdout), &asYAML), ry.stdout)
		assert.Equal(t, normalize(t, asJSON), normalize(t, asYAML), args)
		assert.NotContains(t, ry.stdout, "{", "block style, not JSON-like flow style")
	}
	r := runWith(t, vars, "alaya", "ports", "close", "--port", "8080", "-o", "yaml")
	require.Equal(t, 0, r.code, r)
	assert.Equal(t, "{}\n", r.stdout)
}

// normalize makes numbers of JSON and YAML comparable.
func normalize(t *testing.T, v any) any {
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(raw, &out))
	return out
}

// A string that looks like a number, a boolean or null stays a string in YAML; field order is kept.
func TestWriteYAMLKeepsTypesAndOrder(t *testing.T) {
	v := struct {
		Z string `json:"z"`
		A string `json:"a"`
		B int    `json:"b"`
		C string `json:"c"`
		D string `json:"d"`
		E []int  `json:"e"`
	}{"8080", "true", 8080, "null", "http/https", []int{}}
	var b strings.Builder
	require.NoError(t, writeYAML(&b, v))
	assert.Equal(t, "z: \"8080\"\na: \"true\"\nb: 8080\nc: \"null\"\nd: http/https\ne: []\n", b.String())
}

// With -o json or yaml, a failure of any kind writes nothing to stdout and its error to stderr.
func TestStructuredOutputFailureWritesOnlyStderr(t *testing.T) {
	_, rvars := newRainbond(t)
	_, avars := newAlaya(t)
	vars := merge(rvars, avars)
	require.Equal(t, 0, runWith(t, vars, "rainbond", "ports", "add", "--port", "8080").code)
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"rainbond", "ports", "add", "--port", "8080"}, 1},                   // 409
		{[]string{"rainbond", "ports", "add", "--port", "8081", "--alias", "web"}, 2}, // invalid
		{[]string{"rainbond", "ports", "add"}, 2},                                     // usage
		{[]string{"rainbond", "ports", "list", "--token", "wrong"}, 4},                // 401
		{[]string{"rainbond", "ports", "list", "--url", "http://127.0.0.1:1/x"}, 1},   // unreachable
		{[]string{"alaya", "ports", "list", "--instance", "nope"}, 1},                 // 403
		{[]string{"alaya", "ports", "close", "--port", "9999"}, 1},                    // not open
	}
	for _, tc := range cases {
		for _, o := range []string{"json", "yaml"} {
			r := runWith(t, vars, append(tc.args, "-o", o)...)
			assert.Equal(t, tc.code, r.code, "%v -o %s: %s", tc.args, o, r)
			assert.Empty(t, r.stdout, "%v -o %s", tc.args, o)
			assert.True(t, strings.HasPrefix(r.stderr, "portctl: "), r.stderr)
		}
	}
}

// A global flag the command does not use is refused, and so is an invalid PORTCTL_DEBUG.
func TestGlobalFlagsRefusedWhereUnused(t *testing.T) {
	_, vars := newRainbond(t)
	cases := []struct {
		vars   map[string]string
		args   []string
		stderr string
	}{
		{nil, []string{"demo", "-o", "json"}, "-o/--output does not apply to portctl demo"},
		{nil, []string{"-o", "yaml", "completion", "bash"}, "-o/--output does not apply to portctl completion bash"},
		{nil, []string{"demo", "--debug"}, "--debug does not apply to portctl demo"},
		{nil, []string{"fake", "--debug"}, "--debug does not apply to portctl fake"},
		{nil, []string{"--debug", "version"}, "--debug does not apply to portctl version"},
		{merge(vars, map[string]string{"PORTCTL_DEBUG": "yes please"}), []string{"rainbond", "ports", "list"},
			`invalid PORTCTL_DEBUG "yes please": must be 1 or 0`},
		{vars, []string{"rainbond", "ports", "list", "--debug=maybe"}, `invalid --debug "maybe": must be true or false`},
	}
	for _, tc := range cases {
		r := runWith(t, tc.vars, tc.args...)
		assert.Equal(t, 2, r.code, "%v: %s", tc.args, r)
		assert.Empty(t, r.stdout)
		assert.Contains(t, r.stderr, tc.stderr)
	}
	// PORTCTL_DEBUG is read only by commands that send requests: elsewhere it is not an error.
	r := runWith(t, map[string]string{"PORTCTL_DEBUG": "yes please"}, "version")
	assert.Equal(t, 0, r.code, r)
}

func TestCompletion(t *testing.T) {
	for shell, marker := range map[string]string{
		"bash": "# bash completion V2 for portctl", "zsh": "#compdef portctl", "fish": "complete -c portctl",
		"powershell": "Register-ArgumentCompleter",
	} {
		r := runWith(t, nil, "completion", shell)
		assert.Equal(t, 0, r.code, r)
		assert.Contains(t, r.stdout, marker, shell)
		assert.Empty(t, r.stderr, shell)
	}
	// What the scripts ask portctl: commands, and the values of -o, --action and Alaya's --protocol.
	complete := func(args ...string) string {
		r := runWith(t, nil, append([]string{cobra.ShellCompRequestCmd}, args...)...)
		require.Equal(t, 0, r.code, r)
		return r.stdout
	}
	assert.Contains(t, complete("rainbond", "ports", ""), "update\t")
	assert.Contains(t, complete("rainbond", "ports", "list", "-o", ""), "yaml\n")
	out := complete("rainbond", "ports", "update", "--action", "")
	for _, a := range []string{"open_inner", "open_outer", "close_outer", "close_inner", "change_protocol", "change_port_alias"} {
		assert.Contains(t, out, a+"\n")
	}
	assert.Contains(t, complete("alaya", "ports", "open", "--protocol", ""), "http/https\n")
	assert.Contains(t, complete("help", "rainbond", ""), "ports\t")
}

// Every flag with an environment variable names it in its help, the root help lists every
// variable, and the variables are the documented set.
func TestEveryVariableDocumented(t *testing.T) {
	root := testRoot()
	found := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		check := func(f *pflag.Flag) {
			if v := envName(f); v != "" {
				found[v] = true
				assert.Contains(t, f.Usage, "[$"+v+"]", "%s --%s", c.CommandPath(), f.Name)
				assert.Contains(t, root.Long, v, "the root help lists %s", v)
			}
		}
		c.LocalFlags().VisitAll(check)
		c.PersistentFlags().VisitAll(check)
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	var names []string
	for v := range found {
		names = append(names, v)
	}
	sort.Strings(names)
	assert.Equal(t, []string{"ALAYA_ACCESS_KEY", "ALAYA_API_KEY", "ALAYA_INSTANCE", "ALAYA_SECRET_KEY", "ALAYA_URL", "PORTCTL_DEBUG", "PORTCTL_TIMEOUT",
		"RAINBOND_APP", "RAINBOND_COMPONENT", "RAINBOND_REGION", "RAINBOND_TEAM", "RAINBOND_TOKEN", "RAINBOND_URL"}, names)
	readme, err := os.ReadFile("../../../README.md")
	require.NoError(t, err)
	for _, v := range names {
		assert.Contains(t, string(readme), v, "the README names %s", v)
	}
}

// Every exit status the README documents, on both APIs.
func TestExitStatuses(t *testing.T) {
	_, rvars := newRainbond(t)
	_, avars := newAlaya(t)
	vars := merge(rvars, avars)
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"rainbond", "ports", "list"}, exitOK},
		{[]string{"alaya", "ports", "list"}, exitOK},
		{[]string{"--help"}, exitOK},
		{[]string{"rainbond", "ports", "delete", "--port", "1"}, exitAPI},
		{[]string{"alaya", "ports", "close", "--port", "1"}, exitAPI},
		{[]string{"rainbond", "ports", "delete"}, exitUsage},
		{[]string{"alaya", "ports", "open", "--port", "0", "--protocol", "tcp"}, exitUsage},
		{[]string{"rainbond", "ports", "list", "--token", "nope"}, exitCredential},
		{[]string{"alaya", "ports", "list", "--secret-key", "nope"}, exitCredential},
	}
	for _, tc := range cases {
		r := runWith(t, vars, tc.args...)
		assert.Equal(t, tc.code, r.code, "%v: %s", tc.args, r)
	}
}

// --debug and PORTCTL_DEBUG=1 log each attempt and each retry wait on stderr, never a credential;
// stdout keeps only the data.
func TestDebug(t *testing.T) {
	rs, rvars := newRainbond(t)
	as, avars := newAlaya(t)
	vars := merge(rvars, avars)
	attempt := regexp.MustCompile(`level=DEBUG msg="portsdk: attempt" operation=rainbond.ListPorts method=GET ` +
		`path=/\S+/teams/team-a/regions/region-1/apps/12/services/gr1a2b3c/ports attempt=1 status=200 duration=\S+\n`)
	for _, tc := range []struct {
		vars map[string]string
		args []string
	}{
		{vars, []string{"--debug", "-o", "json", "rainbond", "ports", "list"}},
		{vars, []string{"rainbond", "ports", "list", "-ojson", "--debug"}},
		{merge(vars, map[string]string{"PORTCTL_DEBUG": "1"}), []string{"rainbond", "ports", "list", "-o", "json"}},
	} {
		r := runWith(t, tc.vars, tc.args...)
		require.Equal(t, 0, r.code, r)
		assert.JSONEq(t, `[]`, r.stdout, "stdout is only the data")
		assert.Regexp(t, attempt, r.stderr)
		assert.NotContains(t, r.stderr, rs.Token)
	}

	r := runWith(t, vars, "--debug", "alaya", "ports", "list", "--instance", "nope")
	assert.Equal(t, 1, r.code, r)
	assert.Contains(t, r.stderr, `msg="portsdk: attempt" operation=alaya.ListOpenPorts method=GET`)
	assert.Contains(t, r.stderr, "status=403")
	assert.NotContains(t, r.stderr, as.APIKey)

	// Without --debug nothing is logged; PORTCTL_DEBUG=0 and --debug=false turn it off.
	for _, tc := range []struct {
		vars map[string]string
		args []string
	}{
		{vars, []string{"rainbond", "ports", "list"}},
		{merge(vars, map[string]string{"PORTCTL_DEBUG": "0"}), []string{"rainbond", "ports", "list"}},
		{merge(vars, map[string]string{"PORTCTL_DEBUG": "1"}), []string{"rainbond", "ports", "list", "--debug=false"}},
	} {
		r := runWith(t, tc.vars, tc.args...)
		require.Equal(t, 0, r.code, r)
		assert.Empty(t, r.stderr, tc.args)
	}
}

// A retried GET shows each attempt and each wait before a retry.
func TestDebugShowsRetryWaits(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	_, vars := newRainbond(t)
	vars["RAINBOND_URL"] = srv.URL + "/console"
	r := runWith(t, vars, "--debug", "rainbond", "ports", "list")
	assert.Equal(t, 1, r.code, r)
	assert.Equal(t, 3, strings.Count(r.stderr, `msg="portsdk: attempt"`), r.stderr)
	assert.Equal(t, 2, strings.Count(r.stderr, `msg="portsdk: retry wait"`), r.stderr)
	assert.Contains(t, r.stderr, "status=503")
	assert.NotContains(t, r.stderr, vars["RAINBOND_TOKEN"])
}

// Whatever a client logs, a remembered secret does not reach stderr.
func TestDebugLogIsRedacted(t *testing.T) {
	var stderr strings.Builder
	e := newEnv(func(string) string { return "" }, io.Discard, &stderr)
	e.debug = true
	e.secret("s3cret-token")
	e.logger().Debug("echo", "header", "Authorization: s3cret-token")
	assert.Contains(t, stderr.String(), "Authorization: ***")
	assert.NotContains(t, stderr.String(), "s3cret-token")
}

// demo --addr picks the embedded fake's address; a busy one fails before any step.
func TestDemoAddr(t *testing.T) {
	f, err := startFake("127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	r := runWith(t, nil, "demo", "--addr", strings.TrimPrefix(f.base, "http://"))
	assert.Equal(t, 1, r.code, r)
	assert.Contains(t, r.stderr, "address already in use")
	assert.Empty(t, r.stdout)
}

// cobra's --no-descriptions flag of the completion commands leaves the descriptions out.
func TestCompletionNoDescriptions(t *testing.T) {
	with := runWith(t, nil, "completion", "fish")
	without := runWith(t, nil, "completion", "fish", "--no-descriptions")
	require.Equal(t, 0, with.code, with)
	require.Equal(t, 0, without.code, without)
	assert.NotEqual(t, with.stdout, without.stdout)
	assert.Contains(t, without.stdout, "__completeNoDesc")
}
