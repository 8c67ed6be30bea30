package rainbondtest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// The server answers like the Rainbond console; here it is called with net/http directly.
func Example() {
	s := rainbondtest.NewServer()
	defer s.Close()
	s.AddComponent(rainbond.Component{TeamID: "team", RegionName: "region", AppID: 1, ServiceID: "gr123abc"})

	url := s.URL + "/openapi/v1/teams/team/regions/region/apps/1/services/gr123abc/ports"
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"port": 80, "is_inner_service": true}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", s.Token) // the raw token, no "Bearer "
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, strings.TrimSpace(string(body)))
	fmt.Println("requests:", s.RequestCount())
	// Output:
	// 200 {"code":200,"msg":"success","msg_show":"添加成功","data":{"bean":{"container_port":80,"mapping_port":80,"lb_mapping_port":0,"protocol":"http","port_alias":"GR123ABC80","is_inner_service":true,"is_outer_service":false,"k8s_service_name":"gr123abc"},"list":[]}}
	// requests: 1
}

// A Handler can be mounted under any prefix, next to other handlers on one listener.
func ExampleNewHandler() {
	h := rainbondtest.NewHandler("my-token")
	h.AddComponent(rainbond.Component{TeamID: "team", RegionName: "region", AppID: 1, ServiceID: "web"})
	mux := http.NewServeMux()
	mux.Handle("/rainbond/", http.StripPrefix("/rainbond", h))
	// The base URL for rainbond.NewClient is then the listener's URL + "/rainbond".

	ports, ok := h.Ports(rainbond.Component{TeamID: "team", RegionName: "region", AppID: 1, ServiceID: "web"})
	fmt.Println(len(ports), ok)
	// Output: 0 true
}

// SetRegionFault lets a test see how its code handles a region outage: the calls that reach the
// region fail as the console answers them, here an unreachable region (HTTP 400, code 10411).
func ExampleServer_SetRegionFault() {
	s := rainbondtest.NewServer()
	defer s.Close()
	comp := rainbond.Component{TeamID: "team", RegionName: "region", AppID: 1, ServiceID: "gr123abc"}
	s.AddComponent(comp)
	client, err := rainbond.NewClient(s.URL, s.Token)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	p, err := client.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 80, IsInnerService: true})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.PortAlias, p.K8sServiceName)

	s.SetRegionFault(rainbondtest.RegionUnreachable)
	_, err = client.CloseInner(ctx, comp, 80)
	var apiErr *wrapper.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code)
	}
	ports, _ := s.Ports(comp)
	fmt.Println("inner still open:", ports[0].IsInnerService)
	// Output:
	// GR123ABC80 gr123abc
	// 400 10411
	// inner still open: true
}

// BindDomain binds a custom domain to a port, as the console's gateway UI would; the console
// then refuses to delete the port (412) until the domain is gone or the outer service closed.
func ExampleServer_BindDomain() {
	s := rainbondtest.NewServer()
	defer s.Close()
	comp := rainbond.Component{TeamID: "team", RegionName: "region", AppID: 1, ServiceID: "gr123abc"}
	s.AddComponent(comp)
	client, _ := rainbond.NewClient(s.URL, s.Token)
	ctx := context.Background()
	if _, err := client.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 80}); err != nil {
		panic(err)
	}
	_ = s.BindDomain(comp, 80, "www.example.com")
	_, err := client.DeletePort(ctx, comp, 80)
	var apiErr *wrapper.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code)
	}
	// Output: 412 412
}
