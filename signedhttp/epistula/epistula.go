// Package epistula is Epistula v2, the signed-header protocol many
// Bittensor subnets use on plain HTTP (by Manifold Labs; specification at
// epistula.sybil.com). A request carries:
//
//	Epistula-Version            "2"
//	Epistula-Timestamp          Unix time in milliseconds, decimal
//	Epistula-Uuid               a fresh UUID (v4) per request
//	Epistula-Signed-By          the sender's hotkey, SS58
//	Epistula-Signed-For         the receiver's hotkey, SS58 (optional)
//	Epistula-Request-Signature  "0x" + hex of the sr25519 ("substrate"
//	                            context) signature of
//	                            "<sha256 hex of body>.<uuid>.<timestamp>.<signed-for or empty>"
//	Epistula-Secret-Signature-0/1/2  optional, see below
//
// The secret signatures sign "<t>.<signed-for>" for three instants t around
// the request: with I = ceil(timestamp/10000)·10000 written as Python
// writes a float ("1752076810000.0"), t is I−1, I and I+1. They change
// every 10 s, so a receiver can cache them to pre-filter traffic from
// headers alone. Implementations disagree on them (subtrahend-labs/gobt
// signs ceil(timestamp/10000) without the multiplication, and its own
// address instead of the receiver's), so Signer sends the reference form
// for interoperability, and Protocol ignores them: the request signature
// covers everything they could prove.
//
// Protocol verifies for a signedhttp.Guard: the Signed-For hotkey must be
// the server's (the reference verifiers build the message from their own
// hotkey, which has the same effect), the timestamp at most 8 s old (the
// reference implementations' ALLOWED_DELTA_MS; the specification's prose
// says 5 s) and, unlike them, at most 2 s ahead, so that the replay store
// of (hotkey, uuid) pairs only needs to hold one window. Epistula signs no
// method or path: a request may be replayed to another route of the same
// server only with a new uuid, which needs the sender's key.
// docs/signed-http.md records the format and its sources.
package epistula

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/synapse"
)

// Name is the protocol's name; Version the value of HeaderVersion.
const (
	Name    = "epistula/2"
	Version = "2"
)

// Header names, in Go's canonical form.
const (
	HeaderVersion          = "Epistula-Version"
	HeaderTimestamp        = "Epistula-Timestamp"
	HeaderUUID             = "Epistula-Uuid"
	HeaderSignedBy         = "Epistula-Signed-By"
	HeaderSignedFor        = "Epistula-Signed-For"
	HeaderRequestSignature = "Epistula-Request-Signature"
	HeaderSecretSignature0 = "Epistula-Secret-Signature-0"
	HeaderSecretSignature1 = "Epistula-Secret-Signature-1"
	HeaderSecretSignature2 = "Epistula-Secret-Signature-2"
)

// Default freshness window: a request may be DefaultMaxAge old and
// DefaultMaxSkew ahead of the server's clock.
const (
	DefaultMaxAge  = 8 * time.Second
	DefaultMaxSkew = 2 * time.Second
)

// Size limits of the headers, in bytes.
const (
	maxAddressLen   = 64
	maxTimestampLen = 20
	maxUUIDLen      = 128
	maxSignatureLen = 130
)

// SecretInterval is how long a set of secret signatures stays valid.
const SecretInterval = 10 * time.Second

// AppendMessage appends to dst the bytes of a request signature:
// "<sha256 hex of body>.<uuid>.<timestamp ms>.<signedFor>" (signedFor ""
// for an unbound request).
func AppendMessage(dst, body []byte, uuid string, timestamp int64, signedFor string) []byte {
	sum := sha256.Sum256(body)
	dst = hex.AppendEncode(dst, sum[:])
	dst = append(dst, '.')
	dst = append(dst, uuid...)
	dst = append(dst, '.')
	dst = strconv.AppendInt(dst, timestamp, 10)
	dst = append(dst, '.')
	return append(dst, signedFor...)
}

// SecretMessages returns the three messages of the secret signatures of a
// request signed at timestamp (ms) for signedFor, in header order 0, 1, 2.
func SecretMessages(timestamp int64, signedFor string) [3]string {
	base := ceilDiv(timestamp, 10000) * 10000
	var out [3]string
	for i := range out {
		out[i] = strconv.FormatInt(base+int64(i)-1, 10) + ".0." + signedFor
	}
	return out
}

// ceilDiv is ⌈a/b⌉ for b > 0.
func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a > 0 {
		q++
	}
	return q
}

// Protocol is Epistula v2 for a signedhttp.Guard. The zero value is ready.
type Protocol struct{}

var _ signedhttp.Protocol = Protocol{}

// Name returns "epistula/2".
func (Protocol) Name() string { return Name }

// Window returns DefaultMaxAge and DefaultMaxSkew.
func (Protocol) Window() (time.Duration, time.Duration) { return DefaultMaxAge, DefaultMaxSkew }

// Inspect reads the Epistula headers: version, timestamp, uuid, signer,
// signature, receiver. Every error wraps signedhttp.ErrMalformedAuth and
// names the header, never its value. The scheme is always sr25519.
func (Protocol) Inspect(h http.Header) (*signedhttp.Claim, error) {
	version, ok, err := signedhttp.SingleHeader(h, HeaderVersion, 8)
	if err != nil {
		return nil, err
	}
	if !ok || version != Version {
		return nil, fmt.Errorf("%w: missing or unsupported %s (expected %q)", signedhttp.ErrMalformedAuth, HeaderVersion, Version)
	}
	raw, ok, err := signedhttp.SingleHeader(h, HeaderTimestamp, maxTimestampLen)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: missing %s", signedhttp.ErrMalformedAuth, HeaderTimestamp)
	}
	ts, perr := strconv.ParseInt(raw, 10, 64)
	if perr != nil {
		return nil, fmt.Errorf("%w: %s is not a decimal integer of 64 bits", signedhttp.ErrMalformedAuth, HeaderTimestamp)
	}
	uuid, ok, err := signedhttp.SingleHeader(h, HeaderUUID, maxUUIDLen)
	if err != nil {
		return nil, err
	}
	if !ok || uuid == "" {
		return nil, fmt.Errorf("%w: missing %s", signedhttp.ErrMalformedAuth, HeaderUUID)
	}
	sender, ok, err := signedhttp.SingleHeader(h, HeaderSignedBy, maxAddressLen)
	if err != nil {
		return nil, err
	}
	if !ok || sender == "" {
		return nil, fmt.Errorf("%w: missing %s", signedhttp.ErrMalformedAuth, HeaderSignedBy)
	}
	rawSig, ok, err := signedhttp.SingleHeader(h, HeaderRequestSignature, maxSignatureLen)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: missing %s", signedhttp.ErrMalformedAuth, HeaderRequestSignature)
	}
	sig, err := hex.DecodeString(strings.TrimPrefix(rawSig, "0x"))
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not hex", signedhttp.ErrMalformedAuth, HeaderRequestSignature)
	}
	if len(sig) != signedhttp.SignatureSize {
		return nil, fmt.Errorf("%w: %s holds %d bytes, want %d", signedhttp.ErrMalformedAuth, HeaderRequestSignature, len(sig), signedhttp.SignatureSize)
	}
	receiver, _, err := signedhttp.SingleHeader(h, HeaderSignedFor, maxAddressLen)
	if err != nil {
		return nil, err
	}
	return &signedhttp.Claim{
		Hotkey: sender, Receiver: receiver, Bound: receiver != "",
		Time: time.UnixMilli(ts), ID: uuid, Scheme: signedhttp.SR25519, Signature: sig,
	}, nil
}

// AppendMessage appends the request-signature message of claim c; method
// and target are not part of it.
func (Protocol) AppendMessage(dst []byte, c *signedhttp.Claim, _, _ string, body []byte) []byte {
	return AppendMessage(dst, body, c.ID, c.Time.UnixMilli(), c.Receiver)
}

// Signer signs Epistula v2 requests with Key (sr25519). With a receiver it
// also sends the three secret signatures, made once per receiver and
// 10-second interval and reused across requests (NoSecretSignatures
// leaves them out). A Signer is safe for concurrent use; do not copy it
// after first use.
type Signer struct {
	// Key is the sender's sr25519 hotkey.
	Key signedhttp.Key
	// NoSecretSignatures leaves out the optional secret signatures.
	NoSecretSignatures bool
	// Now and UUID, if set, replace the clock and the random UUIDs (for
	// known-answer tests).
	Now  func() time.Time
	UUID func() string

	mu      sync.Mutex
	secrets map[string]secretSet // by receiver
}

type secretSet struct {
	interval int64
	sigs     [3]string
}

// Headers returns the authentication headers of a request with this raw
// body for receiver ("" for an unbound request).
func (s *Signer) Headers(body []byte, receiver string) (http.Header, error) {
	h := make(http.Header, 9)
	if err := s.sign(h, body, receiver); err != nil {
		return nil, err
	}
	return h, nil
}

// SignRequest sets the authentication headers on r (see Headers).
func (s *Signer) SignRequest(r *http.Request, body []byte, receiver string) error {
	return s.sign(r.Header, body, receiver)
}

func (s *Signer) sign(h http.Header, body []byte, receiver string) error {
	if s.Key == nil {
		return fmt.Errorf("epistula: signer has no key")
	}
	if sc := signedhttp.SchemeOf(s.Key); sc != signedhttp.SR25519 {
		return fmt.Errorf("epistula: signs with sr25519 keys only, not %v", sc)
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	ts := now.UnixMilli()
	uuid := ""
	if s.UUID != nil {
		uuid = s.UUID()
	} else {
		uuid = synapse.NewUUID()
	}
	var buf [256]byte
	sig, err := s.Key.Sign(AppendMessage(buf[:0], body, uuid, ts, receiver))
	if err != nil {
		return fmt.Errorf("epistula: sign: %w", err)
	}
	h[HeaderVersion] = []string{Version}
	h[HeaderTimestamp] = []string{strconv.FormatInt(ts, 10)}
	h[HeaderUUID] = []string{uuid}
	h[HeaderSignedBy] = []string{s.Key.SS58Address()}
	h[HeaderRequestSignature] = []string{"0x" + hex.EncodeToString(sig)}
	for _, k := range []string{HeaderSignedFor, HeaderSecretSignature0, HeaderSecretSignature1, HeaderSecretSignature2} {
		delete(h, k)
	}
	if receiver == "" {
		return nil
	}
	h[HeaderSignedFor] = []string{receiver}
	if s.NoSecretSignatures {
		return nil
	}
	secrets, err := s.secretSignatures(ts, receiver)
	if err != nil {
		return err
	}
	h[HeaderSecretSignature0] = []string{secrets[0]}
	h[HeaderSecretSignature1] = []string{secrets[1]}
	h[HeaderSecretSignature2] = []string{secrets[2]}
	return nil
}

// secretSignatures returns the secret signatures for receiver at ts,
// signing them only when the interval changed.
func (s *Signer) secretSignatures(ts int64, receiver string) ([3]string, error) {
	interval := ceilDiv(ts, 10000)
	s.mu.Lock()
	set, ok := s.secrets[receiver]
	s.mu.Unlock()
	if ok && set.interval == interval {
		return set.sigs, nil
	}
	set = secretSet{interval: interval}
	for i, m := range SecretMessages(ts, receiver) {
		sig, err := s.Key.Sign([]byte(m))
		if err != nil {
			return set.sigs, fmt.Errorf("epistula: sign: %w", err)
		}
		set.sigs[i] = "0x" + hex.EncodeToString(sig)
	}
	s.mu.Lock()
	if s.secrets == nil || len(s.secrets) >= 4096 {
		s.secrets = make(map[string]secretSet)
	}
	s.secrets[receiver] = set
	s.mu.Unlock()
	return set.sigs, nil
}
