// Package testserver holds what the in-memory test servers (rainbondtest, alayatest) share: the
// request log, the mounting under a path prefix, and random credentials.
package testserver

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Request is one request a test server received.
type Request struct {
	// Method is the HTTP method.
	Method string
	// URI is the request target exactly as the client sent it (escaped path and query), including
	// any mount prefix.
	URI string
	// Header is a copy of the request headers.
	Header http.Header
	// Body is the request body (at most the server's cap of it).
	Body []byte
}

// Log records the requests a server receives. Its zero value is ready; it is safe for concurrent use.
type Log struct {
	mu   sync.Mutex
	reqs []Request
}

// Record appends r to the log and returns its body, read up to maxBody bytes, and whether the body
// was longer. r.Body is replaced, so the body can be read again.
func (l *Log) Record(r *http.Request, maxBody int) ([]byte, bool) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(r.Body, int64(maxBody)+1))
		_ = r.Body.Close()
	}
	tooLarge := len(body) > maxBody
	if tooLarge {
		body = body[:maxBody]
	}
	uri := r.RequestURI
	if uri == "" {
		uri = r.URL.RequestURI()
	}
	l.mu.Lock()
	l.reqs = append(l.reqs, Request{Method: r.Method, URI: uri, Header: r.Header.Clone(), Body: bytes.Clone(body)})
	l.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, tooLarge
}

// Count returns how many requests were recorded.
func (l *Log) Count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.reqs)
}

// All returns a copy of every recorded request, oldest first.
func (l *Log) All() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Request, len(l.reqs))
	for i, r := range l.reqs {
		out[i] = Request{Method: r.Method, URI: r.URI, Header: r.Header.Clone(), Body: bytes.Clone(r.Body)}
	}
	return out
}

// StripPrefix serves requests under prefix with serve(w, r, true), the prefix removed from the
// decoded and the escaped path; a request outside the prefix goes to serve(w, r, false) unchanged.
func StripPrefix(prefix string, serve func(w http.ResponseWriter, r *http.Request, routable bool)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.EscapedPath(), prefix+"/") || !strings.HasPrefix(r.URL.Path, prefix+"/") {
			serve(w, r, false)
			return
		}
		r2 := new(http.Request)
		*r2 = *r
		r2.URL = new(url.URL)
		*r2.URL = *r.URL
		r2.URL.Path = strings.TrimPrefix(r.URL.Path, prefix)
		r2.URL.RawPath = strings.TrimPrefix(r.URL.RawPath, prefix)
		serve(w, r2, true)
	})
}

// RandomHex returns n random bytes, hex encoded.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
