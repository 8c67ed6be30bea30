package alaya_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper"
)

// The tests in this file fail against the current client.go. They are skipped unless
// ALAYA_KNOWN_BUGS=1, so that the suite stays green until client.go is fixed:
//
//	ALAYA_KNOWN_BUGS=1 go test -run KnownBug ./wrapper/alaya/
//
// Once a fix lands, drop its test's knownBug call so that it runs always.

func knownBug(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("ALAYA_KNOWN_BUGS") != "1" {
		t.Skip("known client.go bug (set ALAYA_KNOWN_BUGS=1 to run): " + what)
	}
}

// Media types are case-insensitive (RFC 9110 §8.3.1), but the generated Parse functions look for
// "json" case-sensitively, so a success under "Application/JSON" is never decoded; failure() then
// (case-insensitively) reads the success envelope and returns it as an error: "HTTP 200: OK".
func TestKnownBugSuccessUnderUpperCaseMediaType(t *testing.T) {
	knownBug(t, `a success labelled "Application/JSON" is returned as *APIError{StatusCode: 200, Code: 200, Message: "OK"}`)
	for _, op := range ops {
		for _, ct := range []string{"Application/JSON", "APPLICATION/JSON; charset=UTF-8"} {
			t.Run(op.name+"/"+ct, func(t *testing.T) {
				f := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("Content-Type", ct)
					_, _ = io.WriteString(w, op.ok)
				})
				got, err := op.call(context.Background(), f.client(t), instance)
				require.NoError(t, err)
				if op.name != "ClosePort" {
					assert.True(t, got)
				}
			})
		}
	}
}

// An error envelope the generated types cannot hold (data [] instead of {}, a message that is an
// object) makes the generated Parse fail, so the *APIError loses the envelope's status and message:
// Code 0 and "response JSON does not decode: ...". DESIGN.md: Code is the envelope's status and
// Message "a JSON object is kept as its JSON".
func TestKnownBugErrorEnvelopeLosesStatusAndMessage(t *testing.T) {
	knownBug(t, "an error envelope with data [] or an object message loses Code and Message")
	cases := []struct {
		name, body  string
		wantMessage string
	}{
		{"data is an empty array", `{"status":403,"message":"Forbidden","data":[]}`, "Forbidden"},
		{"message is an object", `{"status":403,"message":{"en":"Forbidden"},"data":{}}`, `{"en":"Forbidden"}`},
	}
	for _, op := range ops {
		for _, tc := range cases {
			t.Run(op.name+"/"+tc.name, func(t *testing.T) {
				f := newFake(t, answer(http.StatusForbidden, tc.body))
				_, err := op.call(context.Background(), f.client(t), instance)
				var apiErr *wrapper.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
				assert.Equal(t, 403, apiErr.Code)
				assert.Equal(t, tc.wantMessage, apiErr.Message)
			})
		}
	}
}

// The spec requires external_port, internal_port and protocol in the OpenPort answer, but a success
// envelope without them yields &PortMapping{} (external port 0) and a nil error: the caller cannot
// tell that it learned nothing.
func TestKnownBugOpenPortSuccessWithoutMapping(t *testing.T) {
	knownBug(t, "OpenPort returns &PortMapping{} and nil for a success envelope without data")
	for _, body := range []string{
		`{"status":200,"message":"OK"}`,
		`{"status":200,"message":"OK","data":null}`,
		`{"status":200,"message":"OK","data":{}}`,
	} {
		t.Run(body, func(t *testing.T) {
			f := newFake(t, answer(http.StatusOK, body))
			got, err := f.client(t).OpenPort(context.Background(), instance, 8080, "tcp")
			assert.Nil(t, got)
			var apiErr *wrapper.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusOK, apiErr.StatusCode)
			assert.Equal(t, body, string(apiErr.Body))
		})
	}
}
