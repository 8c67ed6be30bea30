package alaya_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
)

// fuzzTransport answers every request with the same status, content type and body, without a network.
type fuzzTransport struct {
	status      int
	contentType string
	body        []byte
}

func (c fuzzTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: c.status, Header: http.Header{"Content-Type": {c.contentType}},
		Body: io.NopCloser(bytes.NewReader(c.body)), ContentLength: int64(len(c.body)), Request: r,
	}, nil
}

// FuzzAlayaResponse protects response handling: whatever the status, content type and body, a call
// never panics and returns exactly one of a result and an error, and the error is a *wrapper.APIError
// that keeps the status. A success needs HTTP 200 and envelope status 200.
func FuzzAlayaResponse(f *testing.F) {
	f.Add(200, "application/json", []byte(`{"status":200,"message":"OK","data":{"ports":[{"port":22,"externalHost":"1.2.3.4","externalPort":30022}],"customPorts":null}}`))
	f.Add(200, "application/json", []byte(`{"status":200,"message":"OK","data":{"external_port":30001,"internal_port":8080,"protocol":"tcp"}}`))
	f.Add(200, "application/json", []byte(`{"status":403,"message":"Forbidden","data":{}}`))
	f.Add(401, "application/json", []byte(`{"status":40401,"message":"unauthorized","data":{}}`))
	f.Add(500, "application/json", []byte(`{"status":500,"message":"Internal Server Error","data":{}}`))
	f.Add(200, "text/html; charset=utf-8", []byte(`<!doctype html><html><body>Alaya NeW</body></html>`))
	f.Add(200, "application/json", []byte(`{"status":200,"message":"OK","data":`))
	f.Add(502, "", []byte(nil))
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		status = 100 + (status%500+500)%500 // 100..599
		if status >= 300 && status < 400 || status == http.StatusSwitchingProtocols {
			status = 200
		}
		c, err := alaya.NewClient(alaya.AccessKey{ID: "AK", Secret: "key"}, alaya.WithBaseURL("http://fuzz.invalid/alaya"), alaya.WithMaxRetries(0),
			alaya.WithHTTPClient(&http.Client{Transport: fuzzTransport{status, contentType, body}}))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		ports, err := c.ListOpenPorts(ctx, "inst-1")
		fuzzCheckOne(t, "ListOpenPorts", status, ports != nil, err)
		if err == nil && (ports.Ports == nil || ports.CustomPorts == nil) {
			t.Fatal("ListOpenPorts: a nil list")
		}
		m, err := c.OpenPort(ctx, "inst-1", 8080, "http/https")
		fuzzCheckOne(t, "OpenPort", status, m != nil, err)
		err = c.ClosePort(ctx, "inst-1", 8080)
		var ae *wrapper.APIError
		if err != nil && !errors.As(err, &ae) {
			t.Fatalf("ClosePort: error %T is not a *wrapper.APIError", err)
		}
		if err == nil && status != 200 {
			t.Fatalf("ClosePort: success under HTTP %d", status)
		}
	})
}

func fuzzCheckOne(t *testing.T, op string, status int, gotResult bool, err error) {
	t.Helper()
	if gotResult == (err != nil) {
		t.Fatalf("%s: result %v with error %v: want exactly one", op, gotResult, err)
	}
	if err == nil {
		if status != http.StatusOK {
			t.Fatalf("%s: success under HTTP %d", op, status)
		}
		return
	}
	var ae *wrapper.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("%s: error %T %v is not a *wrapper.APIError", op, err, err)
	}
	if ae.StatusCode != status {
		t.Fatalf("%s: APIError status %d, want %d", op, ae.StatusCode, status)
	}
}
