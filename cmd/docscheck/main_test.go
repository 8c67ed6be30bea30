package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// testDocs are the test copies of the four pages; the notes the allow-list cites are read from the
// repository root, two levels up.
const (
	testDocs = "../../internal/docscheck/testdata/vendor"
	repoRoot = "../.."
)

func runTool(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	return code, out.String(), errOut.String()
}

// copyDocs copies the test pages into a temporary folder.
func copyDocs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(testDocs)
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(testDocs, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644))
	}
	return dir
}

func TestPass(t *testing.T) {
	code, out, errOut := runTool(t, nil, "-docs", testDocs, "-specs", "../../specs", "-root", repoRoot)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "docscheck: 4 pages, 7 endpoints, 98 items checked against 2 specs: no findings (9 deliberate differences allowed by cmd/docscheck/allow.txt)\n", out)
	require.Empty(t, errOut)
}

func TestDocsFromEnvironment(t *testing.T) {
	code, _, errOut := runTool(t, map[string]string{"DOCS": testDocs}, "-specs", "../../specs", "-root", repoRoot)
	require.Equal(t, 0, code, errOut)

	code, _, errOut = runTool(t, map[string]string{"DOCS": filepath.Join(t.TempDir(), "none")}, "-specs", "../../specs", "-root", repoRoot)
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "docs folder")
}

func TestFindings(t *testing.T) {
	docs := copyDocs(t)
	page := filepath.Join(docs, "003_502f989c638d739b.txt")
	data, err := os.ReadFile(page)
	require.NoError(t, err)
	ls := strings.Split(string(data), "\n")
	ls[96] = strings.Replace(ls[96], "tcp、http、mysql、grpc、udp", "tcp、http、mysql、grpc、udp、sctp", 1) // line 97
	require.NoError(t, os.WriteFile(page, []byte(strings.Join(ls, "\n")), 0o644))

	code, out, errOut := runTool(t, nil, "-docs", docs, "-specs", "../../specs", "-root", repoRoot)
	require.Equal(t, 1, code)
	require.Equal(t, `003_502f989c638d739b.txt:97: POST /openapi/v1/teams/{team_id}/regions/{region_name}/apps/{app_id}/services/{service_id}/ports: request field "protocol": enum value "sctp" missing in spec`+"\n", out)
	require.Contains(t, errOut, "1 findings")
}

func TestAllowFlag(t *testing.T) {
	allow := filepath.Join(t.TempDir(), "allow.txt")
	require.NoError(t, os.WriteFile(allow, []byte("# empty\n"), 0o644))
	code, out, _ := runTool(t, nil, "-docs", testDocs, "-specs", "../../specs", "-root", repoRoot, "-allow", allow)
	require.Equal(t, 1, code)
	require.Len(t, strings.Split(strings.TrimSpace(out), "\n"), 9) // every deliberate difference shows

	code, _, errOut := runTool(t, nil, "-docs", testDocs, "-specs", "../../specs", "-root", repoRoot, "-allow", allow+".missing")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "allow.txt.missing")
}

func TestEmbeddedAllowListIsTheFile(t *testing.T) {
	data, err := os.ReadFile("allow.txt")
	require.NoError(t, err)
	require.Equal(t, string(data), string(allowList))
}

func TestUsageErrors(t *testing.T) {
	code, _, errOut := runTool(t, nil, "-nope")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "usage: docscheck")

	code, _, _ = runTool(t, nil, "-docs", testDocs, "extra")
	require.Equal(t, 2, code)

	code, _, errOut = runTool(t, nil, "-docs", testDocs, "-specs", filepath.Join(t.TempDir(), "none"))
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "specs folder")
}

// TestDefaultDocsFolder: run from the repository root with no flag, as "make docs-check" does, the
// tool reads the four pages of docs/vendor and the notes of docs/servers, and finds nothing.
func TestDefaultDocsFolder(t *testing.T) {
	t.Chdir(repoRoot)
	code, out, errOut := runTool(t, nil)
	require.Equal(t, 0, code, out+errOut)
	require.Contains(t, out, "docscheck: 4 pages, 7 endpoints,")
}
