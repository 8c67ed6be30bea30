package wrapper_test

// Issue 25, items 4 and 7: a server may echo the credential in any encoding it likes; no text the
// clients produce (error, fmt form of the error, log record) may carry it in any of them.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// hostileSecret holds every character the encodings below treat differently: HTML-escaped and
// backslash-escaped by JSON, percent-escaped by paths and queries, and base64 at any alignment.
const hostileSecret = `Tk/9+<&>"\~zQ-p_=%a:@$;`

// lowerHex lowers the two hex digits after each '%'.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			copy(b[i+1:], strings.ToLower(string(b[i+1:i+3])))
			i += 2
		}
	}
	return string(b)
}

// echoForm is one text a server may echo the secret as, and what of it must not reach a text the
// client produces: the whole echo, or for base64 the characters that depend on the secret's bytes
// alone (those stay the same whatever surrounds it).
type echoForm struct{ echo, leak string }

// echoForms returns, by name, the forms of the secret s. The base64 ones encode s after 0, 1 or 2
// other bytes, so that the secret sits at each alignment.
func echoForms(s string) map[string]echoForm {
	var every strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&every, "%%%02X", s[i])
	}
	htmlSafe, _ := json.Marshal(s)
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	jsonForm := string(htmlSafe[1 : len(htmlSafe)-1])
	jsonPlain := strings.TrimSpace(plain.String())
	jsonPlain = jsonPlain[1 : len(jsonPlain)-1]
	forms := map[string]echoForm{}
	for name, f := range map[string]string{
		"raw":                     s,
		"path-escaped":            url.PathEscape(s),
		"query-escaped":           url.QueryEscape(s),
		"path-escaped lower hex":  lowerHex(url.PathEscape(s)),
		"query-escaped lower hex": lowerHex(url.QueryEscape(s)),
		"every byte upper hex":    every.String(),
		"every byte lower hex":    strings.ToLower(every.String()),
		"JSON HTML-safe":          jsonForm,
		"JSON":                    jsonPlain,
		"JSON HTML-safe \\/":      strings.ReplaceAll(jsonForm, "/", `\/`),
		"JSON \\/":                strings.ReplaceAll(jsonPlain, "/", `\/`),
	} {
		forms[name] = echoForm{f, f}
	}
	mixed := []byte(every.String()) // every other escape in lower case
	for i := 1; i < len(mixed); i += 6 {
		copy(mixed[i:i+2], bytes.ToLower(mixed[i:i+2]))
	}
	forms["every byte mixed hex"] = echoForm{string(mixed), string(mixed)}
	for k := range 3 {
		in := append([]byte("xyz")[:k], s...)
		for name, enc := range map[string]*base64.Encoding{"std": base64.StdEncoding, "raw std": base64.RawStdEncoding,
			"URL": base64.URLEncoding, "raw URL": base64.RawURLEncoding} {
			b64 := enc.EncodeToString(in)
			forms[fmt.Sprintf("base64 %s after %d bytes", name, k)] = echoForm{b64, strings.TrimRight(b64, "=")[(8*k+5)/6 : 8*(k+len(s))/6]}
		}
	}
	return forms
}

// leaks returns the names of the forms of s that text holds.
func leaks(text, s string) []string {
	var found []string
	for name, f := range echoForms(s) {
		if strings.Contains(text, f.leak) {
			found = append(found, name)
		}
	}
	return found
}

// echoClients lists, for each credential, a GET through a client that holds hostileSecret and
// logs to logs.
var echoClients = []struct {
	name string
	call func(t *testing.T, base string, logs *bytes.Buffer) error
}{
	{"rainbond token", func(t *testing.T, base string, logs *bytes.Buffer) error {
		c, err := rainbond.NewClient(base, hostileSecret, rainbond.WithMaxRetries(0),
			rainbond.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
		require.NoError(t, err)
		_, err = c.ListPorts(context.Background(), comp)
		return err
	}},
	{"alaya bearer key", func(t *testing.T, base string, logs *bytes.Buffer) error {
		c, err := alaya.NewClient(alaya.BearerKey(hostileSecret), alaya.WithBaseURL(base), alaya.WithMaxRetries(0),
			alaya.WithLogger(slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
		require.NoError(t, err)
		_, err = c.ListOpenPorts(context.Background(), "i-1")
		return err
	}},
	{"alaya access key", func(t *testing.T, base string, logs *bytes.Buffer) error {
		c, err := alaya.NewClient(alaya.AccessKey{ID: "AK", Secret: hostileSecret}, alaya.WithBaseURL(base), alaya.WithMaxRetries(0),
			alaya.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
		require.NoError(t, err)
		_, err = c.ListOpenPorts(context.Background(), "i-1")
		return err
	}},
}

// TestEchoedSecretRedactedInEveryForm protects item 4: a server that echoes the credential in any
// form, in msg and message, as a string or inside an object, gets it into neither the error's text
// (Error, %v, %+v, %#v) nor a log record.
func TestEchoedSecretRedactedInEveryForm(t *testing.T) {
	for name, f := range echoForms(hostileSecret) {
		form := f.echo
		for _, object := range []bool{false, true} {
			var msg any = "bad credential " + form + " (see above)"
			if object {
				msg = map[string]any{"detail": msg, "token": form}
			}
			body, err := json.Marshal(map[string]any{"code": 401, "status": 401, "msg": msg, "message": msg})
			require.NoError(t, err)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write(body)
			}))
			for _, c := range echoClients {
				var logs bytes.Buffer
				err := c.call(t, srv.URL, &logs)
				require.Error(t, err)
				text := fmt.Sprintf("%s\n%v\n%+v\n%#v\n%s", err.Error(), err, err, err, logs.String())
				if !object {
					assert.Contains(t, text, "[REDACTED]", "%s, %s", c.name, name)
				}
				assert.Empty(t, leaks(text, hostileSecret), "%s, %s, object %v:\n%s", c.name, name, object, text)
			}
			srv.Close()
		}
	}
}

// TestRedirectPathRedactedInEveryForm protects item 4 for log records and transport errors: a GET
// redirected to a path that holds the credential, in any form a path can carry, logs that path
// without it, and when the redirected request then fails without an answer (the connection
// closed), the error, which quotes the URL, does not show it either.
func TestRedirectPathRedactedInEveryForm(t *testing.T) {
	for name, f := range echoForms(hostileSecret) {
		if _, err := url.Parse("/x/" + f.echo); err != nil {
			continue // not a path
		}
		for _, hangUp := range []bool{false, true} {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case !strings.HasPrefix(r.URL.Path, "/x/"):
					w.Header().Set("Location", "/x/"+f.echo)
					w.WriteHeader(http.StatusFound)
				case hangUp:
					conn, _, err := w.(http.Hijacker).Hijack()
					if err == nil {
						_ = conn.Close()
					}
				default:
					http.NotFound(w, r)
				}
			}))
			for _, c := range echoClients {
				var logs bytes.Buffer
				err := c.call(t, srv.URL, &logs)
				require.Error(t, err)
				require.Equal(t, 2, strings.Count(logs.String(), "portsdk: attempt"), "%s, %s: the redirect was followed", c.name, name)
				text := fmt.Sprintf("%s\n%+v\n%s", err.Error(), err, logs.String())
				assert.Empty(t, leaks(text, hostileSecret), "%s, %s, hang up %v:\n%s", c.name, name, hangUp, text)
			}
			srv.Close()
		}
	}
}
