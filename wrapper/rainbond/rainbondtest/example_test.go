package rainbondtest_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"

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
