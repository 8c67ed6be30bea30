package cli

import (
	"bufio"
	"context"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// allPaths returns the argument lists of every command and group of the tree (the root too, as an
// empty list), e.g. ["rainbond", "ports", "add"].
func allPaths(t *testing.T) [][]string {
	t.Helper()
	var paths [][]string
	var walk func(c *cobra.Command, prefix []string)
	walk = func(c *cobra.Command, prefix []string) {
		paths = append(paths, prefix)
		for _, s := range c.Commands() {
			if s.IsAvailableCommand() {
				walk(s, append(append([]string{}, prefix...), s.Name()))
			}
		}
	}
	walk(testRoot(), nil)
	return paths
}

// testRoot is the command tree as run builds it.
func testRoot() *cobra.Command {
	return CommandTree()
}

// Every command answers --help, -h and 'portctl help <command>' on stdout with exit 0, and the
// three agree.
func TestHelpOnEveryCommand(t *testing.T) {
	paths := allPaths(t)
	require.GreaterOrEqual(t, len(paths), 21)
	// The environment holds secrets: help must not show them.
	vars := map[string]string{"RAINBOND_TOKEN": "tok-secret-1", "ALAYA_API_KEY": "key-secret-2", "ALAYA_SECRET_KEY": "key-secret-3"}
	for _, p := range paths {
		name := strings.Join(append([]string{"portctl"}, p...), " ")
		t.Run(name, func(t *testing.T) {
			var outputs []string
			for _, args := range [][]string{append(p, "--help"), append(p, "-h"), append([]string{"help"}, p...)} {
				r := runWith(t, vars, args...)
				assert.Equal(t, 0, r.code, "%v: %s", args, r)
				assert.Empty(t, r.stderr, args)
				assert.Contains(t, r.stdout, "Usage:\n  "+name)
				assert.NotContains(t, r.stdout, "tok-secret-1")
				assert.NotContains(t, r.stdout, "key-secret-3")
				assert.NotContains(t, r.stdout, "key-secret-2")
				if len(p) == 0 || p[0] != "completion" { // cobra's own commands have no examples
					assert.Contains(t, r.stdout, "Examples:")
				}
				outputs = append(outputs, r.stdout)
			}
			assert.Equal(t, outputs[0], outputs[1])
			assert.Equal(t, outputs[0], outputs[2])
		})
	}
}

func TestHelpDetails(t *testing.T) {
	r := runWith(t, nil, "rainbond", "ports", "add", "--help")
	assert.Contains(t, r.stdout, "--token string")
	assert.Contains(t, r.stdout, "[$RAINBOND_TOKEN]")
	assert.Contains(t, r.stdout, "shell history")
	assert.Contains(t, r.stdout, "--port int")
	assert.Contains(t, r.stdout, "Global Flags:\n      --debug")
	assert.Contains(t, r.stdout, "-o, --output format")

	r = runWith(t, nil, "alaya", "ports", "list", "--help")
	assert.Contains(t, r.stdout, "--api-key string")
	assert.Contains(t, r.stdout, "[$ALAYA_API_KEY]")
	assert.Contains(t, r.stdout, "https://api.alayanew.com")

	r = runWith(t, nil, "help")
	assert.Equal(t, 0, r.code)
	for _, c := range []string{"rainbond", "alaya", "fake", "demo", "version", "completion", "help"} {
		assert.Contains(t, r.stdout, "\n  "+c+" ")
	}
}

func TestTopLevelUsageErrors(t *testing.T) {
	cases := []struct {
		args   []string
		stderr string
	}{
		{nil, "portctl needs a command: alaya, apply, completion, demo, diff, fake, rainbond, version\nRun 'portctl --help' for usage."},
		{[]string{"bogus"}, `unknown command "bogus" for "portctl"`},
		{[]string{"rainbond"}, "portctl rainbond needs a command: ports\nRun 'portctl rainbond --help'"},
		{[]string{"rainbond", "ports"}, "portctl rainbond ports needs a command: add, delete, list, update"},
		{[]string{"rainbond", "prots", "list"}, `unknown command "prots" for "portctl rainbond" (did you mean "ports"?)`},
		{[]string{"alaya", "pods", "--port", "1"}, `unknown command "pods" for "portctl alaya"`},
		{[]string{"--url", "x"}, "unknown flag: --url"},
		{[]string{"fake", "extra"}, `unexpected argument "extra"`},
		{[]string{"demo", "--fast"}, "unknown flag: --fast\nRun 'portctl demo --help' for usage."},
		{[]string{"help", "bogus"}, `unknown help topic "bogus"`},
		{[]string{"help", "rainbond", "ports", "patch"}, `unknown help topic "rainbond ports patch"`},
		{[]string{"completion"}, "portctl completion needs a command: bash, fish, powershell, zsh"},
		{[]string{"completion", "tcsh"}, `unknown command "tcsh" for "portctl completion"`},
		{[]string{"completion", "bash", "extra"}, `unknown command "extra" for "portctl completion bash"`},
		{[]string{"version", "extra"}, `unexpected argument "extra"`},
	}
	for _, tc := range cases {
		r := runWith(t, nil, tc.args...)
		assert.Equal(t, 2, r.code, "%v: %s", tc.args, r)
		assert.Empty(t, r.stdout, tc.args)
		assert.True(t, strings.HasPrefix(r.stderr, "portctl: "), r.stderr)
		assert.Contains(t, r.stderr, tc.stderr, tc.args)
		assert.Contains(t, r.stderr, "--help' for usage.\n", tc.args)
	}
}

// The token and the keys appear in no output, given in the environment or as flags, whatever the
// outcome.
func TestSecretsNeverPrinted(t *testing.T) {
	rs, rvars := newRainbond(t)
	as, avars := newAlaya(t)
	rtok, asecret, akey := rs.Token, as.AccessKey.Secret, as.APIKey
	vars := merge(rvars, avars)
	bearer := bearerVars(as, vars)
	cases := []struct {
		vars map[string]string
		args []string
	}{
		{vars, []string{"rainbond", "ports", "list"}},
		{vars, []string{"rainbond", "ports", "list", "-o", "json"}},
		{vars, []string{"rainbond", "ports", "add", "--port", "8080", "--alias", "WEB", "--inner"}},
		{vars, []string{"rainbond", "ports", "add", "--port", "8080"}},                 // 409
		{vars, []string{"rainbond", "ports", "add", "--port", "8081", "--alias", "x"}}, // invalid
		{vars, []string{"rainbond", "ports", "list", "--team", "nobody"}},              // 404
		{vars, []string{"rainbond", "ports", "list", "--url", "http://127.0.0.1:1/x"}}, // connection refused
		{vars, []string{"rainbond", "ports", "list", "--url", "ftp://x"}},              // invalid URL
		{vars, []string{"rainbond", "ports", "list", "--token", rtok + " x"}},          // invalid token holding the real one
		{vars, []string{"rainbond", "ports", "list", "--token", rtok}},
		{vars, []string{"rainbond", "ports", "list", "--token", rtok, "-o", "xml"}},
		{vars, []string{"rainbond", "ports", "list", "--token", rtok, "-o", "yaml"}},
		{vars, []string{"rainbond", "ports", "list", "--token", "wrong", "-o", "json"}}, // 401
		{vars, []string{"rainbond", "ports", "update", "--port", "8080", "--action", "open_outer", "--alias", rtok}},
		{vars, []string{"alaya", "ports", "list"}},
		{vars, []string{"alaya", "ports", "open", "--port", "8080", "--protocol", "tcp"}},
		{vars, []string{"alaya", "ports", "open", "--port", "8080", "--protocol", "tcp"}}, // already open
		{vars, []string{"alaya", "ports", "list", "--secret-key", asecret}},
		{vars, []string{"alaya", "ports", "list", "--secret-key", asecret + " x"}}, // invalid, holding the real one
		{vars, []string{"alaya", "ports", "list", "--secret-key", asecret + "x"}},  // 40003
		{vars, []string{"alaya", "ports", "list", "--api-key", akey}},              // both: usage
		{bearer, []string{"alaya", "ports", "list"}},
		{bearer, []string{"alaya", "ports", "list", "--api-key", "Bearer " + akey}},
		{bearer, []string{"alaya", "ports", "list", "--api-key", akey + "x"}}, // 40006
		{vars, []string{"alaya", "ports", "list", "--instance", "nope"}},
		{vars, []string{"alaya", "ports", "list", "--url", "http://127.0.0.1:1/x"}},
		{vars, []string{"--debug", "rainbond", "ports", "list"}},
		{vars, []string{"--debug", "rainbond", "ports", "list", "--token", rtok + "x"}}, // 401
		{vars, []string{"--debug", "rainbond", "ports", "add", "--port", "8082", "--url", "http://127.0.0.1:1/x"}},
		{vars, []string{"--debug", "alaya", "ports", "list"}},
		{vars, []string{"--debug", "alaya", "ports", "open", "--port", "8081", "--protocol", "tcp"}},
		{vars, []string{"--debug", "alaya", "ports", "list", "--secret-key", asecret + "x"}}, // 401
		{bearer, []string{"--debug", "alaya", "ports", "list"}},
	}
	for _, tc := range cases {
		r := runWith(t, tc.vars, tc.args...)
		for _, secret := range []string{rtok, asecret, akey} {
			assert.NotContains(t, r.stdout, secret, "%v", tc.args)
			assert.NotContains(t, r.stderr, secret, "%v", tc.args)
		}
	}
}

// lockedBuffer is a bytes.Buffer a test can read while the command writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestFakeServesAndPrintsTheEnvironment(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		code := Run(ctx, []string{"fake", "--addr", "127.0.0.1:0"}, func(string) string { return "" }, pw, &stderr)
		_ = pw.Close()
		done <- code
	}()

	vars := map[string]string{}
	sc := bufio.NewScanner(pr)
	for len(vars) < len(fakeVarNames) && sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		require.True(t, ok, "not KEY=value: %q", sc.Text())
		vars[k] = v
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	require.Len(t, vars, len(fakeVarNames), "stderr: %s", stderr.String())
	for _, k := range fakeVarNames {
		assert.NotEmpty(t, vars[k], k)
	}
	assert.Regexp(t, `^http://127\.0\.0\.1:[1-9][0-9]*/rainbond$`, vars["RAINBOND_URL"])
	assert.NotContains(t, vars["RAINBOND_URL"], ":0/", "the real port is printed")
	assert.Regexp(t, `^http://127\.0\.0\.1:[1-9][0-9]*/alaya/api/osm$`, vars["ALAYA_URL"])

	// Every command finds its settings in what fake printed.
	r := runWith(t, vars, "rainbond", "ports", "list")
	assert.Equal(t, 0, r.code, r)
	r = runWith(t, vars, "rainbond", "ports", "add", "--port", "8080", "-o", "json")
	assert.Equal(t, 0, r.code, r)
	r = runWith(t, vars, "rainbond", "ports", "list")
	require.Equal(t, 0, r.code, r)
	assert.Equal(t, "8080", rows(r.stdout)[0][0])
	r = runWith(t, vars, "alaya", "ports", "list")
	assert.Equal(t, 0, r.code, r)
	assert.NotEmpty(t, rows(r.stdout))

	// The bearer key it prints on stderr works instead of the AccessKey pair.
	m := regexp.MustCompile(`Alaya also accepts the bearer key ALAYA_API_KEY=([0-9a-f]+) `).FindStringSubmatch(stderr.String())
	require.NotNil(t, m, stderr.String())
	r = runWith(t, merge(without(vars, "ALAYA_ACCESS_KEY", "ALAYA_SECRET_KEY"), map[string]string{"ALAYA_API_KEY": m[1]}),
		"alaya", "ports", "list")
	assert.Equal(t, 0, r.code, r)
	wrong := "0" + vars["ALAYA_SECRET_KEY"][1:]
	if wrong == vars["ALAYA_SECRET_KEY"] {
		wrong = "1" + wrong[1:]
	}
	r = runWith(t, merge(vars, map[string]string{"ALAYA_SECRET_KEY": wrong}), "alaya", "ports", "list")
	assert.Equal(t, 4, r.code, r)
	r = runWith(t, vars, "alaya", "ports", "open", "--port", "8080", "--protocol", "http/https")
	assert.Equal(t, 0, r.code, r)

	cancel()
	select {
	case code := <-done:
		assert.Equal(t, 0, code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("fake did not stop when its context was cancelled")
	}
	assert.Contains(t, stderr.String(), "serving Rainbond at "+vars["RAINBOND_URL"])

	// The listener is closed.
	r = runWith(t, vars, "rainbond", "ports", "list")
	assert.Equal(t, 1, r.code, r)
}

func TestFakeAddressInUse(t *testing.T) {
	f, err := startFake("127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	addr := strings.TrimPrefix(f.base, "http://")
	r := runWith(t, nil, "fake", "--addr", addr)
	assert.Equal(t, 1, r.code, r)
	assert.Contains(t, r.stderr, "address already in use")
	assert.Empty(t, r.stdout)
}

func TestDemo(t *testing.T) {
	r := runWith(t, nil, "demo")
	require.Equal(t, 0, r.code, r)
	assert.Empty(t, r.stderr)
	assert.Contains(t, r.stdout, "$ portctl rainbond ports add --port 8080 --protocol http --alias WEB\n")
	assert.Contains(t, r.stdout, "$ portctl alaya ports open --port 8080 --protocol http/https\n")
	assert.Contains(t, r.stdout, "(exit 1, as expected)")
	assert.Contains(t, r.stdout, "(exit 2, as expected)")
	assert.NotContains(t, r.stdout, "UNEXPECTED")
	assert.Contains(t, r.stdout, "(exit 4, as expected)")
	assert.Contains(t, r.stdout, "demo: all 22 steps did what they should.")
	assert.Contains(t, r.stdout, "ALAYA_SECRET_KEY=<hidden>")
	assert.Contains(t, r.stdout, "RAINBOND_TOKEN=<hidden>")
}

// A step that does not do what it should makes the demo fail with exit 1.
func TestDemoFailsWhenAStepMisbehaves(t *testing.T) {
	f, err := startFake("127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	var out strings.Builder
	steps := []demoStep{
		{title: "wrong exit", args: []string{"rainbond", "ports", "delete", "--port", "1"}},
		{title: "wrong output", args: []string{"rainbond", "ports", "list"}, want: []string{`(?m)^8080 `}},
		{title: "sends", args: []string{"rainbond", "ports", "list"}, sendsNothing: true},
		{title: "output it must not have", args: []string{"rainbond", "ports", "list"}, want: []string{"!^PORT "}},
	}
	err = runDemo(context.Background(), &out, f, steps)
	var xe *exitError
	require.ErrorAs(t, err, &xe)
	assert.Equal(t, 1, xe.code)
	assert.Contains(t, out.String(), "demo: FAILED: 4 of 4 steps")
	assert.NotContains(t, out.String(), f.vars["RAINBOND_TOKEN"])
}

func TestShellJoin(t *testing.T) {
	assert.Equal(t, `alaya ports open --protocol http/https`, shellJoin([]string{"alaya", "ports", "open", "--protocol", "http/https"}))
	assert.Equal(t, `a 'b c' '' 'it'\''s'`, shellJoin([]string{"a", "b c", "", "it's"}))
}

// TestFakeAddressMalformed protects "errors name the flag": an --addr that is not HOST:PORT (for
// fake and demo) is a usage error naming --addr, exit 2, before anything listens.
func TestFakeAddressMalformed(t *testing.T) {
	for _, cmd := range []string{"fake", "demo"} {
		for _, addr := range []string{"abc", "127.0.0.1:99999", "nothost:abc", "127.0.0.1:-1"} {
			r := runWith(t, nil, cmd, "--addr", addr)
			assert.Equal(t, 2, r.code, "%s --addr %s: %v", cmd, addr, r)
			assert.Contains(t, r.stderr, "invalid --addr", r)
			assert.Empty(t, r.stdout)
		}
	}
}
