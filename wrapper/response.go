package wrapper

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// Decode finishes one call of a generated raw client: it turns a transport error into an error
// naming op, reads the body (capped) and returns the 200 JSON envelope (nil for any other answer).
// A 200 answer labelled JSON is unmarshalled once from the buffered body, as the generated parse
// function would, but without its io.ReadAll copy of the body; any other answer goes through the
// generated parse function. The body is handed back, so that when decoding fails the *APIError
// (from Failure) still keeps the HTTP status, the envelope's code and message where it has them,
// and the body.
func Decode[T any, P interface{ GetJSON200() *T }](op string, rsp *http.Response, err error, parse func(*http.Response) (P, error)) (*T, []byte, error) {
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", op, err)
	}
	body, err := readBody(rsp)
	if err != nil {
		return nil, body, &APIError{
			Operation:  op,
			StatusCode: rsp.StatusCode,
			Message:    "reading response body: " + err.Error(),
			Body:       body,
			cause:      err,
		}
	}
	// Media types are case-insensitive; the generated parse functions look for "json" in lower case.
	ct := rsp.Header.Get("Content-Type")
	if lower := strings.ToLower(ct); lower != ct {
		ct = lower
		rsp.Header.Set("Content-Type", ct)
	}
	if rsp.StatusCode == http.StatusOK && strings.Contains(ct, "json") {
		env := new(T)
		if err := json.Unmarshal(body, env); err != nil {
			return nil, body, Failure(op, rsp, body, err)
		}
		return env, body, nil
	}
	rsp.Body = io.NopCloser(bytes.NewReader(body))
	parsed, err := parse(rsp)
	if err != nil {
		return nil, body, Failure(op, rsp, body, err)
	}
	return parsed.GetJSON200(), body, nil
}

// readBody returns the body of rsp: as the Doer buffered it, or read (and closed) here.
func readBody(rsp *http.Response) ([]byte, error) {
	if bb, ok := rsp.Body.(*bufferedBody); ok {
		return bb.Bytes()
	}
	defer func() { _ = rsp.Body.Close() }()
	var buf bytes.Buffer
	_, err := buf.ReadFrom(rsp.Body)
	return buf.Bytes(), err
}

// isJSON reports whether a Content-Type header names JSON (application/json, application/problem+json, ...).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// looseEnvelope reads the status and message of either API's envelope without the generated
// types, so that a body they cannot hold (data [] instead of {}, a message that is an object)
// still yields its code and message. Alaya uses status/message; Rainbond code/msg, or detail and
// err for validation errors, and msg_show.
type looseEnvelope struct {
	Status  any `json:"status"`
	Code    any `json:"code"`
	Message any `json:"message"`
	Msg     any `json:"msg"`
	Detail  any `json:"detail"`
	Err     any `json:"err"`
	MsgShow any `json:"msg_show"`
}

// successCode is the envelope code both APIs use for success.
const successCode = 200

// Failure builds the *APIError for an answer that is not a usable success: any status, any error
// envelope of either API, a success envelope the client cannot use (cause is then the decoding
// error, or nil when the envelope lacks what the operation returns), or a body that is not JSON.
func Failure(op string, rsp *http.Response, body []byte, cause error) *APIError {
	if !isJSON(rsp.Header.Get("Content-Type")) {
		return undecodable(op, rsp.StatusCode, rsp.Header.Get("Content-Type"), body, nil)
	}
	var env looseEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return undecodable(op, rsp.StatusCode, rsp.Header.Get("Content-Type"), body, err)
	}
	code, ok := intOf(env.Code)
	if !ok {
		code, _ = intOf(env.Status)
	}
	msg := messageText(env.Message)
	if msg == "" {
		msg = messageText(env.Msg)
	}
	if msg == "" {
		msg = messageText(env.Detail)
		if env.Err != nil {
			msg = strings.TrimPrefix(msg+": "+messageText(env.Err), ": ")
		}
	}
	if msg == "" {
		msg = messageText(env.MsgShow)
	}
	switch {
	case cause != nil && (code == 0 || code == successCode):
		// The body is an envelope that says success (or nothing), yet the client cannot use it.
		e := undecodable(op, rsp.StatusCode, rsp.Header.Get("Content-Type"), body, cause)
		e.Code = code
		return e
	case code == successCode && rsp.StatusCode/100 == 2:
		msg = "the success envelope lacks the operation's result"
		if cause == nil {
			cause = errMissingResult
		}
	case msg == "" && rsp.StatusCode/100 == 2:
		msg = "the envelope does not say success"
	}
	return &APIError{Operation: op, StatusCode: rsp.StatusCode, Code: code, Message: msg, Body: body, cause: cause}
}

var errMissingResult = errors.New("success envelope without a result")

// intOf returns v as an int when it is a JSON number with an integer value.
func intOf(v any) (int, bool) {
	f, ok := v.(float64)
	if !ok || f != float64(int(f)) {
		return 0, false
	}
	return int(f), true
}
