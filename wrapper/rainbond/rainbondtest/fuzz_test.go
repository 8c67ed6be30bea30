package rainbondtest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/portsdk/portsdk/gen/rainbondapi"
	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

var (
	fuzzMu      sync.Mutex
	fuzzHandler *rainbondtest.Handler
	fuzzCalls   int
)

// handlerForFuzz returns a seeded handler, replaced every 500 calls so its request log stays small.
func handlerForFuzz() *rainbondtest.Handler {
	fuzzMu.Lock()
	defer fuzzMu.Unlock()
	if fuzzHandler == nil || fuzzCalls%500 == 0 {
		fuzzHandler = rainbondtest.NewHandler("tok")
		fuzzHandler.AddComponent(comp)
		_ = fuzzHandler.SetPort(comp, rainbond.Port{ContainerPort: 80, MappingPort: 80, Protocol: "http",
			PortAlias: "WEB", IsInnerService: true, K8sServiceName: "web"})
		_ = fuzzHandler.SetPort(comp, rainbond.Port{ContainerPort: 81, MappingPort: 81, Protocol: "tcp"})
	}
	fuzzCalls++
	return fuzzHandler
}

// FuzzRainbondServer protects the test server's request handling: whatever the method, port and
// body, it never panics and answers in one of the console's own shapes, with a 4xx for anything it
// refuses. The only 5xx are the console's own crashes (code 10401, see consoleCrashes).
func FuzzRainbondServer(f *testing.F) {
	f.Add(uint8(1), "", []byte(`{"port":8080,"protocol":"http","is_inner_service":true}`), "application/json")
	f.Add(uint8(1), "", []byte(`{"port":"80","is_inner_service":"yes"}`), "application/json")
	f.Add(uint8(2), "80", []byte(`{"action":"open_outer"}`), "application/json")
	f.Add(uint8(2), "80", []byte(`{"action":"change_port_alias","port_alias":"NEW"}`), "application/json")
	f.Add(uint8(2), "81", []byte(`{"action":"open_inner"}`), "application/json")
	f.Add(uint8(2), "x", []byte(`{"action":`), "text/plain")
	f.Add(uint8(3), "80", []byte(nil), "")
	f.Add(uint8(0), "", []byte(`[]`), "application/json")
	f.Fuzz(func(t *testing.T, method uint8, port string, body []byte, contentType string) {
		methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch}
		m := methods[int(method)%len(methods)]
		path := "/openapi/v1/teams/team1/regions/region1/apps/7/services/gr123abc/ports"
		if port != "" {
			path += "/" + escapeSegment(port)
		}
		req := httptest.NewRequest(m, "http://console.test"+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "tok")
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		handlerForFuzz().ServeHTTP(rec, req)

		status := rec.Code
		ct := rec.Header().Get("Content-Type")
		if strings.HasPrefix(ct, "text/html") {
			if status != http.StatusNotFound {
				t.Fatalf("%s %s: HTML answer with status %d", m, path, status)
			}
			return
		}
		if !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("%s %s: Content-Type %q", m, path, ct)
		}
		var env rainbondapi.ErrorEnvelope
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %v: %s", m, path, err, rec.Body.Bytes())
		}
		switch {
		case status == http.StatusOK:
			if env.Code != 200 {
				t.Fatalf("%s %s: HTTP 200 with code %d", m, path, env.Code)
			}
		case status >= 400 && status < 500:
			if env.Code == 0 || (env.Msg == nil && env.Detail == "") {
				t.Fatalf("%s %s: %d answer not in the console's error shape: %s", m, path, status, rec.Body.Bytes())
			}
		case status == http.StatusInternalServerError && env.Code == 10401 && consoleCrashes[env.ErrorType]:
			// The real console's own crashes: int() of a path port that is no integer, change_port_alias
			// without k8s_service_name, an alias two ports share.
		default:
			t.Fatalf("%s %s: status %d from our code: %s", m, path, status, rec.Body.Bytes())
		}
	})
}

// consoleCrashes are the exceptions the real console lets through as a 500 on these endpoints.
var consoleCrashes = map[string]bool{"ValueError": true, "TypeError": true, "MultipleObjectsReturned": true}

// escapeSegment makes s one path segment (as a client would send it).
func escapeSegment(s string) string {
	if _, err := strconv.Atoi(s); err == nil {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(c)+0x100, 16)[1:]))
		}
	}
	return b.String()
}
