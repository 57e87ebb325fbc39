package chain

import "encoding/binary"

// State keys. Every key starts with a one-byte prefix naming what it holds;
// the rest identifies the item. Integers in keys are big-endian so that
// iteration order is numeric order. Prefixes are never reused.
//
// Ranges: 0x01–0x0f chain core and balances; 0x10–0x4f subnets,
// registration, staking, weights and serving; 0x50–0x5f emission; 0x60–0x6f
// root network and governance.
const (
	prefixAccount       byte = 0x01 // ‖ account(32) → free(8) ‖ nonce(8)
	keyParams           byte = 0x02 // → Params (CBOR)
	keyTotalIssuance    byte = 0x03 // → u64
	prefixBlockHash     byte = 0x04 // ‖ height(8) → hash(32)
	prefixUsedWork      byte = 0x05 // ‖ seal(32) → height(8)
	keySudo             byte = 0x06 // → account(32)
	keyChainID          byte = 0x07 // → chain id (string)
	prefixUsedWorkByBlk byte = 0x08 // ‖ height(8) ‖ seal(32) → empty: index to expire UsedWork
)

func accountKey(a [32]byte) []byte {
	k := make([]byte, 33)
	k[0] = prefixAccount
	copy(k[1:], a[:])
	return k
}

func heightKey(prefix byte, h uint64) []byte {
	k := make([]byte, 9)
	k[0] = prefix
	binary.BigEndian.PutUint64(k[1:], h)
	return k
}

func singleKey(prefix byte) []byte { return []byte{prefix} }

func u64Bytes(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func bytesU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}
