package main

import (
	"os/exec"
	"strings"
	"testing"
)

// forbiddenInPortctl are the modules portctl must not link (issue 19): request validation against the
// OpenAPI specs (kin-openapi, its JSON-schema engine and its router) belongs in tests and the
// conformance suite. Linked into portctl they cost every command their package initialisation
// (jsonschema alone took 12 ms of a 28 ms `portctl rainbond ports list`), though only `fake` and
// `demo` would use them.
var forbiddenInPortctl = []string{
	"github.com/getkin/kin-openapi",
	"github.com/santhosh-tekuri/jsonschema",
	"github.com/gorilla/mux",
}

// TestPortctlLinksNoSchemaValidation fails when the portctl binary depends, directly or through the
// test servers its fake and demo commands embed, on a module of forbiddenInPortctl.
func TestPortctlLinksNoSchemaValidation(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, bad := range forbiddenInPortctl {
			if dep == bad || strings.HasPrefix(dep, bad+"/") {
				t.Errorf("portctl links %s (from module %s); keep OpenAPI and JSON-schema validation out of the binary", dep, bad)
			}
		}
	}
}
