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
	"slices"
	"strconv"
	"testing"

	"github.com/portsdk/portsdk/gen/rainbondapi"
	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// The benchmarks put three contenders side by side on the same calls, client side only:
//
//   - floor: a hand-written net/http call with the same headers and an encoding/json decode of the
//     same envelope into plain structs, with no validation and no retries;
//   - raw: the generated rainbondapi.ClientWithResponses, used as a user would (a request editor for
//     the headers, the JSON200 field checked);
//   - portsdk: rainbond.Client.
//
// Every case runs over two transports, the sub-benchmark level after the case:
//
//   - net=canned: a canned RoundTripper drains the request body and answers from a body prepared
//     before the timer starts. No server shares the process: the time and the allocations are the
//     client's (plus the canned *http.Response and its body reader, two allocations in every
//     contender's figure). The allocation figures of BENCHMARKS.md come from here.
//   - net=loopback: an httptest server in the same process answers the same body over one
//     keep-alive connection, as a user's call meets a fast server (the conditions issue 19 set its
//     time targets in).
//
// All three contenders share one *http.Client per case and transport. Sub-benchmarks run in the order floor, raw, portsdk, or
// the reverse when PORTSDK_BENCH_REVERSE is set: `make bench` alternates it between rounds so that no
// contender always runs first. BENCHMARKS.md has the method and the results.

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

// canned is an http.RoundTripper that answers every request with body, as application/json with a
// Content-Length, after draining the request body. Its header map is shared by every response: no
// contender writes to it.
type canned struct {
	body   []byte
	header http.Header
}

func newCanned(body []byte) *canned {
	return &canned{body: body, header: http.Header{
		"Content-Type":   {"application/json"},
		"Content-Length": {strconv.Itoa(len(body))},
	}}
}

type cannedBody struct{ bytes.Reader }

func (*cannedBody) Close() error { return nil }

func (c *canned) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	body := &cannedBody{}
	body.Reset(c.body)
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: c.header, Body: body, ContentLength: int64(len(c.body)), Request: r}, nil
}

// transports returns the two transports of every case, each with the base URL to use.
func transports(b *testing.B, body []byte) []struct {
	name, base string
	rt         http.RoundTripper
} {
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
	return []struct {
		name, base string
		rt         http.RoundTripper
	}{
		{"net=canned", "http://console.example.com/console", newCanned(body)},
		{"net=loopback", srv.URL + "/console", srv.Client().Transport},
	}
}

// contender is one way of making the call under measurement.
type contender struct {
	name string
	call func() error
}

// runContenders runs each contender as a sub-benchmark, in order or reversed (PORTSDK_BENCH_REVERSE).
func runContenders(b *testing.B, cs []contender) {
	if os.Getenv("PORTSDK_BENCH_REVERSE") != "" {
		cs = slices.Clone(cs)
		slices.Reverse(cs)
	}
	for _, c := range cs {
		b.Run("impl="+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.call(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// clients returns the three contenders' clients, each on an http.Client over rt.
func clients(b *testing.B, base string, rt http.RoundTripper) (*http.Client, *rainbondapi.ClientWithResponses, *rainbond.Client) {
	b.Helper()
	hc := &http.Client{Transport: rt}
	ua := "portsdk/" + wrapper.Version
	raw, err := rainbondapi.NewClientWithResponses(base, rainbondapi.WithHTTPClient(hc),
		rainbondapi.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", benchToken)
			r.Header.Set("User-Agent", ua)
			r.Header.Set("Accept", "application/json")
			return nil
		}))
	if err != nil {
		b.Fatal(err)
	}
	c, err := rainbond.NewClient(base, benchToken, rainbond.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	return hc, raw, c
}

// plainURL builds a URL as a hand-written client would, escaping each path ID.
func plainURL(base string, c rainbond.Component, port int) string {
	u := base + "/openapi/v1/teams/" + url.PathEscape(c.TeamID) + "/regions/" + url.PathEscape(c.RegionName) +
		"/apps/" + strconv.FormatInt(c.AppID, 10) + "/services/" + url.PathEscape(c.ServiceID) + "/ports"
	if port != 0 {
		u += "/" + strconv.Itoa(port)
	}
	return u
}

// plainCall sends method to u with body (JSON, or nil) and the headers the client sends, and
// decodes a 200 answer into v: the body read into a buffer sized from Content-Length, then
// json.Unmarshal, the cheapest of the plain ways (json.NewDecoder, io.ReadAll then json.Unmarshal).
func plainCall(ctx context.Context, hc *http.Client, method, u string, body any, v any) error {
	var rd io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", benchToken)
	req.Header.Set("User-Agent", "portsdk/"+wrapper.Version)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rsp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = rsp.Body.Close() }()
	if rsp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", rsp.StatusCode)
	}
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

func wantPorts(got, want int) error {
	if got != want {
		return fmt.Errorf("got %d ports, want %d", got, want)
	}
	return nil
}

func wantPort(got int) error {
	if got != 8000 {
		return fmt.Errorf("got port %d, want 8000", got)
	}
	return nil
}

func BenchmarkRainbondListPorts(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1, 10, 100, 1000, 10000} {
		env := plainListEnvelope{Code: 200, Msg: "success", MsgShow: "成功"}
		env.Data.Bean = map[string]any{}
		env.Data.List = benchPorts(n)
		body, err := json.Marshal(env)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("ports="+strconv.Itoa(n), func(b *testing.B) {
			for _, tr := range transports(b, body) {
				b.Run(tr.name, func(b *testing.B) { benchList(b, ctx, tr.base, tr.rt, n) })
			}
		})
	}
}

func benchList(b *testing.B, ctx context.Context, base string, rt http.RoundTripper, n int) {
	hc, raw, c := clients(b, base, rt)
	u := plainURL(base, benchComp, 0)
	runContenders(b, []contender{
		{"floor", func() error {
			var env plainListEnvelope
			if err := plainCall(ctx, hc, http.MethodGet, u, nil, &env); err != nil {
				return err
			}
			if env.Code != http.StatusOK {
				return fmt.Errorf("code %d", env.Code)
			}
			return wantPorts(len(env.Data.List), n)
		}},
		{"raw", func() error {
			rsp, err := raw.ListPortsWithResponse(ctx, benchComp.TeamID, benchComp.RegionName, benchComp.AppID, benchComp.ServiceID)
			if err != nil {
				return err
			}
			if rsp.JSON200 == nil || rsp.JSON200.Code != http.StatusOK {
				return fmt.Errorf("HTTP %d", rsp.StatusCode())
			}
			return wantPorts(len(rsp.JSON200.Data.List), n)
		}},
		{"portsdk", func() error {
			ports, err := c.ListPorts(ctx, benchComp)
			if err != nil {
				return err
			}
			return wantPorts(len(ports), n)
		}},
	})
}

// beanBody is the answer of every write: the bean envelope around port 8000.
func beanBody(b *testing.B) []byte {
	env := plainBeanEnvelope{Code: 200, Msg: "success", MsgShow: "成功"}
	env.Data.Bean = benchPorts(1)[0]
	env.Data.List = []any{}
	body, err := json.Marshal(env)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// plainWrite is the floor of a write: method to u with body, the bean envelope decoded.
func plainWrite(ctx context.Context, hc *http.Client, method, u string, body any) error {
	var env plainBeanEnvelope
	if err := plainCall(ctx, hc, method, u, body, &env); err != nil {
		return err
	}
	if env.Code != http.StatusOK {
		return fmt.Errorf("code %d", env.Code)
	}
	return wantPort(env.Data.Bean.ContainerPort)
}

// rawBean checks a generated write response as a user would.
func rawBean(status int, env *rainbondapi.PortEnvelope, err error) error {
	if err != nil {
		return err
	}
	if env == nil || env.Code != http.StatusOK {
		return fmt.Errorf("HTTP %d", status)
	}
	return wantPort(env.Data.Bean.ContainerPort)
}

func BenchmarkRainbondAddPort(b *testing.B) {
	for _, tr := range transports(b, beanBody(b)) {
		b.Run(tr.name, func(b *testing.B) { benchAddPort(b, tr.base, tr.rt) })
	}
}

func benchAddPort(b *testing.B, base string, rt http.RoundTripper) {
	ctx := context.Background()
	hc, raw, c := clients(b, base, rt)
	u := plainURL(base, benchComp, 0)
	plainReq := struct {
		Port           int    `json:"port"`
		Protocol       string `json:"protocol,omitempty"`
		PortAlias      string `json:"port_alias,omitempty"`
		IsInnerService bool   `json:"is_inner_service"`
	}{8000, "http", "GR1234_8000", true}
	req := rainbond.AddPortRequest{Port: 8000, Protocol: rainbond.ProtocolHTTP, PortAlias: "GR1234_8000", IsInnerService: true}
	runContenders(b, []contender{
		{"floor", func() error { return plainWrite(ctx, hc, http.MethodPost, u, plainReq) }},
		{"raw", func() error {
			rsp, err := raw.AddPortWithResponse(ctx, benchComp.TeamID, benchComp.RegionName, benchComp.AppID, benchComp.ServiceID, req)
			if err != nil {
				return err
			}
			return rawBean(rsp.StatusCode(), rsp.JSON200, nil)
		}},
		{"portsdk", func() error {
			p, err := c.AddPort(ctx, benchComp, req)
			if err != nil {
				return err
			}
			return wantPort(p.ContainerPort)
		}},
	})
}

func BenchmarkRainbondUpdatePort(b *testing.B) {
	for _, tr := range transports(b, beanBody(b)) {
		b.Run(tr.name, func(b *testing.B) { benchUpdatePort(b, tr.base, tr.rt) })
	}
}

func benchUpdatePort(b *testing.B, base string, rt http.RoundTripper) {
	ctx := context.Background()
	hc, raw, c := clients(b, base, rt)
	u := plainURL(base, benchComp, 8000)
	plainReq := struct {
		Action string `json:"action"`
	}{"open_outer"}
	req := rainbond.UpdatePortRequest{Action: rainbond.ActionOpenOuter}
	runContenders(b, []contender{
		{"floor", func() error { return plainWrite(ctx, hc, http.MethodPut, u, plainReq) }},
		{"raw", func() error {
			rsp, err := raw.UpdatePortWithResponse(ctx, benchComp.TeamID, benchComp.RegionName, benchComp.AppID, benchComp.ServiceID, 8000, req)
			if err != nil {
				return err
			}
			return rawBean(rsp.StatusCode(), rsp.JSON200, nil)
		}},
		{"portsdk", func() error {
			p, err := c.UpdatePort(ctx, benchComp, 8000, req)
			if err != nil {
				return err
			}
			return wantPort(p.ContainerPort)
		}},
	})
}

func BenchmarkRainbondDeletePort(b *testing.B) {
	for _, tr := range transports(b, beanBody(b)) {
		b.Run(tr.name, func(b *testing.B) { benchDeletePort(b, tr.base, tr.rt) })
	}
}

func benchDeletePort(b *testing.B, base string, rt http.RoundTripper) {
	ctx := context.Background()
	hc, raw, c := clients(b, base, rt)
	u := plainURL(base, benchComp, 8000)
	runContenders(b, []contender{
		{"floor", func() error { return plainWrite(ctx, hc, http.MethodDelete, u, nil) }},
		{"raw", func() error {
			rsp, err := raw.DeletePortWithResponse(ctx, benchComp.TeamID, benchComp.RegionName, benchComp.AppID, benchComp.ServiceID, 8000)
			if err != nil {
				return err
			}
			return rawBean(rsp.StatusCode(), rsp.JSON200, nil)
		}},
		{"portsdk", func() error {
			p, err := c.DeletePort(ctx, benchComp, 8000)
			if err != nil {
				return err
			}
			return wantPort(p.ContainerPort)
		}},
	})
}
