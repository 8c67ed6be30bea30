// Package alayasign signs and verifies Alaya NeW Open API requests with an AccessKey pair
// (scheme alayanew-HMAC-SHA256), for the Alaya client (wrapper/alaya) and its test server
// (wrapper/alaya/alayatest). The recipe is in docs/servers/alaya.md:
//
//	StringToSign  = Timestamp + "|" + METHOD + "|" + Path
//	Signature     = lower-case hex of HMAC-SHA256(secret, StringToSign)
//	Authorization: alayanew-HMAC-SHA256 {accessKeyID}:{Timestamp}:{Signature}
//
// Timestamp is Unix time in milliseconds, METHOD the upper-case HTTP method and Path the escaped
// request path exactly as sent (the base URL's path included: /api/osm/v1/...), without scheme,
// host or query. Every function takes the time as an argument, so signing is testable.
package alayasign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Scheme is the authentication scheme of a signed Authorization header.
const Scheme = "alayanew-HMAC-SHA256"

// Window is how far a request's timestamp may be from the service's clock, either way.
const Window = 5 * time.Minute

// The statuses of the service's 401 answers (HTTP 401, envelope {"status", "message"}).
const (
	StatusMalformed    = 40001 // Authorization header missing or malformed
	StatusTimestamp    = 40002 // timestamp malformed or outside Window
	StatusSignature    = 40003 // signature does not verify
	StatusKeyDisabled  = 40004 // access key disabled
	StatusKeyExpired   = 40005 // access key expired
	StatusUnknownKey   = 40006 // access key does not exist
	StatusNoCredential = 40401 // no credential at all (the gateway's answer)
)

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

// Signer signs requests with one AccessKey pair, like Authorization, reusing its HMAC states
// across calls. It is safe for concurrent use, and it is the Alaya client's transport.Authorizer.
// The secret lives only in closures (the one that makes the pooled HMAC states, and secrets),
// which no fmt verb prints.
type Signer struct {
	prefix  string // Scheme + " " + id + ":"
	pool    sync.Pool
	now     func() time.Time
	secrets func() []string
}

// NewSigner returns a Signer for the access key id and its secret, signing at the times now gives.
func NewSigner(id, secret string, now func() time.Time) *Signer {
	key := []byte(secret)
	s := &Signer{prefix: Scheme + " " + id + ":", now: now, secrets: func() []string { return []string{secret} }}
	s.pool.New = func() any { return hmac.New(sha256.New, key) }
	return s
}

// Authorize puts a fresh signature on req, over its escaped path as it goes on the wire.
func (s *Signer) Authorize(req *http.Request) error {
	req.Header["Authorization"] = []string{s.Authorization(s.now(), req.Method, RequestPath(req.URL))}
	return nil
}

// Secrets returns the secret, which the transport redacts from every message.
func (s *Signer) Secrets() []string { return s.secrets() }

// Authorization returns the Authorization header value for a request signed at time t; it equals
// the package function Authorization with the Signer's pair.
func (s *Signer) Authorization(t time.Time, method, path string) string {
	mac := s.pool.Get().(hash.Hash)
	defer s.pool.Put(mac)
	ts := t.UnixMilli()
	mac.Reset()
	_, _ = io.WriteString(mac, StringToSign(ts, method, path))
	var sum [sha256.Size]byte
	return s.prefix + strconv.FormatInt(ts, 10) + ":" + hex.EncodeToString(mac.Sum(sum[:0]))
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

// Verify checks a signed header value, "alayanew-HMAC-SHA256 {id}:{ts}:{sig}" (the scheme matched
// case-insensitively), for a request (method, path as received) at time now, with lookup giving
// the secret of an access key ID. It returns 0 when the request is authenticated, else the
// service's status, in the order the checks are made: StatusMalformed (not in that form, or a part
// is empty), StatusTimestamp (not decimal digits, or outside Window of now), StatusUnknownKey
// (lookup does not know the ID), StatusSignature (the signature differs).
func Verify(value, method, path string, now time.Time, lookup func(id string) (secret string, ok bool)) int {
	scheme, rest, found := strings.Cut(value, " ")
	parts := strings.Split(rest, ":") // id, timestamp as sent, signature
	if !found || !strings.EqualFold(scheme, Scheme) || len(parts) != 3 || slices.Contains(parts, "") {
		return StatusMalformed
	}
	ts, ok := parseMillis(parts[1])
	if !ok {
		return StatusTimestamp
	}
	if d := now.Sub(time.UnixMilli(ts)); d > Window || d < -Window {
		return StatusTimestamp
	}
	secret, ok := lookup(parts[0])
	if !ok {
		return StatusUnknownKey
	}
	want := Signature(secret, ts, method, path)
	if !hmac.Equal([]byte(parts[2]), []byte(want)) {
		return StatusSignature
	}
	return 0
}

// parseMillis parses a timestamp of 1 to 18 ASCII digits.
func parseMillis(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 18 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}
