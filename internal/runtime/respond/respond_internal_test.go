package respond

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestIsJSON protects the Content-Type check.
func TestIsJSON(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/json": true, "application/json; charset=utf-8": true, "application/problem+json": true,
		"text/html": false, "": false, "text/plain; charset=utf-8": false, "application/jsonx": false,
	} {
		assert.Equal(t, want, isJSON(ct), ct)
	}
}

// TestMessageText protects how envelope messages become text.
func TestMessageText(t *testing.T) {
	assert.Equal(t, "", messageText(nil))
	assert.Equal(t, "端口已存在", messageText("端口已存在"))
	assert.Equal(t, `{"code":404}`, messageText(map[string]any{"code": 404}))
}
