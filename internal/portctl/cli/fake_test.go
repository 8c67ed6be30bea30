package cli

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A client that sends its body too slowly is cut off by the fake's read timeout: it cannot tie a
// connection (and a handler) up for as long as it likes.
func TestFakeCutsOffASlowBody(t *testing.T) {
	saved := fakeReadTimeout
	fakeReadTimeout = 300 * time.Millisecond
	defer func() { fakeReadTimeout = saved }()
	f, err := startFake("127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = f.Close() }()

	conn, err := net.Dial("tcp", strings.TrimPrefix(f.base, "http://"))
	require.NoError(t, err)
	defer func() { _ = conn.Close() }()
	_, err = io.WriteString(conn, "POST /rainbond/x HTTP/1.1\r\nHost: fake\r\nContent-Length: 1000\r\n\r\n{")
	require.NoError(t, err)
	require.NoError(t, conn.SetDeadline(time.Now().Add(3*time.Second)))
	start := time.Now()
	_, err = io.ReadAll(conn) // the body never comes: the server must close the connection
	assert.False(t, errors.Is(err, os.ErrDeadlineExceeded), "the fake kept the connection open: %v", err)
	assert.Less(t, time.Since(start), 2*time.Second)
}

const fakeStateFile = `rainbond:
  - team: team-a
    region: region-x
    app: 3
    component: web
    ports:
      - port: 80
        inner: true
        outer: true
        alias: WEB
  - team: team-b
    region: region-y
    app: 4
    component: empty
    ports: []
alaya:
  - instance: inst-1
    ports:
      - port: 8080
        protocol: tcp
`

// serveFakeCmd runs 'portctl fake args...' in-process until the test ends, and returns the
// variables it printed, or the exit status when it ended before printing them.
func serveFakeCmd(t *testing.T, args ...string) (map[string]string, int, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		code := Run(ctx, append([]string{"fake", "--addr", "127.0.0.1:0"}, args...), func(string) string { return "" }, pw, &stderr)
		_ = pw.Close()
		done <- code
	}()
	t.Cleanup(func() { cancel(); <-done })
	vars := map[string]string{}
	sc := bufio.NewScanner(pr)
	for len(vars) < len(fakeVarNames) && sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		vars[k] = v
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if len(vars) < len(fakeVarNames) {
		code := <-done
		done <- code
		return nil, code, &stderr
	}
	return vars, 0, &stderr
}

// TestFakeState protects fake --state: the components (teams, regions, apps), instances and ports
// of a ports file, "ports: []" a component with none, the variables naming the first of each.
func TestFakeState(t *testing.T) {
	vars, _, stderr := serveFakeCmd(t, "--state", writeFile(t, fakeStateFile))
	require.NotNil(t, vars, stderr.String())
	assert.Equal(t, []string{"team-a", "region-x", "3", "web", "inst-1"},
		[]string{vars["RAINBOND_TEAM"], vars["RAINBOND_REGION"], vars["RAINBOND_APP"], vars["RAINBOND_COMPONENT"], vars["ALAYA_INSTANCE"]})
	r := runWith(t, vars, "rainbond", "ports", "list")
	require.Equal(t, 0, r.code, r)
	assert.Equal(t, [][]string{{"80", "http", "WEB", "open", "open", "80", "web"}}, rows(r.stdout))
	r = runWith(t, vars, "rainbond", "ports", "list", "--team", "team-b", "--region", "region-y", "--app", "4", "--component", "empty", "-o", "json")
	require.Equal(t, 0, r.code, r)
	assert.Equal(t, "[]\n", r.stdout)
	r = runWith(t, vars, "alaya", "ports", "list")
	require.Equal(t, 0, r.code, r)
	assert.Contains(t, r.stdout, "custom  8080  tcp")
	r = runWith(t, vars, "diff", "--exit-code", "-f", writeFile(t, fakeStateFile))
	assert.Equal(t, 0, r.code, "the fake starts in the file's state: %s", r)
}

// TestFakeStateRefusesABadFile protects the refusal of a --state file as apply's: exit 2 with its
// line, and no variables printed.
func TestFakeStateRefusesABadFile(t *testing.T) {
	vars, code, stderr := serveFakeCmd(t, "--state", writeFile(t, strings.Replace(fakeStateFile, "inner: true", "inner: maybe", 1)))
	assert.Nil(t, vars)
	assert.Equal(t, 2, code)
	assert.Regexp(t, `ports\.yaml:8: rainbond\[0\]\.ports\[0\]\.inner: must be true or false`, stderr.String())

	many := "alaya:\n"
	for i := range 1001 {
		many += "  - instance: i-" + strconv.Itoa(i) + "\n    ports: []\n"
	}
	vars, code, stderr = serveFakeCmd(t, "--state", writeFile(t, many))
	assert.Nil(t, vars)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr.String(), "ports.yaml: names more than 1000 instances: the fake has external ports for 1000")
}

// completions runs portctl's completion of the words (the last the one being completed) and
// returns what it offers, without the directive line.
func completions(t *testing.T, vars map[string]string, words ...string) []string {
	t.Helper()
	r := runWith(t, vars, append([]string{"__complete"}, words...)...)
	require.Equal(t, 0, r.code, r)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	return lines[:len(lines)-1]
}

// TestDynamicCompletion protects dynamic completion: --port from the target's current ports (none, and
// quietly, when the target cannot be reached), --protocol and --action from their enums.
func TestDynamicCompletion(t *testing.T) {
	vars, _, stderr := serveFakeCmd(t, "--state", writeFile(t, fakeStateFile))
	require.NotNil(t, vars, stderr.String())
	assert.Equal(t, []string{"80"}, completions(t, vars, "rainbond", "ports", "delete", "--port", ""))
	assert.Equal(t, []string{"80"}, completions(t, vars, "rainbond", "ports", "update", "--action", "open_outer", "--port", ""))
	assert.Equal(t, []string{"8080"}, completions(t, vars, "alaya", "ports", "close", "--port", ""))
	down := merge(vars, map[string]string{"RAINBOND_URL": "http://127.0.0.1:1/rainbond"})
	r := runWith(t, down, "__complete", "rainbond", "ports", "delete", "--port", "")
	assert.Equal(t, ":4\n", r.stdout, "nothing offered, nothing said")
	assert.NotContains(t, r.stderr, "portctl:")

	assert.Equal(t, []string{"http", "tcp", "udp", "mysql", "grpc"}, completions(t, vars, "rainbond", "ports", "add", "--protocol", ""))
	assert.Equal(t, []string{"http", "tcp", "udp", "mysql", "grpc"}, completions(t, vars, "rainbond", "ports", "update", "--protocol", ""))
	assert.Equal(t, []string{"http/https", "tcp"}, completions(t, vars, "alaya", "ports", "open", "--protocol", ""))
	assert.Contains(t, completions(t, vars, "rainbond", "ports", "update", "--action", ""), "change_port_alias")
}
