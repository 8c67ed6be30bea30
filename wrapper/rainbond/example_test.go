package rainbond_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// exampleServer answers like a real Rainbond console mounted under /console: envelopes around every
// answer, and the raw token in the Authorization header.
func exampleServer() *httptest.Server {
	port := `{"container_port":8080,"mapping_port":8080,"lb_mapping_port":0,"protocol":"http","port_alias":"WEB",` +
		`"is_inner_service":true,"is_outer_service":%t,"k8s_service_name":"web"}`
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "my-token" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"detail":"No token","code":401,"msg":"No token","msg_show":"No token"}`)
			return
		}
		body, _ := io.ReadAll(r.Body)
		switch {
		case r.Method == http.MethodGet:
			fmt.Fprintf(w, `{"code":200,"msg":"success","msg_show":"查询成功","data":{"bean":{},"list":[`+port+`]}}`, false)
		case r.Method == http.MethodPost && strings.Contains(string(body), `"port":8080`):
			w.WriteHeader(http.StatusConflict)
			_, _ = io.WriteString(w, `{"code":20501,"msg":"component port already exists","msg_show":"端口已存在","data":{"bean":{},"list":[]}}`)
		default:
			fmt.Fprintf(w, `{"code":200,"msg":"success","msg_show":"操作成功","data":{"bean":`+port+`,"list":[]}}`,
				strings.Contains(string(body), "open_outer"))
		}
	}))
}

var exampleComponent = rainbond.Component{TeamID: "team1", RegionName: "rainbond", AppID: 12, ServiceID: "gr1234"}

func ExampleClient_ListPorts() {
	srv := exampleServer()
	defer srv.Close()

	c, err := rainbond.NewClient(srv.URL+"/console", "my-token")
	if err != nil {
		panic(err)
	}
	ports, err := c.ListPorts(context.Background(), exampleComponent)
	if err != nil {
		panic(err)
	}
	for _, p := range ports {
		fmt.Println(p.ContainerPort, p.Protocol, p.PortAlias, p.IsInnerService, p.IsOuterService)
	}
	// Output: 8080 http WEB true false
}

func ExampleClient_AddPort() {
	srv := exampleServer()
	defer srv.Close()
	c, _ := rainbond.NewClient(srv.URL+"/console", "my-token")

	_, err := c.AddPort(context.Background(), exampleComponent, rainbond.AddPortRequest{
		Port: 8080, Protocol: rainbond.ProtocolHTTP, PortAlias: "WEB", IsInnerService: true,
	})
	var apiErr *wrapper.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.Message)
	}
	// Output: 409 20501 component port already exists
}

func ExampleClient_UpdatePort() {
	srv := exampleServer()
	defer srv.Close()
	c, _ := rainbond.NewClient(srv.URL+"/console", "my-token")

	p, err := c.UpdatePort(context.Background(), exampleComponent, 8080, rainbond.UpdatePortRequest{Action: rainbond.ActionOpenOuter})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.ContainerPort, "outer open:", p.IsOuterService)
	// Output: 8080 outer open: true
}

func ExampleClient_OpenOuter() {
	srv := exampleServer()
	defer srv.Close()
	c, _ := rainbond.NewClient(srv.URL+"/console", "my-token")

	p, err := c.OpenOuter(context.Background(), exampleComponent, 8080)
	if err != nil {
		panic(err)
	}
	fmt.Println("outer open:", p.IsOuterService)
	// Output: outer open: true
}

func ExampleClient_ChangeAlias() {
	srv := exampleServer()
	defer srv.Close()
	c, _ := rainbond.NewClient(srv.URL+"/console", "my-token")

	// The page's own example "nginx_port" is not a DNS label: it is refused before anything is sent.
	_, err := c.ChangeAlias(context.Background(), exampleComponent, 8080, "NGINX_PORT", "nginx_port")
	var bad *wrapper.ValidationError
	if errors.As(err, &bad) {
		fmt.Println(bad.Field)
	}
	// Output: k8s_service_name
}

func ExampleClient_DeletePort() {
	srv := exampleServer()
	defer srv.Close()
	c, _ := rainbond.NewClient(srv.URL+"/console", "my-token")

	p, err := c.DeletePort(context.Background(), exampleComponent, 8080)
	if err != nil {
		panic(err)
	}
	fmt.Println("deleted", p.ContainerPort)
	// Output: deleted 8080
}
