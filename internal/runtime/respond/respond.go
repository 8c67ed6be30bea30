// Package respond is what both client packages share: Open makes a client, and Do runs one of its
// operations, turning the answer into the decoded 200 envelope or a *wrapper.APIError.
package respond

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/portsdk/portsdk/internal/runtime/check"
	"github.com/portsdk/portsdk/internal/runtime/options"
	"github.com/portsdk/portsdk/internal/runtime/transport"
	"github.com/portsdk/portsdk/wrapper"
)

// Client is what a client package keeps: its base URL, its Doer and its generated raw client.
type Client[API any] struct {
	Base string
	D    *transport.Doer
	API  API
}

// Open checks cfg and the base URL (field "baseURL"), then makes the Authorizer with auth and
// the raw client with newAPI. Every error is a *wrapper.ValidationError, and none quotes the
// credential.
func Open[API any](cfg options.Config, baseURL string, auth func() (transport.Authorizer, error),
	newAPI func(base string, d *transport.Doer) (API, error)) (*Client[API], error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	base, err := check.BaseURL("baseURL", baseURL)
	if err != nil {
		return nil, err
	}
	a, err := auth()
	if err != nil {
		return nil, err
	}
	d := transport.New(cfg, base, a)
	api, err := newAPI(base.String(), d)
	if err != nil {
		return nil, &wrapper.ValidationError{Field: "baseURL", Reason: d.Redact(err.Error())}
	}
	return &Client[API]{Base: base.String(), D: d, API: api}, nil
}

// Do runs operation op: send sends its request through d, and a 200 JSON answer is decoded into T
// (an envelope holding only the fields the operation needs) and returned when ok accepts it. Any
// other answer goes through parse, the generated parse function, whose error (an error body that
// does not fit the spec) is the *wrapper.APIError's cause. With no answer at all, the error names
// op and wraps the transport's. The response comes back too, for a caller that explains an answer.
func Do[T, R any](ctx context.Context, d *transport.Doer, op string, send func(context.Context) (*http.Response, error),
	parse func(*http.Response) (R, error), ok func(*T) bool) (*T, *http.Response, error) {
	call := &transport.Call{Context: ctx, Op: op} // the context of the operation's requests
	rsp, err := send(call)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", op, d.Scrub(err)) // Scrub's text is redacted
	}
	body, err := transport.Bytes(rsp.Body)
	_ = rsp.Body.Close()
	fail := func(e *wrapper.APIError) (*T, *http.Response, error) {
		e.Operation, e.StatusCode, e.Body, e.Attempts = op, rsp.StatusCode, body, max(call.Attempts, 1)
		e.Message, e.Err = d.Redact(e.Message), d.Scrub(e.Err)
		return nil, rsp, e
	}
	if err != nil {
		return fail(&wrapper.APIError{Message: "reading response body: " + err.Error(), Err: err})
	}
	if loc := rsp.Header.Get("Location"); rsp.StatusCode/100 == 3 && loc != "" { // a redirect the Doer did not follow
		if u, err := url.Parse(loc); err == nil && u.User != nil {
			loc = u.Redacted()
		}
		why := strings.TrimSuffix("redirect not followed: "+call.Note, ": ")
		return fail(&wrapper.APIError{Message: why + " (Location: " + loc + ")"})
	}
	// Media types are case-insensitive; the generated parse functions look for "json" in lower case.
	ct := rsp.Header.Get("Content-Type")
	if lower := strings.ToLower(ct); lower != ct {
		ct = lower
		rsp.Header.Set("Content-Type", ct)
	}
	if rsp.StatusCode == http.StatusOK && strings.Contains(ct, "json") {
		env := new(T)
		if err = json.Unmarshal(body, env); err == nil && ok(env) {
			return env, rsp, nil
		}
	} else {
		rsp.Body = io.NopCloser(bytes.NewReader(body))
		_, err = parse(rsp)
	}
	return fail(failure(rsp, body, err))
}

// isJSON reports whether a Content-Type header names JSON (application/json, application/problem+json, ...).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// looseEnvelope reads the status and message of either API's envelope, even one the generated types
// cannot hold (data [] instead of {}, a message that is an object): Alaya's status/message,
// Rainbond's code/msg (detail and err for validation errors) and msg_show.
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

var errMissingResult = errors.New("success envelope without a result")

// failure builds the *APIError (Code, Message and Err; Do fills in the rest) for an answer that is
// not a usable success: any status, any error envelope of either API, a success envelope the client
// cannot use (cause is then the decoding error, or nil when the envelope lacks what the operation
// returns), or a body that is not JSON.
func failure(rsp *http.Response, body []byte, cause error) *wrapper.APIError {
	ct := rsp.Header.Get("Content-Type")
	if !isJSON(ct) {
		return undecodable(ct, body, nil)
	}
	var env looseEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return undecodable(ct, body, err)
	}
	code := intOf(env.Code, env.Status)
	detail := messageText(env.Detail)
	if env.Err != nil {
		detail = strings.TrimPrefix(detail+": "+messageText(env.Err), ": ")
	}
	msg := cmp.Or(messageText(env.Message), messageText(env.Msg), detail, messageText(env.MsgShow))
	switch {
	case cause != nil && (code == 0 || code == successCode):
		// The body is an envelope that says success (or nothing), yet the client cannot use it.
		e := undecodable(ct, body, cause)
		e.Code = code
		return e
	case code == successCode && rsp.StatusCode/100 == 2:
		msg, cause = "the success envelope lacks the operation's result", errMissingResult // cause is nil here
	case msg == "" && rsp.StatusCode/100 == 2:
		msg = "the envelope does not say success"
	}
	return &wrapper.APIError{Code: code, Message: msg, Err: cause}
}

// intOf returns the first of vs that is a JSON number with an integer value, or 0.
func intOf(vs ...any) int {
	for _, v := range vs {
		if f, ok := v.(float64); ok && f == float64(int(f)) {
			return int(f)
		}
	}
	return 0
}

// messageText turns an envelope's message value into text: a JSON string is unquoted, null is empty,
// and anything else (an object, a number) is kept as its compact JSON.
func messageText(v any) string {
	if s, ok := v.(string); ok || v == nil {
		return s
	}
	raw, _ := json.Marshal(v) // a value decoded from JSON always marshals
	return string(raw)
}

// undecodable builds the APIError for an answer whose body is not the JSON the spec describes.
func undecodable(contentType string, body []byte, err error) *wrapper.APIError {
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
	return &wrapper.APIError{Message: msg, Err: err}
}
