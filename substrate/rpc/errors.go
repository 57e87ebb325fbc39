package rpc

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"
)

// Errors of the transport. Test for them with errors.Is; each returned error
// says which endpoint and which method it concerns.
var (
	// ErrClosed: the Client was closed (by Close) before or while the call ran.
	ErrClosed = errors.New("rpc: client closed")

	// ErrConnectionLost: the connection dropped after the request may have
	// been sent and before its answer arrived. The node may or may not have
	// run the call; the transport never re-sends it. It is the retryable
	// error: a read can simply be made again (the Client reconnects by
	// itself), a submitted extrinsic must first be looked up on chain. A
	// subscription that cannot be re-established (see Subscribe) ends with it.
	ErrConnectionLost = errors.New("rpc: connection lost")

	// ErrNotConnected: the call's context ended while the Client was
	// reconnecting, so the request was never sent. The error also wraps the
	// context's error (context.DeadlineExceeded or context.Canceled).
	ErrNotConnected = errors.New("rpc: not connected")

	// ErrPingTimeout: the node did not answer a keep-alive ping in time; the
	// connection is treated as lost (wrapped in ErrConnectionLost).
	ErrPingTimeout = errors.New("rpc: keep-alive ping not answered")

	// ErrMessageTooLarge: the node sent a message larger than
	// Options.MaxMessageSize. The connection is closed (a websocket cannot skip
	// a message), so every call in flight fails with ErrConnectionLost and
	// ErrMessageTooLarge.
	ErrMessageTooLarge = errors.New("rpc: message too large")

	// ErrProtocol: the node sent a message that is not JSON-RPC 2.0. The
	// connection is treated as lost.
	ErrProtocol = errors.New("rpc: not a JSON-RPC 2.0 message")

	// ErrUnsubscribed: Next on a subscription ended by Unsubscribe.
	ErrUnsubscribed = errors.New("rpc: unsubscribed")

	// ErrEndpoint: the endpoint is not a ws:// or wss:// URL.
	ErrEndpoint = errors.New("rpc: bad endpoint")
)

// Kinds of connection failure, found in DialError.Kind (and so by errors.Is
// on an error from Dial).
var (
	// ErrConnRefused: nothing listens at the endpoint's host and port.
	ErrConnRefused = errors.New("rpc: connection refused")
	// ErrHostNotFound: the endpoint's host name does not resolve.
	ErrHostNotFound = errors.New("rpc: host not found")
	// ErrTLS: the TLS handshake of a wss:// endpoint failed (no TLS there,
	// or a certificate that does not verify).
	ErrTLS = errors.New("rpc: TLS handshake failed")
	// ErrHandshake: something answered HTTP but refused to switch to a
	// websocket: the endpoint is not a websocket JSON-RPC server.
	ErrHandshake = errors.New("rpc: websocket handshake rejected")
	// ErrDialTimeout: no connection within Options.DialTimeout or the
	// context's deadline.
	ErrDialTimeout = errors.New("rpc: connect timed out")
	// ErrDial: any other connection failure (see DialError.Err).
	ErrDial = errors.New("rpc: connect failed")
)

// Error is a JSON-RPC error object the node answered instead of a result:
// the call reached the node and the node refused it. It is not retryable as
// such. Find it with errors.As:
//
//	var rerr *rpc.Error
//	if errors.As(err, &rerr) && rerr.Code == -32601 { /* method not found */ }
type Error struct {
	// Method is the method that was called.
	Method string
	// Code is the JSON-RPC error code (-32601 method not found, -32602
	// invalid params, -32603 internal error; Substrate uses 1000-1999 for
	// author_* transaction errors, e.g. 1010 invalid transaction).
	Code int
	// Message is the node's short description.
	Message string
	// Data is the node's optional detail, raw JSON (nil when absent).
	Data json.RawMessage
}

func (e *Error) Error() string {
	s := fmt.Sprintf("rpc: %s: node answered error %d: %s", e.Method, e.Code, e.Message)
	if len(e.Data) > 0 && string(e.Data) != "null" {
		d := string(e.Data)
		var str string
		if json.Unmarshal(e.Data, &str) == nil {
			d = str
		}
		s += ": " + d
	}
	return s
}

// errorObject is the wire form of a JSON-RPC error.
type errorObject struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// DialError is a failed connection attempt: Dial returns one, and a
// reconnecting Client logs them. errors.Is(err, rpc.ErrConnRefused) and its
// siblings test the Kind; errors.Is also sees through to Err.
type DialError struct {
	// Endpoint is the URL that was dialled.
	Endpoint string
	// Kind is ErrConnRefused, ErrHostNotFound, ErrTLS, ErrHandshake,
	// ErrDialTimeout or ErrDial.
	Kind error
	// Status is the HTTP status of a rejected handshake (ErrHandshake), else 0.
	Status int
	// Timeout is the time allowed, for ErrDialTimeout.
	Timeout time.Duration
	// Err is the underlying error.
	Err error
}

func (e *DialError) Error() string {
	return fmt.Sprintf("rpc: connect to %s: %s (%v)", e.Endpoint, e.advice(), e.Err)
}

// advice says what happened in words and what to do about it.
func (e *DialError) advice() string {
	switch e.Kind {
	case ErrConnRefused:
		return "connection refused: nothing listens there; is the node running, and is this its RPC port?"
	case ErrHostNotFound:
		return "host not found: check the host name in the endpoint"
	case ErrTLS:
		return "TLS handshake failed: a wss:// endpoint needs TLS with a valid certificate; use ws:// for a plain one"
	case ErrHandshake:
		return fmt.Sprintf("not a websocket JSON-RPC endpoint: the server answered HTTP %d instead of switching to websocket; check the URL and port", e.Status)
	case ErrDialTimeout:
		return fmt.Sprintf("no connection within %s: the host may be down, or a firewall drops the traffic", e.Timeout)
	}
	return "connection failed"
}

// Unwrap lets errors.Is match both the Kind and the underlying error.
func (e *DialError) Unwrap() []error { return []error{e.Kind, e.Err} }

// classifyDial turns a websocket dial failure into a DialError.
func classifyDial(endpoint string, status int, timeout time.Duration, err error) *DialError {
	de := &DialError{Endpoint: endpoint, Kind: ErrDial, Err: err}
	var dnsErr *net.DNSError
	var recordErr tls.RecordHeaderError
	var certErr *tls.CertificateVerificationError
	var authErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var alertErr tls.AlertError
	switch {
	case status != 0 && status != 101:
		de.Kind, de.Status = ErrHandshake, status
	case errors.Is(err, syscall.ECONNREFUSED):
		de.Kind = ErrConnRefused
	case errors.As(err, &dnsErr):
		de.Kind = ErrHostNotFound
	case errors.As(err, &recordErr), errors.As(err, &certErr), errors.As(err, &authErr),
		errors.As(err, &hostErr), errors.As(err, &alertErr),
		// net/http's words for a plain server behind a wss:// URL
		strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		de.Kind = ErrTLS
	case errors.Is(err, context.DeadlineExceeded):
		de.Kind, de.Timeout = ErrDialTimeout, timeout
	}
	return de
}
