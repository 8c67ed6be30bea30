package wrapper

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// APIError is returned for every failure the server reports, and for every answer the client cannot
// use: a non-2xx status, an envelope whose status/code says failure (even under HTTP 200), a body that
// is not JSON (an HTML gateway page), JSON that does not decode, or a body larger than the cap. It
// keeps the HTTP status and the raw body, so nothing the server said is lost.
type APIError struct {
	// Operation names the call, e.g. "rainbond.AddPort".
	Operation string
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Code is the envelope's own status/code (Alaya "status", Rainbond "code"); 0 if there is none.
	Code int
	// Message is the envelope's message, msg or detail as text; a JSON object is kept as its JSON.
	// For an answer that could not be used it says why (e.g. "response is not JSON").
	Message string
	// Body is the raw response body, capped.
	Body []byte

	cause error // what stopped the body from being read or decoded, if anything
}

// Unwrap returns the cause of an answer that could not be read or decoded (e.g. ErrBodyTooLarge,
// context.DeadlineExceeded, a *json.SyntaxError), or nil.
func (e *APIError) Unwrap() error { return e.cause }

// Error returns e.g. `rainbond.AddPort: HTTP 409, code 20501: component port already exists`.
func (e *APIError) Error() string {
	var b strings.Builder
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteString(": ")
	}
	b.WriteString("HTTP ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != 0 && e.Code != e.StatusCode {
		b.WriteString(", code ")
		b.WriteString(strconv.Itoa(e.Code))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// ValidationError is returned, before any request is sent, when an argument or body field is invalid.
type ValidationError struct {
	// Field is the argument or body field, e.g. "protocol", "service_id".
	Field string
	// Reason says what is wrong with it.
	Reason string
}

// Error returns e.g. `invalid protocol: "ftp" is not one of http, tcp, udp, mysql, grpc`.
func (e *ValidationError) Error() string {
	return "invalid " + e.Field + ": " + e.Reason
}

// messageText turns an envelope's message value into text: a JSON string is unquoted, null is empty,
// and anything else (an object, a number) is kept as its compact JSON.
func messageText(v any) string {
	switch m := v.(type) {
	case nil:
		return ""
	case string:
		return m
	default:
		raw, err := json.Marshal(m)
		if err != nil {
			return fmt.Sprint(m)
		}
		return string(raw)
	}
}

// undecodable builds the APIError for an answer whose body is not the JSON the spec describes.
func undecodable(op string, status int, contentType string, body []byte, err error) *APIError {
	msg := "response is not JSON"
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		msg = "empty response body"
	case trimmed[0] == '{' || trimmed[0] == '[':
		msg = "response JSON does not decode"
		if err != nil {
			msg += ": " + err.Error()
		}
	}
	if contentType != "" {
		msg += " (Content-Type " + contentType + ")"
	}
	return &APIError{Operation: op, StatusCode: status, Message: msg, Body: body, cause: err}
}
