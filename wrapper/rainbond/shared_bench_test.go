package rainbond_test

import (
	"context"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// BenchmarkSharedClient64 measures one client shared by 64 goroutines (GOMAXPROCS x parallelism)
// listing ports against rainbondtest: with the default options, and with a tuned WithHTTPClient
// (MaxIdleConnsPerHost 64), and with http.DefaultTransport (the default before). Issue 19 asks the default to reach 90 % of the tuned throughput; with
// Go's default pool of 2 idle connections per host it reached 55-65 %.
func BenchmarkSharedClient64(b *testing.B) {
	srv := rainbondtest.NewServer()
	defer srv.Close()
	srv.AddComponent(benchComp)
	ctx := context.Background()
	tuned := http.DefaultTransport.(*http.Transport).Clone()
	tuned.MaxIdleConnsPerHost = 64
	for _, tc := range []struct {
		name string
		opts []rainbond.Option
	}{
		{"default", nil},
		{"tuned", []rainbond.Option{rainbond.WithHTTPClient(&http.Client{Timeout: 30 * time.Second, Transport: tuned})}},
		// What the default was before issue 19: http.DefaultTransport, 2 idle connections per host.
		{"go-pool-2", []rainbond.Option{rainbond.WithHTTPClient(&http.Client{Timeout: 30 * time.Second})}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			c, err := rainbond.NewClient(srv.URL, srv.Token, tc.opts...)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := c.ListPorts(ctx, benchComp); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
