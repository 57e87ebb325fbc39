package chain

import (
	"errors"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/wallet"
)

// govGenesis is subtensorGenesis for the root network and governance: the
// dev accounts funded, //Alice as sudo, //Alice, //Bob and //Charlie the
// triumvirate, a motion duration of 5 blocks and root registration limited
// only by the root network's size (16 per block and interval).
func govGenesis(t testing.TB) Genesis {
	t.Helper()
	g := subtensorGenesis(t, "//Alice", "//Bob", "//Charlie", "//Dave", "//Eve", "//Ferdie")
	g.Triumvirate = []types.AccountID{id(t, "//Alice"), id(t, "//Bob"), id(t, "//Charlie")}
	g.Params.Governance.MotionDuration = 5
	g.Root.MaxRegistrationsPerBlock = 16
	g.Root.TargetRegistrationsPerInterval = 16
	return g
}

// rootRegister registers hotkey on the root network, signed by coldkey,
// and returns its uid.
func (c *subtensorChain) rootRegister(coldkey *wallet.Keypair, hotkey types.AccountID) uint16 {
	c.t.Helper()
	evs := c.must(coldkey, &types.RootRegister{Hotkey: hotkey})
	return uint16(eventInt(c.t, evs, "NeuronRegistered", "uid"))
}

// stakedHotkey makes hotkey exist with owner coldkey (a burned registration
// on netuid) and stakes amount on it.
func (c *subtensorChain) stakedHotkey(coldkey *wallet.Keypair, netuid uint16, hotkey types.AccountID, amount uint64) {
	c.t.Helper()
	c.burnRegister(coldkey, netuid, hotkey)
	if amount > 0 {
		c.must(coldkey, &types.AddStake{Hotkey: hotkey, Amount: amount})
	}
}

func (c *subtensorChain) senate() []types.AccountID {
	c.t.Helper()
	return c.state().Members(types.Senate)
}

func hasEvent(evs []abci.Event, kind string, attrs ...string) bool {
	for _, e := range evs {
		if e.Type != kind {
			continue
		}
		ok := true
		for i := 0; i+1 < len(attrs); i += 2 {
			found := false
			for _, a := range e.Attributes {
				if a.Key == attrs[i] && a.Value == attrs[i+1] {
					found = true
				}
			}
			ok = ok && found
		}
		if ok {
			return true
		}
	}
	return false
}

func TestRootRegister(t *testing.T) {
	g := govGenesis(t)
	g.Root.MaxRegistrationsPerBlock, g.Root.TargetRegistrationsPerInterval = 1, 1
	c := newSubtensorChain(t, g)
	dave, eve := key(t, "//Dave"), key(t, "//Eve")
	h1, h2 := id(t, "//Dave//root1"), id(t, "//Dave//root2")

	evs := c.must(dave, &types.RootRegister{Hotkey: h1})
	for _, want := range [][]string{
		{"NeuronRegistered", "netuid", "0", "uid", "0", "hotkey", h1.String()},
		{"DelegateAdded", "hotkey", h1.String(), "take", "11796"},
		{"MemberAdded", "collective", "SenateMembers", "who", h1.String()},
	} {
		if !hasEvent(evs, want[0], want[1:]...) {
			t.Errorf("no event %v in %v", want, evs)
		}
	}
	var rn types.RootNeurons
	c.query(types.QueryRootNeurons, 0, &rn)
	if len(rn.Neurons) != 1 || rn.Neurons[0].Hotkey != h1 || rn.Neurons[0].Coldkey != id(t, "//Dave") ||
		!rn.Neurons[0].Senator || rn.Neurons[0].Take != 11796 || rn.MaxAllowedUids != 64 {
		t.Errorf("root neurons %+v", rn)
	}
	// Free: the coldkey paid nothing.
	if got := c.account(dave).Free; got != 10_000*tao {
		t.Errorf("dave has %d after a free registration", got)
	}

	c.failsCleanly(dave, &types.RootRegister{Hotkey: h1}, types.ErrAlreadyRegistered)
	// Someone else's hotkey (Dave's, through a subnet) cannot be put on root.
	netuid := c.createSubnet(key(t, "//Alice"))
	c.burnRegister(dave, netuid, h2)
	c.failsCleanly(eve, &types.RootRegister{Hotkey: h2}, types.ErrNonAssociatedColdKey)

	// One registration per block and three per interval on root here.
	res := c.run(c.signed(dave, &types.RootRegister{Hotkey: h2}), c.tx(eve, c.account(eve).Nonce, &types.RootRegister{Hotkey: id(t, "//Eve//root")}))
	if err := resultErr(res[0]); err != nil {
		t.Fatal(err)
	}
	if err := resultErr(res[1]); !errors.Is(err, types.ErrTooManyRegistrationsThisBlock) {
		t.Errorf("second registration in a block: %v", err)
	}
	c.rootRegister(eve, id(t, "//Eve//root"))
	c.failsCleanly(eve, &types.RootRegister{Hotkey: id(t, "//Eve//root2")}, types.ErrTooManyRegistrationsThisInterval)
}

// A full root network admits a hotkey only in place of the validator with
// the least stake (the first such uid), and only with more stake than it.
// The replaced validator loses its senate seat and the newcomer takes it.
func TestRootFullReplacesLeastStake(t *testing.T) {
	g := govGenesis(t)
	g.Root.MaxAllowedUids, g.Root.MaxAllowedValidators = 3, 3
	c := newSubtensorChain(t, g)
	dave, eve := key(t, "//Dave"), key(t, "//Eve")
	netuid := c.createSubnet(key(t, "//Alice"))
	hk := []types.AccountID{id(t, "//Dave//a"), id(t, "//Dave//b"), id(t, "//Dave//c"), id(t, "//Eve//d")}
	stakes := []uint64{30 * tao, 10 * tao, 10 * tao}
	for i, s := range stakes {
		c.stakedHotkey(dave, netuid, hk[i], s)
		if uid := c.rootRegister(dave, hk[i]); uid != uint16(i) {
			t.Fatalf("uid %d, want %d", uid, i)
		}
	}
	c.stakedHotkey(eve, netuid, hk[3], 10*tao)
	err := c.failsCleanly(eve, &types.RootRegister{Hotkey: hk[3]}, types.ErrStakeTooLowForRoot)
	mustContain(t, err, "uid 1", "τ10.000000000")

	c.must(eve, &types.AddStake{Hotkey: hk[3], Amount: 1})
	evs := c.must(eve, &types.RootRegister{Hotkey: hk[3]})
	if !hasEvent(evs, "NeuronDeregistered", "netuid", "0", "uid", "1", "hotkey", hk[1].String()) ||
		!hasEvent(evs, "NeuronRegistered", "netuid", "0", "uid", "1", "hotkey", hk[3].String()) {
		t.Errorf("events %v", evs)
	}
	if !hasEvent(evs, "MemberRemoved", "who", hk[1].String()) || !hasEvent(evs, "MemberAdded", "who", hk[3].String()) {
		t.Errorf("senate events %v", evs)
	}
	st := c.state()
	if st.IsMember(types.Senate, hk[1]) || !st.IsMember(types.Senate, hk[3]) {
		t.Errorf("senate %v", c.senate())
	}
	// hk[1] is still on the subnet, so it keeps its stake.
	if st.TotalHotkeyStake(hk[1]) != 10*tao {
		t.Errorf("replaced validator's stake %d", st.TotalHotkeyStake(hk[1]))
	}
}

// The senate fills with the first registrants; when full, a newcomer with
// more stake than the least-staked senator (the last in key order among
// equals) takes that seat, whose votes are removed.
func TestSenateSwapRules(t *testing.T) {
	g := govGenesis(t)
	g.Params.Governance.MaxSenateMembers = 3
	c := newSubtensorChain(t, g)
	alice, dave, eve, ferdie := key(t, "//Alice"), key(t, "//Dave"), key(t, "//Eve"), key(t, "//Ferdie")
	netuid := c.createSubnet(alice)
	h1, h2, h3 := id(t, "//Dave//s1"), id(t, "//Eve//s2"), id(t, "//Ferdie//s3")
	c.stakedHotkey(dave, netuid, h1, 50*tao)
	c.stakedHotkey(eve, netuid, h2, 20*tao)
	c.stakedHotkey(ferdie, netuid, h3, 20*tao)
	for _, r := range []struct {
		cold *wallet.Keypair
		hk   types.AccountID
	}{{dave, h1}, {eve, h2}, {ferdie, h3}} {
		c.rootRegister(r.cold, r.hk)
	}
	if len(c.senate()) != 3 {
		t.Fatalf("senate %v", c.senate())
	}
	// Of the two senators with the least stake, the one later in key order
	// is the one a newcomer would replace.
	lowCold, low, keepCold, keep := ferdie, h3, eve, h2
	if h2.Compare(h3) > 0 {
		lowCold, low, keepCold, keep = eve, h2, ferdie, h3
	}
	hash, index := c.propose(alice, setTempo(t, netuid, 33), 10)
	c.vote(lowCold, low, hash, index, true)
	c.vote(keepCold, keep, hash, index, false)

	// Equal stake does not win a seat.
	h4 := id(t, "//Dave//s4")
	c.stakedHotkey(dave, netuid, h4, 20*tao)
	evs := c.must(dave, &types.RootRegister{Hotkey: h4})
	if c.state().IsMember(types.Senate, h4) || hasEvent(evs, "MembersSwapped") {
		t.Errorf("equal stake took a seat: %v", c.senate())
	}
	// More stake does.
	h5 := id(t, "//Dave//s5")
	c.stakedHotkey(dave, netuid, h5, 20*tao+1)
	evs = c.must(dave, &types.RootRegister{Hotkey: h5})
	if !hasEvent(evs, "MembersSwapped", "removed", low.String(), "added", h5.String()) {
		t.Errorf("events %v", evs)
	}
	st := c.state()
	if st.IsMember(types.Senate, low) || !st.IsMember(types.Senate, h5) || !st.IsMember(types.Senate, keep) || !st.IsMember(types.Senate, h1) {
		t.Errorf("senate %v", c.senate())
	}
	// The replaced senator's aye is gone; the other's nay stays.
	p, _ := st.Proposal(hash)
	if len(p.Ayes) != 0 || len(p.Nays) != 1 || p.Nays[0] != keep {
		t.Errorf("votes ayes %v nays %v", p.Ayes, p.Nays)
	}
	// A senator the sudo key seated without a root uid keeps the seat when
	// it registers on root (the reference failed with AlreadyMember).
	h6 := id(t, "//Eve//s6")
	c.stakedHotkey(eve, netuid, h6, 0)
	c.must(alice, types.NewSwapMember(types.Senate, keep, h6))
	evs = c.must(eve, &types.RootRegister{Hotkey: h6})
	if !c.state().IsMember(types.Senate, h6) || hasEvent(evs, "MembersSwapped") || hasEvent(evs, "MemberAdded") {
		t.Errorf("seated senator registering: senate %v events %v", c.senate(), evs)
	}
}

// Root weights name subnets; a netuid that does not exist is refused.
func TestRootWeights(t *testing.T) {
	g := govGenesis(t)
	g.Root.WeightsSetRateLimit = 0
	c := newSubtensorChain(t, g)
	dave := key(t, "//Dave")
	hk := key(t, "//Dave//root")
	netuid := c.createSubnet(key(t, "//Alice"))
	c.rootRegister(dave, types.AccountID(hk.PublicKey()))
	c.failsCleanly(hk, &types.SetWeights{Netuid: 0, Dests: []uint16{netuid, 7}, Weights: []uint16{1, 1}}, types.ErrInvalidUID)
	c.must(hk, &types.SetWeights{Netuid: 0, Dests: []uint16{netuid, 0}, Weights: []uint16{300, 100}})
	var rw types.RootWeights
	c.query(types.QueryRootWeights, 0, &rw)
	want := types.Row{{0, 21845}, {netuid, 65535}}
	if len(rw.Netuids) != 2 || len(rw.Rows) != 1 || len(rw.Rows[0].Weights) != 2 || rw.Rows[0].Weights[0] != want[0] || rw.Rows[0].Weights[1] != want[1] {
		t.Errorf("root weights %+v", rw)
	}
}
