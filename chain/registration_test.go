package chain

import (
	"context"
	"errors"
	"math"
	"strconv"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/wallet"
)

func TestBurnedRegister(t *testing.T) {
	c := newSubtensorChain(t, subtensorGenesis(t, "//Alice", "//Bob"))
	bob := key(t, "//Bob")
	c.run()
	netuid := c.createSubnet(bob)
	is, before := c.issuance(), c.account(bob).Free
	h1, h2 := id(t, "//Bob/1"), id(t, "//Bob/2")
	evs := c.must(bob, &types.BurnedRegister{Netuid: netuid, Hotkey: h1, MaxBurn: tao})
	mustEqual(t, "uid", eventInt(t, evs, "NeuronRegistered", "uid"), 0)
	mustEqual(t, "burn", eventInt(t, evs, "NeuronRegistered", "burn"), tao)
	mustEqual(t, "balance", c.account(bob).Free, before-tao)
	mustEqual(t, "issuance (the burn is destroyed)", c.issuance(), is-tao)
	regBlock := uint64(c.height)
	mustEqual(t, "second uid", c.burnRegister(bob, netuid, h2), 1)

	var n types.NeuronInfo
	c.query(types.QueryNeuron+"/1/"+h1.String(), 0, &n)
	if n.UID != 0 || n.Hotkey != h1 || n.Coldkey != id(t, "//Bob") || !n.Active || n.RegisteredAt != regBlock ||
		n.LastUpdate != regBlock || n.ValidatorPermit || n.PruningScore != 0 || n.Axon.IP != "0.0.0.0" {
		t.Errorf("neuron = %+v", n)
	}
	var info types.SubnetInfo
	c.query(types.QuerySubnet+"/1", 0, &info)
	if info.N != 2 || info.RAORecycledForRegistration != 2*tao || info.BurnRegistrationsThisInterval != 2 || info.RegistrationsThisInterval != 2 {
		t.Errorf("subnet = %+v", info)
	}
	var hk types.HotkeyInfo
	c.query(types.QueryHotkey+"/"+h1.String(), 0, &hk)
	if !hk.Exists || hk.Owner != id(t, "//Bob") || len(hk.Registrations) != 1 || hk.Registrations[0] != (types.Registration{Netuid: 1, UID: 0}) {
		t.Errorf("hotkey = %+v", hk)
	}
}

func TestBurnedRegisterFailures(t *testing.T) {
	g := subtensorGenesis(t, "//Alice", "//Bob", "//Charlie")
	g.Balances = append(g.Balances, GenesisBalance{Address: id(t, "//Poor"), Free: tao + 100})
	c := newSubtensorChain(t, g)
	bob, charlie, poor := key(t, "//Bob"), key(t, "//Charlie"), key(t, "//Poor")
	c.run()
	netuid := c.createSubnet(bob)
	h := func(s string) types.AccountID { return id(t, "//Bob/"+s) }
	c.burnRegister(bob, netuid, h("taken"))

	c.failsCleanly(bob, &types.BurnedRegister{Netuid: 0, Hotkey: h("x")}, types.ErrOperationNotPermittedOnRootSubnet)
	c.failsCleanly(bob, &types.BurnedRegister{Netuid: 7, Hotkey: h("x")}, types.ErrNetworkDoesNotExist)
	c.failsCleanly(bob, &types.BurnedRegister{Netuid: netuid, Hotkey: h("taken")}, types.ErrAlreadyRegistered)
	err := c.failsCleanly(bob, &types.BurnedRegister{Netuid: netuid, Hotkey: h("x"), MaxBurn: tao - 1}, types.ErrBurnAboveMaximum)
	mustContain(t, err, "τ1.000000000", "τ0.999999999")
	c.failsCleanly(key(t, "//Nobody"), &types.BurnedRegister{Netuid: netuid, Hotkey: h("x")}, types.ErrNotEnoughBalanceToStake)
	c.failsCleanly(poor, &types.BurnedRegister{Netuid: netuid, Hotkey: h("x")}, types.ErrBalanceWithdrawalError)
	// Charlie cannot register Bob's hotkey (its owner is Bob).
	c.failsCleanly(charlie, &types.BurnedRegister{Netuid: netuid, Hotkey: h("taken")}, types.ErrAlreadyRegistered)
	other := c.createSubnet(charlie)
	c.failsCleanly(charlie, &types.BurnedRegister{Netuid: other, Hotkey: h("taken")}, types.ErrNonAssociatedColdKey)

	c.setHyper(types.CallSudoSetNetworkRegistrationAllowed, netuid, 0)
	c.failsCleanly(bob, &types.BurnedRegister{Netuid: netuid, Hotkey: h("x")}, types.ErrRegistrationDisabled)
	c.setHyper(types.CallSudoSetNetworkRegistrationAllowed, netuid, 1)

	// Three registrations per block at most (a fourth in the same block
	// fails), and 3 × target (2) = 6 per interval.
	txs := [][]byte{}
	for i, name := range []string{"a", "b", "c", "d"} {
		txs = append(txs, c.tx(bob, c.account(bob).Nonce+uint64(i), &types.BurnedRegister{Netuid: netuid, Hotkey: h(name)}))
	}
	res := c.run(txs...)
	for i := 0; i < 3; i++ {
		if err := resultErr(res[i]); err != nil {
			t.Fatalf("registration %d: %v", i, err)
		}
	}
	if err := resultErr(res[3]); !errors.Is(err, types.ErrTooManyRegistrationsThisBlock) {
		t.Errorf("fourth in a block: %v", err)
	}
	c.burnRegister(bob, netuid, h("e"))
	// The interval started at the subnet's registration; it has 5 now
	// (taken, a, b, c, e) plus the 6th:
	c.burnRegister(bob, netuid, h("f"))
	err = c.failsCleanly(bob, &types.BurnedRegister{Netuid: netuid, Hotkey: h("g")}, types.ErrTooManyRegistrationsThisInterval)
	mustContain(t, err, "6 registrations per adjustment interval")
}

// The mempool sees the next block: once a block has used up its
// registrations, CheckTx accepts a registration for the next block.
func TestCheckTxSeesNextBlockCounters(t *testing.T) {
	c := newSubtensorChain(t, subtensorGenesis(t, "//Alice", "//Bob"))
	bob := key(t, "//Bob")
	c.run()
	netuid := c.createSubnet(bob)
	c.setHyper(types.CallSudoSetMaxRegistrationsPerBlock, netuid, 1)
	c.burnRegister(bob, netuid, id(t, "//Bob/1"))
	raw := c.signed(bob, &types.BurnedRegister{Netuid: netuid, Hotkey: id(t, "//Bob/2")})
	resp, _ := c.app.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: raw})
	if resp.Code != 0 {
		t.Fatalf("CheckTx after a full block: %s", resp.Log)
	}
}

func TestPowRegister(t *testing.T) {
	c := newSubtensorChain(t, subtensorGenesis(t, "//Alice", "//Bob"))
	bob := key(t, "//Bob")
	c.run()
	netuid := c.createSubnet(bob)
	other := c.createSubnet(bob)
	hot, hot2 := key(t, "//Bob/pow"), key(t, "//Bob/pow2")
	cold := id(t, "//Bob")
	is := c.issuance()

	// The hotkey signs; it needs no balance, and pays nothing.
	args := c.powArgs(hot, cold, netuid, 1000)
	evs := c.must(hot, args)
	mustEqual(t, "uid", eventInt(t, evs, "NeuronRegistered", "uid"), 0)
	mustEqual(t, "issuance", c.issuance(), is)
	var info types.SubnetInfo
	c.query(types.QuerySubnet+"/1", 0, &info)
	mustEqual(t, "pow registrations", info.PowRegistrationsThisInterval, 1)
	if owner, _ := c.state().Owner(types.AccountID(hot.PublicKey())); owner != cold {
		t.Errorf("owner %s", owner)
	}
	// The same work cannot register the hotkey on another subnet (the seal
	// does not name the subnet): the reference allowed that replay.
	replay := *args
	replay.Netuid = other
	c.failsCleanly(hot, &replay, types.ErrWorkAlreadyUsed)

	fresh := c.powArgs(hot2, cold, netuid, 1000)
	c.failsCleanly(bob, fresh, types.ErrHotkeyOriginMismatch)
	c.failsCleanly(hot2, &types.Register{Netuid: 0, Hotkey: fresh.Hotkey}, types.ErrOperationNotPermittedOnRootSubnet)
	c.failsCleanly(hot2, &types.Register{Netuid: 9, Hotkey: fresh.Hotkey}, types.ErrNetworkDoesNotExist)
	c.failsCleanly(hot, c.powArgs(hot, cold, netuid, 1000), types.ErrAlreadyRegistered)

	// Work over a block more than 2 blocks old, or a future block.
	stale := c.powArgs(hot2, cold, netuid, 1000)
	c.run()
	c.run()
	err := c.failsCleanly(hot2, stale, types.ErrInvalidWorkBlock)
	mustContain(t, err, "1 to 2 blocks old")
	for _, ahead := range []uint64{1, 5} { // the block being made, or later
		future := c.powArgs(hot2, cold, netuid, 1000)
		future.BlockNumber = uint64(c.height) + ahead
		future.Nonce, future.Work = solve(future.BlockNumber, future.Hotkey, 1000, 0)
		c.failsCleanly(hot2, future, types.ErrInvalidWorkBlock)
	}

	// A seal that misses the difficulty, and a seal of other inputs.
	weak := c.powArgs(hot2, cold, netuid, 1)
	for types.SealMeetsDifficulty(weak.Work, 1000) {
		weak = c.powArgs(hot2, cold, netuid, 1)
		weak.Nonce++
		weak.Work = types.Seal(blockHash(weak.BlockNumber), weak.Hotkey, weak.Nonce)
	}
	c.failsCleanly(hot2, weak, types.ErrInvalidDifficulty)
	forged := c.powArgs(hot2, cold, netuid, 1000)
	forged.Nonce++
	c.failsCleanly(hot2, forged, types.ErrInvalidSeal)

	c.setHyper(types.CallSudoSetNetworkPowRegistrationAllowed, netuid, 0)
	c.failsCleanly(hot2, c.powArgs(hot2, cold, netuid, 1000), types.ErrRegistrationDisabled)
}

// pruneChoice follows the reference's get_neuron_to_prune, including its
// asymmetric tie rules: past immunity a later uid wins a tied score, among
// immune neurons the earlier one.
func TestPruneChoiceTieRules(t *testing.T) {
	const block, immunity = 100, 10
	old, recent := uint64(0), uint64(95) // past immunity / immune at block 100
	tests := []struct {
		name   string
		scores []uint16
		reg    []uint64
		want   uint16
	}{
		{"empty", nil, nil, 0},
		{"lowest unimmune", []uint16{5, 3, 4}, []uint64{old, old, old}, 1},
		{"unimmune tie: later uid wins", []uint16{3, 5, 3, 3}, []uint64{old, old, old, old}, 3},
		{"immune ignored while an unimmune scores lower", []uint16{0, 7}, []uint64{recent, old}, 1},
		{"all immune: lowest, first uid on a tie", []uint16{9, 4, 4}, []uint64{recent, recent, recent}, 1},
		{"all immune, equal", []uint16{4, 4}, []uint64{recent, recent}, 0},
		{"unimmune at 65535 count as immune", []uint16{65535, 65535, 6}, []uint64{old, old, recent}, 2},
		{"all unimmune at 65535: uid 0", []uint16{65535, 65535}, []uint64{old, old}, 0},
		{"immune looked at only below the running minimum", []uint16{2, 1, 3}, []uint64{old, recent, old}, 0},
		{"immunity boundary: block - reg == immunity is unimmune", []uint16{1, 2}, []uint64{block - immunity, old}, 0},
	}
	for _, tt := range tests {
		if got := pruneChoice(tt.scores, tt.reg, block, immunity); got != tt.want {
			t.Errorf("%s: uid %d, want %d", tt.name, got, tt.want)
		}
	}
}

// A full subnet replaces the neuron pruneChoice picks; the replaced hotkey,
// on no other subnet, gets its stake back, and the uid starts afresh.
func TestReplaceNeuron(t *testing.T) {
	g := subtensorGenesis(t, "//Alice", "//Bob", "//Charlie")
	g.Params.Subtensor.SubnetDefaults.MaxAllowedUids = 2
	g.Params.Subtensor.SubnetDefaults.ImmunityPeriod = 3
	c := newSubtensorChain(t, g)
	bob, charlie := key(t, "//Bob"), key(t, "//Charlie")
	c.run()
	netuid := c.createSubnet(bob)
	a, b := id(t, "//Bob/a"), id(t, "//Bob/b")
	c.burnRegister(bob, netuid, a)
	c.burnRegister(bob, netuid, b)
	c.must(bob, &types.AddStake{Hotkey: a, Amount: 20 * tao})
	c.must(key(t, "//Bob/a"), &types.SetWeights{Netuid: netuid, Dests: []uint16{0}, Weights: []uint16{1}})
	c.must(key(t, "//Bob/a"), &types.ServeAxon{Netuid: netuid, IP: ip4(t, "198.51.100.1"), IPType: 4, Port: 1})
	// Both have pruning score 0 and are past immunity: on the tie the later
	// uid (1) goes.
	c.run()
	c.run()
	bobBefore := c.account(bob).Free
	evs := c.must(charlie, &types.BurnedRegister{Netuid: netuid, Hotkey: id(t, "//Charlie/c")})
	mustEqual(t, "replaced uid", eventInt(t, evs, "NeuronRegistered", "uid"), 1)
	mustEqual(t, "deregistered uid", eventInt(t, evs, "NeuronDeregistered", "uid"), 1)
	var n types.NeuronInfo
	c.query(types.QueryNeuron+"/1/1", 0, &n)
	if n.Hotkey != id(t, "//Charlie/c") || n.Coldkey != id(t, "//Charlie") || n.PruningScore != 65535 || n.RegisteredAt != uint64(c.height) || len(n.Weights) != 0 {
		t.Errorf("new neuron at uid 1 = %+v", n)
	}
	mustEqual(t, "bob's balance (b had no stake)", c.account(bob).Free, bobBefore)

	// Now uid 1 is immune with 65535; uid 0 (a, unimmune, score 0) goes
	// next: its 20 TAO stake returns to Bob; its weights, axon are gone.
	for i := 0; i < 3; i++ {
		c.run()
	}
	bobBefore = c.account(bob).Free
	evs = c.must(charlie, &types.BurnedRegister{Netuid: netuid, Hotkey: id(t, "//Charlie/d")})
	mustEqual(t, "replaced uid", eventInt(t, evs, "NeuronRegistered", "uid"), 0)
	mustEqual(t, "bob's balance", c.account(bob).Free, bobBefore+20*tao)
	c.query(types.QueryNeuron+"/1/0", 0, &n)
	if n.Hotkey != id(t, "//Charlie/d") || n.Axon.Block != 0 || len(n.Weights) != 0 || n.TotalStake != 0 {
		t.Errorf("new neuron at uid 0 = %+v", n)
	}
	if _, ok := c.state().UID(netuid, a); ok {
		t.Error("replaced hotkey still registered")
	}
}

// The reference's difficulty and burn adjustment tests
// (test_registration_difficulty_adjustment, test_burn_adjustment), through
// the chain: the registrations of a
// block (with the parameter changes that set the case up, in the same
// block) drive the adjustment in a later block's step.
func TestRegistrationAdjustment(t *testing.T) {
	c := newSubtensorChain(t, subtensorGenesis(t, "//Alice", "//Bob"))
	alice, bob := key(t, "//Alice"), key(t, "//Bob")
	c.run()
	netuid := c.createSubnet(bob)
	cold := id(t, "//Bob")
	hyper := func() types.Hyperparams {
		var h types.Hyperparams
		c.query(types.QueryHyperparams+"/1", 0, &h)
		return h
	}
	set := func(call string, v uint64) signedCall {
		args, err := types.NewSudoSet(call, netuid, v)
		if err != nil {
			t.Fatal(err)
		}
		return signedCall{alice, args}
	}
	hot := 0
	// pow returns n PoW registrations over the latest block at difficulty d.
	pow := func(n int, d uint64) []signedCall {
		var out []signedCall
		b := uint64(c.height)
		for i := 0; i < n; i++ {
			hot++
			k := key(t, "//Bob/tv6/"+strconv.Itoa(hot))
			nonce, seal := solve(b, types.AccountID(k.PublicKey()), d, 0)
			out = append(out, signedCall{k, &types.Register{Netuid: netuid, BlockNumber: b, Nonce: nonce, Work: seal, Hotkey: types.AccountID(k.PublicKey()), Coldkey: cold}})
		}
		return out
	}
	burned := func(n int) []signedCall {
		var out []signedCall
		for i := 0; i < n; i++ {
			hot++
			out = append(out, signedCall{bob, &types.BurnedRegister{Netuid: netuid, Hotkey: id(t, "//Bob/tv6/"+strconv.Itoa(hot))}})
		}
		return out
	}
	c.runAll(set(types.CallSudoSetMaxAllowedUids, 1000))

	// Difficulty 20000, interval 1, target 1, 3 PoW registrations: 40000 in
	// the next block.
	c.runAll(append([]signedCall{
		set(types.CallSudoSetAdjustmentAlpha, 0), set(types.CallSudoSetMinDifficulty, 1),
		set(types.CallSudoSetMaxDifficulty, 1_000_000), set(types.CallSudoSetDifficulty, 20000),
		set(types.CallSudoSetTargetRegistrationsPerInterval, 1), set(types.CallSudoSetAdjustmentInterval, 1),
	}, pow(3, 20000)...)...)
	c.runAll(set(types.CallSudoSetTargetRegistrationsPerInterval, 3), set(types.CallSudoSetAdjustmentInterval, 3))
	mustEqual(t, "difficulty after 3 PoW registrations, target 1", hyper().Difficulty, 40000)
	// The block above restarted the interval (its step adjusted); interval 3
	// and target 3 from now: 6 registrations over the interval → 60000.
	c.runAll(pow(3, 40000)...)
	c.runAll(pow(3, 40000)...)
	mustEqual(t, "difficulty within the interval", hyper().Difficulty, 40000)
	c.run()
	mustEqual(t, "difficulty after 6 registrations, target 3", hyper().Difficulty, 60000)

	// Min 1, difficulty 4, interval 1, target 3, no registrations: 2, 1, 1.
	c.runAll(set(types.CallSudoSetAdjustmentInterval, 1), set(types.CallSudoSetDifficulty, 4))
	for _, want := range []uint64{2, 1, 1} {
		c.run()
		mustEqual(t, "difficulty without registrations", hyper().Difficulty, want)
	}

	// Max 10000, difficulty 5000, 4 PoW registrations, target 3: 5833.
	c.runAll(append([]signedCall{set(types.CallSudoSetMaxDifficulty, 10000), set(types.CallSudoSetDifficulty, 5000),
		set(types.CallSudoSetMaxRegistrationsPerBlock, 4)}, pow(4, 5000)...)...)
	// The next block's step adjusts; 3 PoW registrations in that block
	// (target 3) are case C at the step after: the burn is adjusted (by
	// (3+3)/6, unchanged) and the difficulty is not.
	burn := hyper().Burn
	c.runAll(pow(3, 5833)...)
	mustEqual(t, "difficulty after 4 registrations, target 3", hyper().Difficulty, 5833)
	c.run()
	mustEqual(t, "difficulty after 3 registrations, target 3", hyper().Difficulty, 5833)
	mustEqual(t, "burn after 3 registrations, target 3", hyper().Burn, burn)

	// Burn 1000, interval 1, target 1, 2 burned registrations: 1500; with
	// AdjustmentAlpha = u64::MAX/2: 1250. (There is no burn setter: a
	// min = max = 1000 clamp puts it there.)
	for _, tt := range []struct {
		alpha uint64
		want  uint64
	}{{0, 1500}, {math.MaxUint64 / 2, 1250}} {
		c.runAll(set(types.CallSudoSetTargetRegistrationsPerInterval, 1), set(types.CallSudoSetAdjustmentAlpha, tt.alpha),
			set(types.CallSudoSetMinBurn, 1000), set(types.CallSudoSetMaxBurn, 1000))
		c.runAll(append([]signedCall{set(types.CallSudoSetMinBurn, 1), set(types.CallSudoSetMaxBurn, 1_000_000)}, burned(2)...)...)
		mustEqual(t, "burn before the registrations", c.state().Hyperparams(netuid).Burn, 1000)
		c.run()
		mustEqual(t, "burn after 2 burned registrations", hyper().Burn, tt.want)
	}
}

// signedCall is a call and its signer, for runAll.
type signedCall struct {
	k    *wallet.Keypair
	args types.CallArgs
}

// runAll runs the calls in one block, in order, each signer's nonces in
// sequence, and fails the test if any fails.
func (c *subtensorChain) runAll(calls ...signedCall) {
	c.t.Helper()
	next := map[types.AccountID]uint64{}
	var txs [][]byte
	for _, sc := range calls {
		who := types.AccountID(sc.k.PublicKey())
		if _, ok := next[who]; !ok {
			next[who] = c.account(sc.k).Nonce
		}
		txs = append(txs, c.tx(sc.k, next[who], sc.args))
		next[who]++
	}
	for i, r := range c.run(txs...) {
		if err := resultErr(r); err != nil {
			c.t.Fatalf("block %d, tx %d (%s): %v", c.height, i, calls[i].args.CallName(), err)
		}
	}
}

func (s *State) mustSubnet(netuid uint16) subnetState {
	sn, ok := s.Subnet(netuid)
	if !ok {
		panic("no subnet")
	}
	return sn
}

func TestSwapHotkey(t *testing.T) {
	g := subtensorGenesis(t, "//Alice", "//Bob", "//Charlie", "//Dave")
	g.Balances = append(g.Balances, GenesisBalance{Address: id(t, "//Poor"), Free: tao + tao/2})
	c := newSubtensorChain(t, g)
	bob, charlie, dave, poor := key(t, "//Bob"), key(t, "//Charlie"), key(t, "//Dave"), key(t, "//Poor")
	c.run()
	n1, n2 := c.createSubnet(bob), c.createSubnet(charlie)
	old, nw := id(t, "//Bob/old"), id(t, "//Bob/new")
	c.burnRegister(bob, n1, old)
	c.burnRegister(bob, n2, old)
	c.must(bob, &types.BecomeDelegate{Hotkey: old})
	c.must(bob, &types.AddStake{Hotkey: old, Amount: 5 * tao})
	c.must(dave, &types.AddStake{Hotkey: old, Amount: 3 * tao})
	c.must(key(t, "//Bob/old"), &types.ServeAxon{Netuid: n1, IP: ip4(t, "198.51.100.7"), IPType: 4, Port: 9})

	c.failsCleanly(charlie, &types.SwapHotkey{Hotkey: old, NewHotkey: nw}, types.ErrNonAssociatedColdKey)
	c.failsCleanly(bob, &types.SwapHotkey{Hotkey: old, NewHotkey: old}, types.ErrAlreadyRegistered)
	taken := id(t, "//Charlie/hot")
	c.burnRegister(charlie, n2, taken)
	c.failsCleanly(bob, &types.SwapHotkey{Hotkey: old, NewHotkey: taken}, types.ErrAlreadyRegistered)
	// A hotkey that exists but is on no subnet belongs to someone: refused.
	owned := id(t, "//Charlie/old")
	c.burnRegister(charlie, n2, owned)
	c.must(charlie, &types.DissolveNetwork{Netuid: n2})
	c.failsCleanly(bob, &types.SwapHotkey{Hotkey: old, NewHotkey: owned}, types.ErrHotkeyAlreadyExists)
	poorHot := id(t, "//Poor/hot")
	c.burnRegister(poor, n1, poorHot)
	c.failsCleanly(poor, &types.SwapHotkey{Hotkey: poorHot, NewHotkey: id(t, "//Poor/new")}, types.ErrNotEnoughBalance)
	c.must(bob, &types.Transfer{Dest: id(t, "//Poor"), Value: tao - c.account(poor).Free + 10})
	c.failsCleanly(poor, &types.SwapHotkey{Hotkey: poorHot, NewHotkey: id(t, "//Poor/new")}, types.ErrBalanceWithdrawalError)

	is, before := c.issuance(), c.account(bob).Free
	c.must(bob, &types.SwapHotkey{Hotkey: old, NewHotkey: nw})
	mustEqual(t, "bob's balance", c.account(bob).Free, before-tao)
	mustEqual(t, "issuance (1 TAO burned)", c.issuance(), is-tao)
	var hk types.HotkeyInfo
	c.query(types.QueryHotkey+"/"+nw.String(), 0, &hk)
	if hk.Owner != id(t, "//Bob") || hk.TotalStake != 8*tao || !hk.Delegate || len(hk.Registrations) != 1 || len(hk.Stake) != 2 {
		t.Errorf("new hotkey = %+v", hk)
	}
	c.query(types.QueryHotkey+"/"+old.String(), 0, &hk)
	if hk.Exists || hk.TotalStake != 0 || hk.Delegate || len(hk.Registrations) != 0 {
		t.Errorf("old hotkey = %+v", hk)
	}
	var n types.NeuronInfo
	c.query(types.QueryNeuron+"/1/"+nw.String(), 0, &n)
	if n.UID != 0 || n.Axon.IP != "198.51.100.7" {
		t.Errorf("neuron after swap = %+v", n)
	}
	var cs types.ColdkeyStake
	c.query(types.QueryStake+"/"+id(t, "//Dave").String(), 0, &cs)
	if len(cs.Stakes) != 1 || cs.Stakes[0] != (types.HotkeyStake{Hotkey: nw, Amount: 3 * tao}) {
		t.Errorf("dave's stakes = %+v", cs)
	}
	// swap_hotkey is rate limited with the other staking calls.
	c.setGlobal(types.CallSudoSetTxRateLimit, 10)
	c.failsCleanly(bob, &types.SwapHotkey{Hotkey: nw, NewHotkey: id(t, "//Bob/newer")}, types.ErrTxRateLimitExceeded)
}

func (c *subtensorChain) setGlobal(call string, v uint64) {
	c.t.Helper()
	c.setHyper(call, 0, v)
}
