package wrapper

import (
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Sentinels matched by errors.Is through (*APIError).Is. Each stands for an HTTP status: the
// client's own checks never return them.
var (
	// ErrUnauthorized matches an *APIError with HTTP status 401: the credential was refused.
	ErrUnauthorized = errors.New("unauthorized (HTTP 401)")
	// ErrForbidden matches an *APIError with HTTP status 403.
	ErrForbidden = errors.New("forbidden (HTTP 403)")
	// ErrNotFound matches an *APIError with HTTP status 404: the team, region, app, component,
	// instance or port does not exist (the envelope's Code and Message say which).
	ErrNotFound = errors.New("not found (HTTP 404)")
	// ErrConflict matches an *APIError with HTTP status 409: the state of the resource forbids the
	// change (e.g. the port already exists; see Code).
	ErrConflict = errors.New("conflict (HTTP 409)")
)

var statuses = map[int]error{401: ErrUnauthorized, 403: ErrForbidden, 404: ErrNotFound, 409: ErrConflict}

// ErrBodyTooLarge is the cause (see APIError.Unwrap) when a response body is longer than the cap
// set by the clients' WithMaxBodyBytes option.
var ErrBodyTooLarge = errors.New("response body exceeds the size cap")

// APIError is returned for every failure the server reports, and for every answer the client cannot
// use: a non-2xx status, an envelope whose status/code says failure (even under HTTP 200), a body that
// is not JSON (an HTML gateway page), JSON that does not decode, a body larger than the cap, or a
// redirect that the client may not or cannot follow. It keeps the HTTP status and the raw body, so
// nothing the server said is lost.
type APIError struct {
	// Operation names the call, e.g. "rainbond.AddPort".
	Operation string
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Code is the envelope's own status/code (Alaya "status", Rainbond "code"); 0 if there is none.
	Code int
	// Message is the envelope's message, msg or detail as text (a JSON object as its JSON), or why
	// the answer could not be used (e.g. "response is not JSON", a redirect not followed and its
	// Location). The client's credential is replaced by [REDACTED] wherever the server echoed it.
	Message string
	// Body is the raw response body, read up to the cap. It is kept exactly as received, so it may
	// contain whatever the server echoed, the credential included: do not log it unfiltered.
	Body []byte
	// Attempts is how many requests the call sent: 1 unless a GET was retried or redirected.
	Attempts int
	// Err is what stopped the answer from being read or decoded (e.g. ErrBodyTooLarge,
	// context.DeadlineExceeded, a *json.SyntaxError), or nil; Unwrap returns it. Its text never
	// holds the credential. It is not marshalled to JSON, nor shown by %#v.
	Err error `json:"-"`
}

// Unwrap returns Err.
func (e *APIError) Unwrap() error { return e.Err }

// Is reports whether the HTTP status of e is the one target stands for: ErrUnauthorized 401,
// ErrForbidden 403, ErrNotFound 404, ErrConflict 409. Under an HTTP 2xx status, an envelope whose
// Code is one of those statuses matches too (the Alaya service answers HTTP 200 with status 403).
func (e *APIError) Is(target error) bool {
	for status, sentinel := range statuses {
		if target == sentinel {
			return e.StatusCode == status || (e.StatusCode/100 == 2 && e.Code == status)
		}
	}
	return false
}

// Error returns e.g. `rainbond.AddPort: HTTP 409, code 20501: component port already exists`.
func (e *APIError) Error() string {
	s := "HTTP " + strconv.Itoa(e.StatusCode)
	if e.Code != 0 && e.Code != e.StatusCode {
		s += ", code " + strconv.Itoa(e.Code)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Operation != "" {
		s = e.Operation + ": " + s
	}
	return s
}

// Format implements fmt.Formatter, for an APIError and a pointer to one: %#v shows the fields with
// the length of Body instead of its bytes (it may hold what the server echoed, the credential
// included), %x and %X the hex of Error(), %q it quoted, and every other verb Error().
func (e APIError) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprintf(f, "&wrapper.APIError{Operation:%q, StatusCode:%d, Code:%d, Message:%q, Body:<%d bytes>, Attempts:%d}",
			e.Operation, e.StatusCode, e.Code, e.Message, len(e.Body), e.Attempts)
	case verb == 'x' || verb == 'X' || verb == 'q':
		fmt.Fprintf(f, "%"+string(verb), e.Error())
	default:
		_, _ = io.WriteString(f, e.Error())
	}
}

// ValidationError is returned, before any request is sent, when an argument, a body field, the
// base URL, the credential or an option is invalid. It never quotes a credential.
type ValidationError struct {
	// Field is the argument, body field or option, e.g. "protocol", "service_id", "WithUserAgent".
	Field string
	// Reason says what is wrong with it.
	Reason string
}

// Error returns e.g. `invalid protocol: "ftp" is not one of http, tcp, udp, mysql, grpc`.
func (e *ValidationError) Error() string {
	return "invalid " + e.Field + ": " + e.Reason
}
