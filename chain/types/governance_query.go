package types

import (
	"encoding/hex"
	"encoding/json"
)

// Query paths of the root network and governance. Like every path they
// answer JSON at the latest height or the one the query names.
const (
	// QueryRootNeurons answers RootNeurons: the root network's validators by
	// uid, with their stake and senate seat.
	QueryRootNeurons = "/root/neurons"
	// QueryRootWeights answers RootWeights: every root validator's weights
	// on the subnets.
	QueryRootWeights = "/root/weights"
	// QuerySenate answers SenateInfo.
	QuerySenate = "/senate"
	// QueryTriumvirate answers TriumvirateInfo.
	QueryTriumvirate = "/triumvirate"
	// QueryProposals answers ProposalsInfo: every open proposal, by index.
	QueryProposals = "/proposals"
	// QueryProposal + "/<0x hash>" answers one ProposalInfo (NotFound when
	// no open proposal has the hash).
	QueryProposal = "/proposal"
)

// RootNeuron is one validator of the root network.
type RootNeuron struct {
	UID     uint16    `json:"uid"`
	Hotkey  AccountID `json:"hotkey"`
	Coldkey AccountID `json:"coldkey"`
	// Stake is every RAO staked on the hotkey (what root registration and
	// the root epoch weigh).
	Stake uint64 `json:"stake"`
	// Senator reports whether the hotkey holds a senate seat.
	Senator bool `json:"senator"`
	// Take is the hotkey's delegate take (u16 proportion); root validators
	// are delegates.
	Take         uint16 `json:"take"`
	RegisteredAt uint64 `json:"registered_at"`
	// LastUpdate is the block of the validator's last root weights (its
	// registration block until then).
	LastUpdate uint64 `json:"last_update"`
}

// RootNeurons is the answer to QueryRootNeurons.
type RootNeurons struct {
	// MaxAllowedUids is the root network's size: a registration past it
	// replaces the validator with the least stake.
	MaxAllowedUids uint16       `json:"max_allowed_uids"`
	Neurons        []RootNeuron `json:"neurons"`
	Height         uint64       `json:"height"`
}

// RootWeightsRow is one root validator's weights: [netuid, value] pairs
// sorted by netuid, values as stored (max-upscaled, the largest 65535).
type RootWeightsRow struct {
	UID     uint16    `json:"uid"`
	Hotkey  AccountID `json:"hotkey"`
	Weights Row       `json:"weights"`
}

// RootWeights is the answer to QueryRootWeights.
type RootWeights struct {
	// Netuids are the subnets that exist, root included, ascending.
	Netuids []uint16 `json:"netuids"`
	// Rows has one entry per root validator, by uid (an empty row for one
	// that set no weights).
	Rows   []RootWeightsRow `json:"rows"`
	Height uint64           `json:"height"`
}

// Senator is one senate member.
type Senator struct {
	Hotkey AccountID `json:"hotkey"`
	// Owner is the coldkey that votes for the hotkey (the zero account if
	// the hotkey has none).
	Owner AccountID `json:"owner"`
	Stake uint64    `json:"stake"` // RAO staked on the hotkey
	// RootUID is the hotkey's uid on the root network, or -1 if it is not
	// a root validator (a senator Root added).
	RootUID int `json:"root_uid"`
}

// SenateInfo is the answer to QuerySenate: the members by key.
type SenateInfo struct {
	Members    []Senator `json:"members"`
	MaxMembers uint32    `json:"max_members"`
	Height     uint64    `json:"height"`
}

// TriumvirateInfo is the answer to QueryTriumvirate: the members by key.
type TriumvirateInfo struct {
	Members    []AccountID `json:"members"`
	MaxMembers uint32      `json:"max_members"`
	Height     uint64      `json:"height"`
}

// ProposalCall is a proposal's call: its name, its arguments as JSON (the
// fields of the call's argument struct), and its canonical encoding.
type ProposalCall struct {
	Name string          `json:"name"`
	Args json.RawMessage `json:"args"`
	// Encoded is the canonical CBOR of the Call as 0x-hex; its BLAKE2b-256
	// is the proposal's hash.
	Encoded string `json:"encoded"`
}

// NewProposalCall describes c; it fails if c's arguments do not decode.
func NewProposalCall(c Call) (ProposalCall, error) {
	args, err := c.DecodeArgs()
	if err != nil {
		return ProposalCall{}, err
	}
	js, err := json.Marshal(args)
	if err != nil {
		return ProposalCall{}, Errorf(ErrInternal, "encode %s as JSON: %v", c.Name, err)
	}
	b, err := Marshal(c)
	if err != nil {
		return ProposalCall{}, Errorf(ErrInternal, "encode %s: %v", c.Name, err)
	}
	return ProposalCall{Name: c.Name, Args: js, Encoded: "0x" + hex.EncodeToString(b)}, nil
}

// ProposalInfo is one open proposal and its votes.
type ProposalInfo struct {
	Hash     Hash      `json:"hash"`
	Index    uint32    `json:"index"`
	Proposer AccountID `json:"proposer"`
	// Threshold is the ayes needed, fixed when the proposal was made
	// (half the senate then, rounded down, plus one).
	Threshold uint32 `json:"threshold"`
	// Ayes and Nays are the senators' hotkeys, in the order they voted.
	Ayes []AccountID `json:"ayes"`
	Nays []AccountID `json:"nays"`
	// ProposedAt is the block of the proposal; End the block from which it
	// can be closed undecided (abstentions then count as nays).
	ProposedAt uint64       `json:"proposed_at"`
	End        uint64       `json:"end"`
	Call       ProposalCall `json:"call"`
}

// ProposalsInfo is the answer to QueryProposals.
type ProposalsInfo struct {
	Proposals []ProposalInfo `json:"proposals"` // by index
	// SenateSize is the number of senators now (the seats a close counts).
	SenateSize uint32 `json:"senate_size"`
	Height     uint64 `json:"height"`
}
