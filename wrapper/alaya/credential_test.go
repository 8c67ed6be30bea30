package alaya_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper/alaya"
)

// fmtForms prints v in every fmt form a program might use: each verb with each flag, width and
// precision, inside a pointer, a slice, a map and a struct field.
func fmtForms(v any) []string {
	var out []string
	for _, verb := range "vsqdxXtbcoOUeEfFgGT" {
		for _, flags := range []string{"", "+", "#", "-", " ", "0", "10", ".3", "+#"} {
			out = append(out, fmt.Sprintf("%"+flags+string(verb), v))
		}
	}
	out = append(out,
		fmt.Sprint(v), fmt.Sprintln(v), fmt.Sprintf("%v", &v), fmt.Sprintf("%+v", []any{v}),
		fmt.Sprintf("%#v", map[string]any{"k": v}), fmt.Sprintf("%+v", struct{ Cred any }{v}),
		fmt.Sprintf("%#v", struct{ Cred any }{v}), fmt.Sprintf("%d", []any{v}), fmt.Sprintf("%x", &v),
	)
	return out
}

// TestCredentialsNeverPrintTheSecret protects the promise that no fmt form, slog record or JSON
// of an AccessKey or a BearerKey shows the secret, while an AccessKey still names its ID.
func TestCredentialsNeverPrintTheSecret(t *testing.T) {
	const secret = "s3cr3t-VALUE-0123456789abcdef"
	k := alaya.AccessKey{ID: "AK-visible", Secret: secret}
	b := alaya.BearerKey(secret)
	for _, v := range []any{k, &k, b, &b, []alaya.AccessKey{k}, map[string]alaya.BearerKey{"k": b}, struct{ K alaya.AccessKey }{k}} {
		for _, s := range fmtForms(v) {
			require.NotContains(t, s, secret, "%T printed as %q", v, s)
			hex := fmt.Sprintf("%x", secret)
			require.NotContains(t, strings.ToLower(s), hex, "%T printed as %q", v, s)
		}
	}
	assert.Equal(t, `alaya.AccessKey{ID: "AK-visible", Secret: [redacted]}`, k.String())
	assert.Equal(t, k.String(), fmt.Sprintf("%#v", k))
	assert.Equal(t, `"alaya.AccessKey{ID: \"AK-visible\", Secret: [redacted]}"`, fmt.Sprintf("%q", k))
	assert.Equal(t, "alaya.BearerKey([redacted])", b.String())
	assert.Equal(t, "alaya.BearerKey([redacted])", fmt.Sprintf("%d", b))
	assert.Equal(t, `alaya.AccessKey{ID: "", Secret: ""}`, alaya.AccessKey{}.String(), "an empty secret shows as empty, to help find a missing variable")
	assert.Equal(t, `alaya.BearerKey("")`, alaya.BearerKey("").String())

	// A Credential interface value prints the same.
	var c alaya.Credential = k
	assert.Equal(t, k.String(), fmt.Sprint(c))

	// slog, both handlers, and JSON.
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
		slog.New(h).Info("creds", "access", k, "bearer", b, "any", []any{k, b}, "ptr", &k)
	}
	assert.NotContains(t, buf.String(), secret)
	assert.Contains(t, buf.String(), "AK-visible")
	j, err := json.Marshal(struct {
		K alaya.AccessKey
		B alaya.BearerKey
	}{k, b})
	require.NoError(t, err)
	assert.JSONEq(t, `{"K": {"ID": "AK-visible", "Secret": "[redacted]"}, "B": "[redacted]"}`, string(j))
	var back struct {
		K alaya.AccessKey
		B alaya.BearerKey
	}
	require.NoError(t, json.Unmarshal([]byte(`{"K": {"ID": "a", "Secret": "s"}, "B": "k"}`), &back))
	assert.Equal(t, alaya.AccessKey{ID: "a", Secret: "s"}, back.K, "a configuration still reads from JSON")
	assert.Equal(t, alaya.BearerKey("k"), back.B)
}
