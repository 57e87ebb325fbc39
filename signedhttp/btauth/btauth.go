// Package btauth is btauth/1, the Bittensor SDK's hotkey-signed HTTP
// requests ("the identity layer that replaced the v10 Axon/Dendrite
// stack"): a handful of headers proving that a request was sent by hotkey
// X, to hotkey Y, with exactly this method, target and body, recently.
//
// A request carries X-Bittensor-Version "1", X-Bittensor-Hotkey (sender
// SS58), X-Bittensor-Receiver (receiver SS58, optional), X-Bittensor-Nonce
// (Unix time in nanoseconds, decimal), X-Bittensor-Crypto ("ed25519";
// absent for sr25519) and X-Bittensor-Signature ("0x" + lowercase hex).
// The signature covers the eight lines of Payload joined by "\n":
//
//	btauth/1
//	<scheme: sr25519 or ed25519>
//	<METHOD>
//	<request target: path?query as sent>
//	<sha256 of the raw body, lowercase hex>
//	<nonce>
//	<sender SS58>
//	<receiver SS58, or "-">
//
// sr25519 signs with the "substrate" context, ed25519 is plain RFC 8032.
// The format's source is the Bittensor SDK's bittensor/http_auth.py and its
// signed-requests guide (RaoFoundation's subtensor monorepo); see
// docs/signed-http.md.
//
// Signer signs requests (it is a signedhttp.RequestSigner, for a
// signedhttp.Transport or Client); Protocol reads them, for a
// signedhttp.Guard, which verifies: receiver required by default, nonce at
// most 10 s old and 2 s ahead, one signature check under the declared
// scheme only, the replay store written only after a valid signature.
// Errors are signedhttp's: ErrMalformedAuth, ErrWrongReceiver,
// ErrStaleRequest, ErrBadSignature, ErrReplayedRequest.
//
// Where this package is stricter than the SDK's verifier: a header given
// twice is malformed; the nonce must fit an int64 (the SDK reads any
// integer, so an out-of-range one is stale there and malformed here) and
// may not be padded with spaces or underscores; the signature's hex may
// not contain spaces; and a signature over the "<Bytes>…</Bytes>"-wrapped
// payload (which the SDK's sp_core tolerates for Polkadot-JS signRaw) is
// not accepted — the guide says other implementations need not, and one
// check per request keeps forged traffic cheap.
package btauth

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/synapse"
)

// The protocol's names and values.
const (
	// Name is the protocol's name, the first line of every payload.
	Name = "btauth/1"
	// Version is the value of HeaderVersion.
	Version = "1"
	// NoReceiver is the payload's receiver line of an unbound request.
	NoReceiver = "-"
)

// Header names, in Go's canonical form.
const (
	HeaderVersion   = "X-Bittensor-Version"
	HeaderHotkey    = "X-Bittensor-Hotkey"
	HeaderReceiver  = "X-Bittensor-Receiver"
	HeaderNonce     = "X-Bittensor-Nonce"
	HeaderCrypto    = "X-Bittensor-Crypto"
	HeaderSignature = "X-Bittensor-Signature"
)

// Default freshness window: a request may be DefaultMaxAge old and
// DefaultMaxSkew ahead of the server's clock.
const (
	DefaultMaxAge  = 10 * time.Second
	DefaultMaxSkew = 2 * time.Second
)

// Size limits of the headers, in bytes, checked before parsing.
const (
	maxAddressLen   = 64  // an SS58 address of a 32-byte key is 47-49
	maxNonceLen     = 20  // an int64 in decimal with its sign
	maxSchemeLen    = 16  // "sr25519" with some spaces
	maxSignatureLen = 130 // "0x" + 128 hex digits
)

// AppendPayload appends to dst the bytes a btauth/1 request signs: the
// eight lines described in the package documentation, joined by "\n" with
// no trailing newline. method is uppercased; target is the request target
// exactly as sent; receiver "" writes NoReceiver.
func AppendPayload(dst []byte, scheme signedhttp.Scheme, method, target string, body []byte, nonce int64, sender, receiver string) []byte {
	return appendPayload(dst, scheme, method, target, body, strconv.FormatInt(nonce, 10), sender, receiver)
}

func appendPayload(dst []byte, scheme signedhttp.Scheme, method, target string, body []byte, nonce, sender, receiver string) []byte {
	sum := sha256.Sum256(body)
	if receiver == "" {
		receiver = NoReceiver
	}
	dst = append(dst, Name...)
	dst = append(dst, '\n')
	dst = append(dst, scheme.String()...)
	dst = append(dst, '\n')
	dst = append(dst, strings.ToUpper(method)...)
	dst = append(dst, '\n')
	dst = append(dst, target...)
	dst = append(dst, '\n')
	dst = hex.AppendEncode(dst, sum[:])
	dst = append(dst, '\n')
	dst = append(dst, nonce...)
	dst = append(dst, '\n')
	dst = append(dst, sender...)
	dst = append(dst, '\n')
	dst = append(dst, receiver...)
	return dst
}

// Protocol is btauth/1 for a signedhttp.Guard. The zero value is ready.
type Protocol struct{}

var _ signedhttp.Protocol = Protocol{}

// Name returns "btauth/1".
func (Protocol) Name() string { return Name }

// Window returns DefaultMaxAge and DefaultMaxSkew.
func (Protocol) Window() (time.Duration, time.Duration) { return DefaultMaxAge, DefaultMaxSkew }

// Inspect reads the btauth/1 headers, in the SDK's order: version, hotkey,
// nonce, scheme, signature, receiver. Every error wraps
// signedhttp.ErrMalformedAuth and names the header, never its value.
func (Protocol) Inspect(h http.Header) (*signedhttp.Claim, error) {
	version, ok, err := signedhttp.SingleHeader(h, HeaderVersion, 8)
	if err != nil {
		return nil, err
	}
	if !ok || version != Version {
		return nil, fmt.Errorf("%w: missing or unsupported %s (expected %q)", signedhttp.ErrMalformedAuth, HeaderVersion, Version)
	}
	sender, ok, err := signedhttp.SingleHeader(h, HeaderHotkey, maxAddressLen)
	if err != nil {
		return nil, err
	}
	if !ok || sender == "" {
		return nil, fmt.Errorf("%w: missing %s", signedhttp.ErrMalformedAuth, HeaderHotkey)
	}
	raw, ok, err := signedhttp.SingleHeader(h, HeaderNonce, maxNonceLen)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: missing %s", signedhttp.ErrMalformedAuth, HeaderNonce)
	}
	nonce, perr := strconv.ParseInt(raw, 10, 64)
	if perr != nil {
		return nil, fmt.Errorf("%w: %s is not a decimal integer of 64 bits", signedhttp.ErrMalformedAuth, HeaderNonce)
	}
	scheme := signedhttp.SR25519
	if v, ok, err := signedhttp.SingleHeader(h, HeaderCrypto, maxSchemeLen); err != nil {
		return nil, err
	} else if ok {
		if scheme, err = signedhttp.ParseScheme(v); err != nil {
			return nil, fmt.Errorf("%w: unsupported %s", signedhttp.ErrMalformedAuth, HeaderCrypto)
		}
	}
	rawSig, ok, err := signedhttp.SingleHeader(h, HeaderSignature, maxSignatureLen)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: missing %s", signedhttp.ErrMalformedAuth, HeaderSignature)
	}
	sig, err := hex.DecodeString(strings.TrimPrefix(rawSig, "0x"))
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not hex", signedhttp.ErrMalformedAuth, HeaderSignature)
	}
	if len(sig) != signedhttp.SignatureSize {
		return nil, fmt.Errorf("%w: %s holds %d bytes, want %d", signedhttp.ErrMalformedAuth, HeaderSignature, len(sig), signedhttp.SignatureSize)
	}
	receiver, bound, err := signedhttp.SingleHeader(h, HeaderReceiver, maxAddressLen)
	if err != nil {
		return nil, err
	}
	return &signedhttp.Claim{
		Hotkey: sender, Receiver: receiver, Bound: bound,
		Time: time.Unix(0, nonce), ID: strconv.FormatInt(nonce, 10),
		Scheme: scheme, Signature: sig,
	}, nil
}

// AppendMessage appends the payload of claim c (see AppendPayload).
func (Protocol) AppendMessage(dst []byte, c *signedhttp.Claim, method, target string, body []byte) []byte {
	receiver := c.Receiver
	if !c.Bound {
		receiver = ""
	}
	return appendPayload(dst, c.Scheme, method, target, body, c.ID, c.Hotkey, receiver)
}

// Signer signs btauth/1 requests with Key. Each request gets a fresh nonce:
// the Unix time in nanoseconds, made strictly increasing per Signer so two
// requests never share one. A Signer is safe for concurrent use; do not
// copy it after first use.
type Signer struct {
	// Key is the sender's hotkey (sr25519, or a *signedhttp.Ed25519Key).
	Key signedhttp.Key
	// Nonce, if set, gives each request's nonce instead of the clock (for
	// known-answer tests; every attempt must get a fresh one).
	Nonce func() int64

	nonces synapse.NonceSource
}

// Headers returns the authentication headers of a request: method and
// target (path and query exactly as they will be sent), the raw body, and
// the receiver's SS58 address ("" for an unbound request). The
// X-Bittensor-Crypto header is set only for ed25519, as the SDK does.
func (s *Signer) Headers(method, target string, body []byte, receiver string) (http.Header, error) {
	h := make(http.Header, 6)
	if err := s.sign(h, method, target, body, receiver); err != nil {
		return nil, err
	}
	return h, nil
}

// SignRequest sets the authentication headers on r for body and receiver
// (see Headers); the target is r.URL.RequestURI(), what net/http sends.
func (s *Signer) SignRequest(r *http.Request, body []byte, receiver string) error {
	return s.sign(r.Header, r.Method, r.URL.RequestURI(), body, receiver)
}

func (s *Signer) sign(h http.Header, method, target string, body []byte, receiver string) error {
	if s.Key == nil {
		return fmt.Errorf("btauth: signer has no key")
	}
	var nonce int64
	if s.Nonce != nil {
		nonce = s.Nonce()
	} else {
		nonce = s.nonces.Next()
	}
	scheme := signedhttp.SchemeOf(s.Key)
	sender := s.Key.SS58Address()
	var buf [512]byte
	sig, err := s.Key.Sign(AppendPayload(buf[:0], scheme, method, target, body, nonce, sender, receiver))
	if err != nil {
		return fmt.Errorf("btauth: sign: %w", err)
	}
	h[HeaderVersion] = []string{Version}
	h[HeaderHotkey] = []string{sender}
	h[HeaderNonce] = []string{strconv.FormatInt(nonce, 10)}
	h[HeaderSignature] = []string{"0x" + hex.EncodeToString(sig)}
	if scheme != signedhttp.SR25519 {
		h[HeaderCrypto] = []string{scheme.String()}
	} else {
		delete(h, HeaderCrypto)
	}
	if receiver != "" {
		h[HeaderReceiver] = []string{receiver}
	} else {
		delete(h, HeaderReceiver)
	}
	return nil
}
