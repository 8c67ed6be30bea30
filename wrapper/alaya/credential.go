package alaya

import (
	"cmp"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/portsdk/portsdk/internal/runtime/alayasign"
	"github.com/portsdk/portsdk/internal/runtime/check"
	"github.com/portsdk/portsdk/internal/runtime/transport"
	"github.com/portsdk/portsdk/wrapper"
)

// The statuses of the service's 401 answers (APIError.Code): why a credential was refused.
const (
	StatusMalformed    = 40001 // Authorization header missing or malformed
	StatusTimestamp    = 40002 // timestamp outside five minutes of the service's clock
	StatusSignature    = 40003 // signature does not verify (a wrong secret)
	StatusKeyDisabled  = 40004 // access key disabled
	StatusKeyExpired   = 40005 // access key expired
	StatusUnknownKey   = 40006 // access key (or API key) does not exist
	StatusNoCredential = 40401 // no credential at all (the gateway's answer)
)

// Credential is what a Client authenticates with: an AccessKey pair, which signs every request
// the way the live service requires, or a BearerKey, the form the API pages show (a pointer to
// either works too). Only this package implements it.
type Credential interface {
	// authorizer checks the credential and returns what puts it on each request; now is the
	// clock an AccessKey signs with.
	authorizer(now func() time.Time) (transport.Authorizer, error)
}

// authorizer checks cred (nil, or a nil pointer, is refused as field "cred") and returns its
// transport.Authorizer.
func authorizer(cred Credential, now func() time.Time) (transport.Authorizer, error) {
	ak, isAK := cred.(*AccessKey)
	bk, isBK := cred.(*BearerKey)
	if cred == nil || isAK && ak == nil || isBK && bk == nil {
		return nil, &wrapper.ValidationError{Field: "cred", Reason: "must be an alaya.AccessKey or an alaya.BearerKey"}
	}
	return cred.authorizer(now)
}

// AccessKey is an AccessKey pair, created in the Alaya NeW console (客户中心 / 权限管理 / 访问管理).
// A Client signs every request, each attempt afresh, with it (scheme alayanew-HMAC-SHA256, see
// docs/servers/alaya.md); the secret is never sent. Every fmt verb, log/slog, JSON, YAML, XML and gob
// show the ID and "[redacted]" for the secret. But fmt cannot call the methods of a key held by value
// in an unexported field of your own struct, and prints its secret: hold keys in exported fields or
// by pointer (docs/library.md, "Secrets", gives the details).
type AccessKey struct {
	// ID is the AccessKey ID, sent in every request's Authorization header.
	ID string
	// Secret is the AccessKey secret: it signs requests and is never sent or printed.
	Secret string
}

func (k AccessKey) authorizer(now func() time.Time) (transport.Authorizer, error) {
	if err := check.Credential("AccessKey.ID", k.ID); err != nil {
		return nil, err
	}
	if strings.Contains(k.ID, ":") {
		return nil, &wrapper.ValidationError{Field: "AccessKey.ID", Reason: `must not contain ":"`}
	}
	if err := check.Credential("AccessKey.Secret", k.Secret); err != nil {
		return nil, err
	}
	return alayasign.NewSigner(k.ID, k.Secret, now), nil
}

// String returns the key with its secret redacted: alaya.AccessKey{ID: "...", Secret: [redacted]}
// (an empty secret shows as "").
func (k AccessKey) String() string {
	return "alaya.AccessKey{ID: " + strconv.Quote(k.ID) + ", Secret: " + cmp.Or(redacted(k.Secret), `""`) + "}"
}

// GoString is String.
func (k AccessKey) GoString() string { return k.String() }

// Format writes String for every verb (quoted for %q), so no verb shows the secret.
func (k AccessKey) Format(f fmt.State, verb rune) { formatRedacted(f, verb, k.String()) }

// LogValue implements slog.LogValuer: the ID, and the secret redacted.
func (k AccessKey) LogValue() slog.Value {
	return slog.GroupValue(slog.String("ID", k.ID), slog.String("Secret", redacted(k.Secret)))
}

// MarshalJSON writes {"ID": ..., "Secret": "[redacted]"}.
func (k AccessKey) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct{ ID, Secret string }{k.ID, redacted(k.Secret)})
}

// MarshalYAML gives YAML encoders the mapping JSON shows: id, and secret "[redacted]".
func (k AccessKey) MarshalYAML() (any, error) {
	return map[string]string{"id": k.ID, "secret": redacted(k.Secret)}, nil
}

// MarshalText returns String, which encoding/xml writes as the element's text.
func (k AccessKey) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// MarshalBinary returns String, which encoding/gob writes in place of the fields.
func (k AccessKey) MarshalBinary() ([]byte, error) { return k.MarshalText() }

// BearerKey is an Open API key, sent as "Authorization: Bearer <key>", the form the API pages
// show. Pass the bare key, without "Bearer ". fmt, slog, JSON, YAML, XML and gob show
// "[redacted]", with the limits AccessKey states.
type BearerKey string

func (k BearerKey) authorizer(func() time.Time) (transport.Authorizer, error) {
	if err := check.Credential("BearerKey", string(k)); err != nil {
		return nil, err
	}
	return transport.NewHeaderAuth("Bearer", string(k)), nil
}

// String returns "alaya.BearerKey([redacted])" (alaya.BearerKey("") for an empty key).
func (k BearerKey) String() string {
	return "alaya.BearerKey(" + cmp.Or(redacted(string(k)), `""`) + ")"
}

// GoString is String.
func (k BearerKey) GoString() string { return k.String() }

// Format writes String for every verb (quoted for %q), so no verb shows the key.
func (k BearerKey) Format(f fmt.State, verb rune) { formatRedacted(f, verb, k.String()) }

// LogValue implements slog.LogValuer: "[redacted]".
func (k BearerKey) LogValue() slog.Value { return slog.StringValue(redacted(string(k))) }

// MarshalText writes "[redacted]" (for JSON, YAML and XML). Unmarshalling reads the key as usual.
func (k BearerKey) MarshalText() ([]byte, error) { return []byte(redacted(string(k))), nil }

// MarshalBinary writes "[redacted]", which encoding/gob writes in place of the key.
func (k BearerKey) MarshalBinary() ([]byte, error) { return k.MarshalText() }

// redacted returns "[redacted]", or "" for an empty secret.
func redacted(s string) string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

func formatRedacted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = fmt.Fprint(f, s)
}
