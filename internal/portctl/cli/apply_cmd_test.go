package cli

import (
	"math/rand"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
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

func writeFile(t testing.TB, text string) string {
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
	r = runWith(t, f.vars, "apply", "--yes", "-f", writeFile(t, strings.Replace(fakeApplyFile, "protocol: tcp", "protocol: mysql", 1)))
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

// TestApplyCommandCredentialRefused protects exit 4 with what to check, for each platform.
func TestApplyCommandCredentialRefused(t *testing.T) {
	f := startApplyFake(t)
	path := writeFile(t, fakeApplyFile)
	r := runWith(t, merge(f.vars, map[string]string{"RAINBOND_TOKEN": "wrong"}), "diff", "-f", path)
	assert.Equal(t, 4, r.code, r)
	assert.Contains(t, r.stderr, "the server refused the credential: check RAINBOND_TOKEN\n")
	r = runWith(t, merge(f.vars, map[string]string{"ALAYA_SECRET_KEY": "wrong"}), "apply", "-f", path)
	assert.Equal(t, 4, r.code, r)
	assert.Contains(t, r.stderr, "the signature does not verify: check ALAYA_SECRET_KEY")
	assert.NotContains(t, r.stdout+r.stderr, "wrong")
	assert.Zero(t, fakeWrites(f), "a refused list stops before any write")
}

// TestApplyCommandRegionFault protects exit 1 with the done/failed/not-run report when the
// console's region fails, and the convergence of the next apply.
func TestApplyCommandRegionFault(t *testing.T) {
	f := startApplyFake(t)
	require.NoError(t, f.rainbond.SetPort(fakeComponent, rainbond.Port{ContainerPort: 9000, Protocol: "tcp", PortAlias: "OLD",
		IsInnerService: true, IsOuterService: true, K8sServiceName: "gr1a2b3c"}))
	path := writeFile(t, fakeApplyFile)
	f.rainbond.SetRegionFault(rainbondtest.RegionUnreachable)
	r := runWith(t, f.vars, "apply", "--yes", "--parallel", "1", "-f", path)
	assert.Equal(t, 1, r.code, r)
	assert.Contains(t, r.stdout, "failed   ~ rainbond demo-team/1/gr1a2b3c 9000 close outer\n         rainbond.UpdatePort: HTTP 400, code 10411: ")
	assert.Contains(t, r.stdout, "not run  - rainbond demo-team/1/gr1a2b3c 9000 delete\n")
	assert.Contains(t, r.stdout, "not run  + alaya 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0 8080 open http/https\n")
	assert.Contains(t, r.stdout, "Apply stopped at the first failing step: 0 done, 1 failed, 7 not run.")
	assert.Contains(t, r.stderr, "portctl: apply stopped: rainbond demo-team/1/gr1a2b3c: step 1 (9000 close outer)")

	f.rainbond.SetRegionFault(rainbondtest.RegionHealthy)
	r = runWith(t, f.vars, "apply", "--yes", "-f", path)
	require.Equal(t, 0, r.code, r)
	assert.Contains(t, r.stdout, "Apply complete: 8 steps done.\n")
	r = runWith(t, f.vars, "apply", "--yes", "-f", path)
	assert.Equal(t, "no changes\n", r.stdout)
}

// TestApplyCommandFromStdin protects -f -.
func TestApplyCommandFromStdin(t *testing.T) {
	f := startApplyFake(t)
	cmd := []string{"diff", "-f", "-"}
	var stdout, stderr strings.Builder
	root := newRootCmd(newEnv(func(k string) string { return f.vars[k] }, &stdout, &stderr), cmd)
	root.SetArgs(cmd)
	root.SetIn(strings.NewReader(fakeApplyFile))
	require.NoError(t, root.Execute())
	assert.Contains(t, stdout.String(), "Plan: 3 to add, 0 to change, 0 to delete.\n")
}

// TestApplyCommandRandom protects the acceptance of issue 17 against the in-process fake: for random
// start states and random valid files, diff sends no write, one apply reaches the file's state (a
// diff then prints "no changes"), and a second apply prints "no changes" and sends no write.
func TestApplyCommandRandom(t *testing.T) {
	r := rand.New(rand.NewSource(1717))
	protos := []string{"http", "tcp", "udp", "mysql", "grpc"}
	ran := 0
	for i := 0; i < 40 && ran < 25; i++ {
		f := startApplyFake(t)
		used := map[string]bool{}
		for _, n := range []int{80, 443, 3306, 5432, 8080, 9000} {
			if r.Intn(2) == 0 {
				continue
			}
			alias := "GR1A2B3C" + strconv.Itoa(n)
			if a := []string{"WEB", "DB", "API", "ADMIN", "CACHE"}[r.Intn(5)]; !used[a] && r.Intn(2) == 0 {
				alias = a
			}
			used[alias] = true
			inner := r.Intn(2) == 0
			require.NoError(t, f.rainbond.SetPort(fakeComponent, rainbond.Port{ContainerPort: n, MappingPort: n,
				Protocol: protos[r.Intn(len(protos))], PortAlias: alias, IsInnerService: inner,
				IsOuterService: inner && r.Intn(2) == 0, K8sServiceName: "gr1a2b3c"}))
		}
		text := randomPortsFile(r, fakeComponent.TeamID, fakeComponent.RegionName, "1", fakeComponent.ServiceID)
		text += "alaya:\n  - instance: " + fakeInstance + "\n    prune: " + strconv.FormatBool(r.Intn(2) == 0) + "\n    ports:\n"
		for _, n := range []int{7000, 7860, 8080} {
			if r.Intn(2) == 0 {
				text += "      - port: " + strconv.Itoa(n) + "\n        protocol: " + []string{"tcp", "http/https"}[r.Intn(2)] + "\n"
			}
		}
		path := writeFile(t, text)

		diff := runWith(t, f.vars, "diff", "-f", path)
		if diff.code == 2 && strings.Contains(diff.stderr, "the server refuses two ports with one alias") {
			continue // the start state keeps an alias this file gives another port
		}
		require.Equal(t, 0, diff.code, "%s\n%s", text, diff)
		require.Zero(t, fakeWrites(f), "diff sends no write")
		res := runWith(t, f.vars, "apply", "--yes", "-f", path)
		require.Equal(t, 0, res.code, "%s\n%s", text, res)
		require.Equal(t, "no changes\n", runWith(t, f.vars, "diff", "-f", path).stdout, "%s\n%s", text, res)
		writes := fakeWrites(f)
		second := runWith(t, f.vars, "apply", "-f", path)
		require.Equal(t, 0, second.code, second)
		require.Equal(t, "no changes\n", second.stdout)
		require.Equal(t, writes, fakeWrites(f), "the second apply sends no write")
		ran++
	}
	assert.Greater(t, ran, 15)
}
