package subtensor

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/substrate"
	"github.com/go-bittensor/bittensor/substrate/metadata"
	"github.com/go-bittensor/bittensor/substrate/scale"
)

// Governance on Bittensor's Substrate runtime: the triumvirate proposes
// runtime calls (the Triumvirate pallet, a collective), senators vote with
// their hotkeys through SubtensorModule.vote (signed by the coldkey that
// owns the hotkey), anyone closes a decided or expired proposal, and the
// sudo key vetoes a proposal or changes the members (SenateMembers,
// TriumvirateMembers).

// votes is a collective's Voting entry.
type votes struct {
	Index     uint32
	Threshold uint32
	Ayes      [][32]byte
	Nays      [][32]byte
	End       uint64
}

// Proposals lists the open proposals (Triumvirate.Proposals) with their
// votes and calls. The runtime does not keep a proposal's proposer or
// block, so Proposer is zero and ProposedAt 0.
func (c *SubstrateClient) Proposals(ctx context.Context, atBlock uint64) (types.ProposalsInfo, error) {
	at, n, err := c.at(ctx, atBlock)
	if err != nil {
		return types.ProposalsInfo{}, err
	}
	var hashes [][32]byte
	if _, err := c.storage(ctx, at, &hashes, "Triumvirate", "Proposals"); err != nil {
		return types.ProposalsInfo{}, err
	}
	senate, err := c.members(ctx, at, "SenateMembers")
	if err != nil {
		return types.ProposalsInfo{}, err
	}
	out := types.ProposalsInfo{Height: n, SenateSize: uint32(len(senate)), Proposals: make([]types.ProposalInfo, 0, len(hashes))}
	for _, h := range hashes {
		p, ok, err := c.proposal(ctx, at, h)
		if err != nil {
			return types.ProposalsInfo{}, err
		}
		if ok {
			out.Proposals = append(out.Proposals, p)
		}
	}
	return out, nil
}

// Proposal returns the open proposal with hash h; one that is not open is
// an error matching types.ErrNotFound.
func (c *SubstrateClient) Proposal(ctx context.Context, h types.Hash, atBlock uint64) (types.ProposalInfo, error) {
	at, n, err := c.at(ctx, atBlock)
	if err != nil {
		return types.ProposalInfo{}, err
	}
	p, ok, err := c.proposal(ctx, at, h)
	if err != nil {
		return types.ProposalInfo{}, err
	}
	if !ok {
		return types.ProposalInfo{}, types.Errorf(types.ErrNotFound, "no open proposal %s at block %d", h, n)
	}
	return p, nil
}

// proposal reads Voting(h) and ProposalOf(h) at one block.
func (c *SubstrateClient) proposal(ctx context.Context, at substrate.Hash, h [32]byte) (types.ProposalInfo, bool, error) {
	var v votes
	var call scale.Value
	reads := []substrate.StorageRead{
		{Pallet: "Triumvirate", Item: "Voting", Keys: []any{h}, Out: &v},
		{Pallet: "Triumvirate", Item: "ProposalOf", Keys: []any{h}, Out: &call},
	}
	if err := c.sc.StorageMany(ctx, at, reads); err != nil {
		return types.ProposalInfo{}, false, c.wrap(err)
	}
	if !reads[0].Found {
		return types.ProposalInfo{}, false, nil
	}
	p := types.ProposalInfo{Hash: types.Hash(h), Index: v.Index, Threshold: v.Threshold, End: v.End}
	for _, a := range v.Ayes {
		p.Ayes = append(p.Ayes, types.AccountID(a))
	}
	for _, a := range v.Nays {
		p.Nays = append(p.Nays, types.AccountID(a))
	}
	if reads[1].Found {
		p.Call = runtimeCall(call)
	}
	return p, true, nil
}

// runtimeCall describes a decoded runtime call (an enum of pallets, each an
// enum of calls) as Pallet.call with its arguments as JSON.
func runtimeCall(v scale.Value) types.ProposalCall {
	pallet, _, ok := v.Variant()
	if !ok || v.Len() != 1 {
		return types.ProposalCall{Name: v.String()}
	}
	inner := v.Index(0)
	name, _, ok := inner.Variant()
	if !ok {
		return types.ProposalCall{Name: pallet}
	}
	args := map[string]json.RawMessage{}
	for i := 0; i < inner.Len(); i++ {
		js, err := json.Marshal(inner.Index(i))
		if err != nil {
			continue
		}
		args[inner.FieldName(i)] = js
	}
	js, _ := json.Marshal(args)
	return types.ProposalCall{Name: pallet + "." + name, Args: js}
}

// Propose is not built for Substrate chains with the dev chain's call
// types: a Substrate proposal carries a runtime call. Use ProposeCall.
func (c *SubstrateClient) Propose(ctx context.Context, member Signer, call types.CallArgs, duration uint64, wait Wait) (ProposalRef, *TxResult, error) {
	return ProposalRef{}, nil, c.notSupported("propose "+call.CallName()+": a Substrate proposal carries a runtime call (SubstrateClient.ProposeCall)", nil)
}

// ProposeCall proposes the SCALE-encoded runtime call, signed by a
// triumvirate member, open for duration blocks. With WaitInclusion the
// reference names the new proposal (from Triumvirate.Proposed).
func (c *SubstrateClient) ProposeCall(ctx context.Context, member Signer, call []byte, duration uint64, wait Wait) (ProposalRef, *TxResult, error) {
	rt, err := c.runtime(ctx)
	if err != nil {
		return ProposalRef{}, nil, err
	}
	v, err := rt.Types.DecodeValue(rt.Extrinsic.CallType, call)
	if err != nil {
		return ProposalRef{}, nil, fmt.Errorf("subtensor: the proposed call does not decode in this runtime: %w", err)
	}
	res, r, err := c.call(ctx, member, wait, "Triumvirate", "propose",
		arg{"proposal", v}, arg{"length_bound", uint32(len(call))}, arg{"duration", duration})
	if err != nil || r == nil {
		return ProposalRef{}, res, err
	}
	ev, ok := r.Event("Triumvirate", "Proposed")
	if !ok {
		return ProposalRef{}, res, fmt.Errorf("subtensor: extrinsic %s emitted no Triumvirate.Proposed", r.Hash)
	}
	var ref ProposalRef
	if idx, ok := ev.Field("proposal_index"); ok {
		n, _ := idx.Uint64()
		ref.Index = uint32(n)
	}
	if h, ok := ev.Field("proposal_hash"); ok {
		b, _ := h.Bytes()
		copy(ref.Hash[:], b)
	}
	return ref, res, nil
}

// Vote votes with a senator's hotkey, signed by the coldkey that owns it
// (SubtensorModule.vote).
func (c *SubstrateClient) Vote(ctx context.Context, coldkey Signer, hotkey types.AccountID, p ProposalRef, approve bool, wait Wait) (*TxResult, error) {
	res, _, err := c.call(ctx, coldkey, wait, "SubtensorModule", "vote",
		arg{"hotkey", [32]byte(hotkey)}, arg{"proposal", [32]byte(p.Hash)}, arg{"index", p.Index}, arg{"approve", approve})
	return res, err
}

// CloseProposal closes a proposal, signed by anyone: once decided, or after
// its end. The weight and length bounds are the proposal's own, asked of
// the runtime (TransactionPaymentCallApi).
func (c *SubstrateClient) CloseProposal(ctx context.Context, signer Signer, p ProposalRef, wait Wait) (*CloseOutcome, *TxResult, error) {
	at, _, err := c.at(ctx, 0)
	if err != nil {
		return nil, nil, err
	}
	rt, err := c.sc.Runtime(ctx, at)
	if err != nil {
		return nil, nil, c.wrap(err)
	}
	e, err := rt.Storage("Triumvirate", "ProposalOf")
	if err != nil {
		return nil, nil, c.notSupported("Triumvirate.ProposalOf", err)
	}
	key, err := rt.StorageKey("Triumvirate", "ProposalOf", [32]byte(p.Hash))
	if err != nil {
		return nil, nil, err
	}
	raw, ok, err := c.sc.StorageRaw(ctx, at, key)
	if err != nil {
		return nil, nil, c.wrap(err)
	}
	if !ok {
		return nil, nil, types.Errorf(types.ErrNotFound, "no open proposal %s", p.Hash)
	}
	call, err := rt.Types.DecodeValue(e.Value, raw)
	if err != nil {
		return nil, nil, fmt.Errorf("subtensor: proposal %s: %w", p.Hash, err)
	}
	var info scale.Value
	if _, err := c.sc.CallAPI(ctx, at, &info, "TransactionPaymentCallApi", "query_call_info", call, uint32(len(raw))); err != nil {
		return nil, nil, c.wrap(fmt.Errorf("subtensor: the weight of proposal %s: %w", p.Hash, err))
	}
	weight, ok := info.Field("weight")
	if !ok {
		return nil, nil, fmt.Errorf("subtensor: query_call_info answered %s without a weight", info)
	}
	res, r, err := c.call(ctx, signer, wait, "Triumvirate", "close",
		arg{"proposal_hash", [32]byte(p.Hash)}, arg{"index", p.Index},
		arg{"proposal_weight_bound", weight}, arg{"length_bound", uint32(len(raw))})
	if err != nil || r == nil {
		return nil, res, err
	}
	return closeOutcomeOf(rt, r), res, nil
}

// closeOutcomeOf reads Closed, Approved and Executed from a close's events.
func closeOutcomeOf(rt *metadata.Runtime, r *substrate.Receipt) *CloseOutcome {
	out := &CloseOutcome{}
	if ev, ok := r.Event("Triumvirate", "Closed"); ok {
		if v, ok := ev.Field("yes"); ok {
			n, _ := v.Uint64()
			out.Yes = uint32(n)
		}
		if v, ok := ev.Field("no"); ok {
			n, _ := v.Uint64()
			out.No = uint32(n)
		}
	}
	if _, ok := r.Event("Triumvirate", "Approved"); !ok {
		return out
	}
	out.Approved = true
	if ev, ok := r.Event("Triumvirate", "Executed"); ok {
		if v, ok := ev.Field("result"); ok {
			if name, _, ok := v.Variant(); ok && name == "Err" {
				out.Err = dispatchError(substrate.DecodeDispatchError(rt, v.Index(0)))
			}
		}
	}
	return out
}

// DisapproveProposal vetoes a proposal (Triumvirate.disapprove_proposal,
// Root: signed by the sudo key).
func (c *SubstrateClient) DisapproveProposal(ctx context.Context, sudo Signer, h types.Hash, wait Wait) (*TxResult, error) {
	return c.sendAdmin(ctx, sudo, wait, "Triumvirate", "disapprove_proposal", arg{"proposal_hash", [32]byte(h)})
}

// AddMember adds who to a collective (add_member of SenateMembers or
// TriumvirateMembers, Root: signed by the sudo key).
func (c *SubstrateClient) AddMember(ctx context.Context, sudo Signer, col types.Collective, who types.AccountID, wait Wait) (*TxResult, error) {
	return c.sendAdmin(ctx, sudo, wait, string(col), "add_member", arg{"who", multiAddress(who)})
}

// RemoveMember removes who from a collective (remove_member, Root).
func (c *SubstrateClient) RemoveMember(ctx context.Context, sudo Signer, col types.Collective, who types.AccountID, wait Wait) (*TxResult, error) {
	return c.sendAdmin(ctx, sudo, wait, string(col), "remove_member", arg{"who", multiAddress(who)})
}
