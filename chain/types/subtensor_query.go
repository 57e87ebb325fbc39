package types

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// Query paths of subnets, neurons, stake and delegation. Like every path
// they answer JSON at the latest height or the one the query names.
const (
	// QuerySubnets answers []SubnetInfo: every subnet, root included, by
	// netuid.
	QuerySubnets = "/subnets"
	// QuerySubnet + "/<netuid>" answers SubnetInfo.
	QuerySubnet = "/subnet"
	// QueryHyperparams + "/<netuid>" answers the subnet's Hyperparams.
	QueryHyperparams = "/hyperparameters"
	// QueryLockCost answers LockCostInfo: what registering a subnet costs
	// now.
	QueryLockCost = "/lock_cost"
	// QueryNeurons + "/<netuid>" answers NeuronsInfo with every neuron of the
	// subnet, weights and bonds included.
	QueryNeurons = "/neurons"
	// QueryNeuronsLite + "/<netuid>" answers NeuronsInfo without weights and
	// bonds.
	QueryNeuronsLite = "/neurons_lite"
	// QueryNeuron + "/<netuid>/<uid or hotkey ss58>" answers NeuronInfo with
	// weights and bonds.
	QueryNeuron = "/neuron"
	// QueryHotkey + "/<ss58>" answers HotkeyInfo: the hotkey's owner, stake,
	// delegate status and registrations.
	QueryHotkey = "/hotkey"
	// QueryStake + "/<coldkey ss58>" answers ColdkeyStake: every stake of the
	// coldkey. QueryStake + "/<coldkey ss58>/<hotkey ss58>" answers StakeInfo
	// for one pair.
	QueryStake = "/stake"
	// QueryTotalStake answers TotalStakeInfo.
	QueryTotalStake = "/total_stake"
	// QueryDelegates answers []DelegateInfo, by hotkey.
	QueryDelegates = "/delegates"
	// QueryDelegate + "/<hotkey ss58>" answers DelegateInfo.
	QueryDelegate = "/delegate"
	// QueryDelegated + "/<coldkey ss58>" answers []DelegatedInfo: the
	// delegates the coldkey stakes to (not counting its own hotkeys), with
	// its stake on each.
	QueryDelegated = "/delegated"
)

// AnswerCBOR, as a query's data, asks QueryNeurons and QueryNeuronsLite for
// their answer in CBOR (decode it with DecodeAnswer) instead of JSON: a
// third of the size, and much faster to carry through the node's RPC and to
// decode, for the metagraph's thousands of neurons.
const AnswerCBOR = "cbor"

// DecodeAnswer decodes a CBOR query answer into v.
func DecodeAnswer(b []byte, v any) error { return answerDecMode.Unmarshal(b, v) }

// SubnetInfo is one subnet's state and hyperparameters.
type SubnetInfo struct {
	Netuid uint16 `json:"netuid"`
	// Owner is the coldkey that registered the subnet (the zero account,
	// 5C4hrfjw…, for the root network).
	Owner AccountID `json:"owner"`
	// RegisteredAt is the block the subnet was registered at.
	RegisteredAt uint64 `json:"registered_at"`
	// Lock is the RAO locked by the owner, returned when the subnet is
	// removed.
	Lock uint64 `json:"lock"`
	// N is the number of neurons (uids 0 … N-1).
	N uint16 `json:"n"`
	// EmissionValue is the subnet's share of each block's emission, in RAO,
	// as the last root epoch set it.
	EmissionValue uint64 `json:"emission_value"`
	// The registration counters of the current block and adjustment
	// interval, and the block the interval started.
	RegistrationsThisBlock        uint16 `json:"registrations_this_block"`
	RegistrationsThisInterval     uint16 `json:"registrations_this_interval"`
	PowRegistrationsThisInterval  uint16 `json:"pow_registrations_this_interval"`
	BurnRegistrationsThisInterval uint16 `json:"burn_registrations_this_interval"`
	LastAdjustmentBlock           uint64 `json:"last_adjustment_block"`
	// RAORecycledForRegistration is every RAO burned to register on the
	// subnet.
	RAORecycledForRegistration uint64 `json:"rao_recycled_for_registration"`
	// Hyperparameters are the subnet's current hyperparameters (burn and
	// difficulty included).
	Hyperparameters Hyperparams `json:"hyperparameters"`
}

// LockCostInfo is the answer to QueryLockCost.
type LockCostInfo struct {
	// LockCost is the RAO register_network would lock in the block after
	// Height (the earliest a registration sent now lands in; the cost only
	// falls in later blocks until someone registers).
	LockCost uint64 `json:"lock_cost"`
	// LastLockCost is the lock the last registration paid; MinLockCost the
	// floor; the cost decays over ReductionInterval blocks.
	LastLockCost      uint64 `json:"last_lock_cost"`
	MinLockCost       uint64 `json:"min_lock_cost"`
	ReductionInterval uint64 `json:"reduction_interval"`
	// LastRegistered is the block of the last subnet registration (0 for
	// none); RateLimit the blocks that must pass before the next;
	// NextAllowedBlock the first block a registration is allowed at.
	LastRegistered   uint64 `json:"last_registered"`
	RateLimit        uint64 `json:"rate_limit"`
	NextAllowedBlock uint64 `json:"next_allowed_block"`
	// Subnets is the number of subnets, root excluded; past SubnetLimit a
	// registration prunes one.
	Subnets     uint16 `json:"subnets"`
	SubnetLimit uint16 `json:"subnet_limit"`
	Height      uint64 `json:"height"`
}

// AxonInfo is a neuron's published axon endpoint. IP is "0.0.0.0" for a
// neuron that never served.
type AxonInfo struct {
	Block        uint64 `json:"block" cbor:"1,keyasint"`
	Version      uint32 `json:"version" cbor:"2,keyasint"`
	IP           string `json:"ip" cbor:"3,keyasint"`
	Port         uint16 `json:"port" cbor:"4,keyasint"`
	IPType       uint8  `json:"ip_type" cbor:"5,keyasint"`
	Protocol     uint8  `json:"protocol" cbor:"6,keyasint"`
	Placeholder1 uint8  `json:"placeholder1" cbor:"7,keyasint"`
	Placeholder2 uint8  `json:"placeholder2" cbor:"8,keyasint"`
}

// PrometheusInfo is a neuron's published metrics endpoint.
type PrometheusInfo struct {
	Block   uint64 `json:"block" cbor:"1,keyasint"`
	Version uint32 `json:"version" cbor:"2,keyasint"`
	IP      string `json:"ip" cbor:"3,keyasint"`
	Port    uint16 `json:"port" cbor:"4,keyasint"`
	IPType  uint8  `json:"ip_type" cbor:"5,keyasint"`
}

// StakeEntry is one coldkey's stake on a hotkey, in RAO.
type StakeEntry struct {
	Coldkey AccountID `json:"coldkey" cbor:"1,keyasint"`
	Amount  uint64    `json:"amount" cbor:"2,keyasint"`
}

// NeuronInfo is one neuron of a subnet. The u16 scores are proportions
// (65535 = 1.0) written by the subnet's epochs; a new neuron has them at 0.
type NeuronInfo struct {
	Hotkey  AccountID `json:"hotkey" cbor:"1,keyasint"`
	Coldkey AccountID `json:"coldkey" cbor:"2,keyasint"`
	UID     uint16    `json:"uid" cbor:"3,keyasint"`
	Netuid  uint16    `json:"netuid" cbor:"4,keyasint"`
	// Active reports whether the neuron set weights within the activity
	// cutoff at the last epoch (true for a new neuron).
	Active     bool           `json:"active" cbor:"5,keyasint"`
	Axon       AxonInfo       `json:"axon_info" cbor:"6,keyasint"`
	Prometheus PrometheusInfo `json:"prometheus_info" cbor:"7,keyasint"`
	// Stake lists every coldkey's stake on the hotkey (not per subnet:
	// stake is global); TotalStake is their sum.
	Stake          []StakeEntry `json:"stake" cbor:"8,keyasint"`
	TotalStake     uint64       `json:"total_stake" cbor:"9,keyasint"`
	Rank           uint16       `json:"rank" cbor:"10,keyasint"`
	Emission       uint64       `json:"emission" cbor:"11,keyasint"` // RAO in the last epoch
	Incentive      uint16       `json:"incentive" cbor:"12,keyasint"`
	Consensus      uint16       `json:"consensus" cbor:"13,keyasint"`
	Trust          uint16       `json:"trust" cbor:"14,keyasint"`
	ValidatorTrust uint16       `json:"validator_trust" cbor:"15,keyasint"`
	Dividends      uint16       `json:"dividends" cbor:"16,keyasint"`
	// LastUpdate is the block of the neuron's last weights (its
	// registration block until then).
	LastUpdate      uint64 `json:"last_update" cbor:"17,keyasint"`
	ValidatorPermit bool   `json:"validator_permit" cbor:"18,keyasint"`
	PruningScore    uint16 `json:"pruning_score" cbor:"19,keyasint"`
	// RegisteredAt is the block the hotkey registered at this uid.
	RegisteredAt uint64 `json:"registered_at" cbor:"20,keyasint"`
	// Weights and Bonds are the neuron's stored rows as [uid, value] pairs
	// sorted by uid (on the root network the weights' uids are netuids);
	// null (nil) in lite answers, [] for a neuron without a row.
	Weights Row `json:"weights" cbor:"21,keyasint"`
	Bonds   Row `json:"bonds" cbor:"22,keyasint"`
}

// Row is a stored weights or bonds row: (uid, value) pairs sorted by uid.
// In JSON it is [[uid, value], …]; in CBOR a byte string of big-endian u16
// pairs (null for a nil row), four bytes a pair.
type Row [][2]uint16

// MarshalCBOR implements cbor.Marshaler.
func (r Row) MarshalCBOR() ([]byte, error) {
	if r == nil {
		return []byte{0xf6}, nil
	}
	b := make([]byte, 4*len(r))
	for i, p := range r {
		binary.BigEndian.PutUint16(b[4*i:], p[0])
		binary.BigEndian.PutUint16(b[4*i+2:], p[1])
	}
	return Marshal(b)
}

// UnmarshalCBOR implements cbor.Unmarshaler.
func (r *Row) UnmarshalCBOR(data []byte) error {
	if len(data) == 1 && data[0] == 0xf6 {
		*r = nil
		return nil
	}
	var b []byte
	if err := answerDecMode.Unmarshal(data, &b); err != nil {
		return err
	}
	if len(b)%4 != 0 {
		return fmt.Errorf("types: row of %d bytes is not (uid, value) pairs", len(b))
	}
	out := make(Row, len(b)/4)
	for i := range out {
		out[i] = [2]uint16{binary.BigEndian.Uint16(b[4*i:]), binary.BigEndian.Uint16(b[4*i+2:])}
	}
	*r = out
	return nil
}

// NeuronsInfo is the answer to QueryNeurons and QueryNeuronsLite: every
// neuron of a subnet by uid, as of Height.
type NeuronsInfo struct {
	Netuid  uint16       `json:"netuid" cbor:"1,keyasint"`
	Height  uint64       `json:"height" cbor:"2,keyasint"`
	Neurons []NeuronInfo `json:"neurons" cbor:"3,keyasint"`
}

// Registration is a hotkey's uid on one subnet.
type Registration struct {
	Netuid uint16 `json:"netuid"`
	UID    uint16 `json:"uid"`
}

// HotkeyInfo is the answer to QueryHotkey.
type HotkeyInfo struct {
	Hotkey AccountID `json:"hotkey"`
	// Exists reports whether the hotkey has an owner on chain (it was ever
	// registered); Owner is then its coldkey.
	Exists     bool         `json:"exists"`
	Owner      AccountID    `json:"owner"`
	TotalStake uint64       `json:"total_stake"`
	Stake      []StakeEntry `json:"stake"`
	// Delegate reports whether the hotkey is a delegate; Take is then its
	// take (u16 proportion).
	Delegate      bool           `json:"delegate"`
	Take          uint16         `json:"take"`
	Registrations []Registration `json:"registrations"`
	Height        uint64         `json:"height"`
}

// HotkeyStake is a coldkey's stake on one hotkey, in RAO.
type HotkeyStake struct {
	Hotkey AccountID `json:"hotkey"`
	Amount uint64    `json:"amount"`
}

// ColdkeyStake is the answer to QueryStake for a coldkey.
type ColdkeyStake struct {
	Coldkey    AccountID     `json:"coldkey"`
	TotalStake uint64        `json:"total_stake"`
	Stakes     []HotkeyStake `json:"stakes"` // by hotkey
	// OwnedHotkeys are the hotkeys the coldkey owns, by key.
	OwnedHotkeys []AccountID `json:"owned_hotkeys"`
	// LastTxBlock is the block of the coldkey's last rate-limited call
	// (0 if none).
	LastTxBlock uint64 `json:"last_tx_block"`
	Height      uint64 `json:"height"`
}

// StakeInfo is the answer to QueryStake for one coldkey and hotkey.
type StakeInfo struct {
	Coldkey AccountID `json:"coldkey"`
	Hotkey  AccountID `json:"hotkey"`
	Amount  uint64    `json:"amount"`
	Height  uint64    `json:"height"`
}

// TotalStakeInfo is the answer to QueryTotalStake: every RAO staked.
type TotalStakeInfo struct {
	TotalStake uint64 `json:"total_stake"`
	Height     uint64 `json:"height"`
}

// DelegateInfo describes a delegate hotkey.
type DelegateInfo struct {
	Hotkey AccountID `json:"hotkey"`
	Owner  AccountID `json:"owner"`
	// Take is the delegate's take of its validator emission (u16
	// proportion).
	Take       uint16       `json:"take"`
	TotalStake uint64       `json:"total_stake"`
	Nominators []StakeEntry `json:"nominators"` // every stake on it, the owner's included
	// Registrations are the netuids the hotkey is registered on;
	// ValidatorPermits those where it holds a permit.
	Registrations    []uint16 `json:"registrations"`
	ValidatorPermits []uint16 `json:"validator_permits"`
	// TotalDailyReturn is the RAO a day the hotkey's neurons earn at their
	// last epochs' emission: each neuron's emission × 7200 / its subnet's
	// tempo, summed (Bittensor's total_daily_return).
	TotalDailyReturn uint64 `json:"total_daily_return"`
}

// DelegatedInfo is a delegate a coldkey stakes to, with the stake.
type DelegatedInfo struct {
	Delegate DelegateInfo `json:"delegate"`
	Amount   uint64       `json:"amount"`
}

// IPFromAddr returns an address as the chain stores it (a big-endian
// 128-bit integer, IPv4 in the last 4 bytes) and its IP type (4 or 6).
func IPFromAddr(a netip.Addr) ([16]byte, uint8) {
	if a.Is4() || a.Is4In6() {
		var ip [16]byte
		v4 := a.Unmap().As4()
		copy(ip[12:], v4[:])
		return ip, 4
	}
	return a.As16(), 6
}

// ParseIP reads an IPv4 or IPv6 address in text form (e.g. "203.0.113.7",
// "2001:db8::1") as IPFromAddr returns it.
func ParseIP(s string) ([16]byte, uint8, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return [16]byte{}, 0, fmt.Errorf("types: IP address %q: %w", s, err)
	}
	ip, t := IPFromAddr(a)
	return ip, t, nil
}

// FormatIP writes a stored IP in text form by its type: dotted IPv4 for
// type 4 (from the last 4 bytes), IPv6 for type 6, and "0.0.0.0" for
// anything else (a neuron that never served).
func FormatIP(ip [16]byte, ipType uint8) string {
	switch ipType {
	case 4:
		return netip.AddrFrom4([4]byte(ip[12:])).String()
	case 6:
		return netip.AddrFrom16(ip).String()
	}
	return "0.0.0.0"
}
