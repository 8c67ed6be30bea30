package alaya_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper"
)

// Envelope edge cases: answers the generated types cannot hold, or that say success without the
// result, and media types in upper case.

// Media types are case-insensitive (RFC 9110 §8.3.1), while the generated Parse functions look for
// "json" case-sensitively: a success under "Application/JSON" must still be decoded as a success.
func TestSuccessUnderUpperCaseMediaType(t *testing.T) {
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
// object) makes the generated Parse fail; the *APIError must still keep the envelope's status and
// message (the APIError contract: Code is the envelope's status, a JSON object message is kept as its JSON).
func TestErrorEnvelopeKeepsStatusAndMessage(t *testing.T) {
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

// The spec requires external_port, internal_port and protocol in the OpenPort answer: a success
// envelope without them is an *APIError, not an empty mapping with a nil error.
func TestOpenPortSuccessWithoutMapping(t *testing.T) {
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
