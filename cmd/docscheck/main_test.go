package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/dev/docscheck"
)

// testDocs are the test copies of the four pages; the notes the allow-list cites are read from the
// repository root, two levels up.
const (
	testDocs  = "../../internal/dev/docscheck/testdata/vendor"
	testSpecs = "../../internal/dev/docscheck/testdata/specs" // the specs as the test pages were checked against
	repoRoot  = "../.."
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
	code, out, errOut := runTool(t, nil, "-docs", testDocs, "-specs", testSpecs, "-root", repoRoot)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "docscheck: 4 pages, 7 endpoints, 98 items checked against 2 specs: no findings (9 deliberate differences allowed by cmd/docscheck/allow.txt)\n", out)
	require.Empty(t, errOut)
}

func TestDocsFromEnvironment(t *testing.T) {
	code, _, errOut := runTool(t, map[string]string{"DOCS": testDocs}, "-specs", testSpecs, "-root", repoRoot)
	require.Equal(t, 0, code, errOut)

	code, _, errOut = runTool(t, map[string]string{"DOCS": filepath.Join(t.TempDir(), "none")}, "-specs", testSpecs, "-root", repoRoot)
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

	code, out, errOut := runTool(t, nil, "-docs", docs, "-specs", testSpecs, "-root", repoRoot)
	require.Equal(t, 1, code)
	require.Equal(t, `003_502f989c638d739b.txt:97: POST /openapi/v1/teams/{team_id}/regions/{region_name}/apps/{app_id}/services/{service_id}/ports: request field "protocol": enum value "sctp" missing in spec`+"\n", out)
	require.Contains(t, errOut, "1 findings")
}

func TestAllowFlag(t *testing.T) {
	allow := filepath.Join(t.TempDir(), "allow.txt")
	require.NoError(t, os.WriteFile(allow, []byte("# empty\n"), 0o644))
	code, out, _ := runTool(t, nil, "-docs", testDocs, "-specs", testSpecs, "-root", repoRoot, "-allow", allow)
	require.Equal(t, 1, code)
	require.Len(t, strings.Split(strings.TrimSpace(out), "\n"), 9) // every deliberate difference shows

	code, _, errOut := runTool(t, nil, "-docs", testDocs, "-specs", testSpecs, "-root", repoRoot, "-allow", allow+".missing")
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

// pageServer serves the test pages at the paths docs/vendor/sources.txt gives them, as text;
// change maps a page to a replacement of its text.
func pageServer(t *testing.T, change map[string][2]string) *httptest.Server {
	t.Helper()
	srcs, err := docscheck.ReadSources("../../docs/vendor/sources.txt")
	require.NoError(t, err)
	byPath := map[string]string{}
	for _, s := range srcs {
		u, err := url.Parse(s.URL)
		require.NoError(t, err)
		data, err := os.ReadFile(filepath.Join(testDocs, s.File))
		require.NoError(t, err)
		text := string(data)
		if c, ok := change[s.File]; ok {
			require.Contains(t, text, c[0])
			text = strings.Replace(text, c[0], c[1], 1)
		}
		byPath[u.Path] = text
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		text, ok := byPath[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, text)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// fetchDocs is a docs folder with the test pages and the real sources file.
func fetchDocs(t *testing.T) string {
	t.Helper()
	docs := copyDocs(t)
	data, err := os.ReadFile("../../docs/vendor/sources.txt")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(docs, "sources.txt"), data, 0o644))
	return docs
}

func TestFetchCommand(t *testing.T) {
	docs := fetchDocs(t)
	srv := pageServer(t, nil)
	code, out, errOut := runTool(t, nil, "fetch", "-base-url", srv.URL, "-docs", docs, "-specs", testSpecs, "-root", repoRoot)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "docscheck: 4 pages, 7 endpoints, 98 items checked against 2 specs: no findings")
	for _, p := range []string{"000_a9fa08e9ec2010c1.txt", "003_502f989c638d739b.txt", "alaya-open-port.txt", "alaya-close-port.txt"} {
		require.Contains(t, errOut, "docscheck fetch: "+p+": unchanged ("+srv.URL+"/")
	}
}

// TestFetchCommandReportsAChange: a page the vendor changed is reported by "docscheck fetch" (exit
// 1), naming the page, the line and the item, and the new page is in the docs folder.
func TestFetchCommandReportsAChange(t *testing.T) {
	docs := fetchDocs(t)
	srv := pageServer(t, map[string][2]string{"alaya-close-port.txt": {"portInteger必填", "portString必填"}})
	code, out, errOut := runTool(t, nil, "fetch", "-base-url", srv.URL, "-docs", docs, "-specs", testSpecs, "-root", repoRoot)
	require.Equal(t, 1, code, errOut)
	require.Equal(t, `alaya-close-port.txt:23: POST /v1/cci/instance/{id}/close-port: request field "port": page type string, spec type integer`+"\n", out)
	require.Contains(t, errOut, "docscheck fetch: alaya-close-port.txt: changed (")
	data, err := os.ReadFile(filepath.Join(docs, "alaya-close-port.txt"))
	require.NoError(t, err)
	require.Contains(t, string(data), "portString必填")
}

// TestFetchCommandOffline: with no network the command fails (exit 2) saying so, and the docs folder
// is untouched.
func TestFetchCommandOffline(t *testing.T) {
	docs := fetchDocs(t)
	srv := pageServer(t, map[string][2]string{"alaya-close-port.txt": {"portInteger必填", "portString必填"}})
	srv.Close()
	before, err := os.ReadFile(filepath.Join(docs, "alaya-close-port.txt"))
	require.NoError(t, err)
	code, out, errOut := runTool(t, nil, "fetch", "-base-url", srv.URL, "-docs", docs, "-specs", testSpecs, "-root", repoRoot)
	require.Equal(t, 2, code)
	require.Empty(t, out)
	require.Contains(t, errOut, "\n  000_a9fa08e9ec2010c1.txt: GET "+srv.URL+"/")
	require.Contains(t, errOut, "offline, or the site is down?")
	require.Contains(t, errOut, "docscheck fetch: 4 of 4 pages could not be downloaded; nothing written, "+docs+" is unchanged:\n  ")
	after, err := os.ReadFile(filepath.Join(docs, "alaya-close-port.txt"))
	require.NoError(t, err)
	require.Equal(t, string(before), string(after))
}

func TestFetchUsage(t *testing.T) {
	code, _, errOut := runTool(t, nil, "fetch", "-h")
	require.Equal(t, 0, code)
	require.Contains(t, errOut, "usage: docscheck fetch")
	require.Contains(t, errOut, "-base-url")

	code, _, errOut = runTool(t, nil, "fetch", "now")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, `docscheck fetch: unexpected argument "now"`)

	code, _, _ = runTool(t, nil, "-base-url", "http://x.test")
	require.Equal(t, 2, code) // -base-url is a flag of fetch only
}

// TestUpdateCommand: update writes what needs no person and says so, one line each (exit 0); a
// changed path is printed with its page and line, exit 1, and no spec changes for it.
func TestUpdateCommand(t *testing.T) {
	docs, specsDir := copyDocs(t), t.TempDir()
	require.NoError(t, os.CopyFS(specsDir, os.DirFS(testSpecs)))
	page := filepath.Join(docs, "003_502f989c638d739b.txt")
	data, err := os.ReadFile(page)
	require.NoError(t, err)
	added := strings.Replace(string(data), "tcp、http、mysql、grpc、udp |", "tcp、http、mysql、grpc、udp、quic |", 1)
	require.NoError(t, os.WriteFile(page, []byte(added), 0o644))

	code, out, errOut := runTool(t, nil, "update", "-docs", docs, "-specs", specsDir, "-root", repoRoot)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "updated "+filepath.Join(specsDir, "rainbond.yaml")+`: components/schemas/Protocol: enum value "quic" added (from 003_502f989c638d739b.txt:97)`)
	require.Contains(t, out, "no findings")
	spec, err := os.ReadFile(filepath.Join(specsDir, "rainbond.yaml"))
	require.NoError(t, err)
	require.Contains(t, string(spec), "enum: [http, tcp, udp, mysql, grpc, quic]")

	moved := strings.Replace(added, " DELETE /openapi", " DELETE /openapi/v2", 1)
	require.NoError(t, os.WriteFile(page, []byte(moved), 0o644))
	code, out, errOut = runTool(t, nil, "update", "-docs", docs, "-specs", specsDir, "-root", repoRoot)
	require.Equal(t, 1, code)
	require.NotContains(t, out, "updated")
	require.Contains(t, out, "003_502f989c638d739b.txt:223: DELETE /openapi/v2/v1/teams/")
	require.Contains(t, errOut, "findings")
	again, err := os.ReadFile(filepath.Join(specsDir, "rainbond.yaml"))
	require.NoError(t, err)
	require.Equal(t, string(spec), string(again))
}
