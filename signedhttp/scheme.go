package signedhttp

import (
	"crypto/ed25519"
	"fmt"
	"strings"
	"sync"

	"github.com/oasisprotocol/curve25519-voi/primitives/sr25519"

	"github.com/go-bittensor/bittensor/wallet"
)

// Scheme is a signature scheme of hotkeys.
type Scheme uint8

// The schemes a signed request may use. Bittensor hotkeys are sr25519;
// btauth/1 also allows ed25519 keys.
const (
	// SR25519 is Schnorr signatures on Ristretto255 with the signing
	// context "substrate", as chain extrinsics use (64-byte signatures).
	SR25519 Scheme = iota + 1
	// ED25519 is plain RFC 8032 Ed25519 (64-byte signatures).
	ED25519
)

// SignatureSize is the size of a signature of either scheme, in bytes.
const SignatureSize = 64

// String returns the scheme's wire name: "sr25519" or "ed25519".
func (s Scheme) String() string {
	switch s {
	case SR25519:
		return "sr25519"
	case ED25519:
		return "ed25519"
	}
	return fmt.Sprintf("Scheme(%d)", uint8(s))
}

// ParseScheme reads a scheme the way the Bittensor SDK does: its name in
// any case ("sr25519", "ED25519") or its Substrate crypto-type number ("1"
// sr25519, "0" ed25519), surrounding spaces ignored.
func ParseScheme(s string) (Scheme, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "sr25519", "1":
		return SR25519, nil
	case "ed25519", "0":
		return ED25519, nil
	}
	return 0, fmt.Errorf("%w: unsupported signature scheme %.20q (want sr25519 or ed25519)", ErrMalformedAuth, s)
}

// A Key signs requests: a hotkey with its secret. *wallet.Keypair (sr25519,
// what Bittensor wallets hold) is one; *Ed25519Key is another. A Key with a
// Scheme() Scheme method signs with that scheme; one without is sr25519.
type Key interface {
	// SS58Address is the key's address, sent as the sender's hotkey.
	SS58Address() string
	// Sign signs msg exactly (no wrapping, no hashing first).
	Sign(msg []byte) ([]byte, error)
}

// SchemeOf returns the scheme a Key signs with.
func SchemeOf(k Key) Scheme {
	if s, ok := k.(interface{ Scheme() Scheme }); ok {
		return s.Scheme()
	}
	return SR25519
}

// Ed25519Key is an ed25519 hotkey: a Key whose address is the SS58 (format
// 42) of its 32-byte public key. It is immutable and safe for concurrent
// use.
type Ed25519Key struct {
	priv ed25519.PrivateKey
	addr string
}

// NewEd25519Key wraps an ed25519 private key (its public half is
// recomputed from its seed); it panics if priv is not
// ed25519.PrivateKeySize bytes, which is a caller bug.
func NewEd25519Key(priv ed25519.PrivateKey) *Ed25519Key {
	if len(priv) != ed25519.PrivateKeySize {
		panic(fmt.Sprintf("signedhttp: ed25519 private key of %d bytes", len(priv)))
	}
	priv = ed25519.NewKeyFromSeed(priv.Seed())
	pub := priv.Public().(ed25519.PublicKey)
	return &Ed25519Key{priv: priv, addr: wallet.SS58Encode(pub, wallet.SS58Prefix)}
}

// SS58Address returns the address of the public key.
func (k *Ed25519Key) SS58Address() string { return k.addr }

// Scheme returns ED25519.
func (k *Ed25519Key) Scheme() Scheme { return ED25519 }

// Sign returns the RFC 8032 signature of msg (deterministic).
func (k *Ed25519Key) Sign(msg []byte) ([]byte, error) { return ed25519.Sign(k.priv, msg), nil }

// substrateContext is the sr25519 signing context of Substrate and
// Bittensor.
var substrateContext = sr25519.NewSigningContext([]byte("substrate"))

// maxCachedKeys bounds the cache of parsed sr25519 public keys.
const maxCachedKeys = 1 << 16

// keyCache holds the parsed sr25519 public keys of hotkeys that signed
// correctly, so a known sender costs no SS58 decoding or point
// decompression. Only good signatures add keys, so junk cannot fill it.
type keyCache struct {
	mu   sync.RWMutex
	keys map[string]*sr25519.PublicKey
}

// verify checks sig over msg by the SS58 hotkey under scheme. It returns
// an error wrapping ErrMalformedAuth for an address that is not a valid
// key, ErrBadSignature for a signature that does not verify.
func (c *keyCache) verify(scheme Scheme, hotkey string, msg, sig []byte) error {
	if len(sig) != SignatureSize {
		return fmt.Errorf("%w: signature is %d bytes, want %d", ErrMalformedAuth, len(sig), SignatureSize)
	}
	switch scheme {
	case SR25519:
		c.mu.RLock()
		pk := c.keys[hotkey]
		c.mu.RUnlock()
		cached := pk != nil
		if !cached {
			pub, _, err := wallet.SS58Decode(hotkey)
			if err != nil {
				return fmt.Errorf("%w: hotkey is not a valid SS58 address", ErrMalformedAuth)
			}
			if pk, err = sr25519.NewPublicKeyFromBytes(pub[:]); err != nil {
				// A valid address whose key is no sr25519 point (such as
				// an ed25519 key presented as sr25519) just does not verify.
				return fmt.Errorf("%w: signature does not verify against the claimed hotkey", ErrBadSignature)
			}
		}
		s, err := sr25519.NewSignatureFromBytes(sig)
		if err != nil {
			return fmt.Errorf("%w: not an sr25519 signature", ErrBadSignature)
		}
		if !pk.Verify(substrateContext.NewTranscriptBytes(msg), s) {
			return fmt.Errorf("%w: signature does not verify against the claimed hotkey", ErrBadSignature)
		}
		if !cached {
			c.mu.Lock()
			if c.keys == nil || len(c.keys) >= maxCachedKeys {
				c.keys = make(map[string]*sr25519.PublicKey)
			}
			c.keys[hotkey] = pk
			c.mu.Unlock()
		}
		return nil
	case ED25519:
		pub, _, err := wallet.SS58Decode(hotkey)
		if err != nil {
			return fmt.Errorf("%w: hotkey is not a valid SS58 address", ErrMalformedAuth)
		}
		if !ed25519.Verify(pub[:], msg, sig) {
			return fmt.Errorf("%w: signature does not verify against the claimed hotkey", ErrBadSignature)
		}
		return nil
	}
	return fmt.Errorf("%w: unsupported signature scheme %v", ErrMalformedAuth, scheme)
}

// Verify reports whether sig is a valid signature of msg by the SS58
// hotkey under scheme (sr25519 with the "substrate" context, or ed25519).
// It returns nil, or an error wrapping ErrMalformedAuth (an address or
// signature that cannot be a key or signature) or ErrBadSignature.
func Verify(scheme Scheme, hotkey string, msg, sig []byte) error {
	var c keyCache
	return c.verify(scheme, hotkey, msg, sig)
}
