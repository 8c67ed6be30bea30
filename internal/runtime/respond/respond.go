// Package respond turns the answers of the generated clients into what the client packages
// return: the decoded 200 envelope, or a *wrapper.APIError that keeps the HTTP status, the
// envelope's code and message (with the credential redacted) and the raw body.
package respond

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/portsdk/portsdk/internal/runtime/errhook"
	"github.com/portsdk/portsdk/internal/runtime/transport"
	"github.com/portsdk/portsdk/wrapper"
)

// Redactor removes the credential from a text (a *transport.Doer is one).
type Redactor interface {
	Redact(string) string
}

// Decode finishes one call of a generated raw client: it turns a transport error into an error
// naming op, reads the body (capped) and returns the 200 JSON envelope decoded into T (nil for any
// other answer). A 200 answer labelled JSON is decoded once from the buffered body: by T's own
// decoder when T is a FastDecoder and the body is valid JSON of the shape it handles, else by
// json.Unmarshal; any other
// answer goes through parse, the generated parse function, whose decoding error (for an error body
// that does not fit the spec) becomes the cause of the *APIError. The body is handed back, so that
// when the envelope says failure the caller can build the *APIError with Failure.
func Decode[T any](r Redactor, op string, rsp *http.Response, err error, parse func(*http.Response) error) (*T, []byte, error) {
	if err != nil {
		return nil, nil, &opError{op: op, text: r.Redact(err.Error()), err: scrub(r, err)}
	}
	body, err := readBody(rsp)
	if err != nil {
		e := &wrapper.APIError{
			Operation:  op,
			StatusCode: rsp.StatusCode,
			Message:    r.Redact("reading response body: " + err.Error()),
			Body:       body,
			Attempts:   attempts(rsp),
		}
		errhook.SetCause(e, scrub(r, err))
		return nil, body, e
	}
	if rsp.StatusCode/100 == 3 && rsp.Header.Get("Location") != "" {
		return nil, body, redirect(r, op, rsp, body)
	}
	// Media types are case-insensitive; the generated parse functions look for "json" in lower case.
	ct := rsp.Header.Get("Content-Type")
	if lower := strings.ToLower(ct); lower != ct {
		ct = lower
		rsp.Header.Set("Content-Type", ct)
	}
	if rsp.StatusCode == http.StatusOK && strings.Contains(ct, "json") {
		env := new(T)
		Presize(env, body)
		if f, ok := any(env).(FastDecoder); ok && json.Valid(body) {
			if f.DecodeFast(body) {
				return env, body, nil
			}
			var zero T
			*env = zero
			Presize(env, body)
		}
		if err := json.Unmarshal(body, env); err != nil {
			return nil, body, Failure(r, op, rsp, body, err)
		}
		return env, body, nil
	}
	if b, ok := rsp.Body.(*transport.Body); ok {
		b.Rewind()
	} else {
		rsp.Body = nopCloser{bytes.NewReader(body)}
	}
	if err := parse(rsp); err != nil {
		return nil, body, Failure(r, op, rsp, body, err)
	}
	return nil, body, nil
}

// redirect builds the *APIError for a redirect the Doer did not follow: its status, why, and the
// Location (without user information, and with the credential redacted).
func redirect(r Redactor, op string, rsp *http.Response, body []byte) *wrapper.APIError {
	why := "redirect not followed"
	if b, ok := rsp.Body.(*transport.Body); ok && b.Note() != "" {
		why += ": " + b.Note()
	}
	loc := rsp.Header.Get("Location")
	if u, err := url.Parse(loc); err == nil && u.User != nil {
		loc = u.Redacted()
	}
	return &wrapper.APIError{
		Operation:  op,
		StatusCode: rsp.StatusCode,
		Message:    r.Redact(why + " (Location: " + loc + ")"),
		Body:       body,
		Attempts:   attempts(rsp),
	}
}

// Presizer is an envelope that sizes its lists from the body before it is decoded into, so that
// each slice is allocated once. It must bound what it allocates by the body's length, never by a
// length the body declares.
type Presizer interface {
	Presize(body []byte)
}

// Presize lets env size its lists from body when it is a Presizer.
func Presize(env any, body []byte) {
	if p, ok := env.(Presizer); ok {
		p.Presize(body)
	}
}

// FastDecoder is an envelope with a decoder of its own for the usual shape of its body, faster than
// json.Unmarshal. Decode calls DecodeFast only with a body that json.Valid accepts, after Presize.
// DecodeFast returns true only when it left the envelope as json.Unmarshal would have; on anything it
// does not handle it returns false, whatever it left in the envelope, and Decode starts again from a
// zero envelope with json.Unmarshal, so that every body outside the usual shape (and every error) is
// encoding/json's.
type FastDecoder interface {
	DecodeFast(body []byte) bool
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// scrub returns err as it is when its text holds no form of the credential. Otherwise it returns an
// error whose text is redacted and that still matches, with errors.Is, whatever err matches
// (context.DeadlineExceeded, wrapper.ErrBodyTooLarge, ...), but does not unwrap to err: a caller who
// logs the cause (errors.Unwrap, errors.As into *url.Error) must not see the credential either.
func scrub(r Redactor, err error) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	if red := r.Redact(text); red != text {
		return &scrubbed{text: red, err: err}
	}
	return err
}

type scrubbed struct {
	text string
	err  error
}

func (e *scrubbed) Error() string        { return e.text }
func (e *scrubbed) Is(target error) bool { return errors.Is(e.err, target) }

// opError is a failure before any answer: its text names the operation, with the credential
// redacted; it wraps the transport's error.
type opError struct {
	op, text string
	err      error
}

func (e *opError) Error() string { return e.op + ": " + e.text }
func (e *opError) Unwrap() error { return e.err }

// readBody returns the body of rsp: as the Doer buffered it, or read (and closed) here.
func readBody(rsp *http.Response) ([]byte, error) {
	if bb, ok := rsp.Body.(*transport.Body); ok {
		return bb.Bytes()
	}
	defer func() { _ = rsp.Body.Close() }()
	var buf bytes.Buffer
	_, err := buf.ReadFrom(rsp.Body)
	return buf.Bytes(), err
}

// attempts returns how many requests the call sent, as the Doer counted them (1 without a Doer).
func attempts(rsp *http.Response) int {
	if bb, ok := rsp.Body.(*transport.Body); ok && bb.Attempts() > 0 {
		return bb.Attempts()
	}
	return 1
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
// The credential is redacted from the message.
func Failure(r Redactor, op string, rsp *http.Response, body []byte, cause error) *wrapper.APIError {
	e := failure(op, rsp, body, cause)
	e.Message = r.Redact(e.Message)
	if c := e.Unwrap(); c != nil {
		errhook.SetCause(e, scrub(r, c))
	}
	e.Attempts = attempts(rsp)
	return e
}

func failure(op string, rsp *http.Response, body []byte, cause error) *wrapper.APIError {
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
	e := &wrapper.APIError{Operation: op, StatusCode: rsp.StatusCode, Code: code, Message: msg, Body: body}
	if cause != nil {
		errhook.SetCause(e, cause)
	}
	return e
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
func undecodable(op string, status int, contentType string, body []byte, err error) *wrapper.APIError {
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
	e := &wrapper.APIError{Operation: op, StatusCode: status, Message: msg, Body: body}
	if err != nil {
		errhook.SetCause(e, err)
	}
	return e
}
