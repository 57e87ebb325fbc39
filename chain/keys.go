package chain

import "encoding/binary"

// State keys. Every key starts with a one-byte prefix naming what it holds;
// the rest identifies the item. Integers in keys are big-endian so that
// iteration order is numeric order. Prefixes are never reused.
//
// Ranges: 0x01–0x0f chain core and balances; 0x10–0x4f subnets,
// registration, staking, weights and serving; 0x50–0x5f emission; 0x60–0x6f
// root network and governance; 0x70–0x7f the identity registry.
const (
	prefixAccount       byte = 0x01 // ‖ account(32) → free(8) ‖ nonce(8)
	keyParams           byte = 0x02 // → Params (CBOR)
	keyTotalIssuance    byte = 0x03 // → u64
	prefixBlockHash     byte = 0x04 // ‖ height(8) → hash(32)
	prefixUsedWork      byte = 0x05 // ‖ seal(32) → height(8)
	keySudo             byte = 0x06 // → account(32)
	keyChainID          byte = 0x07 // → chain id (string)
	prefixUsedWorkByBlk byte = 0x08 // ‖ height(8) ‖ seal(32) → empty: index to expire UsedWork
	keyAppVersion       byte = 0x09 // → u64: the app version the state is in (absent: 1)
	keyUpgradePlan      byte = 0x0a // → types.UpgradePlan (CBOR)
	prefixUpgradeDone   byte = 0x0b // ‖ name → app version(8) ‖ height(8): upgrades applied

	// Subnets and their neurons. Every key of a subnet starts with
	// prefix ‖ netuid(2), so removing a subnet removes it all (netuidPrefixes).
	prefixSubnet       byte = 0x10 // ‖ netuid(2) → subnetState (CBOR)
	prefixHyperparams  byte = 0x11 // ‖ netuid(2) → types.Hyperparams (CBOR)
	prefixNeuron       byte = 0x12 // ‖ netuid(2) ‖ uid(2) → neuron (binary, see neurons.go)
	prefixRegistration byte = 0x13 // ‖ hotkey(32) ‖ netuid(2) → uid(2): Uids and IsNetworkMember
	prefixWeights      byte = 0x14 // ‖ netuid(2) ‖ uid(2) → row: (uid(2) ‖ value(2))*, sorted by uid
	prefixBonds        byte = 0x15 // ‖ netuid(2) ‖ uid(2) → row, as weights
	keyNetworkLastReg  byte = 0x18 // → u64: block of the last subnet registration
	keyNetworkLastLock byte = 0x19 // → u64: RAO locked by the last subnet registration

	// Stake and delegation (global, not per subnet).
	prefixStake            byte = 0x20 // ‖ hotkey(32) ‖ coldkey(32) → u64 (no zero entries)
	prefixStakeByColdkey   byte = 0x21 // ‖ coldkey(32) ‖ hotkey(32) → empty: index of prefixStake
	prefixTotalHotkeyStake byte = 0x22 // ‖ hotkey(32) → u64
	prefixTotalColdStake   byte = 0x23 // ‖ coldkey(32) → u64
	keyTotalStake          byte = 0x24 // → u64
	prefixOwner            byte = 0x25 // ‖ hotkey(32) → coldkey(32)
	prefixOwnedHotkey      byte = 0x26 // ‖ coldkey(32) ‖ hotkey(32) → empty: index of prefixOwner
	prefixDelegate         byte = 0x27 // ‖ hotkey(32) → take u16
	prefixLastTxBlock      byte = 0x28 // ‖ account(32) → u64

	// Emission (emission.go, epoch.go, root_epoch.go). Every key continues
	// with a netuid, so a removed subnet's emission goes with it.
	prefixEmissionValue  byte = 0x50 // ‖ netuid(2) → u64 RAO per block, set by the root epoch
	prefixSubnetEmission byte = 0x51 // ‖ netuid(2) → pending(8) ‖ blocks since last step(8) ‖ last step block(8)
	prefixLoadedEmission byte = 0x52 // ‖ netuid(2) → (hotkey(32) ‖ server(8) ‖ validator(8))*, by uid

	// Governance: the collectives' members and the open proposals.
	prefixSenateMember      byte = 0x60 // ‖ hotkey(32) → empty: SenateMembers
	prefixTriumvirateMember byte = 0x61 // ‖ account(32) → empty: TriumvirateMembers
	prefixProposal          byte = 0x62 // ‖ hash(32) → proposal (CBOR): votes, threshold, end, call
	keyProposalCount        byte = 0x63 // → u32: the index the next proposal gets

	// The identity registry (registry.go).
	prefixIdentity byte = 0x70 // ‖ account(32) → identity (CBOR): info, deposit, depositor
)

// netuidPrefixes are the prefixes whose keys continue with a netuid: all of
// a subnet's state, deleted when the subnet is removed so that a netuid
// reused later starts clean. A module that adds per-subnet state adds its
// prefix here.
var netuidPrefixes = []byte{prefixSubnet, prefixHyperparams, prefixNeuron, prefixWeights, prefixBonds,
	prefixEmissionValue, prefixSubnetEmission, prefixLoadedEmission}

// netuidKey is prefix ‖ netuid.
func netuidKey(prefix byte, netuid uint16) []byte {
	return binary.BigEndian.AppendUint16([]byte{prefix}, netuid)
}

// uidKey is prefix ‖ netuid ‖ uid.
func uidKey(prefix byte, netuid, uid uint16) []byte {
	return binary.BigEndian.AppendUint16(netuidKey(prefix, netuid), uid)
}

// accountKeyP is prefix ‖ account.
func accountKeyP(prefix byte, a [32]byte) []byte {
	k := make([]byte, 33)
	k[0] = prefix
	copy(k[1:], a[:])
	return k
}

// pairKey is prefix ‖ a ‖ b.
func pairKey(prefix byte, a, b [32]byte) []byte {
	k := make([]byte, 65)
	k[0] = prefix
	copy(k[1:], a[:])
	copy(k[33:], b[:])
	return k
}

// registrationKey is prefixRegistration ‖ hotkey ‖ netuid.
func registrationKey(hotkey [32]byte, netuid uint16) []byte {
	return binary.BigEndian.AppendUint16(accountKeyP(prefixRegistration, hotkey), netuid)
}

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

func u16Bytes(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }

func bytesU16(b []byte) uint16 {
	if len(b) != 2 {
		return 0
	}
	return binary.BigEndian.Uint16(b)
}

func bytesU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}
