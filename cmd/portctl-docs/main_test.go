package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/portctl/cli"
)

// result is what one in-process run produced.
type result struct {
	code   int
	stderr string
}

func (r result) String() string { return "exit " + strconv.Itoa(r.code) + "\n--- stderr\n" + r.stderr }

func runDocs(t *testing.T, args ...string) result {
	t.Helper()
	var stderr bytes.Buffer
	code := run(args, &stderr)
	return result{code: code, stderr: stderr.String()}
}

func TestDocsCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ref")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	stale := filepath.Join(dir, "portctl_removed_command.md")
	other := filepath.Join(dir, "NOTES.md")
	require.NoError(t, os.WriteFile(stale, []byte("old"), 0o644))
	require.NoError(t, os.WriteFile(other, []byte("mine"), 0o644))

	r := runDocs(t, "--dir", dir)
	require.Equal(t, 0, r.code, r)
	assert.FileExists(t, filepath.Join(dir, "portctl_rainbond_ports_update.md"))
	assert.NoFileExists(t, stale, "a page of a command that no longer exists is removed")
	assert.FileExists(t, other, "other files are left alone")

	r = runDocs(t, "--dir", dir, "--format", "man")
	require.Equal(t, 0, r.code, r)
	page, err := os.ReadFile(filepath.Join(dir, "portctl-rainbond-ports-update.1"))
	require.NoError(t, err)
	assert.Contains(t, string(page), ".TH \"PORTCTL\" \"1\"")
	assert.Contains(t, string(page), "change_port_alias")

	for _, args := range [][]string{{}, {"--dir", dir, "--format", "pdf"}, {"--dir", dir, "extra"}, {"--bogus"}} {
		r = runDocs(t, args...)
		assert.Equal(t, 2, r.code, "%v: %s", args, r)
	}
}

// The committed reference (docs/portctl) and the README's command table are what the command tree
// generates now: they cannot drift from the commands.
func TestReferenceMatchesTheCommands(t *testing.T) {
	const fix = "run 'make cli-docs' and commit the result"
	dir := t.TempDir()
	require.NoError(t, writeReference(cli.CommandTree(), dir, "markdown"))
	want := readDir(t, dir)
	got := readDir(t, filepath.Join("..", "..", referenceDir))
	assert.Equal(t, keys(want), keys(got), "the pages of %s differ from the commands: %s", referenceDir, fix)
	for name, text := range want {
		if g, ok := got[name]; ok {
			assert.Equal(t, text, g, "%s/%s is stale: %s", referenceDir, name, fix)
		}
	}

	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	_, after, ok := strings.Cut(string(readme), readmeTableBegin+"\n")
	require.True(t, ok, "the README lacks the line %q", readmeTableBegin)
	current, _, ok := strings.Cut(after, readmeTableEnd)
	require.True(t, ok, "the README lacks the line %q", readmeTableEnd)
	assert.Equal(t, commandTable(cli.CommandTree()), current, "the README's command table is stale: %s", fix)
	updated, err := replaceTable(readme, commandTable(cli.CommandTree()))
	require.NoError(t, err)
	assert.True(t, string(updated) == string(readme), "make cli-docs would change the README: %s", fix)

	// Every runnable command has a row, and every row links to an existing page.
	table := commandTable(cli.CommandTree())
	for _, c := range leafCommands(cli.CommandTree()) {
		assert.Contains(t, table, "[`"+c.CommandPath(), c.CommandPath())
	}
	for _, m := range regexp.MustCompile(`\]\((docs/portctl/[^)]+)\)`).FindAllStringSubmatch(table, -1) {
		assert.FileExists(t, filepath.Join("..", "..", m[1]))
	}
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	out := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		out[e.Name()] = string(b)
	}
	return out
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// docs --readme rewrites only the table between the markers, and refuses a README without them.
func TestDocsReadme(t *testing.T) {
	dir := t.TempDir()
	readme := filepath.Join(dir, "README.md")
	require.NoError(t, os.WriteFile(readme, []byte("# x\n\nbefore\n"+readmeTableBegin+"\nold table\n"+readmeTableEnd+"\nafter\n"), 0o644))
	r := runDocs(t, "--dir", filepath.Join(dir, "ref"), "--readme", readme)
	require.Equal(t, 0, r.code, r)
	got, err := os.ReadFile(readme)
	require.NoError(t, err)
	assert.Equal(t, "# x\n\nbefore\n"+readmeTableBegin+"\n"+commandTable(cli.CommandTree())+readmeTableEnd+"\nafter\n", string(got))

	require.NoError(t, os.WriteFile(readme, []byte("# no markers\n"), 0o644))
	r = runDocs(t, "--dir", filepath.Join(dir, "ref"), "--readme", readme)
	assert.Equal(t, 1, r.code, r)
	assert.Contains(t, r.stderr, "the README has no line")
}
