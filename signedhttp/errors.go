package signedhttp

import (
	"errors"
	"net/http"
)

// Reasons a Guard refuses a request. The first five are btauth/1's error
// classes (the Bittensor SDK's AuthError subclasses); both protocols use
// them. Errors returned by this package and its protocols wrap one of them
// with the detail; test for them with errors.Is.
var (
	// ErrMalformedAuth: a required header is missing, duplicated, too long
	// or unparseable, the protocol version or signature scheme is not
	// supported, or the hotkey is not a valid SS58 address.
	ErrMalformedAuth = errors.New("signedhttp: malformed auth")
	// ErrWrongReceiver: the request was signed for another receiving
	// hotkey, or for none while the server requires one.
	ErrWrongReceiver = errors.New("signedhttp: wrong receiver")
	// ErrStaleRequest: the request's nonce or timestamp is outside the
	// freshness window (too old, or too far ahead of the server's clock).
	ErrStaleRequest = errors.New("signedhttp: stale request")
	// ErrBadSignature: the signature does not verify against the claimed
	// hotkey under the declared scheme.
	ErrBadSignature = errors.New("signedhttp: bad signature")
	// ErrReplayedRequest: this hotkey's nonce (btauth/1) or uuid (Epistula)
	// was already accepted within the window.
	ErrReplayedRequest = errors.New("signedhttp: replayed request")

	// ErrForbidden: the caller is authenticated (or claims a hotkey) that
	// GuardOptions.Admit refuses.
	ErrForbidden = errors.New("signedhttp: forbidden")
	// ErrRateLimited: the hotkey's rate limit, or its address's failure
	// limit, is exhausted.
	ErrRateLimited = errors.New("signedhttp: rate limited")
	// ErrTooLarge: the body is larger than GuardOptions.MaxBodyBytes.
	ErrTooLarge = errors.New("signedhttp: body too large")
	// ErrBusy: the server is at MaxInFlight requests, or its replay store
	// is full (it refuses rather than forget a nonce it must remember).
	ErrBusy = errors.New("signedhttp: busy")
	// ErrBadRequest: the body could not be read or decoded (JSON handlers).
	ErrBadRequest = errors.New("signedhttp: bad request")
)

// classes names each sentinel on the wire and gives its HTTP status.
var classes = []struct {
	err    error
	name   string
	status int
}{
	{ErrMalformedAuth, "MalformedAuth", http.StatusUnauthorized},
	{ErrWrongReceiver, "WrongReceiver", http.StatusUnauthorized},
	{ErrStaleRequest, "StaleRequest", http.StatusUnauthorized},
	{ErrBadSignature, "BadSignature", http.StatusUnauthorized},
	{ErrReplayedRequest, "ReplayedRequest", http.StatusUnauthorized},
	{ErrForbidden, "Forbidden", http.StatusForbidden},
	{ErrRateLimited, "RateLimited", http.StatusTooManyRequests},
	{ErrTooLarge, "TooLarge", http.StatusRequestEntityTooLarge},
	{ErrBusy, "Busy", http.StatusServiceUnavailable},
	{ErrBadRequest, "BadRequest", http.StatusBadRequest},
}

// Class returns the wire name of the sentinel err wraps ("StaleRequest",
// "Forbidden", …) and its HTTP status; "Error" and 500 for any other error.
func Class(err error) (name string, status int) {
	for _, c := range classes {
		if errors.Is(err, c.err) {
			return c.name, c.status
		}
	}
	return "Error", http.StatusInternalServerError
}

// classError returns the sentinel of a wire class name, or nil.
func classError(name string) error {
	for _, c := range classes {
		if c.name == name {
			return c.err
		}
	}
	return nil
}

// StatusError is an error with the HTTP status to answer it with; a JSON
// handler returns one to answer other than 500 (e.g. 422 for a question it
// refuses).
type StatusError struct {
	Code int
	Err  error
}

// Error returns the wrapped error's message.
func (e *StatusError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *StatusError) Unwrap() error { return e.Err }
