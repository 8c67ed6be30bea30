package rainbond_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// The benchmarks put the public client next to the floor: one hand-written net/http call with the
// same headers and an encoding/json decode of the same envelope into plain structs, with no
// validation and no retries. Both sides use the same *http.Client (the test server's, one keep-alive
// Transport) against a loopback server that answers from a body prepared before the timer starts.
// `make bench` runs them; BENCHMARKS.md has the results.

const benchToken = "s3cr3t-token-value"

var benchComp = rainbond.Component{TeamID: "team1", RegionName: "rainbond", AppID: 12, ServiceID: "gr1234"}

// plainPort, plainListEnvelope and plainBeanEnvelope are what a hand-written client would declare.
type plainPort struct {
	ContainerPort  int    `json:"container_port"`
	MappingPort    int    `json:"mapping_port"`
	LbMappingPort  int    `json:"lb_mapping_port"`
	Protocol       string `json:"protocol"`
	PortAlias      string `json:"port_alias"`
	IsInnerService bool   `json:"is_inner_service"`
	IsOuterService bool   `json:"is_outer_service"`
	K8sServiceName string `json:"k8s_service_name"`
}

type plainListEnvelope struct {
	Code    int    `json:"code"`
	Msg     string `json:"msg"`
	MsgShow string `json:"msg_show"`
	Data    struct {
		Bean map[string]any `json:"bean"`
		List []plainPort    `json:"list"`
	} `json:"data"`
}

type plainBeanEnvelope struct {
	Code    int    `json:"code"`
	Msg     string `json:"msg"`
	MsgShow string `json:"msg_show"`
	Data    struct {
		Bean plainPort `json:"bean"`
		List []any     `json:"list"`
	} `json:"data"`
}

type plainAddPortRequest struct {
	Port           int    `json:"port"`
	Protocol       string `json:"protocol,omitempty"`
	PortAlias      string `json:"port_alias,omitempty"`
	IsInnerService bool   `json:"is_inner_service"`
}

func benchPorts(n int) []plainPort {
	ports := make([]plainPort, n)
	for i := range ports {
		p := 8000 + i
		ports[i] = plainPort{
			ContainerPort: p, MappingPort: p, Protocol: "http", PortAlias: "GR1234_" + strconv.Itoa(p),
			IsInnerService: i%2 == 0, IsOuterService: i%3 == 0, K8sServiceName: "gr1234-" + strconv.Itoa(p),
		}
	}
	return ports
}

// benchServer answers every request with body, as application/json with a Content-Length, after
// reading the request body.
func benchServer(b *testing.B, body []byte) *httptest.Server {
	b.Helper()
	length := strconv.Itoa(len(body))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		h["Content-Type"] = []string{"application/json"}
		h["Content-Length"] = []string{length}
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func benchClient(b *testing.B, srv *httptest.Server) *rainbond.Client {
	b.Helper()
	c, err := rainbond.NewClient(srv.URL+"/console", benchToken, rainbond.WithHTTPClient(srv.Client()))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// plainPortsURL builds the list URL as a hand-written client would, escaping each path ID.
func plainPortsURL(base string, c rainbond.Component) string {
	return base + "/openapi/v1/teams/" + url.PathEscape(c.TeamID) + "/regions/" + url.PathEscape(c.RegionName) +
		"/apps/" + strconv.FormatInt(c.AppID, 10) + "/services/" + url.PathEscape(c.ServiceID) + "/ports"
}

// plainDo sends req with the headers the client sends and decodes a 200 answer into v.
func plainDo(hc *http.Client, req *http.Request, v any) error {
	req.Header.Set("Authorization", benchToken)
	req.Header.Set("User-Agent", "portsdk/"+wrapper.Version)
	req.Header.Set("Accept", "application/json")
	rsp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = rsp.Body.Close() }()
	if rsp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", rsp.StatusCode)
	}
	return plainDecode(rsp, v)
}

// plainDecode reads the body into a buffer sized from Content-Length and unmarshals it: of the plain
// ways (json.NewDecoder, io.ReadAll then json.Unmarshal, this), the cheapest in time and memory.
// bytes.Buffer.ReadFrom wants bytes.MinRead free before each read: with less spare room it would
// allocate and copy once more at the end of the body.
func plainDecode(rsp *http.Response, v any) error {
	size := int64(bytes.MinRead)
	if rsp.ContentLength > 0 {
		size += rsp.ContentLength
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	if _, err := buf.ReadFrom(rsp.Body); err != nil {
		return err
	}
	return json.Unmarshal(buf.Bytes(), v)
}

func plainListPorts(ctx context.Context, hc *http.Client, base string, c rainbond.Component) ([]plainPort, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, plainPortsURL(base, c), nil)
	if err != nil {
		return nil, err
	}
	var env plainListEnvelope
	if err := plainDo(hc, req, &env); err != nil {
		return nil, err
	}
	if env.Code != http.StatusOK {
		return nil, fmt.Errorf("code %d", env.Code)
	}
	return env.Data.List, nil
}

func plainAddPort(ctx context.Context, hc *http.Client, base string, c rainbond.Component, r plainAddPortRequest) (*plainPort, error) {
	buf, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, plainPortsURL(base, c), bytes.NewReader(buf))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	var env plainBeanEnvelope
	if err := plainDo(hc, req, &env); err != nil {
		return nil, err
	}
	if env.Code != http.StatusOK {
		return nil, fmt.Errorf("code %d", env.Code)
	}
	return &env.Data.Bean, nil
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

func BenchmarkRainbondListPorts(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1, 100, 1000} {
		env := plainListEnvelope{Code: 200, Msg: "success", MsgShow: "成功"}
		env.Data.Bean = map[string]any{}
		env.Data.List = benchPorts(n)
		body, err := json.Marshal(env)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("ports="+strconv.Itoa(n), func(b *testing.B) {
			srv := benchServer(b, body)
			b.Run("portsdk", func(b *testing.B) {
				c := benchClient(b, srv)
				measure(b, func() error {
					ports, err := c.ListPorts(ctx, benchComp)
					if err == nil && len(ports) != n {
						err = fmt.Errorf("got %d ports, want %d", len(ports), n)
					}
					return err
				})
			})
			b.Run("nethttp", func(b *testing.B) {
				hc, base := srv.Client(), srv.URL+"/console"
				measure(b, func() error {
					ports, err := plainListPorts(ctx, hc, base, benchComp)
					if err == nil && len(ports) != n {
						err = fmt.Errorf("got %d ports, want %d", len(ports), n)
					}
					return err
				})
			})
		})
	}
}

func BenchmarkRainbondAddPort(b *testing.B) {
	ctx := context.Background()
	env := plainBeanEnvelope{Code: 200, Msg: "success", MsgShow: "成功"}
	env.Data.Bean = benchPorts(1)[0]
	env.Data.List = []any{}
	body, err := json.Marshal(env)
	if err != nil {
		b.Fatal(err)
	}
	srv := benchServer(b, body)
	b.Run("portsdk", func(b *testing.B) {
		c := benchClient(b, srv)
		req := rainbond.AddPortRequest{Port: 8000, Protocol: rainbond.ProtocolHTTP, PortAlias: "GR1234_8000", IsInnerService: true}
		measure(b, func() error {
			p, err := c.AddPort(ctx, benchComp, req)
			if err == nil && p.ContainerPort != 8000 {
				err = fmt.Errorf("got port %d, want 8000", p.ContainerPort)
			}
			return err
		})
	})
	b.Run("nethttp", func(b *testing.B) {
		hc, base := srv.Client(), srv.URL+"/console"
		req := plainAddPortRequest{Port: 8000, Protocol: "http", PortAlias: "GR1234_8000", IsInnerService: true}
		measure(b, func() error {
			p, err := plainAddPort(ctx, hc, base, benchComp, req)
			if err == nil && p.ContainerPort != 8000 {
				err = fmt.Errorf("got port %d, want 8000", p.ContainerPort)
			}
			return err
		})
	})
}
