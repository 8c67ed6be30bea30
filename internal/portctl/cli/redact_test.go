package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEchoedSecretNotOnStderr protects issue 25 item 4 at portctl: a server that echoes the token,
// the AccessKey secret or the bearer key percent-encoded in lower-case hex or byte by byte, inside
// an object msg, or base64-encoded, in its message and in the path of a redirect, gets it onto
// stderr neither in the error message nor in the --debug records.
func TestEchoedSecretNotOnStderr(t *testing.T) {
	const secret = `Tk/9+<&>"\~zQ-p_=%a:@$;`
	var every strings.Builder
	for i := range len(secret) {
		fmt.Fprintf(&every, "%%%02x", secret[i])
	}
	htmlSafe, _ := json.Marshal(secret)
	forms := []string{
		secret, regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(url.QueryEscape(secret), strings.ToLower), every.String(), string(htmlSafe[1 : len(htmlSafe)-1]),
		base64.StdEncoding.EncodeToString([]byte(secret)), base64.RawURLEncoding.EncodeToString([]byte("x" + secret))[2:],
	}
	for _, form := range forms[1:] {
		for _, msg := range []any{"bad key " + form, map[string]string{"detail": "bad key " + secret, "key": form}} {
			body, err := json.Marshal(map[string]any{"code": 400, "status": 400, "msg": msg, "message": msg})
			require.NoError(t, err)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !strings.Contains(r.URL.Path, "/x/") {
					http.Redirect(w, r, "/x/"+every.String(), http.StatusFound)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write(body)
			}))
			_, rvars := newRainbond(t)
			_, avars := newAlaya(t)
			for _, tc := range []struct {
				vars map[string]string
				args []string
			}{
				{merge(rvars, map[string]string{"RAINBOND_URL": srv.URL, "RAINBOND_TOKEN": secret}), []string{"rainbond", "ports", "list"}},
				{merge(avars, map[string]string{"ALAYA_URL": srv.URL, "ALAYA_SECRET_KEY": secret}), []string{"alaya", "ports", "list"}},
				{merge(without(avars, "ALAYA_ACCESS_KEY", "ALAYA_SECRET_KEY"), map[string]string{"ALAYA_URL": srv.URL, "ALAYA_API_KEY": secret}),
					[]string{"alaya", "ports", "list"}},
			} {
				r := runWith(t, tc.vars, append(tc.args, "--debug")...)
				require.Equal(t, 1, r.code, r)
				require.Contains(t, r.stderr, "HTTP 400", r)
				for _, f := range forms {
					assert.NotContains(t, r.stderr, f, "%s: %s echoed as %s", tc.args, r, form)
				}
			}
			srv.Close()
		}
	}
}
