// Package wrapper holds what every user of the Alaya and Rainbond clients sees: the errors every
// call returns and the sentinels to match them, and the module's Version. The clients themselves
// are github.com/portsdk/portsdk/wrapper/alaya and github.com/portsdk/portsdk/wrapper/rainbond;
// downstream code imports this package only to inspect errors:
//
//	if errors.Is(err, wrapper.ErrNotFound) { ... }    // HTTP 404; also ErrUnauthorized, ErrForbidden, ErrConflict
//
//	var apiErr *wrapper.APIError
//	if errors.As(err, &apiErr) && apiErr.Code == rainbond.CodePortExists { ... }
//
//	var bad *wrapper.ValidationError
//	if errors.As(err, &bad) { log.Printf("fix the %s argument: %s", bad.Field, bad.Reason) }
//
// A call returns one of three kinds of error:
//
//   - *ValidationError: an argument, a body field, the base URL, the credential or an option is
//     invalid; nothing was sent.
//   - *APIError: the server answered, but not with a usable success (any non-2xx status, an
//     envelope that says failure even under HTTP 200, a body that is not the JSON the API
//     describes or is larger than the cap, a redirect that was not followed).
//   - any other error: no answer came (the connection failed, the context ended). Its text starts
//     with the operation, e.g. "rainbond.ListPorts: ", and wraps the cause (errors.Is(err,
//     context.DeadlineExceeded) works).
//
// No error text, and no fmt form of any value the clients return, contains the credential.
package wrapper

// Version is the version of portsdk, sent in the User-Agent header as portsdk/<Version>.
const Version = "0.1.0"
