package rainbondtest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// BenchmarkHandlerParallel measures the handler under 64 concurrent callers (issue 19: the
// request log used to serialise them): lists of one component, and changes of distinct
// components, called in process so that only the handler's own cost and locking are measured.
func BenchmarkHandlerParallel(b *testing.B) {
	const comps = 64
	setup := func() (*rainbondtest.Handler, []rainbond.Component) {
		h := rainbondtest.NewHandler("tok")
		cs := make([]rainbond.Component, comps)
		for i := range cs {
			cs[i] = rainbond.Component{TeamID: fmt.Sprintf("team%d", i), RegionName: "r", AppID: 1, ServiceID: fmt.Sprintf("gr%d", i)}
			h.AddComponent(cs[i])
			_ = h.SetPort(cs[i], rainbond.Port{ContainerPort: 80, MappingPort: 80, Protocol: "http", PortAlias: "WEB", IsInnerService: true, K8sServiceName: "web"})
		}
		return h, cs
	}
	path := func(c rainbond.Component) string {
		return fmt.Sprintf("/openapi/v1/teams/%s/regions/%s/apps/%d/services/%s/ports", c.TeamID, c.RegionName, c.AppID, c.ServiceID)
	}
	run := func(b *testing.B, h *rainbondtest.Handler, req func(i int64) *http.Request) {
		var n atomic.Int64
		b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req(n.Add(1)))
				if rec.Code != http.StatusOK {
					b.Errorf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
	b.Run("list", func(b *testing.B) {
		h, cs := setup()
		run(b, h, func(i int64) *http.Request {
			r := httptest.NewRequest(http.MethodGet, path(cs[i%comps]), nil)
			r.Header.Set("Authorization", "tok")
			return r
		})
	})
	b.Run("update", func(b *testing.B) {
		h, cs := setup()
		run(b, h, func(i int64) *http.Request {
			r := httptest.NewRequest(http.MethodPut, path(cs[i%comps])+"/80", strings.NewReader(`{"action": "change_protocol", "protocol": "http"}`))
			r.Header.Set("Authorization", "tok")
			r.Header.Set("Content-Type", "application/json")
			return r
		})
	})
}
