package respond

import (
	"context"
	"errors"
	"fmt"
	"strings"
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

type replacer struct{ secret string }

func (r replacer) Redact(s string) string { return strings.ReplaceAll(s, r.secret, "[REDACTED]") }

// TestScrubKeepsWhatTheErrorMatches protects scrub: a cause whose text holds the credential is
// redacted and no longer unwraps to the raw error, yet errors.Is still finds what it wrapped (a
// deadline must stay a deadline); a cause without the credential is returned as it is.
func TestScrubKeepsWhatTheErrorMatches(t *testing.T) {
	r := replacer{"s3cret"}
	raw := fmt.Errorf("Get \"http://h/s3cret\": %w", context.DeadlineExceeded)
	got := scrub(r, raw)
	assert.Equal(t, "Get \"http://h/[REDACTED]\": context deadline exceeded", got.Error())
	assert.ErrorIs(t, got, context.DeadlineExceeded)
	assert.Nil(t, errors.Unwrap(got))
	plain := fmt.Errorf("dial: %w", context.Canceled)
	assert.Same(t, plain, scrub(r, plain))
	assert.Nil(t, scrub(r, nil))
}
