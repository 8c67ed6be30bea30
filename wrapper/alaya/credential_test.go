package alaya_test

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

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

// TestCredentialEncodersRedactTheSecret protects issue 25 item 5: every encoder a user reaches for
// on a key (JSON, YAML, XML, gob, fmt, slog), on the key, a pointer to it, or a struct holding
// either in exported fields, shows the secret redacted; and a key held by pointer in an unexported
// field stays hidden from %v, %+v, %#v and slog, as the doc says.
func TestCredentialEncodersRedactTheSecret(t *testing.T) {
	const secret = "s3cr3t-VALUE-0123456789abcdef"
	k := alaya.AccessKey{ID: "AK-visible", Secret: secret}
	b := alaya.BearerKey(secret)
	type holder struct {
		K  alaya.AccessKey
		B  alaya.BearerKey
		KP *alaya.AccessKey
		BP *alaya.BearerKey
	}
	slogged := func(v any) []byte {
		var buf bytes.Buffer
		slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "v", v)
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "v", v)
		return buf.Bytes()
	}
	encoders := map[string]func(v any) ([]byte, error){
		"json": json.Marshal,
		"yaml": yaml.Marshal,
		"xml":  xml.Marshal,
		"gob": func(v any) ([]byte, error) {
			var buf bytes.Buffer
			err := gob.NewEncoder(&buf).Encode(v)
			return buf.Bytes(), err
		},
		"fmt":  func(v any) ([]byte, error) { return []byte(strings.Join(fmtForms(v), "\n")), nil },
		"slog": func(v any) ([]byte, error) { return slogged(v), nil },
	}
	for name, encode := range encoders {
		for _, v := range []any{k, &k, b, &b, holder{K: k, B: b, KP: &k, BP: &b}, &holder{K: k, B: b}} {
			out, err := encode(v)
			require.NoError(t, err, "%s of %T", name, v)
			assert.NotContains(t, string(out), secret, "%s of %T", name, v)
		}
	}
	y, err := yaml.Marshal(k)
	require.NoError(t, err)
	assert.Equal(t, "id: AK-visible\nsecret: '[redacted]'\n", string(y), "YAML keeps the mapping JSON shows")
	var back alaya.AccessKey
	require.NoError(t, yaml.Unmarshal([]byte("id: a\nsecret: s\n"), &back))
	assert.Equal(t, alaya.AccessKey{ID: "a", Secret: "s"}, back, "a configuration still reads from YAML")
	type config struct{ K alaya.AccessKey }
	x, err := xml.Marshal(config{k})
	require.NoError(t, err)
	assert.Equal(t, `<config><K>alaya.AccessKey{ID: &#34;AK-visible&#34;, Secret: [redacted]}</K></config>`, string(x))
	j, err := json.Marshal(k)
	require.NoError(t, err)
	assert.JSONEq(t, `{"ID": "AK-visible", "Secret": "[redacted]"}`, string(j), "JSON unchanged")

	byPointer := struct {
		k *alaya.AccessKey
		b *alaya.BearerKey
	}{&k, &b}
	for _, s := range []string{fmt.Sprintf("%v %+v %#v", byPointer, byPointer, byPointer), string(slogged(byPointer))} {
		assert.NotContains(t, s, secret)
	}
	// What Go cannot hide, as the doc says: fmt's reflection cannot call the methods of a value in
	// an unexported field, so a key held there by value is printed (so slog prints it too), and one
	// held by pointer is printed by a verb that does not fit a pointer (%s, %d, %x).
	byValue := struct{ k alaya.AccessKey }{k}
	assert.Contains(t, fmt.Sprintf("%+v", byValue), secret)
	assert.Contains(t, string(slogged(byValue)), secret)
	misfit := "%s" // a variable, as go vet reports the misuse in a constant format
	assert.Contains(t, fmt.Sprintf(misfit, byPointer), secret)
}
