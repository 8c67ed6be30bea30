package conformance

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing/iotest"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/portsdk/portsdk/internal/runtime/options"
	"github.com/portsdk/portsdk/specs"
)

// Validator is an http.RoundTripper that checks every request against an OpenAPI 3 document
// before handing it to the next RoundTripper, and every response after it comes back. Requests
// and responses that do not conform are still sent and returned unchanged; each mismatch is
// recorded as a Failure, to be read with Failures, TakeFailures or Report.
//
// Place it under a client with rainbond.WithHTTPClient(&http.Client{Transport: v}) or
// alaya.WithHTTPClient(...), or use v.HTTPClient(). A Validator is safe for concurrent use.
//
// Routing uses kin-openapi's gorillamux router on the escaped path, so path parameters that
// hold an escaped "/" ("a%2Fb"), "?", "#", "%" or a space are matched as one segment; the
// parameters are then validated decoded, as the server reads them (so a spec pattern such as the
// Rainbond IDs' ^[\p{L}\p{N}_-]+$ sees "团队", not "%E5%9B%A2%E9%98%9F"). The request and response bodies are
// buffered in memory, the response body up to MaxBodyBytes.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
	next   http.RoundTripper

	requests atomic.Int64
	mu       sync.Mutex
	failures []Failure
}

// MaxBodyBytes caps how much of a response body the Validator buffers to validate it: the clients'
// own default cap (16 MiB). A longer body is passed on whole and unvalidated, and recorded as a
// Failure.
const MaxBodyBytes = options.DefaultMaxBodyBytes

// Failure is one request or response that does not conform to the document.
type Failure struct {
	// Method and URL identify the request.
	Method string
	URL    string
	// Status is the HTTP status of a non-conforming response; 0 when the request did not conform.
	Status int
	// Err is what kin-openapi reported.
	Err error
}

// IsRequest reports whether the request (rather than the response) did not conform.
func (f Failure) IsRequest() bool { return f.Status == 0 }

// String describes the failure in one line (plus kin-openapi's own multi-line detail).
func (f Failure) String() string {
	if f.IsRequest() {
		return fmt.Sprintf("request %s %s does not conform: %v", f.Method, f.URL, f.Err)
	}
	return fmt.Sprintf("response HTTP %d to %s %s does not conform: %v", f.Status, f.Method, f.URL, f.Err)
}

// TB is the part of testing.TB that Report uses.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// New returns a Validator for the OpenAPI 3 document spec (YAML or JSON) that serves the
// operations at serverURL, which may carry a path prefix (e.g. a test server's URL,
// http://127.0.0.1:PORT/console). The document's servers are replaced by serverURL, so the
// router matches the prefixed paths. next sends the requests; nil means http.DefaultTransport.
func New(spec []byte, serverURL string, next http.RoundTripper) (*Validator, error) {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("conformance: load spec: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("conformance: invalid spec: %w", err)
	}
	// The Rainbond spec has one server, '{console}', whose variable is the whole base URL:
	// gorillamux would only match its default. One concrete server makes the router match
	// exactly the requests sent to serverURL, prefix included.
	doc.Servers = openapi3.Servers{&openapi3.Server{URL: strings.TrimSuffix(serverURL, "/")}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("conformance: router: %w", err)
	}
	return &Validator{doc: doc, router: router, next: cmp.Or(next, http.DefaultTransport)}, nil
}

// NewRainbond returns a Validator for specs/rainbond.yaml at serverURL (see New).
func NewRainbond(serverURL string, next http.RoundTripper) (*Validator, error) {
	return New(specs.Rainbond, serverURL, next)
}

// NewAlaya returns a Validator for specs/alaya.yaml at serverURL (see New).
func NewAlaya(serverURL string, next http.RoundTripper) (*Validator, error) {
	return New(specs.Alaya, serverURL, next)
}

// HTTPClient returns an http.Client that sends through v.
func (v *Validator) HTTPClient() *http.Client { return &http.Client{Transport: v} }

// Requests returns how many requests went through v, conforming or not.
func (v *Validator) Requests() int { return int(v.requests.Load()) }

// Failures returns a copy of the failures recorded so far, oldest first.
func (v *Validator) Failures() []Failure {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]Failure(nil), v.failures...)
}

// TakeFailures returns the failures recorded so far and forgets them, for a test that expects
// some and checks them itself.
func (v *Validator) TakeFailures() []Failure {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := v.failures
	v.failures = nil
	return out
}

// Report calls t.Errorf once for every failure recorded so far (it does not forget them). Call
// it at the end of a test, e.g. with t.Cleanup(func() { v.Report(t) }).
func (v *Validator) Report(t TB) {
	t.Helper()
	for _, f := range v.Failures() {
		t.Errorf("%s", f)
	}
}

func (v *Validator) record(f Failure) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.failures = append(v.failures, f)
}

// RoundTrip validates req, sends it through the next RoundTripper, validates the response and
// returns it with its body intact. It never changes what is sent or received.
func (v *Validator) RoundTrip(req *http.Request) (*http.Response, error) {
	v.requests.Add(1)
	// The request goes on as a clone with a fresh body; the caller's request is not modified.
	out := req.Clone(req.Context())
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("conformance: read request body: %w", err)
		}
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}

	input := v.validateRequest(req, body)

	resp, err := v.next.RoundTrip(out)
	if err != nil || input == nil {
		return resp, err
	}
	rbody, rerr := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	if rerr == nil && len(rbody) > MaxBodyBytes {
		// Too long to validate: the caller gets the bytes read and the rest of the stream.
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(rbody), resp.Body), resp.Body}
		v.record(Failure{Method: req.Method, URL: req.URL.String(), Status: resp.StatusCode,
			Err: fmt.Errorf("response body exceeds %d bytes; not validated", MaxBodyBytes)})
		return resp, nil
	}
	_ = resp.Body.Close()
	if rerr != nil {
		// Hand the caller what was read and the read error; an unreadable body is a transport
		// problem, not a conformance failure.
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(rbody), iotest.ErrReader(rerr)))
		return resp, nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(rbody))

	rinput := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(rbody)),
		Options:                input.Options,
	}
	if err := openapi3filter.ValidateResponse(req.Context(), rinput); err != nil {
		v.record(Failure{Method: req.Method, URL: req.URL.String(), Status: resp.StatusCode, Err: err})
	}
	return resp, nil
}

// validateRequest records a failure if req (with body) does not conform, and returns the input
// to validate the response against, or nil when the request matches no operation.
func (v *Validator) validateRequest(req *http.Request, body []byte) *openapi3filter.RequestValidationInput {
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		v.record(Failure{Method: req.Method, URL: req.URL.String(), Err: err})
		return nil
	}
	for name, value := range params {
		if decoded, err := url.PathUnescape(value); err == nil {
			params[name] = decoded
		}
	}
	vreq := req.Clone(req.Context())
	vreq.Body = io.NopCloser(bytes.NewReader(body))
	vreq.ContentLength = int64(len(body))
	vreq.GetBody = nil
	input := &openapi3filter.RequestValidationInput{
		Request:    vreq,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			SkipSettingDefaults:   true,
			MultiError:            true,
			IncludeResponseStatus: true,
			AuthenticationFunc:    Authenticate,
		},
	}
	if err := openapi3filter.ValidateRequest(req.Context(), input); err != nil {
		v.record(Failure{Method: req.Method, URL: req.URL.String(), Err: err})
	}
	return input
}

// Authenticate is the openapi3filter.AuthenticationFunc of a Validator. It checks that the
// request carries the credential in the form the security scheme names, not that the
// credential is right (the server decides that, and answers 401):
//   - http with a scheme (Alaya's bearer key, and its signed requests, scheme
//     alayanew-HMAC-SHA256): exactly one `Authorization: <scheme> <credential>` header, the
//     scheme in any case, the credential without spaces;
//   - apiKey in a header (Rainbond's `Authorization: <token>`): exactly one non-empty header
//     holding the bare credential, with no scheme such as "Bearer " and no spaces.
//
// Any other scheme (none that the specs use) is reported as unsupported.
func Authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme := in.SecurityScheme // never nil: openapi3filter refuses an undeclared scheme first
	req := in.RequestValidationInput.Request
	switch {
	case scheme.Type == "http" && scheme.Scheme != "":
		name := scheme.Scheme
		if strings.EqualFold(name, "bearer") {
			name = "Bearer"
		}
		values := req.Header.Values("Authorization")
		if len(values) != 1 {
			return in.NewError(fmt.Errorf("want one Authorization header, got %d", len(values)))
		}
		s, cred, _ := strings.Cut(values[0], " ")
		if !strings.EqualFold(s, name) || cred == "" || strings.ContainsAny(cred, " \t") {
			return in.NewError(fmt.Errorf(`the Authorization header is not "%s <credential>"`, name))
		}
		return nil
	case scheme.Type == "apiKey" && scheme.In == "header":
		values := req.Header.Values(scheme.Name)
		if len(values) != 1 {
			return in.NewError(fmt.Errorf("want one %s header, got %d", scheme.Name, len(values)))
		}
		if values[0] == "" || strings.ContainsAny(values[0], " \t") {
			return in.NewError(fmt.Errorf("%s must be the bare credential, without a scheme or spaces", scheme.Name))
		}
		return nil
	}
	return in.NewError(fmt.Errorf("security scheme type %q (%s) is not supported", scheme.Type, scheme.Scheme))
}
