package rainbond

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/runtime/respond"
)

func listBody(n int) []byte {
	ports := make([]string, n)
	for i := range ports {
		ports[i] = fmt.Sprintf(`{"container_port":%d,"mapping_port":%d,"lb_mapping_port":0,"protocol":"http","port_alias":"P%d",`+
			`"is_inner_service":true,"is_outer_service":false,"k8s_service_name":"svc"}`, 8000+i, 8000+i, i)
	}
	return []byte(`{"code":200,"msg":"success","data":{"bean":{},"list":[` + strings.Join(ports, ",") + `]}}`)
}

// TestListDecodingSizesTheSliceOnce protects issue 19's list decoding: the []Port is allocated once,
// at its final length, from what the body holds.
func TestListDecodingSizesTheSliceOnce(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000, 10000} {
		body := listBody(n)
		var env portListEnvelope
		respond.Presize(&env, body)
		require.NoError(t, json.Unmarshal(body, &env))
		assert.Len(t, env.Data.List, n)
		// Sized once: room for every port (and the bean object), no regrowth.
		assert.GreaterOrEqual(t, cap(env.Data.List), n, "ports=%d", n)
		assert.LessOrEqual(t, cap(env.Data.List), n+1, "ports=%d: the slice was sized once", n)
	}
}

// TestListPresizeIsBounded protects the bound: a body stuffed with the key (in a message, say)
// cannot make the client allocate more than one Port per 20 bytes of body.
func TestListPresizeIsBounded(t *testing.T) {
	body := []byte(`{"code":200,"msg":"` + strings.Repeat(`{`, 10000) + `","data":{"list":[]}}`)
	var env portListEnvelope
	respond.Presize(&env, body)
	assert.LessOrEqual(t, cap(env.Data.List), len(body)/20)
}
