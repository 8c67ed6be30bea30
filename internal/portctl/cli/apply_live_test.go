package cli

import (
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// randomPortsFile writes a random valid ports file for one Rainbond component: up to five ports
// from a few numbers, protocols, services and aliases (unique in the file), maybe a k8s service
// name, maybe prune.
func randomPortsFile(r *rand.Rand, team, region, app, component string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "rainbond:\n  - team: %s\n    region: %s\n    app: %s\n    component: %s\n", team, region, app, component)
	fmt.Fprintf(&b, "    prune: %v\n    ports:\n", r.Intn(3) > 0)
	k8s := []string{"", "", "live-web", "live-svc"}[r.Intn(4)]
	aliases := r.Perm(5)
	for i, n := range []int{80, 443, 3306, 5432, 8080} {
		if r.Intn(2) == 0 {
			continue
		}
		fmt.Fprintf(&b, "      - port: %d\n", n)
		if r.Intn(3) > 0 {
			fmt.Fprintf(&b, "        protocol: %s\n", []string{"http", "tcp", "udp", "mysql", "grpc"}[r.Intn(5)])
		}
		inner := r.Intn(2) == 0
		fmt.Fprintf(&b, "        inner: %v\n        outer: %v\n", inner, inner && r.Intn(2) == 0)
		if r.Intn(2) == 0 {
			fmt.Fprintf(&b, "        alias: %s\n", []string{"WEB", "DB", "API", "ADMIN", "CACHE"}[aliases[i]])
		}
		if k8s != "" {
			fmt.Fprintf(&b, "        k8s_service_name: %s\n", k8s)
		}
	}
	return b.String()
}

// TestApplyCommandLive runs random files through 'portctl diff' and 'portctl apply' against a real
// Rainbond console: diff changes nothing (a second diff prints the same plan), one apply reaches the
// state (diff then prints "no changes"), and a second apply prints "no changes". It runs only when
// RAINBOND_LIVE_URL, RAINBOND_LIVE_TOKEN, RAINBOND_LIVE_TEAM, RAINBOND_LIVE_REGION,
// RAINBOND_LIVE_APP and RAINBOND_LIVE_COMPONENT name a console and a scratch component (its ports
// are deleted). RAINBOND_LIVE_ROUNDS sets the number of files (default 8).
//
// It shares the component with the other live test (TestApplyLive in wrapper/rainbond and
// TestApplyCommandLive in internal/portctl/cli): run them one package at a time, e.g.
// go test -p 1 -run 'Live' ./wrapper/rainbond ./internal/portctl/cli.
func TestApplyCommandLive(t *testing.T) {
	url := os.Getenv("RAINBOND_LIVE_URL")
	if url == "" {
		t.Skip("RAINBOND_LIVE_URL not set: no console to run against")
	}
	vars := map[string]string{"RAINBOND_URL": url, "RAINBOND_TOKEN": os.Getenv("RAINBOND_LIVE_TOKEN")}
	rounds := 8
	if v := os.Getenv("RAINBOND_LIVE_ROUNDS"); v != "" {
		var err error
		rounds, err = strconv.Atoi(v)
		require.NoError(t, err, "RAINBOND_LIVE_ROUNDS")
	}
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewSource(seed))
	applied := 0
	for i := 0; applied < rounds && i < rounds*4; i++ {
		text := randomPortsFile(r, os.Getenv("RAINBOND_LIVE_TEAM"), os.Getenv("RAINBOND_LIVE_REGION"),
			os.Getenv("RAINBOND_LIVE_APP"), os.Getenv("RAINBOND_LIVE_COMPONENT"))
		path := writeFile(t, text)
		diff := runWith(t, vars, "diff", "-f", path)
		if diff.code == 2 && strings.Contains(diff.stderr, "the server refuses two ports with one alias") {
			continue // the current state keeps an alias this file gives another port
		}
		require.Equal(t, 0, diff.code, "%s\n%s", text, diff)
		again := runWith(t, vars, "diff", "-f", path)
		require.Equal(t, diff.stdout, again.stdout, "diff changed nothing\n%s", text)

		res := runWith(t, vars, "apply", "--yes", "-f", path)
		require.Equal(t, 0, res.code, "%s\n%s", text, res)
		after := runWith(t, vars, "diff", "-f", path)
		require.Equal(t, "no changes\n", after.stdout, "%s\n%s", text, res)
		second := runWith(t, vars, "apply", "-f", path)
		require.Equal(t, 0, second.code, second)
		require.Equal(t, "no changes\n", second.stdout)
		t.Logf("file %d: %s", i, strings.TrimSpace(diff.stdout[strings.LastIndex(strings.TrimSpace(diff.stdout), "\n")+1:]))
		applied++
	}
	require.Equal(t, rounds, applied)
}
