package specs_test

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/specs"
)

// TestSpecsValidate protects the specs themselves: each must load, pass kin-openapi's validation,
// give every operation an operationId and a summary, and keep every schema named (no inline object
// schema in a request or response body).
func TestSpecsValidate(t *testing.T) {
	for name, data := range map[string][]byte{"alaya": specs.Alaya, "rainbond": specs.Rainbond} {
		t.Run(name, func(t *testing.T) {
			loader := openapi3.NewLoader()
			doc, err := loader.LoadFromData(data)
			require.NoError(t, err)
			require.NoError(t, doc.Validate(context.Background()))

			ops := 0
			for path, item := range doc.Paths.Map() {
				for method, op := range item.Operations() {
					ops++
					where := method + " " + path
					require.NotEmpty(t, op.OperationID, "%s has no operationId", where)
					require.NotEmpty(t, op.Summary, "%s has no summary", where)
					require.NotEmpty(t, op.Description, "%s has no description", where)
					if op.RequestBody != nil {
						for ct, mt := range op.RequestBody.Value.Content {
							require.NotEmpty(t, mt.Schema.Ref, "%s request body %s is an inline schema", where, ct)
						}
					}
					for code, resp := range op.Responses.Map() {
						for ct, mt := range resp.Value.Content {
							require.NotEmpty(t, mt.Schema.Ref, "%s response %s %s is an inline schema", where, code, ct)
						}
					}
				}
			}
			require.Positive(t, ops)
		})
	}
}

// TestSpecsOperations pins the operation set of each spec to the vendor pages and notes.
func TestSpecsOperations(t *testing.T) {
	want := map[string]map[string]string{
		"alaya": {
			"listOpenPorts": "GET /v1/cci/instance/{id}/open-port/list",
			"openPort":      "POST /v1/cci/instance/{id}/open-port",
			"closePort":     "POST /v1/cci/instance/{id}/close-port",
		},
		"rainbond": {
			"listPorts":  "GET /openapi/v1/teams/{team_id}/regions/{region_name}/apps/{app_id}/services/{service_id}/ports",
			"addPort":    "POST /openapi/v1/teams/{team_id}/regions/{region_name}/apps/{app_id}/services/{service_id}/ports",
			"updatePort": "PUT /openapi/v1/teams/{team_id}/regions/{region_name}/apps/{app_id}/services/{service_id}/ports/{port}",
			"deletePort": "DELETE /openapi/v1/teams/{team_id}/regions/{region_name}/apps/{app_id}/services/{service_id}/ports/{port}",
		},
	}
	for name, data := range map[string][]byte{"alaya": specs.Alaya, "rainbond": specs.Rainbond} {
		doc, err := openapi3.NewLoader().LoadFromData(data)
		require.NoError(t, err)
		got := map[string]string{}
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				got[op.OperationID] = method + " " + path
			}
		}
		require.Equal(t, want[name], got, name)
	}
}
