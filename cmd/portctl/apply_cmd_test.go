package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// fakeApplyFile names the fake's component and instance.
const fakeApplyFile = `rainbond:
  - team: demo-team
    region: demo-region
    app: 1
    component: gr1a2b3c
    prune: true
    ports:
      - port: 8080
        inner: true
        outer: true
        alias: WEB
      - port: 5432
        protocol: tcp
        inner: true
        outer: true
alaya:
  - instance: 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0
    ports:
      - port: 8080
`

func startApplyFake(t *testing.T) *fake {
	t.Helper()
	f, err := startFake("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ports.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

func fakeWrites(f *fake) int {
	n := 0
	for _, r := range append(f.rainbond.Requests(), f.alaya.Requests()...) {
		if r.Method != http.MethodGet {
			n++
		}
	}
	return n
}

// TestApplyCommand protects 'portctl apply -f' against the in-process fake: the plan and a run that
// reaches the file's state (exit 0), then "no changes" (exit 0, no write).
func TestApplyCommand(t *testing.T) {
	f := startApplyFake(t)
	path := writeFile(t, fakeApplyFile)

	r := runWith(t, f.vars, "apply", "-f", path)
	require.Equal(t, 0, r.code, r)
	assert.Equal(t, `+ rainbond demo-team/1/gr1a2b3c 5432 add tcp inner
~ rainbond demo-team/1/gr1a2b3c 5432 open outer
+ rainbond demo-team/1/gr1a2b3c 8080 add http inner alias WEB
~ rainbond demo-team/1/gr1a2b3c 8080 open outer
+ alaya 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0 8080 open http/https
Plan: 3 to add, 0 to change, 0 to delete.
Apply complete: 5 steps done.
`, stripReachable(r.stdout))
	ports, _ := f.rainbond.Ports(fakeComponent)
	require.Len(t, ports, 2)
	assert.True(t, ports[0].IsOuterService && ports[1].IsOuterService)

	writes := fakeWrites(f)
	r = runWith(t, f.vars, "apply", "-f", path)
	require.Equal(t, 0, r.code, r)
	assert.Equal(t, "no changes\n", r.stdout)
	assert.Equal(t, writes, fakeWrites(f))

	// A protocol change on an open outer service: close outer, change protocol, open outer.
	r = runWith(t, f.vars, "apply", "-f", writeFile(t, strings.Replace(fakeApplyFile, "protocol: tcp", "protocol: mysql", 1)))
	require.Equal(t, 0, r.code, r)
	assert.Equal(t, `~ rainbond demo-team/1/gr1a2b3c 5432 close outer
~ rainbond demo-team/1/gr1a2b3c 5432 change protocol tcp -> mysql
~ rainbond demo-team/1/gr1a2b3c 5432 open outer
Plan: 0 to add, 1 to change, 0 to delete.
Apply complete: 3 steps done.
`, r.stdout)
}

// TestDiffCommand protects 'portctl diff -f' and 'apply --dry-run': the plan, and no write.
func TestDiffCommand(t *testing.T) {
	f := startApplyFake(t)
	path := writeFile(t, fakeApplyFile)
	for _, args := range [][]string{{"diff", "-f", path}, {"apply", "--dry-run", "-f", path}, {"diff", "-f", path, "-o", "yaml"}} {
		r := runWith(t, f.vars, args...)
		require.Equal(t, 0, r.code, r)
		assert.Contains(t, r.stdout, "8080", args)
	}
	assert.Zero(t, fakeWrites(f), "diff and --dry-run send no write")
	r := runWith(t, f.vars, "diff", "-f", path, "-o", "json")
	assert.Contains(t, r.stdout, `"op": "open_outer"`)
}

// TestApplyCommandRefusesFile protects exit 2 with the file's line, and nothing sent.
func TestApplyCommandRefusesFile(t *testing.T) {
	f := startApplyFake(t)
	bad := strings.Replace(fakeApplyFile, "      - port: 5432\n        protocol: tcp\n        inner: true\n",
		"      - port: 5432\n        protocol: tcp\n", 1)
	r := runWith(t, f.vars, "apply", "-f", writeFile(t, bad))
	assert.Equal(t, 2, r.code, r)
	assert.Contains(t, r.stderr, "ports.yaml:14: rainbond[0].ports[1].outer: needs inner")
	assert.Contains(t, r.stderr, "(nothing was sent)")
	assert.Empty(t, r.stdout)

	r = runWith(t, f.vars, "apply", "-f", writeFile(t, fakeApplyFile+"  - instance: x\n    url: http://elsewhere\n"))
	assert.Equal(t, 2, r.code, r)
	assert.Contains(t, r.stderr, ":21: alaya[1]: unknown key \"url\"")

	r = runWith(t, f.vars, "apply")
	assert.Equal(t, 2, r.code, r)
	assert.Contains(t, r.stderr, "--file")

	r = runWith(t, without(f.vars, "RAINBOND_TOKEN"), "apply", "-f", writeFile(t, fakeApplyFile))
	assert.Equal(t, 2, r.code, r)
	assert.Contains(t, r.stderr, "missing --rainbond-token (or set RAINBOND_TOKEN)")

	// Only the platforms the file names need settings.
	alayaOnly := "alaya:\n  - instance: 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0\n    ports:\n      - port: 7000\n"
	r = runWith(t, without(f.vars, "RAINBOND_URL", "RAINBOND_TOKEN"), "diff", "-f", writeFile(t, alayaOnly))
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, 0, f.rainbond.RequestCount())
	assert.Zero(t, fakeWrites(f))

	// A file the current ports make impossible: exit 2 at the port's line, after the lists only.
	require.NoError(t, f.rainbond.SetPort(fakeComponent, rainbond.Port{ContainerPort: 9000, Protocol: "tcp", PortAlias: "WEB", K8sServiceName: "gr1a2b3c"}))
	r = runWith(t, f.vars, "apply", "-f", writeFile(t, strings.Replace(fakeApplyFile, "prune: true", "prune: false", 1)))
	assert.Equal(t, 2, r.code, r)
	assert.Contains(t, r.stderr, "ports.yaml:8: rainbond[0].ports[0].alias: WEB is the alias of port 9000")
	assert.Contains(t, r.stderr, "(only lists were sent; nothing was written)")
	assert.Zero(t, fakeWrites(f))
}

// TestApplyCommandFromStdin protects -f -.
func TestApplyCommandFromStdin(t *testing.T) {
	f := startApplyFake(t)
	cmd := []string{"diff", "-f", "-"}
	var stdout, stderr strings.Builder
	root := newRootCmd(newEnv(func(k string) string { return f.vars[k] }, &stdout, &stderr))
	root.SetArgs(cmd)
	root.SetIn(strings.NewReader(fakeApplyFile))
	require.NoError(t, root.Execute())
	assert.Contains(t, stdout.String(), "Plan: 3 to add, 0 to change, 0 to delete.\n")
}
