package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// forbiddenInPortctl are the modules portctl must not link (issue 19): request validation against the
// OpenAPI specs (kin-openapi, its JSON-schema engine and its router) belongs in tests and the
// conformance suite. Linked into portctl they cost every command their package initialisation
// (jsonschema alone took 12 ms of a 28 ms `portctl rainbond ports list`), though only `fake` and
// `demo` would use them.
//
// Nor the Markdown and man page renderers of the reference (cobra/doc, go-md2man, blackfriday):
// cmd/portctl-docs writes the reference; in portctl, blackfriday's init alone made 762 allocations
// (214 KB) on every run.
var forbiddenInPortctl = []string{
	"github.com/getkin/kin-openapi",
	"github.com/santhosh-tekuri/jsonschema",
	"github.com/gorilla/mux",
	"github.com/spf13/cobra/doc",
	"github.com/cpuguy83/go-md2man",
	"github.com/russross/blackfriday",
}

// TestPortctlLinksNoSchemaValidation fails when the portctl binary depends, directly or through the
// test servers its fake and demo commands embed, on a package of forbiddenInPortctl; or when it does
// not link those servers: one binary serves fake and demo.
func TestPortctlLinksNoSchemaValidation(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	for _, server := range []string{"wrapper/rainbond/rainbondtest", "wrapper/alaya/alayatest"} {
		if !slices.Contains(deps, "github.com/portsdk/portsdk/"+server) {
			t.Errorf("portctl does not link %s: fake and demo serve from portctl itself", server)
		}
	}
	for _, dep := range deps {
		for _, bad := range forbiddenInPortctl {
			if dep == bad || strings.HasPrefix(dep, bad+"/") {
				t.Errorf("portctl links %s (from %s); keep OpenAPI and JSON-schema validation and the reference renderers out of the binary", dep, bad)
			}
		}
	}
}

// initAllocBudget is the most heap allocations the package initialisers of this module may make
// together when portctl starts. Every command pays them, though the test servers (rainbondtest,
// alayatest) serve only `fake` and `demo`: work such as compiling their regular expressions waits
// for first use. Allocation counts, unlike times, do not depend on the machine's load. (32 today;
// wrapper/rainbond's two planner patterns alone were 86 before they waited for first use.)
const initAllocBudget = 50

// TestPortctlInitAllocs fails when portctl's start-up, as GODEBUG=inittrace=1 reports it, spends more
// than initAllocBudget allocations in this module's package initialisers (issue 19: rainbondtest's
// route patterns and portfile's ID pattern cost 1,000 allocations and several milliseconds of every
// command before they were compiled on first use).
func TestPortctlInitAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds portctl")
	}
	dir := t.TempDir()
	build(t, dir, ".")
	bin := filepath.Join(dir, "portctl")
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("portctl version: %v\n%s", err, stderr.String())
	}
	total, lines := 0, 0
	var costly []string
	for line := range strings.Lines(stderr.String()) {
		// init PKG @T ms, C ms clock, B bytes, A allocs
		f := strings.Fields(line)
		if len(f) != 11 || f[0] != "init" || f[10] != "allocs" {
			continue
		}
		lines++
		if !strings.HasPrefix(f[1], "github.com/portsdk/portsdk/") {
			continue
		}
		n, err := strconv.Atoi(f[9])
		if err != nil {
			t.Fatalf("inittrace line %q: %v", line, err)
		}
		total += n
		if n > 0 {
			costly = append(costly, fmt.Sprintf("%s %d", f[1], n))
		}
	}
	if lines == 0 {
		t.Fatalf("GODEBUG=inittrace=1 printed no init line:\n%s", stderr.String())
	}
	if total > initAllocBudget {
		t.Errorf("this module's package inits make %d allocations when portctl starts, budget %d: %s",
			total, initAllocBudget, strings.Join(costly, ", "))
	}
}
