package rainbondtest_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoSchemaValidatorLinked protects what issue 19 measured: the fake answers by the console's
// rules, not by validating requests against the spec, so linking it (as portctl's fake and demo
// commands do) adds no OpenAPI or JSON-schema package and none of their start-up cost.
func TestNoSchemaValidatorLinked(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"github.com/getkin/kin-openapi", "github.com/santhosh-tekuri/jsonschema", "gopkg.in/yaml", "github.com/oasdiff/yaml"} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("rainbondtest depends on %s", dep)
			}
		}
	}
}
