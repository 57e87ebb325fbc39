package types

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sync/atomic"

	"github.com/fxamacker/cbor/v2"
	"github.com/go-bittensor/bittensor/wallet"
)

// MaxTxBytes is the largest encoded transaction the chain accepts.
const MaxTxBytes = 256 << 10

// signDomain prefixes the bytes a signer signs, so that a transaction
// signature can never be mistaken for a signature of anything else (such as
// a synapse request, which uses the same keys and signing context).
const signDomain = "go-bittensor/tx/v1:"

// Tx is the one signed envelope every call travels in.
//
// The signer pays Fee (in RAO, burned) and must use its next nonce; the
// signature covers every other field. A call that fails in a block still
// consumes the nonce and the fee and changes nothing else.
type Tx struct {
	ChainID   string    `cbor:"1,keyasint"`
	Signer    AccountID `cbor:"2,keyasint"`
	Nonce     uint64    `cbor:"3,keyasint"`
	Fee       uint64    `cbor:"4,keyasint"`
	Call      Call      `cbor:"5,keyasint"`
	Signature []byte    `cbor:"6,keyasint,omitempty"`
}

// Call names a chain function and carries its encoded arguments.
type Call struct {
	Name string          `cbor:"1,keyasint"`
	Args cbor.RawMessage `cbor:"2,keyasint"`
}

// Signer signs transactions; *wallet.Keypair is one.
type Signer interface {
	PublicKey() [32]byte
	Sign(msg []byte) ([]byte, error)
}

// NewTx builds an unsigned transaction carrying args.
func NewTx(chainID string, signer AccountID, nonce, fee uint64, args CallArgs) (*Tx, error) {
	call, err := EncodeCall(args)
	if err != nil {
		return nil, err
	}
	return &Tx{ChainID: chainID, Signer: signer, Nonce: nonce, Fee: fee, Call: call}, nil
}

// SignBytes returns the bytes the signer signs: a domain prefix and the
// canonical encoding of the transaction without its signature.
func (tx *Tx) SignBytes() ([]byte, error) {
	unsigned := *tx
	unsigned.Signature = nil
	b, err := Marshal(&unsigned)
	if err != nil {
		return nil, fmt.Errorf("types: encode tx: %w", err)
	}
	return append([]byte(signDomain), b...), nil
}

// Sign sets the transaction's signer to s and signs it.
func (tx *Tx) Sign(s Signer) error {
	tx.Signer = AccountID(s.PublicKey())
	msg, err := tx.SignBytes()
	if err != nil {
		return err
	}
	sig, err := s.Sign(msg)
	if err != nil {
		return fmt.Errorf("types: sign tx: %w", err)
	}
	tx.Signature = sig
	return nil
}

// VerifySignature reports whether the signature is the signer's signature of
// the transaction.
func (tx *Tx) VerifySignature() bool {
	if len(tx.Signature) != wallet.SignatureSize {
		return false
	}
	msg, err := tx.SignBytes()
	if err != nil {
		return false
	}
	kp := signerKey(tx.Signer)
	return kp != nil && kp.Verify(msg, tx.Signature)
}

// signerKey returns the parsed public key of a (nil if a is not a valid
// key), from a cache of recent signers: parsing (a point decompression) is
// about a sixth of a signature check, and a node checks every transaction
// of the same few busy accounts. Each account has one slot, picked by its
// first bytes; a newer account in the slot replaces it. Only keys that
// parse are kept.
func signerKey(a AccountID) *wallet.Keypair {
	slot := &keyCache[binary.LittleEndian.Uint16(a[:2])%uint16(len(keyCache))]
	if e := slot.Load(); e != nil && e.id == a {
		return e.kp
	}
	kp, err := wallet.KeypairFromPublicKey(a[:])
	if err != nil {
		return nil
	}
	slot.Store(&keyEntry{id: a, kp: kp})
	return kp
}

var keyCache [4096]atomic.Pointer[keyEntry]

type keyEntry struct {
	id AccountID
	kp *wallet.Keypair
}

// Encode returns the transaction's canonical bytes, as sent to the node.
func (tx *Tx) Encode() ([]byte, error) {
	b, err := Marshal(tx)
	if err != nil {
		return nil, fmt.Errorf("types: encode tx: %w", err)
	}
	return b, nil
}

// DecodeTx parses transaction bytes. It rejects oversize input, anything not
// in canonical form and unknown fields, wrapping ErrTxDecode or ErrTxTooLarge.
// It does not check the signature or decode the call's arguments.
func DecodeTx(b []byte) (*Tx, error) {
	if len(b) > MaxTxBytes {
		return nil, Errorf(ErrTxTooLarge, "%d bytes, limit %d", len(b), MaxTxBytes)
	}
	var tx Tx
	if err := Unmarshal(b, &tx); err != nil {
		return nil, Errorf(ErrTxDecode, "%v", err)
	}
	if tx.Call.Name == "" {
		return nil, Errorf(ErrTxDecode, "no call")
	}
	return &tx, nil
}

// TxHash is the hash CometBFT uses to name a transaction: SHA-256 of its
// bytes.
func TxHash(b []byte) [32]byte { return sha256.Sum256(b) }

// TxHashHex is TxHash in upper-case hex, as CometBFT prints it.
func TxHashHex(b []byte) string {
	h := TxHash(b)
	return fmt.Sprintf("%X", h[:])
}

// HashString formats a 32-byte hash as 0x-prefixed lower-case hex.
func HashString(h []byte) string { return "0x" + hex.EncodeToString(h) }
