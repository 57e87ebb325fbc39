package wallet

import (
	"crypto/rand"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/oasisprotocol/curve25519-voi/primitives/sr25519"
)

// Sizes of key material, in bytes.
const (
	// PublicKeySize is the size of an sr25519 public key (a compressed
	// Ristretto point), which is also the size of an AccountId.
	PublicKeySize = 32
	// SeedSize is the size of a mini-secret ("secretSeed" in keyfiles).
	SeedSize = 32
	// PrivateKeySize is the size of an expanded sr25519 secret: the canonical
	// scalar followed by the signing nonce ("privateKey" in keyfiles).
	PrivateKeySize = 64
	// SignatureSize is the size of an sr25519 signature.
	SignatureSize = 64
)

// SigningContext is the schnorrkel signing context Substrate and Bittensor use.
var signingContext = sr25519.NewSigningContext([]byte("substrate"))

// ErrPublicOnly is returned by Sign and by secret accessors of a keypair that
// holds only a public key (such as one read from coldkeypub.txt).
var ErrPublicOnly = errors.New("wallet: keypair has no secret key (public key only)")

// Keypair is an sr25519 key. It always has a public key; it may have the
// secret key, and it may remember the mnemonic and mini-secret it came from,
// which are written to keyfiles so that other tools can regenerate it.
//
// A Keypair is immutable and safe for concurrent use.
type Keypair struct {
	public   [PublicKeySize]byte
	pub      *sr25519.PublicKey
	kp       *sr25519.KeyPair // nil for a public-only key
	seed     []byte           // mini-secret, when known
	mnemonic string           // BIP39 phrase, when known
}

// KeypairFromSeed expands a 32-byte mini-secret into a keypair.
func KeypairFromSeed(seed []byte) (*Keypair, error) {
	if len(seed) != SeedSize {
		return nil, fmt.Errorf("wallet: seed must be %d bytes, got %d", SeedSize, len(seed))
	}
	msk, err := sr25519.NewMiniSecretKeyFromBytes(seed)
	if err != nil {
		return nil, fmt.Errorf("wallet: bad seed: %w", err)
	}
	k := fromSecret(msk.ExpandEd25519())
	k.seed = append([]byte(nil), seed...)
	return k, nil
}

// KeypairFromSeedHex reads a mini-secret written as 64 hex characters, with
// or without a 0x prefix.
func KeypairFromSeedHex(s string) (*Keypair, error) {
	b, err := decodeHex(s, SeedSize)
	if err != nil {
		return nil, fmt.Errorf("wallet: bad seed: %w", err)
	}
	return KeypairFromSeed(b)
}

// KeypairFromPrivateKey builds a keypair from a 64-byte expanded secret
// (scalar ‖ nonce), the form stored as "privateKey" in keyfiles.
func KeypairFromPrivateKey(secret []byte) (*Keypair, error) {
	if len(secret) != PrivateKeySize {
		return nil, fmt.Errorf("wallet: private key must be %d bytes, got %d", PrivateKeySize, len(secret))
	}
	sk, err := sr25519.NewSecretKeyFromBytes(secret)
	if err != nil {
		return nil, fmt.Errorf("wallet: bad private key: %w", err)
	}
	return fromSecret(sk), nil
}

// KeypairFromPublicKey returns a public-only keypair: it can verify but not
// sign.
func KeypairFromPublicKey(pub []byte) (*Keypair, error) {
	if len(pub) != PublicKeySize {
		return nil, fmt.Errorf("wallet: public key must be %d bytes, got %d", PublicKeySize, len(pub))
	}
	pk, err := sr25519.NewPublicKeyFromBytes(pub)
	if err != nil {
		return nil, fmt.Errorf("wallet: bad public key %x: %w", pub, err)
	}
	k := &Keypair{pub: pk}
	copy(k.public[:], pub)
	return k, nil
}

// KeypairFromSS58 returns the public-only keypair of an SS58 address.
func KeypairFromSS58(addr string) (*Keypair, error) {
	pub, _, err := SS58Decode(addr)
	if err != nil {
		return nil, err
	}
	return KeypairFromPublicKey(pub[:])
}

// KeypairFromMnemonic derives the keypair of a BIP39 English mnemonic the
// way Substrate and Bittensor do (mini-secret from the entropy).
func KeypairFromMnemonic(phrase string) (*Keypair, error) {
	seed, err := MiniSecretFromMnemonic(phrase)
	if err != nil {
		return nil, err
	}
	k, err := KeypairFromSeed(seed)
	if err != nil {
		return nil, err
	}
	k.mnemonic = NormalizeMnemonic(phrase)
	return k, nil
}

// GenerateKeypair makes a new keypair from a fresh mnemonic of nWords words
// (12, 15, 18, 21 or 24). The mnemonic is kept in the keypair so it can be
// shown once to the user and written to the keyfile.
func GenerateKeypair(nWords int) (*Keypair, error) {
	phrase, err := NewMnemonic(nWords)
	if err != nil {
		return nil, err
	}
	return KeypairFromMnemonic(phrase)
}

func fromSecret(sk *sr25519.SecretKey) *Keypair {
	kp := sk.KeyPair()
	k := &Keypair{kp: kp, pub: kp.PublicKey()}
	b, err := k.pub.MarshalBinary()
	if err != nil {
		panic("wallet: marshal public key: " + err.Error())
	}
	copy(k.public[:], b)
	return k
}

// PublicKey returns the 32-byte public key (the AccountId).
func (k *Keypair) PublicKey() [PublicKeySize]byte { return k.public }

// SS58Address returns the SS58 address of the public key in format 42.
func (k *Keypair) SS58Address() string { return SS58Encode(k.public[:], SS58Prefix) }

// String returns the SS58 address; it never shows secret material.
func (k *Keypair) String() string { return k.SS58Address() }

// HasSecret reports whether the keypair can sign.
func (k *Keypair) HasSecret() bool { return k.kp != nil }

// Mnemonic returns the BIP39 phrase the key was made from, or "".
func (k *Keypair) Mnemonic() string { return k.mnemonic }

// Seed returns a copy of the 32-byte mini-secret, or nil when the key was
// not made from a seed or mnemonic (e.g. soft-derived or read from a private
// key).
func (k *Keypair) Seed() []byte {
	if k.seed == nil {
		return nil
	}
	return append([]byte(nil), k.seed...)
}

// PrivateKey returns a copy of the 64-byte expanded secret (scalar ‖ nonce).
func (k *Keypair) PrivateKey() ([]byte, error) {
	if k.kp == nil {
		return nil, ErrPublicOnly
	}
	b, err := k.kp.SecretKey().MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("wallet: marshal secret key: %w", err)
	}
	return b, nil
}

// PublicOnly returns a keypair with the same public key and no secrets.
func (k *Keypair) PublicOnly() *Keypair {
	return &Keypair{public: k.public, pub: k.pub}
}

// Sign signs msg with the signing context "substrate". Signatures are
// randomized: signing the same message twice gives different signatures,
// both valid.
func (k *Keypair) Sign(msg []byte) ([]byte, error) {
	if k.kp == nil {
		return nil, ErrPublicOnly
	}
	sig, err := k.kp.Sign(rand.Reader, signingContext.NewTranscriptBytes(msg))
	if err != nil {
		return nil, fmt.Errorf("wallet: sign: %w", err)
	}
	b, err := sig.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("wallet: marshal signature: %w", err)
	}
	return b, nil
}

// Verify reports whether sig is a valid signature of msg by this key. Like
// Bittensor, it also accepts a signature of msg wrapped as
// "<Bytes>"+msg+"</Bytes>" (what Polkadot-JS extensions sign).
func (k *Keypair) Verify(msg, sig []byte) bool {
	return verify(k.pub, msg, sig)
}

// Verify reports whether sig is a valid sr25519 signature of msg by the
// 32-byte public key pub, accepting the <Bytes> wrapping as Keypair.Verify
// does. A malformed key or signature is simply not valid.
func Verify(pub [PublicKeySize]byte, msg, sig []byte) bool {
	pk, err := sr25519.NewPublicKeyFromBytes(pub[:])
	if err != nil {
		return false
	}
	return verify(pk, msg, sig)
}

func verify(pk *sr25519.PublicKey, msg, sig []byte) bool {
	if len(sig) != SignatureSize {
		return false
	}
	s, err := sr25519.NewSignatureFromBytes(sig)
	if err != nil {
		return false
	}
	if pk.Verify(signingContext.NewTranscriptBytes(msg), s) {
		return true
	}
	return pk.Verify(signingContext.NewTranscriptBytes(wrapBytes(msg)), s)
}

// MessageBytes converts a message given as text the way Bittensor's
// Keypair.sign does: a string starting with "0x" is hex-decoded, anything
// else is taken as its UTF-8 bytes.
func MessageBytes(s string) ([]byte, error) {
	if strings.HasPrefix(s, "0x") {
		b, err := hex.DecodeString(s[2:])
		if err != nil {
			return nil, fmt.Errorf("wallet: message starts with 0x but is not hex: %w", err)
		}
		return b, nil
	}
	return []byte(s), nil
}

// DecodeSignature reads a signature written as 128 hex characters, with or
// without 0x.
func DecodeSignature(s string) ([]byte, error) {
	b, err := decodeHex(s, SignatureSize)
	if err != nil {
		return nil, fmt.Errorf("wallet: bad signature: %w", err)
	}
	return b, nil
}

// decodeHex decodes s (optional 0x prefix) and checks it holds n bytes.
func decodeHex(s string, n int) ([]byte, error) {
	t := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "0x"), "0X")
	if len(t) != 2*n {
		return nil, fmt.Errorf("want %d hex characters, got %d", 2*n, len(t))
	}
	b, err := hex.DecodeString(t)
	if err != nil {
		return nil, fmt.Errorf("not hex: %w", err)
	}
	return b, nil
}

// softNonce makes the signing nonce of a soft-derived secret. Schnorrkel
// draws it at random; any value gives valid signatures, and a deterministic
// one keeps derivation repeatable.
func softNonce(key []byte) [32]byte {
	h := sha512.Sum512(append([]byte("go-bittensor soft-derived nonce"), key...))
	var n [32]byte
	copy(n[:], h[:32])
	return n
}
