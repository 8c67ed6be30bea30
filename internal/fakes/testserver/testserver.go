// Package testserver holds what the in-memory test servers (rainbondtest, alayatest) share: the
// request log, the mounting under a path prefix, the writing of answers, and random credentials.
package testserver

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// DefaultLogSize is how many requests a Log keeps unless SetLimit says otherwise: enough for any
// test that inspects what it sent, small enough that a server under a load test keeps a bounded
// amount of memory (at most DefaultLogSize requests with their bodies).
const DefaultLogSize = 1024

// DefaultLogBytes is how many bytes (bodies, URIs and headers, see requestBytes) a Log keeps at
// most: the oldest requests are dropped first, and the newest is always kept, its body cut to fit.
const DefaultLogBytes = 8 << 20

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

// Log records the requests a server receives: the last Limit requests, and a count of all of
// them. Its zero value is ready and keeps DefaultLogSize requests; it is safe for concurrent use.
// Recording copies the request outside the lock and holds the lock only to store the copy, so
// concurrent requests do not wait on each other's copies.
type Log struct {
	total atomic.Int64 // requests recorded since the start

	mu       sync.Mutex
	limit    int       // how many requests to keep; 0 means DefaultLogSize
	maxBytes int       // how many bytes to keep; 0 means DefaultLogBytes (tests set less)
	bytes    int       // requestBytes of kept
	kept     []Request // oldest first, len(kept) <= limit
}

// requestBytes is what a kept request counts against the byte budget.
func requestBytes(r Request) int {
	n := len(r.Method) + len(r.URI) + len(r.Body)
	for k, vs := range r.Header {
		n += len(k)
		for _, v := range vs {
			n += len(v)
		}
	}
	return n
}

// SetLimit makes the log keep the last n requests (n < 1 means 1), dropping the oldest ones
// beyond it. The count of all requests is not affected.
func (l *Log) SetLimit(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limit = max(n, 1)
	l.trim()
}

// trim drops the oldest requests beyond the limit, clearing their slots so that their bodies can
// be freed before the next reallocation. l.mu must be held.
func (l *Log) trim() {
	limit, maxBytes := cmp.Or(l.limit, DefaultLogSize), cmp.Or(l.maxBytes, DefaultLogBytes)
	drop := 0
	for ; len(l.kept)-drop > 1 && (len(l.kept)-drop > limit || l.bytes > maxBytes); drop++ {
		l.bytes -= requestBytes(l.kept[drop])
	}
	clear(l.kept[:drop])
	l.kept = l.kept[drop:]
	if len(l.kept) == 1 && l.bytes > maxBytes { // the newest alone is over the budget
		last := &l.kept[0]
		cut := min(len(last.Body), l.bytes-maxBytes)
		last.Body = bytes.Clone(last.Body[:len(last.Body)-cut]) // frees the rest
		l.bytes -= cut
	}
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
	entry := Request{Method: r.Method, URI: cmp.Or(r.RequestURI, r.URL.RequestURI()), Header: r.Header.Clone(), Body: bytes.Clone(body)}
	l.total.Add(1)
	l.mu.Lock()
	l.kept = append(l.kept, entry)
	l.bytes += requestBytes(entry)
	l.trim()
	l.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, tooLarge
}

// Count returns how many requests were recorded since the start, including those the ring no
// longer keeps.
func (l *Log) Count() int { return int(l.total.Load()) }

// All returns a copy of the kept requests (the last Limit ones), oldest first.
func (l *Log) All() []Request {
	l.mu.Lock()
	kept := slices.Clone(l.kept)
	l.mu.Unlock()
	for i, r := range kept {
		kept[i] = Request{Method: r.Method, URI: r.URI, Header: r.Header.Clone(), Body: bytes.Clone(r.Body)}
	}
	return kept
}

// StripPrefix serves requests under prefix with serve(w, r, true), the prefix removed from the
// decoded and the escaped path; a request outside the prefix goes to serve(w, r, false) unchanged.
func StripPrefix(prefix string, serve func(w http.ResponseWriter, r *http.Request, routable bool)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.EscapedPath(), prefix+"/") || !strings.HasPrefix(r.URL.Path, prefix+"/") {
			serve(w, r, false)
			return
		}
		r2 := r.Clone(r.Context())
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

// WriteJSON answers status with v in JSON and a final newline, as json.Encoder writes it (in one
// Write); escapeHTML says whether <, > and & are escaped (encoding/json's default) or written as
// they are. The fakes' bodies are plain structs, maps and slices, which always encode.
func WriteJSON(w http.ResponseWriter, status int, v any, escapeHTML bool) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(v)
}

// WriteHTML answers status with an HTML page.
func WriteHTML(w http.ResponseWriter, status int, page string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, page)
}
