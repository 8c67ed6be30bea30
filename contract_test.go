package portsdk_test

// The public API contract of ../shared/DESIGN.md, written out so that any change of its shape fails
// to compile. Downstream code and the acceptance tests rely on these names and types.

import (
	"context"
	"net/http"
	"testing"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

var (
	_       = wrapper.APIError{StatusCode: 0, Code: 0, Message: "", Body: []byte(nil)}
	_       = wrapper.ValidationError{Field: "", Reason: ""}
	_ error = (*wrapper.APIError)(nil)
	_ error = (*wrapper.ValidationError)(nil)

	_ func(string, string, ...rainbond.Option) (*rainbond.Client, error) = rainbond.NewClient
	_ func(*http.Client) rainbond.Option                                 = rainbond.WithHTTPClient
	_ func(string) rainbond.Option                                       = rainbond.WithUserAgent
	_ func(int) rainbond.Option                                          = rainbond.WithMaxRetries

	_ = rainbond.Component{TeamID: "", RegionName: "", AppID: int64(0), ServiceID: ""}
	_ = rainbond.Port{ContainerPort: 0, MappingPort: 0, LbMappingPort: 0, Protocol: "", PortAlias: "",
		IsInnerService: false, IsOuterService: false, K8sServiceName: ""}
	_ = rainbond.AddPortRequest{Port: 0, Protocol: rainbond.Protocol(""), PortAlias: "", IsInnerService: false}
	_ = rainbond.UpdatePortRequest{Action: rainbond.Action(""), Protocol: rainbond.Protocol(""), PortAlias: "", K8sServiceName: ""}

	_ func(*rainbond.Client, context.Context, rainbond.Component) ([]rainbond.Port, error)                                 = (*rainbond.Client).ListPorts
	_ func(*rainbond.Client, context.Context, rainbond.Component, rainbond.AddPortRequest) (*rainbond.Port, error)         = (*rainbond.Client).AddPort
	_ func(*rainbond.Client, context.Context, rainbond.Component, int, rainbond.UpdatePortRequest) (*rainbond.Port, error) = (*rainbond.Client).UpdatePort
	_ func(*rainbond.Client, context.Context, rainbond.Component, int) (*rainbond.Port, error)                             = (*rainbond.Client).DeletePort
	_ func(*rainbond.Client, context.Context, rainbond.Component, int) (*rainbond.Port, error)                             = (*rainbond.Client).OpenOuter
	_ func(*rainbond.Client, context.Context, rainbond.Component, int) (*rainbond.Port, error)                             = (*rainbond.Client).CloseOuter
	_ func(*rainbond.Client, context.Context, rainbond.Component, int) (*rainbond.Port, error)                             = (*rainbond.Client).OpenInner
	_ func(*rainbond.Client, context.Context, rainbond.Component, int) (*rainbond.Port, error)                             = (*rainbond.Client).CloseInner
	_ func(*rainbond.Client, context.Context, rainbond.Component, int, rainbond.Protocol) (*rainbond.Port, error)          = (*rainbond.Client).ChangeProtocol
	_ func(*rainbond.Client, context.Context, rainbond.Component, int, string, string) (*rainbond.Port, error)             = (*rainbond.Client).ChangeAlias

	_ func(string, ...alaya.Option) (*alaya.Client, error) = alaya.NewClient
	_ func(string) alaya.Option                            = alaya.WithBaseURL
	_ func(*http.Client) alaya.Option                      = alaya.WithHTTPClient
	_ func(string) alaya.Option                            = alaya.WithUserAgent
	_ func(int) alaya.Option                               = alaya.WithMaxRetries
	_                                                      = alaya.OpenPort{Protocol: "", Port: 0, ExternalHost: "", ExternalPort: 0}
	_                                                      = alaya.OpenPorts{Ports: []alaya.OpenPort{}, CustomPorts: []alaya.OpenPort{}}
	_                                                      = alaya.PortMapping{ExternalPort: 0, InternalPort: 0, Protocol: ""}

	_ func(*alaya.Client, context.Context, string) (*alaya.OpenPorts, error)                = (*alaya.Client).ListOpenPorts
	_ func(*alaya.Client, context.Context, string, int, string) (*alaya.PortMapping, error) = (*alaya.Client).OpenPort
	_ func(*alaya.Client, context.Context, string, int) error                               = (*alaya.Client).ClosePort

	_ func() *rainbondtest.Server                    = rainbondtest.NewServer
	_ func(*rainbondtest.Server, rainbond.Component) = (*rainbondtest.Server).AddComponent
	_ func(*rainbondtest.Server)                     = (*rainbondtest.Server).Close
	_ func() *alayatest.Server                       = alayatest.NewServer
	_ func(*alayatest.Server, string)                = (*alayatest.Server).AddInstance
	_ func(*alayatest.Server)                        = (*alayatest.Server).Close
	_                                                = rainbondtest.Server{URL: "", Token: ""}
	_                                                = alayatest.Server{URL: "", APIKey: ""}
)

// TestContractValues pins the constants of the contract.
func TestContractValues(t *testing.T) {
	if alaya.DefaultBaseURL != "https://api.alayanew.com" {
		t.Errorf("DefaultBaseURL = %q", alaya.DefaultBaseURL)
	}
	protocols := map[rainbond.Protocol]string{rainbond.ProtocolTCP: "tcp", rainbond.ProtocolHTTP: "http",
		rainbond.ProtocolMySQL: "mysql", rainbond.ProtocolGRPC: "grpc", rainbond.ProtocolUDP: "udp"}
	for p, want := range protocols {
		if string(p) != want {
			t.Errorf("protocol %q, want %q", p, want)
		}
	}
	actions := map[rainbond.Action]string{rainbond.ActionOpenOuter: "open_outer", rainbond.ActionCloseOuter: "close_outer",
		rainbond.ActionOpenInner: "open_inner", rainbond.ActionCloseInner: "close_inner",
		rainbond.ActionChangeProtocol: "change_protocol", rainbond.ActionChangePortAlias: "change_port_alias"}
	for a, want := range actions {
		if string(a) != want {
			t.Errorf("action %q, want %q", a, want)
		}
	}
}
