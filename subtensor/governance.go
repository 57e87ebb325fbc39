package subtensor

import (
	"context"
	"fmt"
	"strconv"

	"github.com/go-bittensor/bittensor/chain/types"
)

// Senate returns the senate's members, by key, at a block (0 = latest).
func (c *CometBFTClient) Senate(ctx context.Context, atBlock uint64) (types.SenateInfo, error) {
	var out types.SenateInfo
	err := c.Query(ctx, types.QuerySenate, nil, atBlock, &out)
	return out, err
}

// IsSenateMember reports whether hotkey holds a senate seat at a block
// (0 = latest).
func (c *CometBFTClient) IsSenateMember(ctx context.Context, hotkey types.AccountID, atBlock uint64) (bool, error) {
	s, err := c.Senate(ctx, atBlock)
	if err != nil {
		return false, err
	}
	for _, m := range s.Members {
		if m.Hotkey == hotkey {
			return true, nil
		}
	}
	return false, nil
}

// Triumvirate returns the triumvirate's members, by key, at a block
// (0 = latest).
func (c *CometBFTClient) Triumvirate(ctx context.Context, atBlock uint64) (types.TriumvirateInfo, error) {
	var out types.TriumvirateInfo
	err := c.Query(ctx, types.QueryTriumvirate, nil, atBlock, &out)
	return out, err
}

// Proposals returns the open proposals, by index, with their votes and the
// senate's size, at a block (0 = latest).
func (c *CometBFTClient) Proposals(ctx context.Context, atBlock uint64) (types.ProposalsInfo, error) {
	var out types.ProposalsInfo
	err := c.Query(ctx, types.QueryProposals, nil, atBlock, &out)
	return out, err
}

// Proposal returns the open proposal with hash h at a block (0 = latest);
// a proposal that is not open is an error matching types.ErrNotFound.
func (c *CometBFTClient) Proposal(ctx context.Context, h types.Hash, atBlock uint64) (types.ProposalInfo, error) {
	var out types.ProposalInfo
	err := c.Query(ctx, types.QueryProposal+"/"+h.String(), nil, atBlock, &out)
	return out, err
}

// ProposalRef names an open proposal: its hash and index, which votes and
// the close quote.
type ProposalRef struct {
	Hash  types.Hash
	Index uint32
}

// Propose opens a proposal to run call with Root authority, signed by a
// triumvirate member, voted on for duration blocks (0 = the chain's
// shortest, governance.motion_duration). With WaitInclusion it returns the
// proposal's index; its hash is known before sending (types.ProposalHash).
func (c *CometBFTClient) Propose(ctx context.Context, member Signer, call types.CallArgs, duration uint64, wait Wait) (ProposalRef, *TxResult, error) {
	enc, err := types.EncodeCall(call)
	if err != nil {
		return ProposalRef{}, nil, err
	}
	h, err := types.ProposalHash(enc)
	if err != nil {
		return ProposalRef{}, nil, err
	}
	if duration == 0 {
		p, err := c.cachedParams(ctx)
		if err != nil {
			return ProposalRef{}, nil, err
		}
		duration = p.Governance.MotionDuration
	}
	ref := ProposalRef{Hash: h}
	res, err := c.call(ctx, member, &types.Propose{Proposal: enc, Duration: duration}, wait)
	if err != nil || !wait.HasOutcome() {
		return ref, res, err
	}
	index, err := res.eventUint("Proposed", "proposal_index")
	ref.Index = uint32(index)
	return ref, res, err
}

// Vote casts hotkey's senate vote on a proposal (approve: aye), signed by
// coldkey, the hotkey's owner. A senator may switch sides; the same vote
// twice fails with types.ErrDuplicateVote. Votes pay the transaction fee.
func (c *CometBFTClient) Vote(ctx context.Context, coldkey Signer, hotkey types.AccountID, p ProposalRef, approve bool, wait Wait) (*TxResult, error) {
	return c.call(ctx, coldkey, &types.Vote{Hotkey: hotkey, Proposal: p.Hash, Index: p.Index, Approve: approve}, wait)
}

// CloseOutcome is what closing a proposal did.
type CloseOutcome struct {
	// Yes and No are the votes counted (No includes abstentions when the
	// proposal was decided after its end).
	Yes, No uint32
	// Approved reports whether the senate approved the proposal; its call
	// then ran with Root authority.
	Approved bool
	// Err is why the approved call failed (a *types.ChainError), nil when it
	// succeeded or was not approved.
	Err error
}

// CloseProposal ends a proposal, signed by anyone: at once if it is decided,
// otherwise after its end (types.ErrTooEarly before). The close succeeds
// whether or not an approved call does; the outcome says which (with
// WaitInclusion).
func (c *CometBFTClient) CloseProposal(ctx context.Context, signer Signer, p ProposalRef, wait Wait) (*CloseOutcome, *TxResult, error) {
	res, err := c.call(ctx, signer, &types.Close{Proposal: p.Hash, Index: p.Index}, wait)
	if err != nil || !wait.HasOutcome() {
		return nil, res, err
	}
	return closeOutcome(res)
}

func closeOutcome(res *TxResult) (*CloseOutcome, *TxResult, error) {
	yes, err := res.eventUint("Closed", "yes")
	if err != nil {
		return nil, res, err
	}
	no, err := res.eventUint("Closed", "no")
	if err != nil {
		return nil, res, err
	}
	out := &CloseOutcome{Yes: uint32(yes), No: uint32(no)}
	if _, ok := res.Event("Approved", "proposal_hash"); !ok {
		return out, res, nil
	}
	out.Approved = true
	result, _ := res.Event("Executed", "result")
	switch result {
	case "ok":
	case "error":
		code, _ := res.Event("Executed", "code")
		log, _ := res.Event("Executed", "log")
		n, err := strconv.ParseUint(code, 10, 32)
		if err != nil {
			return out, res, fmt.Errorf("subtensor: tx %s: Executed code %q: %w", res.Hash, code, err)
		}
		out.Err = types.NewChainError(uint32(n), "", log)
	default:
		return out, res, fmt.Errorf("subtensor: tx %s approved a proposal but reports no execution", res.Hash)
	}
	return out, res, nil
}

// DisapproveProposal removes an open proposal without a vote; the signer
// must be the chain's sudo key.
func (c *CometBFTClient) DisapproveProposal(ctx context.Context, sudo Signer, h types.Hash, wait Wait) (*TxResult, error) {
	return c.call(ctx, sudo, &types.DisapproveProposal{Proposal: h}, wait)
}

// AddMember adds who to a collective (the triumvirate or the senate); the
// signer must be the chain's sudo key (governance does it by proposing
// types.NewAddMember).
func (c *CometBFTClient) AddMember(ctx context.Context, sudo Signer, col types.Collective, who types.AccountID, wait Wait) (*TxResult, error) {
	return c.call(ctx, sudo, types.NewAddMember(col, who), wait)
}

// RemoveMember removes who from a collective (a senator's votes go with
// it); the signer must be the chain's sudo key.
func (c *CometBFTClient) RemoveMember(ctx context.Context, sudo Signer, col types.Collective, who types.AccountID, wait Wait) (*TxResult, error) {
	return c.call(ctx, sudo, types.NewRemoveMember(col, who), wait)
}
