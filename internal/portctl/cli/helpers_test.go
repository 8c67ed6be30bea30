package cli

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
)

// result is what one in-process portctl run produced.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return "exit " + strconv.Itoa(r.code) + "\n--- stdout\n" + r.stdout + "--- stderr\n" + r.stderr
}

// runWith runs portctl in-process with exactly the environment vars (nothing from the real process).
func runWith(t *testing.T, vars map[string]string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return vars[k] }
	code := Run(ctx, args, getenv, &stdout, &stderr)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// merge returns a copy of base with extra set over it.
func merge(base map[string]string, extra map[string]string) map[string]string {
	m := make(map[string]string, len(base)+len(extra))
	for k, v := range base {
		m[k] = v
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// without returns a copy of base without the keys.
func without(base map[string]string, keys ...string) map[string]string {
	m := merge(base, nil)
	for _, k := range keys {
		delete(m, k)
	}
	return m
}

// rows splits table output into the whitespace-separated fields of each line after the header.
func rows(out string) [][]string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	var rs [][]string
	for _, l := range lines[1:] {
		rs = append(rs, strings.Fields(l))
	}
	return rs
}
