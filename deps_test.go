package portsdk_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestImportGraph protects the dependency rule of the design: what downstream code imports (the
// clients and the generated code) depends on the standard library, gen/, this module's internal/
// packages and the oapi-codegen runtime only; kin-openapi, YAML and testify stay in tests, test
// servers and tools.
func TestImportGraph(t *testing.T) {
	for _, pkgs := range [][]string{{"./wrapper", "./wrapper/alaya", "./wrapper/rainbond"}, {"./gen/..."}} {
		out, err := exec.Command("go", append([]string{"list", "-deps"}, pkgs...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %v: %v\n%s", pkgs, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if !strings.Contains(strings.SplitN(dep, "/", 2)[0], ".") {
				continue // the standard library
			}
			switch {
			case strings.HasPrefix(dep, "github.com/portsdk/portsdk/gen/"),
				dep == "github.com/portsdk/portsdk/wrapper", dep == "github.com/portsdk/portsdk/wrapper/alaya",
				dep == "github.com/portsdk/portsdk/wrapper/rainbond",
				strings.HasPrefix(dep, "github.com/portsdk/portsdk/internal/") && !slices.Contains(testOnly, dep),
				strings.HasPrefix(dep, "github.com/oapi-codegen/runtime"),
				// the runtime's own dependencies
				dep == "github.com/apapsch/go-jsonmerge/v2", dep == "github.com/google/uuid":
			default:
				t.Errorf("%v depends on %s", pkgs, dep)
			}
		}
	}
}

// testOnly are the internal packages that serve tests, tools and portctl, never the clients.
var testOnly = []string{
	"github.com/portsdk/portsdk/internal/fakes/testserver",
	"github.com/portsdk/portsdk/internal/fakes/drf",
	"github.com/portsdk/portsdk/internal/dev/docscheck",
	"github.com/portsdk/portsdk/internal/portctl/cli",
	"github.com/portsdk/portsdk/internal/portctl/portfile",
}

// TestLayering protects the direct imports docs/architecture.md promises: the error types are a
// leaf, the plan engine knows no platform and sends nothing, and portctl speaks to the clients'
// public API only.
func TestLayering(t *testing.T) {
	const mod = "github.com/portsdk/portsdk/"
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	never := map[string][]string{ // package prefix -> module paths it must not import directly
		mod + "wrapper ":          {mod},
		mod + "internal/plan":     {mod},
		mod + "internal/portctl/": {mod + "internal/runtime/"},
		mod + "cmd/":              {mod + "internal/runtime/"},
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, " ")
		for prefix, banned := range never {
			if !strings.HasPrefix(pkg+" ", prefix) {
				continue
			}
			for _, imp := range strings.Fields(imports) {
				for _, b := range banned {
					if strings.HasPrefix(imp, b) {
						t.Errorf("%s imports %s", pkg, imp)
					}
				}
			}
		}
	}
}
