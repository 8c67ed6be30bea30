// Package wrapper holds what every user of the Alaya and Rainbond clients (packages wrapper/alaya
// and wrapper/rainbond) sees: the errors every call returns, the sentinels to match them, and the
// module's Version. A call returns a *ValidationError when an argument, the base URL, the
// credential or an option is invalid (nothing was sent), an *APIError when the server answered but
// not with a usable success, and any other error, naming the operation and wrapping the cause, when
// no answer came. No error text, and no fmt form of a value the clients return, holds the
// credential.
//
//	if errors.Is(err, wrapper.ErrNotFound) { ... } // HTTP 404; also ErrUnauthorized, ErrForbidden, ErrConflict
//	var apiErr *wrapper.APIError
//	if errors.As(err, &apiErr) && apiErr.Code == rainbond.CodePortExists { ... }
package wrapper

// Version is the version of portsdk, sent in the User-Agent header as portsdk/<Version>.
const Version = "0.1.0"
