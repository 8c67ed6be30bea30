// Package alayasign signs Alaya NeW Open API requests with an AccessKey pair, for the Alaya client
// (wrapper/alaya); its test server (wrapper/alaya/alayatest) verifies signatures with the same
// recipe, which docs/servers/alaya.md gives: the header "alayanew-HMAC-SHA256 ID:Timestamp:Signature"
// carries the lower-case hex HMAC-SHA256 of Timestamp|METHOD|Path, with the Unix time in
// milliseconds and the escaped request path exactly as sent (the base URL's path included), without
// the query. Every function takes the time as an argument, so signing is testable.
package alayasign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Scheme is the authentication scheme of a signed Authorization header.
const Scheme = "alayanew-HMAC-SHA256"

// StringToSign returns Timestamp|METHOD|path for a timestamp in Unix milliseconds.
func StringToSign(timestampMillis int64, method, path string) string {
	return strconv.FormatInt(timestampMillis, 10) + "|" + strings.ToUpper(method) + "|" + path
}

// Signature returns the lower-case hex HMAC-SHA256 of StringToSign under secret.
func Signature(secret string, timestampMillis int64, method, path string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(StringToSign(timestampMillis, method, path)))
	return hex.EncodeToString(mac.Sum(nil))
}

// Authorization returns the Authorization header value for a request signed at time t.
func Authorization(id, secret string, t time.Time, method, path string) string {
	ts := t.UnixMilli()
	return Scheme + " " + id + ":" + strconv.FormatInt(ts, 10) + ":" + Signature(secret, ts, method, path)
}

// Signer signs requests with one AccessKey pair, like Authorization, at the times now gives. It is
// safe for concurrent use, and it is the Alaya client's transport.Authorizer. The secret lives only
// in a closure, which no fmt verb prints.
type Signer struct {
	id     string
	now    func() time.Time
	secret func() string
}

// NewSigner returns a Signer for the access key id and its secret, signing at the times now gives.
func NewSigner(id, secret string, now func() time.Time) *Signer {
	return &Signer{id: id, now: now, secret: func() string { return secret }}
}

// Authorize puts a fresh signature on req, over its escaped path as it goes on the wire.
func (s *Signer) Authorize(req *http.Request) {
	req.Header["Authorization"] = []string{s.Authorization(s.now(), req.Method, RequestPath(req.URL))}
}

// Secrets returns the secret, which the transport redacts from every message.
func (s *Signer) Secrets() []string { return []string{s.secret()} }

// Authorization is the package function Authorization with the Signer's pair.
func (s *Signer) Authorization(t time.Time, method, path string) string {
	return Authorization(s.id, s.secret(), t, method, path)
}

// RequestPath returns the path a request to u is signed over: its escaped path as sent on the
// wire ("/" when empty), without the query.
func RequestPath(u *url.URL) string {
	if u.Opaque != "" {
		// An opaque URL is sent as is, up to its query.
		p, _, _ := strings.Cut(u.Opaque, "?")
		return p
	}
	if p := u.EscapedPath(); p != "" {
		return p
	}
	return "/"
}
