package rainbond

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/runtime/respond"
)

// consoleListBody is a list answer as the real console writes it (Python's separators, UTF-8 text).
const consoleListBody = `{"code": 200, "msg": "success", "msg_show": "查询成功", "data": {"bean": {}, "list": [` +
	`{"container_port": 80, "mapping_port": 80, "lb_mapping_port": 0, "protocol": "http", "port_alias": "GR1A2B3C80", ` +
	`"is_inner_service": true, "is_outer_service": false, "k8s_service_name": "gr1a2b3c"}, ` +
	`{"container_port": 3306, "mapping_port": 3306, "lb_mapping_port": 10001, "protocol": "mysql", "port_alias": "DB", ` +
	`"is_inner_service": false, "is_outer_service": true, "k8s_service_name": "gr1a2b3c"}]}}`

// beanConsoleBody is a write's answer as the real console writes it.
const beanConsoleBody = `{"code": 200, "msg": "success", "msg_show": "操作成功", "data": {"bean": ` +
	`{"container_port": 80, "mapping_port": 80, "lb_mapping_port": 0, "protocol": "http", "port_alias": "GR1A2B3C80", ` +
	`"is_inner_service": true, "is_outer_service": true, "k8s_service_name": "gr1a2b3c"}, "list": []}}`

// unmarshalList is what encoding/json makes of body, with the list sized as ListPorts sizes it.
func unmarshalList(body []byte) (portListEnvelope, error) {
	var e portListEnvelope
	respond.Presize(&e, body)
	err := json.Unmarshal(body, &e)
	return e, err
}

// sameEnvelope reports whether two envelopes hold the same code and the same list (nil or not alike).
func sameEnvelope(a, b portListEnvelope) bool {
	return a.Code == b.Code && (a.Data.List == nil) == (b.Data.List == nil) && slices.Equal(a.Data.List, b.Data.List)
}

// checkFast fails t when the list envelope's DecodeFast accepts body and decodes it otherwise than
// json.Unmarshal does. It returns whether DecodeFast accepted it.
func checkFast(t *testing.T, body []byte) bool {
	t.Helper()
	var got portListEnvelope
	respond.Presize(&got, body)
	ok := got.DecodeFast(body) // also on a body that is not JSON: it must not panic
	if !ok || !json.Valid(body) {
		return ok
	}
	want, err := unmarshalList(body)
	if err != nil {
		t.Fatalf("DecodeFast accepted %q, which json.Unmarshal refuses: %v", body, err)
	}
	if !sameEnvelope(got, want) {
		t.Fatalf("DecodeFast(%q) = %+v, json.Unmarshal gives %+v", body, got, want)
	}
	return true
}

// checkFastBean is checkFast for the envelope of the writes.
func checkFastBean(t *testing.T, body []byte) bool {
	t.Helper()
	var got portBeanEnvelope
	ok := got.DecodeFast(body)
	if !ok || !json.Valid(body) {
		return ok
	}
	var want portBeanEnvelope
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatalf("DecodeFast accepted %q, which json.Unmarshal refuses: %v", body, err)
	}
	if got != want {
		t.Fatalf("DecodeFast(%q) = %+v, json.Unmarshal gives %+v", body, got, want)
	}
	return true
}

// FuzzDecodeFast protects the decoder of issue 19 (the list's and the writes' envelopes): whatever
// the body, it never panics, and when it accepts a valid JSON body, it decodes it exactly as
// json.Unmarshal does.
func FuzzDecodeFast(f *testing.F) {
	for _, s := range []string{
		consoleListBody,
		string(listBody(3)),
		`{"code":200,"data":{"bean":{},"list":[]}}`,
		`{"code":200,"data":{"list":null}}`,
		`{"code":200,"data":null}`,
		`{"Code":200,"data":{"list":[{"container_port":1}]}}`,
		`{"code":200,"data":{"LIST":[{"container_port":1}]}}`,
		`{"code":200,"data":{"list":[{"CONTAINER_PORT":1,"container_port":2}]}}`,
		"{\"code\":200,\"data\":{\"list\":[{\"\u212a8s_service_name\":\"x\"}]}}",
		`{"code":200,"data":{"list":[{"port_alias":"A\u0042","protocol":"h\"ttp"}]}}`,
		`{"code":200,"data":{"list":[{"container_port":80.0}]}}`,
		`{"code":200,"data":{"list":[{"container_port":1e2}]}}`,
		`{"code":200,"data":{"list":[{"container_port":-0,"mapping_port":9999999999}]}}`,
		`{"code":200,"data":{"list":[{"container_port":"80"}]}}`,
		`{"code":200,"data":{"list":[{"is_inner_service":1,"is_outer_service":null}]}}`,
		`{"code":200,"data":{"list":[null,{"container_port":1}]}}`,
		`{"code":200,"data":{"list":[{"protocol":"tcp","protocol":null,"container_port":5,"container_port":null,"is_inner_service":true,"is_inner_service":null}]}}`,
		`{"code":200,"data":{"list":[{"container_port":1,"protocol":"tcp"}],"list":[{"container_port":2}]}}`,
		`{"code":200,"data":{"list":[{"container_port":1}]},"data":{"list":[{"protocol":"udp"}]}}`,
		`{"code":200,"data":{"list":[{"extra":{"a":[1,"]}",{"b":null}]},"name":"x\\\"y","n":-1.5e3,"t":true}]}}`,
		"{\"code\":200,\"data\":{\"list\":[{\"port_alias\":\"\xff\",\"protocol\":\"\xe4\xb8\xad\"}]}}",
		`{"code":200,"data":{"list":[{"protocol":null,"k8s_service_name":"a"},{"k8s_service_name":"a","protocol":"http"}]}}`,
		`[{"code":200}]`,
		`null`,
		`{"code":200,"data":{"list":[{"container_port":1}`,
		`{"code":200,"msg":"` + strings.Repeat(`{`, 40) + `","data":{"list":[]}}`,
		beanConsoleBody,
		`{"code":200,"data":{"bean":{"container_port":80,"protocol":"tcp"},"bean":{"container_port":81}}}`,
		`{"code":200,"data":{"bean":null,"list":[]}}`,
		`{"code":200,"data":{"BEAN":{"container_port":1},"list":[]}}`,
		`{"code":200,"msg":5,"data":{"bean":{"container_port":1},"list":{}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkFast(t, body)
		checkFastBean(t, body)
	})
}

// TestListDecodeTakesWhatConsolesSend protects the point of the decoder: the answers of the real
// console (Python's separators, Chinese text) and of encoding/json take it, not only the benchmark's,
// for the list and for the writes.
func TestListDecodeTakesWhatConsolesSend(t *testing.T) {
	for name, body := range map[string][]byte{
		"console":           []byte(consoleListBody),
		"compact":           listBody(100),
		"empty list":        []byte(`{"code": 200, "msg": "success", "msg_show": "查询成功", "data": {"bean": {}, "list": []}}`),
		"pretty":            []byte("{\n  \"code\": 200,\n  \"data\": {\n    \"list\": [\n      {\"container_port\": 1}\n    ]\n  }\n}\n"),
		"null fields":       []byte(`{"code":200,"data":{"list":[{"container_port":1,"protocol":null,"lb_mapping_port":null}]}}`),
		"fields it ignores": []byte(`{"code":200,"data":{"bean":{"a":[1,{"b":"}"}]},"list":[{"container_port":1,"ID":5,"tenant_id":"t"}]}}`),
	} {
		assert.True(t, checkFast(t, body), "%s: DecodeFast refused it", name)
	}
	for name, body := range map[string]string{
		"console": beanConsoleBody,
		"compact": `{"code":200,"msg":"success","msg_show":"删除成功","data":{"bean":` + portJSONInternal + `,"list":[]}}`,
	} {
		assert.True(t, checkFastBean(t, []byte(body)), "bean, %s: DecodeFast refused it", name)
	}
}

const portJSONInternal = `{"container_port":8080,"mapping_port":8080,"lb_mapping_port":0,"protocol":"http",` +
	`"port_alias":"GR1234_8080","is_inner_service":true,"is_outer_service":false,"k8s_service_name":"gr1234-8080"}`

// checkFallback fails t when the fast decoder of envelope type T accepts body, or when respond.Decode
// (the decoding of the call whose generated parse function is parse) gives otherwise than json.Unmarshal.
func checkFallback[T any, PT interface {
	*T
	respond.FastDecoder
}](t *testing.T, body string, parse func(*http.Response) error, same func(a, b T) bool) {
	t.Helper()
	fast := PT(new(T))
	respond.Presize(fast, []byte(body))
	assert.False(t, fast.DecodeFast([]byte(body)), "DecodeFast accepted %q", body)

	want := new(T)
	respond.Presize(want, []byte(body))
	wantErr := json.Unmarshal([]byte(body), want)
	rsp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body))}
	got, _, err := respond.Decode[T](noRedact{}, "op", rsp, nil, parse)
	if wantErr != nil {
		assert.Error(t, err, "%q", body)
		return
	}
	require.NoError(t, err, "%q", body)
	assert.True(t, same(*got, *want), "%q: got %+v, want %+v", body, *got, *want)
}

// TestDecodeLeavesTheRestToEncodingJSON protects the way back: bodies outside the decoder's shape
// are refused by it, and the calls' decoding (respond.Decode) still gives encoding/json's result or error.
func TestDecodeLeavesTheRestToEncodingJSON(t *testing.T) {
	for _, body := range []string{
		`{"code":200,"data":{"list":[{"container_port":1,"port_alias":"A\u0042"}]}}`,
		`{"code":200,"data":{"list":[{"Container_Port":7}]}}`,
		"{\"code\":200,\"data\":{\"list\":[{\"\u212a8s_service_name\":\"x\"}]}}",
		`{"code":200,"data":{"list":[{"container_port":1,"protocol":"tcp"}],"list":[{"container_port":2}]}}`,
		`{"code":200,"data":{"list":[null]}}`,
		`{"code":200,"data":null}`,
		"{\"code\":200,\"data\":{\"list\":[{\"port_alias\":\"\xffA\"}]}}",
		`{"code":200,"data":{"list":[{"container_port":80.0}]}}`,
		`{"code":"200","data":{"list":[]}}`,
		`{"code":200,"data":{"list":[{"container_port":1}]}`,
	} {
		checkFallback[portListEnvelope](t, body, parseList, sameEnvelope)
	}
	for _, body := range []string{
		`{"code":200,"data":{"bean":{"container_port":1,"port_alias":"A\u0042"}}}`,
		`{"code":200,"data":{"bean":{"container_port":80,"protocol":"tcp"},"bean":{"container_port":81}}}`,
		`{"code":200,"data":{"Bean":{"container_port":1}}}`,
		`{"code":200,"data":{"bean":{"container_port":"80"}}}`,
	} {
		checkFallback[portBeanEnvelope](t, body, parseAdd, func(a, b portBeanEnvelope) bool { return a == b })
	}
}

type noRedact struct{}

func (noRedact) Redact(s string) string { return s }

// TestListDecodeKnowsEveryPortField protects the decoder against a field added to Port: its key table
// holds exactly Port's JSON names, and a port with every field set decodes as json.Unmarshal decodes it.
func TestListDecodeKnowsEveryPortField(t *testing.T) {
	var names []string
	pt := reflect.TypeFor[Port]()
	for i := range pt.NumField() {
		names = append(names, strings.Split(pt.Field(i).Tag.Get("json"), ",")[0])
	}
	var known []string
	for _, k := range portKeys {
		known = append(known, string(k))
	}
	sort.Strings(names)
	sort.Strings(known)
	assert.Equal(t, names, known)

	full := Port{ContainerPort: 1, MappingPort: 2, LbMappingPort: 3, Protocol: "tcp", PortAlias: "A",
		IsInnerService: true, IsOuterService: true, K8sServiceName: "svc"}
	p, err := json.Marshal(full)
	require.NoError(t, err)
	body := []byte(`{"code":200,"data":{"list":[` + string(p) + `]}}`)
	require.True(t, checkFast(t, body), "DecodeFast refused %s", body)
	var e portListEnvelope
	require.True(t, e.DecodeFast(body))
	assert.Equal(t, []Port{full}, e.Data.List)
}

// TestListDecodeSharesRepeatedStrings protects the allocation saving: ports with the same protocol and
// k8s_service_name share one string of each.
func TestListDecodeSharesRepeatedStrings(t *testing.T) {
	body := listBody(1000)
	allocs := testing.AllocsPerRun(20, func() {
		var e portListEnvelope
		respond.Presize(&e, body)
		if !e.DecodeFast(body) {
			t.Fatal("DecodeFast refused the body")
		}
	})
	// The list, one alias per port, one protocol and one service name.
	assert.LessOrEqual(t, allocs, float64(1000+3), "allocations for 1000 ports")
}
