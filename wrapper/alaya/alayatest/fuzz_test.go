package alayatest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/portsdk/portsdk/gen/alayaapi"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
)

var (
	fuzzMu      sync.Mutex
	fuzzHandler *alayatest.Handler
	fuzzCalls   int
)

// handlerForFuzz returns a handler with one instance, replaced every 500 calls so its state and
// request log stay small.
func handlerForFuzz() *alayatest.Handler {
	fuzzMu.Lock()
	defer fuzzMu.Unlock()
	if fuzzHandler == nil || fuzzCalls%500 == 0 {
		fuzzHandler = alayatest.NewHandler()
		fuzzHandler.SetAPIKey("key")
		fuzzHandler.AddInstance("inst-1")
	}
	fuzzCalls++
	return fuzzHandler
}

// FuzzAlayaServer protects the test server's request handling: whatever the method, operation, body
// and credential, it never panics and answers the envelope {status, message, data} (or, for a path it
// does not know, the website's HTML page), with a 4xx for anything it refuses and never a 5xx.
func FuzzAlayaServer(f *testing.F) {
	f.Add(uint8(0), uint8(0), "inst-1", []byte(nil), "Bearer key")
	f.Add(uint8(1), uint8(1), "inst-1", []byte(`{"protocol":"http/https","port":8080}`), "Bearer key")
	f.Add(uint8(1), uint8(1), "inst-1", []byte(`{"protocol":"","port":22}`), "Bearer key")
	f.Add(uint8(1), uint8(2), "inst-1", []byte(`{"port":8080}`), "Bearer key")
	f.Add(uint8(1), uint8(2), "nope", []byte(`{"port":"x"}`), "Bearer key")
	f.Add(uint8(0), uint8(0), "inst-1", []byte(nil), "key")
	f.Add(uint8(2), uint8(1), "inst-1", []byte(`{`), "")
	f.Add(uint8(0), uint8(0), "inst-1", []byte(nil), "alayanew-HMAC-SHA256 AK:1763888400000:00")
	f.Add(uint8(1), uint8(1), "inst-1", []byte(`{"protocol":"tcp","port":80}`), "alayanew-HMAC-SHA256 ::")
	f.Add(uint8(1), uint8(2), "inst-1", []byte(`{"port":80}`), "ALAYANEW-HMAC-SHA256 a:99999999999999999999:x")
	f.Fuzz(func(t *testing.T, method, op uint8, id string, body []byte, auth string) {
		methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete}
		ops := []string{"/open-port/list", "/open-port", "/close-port"}
		m := methods[int(method)%len(methods)]
		path := "/v1/cci/instance/" + escapeSegment(id) + ops[int(op)%len(ops)]
		req := httptest.NewRequest(m, "http://alaya.test"+path, bytes.NewReader(body))
		if auth != "" && !strings.ContainsAny(auth, "\r\n") {
			req.Header.Set("Authorization", auth)
		}
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		handlerForFuzz().ServeHTTP(rec, req)

		status := rec.Code
		if strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			return // the website's page for an unknown path, as the live service answers
		}
		var env alayaapi.ErrorEnvelope
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %v: %s", m, path, err, rec.Body.Bytes())
		}
		switch {
		case status == http.StatusOK:
			if env.Status != 200 {
				t.Fatalf("%s %s: HTTP 200 with status %d", m, path, env.Status)
			}
		case status >= 400 && status < 500:
			if env.Status == 0 || env.Message == "" {
				t.Fatalf("%s %s: %d answer not in the envelope shape: %s", m, path, status, rec.Body.Bytes())
			}
		default:
			t.Fatalf("%s %s: status %d: %s", m, path, status, rec.Body.Bytes())
		}
	})
}

// escapeSegment makes s one escaped path segment, as the client sends an instance id.
func escapeSegment(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			b.WriteByte(c)
		} else {
			const hex = "0123456789ABCDEF"
			b.WriteString("%" + string(hex[c>>4]) + string(hex[c&15]))
		}
	}
	return b.String()
}
