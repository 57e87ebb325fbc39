package types

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"golang.org/x/crypto/blake2b"
)

// Governance (the reference runtime's pallet_collective and pallet_membership
// instances): a triumvirate of up to three accounts
// proposes calls, a senate of up to twelve root-network hotkeys votes on
// them, and an approved proposal runs its call with Root authority. The
// root network's own call, root_register, fills the senate.

// Call names of the root network and governance. Each call's signer is
// named in its argument's doc.
const (
	CallRootRegister = "SubtensorModule.root_register"
	CallVote         = "SubtensorModule.vote"

	CallPropose            = "Triumvirate.propose"
	CallClose              = "Triumvirate.close"
	CallDisapproveProposal = "Triumvirate.disapprove_proposal"

	CallTriumvirateAddMember    = "TriumvirateMembers.add_member"
	CallTriumvirateRemoveMember = "TriumvirateMembers.remove_member"
	CallTriumvirateSwapMember   = "TriumvirateMembers.swap_member"
	CallSenateAddMember         = "SenateMembers.add_member"
	CallSenateRemoveMember      = "SenateMembers.remove_member"
	CallSenateSwapMember        = "SenateMembers.swap_member"
)

// Collective names a membership list: the triumvirate (who may propose) or
// the senate (who may vote). Its value is the pallet name of the list's
// membership calls.
type Collective string

// The two collectives.
const (
	Triumvirate Collective = "TriumvirateMembers"
	Senate      Collective = "SenateMembers"
)

// GovernanceParams are the limits of governance, part of Params and fixed at
// genesis.
type GovernanceParams struct {
	// MotionDuration is the shortest voting period a proposal may ask for,
	// in blocks (the reference's CouncilMotionDuration, 12 hours = 3600).
	MotionDuration uint64 `json:"motion_duration"`
	// MaxProposals is how many proposals may be open at once (10).
	MaxProposals uint32 `json:"max_proposals"`
	// MaxSenateMembers is the size of a full senate (12).
	MaxSenateMembers uint32 `json:"max_senate_members"`
	// MaxTriumvirateMembers is the size of a full triumvirate (3).
	MaxTriumvirateMembers uint32 `json:"max_triumvirate_members"`
}

// DefaultGovernanceParams are the reference runtime's values.
func DefaultGovernanceParams() GovernanceParams {
	return GovernanceParams{MotionDuration: 3600, MaxProposals: 10, MaxSenateMembers: 12, MaxTriumvirateMembers: 3}
}

// Bounds on the governance limits: every governance call's work grows with
// the number of proposals times the senate's size, so both stay small.
const (
	maxProposalsLimit = 100
	maxMembersLimit   = 256
)

func (p GovernanceParams) validate() error {
	switch {
	case p.MotionDuration == 0:
		return Errorf(ErrAdminStorageValueOutOfRange, "governance motion_duration must be at least 1 block")
	case p.MaxProposals == 0 || p.MaxProposals > maxProposalsLimit:
		return Errorf(ErrAdminStorageValueOutOfRange, "governance max_proposals %d: must be 1 to %d", p.MaxProposals, maxProposalsLimit)
	case p.MaxSenateMembers == 0 || p.MaxSenateMembers > maxMembersLimit:
		return Errorf(ErrAdminStorageValueOutOfRange, "governance max_senate_members %d: must be 1 to %d", p.MaxSenateMembers, maxMembersLimit)
	case p.MaxTriumvirateMembers == 0 || p.MaxTriumvirateMembers > maxMembersLimit:
		return Errorf(ErrAdminStorageValueOutOfRange, "governance max_triumvirate_members %d: must be 1 to %d", p.MaxTriumvirateMembers, maxMembersLimit)
	}
	return nil
}

// Hash is a 32-byte hash; its text form is 0x-prefixed lower-case hex.
type Hash [32]byte

// String returns the hash as 0x-hex.
func (h Hash) String() string { return HashString(h[:]) }

// ParseHash reads a hash as 64 hex characters, with or without 0x.
func ParseHash(s string) (Hash, error) {
	var h Hash
	t := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "0x"), "0X")
	b, err := hex.DecodeString(t)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("types: hash %q: want 64 hex characters (0x optional)", s)
	}
	copy(h[:], b)
	return h, nil
}

// MarshalJSON writes the hash as 0x-hex.
func (h Hash) MarshalJSON() ([]byte, error) { return json.Marshal(h.String()) }

// UnmarshalJSON reads a hash as ParseHash does.
func (h *Hash) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("types: hash must be a string: %w", err)
	}
	v, err := ParseHash(s)
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// ProposalHash is the hash that names a proposal: BLAKE2b-256 of the
// canonical CBOR encoding of its Call ({name, args}, as EncodeCall builds
// it). Two proposals of the same call with the same arguments have the same
// hash, so only one can be open at a time.
func ProposalHash(c Call) (Hash, error) {
	b, err := Marshal(c)
	if err != nil {
		return Hash{}, fmt.Errorf("types: encode proposal: %w", err)
	}
	return blake2b.Sum256(b), nil
}

// ProposalLength is the length of a proposal for Propose's and Close's
// LengthBound: the size in bytes of the canonical CBOR encoding of its Call.
func ProposalLength(c Call) (int, error) {
	b, err := Marshal(c)
	if err != nil {
		return 0, fmt.Errorf("types: encode proposal: %w", err)
	}
	return len(b), nil
}

// DecodeCallJSON builds the arguments of the call named name from a JSON
// object of its fields (names match case-insensitively; accounts as SS58,
// hashes as 0x-hex), e.g. DecodeCallJSON("AdminUtils.sudo_set_tempo",
// `{"netuid": 1, "value": 20}`). Unknown fields are refused. Errors wrap
// ErrUnknownCall or ErrBadCallArgs.
func DecodeCallJSON(name string, js []byte) (CallArgs, error) {
	mk, ok := callTypes[name]
	if !ok {
		return nil, Errorf(ErrUnknownCall, "%q", name)
	}
	args := mk()
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(args); err != nil {
		return nil, Errorf(ErrBadCallArgs, "%s: %v", name, err)
	}
	if dec.More() {
		return nil, Errorf(ErrBadCallArgs, "%s: trailing data after the arguments", name)
	}
	return args, nil
}

// RootRegister puts Hotkey on the root network (netuid 0), replacing the
// root validator with the least stake when the network is full, makes it a
// delegate and gives it a senate seat when there is room or it has more
// stake than the least-staked senator (the reference's do_root_register).
// Signed by the
// coldkey that owns (or will own) the hotkey.
type RootRegister struct {
	Hotkey AccountID `cbor:"1,keyasint" json:"hotkey"`
}

// CallName implements CallArgs.
func (*RootRegister) CallName() string { return CallRootRegister }

// Vote records a senator's vote on an open proposal: Hotkey is the senate
// member, Proposal and Index name the proposal, Approve is aye (true) or nay.
// A senator may switch sides; repeating a vote fails with DuplicateVote.
// Signed by the coldkey that owns Hotkey.
type Vote struct {
	Hotkey   AccountID `cbor:"1,keyasint" json:"hotkey"`
	Proposal Hash      `cbor:"2,keyasint" json:"proposal"`
	Index    uint32    `cbor:"3,keyasint" json:"index"`
	Approve  bool      `cbor:"4,keyasint" json:"approve"`
}

// CallName implements CallArgs.
func (*Vote) CallName() string { return CallVote }

// Propose opens a proposal to run Proposal (any call) with Root authority
// if the senate approves it. Voting lasts Duration blocks (at least the
// chain's motion duration). LengthBound, when not 0, is the most bytes the
// proposer expects the proposal to encode to (see ProposalLength). Signed by
// a triumvirate member.
type Propose struct {
	Proposal    Call   `cbor:"1,keyasint" json:"proposal"`
	LengthBound uint32 `cbor:"2,keyasint,omitempty" json:"length_bound,omitempty"`
	Duration    uint64 `cbor:"3,keyasint" json:"duration"`
}

// CallName implements CallArgs.
func (*Propose) CallName() string { return CallPropose }

// Close ends a proposal: at once if its ayes reached the threshold or its
// nays made that impossible, otherwise after its end, with abstentions
// counting as nays. An approved proposal's call runs with Root authority
// and its outcome is reported in the Executed event; the close itself
// succeeds either way. LengthBound is as in Propose. Signed by anyone.
type Close struct {
	Proposal    Hash   `cbor:"1,keyasint" json:"proposal"`
	Index       uint32 `cbor:"2,keyasint" json:"index"`
	LengthBound uint32 `cbor:"3,keyasint,omitempty" json:"length_bound,omitempty"`
}

// CallName implements CallArgs.
func (*Close) CallName() string { return CallClose }

// DisapproveProposal removes an open proposal without a vote. Root only.
type DisapproveProposal struct {
	Proposal Hash `cbor:"1,keyasint" json:"proposal"`
}

// CallName implements CallArgs.
func (*DisapproveProposal) CallName() string { return CallDisapproveProposal }

// AddMember adds Who to a collective. Root only. Build one with
// NewAddMember.
type AddMember struct {
	call string
	Who  AccountID `cbor:"1,keyasint" json:"who"`
}

// NewAddMember returns the arguments of <collective>.add_member.
func NewAddMember(c Collective, who AccountID) *AddMember {
	return &AddMember{call: string(c) + ".add_member", Who: who}
}

// CallName implements CallArgs.
func (a *AddMember) CallName() string { return a.call }

// Collective is the collective the call changes.
func (a *AddMember) Collective() Collective { return collectiveOf(a.call) }

// RemoveMember removes Who from a collective; a senator's votes on open
// proposals are removed with it. Root only. Build one with NewRemoveMember.
type RemoveMember struct {
	call string
	Who  AccountID `cbor:"1,keyasint" json:"who"`
}

// NewRemoveMember returns the arguments of <collective>.remove_member.
func NewRemoveMember(c Collective, who AccountID) *RemoveMember {
	return &RemoveMember{call: string(c) + ".remove_member", Who: who}
}

// CallName implements CallArgs.
func (a *RemoveMember) CallName() string { return a.call }

// Collective is the collective the call changes.
func (a *RemoveMember) Collective() Collective { return collectiveOf(a.call) }

// SwapMember replaces the member Remove with Add (a senator's votes are
// removed with it). Root only. Build one with NewSwapMember.
type SwapMember struct {
	call   string
	Remove AccountID `cbor:"1,keyasint" json:"remove"`
	Add    AccountID `cbor:"2,keyasint" json:"add"`
}

// NewSwapMember returns the arguments of <collective>.swap_member.
func NewSwapMember(c Collective, remove, add AccountID) *SwapMember {
	return &SwapMember{call: string(c) + ".swap_member", Remove: remove, Add: add}
}

// CallName implements CallArgs.
func (a *SwapMember) CallName() string { return a.call }

// Collective is the collective the call changes.
func (a *SwapMember) Collective() Collective { return collectiveOf(a.call) }

func collectiveOf(call string) Collective {
	pallet, _, _ := strings.Cut(call, ".")
	return Collective(pallet)
}

// governanceCallTypes adds the root network's and governance's calls to m.
func governanceCallTypes(m map[string]func() CallArgs) {
	m[CallRootRegister] = func() CallArgs { return new(RootRegister) }
	m[CallVote] = func() CallArgs { return new(Vote) }
	m[CallPropose] = func() CallArgs { return new(Propose) }
	m[CallClose] = func() CallArgs { return new(Close) }
	m[CallDisapproveProposal] = func() CallArgs { return new(DisapproveProposal) }
	for _, c := range []Collective{Triumvirate, Senate} {
		add, remove, swap := string(c)+".add_member", string(c)+".remove_member", string(c)+".swap_member"
		m[add] = func() CallArgs { return &AddMember{call: add} }
		m[remove] = func() CallArgs { return &RemoveMember{call: remove} }
		m[swap] = func() CallArgs { return &SwapMember{call: swap} }
	}
}
