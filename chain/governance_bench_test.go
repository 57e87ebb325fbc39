package chain

import (
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
)

// benchGovChain is a chain with a full root network (64 validators, staked
// 1..64 TAO, the 12 most staked in the senate), a subnet and, with
// proposals > 0, that many open proposals each with 7 ayes of the 12.
func benchGovChain(b *testing.B, proposals int) (*subtensorChain, uint16, []types.AccountID) {
	b.Helper()
	g := govGenesis(b)
	var root GenesisSubnet
	var hot []types.AccountID
	for i := range 64 {
		cold := id(b, "//Dave")
		if i%2 == 1 {
			cold = id(b, "//Eve")
		}
		h := types.AccountID{byte(i + 1), 0xee}
		hot = append(hot, h)
		root.Neurons = append(root.Neurons, GenesisNeuron{Hotkey: h, Coldkey: cold, Stake: uint64(i+1) * tao, Delegate: true})
	}
	g.Subnets = []GenesisSubnet{root}
	g.Senate = hot[52:]
	c := newSubtensorChain(b, g)
	netuid := c.createSubnet(key(b, "//Alice"))
	for p := range proposals {
		c.propose(key(b, "//Alice"), setTempo(b, netuid, uint64(100+p)), 10)
	}
	return c, netuid, hot
}

// runCall runs args signed by signer on a throw-away cache over the latest
// state, as one transaction's call would run (no envelope checks).
func runCall(b *testing.B, c *subtensorChain, signer types.AccountID, args types.CallArgs) {
	st, _, err := c.app.stateAt(0)
	if err != nil {
		b.Fatal(err)
	}
	ctx := &Context{State: NewState(newCache(st.kv)), Height: uint64(c.height) + 1, Signer: signer, Params: st.Params()}
	if err := dispatch(ctx, args); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRootRegister is root_register on a full root network: the
// least-staked validator is replaced and the newcomer, with more stake than
// the least-staked senator, takes that seat.
func BenchmarkRootRegister(b *testing.B) {
	c, netuid, _ := benchGovChain(b, 0)
	newcomer := id(b, "//Ferdie//root")
	c.stakedHotkey(key(b, "//Ferdie"), netuid, newcomer, 100*tao)
	ferdie := id(b, "//Ferdie")
	for b.Loop() {
		runCall(b, c, ferdie, &types.RootRegister{Hotkey: newcomer})
	}
}

// BenchmarkClose is closing a proposal whose 7 ayes of 12 seats approve it,
// with 9 other proposals open: the call (a setter) runs as Root.
func BenchmarkClose(b *testing.B) {
	c, _, hot := benchGovChain(b, 10)
	st := c.state()
	hp := st.Proposals()[0]
	// Seven senators' ayes, written straight into the proposal.
	hp.p.Ayes = hot[57:]
	cache := newCache(st.kv)
	NewState(cache).setProposal(hp.hash, &hp.p)
	ctx := &Context{State: NewState(cache), Height: uint64(c.height) + 1, Signer: id(b, "//Bob"), Params: st.Params()}
	for b.Loop() {
		inner := newCache(cache)
		ctx.State = NewState(inner)
		ctx.events = nil
		if err := closeProposal(ctx, &types.Close{Proposal: hp.hash, Index: hp.p.Index}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQueryProposals answers /proposals with 10 open proposals.
func BenchmarkQueryProposals(b *testing.B) {
	c, _, _ := benchGovChain(b, 10)
	st, h, _ := c.app.stateAt(0)
	for b.Loop() {
		if resp := answer(st, h, types.QueryProposals, nil); resp.Code != 0 {
			b.Fatal(resp.Log)
		}
	}
}

// BenchmarkBaselineTransfer is the cheapest call, a balance transfer, run
// the same way as BenchmarkRootRegister.
func BenchmarkBaselineTransfer(b *testing.B) {
	c, _, _ := benchGovChain(b, 0)
	alice := id(b, "//Alice")
	bob := id(b, "//Bob")
	for b.Loop() {
		runCall(b, c, alice, &types.Transfer{Dest: bob, Value: tao})
	}
}
