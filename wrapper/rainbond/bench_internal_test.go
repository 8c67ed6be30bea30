package rainbond

import (
	"testing"

	"github.com/portsdk/portsdk/internal/runtime/check"
)

// BenchmarkValidate measures the request validation alone, with no network: the component, the port
// and a full change_port_alias body, as UpdatePort checks them before it sends anything.
func BenchmarkValidate(b *testing.B) {
	comp := Component{TeamID: "team1", RegionName: "rainbond", AppID: 12, ServiceID: "gr1234"}
	req := UpdatePortRequest{
		Action:         ActionChangePortAlias,
		PortAlias:      "GR1234_8080",
		K8sServiceName: "gr1234-web-8080",
		Protocol:       ProtocolHTTP,
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := comp.Validate(); err != nil {
			b.Fatal(err)
		}
		if err := check.Port("port", 8080); err != nil {
			b.Fatal(err)
		}
		if err := validateUpdate(&req); err != nil {
			b.Fatal(err)
		}
	}
}
