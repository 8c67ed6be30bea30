package wrapper

import (
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
