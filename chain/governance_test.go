package chain

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/wallet"
)

// senator is a senate member: its hotkey and the coldkey that votes for it.
type senator struct {
	cold *wallet.Keypair
	hk   types.AccountID
}

// withSenate is a governance chain with a subnet (owned by //Alice) and a
// senate of //Dave's, //Eve's and //Ferdie's root hotkeys.
func withSenate(t *testing.T, g Genesis) (*subtensorChain, uint16, []senator) {
	t.Helper()
	c := newSubtensorChain(t, g)
	netuid := c.createSubnet(key(t, "//Alice"))
	var out []senator
	for _, name := range []string{"Dave", "Eve", "Ferdie"} {
		s := senator{key(t, "//"+name), id(t, "//"+name+"//senate")}
		c.rootRegister(s.cold, s.hk)
		out = append(out, s)
	}
	if n := len(c.senate()); n != 3 {
		t.Fatalf("senate of %d", n)
	}
	return c, netuid, out
}

// setTempo is the call AdminUtils.sudo_set_tempo(netuid, v).
func setTempo(t testing.TB, netuid uint16, v uint64) types.Call {
	t.Helper()
	args, err := types.NewSudoSet(types.CallSudoSetTempo, netuid, v)
	if err != nil {
		t.Fatal(err)
	}
	return encodeCall(t, args)
}

func encodeCall(t testing.TB, args types.CallArgs) types.Call {
	t.Helper()
	call, err := types.EncodeCall(args)
	if err != nil {
		t.Fatal(err)
	}
	return call
}

// propose makes a proposal of call signed by member and returns its hash
// and index.
func (c *subtensorChain) propose(member *wallet.Keypair, call types.Call, duration uint64) (types.Hash, uint32) {
	c.t.Helper()
	evs := c.must(member, &types.Propose{Proposal: call, Duration: duration})
	h, err := types.ParseHash(eventStr(evs, "Proposed", "proposal_hash"))
	if err != nil {
		c.t.Fatal(err)
	}
	if want, _ := types.ProposalHash(call); h != want {
		c.t.Fatalf("proposal hash %s, want %s", h, want)
	}
	return h, uint32(eventInt(c.t, evs, "Proposed", "proposal_index"))
}

func (c *subtensorChain) vote(cold *wallet.Keypair, hk types.AccountID, h types.Hash, index uint32, approve bool) {
	c.t.Helper()
	c.must(cold, &types.Vote{Hotkey: hk, Proposal: h, Index: index, Approve: approve})
}

func eventStr(evs []abci.Event, kind, attr string) string {
	for _, e := range evs {
		if e.Type == kind {
			for _, a := range e.Attributes {
				if a.Key == attr {
					return a.Value
				}
			}
		}
	}
	return ""
}

func TestGovernanceApprovedRound(t *testing.T) {
	c, netuid, sen := withSenate(t, govGenesis(t))
	bob, ferdie := key(t, "//Bob"), key(t, "//Ferdie")
	bobBefore := c.account(bob).Free
	hash, index := c.propose(bob, setTempo(t, netuid, 33), 10)
	if got := c.account(bob).Free; got != bobBefore {
		t.Errorf("propose cost %d", bobBefore-got)
	}
	p, ok := c.state().Proposal(hash)
	if !ok || p.Threshold != 2 || p.Index != index || p.Proposer != id(t, "//Bob") || p.End != uint64(c.height)+10 {
		t.Fatalf("proposal %+v", p)
	}

	daveBefore := c.account(sen[0].cold).Free
	c.vote(sen[0].cold, sen[0].hk, hash, index, true)
	if c.account(sen[0].cold).Free >= daveBefore {
		t.Error("a vote paid no fee")
	}
	// One aye of three seats with threshold 2: undecided.
	c.failsCleanly(ferdie, &types.Close{Proposal: hash, Index: index}, types.ErrTooEarly)
	c.vote(sen[1].cold, sen[1].hk, hash, index, true)

	// Anyone may close; the second aye approves at once.
	evs := c.must(ferdie, &types.Close{Proposal: hash, Index: index})
	for _, want := range [][]string{
		{"Closed", "proposal_hash", hash.String(), "yes", "2", "no", "0"},
		{"Approved", "proposal_hash", hash.String()},
		{"ParameterSet", "param", "tempo", "value", "33"},
		{"Executed", "proposal_hash", hash.String(), "result", "ok"},
	} {
		if !hasEvent(evs, want[0], want[1:]...) {
			t.Errorf("no event %v in %v", want, evs)
		}
	}
	if got := c.state().Hyperparams(netuid).Tempo; got != 33 {
		t.Errorf("tempo %d after the approved proposal", got)
	}
	if _, ok := c.state().Proposal(hash); ok {
		t.Error("closed proposal still open")
	}
	c.failsCleanly(sen[2].cold, &types.Vote{Hotkey: sen[2].hk, Proposal: hash, Index: index, Approve: true}, types.ErrProposalMissing)
	c.failsCleanly(ferdie, &types.Close{Proposal: hash, Index: index}, types.ErrProposalMissing)
	// The same call may be proposed again once the first is closed, with a
	// new index.
	if _, i2 := c.propose(bob, setTempo(t, netuid, 33), 10); i2 != index+1 {
		t.Errorf("next index %d", i2)
	}
}

func TestGovernanceDisapproved(t *testing.T) {
	c, netuid, sen := withSenate(t, govGenesis(t))
	alice := key(t, "//Alice")
	before := c.state().Hyperparams(netuid).Tempo

	// Two nays of three seats: the threshold of 2 is out of reach.
	hash, index := c.propose(alice, setTempo(t, netuid, 44), 10)
	c.vote(sen[0].cold, sen[0].hk, hash, index, false)
	c.vote(sen[1].cold, sen[1].hk, hash, index, true)
	c.vote(sen[1].cold, sen[1].hk, hash, index, false) // switching sides
	evs := c.must(key(t, "//Charlie"), &types.Close{Proposal: hash, Index: index})
	if !hasEvent(evs, "Closed", "yes", "0", "no", "2") || !hasEvent(evs, "Disapproved", "proposal_hash", hash.String()) || hasEvent(evs, "Executed") {
		t.Errorf("events %v", evs)
	}
	// After the end an undecided proposal is decided with abstentions as
	// nays: one aye of three fails.
	hash, index = c.propose(alice, setTempo(t, netuid, 45), 5)
	c.vote(sen[2].cold, sen[2].hk, hash, index, true)
	end := c.state().Proposals()[0].p.End
	for uint64(c.height)+1 < end {
		c.failsCleanly(alice, &types.Close{Proposal: hash, Index: index}, types.ErrTooEarly)
	}
	evs = c.must(alice, &types.Close{Proposal: hash, Index: index})
	if !hasEvent(evs, "Closed", "yes", "1", "no", "2") || !hasEvent(evs, "Disapproved") {
		t.Errorf("events after end %v", evs)
	}
	if got := c.state().Hyperparams(netuid).Tempo; got != before {
		t.Errorf("tempo %d after rejected proposals, was %d", got, before)
	}
}

// An approved proposal whose call fails is closed all the same: the
// outcome is in the Executed event and nothing else changes.
func TestGovernanceExecutionFailure(t *testing.T) {
	c, _, sen := withSenate(t, govGenesis(t))
	alice := key(t, "//Alice")
	for _, tt := range []struct {
		call types.Call
		want *types.Error
	}{
		{setTempo(t, 9, 20), types.ErrAdminNetworkDoesNotExist},
		{encodeCall(t, &types.Transfer{Dest: id(t, "//Bob"), Value: tao}), types.ErrBadOrigin},
	} {
		hash, index := c.propose(alice, tt.call, 10)
		c.vote(sen[0].cold, sen[0].hk, hash, index, true)
		c.vote(sen[1].cold, sen[1].hk, hash, index, true)
		is := c.issuance()
		evs := c.must(alice, &types.Close{Proposal: hash, Index: index})
		if !hasEvent(evs, "Executed", "proposal_hash", hash.String(), "result", "error", "error", tt.want.Name) {
			t.Errorf("%s: events %v", tt.call.Name, evs)
		}
		if len(c.state().Proposals()) != 0 || c.issuance() != is {
			t.Errorf("%s: after a failed execution: proposals %d, issuance %d → %d", tt.call.Name, len(c.state().Proposals()), is, c.issuance())
		}
	}
}

// The threshold is fixed when the proposal is made; an approved proposal
// still needs more than half of the senate at the close to run.
func TestGovernanceThresholdFixedAtProposal(t *testing.T) {
	c, netuid, sen := withSenate(t, govGenesis(t))
	alice := key(t, "//Alice")
	hash, index := c.propose(alice, setTempo(t, netuid, 21), 10)
	// The senate grows to five.
	for _, name := range []string{"//Alice//senate", "//Bob//senate"} {
		c.must(alice, types.NewAddMember(types.Senate, id(t, name)))
	}
	later, laterIndex := c.propose(alice, setTempo(t, netuid, 22), 10)
	if p, _ := c.state().Proposal(later); p.Threshold != 3 {
		t.Errorf("threshold with five senators %d", p.Threshold)
	}
	c.vote(sen[0].cold, sen[0].hk, hash, index, true)
	c.vote(sen[1].cold, sen[1].hk, hash, index, true)
	evs := c.must(alice, &types.Close{Proposal: hash, Index: index})
	if !hasEvent(evs, "Approved") || !hasEvent(evs, "Executed", "result", "error", "error", "BadOrigin") {
		t.Errorf("events %v", evs)
	}
	if got := c.state().Hyperparams(netuid).Tempo; got == 21 {
		t.Error("approved by 2 of 5 seats, yet applied")
	}
	for _, s := range sen {
		c.vote(s.cold, s.hk, later, laterIndex, true)
	}
	if evs := c.must(alice, &types.Close{Proposal: later, Index: laterIndex}); !hasEvent(evs, "Executed", "result", "ok") {
		t.Errorf("3 of 5: %v", evs)
	}
	if got := c.state().Hyperparams(netuid).Tempo; got != 22 {
		t.Errorf("tempo %d", got)
	}
}

func TestProposeFailures(t *testing.T) {
	g := govGenesis(t)
	g.Params.Governance.MaxProposals = 2
	c, netuid, _ := withSenate(t, g)
	alice, dave := key(t, "//Alice"), key(t, "//Dave")
	good := setTempo(t, netuid, 30)
	c.propose(alice, good, 5)
	length, _ := types.ProposalLength(setTempo(t, netuid, 31))
	tests := []struct {
		name   string
		signer *wallet.Keypair
		args   *types.Propose
		want   *types.Error
	}{
		{"not a member", dave, &types.Propose{Proposal: setTempo(t, netuid, 31), Duration: 5}, types.ErrNotMember},
		{"short duration", alice, &types.Propose{Proposal: setTempo(t, netuid, 31), Duration: 4}, types.ErrWrongDuration},
		{"overflowing duration", alice, &types.Propose{Proposal: setTempo(t, netuid, 31), Duration: ^uint64(0)}, types.ErrWrongDuration},
		{"length bound", alice, &types.Propose{Proposal: setTempo(t, netuid, 31), Duration: 5, LengthBound: uint32(length) - 1}, types.ErrWrongProposalLength},
		{"duplicate", alice, &types.Propose{Proposal: good, Duration: 7}, types.ErrDuplicateProposal},
		{"unknown call", alice, &types.Propose{Proposal: types.Call{Name: "Nope.nope", Args: []byte{0xa0}}, Duration: 5}, types.ErrUnknownCall},
		{"bad arguments", alice, &types.Propose{Proposal: types.Call{Name: types.CallSudoSetTempo, Args: []byte{0x01}}, Duration: 5}, types.ErrBadCallArgs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			c.failsCleanly(tt.signer, tt.args, tt.want)
		})
	}
	c.t = t
	c.must(alice, &types.Propose{Proposal: setTempo(t, netuid, 31), Duration: 5, LengthBound: uint32(length)})
	c.failsCleanly(key(t, "//Charlie"), &types.Propose{Proposal: setTempo(t, netuid, 32), Duration: 5}, types.ErrTooManyProposals)
}

func TestVoteFailures(t *testing.T) {
	c, netuid, sen := withSenate(t, govGenesis(t))
	alice := key(t, "//Alice")
	hash, index := c.propose(alice, setTempo(t, netuid, 30), 5)
	c.vote(sen[0].cold, sen[0].hk, hash, index, true)
	nonSenator := id(t, "//Dave//other")
	c.stakedHotkey(sen[0].cold, netuid, nonSenator, 0)
	tests := []struct {
		name   string
		signer *wallet.Keypair
		args   *types.Vote
		want   *types.Error
	}{
		{"not a senator", sen[0].cold, &types.Vote{Hotkey: nonSenator, Proposal: hash, Index: index, Approve: true}, types.ErrNotSenateMember},
		{"not the owner", sen[1].cold, &types.Vote{Hotkey: sen[0].hk, Proposal: hash, Index: index, Approve: false}, types.ErrNonAssociatedColdKey},
		{"no such proposal", sen[1].cold, &types.Vote{Hotkey: sen[1].hk, Proposal: types.Hash{1}, Index: index, Approve: true}, types.ErrProposalMissing},
		{"wrong index", sen[1].cold, &types.Vote{Hotkey: sen[1].hk, Proposal: hash, Index: index + 1, Approve: true}, types.ErrWrongIndex},
		{"same vote twice", sen[0].cold, &types.Vote{Hotkey: sen[0].hk, Proposal: hash, Index: index, Approve: true}, types.ErrDuplicateVote},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			c.failsCleanly(tt.signer, tt.args, tt.want)
		})
	}
	c.t = t
	// A close with a wrong index changes nothing either.
	c.failsCleanly(alice, &types.Close{Proposal: hash, Index: index + 1}, types.ErrWrongIndex)
}

func TestMembership(t *testing.T) {
	c, netuid, sen := withSenate(t, govGenesis(t))
	alice, dave := key(t, "//Alice"), key(t, "//Dave")
	daveID, eveID := id(t, "//Dave"), id(t, "//Eve")
	tests := []struct {
		name   string
		signer *wallet.Keypair
		args   types.CallArgs
		want   *types.Error
	}{
		{"not root", dave, types.NewAddMember(types.Triumvirate, daveID), types.ErrBadOrigin},
		{"full", alice, types.NewAddMember(types.Triumvirate, daveID), types.ErrTooManyMembers},
		{"already a member", alice, types.NewAddMember(types.Triumvirate, id(t, "//Bob")), types.ErrAlreadyMember},
		{"remove a non-member", alice, types.NewRemoveMember(types.Triumvirate, daveID), types.ErrNotAMember},
		{"swap out a non-member", alice, types.NewSwapMember(types.Triumvirate, daveID, eveID), types.ErrNotAMember},
		{"swap in a member", alice, types.NewSwapMember(types.Triumvirate, id(t, "//Bob"), id(t, "//Charlie")), types.ErrAlreadyMember},
		{"senate, not root", dave, types.NewRemoveMember(types.Senate, sen[0].hk), types.ErrBadOrigin},
		{"disapprove, not root", dave, &types.DisapproveProposal{Proposal: types.Hash{1}}, types.ErrBadOrigin},
		{"disapprove a missing proposal", alice, &types.DisapproveProposal{Proposal: types.Hash{1}}, types.ErrProposalMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			c.failsCleanly(tt.signer, tt.args, tt.want)
		})
	}
	c.t = t

	// Governance itself swaps Charlie for Dave in the triumvirate: the
	// proposal runs with Root authority, and Dave may then propose.
	hash, index := c.propose(alice, encodeCall(t, types.NewSwapMember(types.Triumvirate, id(t, "//Charlie"), daveID)), 5)
	c.vote(sen[0].cold, sen[0].hk, hash, index, true)
	c.vote(sen[1].cold, sen[1].hk, hash, index, true)
	evs := c.must(dave, &types.Close{Proposal: hash, Index: index})
	if !hasEvent(evs, "MembersSwapped", "collective", "TriumvirateMembers", "added", daveID.String()) || !hasEvent(evs, "Executed", "result", "ok") {
		t.Errorf("events %v", evs)
	}
	hash, index = c.propose(dave, setTempo(t, netuid, 40), 5)
	c.failsCleanly(key(t, "//Charlie"), &types.Propose{Proposal: setTempo(t, netuid, 41), Duration: 5}, types.ErrNotMember)

	// Removing a senator removes its votes.
	c.vote(sen[2].cold, sen[2].hk, hash, index, false)
	c.vote(sen[1].cold, sen[1].hk, hash, index, true)
	c.must(alice, types.NewRemoveMember(types.Senate, sen[2].hk))
	if p, _ := c.state().Proposal(hash); len(p.Nays) != 0 || len(p.Ayes) != 1 {
		t.Errorf("votes after removing a senator: ayes %v nays %v", p.Ayes, p.Nays)
	}
	// The sudo key disapproves an open proposal.
	if evs := c.must(alice, &types.DisapproveProposal{Proposal: hash}); !hasEvent(evs, "Disapproved", "proposal_hash", hash.String()) {
		t.Errorf("events %v", evs)
	}
	if len(c.state().Proposals()) != 0 {
		t.Error("disapproved proposal still open")
	}
}

// swap_hotkey moves a senator's seat and votes to the new hotkey.
func TestSwapHotkeyMovesSenateSeat(t *testing.T) {
	c, netuid, sen := withSenate(t, govGenesis(t))
	hash, index := c.propose(key(t, "//Alice"), setTempo(t, netuid, 30), 5)
	c.vote(sen[0].cold, sen[0].hk, hash, index, true)
	newHK := id(t, "//Dave//new")
	c.must(sen[0].cold, &types.SwapHotkey{Hotkey: sen[0].hk, NewHotkey: newHK})
	st := c.state()
	if st.IsMember(types.Senate, sen[0].hk) || !st.IsMember(types.Senate, newHK) {
		t.Errorf("senate %v", c.senate())
	}
	if p, _ := st.Proposal(hash); len(p.Ayes) != 1 || p.Ayes[0] != newHK {
		t.Errorf("ayes %v", p.Ayes)
	}
	c.failsCleanly(sen[0].cold, &types.Vote{Hotkey: newHK, Proposal: hash, Index: index, Approve: true}, types.ErrDuplicateVote)
}

func TestGovernanceQueries(t *testing.T) {
	c, netuid, sen := withSenate(t, govGenesis(t))
	alice := key(t, "//Alice")
	hash, index := c.propose(alice, setTempo(t, netuid, 30), 5)
	c.vote(sen[1].cold, sen[1].hk, hash, index, false)

	var tri types.TriumvirateInfo
	c.query(types.QueryTriumvirate, 0, &tri)
	if len(tri.Members) != 3 || tri.MaxMembers != 3 || tri.Height != uint64(c.height) {
		t.Errorf("triumvirate %+v", tri)
	}
	var sn types.SenateInfo
	c.query(types.QuerySenate, 0, &sn)
	if len(sn.Members) != 3 || sn.MaxMembers != 12 {
		t.Fatalf("senate %+v", sn)
	}
	for i := 1; i < len(sn.Members); i++ {
		if sn.Members[i-1].Hotkey.Compare(sn.Members[i].Hotkey) >= 0 {
			t.Errorf("senate not in key order: %+v", sn.Members)
		}
	}
	for _, m := range sn.Members {
		if m.RootUID < 0 || m.Owner.IsZero() {
			t.Errorf("senator %+v", m)
		}
	}
	var ps types.ProposalsInfo
	c.query(types.QueryProposals, 0, &ps)
	if len(ps.Proposals) != 1 || ps.SenateSize != 3 {
		t.Fatalf("proposals %+v", ps)
	}
	p := ps.Proposals[0]
	var args struct{ Netuid, Value uint64 }
	if p.Hash != hash || p.Threshold != 2 || len(p.Ayes) != 0 || len(p.Nays) != 1 || p.Nays[0] != sen[1].hk ||
		p.Call.Name != types.CallSudoSetTempo || json.Unmarshal(p.Call.Args, &args) != nil || args.Netuid != uint64(netuid) || args.Value != 30 {
		t.Errorf("proposal %+v (args %s)", p, p.Call.Args)
	}
	var one types.ProposalInfo
	c.query(types.QueryProposal+"/"+hash.String(), 0, &one)
	if one.Hash != hash || one.Call.Encoded != p.Call.Encoded || !strings.HasPrefix(one.Call.Encoded, "0x") {
		t.Errorf("proposal by hash %+v", one)
	}
	for path, want := range map[string]*types.Error{
		types.QueryProposal + "/" + types.Hash{9}.String(): types.ErrNotFound,
		types.QueryProposal + "/0x12":                      types.ErrQuery,
		"/root/nothing":                                    types.ErrQuery,
	} {
		resp, err := c.app.Query(context.Background(), &abci.RequestQuery{Path: path})
		if err != nil {
			t.Fatal(err)
		}
		if got := types.NewChainError(resp.Code, resp.Codespace, resp.Log); !errors.Is(got, want) {
			t.Errorf("%s: %d %s, want %s", path, resp.Code, resp.Log, want.Name)
		}
	}
}

func TestGenesisGovernance(t *testing.T) {
	g := govGenesis(t)
	rootHK := id(t, "//Dave//root")
	g.Subnets = []GenesisSubnet{{Netuid: 0, Neurons: []GenesisNeuron{{Hotkey: rootHK, Coldkey: id(t, "//Dave"), Stake: tao}}}}
	g.Senate = []types.AccountID{rootHK}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	c := newSubtensorChain(t, g)
	if s := c.senate(); len(s) != 1 || s[0] != rootHK {
		t.Errorf("genesis senate %v", s)
	}
	if m := c.state().Members(types.Triumvirate); len(m) != 3 {
		t.Errorf("genesis triumvirate %v", m)
	}
	tests := []struct {
		name   string
		change func(*Genesis)
		want   string
	}{
		{"senator not on root", func(g *Genesis) { g.Senate = []types.AccountID{id(t, "//Eve")} }, "not a root neuron"},
		{"senator twice", func(g *Genesis) { g.Senate = []types.AccountID{rootHK, rootHK} }, "listed twice"},
		{"triumvirate too big", func(g *Genesis) { g.Triumvirate = append(g.Triumvirate, id(t, "//Dave")) }, "at most 3"},
		{"no motion duration", func(g *Genesis) { g.Params.Governance.MotionDuration = 0 }, "motion_duration"},
		{"no proposals", func(g *Genesis) { g.Params.Governance.MaxProposals = 0 }, "max_proposals"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := g
			bad.Senate = append([]types.AccountID(nil), g.Senate...)
			bad.Triumvirate = append([]types.AccountID(nil), g.Triumvirate...)
			tt.change(&bad)
			if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%v, want %q", err, tt.want)
			}
		})
	}
}
