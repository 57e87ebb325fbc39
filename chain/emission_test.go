package chain

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/economics"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/wallet"
)

func TestBlocksUntilNextEpoch(t *testing.T) {
	for _, tt := range []struct {
		netuid, tempo uint16
		block, want   uint64
	}{
		// The reference's test_blocks_until_epoch
		// (pallets/subtensor/tests/block_step.rs).
		{0, 1, 0, 0}, {1, 1, 0, 1}, {0, 1, 1, 1}, {1, 10, 0, 8}, {1, 10, 8, 0},
		{0, 100, 99, 0}, {0, 100, 99 + 101, 0}, {0, 100, 100, 100},
		{1, 360, 358, 0}, {1, 360, 358 + 361*7, 0}, {1, 360, 359, 360},
		{3, 65535, 0, 65531}, {65535, 65535, 65535, 0}, {65535, 65535, 0, 65535},
		{2, 0, 5, 1000}, // tempo 0: never
	} {
		if got := blocksUntilNextEpoch(tt.netuid, tt.tempo, tt.block); got != tt.want {
			t.Errorf("blocksUntilNextEpoch(%d, %d, %d) = %d, want %d", tt.netuid, tt.tempo, tt.block, got, tt.want)
		}
	}
	// Every tempo+1 blocks exactly once.
	for _, tempo := range []uint16{1, 4, 99} {
		for netuid := uint16(0); netuid < 5; netuid++ {
			runs := 0
			for b := uint64(1000); b < 1000+uint64(tempo)+1; b++ {
				if blocksUntilNextEpoch(netuid, tempo, b) == 0 {
					runs++
					if nextEpochBlock(netuid, tempo, b-1) != b {
						t.Errorf("nextEpochBlock(%d, %d, %d) = %d, want %d", netuid, tempo, b-1, nextEpochBlock(netuid, tempo, b-1), b)
					}
				}
			}
			mustEqual(t, fmt.Sprintf("epochs of netuid %d tempo %d per tempo+1 blocks", netuid, tempo), runs, 1)
		}
	}
}

// held is every RAO in free balances, stake and subnet locks: what the
// total issuance must equal.
func held(st *State) uint64 {
	var sum uint64
	st.IterateAccounts(func(_ types.AccountID, acc Account) bool {
		sum += acc.Free
		return true
	})
	return sum + heldOutsideBalances(st)
}

// emissionChain is a chain whose subnet 1 earns emission from block 1: a
// root validator weights it alone (root tempo 2: root epochs at blocks 1,
// 4, 7, …), so its EmissionValue is the whole block emission, 1 TAO. Its
// owner //Bob takes the reference's cut of 11796/65535. Subnet 1 (tempo 4:
// epochs at blocks 2, 7, 12, …) has a validator //v (a delegate owned by
// //Alice, with a validator permit and 1000 TAO staked) and two miners
// owned by //Charlie.
type emissionChain struct {
	*subtensorChain
	alice, bob, charlie, v, m1, m2 *wallet.Keypair
}

func newEmissionChain(t *testing.T, edit func(*Genesis)) *emissionChain {
	t.Helper()
	g := subtensorGenesis(t, "//Alice", "//Bob", "//Charlie", "//root/cold")
	g.Root.Tempo = 2
	rootHot := id(t, "//root/hot")
	g.Subnets = append(g.Subnets, GenesisSubnet{Netuid: RootNetuid, Neurons: []GenesisNeuron{
		{Hotkey: rootHot, Coldkey: id(t, "//root/cold"), Stake: 100 * tao, Weights: [][2]uint16{{1, 65535}}},
	}})
	h := g.Params.Subtensor.SubnetDefaults
	h.Tempo = 4
	h.WeightsSetRateLimit = 0
	g.Subnets = append(g.Subnets, GenesisSubnet{Netuid: 1, Owner: id(t, "//Bob"), Lock: 100 * tao, Hyperparams: &h, Neurons: []GenesisNeuron{
		{Hotkey: id(t, "//v"), Coldkey: id(t, "//Alice"), Stake: 1000 * tao, Delegate: true, ValidatorPermit: true},
		{Hotkey: id(t, "//m1"), Coldkey: id(t, "//Charlie")},
		{Hotkey: id(t, "//m2"), Coldkey: id(t, "//Charlie")},
	}})
	if edit != nil {
		edit(&g)
	}
	c := &emissionChain{subtensorChain: newSubtensorChain(t, g)}
	c.alice, c.bob, c.charlie = key(t, "//Alice"), key(t, "//Bob"), key(t, "//Charlie")
	c.v, c.m1, c.m2 = key(t, "//v"), key(t, "//m1"), key(t, "//m2")
	return c
}

func (c *emissionChain) emission() types.EmissionInfo {
	c.t.Helper()
	var info types.EmissionInfo
	c.query(types.QueryEmission, 0, &info)
	return info
}

func subnetOf(info types.EmissionInfo, netuid uint16) types.SubnetEmissionInfo {
	for _, s := range info.Subnets {
		if s.Netuid == netuid {
			return s
		}
	}
	return types.SubnetEmissionInfo{}
}

// Block by block: the root epoch sets the subnet's emission value, the
// owner gets the cut each block, the rest accumulates until the epoch,
// whose payouts the next block pays through the hotkeys (delegate take and
// nominators), and the total issuance grows by exactly what is credited.
func TestEmissionPipeline(t *testing.T) {
	c := newEmissionChain(t, nil)
	// 1 TAO with a cut of 11796: one RAO lost to the two floors.
	const ownerCut, pendingPerBlock = 179_995_422, 820_004_577
	vID, aliceID, charlieID := id(t, "//v"), id(t, "//Alice"), id(t, "//Charlie")
	bobBefore := c.state().Account(id(t, "//Bob")).Free
	prev := c.emission()
	if prev.BlockEmission != economics.InitialBlockEmission || subnetOf(prev, 1).EmissionValue != 0 {
		t.Fatalf("genesis emission %+v", prev)
	}
	sawEpochs, sawDrains := 0, 0
	for b := uint64(1); b <= 17; b++ {
		var txs [][]byte
		switch b {
		case 1: // Charlie nominates the validator
			txs = append(txs, c.signed(c.charlie, &types.AddStake{Hotkey: vID, Amount: 500 * tao}))
		case 3: // the validator weights the miners
			txs = append(txs, c.signed(c.v, &types.SetWeights{Netuid: 1, Dests: []uint16{1, 2}, Weights: []uint16{3, 1}}))
		}
		before := c.state()
		stakesBefore := map[types.AccountID]uint64{aliceID: before.Stake(vID, aliceID), charlieID: before.Stake(vID, charlieID)}
		totalVBefore := before.TotalHotkeyStake(vID)
		for _, r := range c.run(txs...) {
			if err := resultErr(r); err != nil {
				t.Fatalf("block %d: %v", b, err)
			}
		}
		st := c.state()
		now := c.emission()
		if got := held(st); got != now.TotalIssuance {
			t.Fatalf("block %d: total issuance %d, %d held", b, now.TotalIssuance, got)
		}
		sn, was := subnetOf(now, 1), subnetOf(prev, 1)
		mustEqual(t, fmt.Sprintf("block %d: emission value", b), sn.EmissionValue, economics.InitialBlockEmission)
		mustEqual(t, fmt.Sprintf("block %d: owner's balance", b), st.Account(id(t, "//Bob")).Free, bobBefore+b*ownerCut)

		// The drain: last block's payouts are now stake, minted exactly.
		minted := uint64(ownerCut)
		if len(was.Loaded) > 0 {
			sawDrains++
			var paid uint64
			for _, l := range was.Loaded {
				paid += l.Server + l.Validator
				if l.Hotkey == vID {
					split, err := economics.SplitDelegateEmission(11796, totalVBefore, []uint64{stakesBefore[aliceID], stakesBefore[charlieID]}, l.Server, l.Validator)
					if aliceID.Compare(charlieID) > 0 {
						split, err = economics.SplitDelegateEmission(11796, totalVBefore, []uint64{stakesBefore[charlieID], stakesBefore[aliceID]}, l.Server, l.Validator)
						split.Nominators[0], split.Nominators[1] = split.Nominators[1], split.Nominators[0]
					}
					if err != nil {
						t.Fatal(err)
					}
					mustEqual(t, fmt.Sprintf("block %d: charlie's stake on the delegate", b), st.Stake(vID, charlieID), stakesBefore[charlieID]+split.Nominators[1])
					mustEqual(t, fmt.Sprintf("block %d: alice's stake on her delegate", b), st.Stake(vID, aliceID), stakesBefore[aliceID]+split.Nominators[0]+split.Owner)
				}
			}
			minted += paid
			if len(sn.Loaded) != 0 && sn.LastStepBlock != b {
				t.Errorf("block %d: payouts still loaded after the drain: %+v", b, sn.Loaded)
			}
		}
		mustEqual(t, fmt.Sprintf("block %d: issuance growth", b), now.TotalIssuance-prev.TotalIssuance, minted)

		if blocksUntilNextEpoch(1, 4, b) == 0 {
			sawEpochs++
			E := was.PendingEmission + pendingPerBlock
			var paid uint64
			for _, l := range sn.Loaded {
				paid += l.Server + l.Validator
			}
			if sn.PendingEmission != 0 || sn.LastStepBlock != b || sn.BlocksSinceLastStep != 0 || paid > E || paid < E-10 {
				t.Errorf("block %d: epoch of %d RAO left %+v (payouts %d)", b, E, sn, paid)
			}
			if b == 2 && (len(sn.Loaded) != 1 || sn.Loaded[0].Hotkey != vID || sn.Loaded[0].Validator != E) {
				t.Errorf("first epoch: no weights count, the only permitted validator earns it all: %+v", sn.Loaded)
			}
		} else {
			mustEqual(t, fmt.Sprintf("block %d: pending", b), sn.PendingEmission, was.PendingEmission+pendingPerBlock)
			mustEqual(t, fmt.Sprintf("block %d: blocks since last step", b), sn.BlocksSinceLastStep, was.BlocksSinceLastStep+1)
		}
		prev = now
	}
	if sawEpochs != 4 || sawDrains != 3 {
		t.Errorf("%d epochs and %d drains in 17 blocks", sawEpochs, sawDrains)
	}
	// After the weights (block 3), the epochs at 7, 12 and 17 pay the
	// miners as servers, 3:1.
	var m1, m2, v neuron
	m1, _ = c.state().Neuron(1, 1)
	m2, _ = c.state().Neuron(1, 2)
	v, _ = c.state().Neuron(1, 0)
	if m1.Incentive == 0 || m2.Incentive == 0 || m1.Incentive <= m2.Incentive || v.Dividends != 65535 || !v.ValidatorPermit {
		t.Errorf("after weights: v %+v, m1 %+v, m2 %+v", v, m1, m2)
	}
	if got := c.state().TotalHotkeyStake(id(t, "//m1")); got == 0 || got != c.state().Stake(id(t, "//m1"), charlieID) {
		t.Errorf("miner 1's earnings: stake %d", got)
	}
}

// The block emission follows the halving rule through the root epoch.
func TestHalvingThroughRootEpoch(t *testing.T) {
	for _, tt := range []struct {
		issuance, want uint64
	}{
		{10_500_000_000_000_000, 500_000_000},
		{15_750_000_000_000_000, 250_000_000},
		{21_000_000_000_000_000, 0},
	} {
		c := newEmissionChain(t, func(g *Genesis) {
			var total uint64
			for _, b := range g.Balances {
				total += b.Free
			}
			for _, s := range g.Subnets {
				total += s.Lock
				for _, n := range s.Neurons {
					total += n.Stake
				}
			}
			g.Balances = append(g.Balances, GenesisBalance{Address: id(t, "//whale"), Free: tt.issuance - total})
		})
		mustEqual(t, "genesis issuance", c.emission().TotalIssuance, tt.issuance)
		c.run() // block 1: the root epoch
		mustEqual(t, fmt.Sprintf("emission value at issuance %d", tt.issuance), subnetOf(c.emission(), 1).EmissionValue, tt.want)
		mustEqual(t, "block emission", c.emission().BlockEmission, economics.BlockEmission(c.emission().TotalIssuance))
	}
}

// The reference's test_root_set_weights (pallets/subtensor/tests/root.rs):
// ten root validators with equal stake, each weighting one of the netuids
// 0..9, give every subnet 99,999,999 RAO per block; a subnet's pending
// emission grows by that much each block.
func TestRootEpochVector(t *testing.T) {
	g := subtensorGenesis(t, "//Alice")
	g.Params.Subtensor.SubnetOwnerCut = 0
	g.Root.Tempo, g.Root.Rho, g.Root.Kappa = 1, 30, 32767
	h := g.Params.Subtensor.SubnetDefaults
	h.Tempo = 1000
	root := GenesisSubnet{Netuid: RootNetuid}
	for i := uint16(0); i < 10; i++ {
		if i > 0 {
			g.Subnets = append(g.Subnets, GenesisSubnet{Netuid: i, Owner: id(t, "//Alice"), Hyperparams: &h})
		}
		root.Neurons = append(root.Neurons, GenesisNeuron{Hotkey: id(t, fmt.Sprintf("//root/%d", i)), Coldkey: id(t, "//Alice"), Stake: tao,
			Weights: [][2]uint16{{i, 65535}}})
	}
	g.Subnets = append(g.Subnets, root)
	c := newSubtensorChain(t, g)
	var info types.EmissionInfo
	for b := 1; b <= 4; b++ {
		c.run()
		c.query(types.QueryEmission, 0, &info)
		if b == 1 { // (1+1) mod 2 == 1: no root epoch yet
			continue
		}
		for _, s := range info.Subnets {
			mustEqual(t, fmt.Sprintf("block %d: emission value of %d", b, s.Netuid), s.EmissionValue, 99_999_999)
			if s.Netuid != 0 {
				mustEqual(t, fmt.Sprintf("block %d: pending of %d", b, s.Netuid), s.PendingEmission, uint64(b-1)*99_999_999)
			}
		}
	}
	if p := subnetOf(info, 1).PendingEmission; p != 299_999_997 {
		t.Errorf("pending after 3 blocks %d", p)
	}
}

// Emission that reaches no one is never minted: an empty subnet's epoch,
// the root network's own share, and payouts of a subnet removed before
// they are drained.
func TestDroppedEmissionIsNotMinted(t *testing.T) {
	c := newEmissionChain(t, func(g *Genesis) {
		h := g.Params.Subtensor.SubnetDefaults
		h.Tempo = 4
		g.Subnets = append(g.Subnets, GenesisSubnet{Netuid: 2, Owner: id(t, "//Bob"), Lock: 100 * tao, Hyperparams: &h})
		for i := range g.Subnets {
			if g.Subnets[i].Netuid == RootNetuid {
				g.Subnets[i].Neurons[0].Weights = [][2]uint16{{0, 65535}, {1, 65535}, {2, 65535}}
			}
		}
	})
	start := c.emission().TotalIssuance
	for b := uint64(1); b <= 6; b++ { // subnet 2's epoch at block 1 and 6, subnet 1's at 2
		if b == 2 {
			// Subnet 1's epoch runs before the block's transactions; the
			// subnet is gone before its payouts are drained.
			c.run(c.signed(c.bob, &types.DissolveNetwork{Netuid: 1}))
			continue
		}
		c.run()
	}
	info := c.emission()
	for _, s := range info.Subnets {
		if s.Netuid == 1 {
			t.Fatal("subnet 1 still listed")
		}
		// Root's weight on the removed subnet is gone: the root epoch at
		// block 4 splits the block emission between netuids 0 and 2.
		mustEqual(t, fmt.Sprintf("subnet %d's share", s.Netuid), s.EmissionValue, 500_000_000)
	}
	// Only the owner's cuts were minted: subnet 2's every block and subnet
	// 1's in blocks 1 and 2 (block 2's before the dissolve). Root epochs
	// run at blocks 1 and 4.
	var cuts uint64
	for b := uint64(1); b <= 6; b++ {
		cut, _ := economics.OwnerCut(emissionValueAt(c, 2, b), 11796)
		cuts += cut
		if b <= 2 {
			cut, _ := economics.OwnerCut(emissionValueAt(c, 1, 1), 11796)
			cuts += cut
		}
	}
	if got := info.TotalIssuance - start; got != cuts || cuts == 0 {
		t.Errorf("issuance grew by %d; the owner cuts were %d", got, cuts)
	}
	if l := c.state().LoadedEmission(1); l != nil || c.state().kv.Get(netuidKey(prefixSubnetEmission, 1)) != nil {
		t.Errorf("removed subnet left emission state: %v", l)
	}
	// The dissolved subnet's validator was unstaked (its stake returned to
	// Alice and Charlie), with nothing paid on top.
	if s := c.state().TotalHotkeyStake(id(t, "//v")); s != 0 {
		t.Errorf("the removed subnet's validator holds %d", s)
	}
}

// emissionValueAt is the EmissionValue netuid was paid from in block b:
// the value after b's root epoch, read from block b's state.
func emissionValueAt(c *emissionChain, netuid uint16, b uint64) uint64 {
	c.t.Helper()
	var info types.SubnetInfo
	c.query(fmt.Sprintf("%s/%d", types.QuerySubnet, netuid), int64(b), &info)
	return info.EmissionValue
}

// A hotkey swapped between its epoch and the drain is paid under its new
// name.
func TestSwapHotkeyKeepsLoadedEmission(t *testing.T) {
	c := newEmissionChain(t, nil)
	c.run() // block 1
	newHot := id(t, "//v/new")
	// Block 2: the epoch loads the validator's payout, then the swap.
	res := c.run(c.signed(c.alice, &types.SwapHotkey{Hotkey: id(t, "//v"), NewHotkey: newHot}))
	if err := resultErr(res[0]); err != nil {
		t.Fatal(err)
	}
	loaded := c.state().LoadedEmission(1)
	if len(loaded) != 1 || loaded[0].Hotkey != newHot {
		t.Fatalf("loaded after the swap: %+v", loaded)
	}
	before := c.state().TotalHotkeyStake(newHot)
	c.run()
	if got := c.state().TotalHotkeyStake(newHot); got != before+loaded[0].Validator+loaded[0].Server {
		t.Errorf("new hotkey's stake %d, want %d + %d", got, before, loaded[0].Validator)
	}
}

// The mempool's view of the next block has the per-block step without the
// Yuma epochs: payouts drained and pending emission accumulated, but an
// epoch due in that block not run. CheckTx sees the permits an epoch in
// the last committed block granted.
func TestCheckStateAndEpochs(t *testing.T) {
	c := newEmissionChain(t, func(g *Genesis) {
		for i := range g.Subnets {
			if g.Subnets[i].Netuid == 1 {
				g.Subnets[i].Neurons[0].ValidatorPermit = false
			}
		}
	})
	checkState := func() *State { return NewState(c.app.check) }
	checkTx := func(k *wallet.Keypair, args types.CallArgs) error {
		resp, err := c.app.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: c.signed(k, args)})
		if err != nil {
			t.Fatal(err)
		}
		c.app.check = newCheckState(c.app.check.parent, uint64(c.height)+1, c.app.up) // forget it
		if resp.Code == 0 {
			return nil
		}
		return types.NewChainError(resp.Code, resp.Codespace, resp.Log)
	}
	weights := &types.SetWeights{Netuid: 1, Dests: []uint16{1, 2}, Weights: []uint16{1, 1}}
	c.run() // block 1; the next is subnet 1's epoch block
	if err := checkTx(c.v, weights); !errors.Is(err, types.ErrNoValidatorPermit) {
		t.Fatalf("weights before any permit: %v", err)
	}
	es := checkState().SubnetEmission(1)
	if es.Pending != 2*820_004_577 || es.LastStepBlock != 0 {
		t.Errorf("check state at the epoch block: %+v (the epoch must not run there)", es)
	}
	c.run() // block 2: the epoch grants the permits
	if n, _ := c.state().Neuron(1, 0); !n.ValidatorPermit {
		t.Fatal("the epoch granted no permit")
	}
	if err := checkTx(c.v, weights); err != nil {
		t.Errorf("weights after the epoch granted the permit: %v", err)
	}
	loaded := c.state().LoadedEmission(1)
	if len(loaded) == 0 {
		t.Fatal("the epoch loaded nothing")
	}
	if got, want := checkState().TotalHotkeyStake(id(t, "//v")), c.state().TotalHotkeyStake(id(t, "//v"))+loaded[0].Validator; got != want {
		t.Errorf("check state's stake %d, want %d after the drain", got, want)
	}
}

// The reference's test_full_with_delegating: a delegate's validator emission
// is split between its take, its nominators by stake, and its owner (the
// remainder), through the chain's drain.
func TestDelegateSplitVector(t *testing.T) {
	g, hk := vectorGenesis(t, []uint64{200, 1000, 1000}, nil)
	g.Params.Subtensor.TxRateLimit = 0
	cold := func(i int) *wallet.Keypair { return key(t, fmt.Sprintf("//tv/%d/cold", i)) }
	// The vector's hotkey0, hotkey2 and hotkey3 are the genesis neurons
	// 0, 1 and 2, owned by c0, c2 and c3; c1 only nominates.
	c0, c1, c2, c3 := cold(0), cold(3), cold(1), cold(2)
	g.Balances = append(g.Balances, GenesisBalance{Address: types.AccountID(c1.PublicKey()), Free: 1000 * tao})
	h := newEpochHarness(t, g)
	h0, h2, h3 := hk[0], hk[1], hk[2]
	hot := func(k *wallet.Keypair) types.AccountID { return types.AccountID(k.PublicKey()) }
	for _, d := range []struct {
		owner, hotkey *wallet.Keypair
		take          uint16
	}{{c0, h0, 10}, {c2, h2, 32767}, {c3, h3, 65535}} {
		p := h.st.Params()
		p.Subtensor.DefaultTake = d.take
		h.st.SetParams(p)
		h.must(1, d.owner, &types.BecomeDelegate{Hotkey: hot(d.hotkey)})
	}
	for _, n := range []struct {
		who    *wallet.Keypair
		hotkey *wallet.Keypair
		amount uint64
	}{{c1, h0, 300}, {c1, h2, 1000}, {c0, h2, 1000}, {c0, h3, 1000}, {c1, h3, 1000}, {c2, h3, 1000}} {
		h.must(1, n.who, &types.AddStake{Hotkey: hot(n.hotkey), Amount: n.amount})
	}
	h.st.setLoadedEmission(1, []loadedEmission{{hot(h0), 0, 1000}, {hot(h2), 0, 1000}, {hot(h3), 0, 1000}})
	before := h.st.TotalIssuance()
	drainEmission(h.st)
	stake := func(hotkey, coldkey *wallet.Keypair) uint64 { return h.st.Stake(hot(hotkey), hot(coldkey)) }
	mustEqual(t, "hotkey0: c0 (owner), c1", [2]uint64{stake(h0, c0), stake(h0, c1)}, [2]uint64{601, 899})
	mustEqual(t, "hotkey2: c2 (owner), c1, c0", [3]uint64{stake(h2, c2), stake(h2, c1), stake(h2, c0)}, [3]uint64{1668, 1166, 1166})
	mustEqual(t, "hotkey3: c3 (owner), c0, c1, c2", [4]uint64{stake(h3, c3), stake(h3, c0), stake(h3, c1), stake(h3, c2)}, [4]uint64{2000, 1000, 1000, 1000})
	mustEqual(t, "minted", h.st.TotalIssuance()-before, 3000)
	if h.st.LoadedEmission(1) != nil {
		t.Error("the drain left the payouts loaded")
	}
	if got := held(h.st); got != h.st.TotalIssuance() {
		t.Errorf("issuance %d, held %d", h.st.TotalIssuance(), got)
	}
}

// Random calls, including hostile parameter values, never stop the block
// step: for many blocks with short tempos (epochs, root epochs and drains
// every few blocks), random registrations, stake moves, delegations,
// weights (valid or not), setters (any value in range), swaps and subnet
// removals and creations run, and after every block the total issuance
// equals every RAO held. With -tags invariants every block also checks the
// stake and neuron invariants.
func TestBlockStepSurvivesRandomCalls(t *testing.T) {
	blocks := 150
	if testing.Short() {
		blocks = 40
	}
	c := newEmissionChain(t, func(g *Genesis) {
		g.Root.Tempo = 1
		g.Params.Subtensor.NetworkMinLockCost = tao
		for i := range g.Subnets {
			if g.Subnets[i].Netuid == 1 {
				h := *g.Subnets[i].Hyperparams
				h.Tempo, h.MaxAllowedUids, h.ImmunityPeriod, h.MinBurn, h.Burn = 2, 6, 3, 1000, 1000
				g.Subnets[i].Hyperparams = &h
			}
		}
		g.Params.Subtensor.SubnetDefaults.Tempo = 3
	})
	r := rand.New(rand.NewPCG(7, 11))
	colds := []*wallet.Keypair{c.alice, c.bob, c.charlie}
	var hots []*wallet.Keypair
	for i := range 8 {
		hots = append(hots, key(t, fmt.Sprintf("//random/%d", i)))
	}
	hots = append(hots, c.v, c.m1, c.m2, key(t, "//root/hot"))
	setters := types.ParamSetters()
	pick := func(ks []*wallet.Keypair) *wallet.Keypair { return ks[r.IntN(len(ks))] }
	netuid := func() uint16 { return uint16(r.IntN(4)) }
	failed, epochs := 0, 0
	for b := 0; b < blocks; b++ {
		var txs [][]byte
		nonces := map[*wallet.Keypair]uint64{}
		sign := func(k *wallet.Keypair, args types.CallArgs) {
			n, ok := nonces[k]
			if !ok {
				n = c.account(k).Nonce
			}
			nonces[k] = n + 1
			txs = append(txs, c.tx(k, n, args))
		}
		for range 1 + r.IntN(4) {
			hk := types.AccountID(pick(hots).PublicKey())
			switch r.IntN(9) {
			case 0:
				sign(pick(colds), &types.BurnedRegister{Netuid: netuid(), Hotkey: hk})
			case 1:
				sign(pick(colds), &types.AddStake{Hotkey: hk, Amount: r.Uint64N(50 * tao)})
			case 2:
				sign(pick(colds), &types.RemoveStake{Hotkey: hk, Amount: r.Uint64N(50 * tao)})
			case 3:
				sign(pick(colds), &types.BecomeDelegate{Hotkey: hk})
			case 4, 5:
				n := r.IntN(5)
				dests, ws := make([]uint16, n), make([]uint16, n)
				for k := range n {
					dests[k], ws[k] = uint16(r.IntN(7)), uint16(r.IntN(65536))
				}
				sign(pick(hots), &types.SetWeights{Netuid: netuid(), Dests: dests, Weights: ws})
			case 6:
				s := setters[r.IntN(len(setters))]
				v := r.Uint64N(s.Max/2 + 1)
				if r.IntN(2) == 0 {
					v = r.Uint64N(8)
				}
				args, err := types.NewSudoSet(s.Call, netuid(), v)
				if err != nil {
					t.Fatal(err)
				}
				sign(c.alice, args)
			case 7:
				sign(pick(colds), &types.SwapHotkey{Hotkey: hk, NewHotkey: types.AccountID(key(t, fmt.Sprintf("//random/swap/%d", b)).PublicKey())})
			case 8:
				if r.IntN(2) == 0 {
					sign(pick(colds), &types.DissolveNetwork{Netuid: 1 + uint16(r.IntN(3))})
				} else {
					sign(pick(colds), &types.RegisterNetwork{})
				}
			}
		}
		for _, res := range c.run(txs...) {
			if res.Code != 0 {
				failed++
			}
		}
		if st := c.state(); held(st) != st.TotalIssuance() {
			t.Fatalf("block %d: total issuance %d, %d held", b+1, st.TotalIssuance(), held(st))
		}
		for _, s := range c.emission().Subnets {
			if s.LastStepBlock == uint64(c.height) && len(s.Loaded) > 0 {
				epochs++
			}
		}
	}
	if epochs < 10 || failed == 0 {
		t.Errorf("the random run ran %d paying epochs and failed %d calls", epochs, failed)
	}
}
