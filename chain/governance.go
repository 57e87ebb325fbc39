package chain

import (
	"encoding/binary"
	"slices"
	"sort"
	"strconv"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
)

// The governance module (the reference runtime's pallet_collective and
// pallet_membership instances, runtime/src/lib.rs): two membership lists, the
// triumvirate (up to MaxTriumvirateMembers accounts, who propose) and the
// senate (up to MaxSenateMembers root hotkeys, who vote; root_register fills
// it), both changed by Root; proposals of any call, voted on by senators'
// coldkeys, closed by anyone, and run with Root authority (runAsRoot) when
// approved.
//
// A proposal's threshold is fixed when it is made: half the senate, rounded
// down, plus one. It is approved as soon as its ayes reach the threshold,
// disapproved as soon as its nays make that impossible, and otherwise
// decided after its end with abstentions counting as nays (the reference's
// default vote without a prime member). An approved proposal runs only if
// its ayes are more than half of the senate at the close (the reference's
// EnsureProportionMoreThan<1, 2> on SubtensorModule::sudo), else its
// execution fails with BadOrigin. Either way the close succeeds, reports the
// call's outcome in its Executed event and removes the proposal.

// proposal is an open proposal: the reference's ProposalOf and Voting.
type proposal struct {
	Index      uint32            `cbor:"1,keyasint"`
	Proposer   types.AccountID   `cbor:"2,keyasint"`
	Threshold  uint32            `cbor:"3,keyasint"`
	Ayes       []types.AccountID `cbor:"4,keyasint"` // senators' hotkeys, in voting order
	Nays       []types.AccountID `cbor:"5,keyasint"`
	ProposedAt uint64            `cbor:"6,keyasint"`
	End        uint64            `cbor:"7,keyasint"`
	Call       types.Call        `cbor:"8,keyasint"`
}

// collectivePrefix is the state prefix of a collective's members.
func collectivePrefix(c types.Collective) byte {
	if c == types.Senate {
		return prefixSenateMember
	}
	return prefixTriumvirateMember
}

// IsMember reports whether who is a member of the collective.
func (s *State) IsMember(c types.Collective, who types.AccountID) bool {
	return s.kv.Get(accountKeyP(collectivePrefix(c), who)) != nil
}

// Members returns the collective's members, by key (the order Bittensor's
// membership pallet keeps them in).
func (s *State) Members(c types.Collective) []types.AccountID {
	var out []types.AccountID
	start := []byte{collectivePrefix(c)}
	s.kv.Iterate(start, prefixEnd(start), func(k, _ []byte) bool {
		var a types.AccountID
		copy(a[:], k[1:])
		out = append(out, a)
		return true
	})
	return out
}

func (s *State) setMember(c types.Collective, who types.AccountID) {
	s.kv.Set(accountKeyP(collectivePrefix(c), who), []byte{})
}

// maxMembers is the size of a full collective.
func maxMembers(p *types.GovernanceParams, c types.Collective) int {
	if c == types.Senate {
		return int(p.MaxSenateMembers)
	}
	return int(p.MaxTriumvirateMembers)
}

// removeMember takes who out of the collective; a senator's votes on open
// proposals go with it.
func removeMember(st *State, c types.Collective, who types.AccountID) {
	st.kv.Delete(accountKeyP(collectivePrefix(c), who))
	if c == types.Senate {
		removeVotes(st, who)
	}
}

// removeVotes removes hotkey's votes from every open proposal.
func removeVotes(st *State, hotkey types.AccountID) {
	for _, hp := range st.Proposals() {
		p := hp.p
		ayes := slices.DeleteFunc(slices.Clone(p.Ayes), func(a types.AccountID) bool { return a == hotkey })
		nays := slices.DeleteFunc(slices.Clone(p.Nays), func(a types.AccountID) bool { return a == hotkey })
		if len(ayes) != len(p.Ayes) || len(nays) != len(p.Nays) {
			p.Ayes, p.Nays = ayes, nays
			st.setProposal(hp.hash, &p)
		}
	}
}

// moveSenator gives old's senate seat and votes to new (swap_hotkey).
func moveSenator(st *State, old, new types.AccountID) {
	if !st.IsMember(types.Senate, old) {
		return
	}
	st.kv.Delete(accountKeyP(prefixSenateMember, old))
	st.setMember(types.Senate, new)
	for _, hp := range st.Proposals() {
		p, changed := hp.p, false
		for _, votes := range [][]types.AccountID{p.Ayes, p.Nays} {
			for i, a := range votes {
				if a == old {
					votes[i], changed = new, true
				}
			}
		}
		if changed {
			st.setProposal(hp.hash, &p)
		}
	}
}

// hashedProposal is an open proposal with its hash.
type hashedProposal struct {
	hash types.Hash
	p    proposal
}

// Proposal returns the open proposal with hash h.
func (s *State) Proposal(h types.Hash) (proposal, bool) {
	var p proposal
	v := s.kv.Get(accountKeyP(prefixProposal, h))
	if v == nil {
		return p, false
	}
	mustDecode(v, &p, "proposal")
	return p, true
}

// Proposals returns every open proposal, by index.
func (s *State) Proposals() []hashedProposal {
	var out []hashedProposal
	start := []byte{prefixProposal}
	s.kv.Iterate(start, prefixEnd(start), func(k, v []byte) bool {
		var hp hashedProposal
		copy(hp.hash[:], k[1:])
		mustDecode(v, &hp.p, "proposal")
		out = append(out, hp)
		return true
	})
	sort.Slice(out, func(i, j int) bool { return out[i].p.Index < out[j].p.Index })
	return out
}

func (s *State) setProposal(h types.Hash, p *proposal) {
	s.kv.Set(accountKeyP(prefixProposal, h), mustEncode(p))
}

func (s *State) deleteProposal(h types.Hash) { s.kv.Delete(accountKeyP(prefixProposal, h)) }

// ProposalCount is the index the next proposal gets (every proposal ever
// made counts).
func (s *State) ProposalCount() uint32 {
	v := s.kv.Get(singleKey(keyProposalCount))
	if len(v) != 4 {
		return 0
	}
	return binary.BigEndian.Uint32(v)
}

// propose is Triumvirate.propose, signed by a triumvirate member.
func propose(ctx *Context, a *types.Propose) error {
	st, gp := ctx.State, &ctx.Params.Governance
	// The proposal is decoded first, as the reference decodes the boxed
	// call with the extrinsic: a call the chain does not know (or not yet,
	// at its app version), or whose arguments are not canonical, is refused
	// whoever proposes it.
	if _, err := decodeCall(st, a.Proposal); err != nil {
		return err
	}
	if !st.IsMember(types.Triumvirate, ctx.Signer) {
		return types.Errorf(types.ErrNotMember, "%s is not a triumvirate member: only members propose", ctx.Signer)
	}
	if a.Duration < gp.MotionDuration {
		return types.Errorf(types.ErrWrongDuration, "voting for %d blocks: the motion duration is at least %d blocks", a.Duration, gp.MotionDuration)
	}
	end := ctx.Height + a.Duration
	if end < ctx.Height {
		return types.Errorf(types.ErrWrongDuration, "voting for %d blocks ends past the last block number", a.Duration)
	}
	length, err := types.ProposalLength(a.Proposal)
	if err != nil {
		return types.Errorf(types.ErrBadCallArgs, "%v", err)
	}
	if a.LengthBound != 0 && length > int(a.LengthBound) {
		return types.Errorf(types.ErrWrongProposalLength, "the proposal encodes to %d bytes, above the length bound %d", length, a.LengthBound)
	}
	hash, err := types.ProposalHash(a.Proposal)
	if err != nil {
		return types.Errorf(types.ErrBadCallArgs, "%v", err)
	}
	if old, ok := st.Proposal(hash); ok {
		return types.Errorf(types.ErrDuplicateProposal, "proposal %d (%s) already proposes %s with these arguments; close it first", old.Index, hash, a.Proposal.Name)
	}
	if open := len(st.Proposals()); open >= int(gp.MaxProposals) {
		return types.Errorf(types.ErrTooManyProposals, "%d proposals are open, the most allowed: close one first", open)
	}
	index := st.ProposalCount()
	st.kv.Set(singleKey(keyProposalCount), binary.BigEndian.AppendUint32(nil, index+1))
	threshold := uint32(len(st.Members(types.Senate)))/2 + 1
	p := proposal{Index: index, Proposer: ctx.Signer, Threshold: threshold, ProposedAt: ctx.Height, End: end, Call: a.Proposal}
	st.setProposal(hash, &p)
	ctx.Emit("Proposed", "account", ctx.Signer.String(), "proposal_index", strconv.FormatUint(uint64(index), 10),
		"proposal_hash", hash.String(), "threshold", strconv.FormatUint(uint64(threshold), 10),
		"end", strconv.FormatUint(end, 10), "call", a.Proposal.Name)
	return nil
}

// vote is SubtensorModule.vote, signed by the coldkey of a senator's
// hotkey.
func vote(ctx *Context, a *types.Vote) error {
	st := ctx.State
	if !st.IsMember(types.Senate, a.Hotkey) {
		return types.Errorf(types.ErrNotSenateMember, "hotkey %s has no senate seat", a.Hotkey)
	}
	if owner, ok := st.Owner(a.Hotkey); !ok || owner != ctx.Signer {
		return types.Errorf(types.ErrNonAssociatedColdKey, "hotkey %s is owned by %s, not %s: sign the vote with its coldkey", a.Hotkey, owner, ctx.Signer)
	}
	p, err := openProposal(st, a.Proposal, a.Index)
	if err != nil {
		return err
	}
	same, other := &p.Ayes, &p.Nays
	if !a.Approve {
		same, other = other, same
	}
	if slices.Contains(*same, a.Hotkey) {
		return types.Errorf(types.ErrDuplicateVote, "%s already voted %s on proposal %d", a.Hotkey, ayeOrNay(a.Approve), a.Index)
	}
	*same = append(*same, a.Hotkey)
	*other = slices.DeleteFunc(*other, func(x types.AccountID) bool { return x == a.Hotkey })
	st.setProposal(a.Proposal, &p)
	ctx.Emit("Voted", "account", a.Hotkey.String(), "proposal_hash", a.Proposal.String(), "voted", ayeOrNay(a.Approve),
		"yes", strconv.Itoa(len(p.Ayes)), "no", strconv.Itoa(len(p.Nays)))
	return nil
}

func ayeOrNay(approve bool) string {
	if approve {
		return "aye"
	}
	return "nay"
}

// openProposal loads the proposal with hash h, which must have index.
func openProposal(st *State, h types.Hash, index uint32) (proposal, error) {
	p, ok := st.Proposal(h)
	if !ok {
		return p, types.Errorf(types.ErrProposalMissing, "no open proposal has hash %s", h)
	}
	if p.Index != index {
		return p, types.Errorf(types.ErrWrongIndex, "proposal %s has index %d, not %d", h, p.Index, index)
	}
	return p, nil
}

// closeProposal is Triumvirate.close, signed by anyone.
func closeProposal(ctx *Context, a *types.Close) error {
	st := ctx.State
	p, err := openProposal(st, a.Proposal, a.Index)
	if err != nil {
		return err
	}
	seats := uint32(len(st.Members(types.Senate)))
	yes, no := uint32(len(p.Ayes)), uint32(len(p.Nays))
	approved := yes >= p.Threshold
	disapproved := satSub32(seats, no) < p.Threshold
	if !approved && !disapproved {
		if ctx.Height < p.End {
			return types.Errorf(types.ErrTooEarly, "proposal %d has %d ayes and %d nays of %d seats (threshold %d): undecided until block %d", p.Index, yes, no, seats, p.Threshold, p.End)
		}
		// No prime member: abstentions count as nays.
		no += satSub32(seats, yes+no)
		approved = yes >= p.Threshold
	}
	if approved && a.LengthBound != 0 {
		if length, err := types.ProposalLength(p.Call); err != nil || length > int(a.LengthBound) {
			return types.Errorf(types.ErrWrongProposalLength, "the proposal encodes to %d bytes, above the length bound %d", length, a.LengthBound)
		}
	}
	st.deleteProposal(a.Proposal)
	hash := a.Proposal.String()
	ctx.Emit("Closed", "proposal_hash", hash, "yes", strconv.FormatUint(uint64(yes), 10), "no", strconv.FormatUint(uint64(no), 10))
	if !approved {
		ctx.Emit("Disapproved", "proposal_hash", hash)
		return nil
	}
	ctx.Emit("Approved", "proposal_hash", hash)
	executeProposal(ctx, hash, &p, yes, seats)
	return nil
}

// executeProposal runs an approved proposal's call with Root authority and
// reports its outcome (and, when it succeeds, its events).
func executeProposal(ctx *Context, hash string, p *proposal, yes, seats uint32) {
	var err error
	if 2*uint64(yes) <= uint64(seats) {
		err = types.Errorf(types.ErrBadOrigin, "approved by %d of %d seats, not more than half: the senate grew since the proposal", yes, seats)
	} else if args, derr := decodeCall(ctx.State, p.Call); derr != nil {
		err = derr
	} else {
		var inner []abci.Event
		inner, err = runAsRoot(ctx.State, ctx.Height, args)
		ctx.events = append(ctx.events, inner...)
	}
	attrs := []string{"proposal_hash", hash, "call", p.Call.Name}
	if err != nil {
		e := types.CodeOf(err)
		attrs = append(attrs, "result", "error", "error", e.Name, "code", strconv.FormatUint(uint64(e.Code), 10), "log", err.Error())
	} else {
		attrs = append(attrs, "result", "ok")
	}
	ctx.Emit("Executed", attrs...)
}

func satSub32(a, b uint32) uint32 {
	if b > a {
		return 0
	}
	return a - b
}

// disapproveProposal is Triumvirate.disapprove_proposal (Root).
func disapproveProposal(ctx *Context, a *types.DisapproveProposal) error {
	if err := ensureRoot(ctx); err != nil {
		return err
	}
	if _, ok := ctx.State.Proposal(a.Proposal); !ok {
		return types.Errorf(types.ErrProposalMissing, "no open proposal has hash %s", a.Proposal)
	}
	ctx.State.deleteProposal(a.Proposal)
	ctx.Emit("Disapproved", "proposal_hash", a.Proposal.String())
	return nil
}

// addMember is <collective>.add_member (Root).
func addMember(ctx *Context, a *types.AddMember) error {
	if err := ensureRoot(ctx); err != nil {
		return err
	}
	c := a.Collective()
	if err := canAdd(ctx, c, a.Who, 0); err != nil {
		return err
	}
	ctx.State.setMember(c, a.Who)
	ctx.Emit("MemberAdded", "collective", string(c), "who", a.Who.String())
	return nil
}

// canAdd checks that who may join collective c once leaving members leave.
func canAdd(ctx *Context, c types.Collective, who types.AccountID, leaving int) error {
	if ctx.State.IsMember(c, who) {
		return types.Errorf(types.ErrAlreadyMember, "%s is already in %s", who, c)
	}
	if n, max := len(ctx.State.Members(c))-leaving, maxMembers(&ctx.Params.Governance, c); n >= max {
		return types.Errorf(types.ErrTooManyMembers, "%s has %d members, the most it may have", c, n)
	}
	return nil
}

// removeMemberCall is <collective>.remove_member (Root).
func removeMemberCall(ctx *Context, a *types.RemoveMember) error {
	if err := ensureRoot(ctx); err != nil {
		return err
	}
	c := a.Collective()
	if !ctx.State.IsMember(c, a.Who) {
		return types.Errorf(types.ErrNotAMember, "%s is not in %s", a.Who, c)
	}
	removeMember(ctx.State, c, a.Who)
	ctx.Emit("MemberRemoved", "collective", string(c), "who", a.Who.String())
	return nil
}

// swapMember is <collective>.swap_member (Root). Swapping a member for
// itself changes nothing, as in the reference.
func swapMember(ctx *Context, a *types.SwapMember) error {
	if err := ensureRoot(ctx); err != nil {
		return err
	}
	if a.Remove == a.Add {
		return nil
	}
	c := a.Collective()
	if !ctx.State.IsMember(c, a.Remove) {
		return types.Errorf(types.ErrNotAMember, "%s is not in %s", a.Remove, c)
	}
	if err := canAdd(ctx, c, a.Add, 1); err != nil {
		return err
	}
	removeMember(ctx.State, c, a.Remove)
	ctx.State.setMember(c, a.Add)
	ctx.Emit("MembersSwapped", "collective", string(c), "removed", a.Remove.String(), "added", a.Add.String())
	return nil
}
