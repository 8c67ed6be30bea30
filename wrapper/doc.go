// Package wrapper holds what the Alaya and Rainbond clients share: the error types every call
// returns (*APIError, *ValidationError), the options both clients take, and the HTTP transport
// that adds the credential and User-Agent, caps response bodies and retries GET requests.
//
// Downstream code imports the clients, github.com/portsdk/portsdk/wrapper/alaya and
// github.com/portsdk/portsdk/wrapper/rainbond, and this package only to inspect errors:
//
//	var apiErr *wrapper.APIError
//	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusConflict { ... }
//
//	var bad *wrapper.ValidationError
//	if errors.As(err, &bad) { log.Printf("fix the %s argument: %s", bad.Field, bad.Reason) }
package wrapper

// Version is the version of portsdk, sent in the User-Agent header as portsdk/<Version>.
const Version = "0.1.0"
