package types

// Call names of the SubtensorModule: subnets, registration, staking,
// weights and serving. Each call's signer is named in its argument's doc.
const (
	CallSetWeights      = "SubtensorModule.set_weights"
	CallBecomeDelegate  = "SubtensorModule.become_delegate"
	CallAddStake        = "SubtensorModule.add_stake"
	CallRemoveStake     = "SubtensorModule.remove_stake"
	CallServeAxon       = "SubtensorModule.serve_axon"
	CallServePrometheus = "SubtensorModule.serve_prometheus"
	CallRegister        = "SubtensorModule.register"
	CallBurnedRegister  = "SubtensorModule.burned_register"
	CallRegisterNetwork = "SubtensorModule.register_network"
	CallDissolveNetwork = "SubtensorModule.dissolve_network"
	CallSwapHotkey      = "SubtensorModule.swap_hotkey"
)

// RegisterNetwork creates a subnet owned by the signer (a coldkey), locking
// the current lock cost from its free balance until the subnet is removed.
// MaxLockCost, when not 0, is the most the signer agrees to lock: the call
// fails with LockCostAboveMaximum if the cost rose above it since the quote.
type RegisterNetwork struct {
	MaxLockCost uint64 `cbor:"1,keyasint,omitempty"`
}

// CallName implements CallArgs.
func (*RegisterNetwork) CallName() string { return CallRegisterNetwork }

// DissolveNetwork removes a subnet; signed by its owner (or run by Root).
// The lock returns to the owner.
type DissolveNetwork struct {
	Netuid uint16 `cbor:"1,keyasint"`
}

// CallName implements CallArgs.
func (*DissolveNetwork) CallName() string { return CallDissolveNetwork }

// BurnedRegister registers Hotkey on a subnet for the subnet's current burn,
// paid (and destroyed) from the signer's free balance. The signer is the
// coldkey that owns (or will own) the hotkey. MaxBurn, when not 0, is the
// most the signer agrees to pay: the call fails with BurnAboveMaximum if the
// burn rose above it since the quote.
type BurnedRegister struct {
	Netuid  uint16    `cbor:"1,keyasint"`
	Hotkey  AccountID `cbor:"2,keyasint"`
	MaxBurn uint64    `cbor:"3,keyasint,omitempty"`
}

// CallName implements CallArgs.
func (*BurnedRegister) CallName() string { return CallBurnedRegister }

// Register registers Hotkey on a subnet with a proof of work (see Seal):
// Work is the seal over the hash of block BlockNumber, the hotkey and Nonce,
// and must meet the subnet's difficulty. Signed by the hotkey itself;
// Coldkey becomes its owner if it has none.
type Register struct {
	Netuid      uint16    `cbor:"1,keyasint"`
	BlockNumber uint64    `cbor:"2,keyasint"`
	Nonce       uint64    `cbor:"3,keyasint"`
	Work        [32]byte  `cbor:"4,keyasint"`
	Hotkey      AccountID `cbor:"5,keyasint"`
	Coldkey     AccountID `cbor:"6,keyasint"`
}

// CallName implements CallArgs.
func (*Register) CallName() string { return CallRegister }

// SwapHotkey moves everything of Hotkey (its registrations, stake, delegate
// status) to NewHotkey, for the chain's hotkey swap cost, burned. Signed by
// the coldkey that owns Hotkey.
type SwapHotkey struct {
	Hotkey    AccountID `cbor:"1,keyasint"`
	NewHotkey AccountID `cbor:"2,keyasint"`
}

// CallName implements CallArgs.
func (*SwapHotkey) CallName() string { return CallSwapHotkey }

// AddStake moves Amount RAO from the signer's (a coldkey's) free balance to
// its stake on Hotkey, which the signer must own or which must be a
// delegate (staking to a delegate is nominating).
type AddStake struct {
	Hotkey AccountID `cbor:"1,keyasint"`
	Amount uint64    `cbor:"2,keyasint"`
}

// CallName implements CallArgs.
func (*AddStake) CallName() string { return CallAddStake }

// RemoveStake moves Amount RAO of the signer's (a coldkey's) stake on Hotkey
// back to its free balance.
type RemoveStake struct {
	Hotkey AccountID `cbor:"1,keyasint"`
	Amount uint64    `cbor:"2,keyasint"`
}

// CallName implements CallArgs.
func (*RemoveStake) CallName() string { return CallRemoveStake }

// BecomeDelegate makes Hotkey a delegate that other coldkeys may stake to,
// with the chain's default take. Signed by the coldkey that owns it.
type BecomeDelegate struct {
	Hotkey AccountID `cbor:"1,keyasint"`
}

// CallName implements CallArgs.
func (*BecomeDelegate) CallName() string { return CallBecomeDelegate }

// SetWeights sets the signer's (a registered hotkey's) weights on a subnet:
// Weights[k] on uid Dests[k] (on the root network, Dests are netuids). The
// chain stores them max-upscaled (the largest becomes 65535).
type SetWeights struct {
	Netuid     uint16   `cbor:"1,keyasint"`
	Dests      []uint16 `cbor:"2,keyasint"`
	Weights    []uint16 `cbor:"3,keyasint"`
	VersionKey uint64   `cbor:"4,keyasint"`
}

// CallName implements CallArgs.
func (*SetWeights) CallName() string { return CallSetWeights }

// ServeAxon publishes the signer's (a hotkey registered on Netuid) axon
// endpoint. IP is the address as a big-endian 128-bit integer (an IPv4
// address in the last 4 bytes), IPType 4 or 6.
type ServeAxon struct {
	Netuid       uint16   `cbor:"1,keyasint"`
	Version      uint32   `cbor:"2,keyasint"`
	IP           [16]byte `cbor:"3,keyasint"`
	Port         uint16   `cbor:"4,keyasint"`
	IPType       uint8    `cbor:"5,keyasint"`
	Protocol     uint8    `cbor:"6,keyasint"`
	Placeholder1 uint8    `cbor:"7,keyasint"`
	Placeholder2 uint8    `cbor:"8,keyasint"`
}

// CallName implements CallArgs.
func (*ServeAxon) CallName() string { return CallServeAxon }

// ServePrometheus publishes the signer's (a hotkey registered on Netuid)
// Prometheus metrics endpoint; IP as in ServeAxon.
type ServePrometheus struct {
	Netuid  uint16   `cbor:"1,keyasint"`
	Version uint32   `cbor:"2,keyasint"`
	IP      [16]byte `cbor:"3,keyasint"`
	Port    uint16   `cbor:"4,keyasint"`
	IPType  uint8    `cbor:"5,keyasint"`
}

// CallName implements CallArgs.
func (*ServePrometheus) CallName() string { return CallServePrometheus }
