package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// BenchmarkStartup times `portctl rainbond ports list -o json` as a whole process (start, one GET, print,
// exit) next to the smallest net/http program making the same request (tools/minimal), both freshly
// built with `go build -o` and run against one rainbondtest server holding 5 ports. The sub-benchmarks
// are impl=minimal and impl=portctl; `make bench-cli` runs rounds of this benchmark, one go test process
// (and so one fresh build) each, the order reversed every other round (PORTSDK_BENCH_REVERSE), and
// compares them with `benchstat -col /impl` (BENCHMARKS.md).
func BenchmarkStartup(b *testing.B) {
	srv := rainbondtest.NewServer()
	b.Cleanup(srv.Close)
	comp := rainbond.Component{TeamID: "team", RegionName: "region", AppID: 1, ServiceID: "gr123abc"}
	srv.AddComponent(comp)
	for p := 8000; p < 8005; p++ {
		port := rainbond.Port{ContainerPort: p, Protocol: "http", PortAlias: "P" + strconv.Itoa(p), K8sServiceName: "p" + strconv.Itoa(p)}
		if err := srv.SetPort(comp, port); err != nil {
			b.Fatal(err)
		}
	}
	dir := b.TempDir()
	build(b, dir, ".", "../../tools/minimal")
	env := append(os.Environ(), "RAINBOND_URL="+srv.URL, "RAINBOND_TOKEN="+srv.Token, "RAINBOND_TEAM="+comp.TeamID,
		"RAINBOND_REGION="+comp.RegionName, "RAINBOND_APP="+strconv.FormatInt(comp.AppID, 10), "RAINBOND_COMPONENT="+comp.ServiceID)
	impls := []struct{ name, path string }{
		{"minimal", filepath.Join(dir, "minimal")},
		{"portctl", filepath.Join(dir, "portctl")},
	}
	// Both must list the same ports before either is timed.
	var outs []string
	for _, im := range impls {
		out, err := startupRun(im.path, env)
		if err != nil {
			b.Fatal(err)
		}
		outs = append(outs, out)
	}
	for i, out := range outs {
		if !strings.Contains(out, "8000") || !strings.Contains(out, "8004") {
			b.Fatalf("%s did not list the 5 ports: %q", impls[i].name, out)
		}
	}
	if os.Getenv("PORTSDK_BENCH_REVERSE") != "" {
		slices.Reverse(impls)
	}
	for _, im := range impls {
		b.Run("impl="+im.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := startupRun(im.path, env); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func startupRun(path string, env []string) (string, error) {
	args := []string{}
	if filepath.Base(path) == "portctl" {
		args = []string{"rainbond", "ports", "list", "-o", "json"}
	}
	cmd := exec.Command(path, args...)
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return string(out), nil
}
