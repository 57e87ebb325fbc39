package signedhttp

import (
	"net/http"
	"time"
)

// A Protocol is one wire format of signed requests (btauth.Protocol,
// epistula.Protocol). It only reads headers and builds the signed bytes;
// the Guard does the checks and the cryptography, so both formats get the
// same defences. Implementations are stateless and safe for concurrent use.
type Protocol interface {
	// Name is the protocol's name, e.g. "btauth/1", for logs and metrics.
	Name() string
	// Window is the default freshness window: how old a request may be,
	// and how far ahead of the server's clock.
	Window() (maxAge, maxSkew time.Duration)
	// Inspect reads the authentication headers of a request: presence,
	// size and syntax only, no signature work. Every error it returns
	// wraps ErrMalformedAuth.
	Inspect(h http.Header) (*Claim, error)
	// AppendMessage appends to dst the bytes the sender must have signed
	// for claim c on a request with this method, target (path and query as
	// sent, e.g. "/topk?x=1") and raw body.
	AppendMessage(dst []byte, c *Claim, method, target string, body []byte) []byte
}

// Claim is what a request's headers claim, before any of it is verified.
type Claim struct {
	// Hotkey is the sender's SS58 address.
	Hotkey string
	// Receiver is the SS58 address of the hotkey the request is signed for;
	// Bound is false when the request names none (Receiver is then "").
	Receiver string
	Bound    bool
	// Time is when the sender says it signed: btauth/1's nonce (Unix
	// nanoseconds) or Epistula's timestamp (Unix milliseconds).
	Time time.Time
	// ID makes the request unique among the sender's requests within the
	// freshness window: the nonce in decimal (btauth/1) or the uuid
	// (Epistula). The replay store remembers (Hotkey, ID).
	ID string
	// Scheme is the declared signature scheme.
	Scheme Scheme
	// Signature is the signature's bytes (SignatureSize of them).
	Signature []byte
}

// A RequestSigner adds the authentication headers of one protocol to a
// request (btauth.Signer, epistula.Signer). body is the exact body that
// will be sent; receiver is the SS58 hotkey of the server the request is
// for, or "" for an unbound request (which servers refuse by default).
// SignRequest sets headers only; it must be safe for concurrent use.
type RequestSigner interface {
	SignRequest(r *http.Request, body []byte, receiver string) error
}

// RequestTarget returns the request target a signature covers, as the
// client sent it: the path, percent-encoded as on the wire, plus "?" and
// the query when there is one. On a server it is r.RequestURI (for
// origin-form targets); on a client r.URL.RequestURI(), which is what
// net/http's Transport writes.
func RequestTarget(r *http.Request) string {
	if t := r.RequestURI; t != "" && t[0] == '/' {
		return t
	}
	return r.URL.RequestURI()
}

// SingleHeader returns the value of a header that must appear at most
// once; ok is false when it is absent. More than one value is an error
// wrapping ErrMalformedAuth, as is a value longer than maxLen bytes. h's
// keys must be canonical (as net/http makes them); name must be too.
func SingleHeader(h http.Header, name string, maxLen int) (v string, ok bool, err error) {
	vs := h[name]
	switch {
	case len(vs) == 0:
		return "", false, nil
	case len(vs) > 1:
		return "", false, &headerError{name: name, why: "is given more than once"}
	case len(vs[0]) > maxLen:
		return "", false, &headerError{name: name, why: "is too long"}
	}
	return vs[0], true, nil
}

// headerError is a malformed header: it names the header, never echoes it.
type headerError struct{ name, why string }

func (e *headerError) Error() string { return ErrMalformedAuth.Error() + ": " + e.name + " " + e.why }
func (e *headerError) Unwrap() error { return ErrMalformedAuth }
