package alaya_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
)

// BenchmarkAlayaListOpenPorts puts the public client next to the floor: one hand-written net/http
// GET with the same headers and an encoding/json decode of the same envelope into plain structs,
// with no validation and no retries. Both sides use the same *http.Client (the test server's, one
// keep-alive Transport) against a loopback server that answers from a body prepared before the
// timer starts. `make bench` runs it; BENCHMARKS.md has the results.

const (
	benchKey      = "ak-0123456789abcdef"
	benchInstance = "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0"
)

// plainOpenPort and plainListEnvelope are what a hand-written client would declare.
type plainOpenPort struct {
	Port         int    `json:"port"`
	Protocol     string `json:"protocol,omitempty"`
	ExternalHost string `json:"externalHost,omitempty"`
	ExternalPort int    `json:"externalPort,omitempty"`
}

type plainListEnvelope struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
	Data    struct {
		Ports       []plainOpenPort `json:"ports"`
		CustomPorts []plainOpenPort `json:"customPorts"`
	} `json:"data"`
}

// benchBody splits n ports between the system list (the first half, rounded up) and the custom list.
func benchBody(n int) ([]byte, error) {
	env := plainListEnvelope{Status: 200, Message: "OK"}
	env.Data.Ports = []plainOpenPort{}
	env.Data.CustomPorts = []plainOpenPort{}
	for i := range n {
		p := plainOpenPort{Port: 7000 + i, ExternalHost: "192.168.1.1", ExternalPort: 31000 + i}
		if i < (n+1)/2 {
			env.Data.Ports = append(env.Data.Ports, p)
		} else {
			p.Protocol = "http/https"
			env.Data.CustomPorts = append(env.Data.CustomPorts, p)
		}
	}
	return json.Marshal(env)
}

func plainListOpenPorts(ctx context.Context, hc *http.Client, base, instanceID string) (*plainListEnvelope, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		base+"/v1/cci/instance/"+url.PathEscape(instanceID)+"/open-port/list", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+benchKey)
	req.Header.Set("User-Agent", "portsdk/"+wrapper.Version)
	req.Header.Set("Accept", "application/json")
	rsp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rsp.Body.Close() }()
	if rsp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", rsp.StatusCode)
	}
	// Read into a buffer sized from Content-Length and unmarshal: of the plain ways (json.NewDecoder,
	// io.ReadAll then json.Unmarshal, this), the cheapest in time and memory. bytes.Buffer.ReadFrom
	// wants bytes.MinRead free before each read: with less spare room it would allocate and copy
	// once more at the end of the body.
	size := int64(bytes.MinRead)
	if rsp.ContentLength > 0 {
		size += rsp.ContentLength
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	if _, err := buf.ReadFrom(rsp.Body); err != nil {
		return nil, err
	}
	var env plainListEnvelope
	if err := json.Unmarshal(buf.Bytes(), &env); err != nil {
		return nil, err
	}
	if env.Status != http.StatusOK {
		return nil, fmt.Errorf("status %d", env.Status)
	}
	return &env, nil
}

// processCPU returns the CPU time of the whole process (user and system, all threads: the client,
// the loopback server and the GC) from /proc/self/stat, in ticks of 10 ms; ok is false without it.
func processCPU() (_ time.Duration, ok bool) {
	raw, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:])) // the name may hold spaces
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, true // USER_HZ is 100 on Linux
}

// measure runs call in the benchmark loop and reports, besides ns/op and the allocations,
// cpu-ns/op: the process CPU time per call, which other work on a busy machine disturbs less than
// the wall time.
func measure(b *testing.B, call func() error) {
	b.ReportAllocs()
	start, ok := processCPU()
	for b.Loop() {
		if err := call(); err != nil {
			b.Fatal(err)
		}
	}
	if end, ok2 := processCPU(); ok && ok2 && b.N > 0 {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkAlayaListOpenPorts(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1, 100} {
		body, err := benchBody(n)
		if err != nil {
			b.Fatal(err)
		}
		length := strconv.Itoa(len(body))
		b.Run("ports="+strconv.Itoa(n), func(b *testing.B) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				h := w.Header()
				h["Content-Type"] = []string{"application/json"}
				h["Content-Length"] = []string{length}
				_, _ = w.Write(body)
			}))
			defer srv.Close()
			b.Run("portsdk", func(b *testing.B) {
				c, err := alaya.NewClient(alaya.BearerKey(benchKey), alaya.WithBaseURL(srv.URL), alaya.WithHTTPClient(srv.Client()))
				if err != nil {
					b.Fatal(err)
				}
				measure(b, func() error {
					got, err := c.ListOpenPorts(ctx, benchInstance)
					if err == nil && len(got.Ports)+len(got.CustomPorts) != n {
						err = fmt.Errorf("got %d ports, want %d", len(got.Ports)+len(got.CustomPorts), n)
					}
					return err
				})
			})
			b.Run("nethttp", func(b *testing.B) {
				hc := srv.Client()
				measure(b, func() error {
					got, err := plainListOpenPorts(ctx, hc, srv.URL, benchInstance)
					if err == nil && len(got.Data.Ports)+len(got.Data.CustomPorts) != n {
						err = fmt.Errorf("got %d ports, want %d", len(got.Data.Ports)+len(got.Data.CustomPorts), n)
					}
					return err
				})
			})
		})
	}
}
