package wrapper

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestErrorText protects the shape of the error strings.
func TestErrorText(t *testing.T) {
	assert.Equal(t, "rainbond.AddPort: HTTP 409, code 20501: exists",
		(&APIError{Operation: "rainbond.AddPort", StatusCode: 409, Code: 20501, Message: "exists"}).Error())
	assert.Equal(t, "HTTP 404: no found team", (&APIError{StatusCode: 404, Code: 404, Message: "no found team"}).Error())
	assert.Equal(t, "invalid port: 0 is outside 1..65535", (&ValidationError{Field: "port", Reason: "0 is outside 1..65535"}).Error())
}

// TestAPIErrorFmtHidesTheBody protects "no fmt form of any value the library returns shows the
// credential": the raw Body (which may hold what the server echoed) appears under no verb, on the
// error or on its value.
func TestAPIErrorFmtHidesTheBody(t *testing.T) {
	e := &APIError{Operation: "rainbond.ListPorts", StatusCode: 401, Code: 401, Message: "invalid token [REDACTED]",
		Body: []byte(`{"msg":"invalid token sekrit"}`), Attempts: 1}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%o"} {
		for _, v := range []any{e, *e} {
			out := fmt.Sprintf(verb, v)
			for _, form := range []string{"sekrit", fmt.Sprintf("%x", "sekrit"), fmt.Sprintf("%X", "sekrit"),
				fmt.Sprint([]byte("sekrit")), fmt.Sprintf("%#v", []byte("sekrit"))[8:]} {
				assert.NotContains(t, out, form, verb)
			}
		}
	}
	assert.Equal(t, "rainbond.ListPorts: HTTP 401: invalid token [REDACTED]", fmt.Sprintf("%v", e))
	assert.Equal(t, `&wrapper.APIError{Operation:"rainbond.ListPorts", StatusCode:401, Code:401, Message:"invalid token [REDACTED]", Body:<30 bytes>, Attempts:1}`,
		fmt.Sprintf("%#v", e))
	var nilErr *APIError
	assert.Equal(t, "<nil>", fmt.Sprintf("%v", nilErr))
}
