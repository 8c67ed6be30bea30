// Package errhook lets this module's internal packages set the cause of a *wrapper.APIError (what
// its Unwrap returns), a field package wrapper keeps unexported so that users cannot change it.
// Package wrapper installs SetCause when it is initialised; every package that builds an APIError
// imports wrapper, so the hook is always in place before it is used.
package errhook

// SetCause sets the cause of apiErr, a *wrapper.APIError, to cause. Package wrapper sets it.
var SetCause func(apiErr, cause error)
