package types

import (
	"crypto/sha256"
	"encoding/binary"
	"math/bits"

	"golang.org/x/crypto/sha3"
)

// SealInput is the per-block, per-key part of a proof of work:
// legacy Keccak-256 of the block hash followed by the public key. Solvers
// compute it once and then call SealWithInput for each nonce.
func SealInput(blockHash [32]byte, key AccountID) [32]byte {
	h := sha3.NewLegacyKeccak256()
	h.Write(blockHash[:])
	h.Write(key[:])
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// SealWithInput returns Keccak-256(SHA-256(nonce as 8 bytes little-endian ‖
// input)), Bittensor's registration seal.
func SealWithInput(input [32]byte, nonce uint64) [32]byte {
	var pre [40]byte
	binary.LittleEndian.PutUint64(pre[:8], nonce)
	copy(pre[8:], input[:])
	s := sha256.Sum256(pre[:])
	h := sha3.NewLegacyKeccak256()
	h.Write(s[:])
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// Seal computes the proof-of-work seal for a block hash, key and nonce.
func Seal(blockHash [32]byte, key AccountID, nonce uint64) [32]byte {
	return SealWithInput(SealInput(blockHash, key), nonce)
}

// SealMeetsDifficulty reports whether seal, read as a big-endian 256-bit
// integer, times difficulty stays at or below 2²⁵⁶−1.
func SealMeetsDifficulty(seal [32]byte, difficulty uint64) bool {
	// Multiply the 256-bit seal by difficulty limb by limb, least significant
	// first, and check that nothing carries out of the top limb.
	var carry uint64
	for i := 3; i >= 0; i-- {
		limb := binary.BigEndian.Uint64(seal[i*8 : i*8+8])
		hi, lo := bits.Mul64(limb, difficulty)
		lo, c := bits.Add64(lo, carry, 0)
		carry = hi + c
		_ = lo
	}
	return carry == 0
}
