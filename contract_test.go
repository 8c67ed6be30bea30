package portsdk_test

// The public API contract (the design's "Public API contract"), written out so that any change of its
// shape fails to compile. Downstream code and the acceptance tests rely on these names and types.

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

var (
	_                             = wrapper.APIError{Operation: "", StatusCode: 0, Code: 0, Message: "", Body: []byte(nil), Attempts: 0}
	_                             = wrapper.ValidationError{Field: "", Reason: ""}
	_ error                       = (*wrapper.APIError)(nil)
	_ error                       = (*wrapper.ValidationError)(nil)
	_ interface{ Unwrap() error } = (*wrapper.APIError)(nil)
	_ interface{ Is(error) bool } = (*wrapper.APIError)(nil)
	_                             = []error{wrapper.ErrUnauthorized, wrapper.ErrForbidden, wrapper.ErrNotFound, wrapper.ErrConflict, wrapper.ErrBodyTooLarge}
	_ string                      = wrapper.Version

	_ func(string, string, ...rainbond.Option) (*rainbond.Client, error) = rainbond.NewClient
	_ func(*http.Client) rainbond.Option                                 = rainbond.WithHTTPClient
	_ func(string) rainbond.Option                                       = rainbond.WithUserAgent
	_ func(int) rainbond.Option                                          = rainbond.WithMaxRetries
	_ func(int64) rainbond.Option                                        = rainbond.WithMaxBodyBytes
	_ func(time.Duration) rainbond.Option                                = rainbond.WithRetryBudget
	_ func(*slog.Logger) rainbond.Option                                 = rainbond.WithLogger
	_                                                                    = []int{rainbond.CodePortExists, rainbond.CodeK8sServiceNameTaken, rainbond.CodeValidation,
		rainbond.CodeRegionUnreachable, rainbond.CodeRegionNotFound, rainbond.CodeTeamNotOpenedInRegion}

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

	_ func(alaya.Credential, ...alaya.Option) (*alaya.Client, error) = alaya.NewClient
	_ alaya.Credential                                               = alaya.AccessKey{ID: "", Secret: ""}
	_ alaya.Credential                                               = alaya.BearerKey("")
	_ func(string) alaya.Option                                      = alaya.WithBaseURL
	_ func(*http.Client) alaya.Option                                = alaya.WithHTTPClient
	_ func(string) alaya.Option                                      = alaya.WithUserAgent
	_ func(int) alaya.Option                                         = alaya.WithMaxRetries
	_ func(int64) alaya.Option                                       = alaya.WithMaxBodyBytes
	_ func(time.Duration) alaya.Option                               = alaya.WithRetryBudget
	_ func(*slog.Logger) alaya.Option                                = alaya.WithLogger
	_                                                                = alaya.OpenPort{Protocol: "", Port: 0, ExternalHost: "", ExternalPort: 0}
	_                                                                = alaya.OpenPorts{Ports: []alaya.OpenPort{}, CustomPorts: []alaya.OpenPort{}}
	_                                                                = alaya.PortMapping{ExternalPort: 0, InternalPort: 0, Protocol: ""}

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
	_                                                = alayatest.Server{URL: "", AccessKey: alaya.AccessKey{}, APIKey: ""}
)

// TestContractValues pins the constants of the contract.
func TestContractValues(t *testing.T) {
	if alaya.DefaultBaseURL != "https://api.alayanew.com/api/osm" {
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

// TestContractCodes pins the Rainbond envelope codes to the console's values.
func TestContractCodes(t *testing.T) {
	for name, got := range map[string][2]int{
		"CodePortExists":            {rainbond.CodePortExists, 20501},
		"CodeK8sServiceNameTaken":   {rainbond.CodeK8sServiceNameTaken, 20500},
		"CodeValidation":            {rainbond.CodeValidation, 20400},
		"CodeRegionUnreachable":     {rainbond.CodeRegionUnreachable, 10411},
		"CodeRegionNotFound":        {rainbond.CodeRegionNotFound, 3000},
		"CodeTeamNotOpenedInRegion": {rainbond.CodeTeamNotOpenedInRegion, 2001},
	} {
		if got[0] != got[1] {
			t.Errorf("rainbond.%s = %d, want %d", name, got[0], got[1])
		}
	}
	if !errors.Is(&wrapper.APIError{StatusCode: 409}, wrapper.ErrConflict) {
		t.Error("an HTTP 409 APIError is not ErrConflict")
	}
}

// TestWrapperExportsOnlyWhatUsersUse protects the shape of package wrapper: its exported names are
// the errors, the sentinels and Version, and nothing of the plumbing.
func TestWrapperExportsOnlyWhatUsersUse(t *testing.T) {
	entries, err := os.ReadDir("wrapper")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("wrapper", e.Name()), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				switch {
				case !ast.IsExported(d.Name.Name):
				case d.Recv != nil:
					got = append(got, "(*"+recvName(d)+")."+d.Name.Name)
				default:
					got = append(got, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch sp := spec.(type) {
					case *ast.TypeSpec:
						if ast.IsExported(sp.Name.Name) {
							got = append(got, sp.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range sp.Names {
							if ast.IsExported(n.Name) {
								got = append(got, n.Name)
							}
						}
					}
				}
			}
		}
	}
	sort.Strings(got)
	want := []string{"(*APIError).Error", "(*APIError).Format", "(*APIError).Is", "(*APIError).Unwrap", "(*ValidationError).Error",
		"APIError", "ErrBodyTooLarge", "ErrConflict", "ErrForbidden", "ErrNotFound", "ErrUnauthorized",
		"ValidationError", "Version"}
	if !slices.Equal(got, want) {
		t.Errorf("package wrapper exports\n%v\nwant\n%v", got, want)
	}
}

func recvName(fd *ast.FuncDecl) string {
	switch x := fd.Recv.List[0].Type.(type) {
	case *ast.StarExpr:
		return x.X.(*ast.Ident).Name
	case *ast.Ident:
		return x.Name
	}
	return "?"
}

// TestOptionsAreOpaque protects the opaque options: a program that makes a rainbond.Option or an
// alaya.Option from a function does not compile (only the packages' With* functions make one).
func TestOptionsAreOpaque(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	for _, tc := range []struct{ pkg, body string }{
		{"rainbond", `var _ = rainbond.Option(func(c *options.Config) { c.MaxBodyBytes = 1 })`},
		{"rainbond", `var _ = rainbond.Option(func(any) {})`},
		{"alaya", `var _ = alaya.Option(func(c *options.Config) { c.MaxBodyBytes = 1 })`},
	} {
		dir, err := os.MkdirTemp(".", "opaquecheck")
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = os.RemoveAll(dir) }()
		src := "package main\n\nimport (\n\t\"github.com/portsdk/portsdk/internal/runtime/options\"\n\t\"github.com/portsdk/portsdk/wrapper/" +
			tc.pkg + "\"\n)\n\nvar _ *options.Config\n\n" + tc.body + "\n\nfunc main() {}\n"
		if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("go", "build", "-o", os.DevNull, "./"+dir).CombinedOutput()
		if err == nil {
			t.Errorf("%s compiles; want a conversion error", tc.body)
		} else if !strings.Contains(string(out), "cannot convert") {
			t.Errorf("%s: want a conversion error, got\n%s", tc.body, out)
		}
	}
}
