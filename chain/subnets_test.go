package chain

import (
	"encoding/json"
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
)

func TestGenesisHasRootNetwork(t *testing.T) {
	c := newSubtensorChain(t, DefaultGenesis())
	c.run()
	var subnets []types.SubnetInfo
	c.query(types.QuerySubnets, 0, &subnets)
	if len(subnets) != 1 || subnets[0].Netuid != 0 || !subnets[0].Owner.IsZero() || subnets[0].N != 0 {
		t.Fatalf("subnets = %+v", subnets)
	}
	h := subnets[0].Hyperparameters
	// The root network as the reference creates it (migrate_create_root_network).
	if h.Tempo != 100 || h.MaxAllowedUids != 64 || h.MaxAllowedValidators != 64 || h.MinAllowedWeights != 0 ||
		h.MaxWeightsLimit != 65535 || !h.NetworkRegistrationAllowed || h.TargetRegistrationsPerInterval != 1 ||
		h.Rho != 10 || h.Kappa != 32767 || h.WeightsSetRateLimit != 100 || h.AdjustmentInterval != 100 {
		t.Errorf("root hyperparameters %+v", h)
	}
	var lc types.LockCostInfo
	c.query(types.QueryLockCost, 0, &lc)
	if lc.LockCost != 1000*tao || lc.LastLockCost != 1000*tao || lc.RateLimit != 7200 || lc.Subnets != 0 || lc.SubnetLimit != 12 {
		t.Errorf("lock cost %+v", lc)
	}
	// The reference genesis survives a JSON round trip and validates.
	b, err := json.Marshal(DefaultGenesis())
	if err != nil {
		t.Fatal(err)
	}
	g, err := ParseGenesis(b)
	if err != nil {
		t.Fatal(err)
	}
	if g.Params.Subtensor != types.DefaultSubtensorParams() || g.Root != types.DefaultRootHyperparams() {
		t.Error("genesis changed in a JSON round trip")
	}
}

func TestGenesisRefusesHaltingParameters(t *testing.T) {
	for name, mutate := range map[string]func(*Genesis){
		"tempo 0":             func(g *Genesis) { g.Params.Subtensor.SubnetDefaults.Tempo = 0 },
		"target 0":            func(g *Genesis) { g.Root.TargetRegistrationsPerInterval = 0 },
		"target 32768":        func(g *Genesis) { g.Params.Subtensor.SubnetDefaults.TargetRegistrationsPerInterval = 32768 },
		"adjustment interval": func(g *Genesis) { g.Root.AdjustmentInterval = 0 },
		"lock interval":       func(g *Genesis) { g.Params.Subtensor.NetworkLockReductionInterval = 0 },
		"min lock below ED":   func(g *Genesis) { g.Params.Subtensor.NetworkMinLockCost = 499 },
		"root rho overflow":   func(g *Genesis) { g.Root.Rho = 200 },
		"root with an owner":  func(g *Genesis) { g.Subnets = []GenesisSubnet{{Netuid: 0, Owner: types.AccountID{1}}} },
		"netuid twice":        func(g *Genesis) { g.Subnets = []GenesisSubnet{{Netuid: 3}, {Netuid: 3}} },
	} {
		g := DefaultGenesis()
		mutate(&g)
		if err := g.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestRegisterNetwork(t *testing.T) {
	c := newSubtensorChain(t, subtensorGenesis(t, "//Alice", "//Bob", "//Charlie"))
	bob := key(t, "//Bob")
	c.run()
	is := c.issuance()
	before := c.account(bob).Free
	evs := c.must(bob, &types.RegisterNetwork{MaxLockCost: 100 * tao})
	netuid := uint16(eventInt(t, evs, "NetworkAdded", "netuid"))
	mustEqual(t, "netuid", netuid, 1)
	mustEqual(t, "bob's free balance", c.account(bob).Free, before-100*tao)
	mustEqual(t, "issuance (the lock still exists)", c.issuance(), is)

	var info types.SubnetInfo
	c.query(types.QuerySubnet+"/1", 0, &info)
	want := c.genesis.Params.Subtensor.SubnetDefaults
	if info.Owner != id(t, "//Bob") || info.Lock != 100*tao || info.N != 0 || info.RegisteredAt != uint64(c.height) ||
		info.Hyperparameters != want || info.LastAdjustmentBlock != uint64(c.height) {
		t.Errorf("subnet 1 = %+v", info)
	}
	var h types.Hyperparams
	c.query(types.QueryHyperparams+"/1", 0, &h)
	mustEqual(t, "hyperparameters", h, want)

	// The next lock doubles (from the lock paid) and decays back over the
	// reduction interval (100 blocks here).
	var lc types.LockCostInfo
	c.query(types.QueryLockCost, 0, &lc)
	mustEqual(t, "lock cost after one registration", lc.LockCost, 200*tao-1*tao)
	mustEqual(t, "second netuid", c.createSubnet(bob), 2)
}

func TestRegisterNetworkFailures(t *testing.T) {
	g := subtensorGenesis(t, "//Alice", "//Bob")
	g.Balances = append(g.Balances, GenesisBalance{Address: id(t, "//Poor"), Free: 100*tao + 100})
	g.Params.Subtensor.NetworkRateLimit = 5
	c := newSubtensorChain(t, g)
	bob, poor := key(t, "//Bob"), key(t, "//Poor")
	for c.height < 5 {
		c.run()
	}
	// Lock 100 TAO; the poor account holds 100 TAO + 100 RAO: enough to
	// pay but not to stay above the existential deposit.
	c.failsCleanly(poor, &types.RegisterNetwork{}, types.ErrBalanceWithdrawalError)
	c.failsCleanly(key(t, "//Nobody"), &types.RegisterNetwork{}, types.ErrNotEnoughBalanceToStake)
	err := c.failsCleanly(bob, &types.RegisterNetwork{MaxLockCost: 99 * tao}, types.ErrLockCostAboveMaximum)
	mustContain(t, err, "τ100.000000000", "τ99.000000000")
	c.must(bob, &types.RegisterNetwork{})
	err = c.failsCleanly(bob, &types.RegisterNetwork{}, types.ErrTxRateLimitExceeded)
	mustContain(t, err, "wait 4 more blocks", "network rate limit 5")
}

// The reference's test_root_subnet_creation_deletion
// (pallets/subtensor/tests/root.rs): the lock cost after each block and
// registration, with MinLock 100e9 and reduction interval 2, from block 0.
func TestLockCostSequence(t *testing.T) {
	g := subtensorGenesis(t, "//Alice")
	g.Params.Subtensor.NetworkLockReductionInterval = 2
	g.Params.Subtensor.SubnetLimit = 10
	g.Balances[0].Free = 100_000 * tao
	st := NewState(newCache(emptyKV{}))
	g.apply(st, "tv7")
	alice := id(t, "//Alice")
	const T = tao
	steps := []struct {
		block    uint64
		register bool
		paid     uint64 // RAO locked by the registration
		after    uint64 // the quote after the step
	}{
		{0, true, 100 * T, 100 * T}, {1, true, 100 * T, 200 * T}, {2, false, 0, 150 * T}, {3, false, 0, 100 * T},
		{4, false, 0, 100 * T}, {4, true, 100 * T, 200 * T}, {5, true, 150 * T, 300 * T}, {6, true, 225 * T, 450 * T},
		{7, true, 337_500_000_000, 675 * T}, {7, true, 675 * T, 1350 * T}, {7, true, 1350 * T, 2700 * T},
		{8, false, 0, 2025 * T}, {9, false, 0, 1350 * T}, {10, false, 0, 675 * T}, {11, false, 0, 100 * T},
	}
	for i, s := range steps {
		p := st.Params()
		if s.register {
			ctx := &Context{State: st, Height: s.block, Signer: alice, Params: p}
			before := st.Account(alice).Free
			if err := registerNetwork(ctx, &types.RegisterNetwork{}); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			if paid := before - st.Account(alice).Free; paid != s.paid {
				t.Errorf("step %d (block %d): paid %d, want %d", i, s.block, paid, s.paid)
			}
		}
		if got := lockCost(st, &p.Subtensor, s.block); got != s.after {
			t.Errorf("step %d (block %d): lock cost %d, want %d", i, s.block, got, s.after)
		}
	}
}

// The prune choices of the same test: immunity 3; subnets 1, 2, 3 registered
// at blocks 0, 3 and 6; the lowest emission goes, ties to the earliest
// registered.
func TestSubnetToPrune(t *testing.T) {
	st := NewState(newCache(emptyKV{}))
	reg := map[uint16]uint64{1: 0, 2: 3, 3: 6}
	for netuid, b := range reg {
		st.SetSubnet(netuid, &subnetState{RegisteredAt: b})
	}
	st.SetSubnet(0, &subnetState{})
	for _, tt := range []struct {
		emission [3]uint64
		block    uint64
		want     uint16
	}{
		{[3]uint64{5, 4, 4}, 9, 2},
		{[3]uint64{5, 5, 4}, 9, 3},
		{[3]uint64{4, 5, 5}, 9, 1},
		{[3]uint64{5, 5, 4}, 8, 1}, // subnet 3 is still immune
		{[3]uint64{5, 5, 5}, 9, 1},
		{[3]uint64{1, 1, 1}, 2, 0}, // all immune
	} {
		for i, e := range tt.emission {
			st.SetEmissionValue(uint16(i+1), e)
		}
		if got := subnetToPrune(st, st.Netuids(), tt.block, 3); got != tt.want {
			t.Errorf("emissions %v at block %d: prune %d, want %d", tt.emission, tt.block, got, tt.want)
		}
	}
}

func TestSubnetLimitPrunesWeakest(t *testing.T) {
	g := subtensorGenesis(t, "//Alice", "//Bob", "//Charlie", "//Dave")
	g.Params.Subtensor.SubnetLimit = 2
	g.Params.Subtensor.NetworkImmunityPeriod = 20
	c := newSubtensorChain(t, g)
	bob, charlie, dave := key(t, "//Bob"), key(t, "//Charlie"), key(t, "//Dave")
	c.run()
	n1 := c.createSubnet(bob)
	n2 := c.createSubnet(charlie)
	// A neuron on subnet 1 with stake from a nominator: pruning the subnet
	// deregisters it and returns the stake.
	hot := id(t, "//Bob/hot")
	c.burnRegister(bob, n1, hot)
	c.must(bob, &types.BecomeDelegate{Hotkey: hot})
	c.must(dave, &types.AddStake{Hotkey: hot, Amount: 7 * tao})
	c.setHyper(types.CallSudoSetTempo, n1, 77)
	// Both subnets have emission 0; subnet 1 is older.
	err := c.failsCleanly(dave, &types.RegisterNetwork{}, types.ErrAllNetworksInImmunity)
	mustContain(t, err, "subnet limit of 2")
	for c.height < 25 {
		c.run()
	}
	bobBefore, daveBefore := c.account(bob).Free, c.account(dave).Free
	evs := c.must(dave, &types.RegisterNetwork{})
	if got := uint16(eventInt(t, evs, "NetworkAdded", "netuid")); got != n1 {
		t.Fatalf("new subnet got netuid %d, want the pruned %d", got, n1)
	}
	mustEqual(t, "pruned", eventInt(t, evs, "NetworkRemoved", "netuid"), uint64(n1))
	// Bob's lock came back; Dave's nomination came back to Dave, who paid
	// the new lock.
	lock := eventInt(t, evs, "NetworkAdded", "lock")
	mustEqual(t, "bob's balance", c.account(bob).Free, bobBefore+100*tao)
	mustEqual(t, "dave's balance", c.account(dave).Free, daveBefore+7*tao-lock)
	var info types.SubnetInfo
	c.query(types.QuerySubnet+"/1", 0, &info)
	if info.Owner != id(t, "//Dave") || info.N != 0 || info.Hyperparameters.Tempo != g.Params.Subtensor.SubnetDefaults.Tempo {
		t.Errorf("reused netuid inherited state: %+v", info)
	}
	var hk types.HotkeyInfo
	c.query(types.QueryHotkey+"/"+hot.String(), 0, &hk)
	if len(hk.Registrations) != 0 || hk.TotalStake != 0 || !hk.Exists || !hk.Delegate {
		t.Errorf("pruned neuron's hotkey = %+v", hk)
	}
	_ = n2
}

func TestDissolveNetwork(t *testing.T) {
	c := newSubtensorChain(t, subtensorGenesis(t, "//Alice", "//Bob", "//Charlie"))
	bob, charlie := key(t, "//Bob"), key(t, "//Charlie")
	c.run()
	netuid := c.createSubnet(bob)
	hot := id(t, "//Bob/hot")
	c.burnRegister(bob, netuid, hot)
	c.must(bob, &types.AddStake{Hotkey: hot, Amount: 50 * tao})
	c.setHyper(types.CallSudoSetMaxBurn, netuid, 7*tao)
	c.must(key(t, "//Bob/hot"), &types.ServeAxon{Netuid: netuid, IP: ip4(t, "203.0.113.9"), IPType: 4, Port: 8091})

	c.failsCleanly(charlie, &types.DissolveNetwork{Netuid: netuid}, types.ErrNotSubnetOwner)
	c.failsCleanly(bob, &types.DissolveNetwork{Netuid: 9}, types.ErrNetworkDoesNotExist)
	c.failsCleanly(bob, &types.DissolveNetwork{Netuid: 0}, types.ErrOperationNotPermittedOnRootSubnet)

	before := c.account(bob).Free
	is := c.issuance()
	c.must(bob, &types.DissolveNetwork{Netuid: netuid})
	// The lock and the stake came back.
	mustEqual(t, "bob's balance", c.account(bob).Free, before+100*tao+50*tao)
	mustEqual(t, "issuance", c.issuance(), is)
	var subnets []types.SubnetInfo
	c.query(types.QuerySubnets, 0, &subnets)
	mustEqual(t, "subnets", len(subnets), 1)
	// Nothing of the subnet is left: a new subnet under the same netuid
	// starts from the defaults, without the old neuron or axon.
	st := c.state()
	for _, p := range netuidPrefixes {
		st.kv.Iterate(netuidKey(p, netuid), prefixEnd(netuidKey(p, netuid)), func(k, _ []byte) bool {
			t.Errorf("key %x left after dissolving", k)
			return true
		})
	}
	mustEqual(t, "new netuid", c.createSubnet(charlie), netuid)
	// Root (the sudo key) may dissolve any subnet; the lock returns to its
	// owner.
	var locked types.SubnetInfo
	c.query(types.QuerySubnet+"/1", 0, &locked)
	charlieBefore := c.account(charlie).Free
	c.must(key(t, "//Alice"), &types.DissolveNetwork{Netuid: netuid})
	mustEqual(t, "charlie's balance", c.account(charlie).Free, charlieBefore+locked.Lock)
	mustEqual(t, "newest netuid", c.createSubnet(charlie), netuid)
	var h types.Hyperparams
	c.query(types.QueryHyperparams+"/1", 0, &h)
	mustEqual(t, "max burn of the new subnet", h.MaxBurn, c.genesis.Params.Subtensor.SubnetDefaults.MaxBurn)
	if _, ok := c.state().UID(netuid, hot); ok {
		t.Error("old hotkey still registered")
	}
}
