package wrapper

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// Decode finishes one call of a generated raw client: it turns a transport error into an error
// naming op, reads the body (capped) and runs the generated parse function on it. The body is read
// first and handed back, so that when parsing fails the *APIError still keeps the HTTP status and
// the body. A body that cannot be read or parsed is an *APIError.
func Decode[P any](op string, rsp *http.Response, err error, parse func(*http.Response) (P, error)) (P, []byte, error) {
	var zero P
	if err != nil {
		return zero, nil, fmt.Errorf("%s: %w", op, err)
	}
	body, err := readBody(rsp)
	if err != nil {
		return zero, body, &APIError{
			Operation:  op,
			StatusCode: rsp.StatusCode,
			Message:    "reading response body: " + err.Error(),
			Body:       body,
			cause:      err,
		}
	}
	rsp.Body = io.NopCloser(bytes.NewReader(body))
	parsed, err := parse(rsp)
	if err != nil {
		return zero, body, undecodable(op, rsp.StatusCode, rsp.Header.Get("Content-Type"), body, err)
	}
	return parsed, body, nil
}

// readBody returns the body of rsp: as the Doer buffered it, or read (and closed) here.
func readBody(rsp *http.Response) ([]byte, error) {
	if bb, ok := rsp.Body.(*BufferedBody); ok {
		return bb.Bytes()
	}
	defer func() { _ = rsp.Body.Close() }()
	var buf bytes.Buffer
	_, err := buf.ReadFrom(rsp.Body)
	return buf.Bytes(), err
}

// IsJSON reports whether a Content-Type header names JSON (application/json, application/problem+json, ...).
func IsJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || (len(mt) > 5 && mt[len(mt)-5:] == "+json")
}

// NotJSON is the *APIError for a body the client cannot use as the spec's JSON: a body that is not
// JSON, or one labelled with a non-JSON Content-Type.
func NotJSON(op string, rsp *http.Response, body []byte, err error) *APIError {
	return undecodable(op, rsp.StatusCode, rsp.Header.Get("Content-Type"), body, err)
}
