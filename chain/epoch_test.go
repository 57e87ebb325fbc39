package chain

import (
	"fmt"
	"slices"
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/chain/yuma"
	"github.com/go-bittensor/bittensor/wallet"
)

// epochHarness is chain state in memory where calls run through the
// chain's dispatch at chosen blocks and epochs run through the chain's
// epoch (gather, yuma, write) when the test says, with the emission it
// says: as the reference's mock tests call epoch() by hand. It reproduces
// the values the reference's epoch tests assert (pallets/subtensor/tests/epoch.rs)
// through the chain's state, not just through the pure function.
type epochHarness struct {
	t  *testing.T
	st *State
}

func newEpochHarness(t *testing.T, g Genesis) *epochHarness {
	t.Helper()
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	st := NewState(newCache(emptyKV{}))
	g.apply(st, testChainID)
	return &epochHarness{t: t, st: st}
}

// call runs args signed by k at height, all or nothing, as a transaction's
// call runs.
func (h *epochHarness) call(height uint64, k *wallet.Keypair, args types.CallArgs) error {
	h.t.Helper()
	cache := newCache(h.st.kv)
	ctx := &Context{State: NewState(cache), Height: height, Signer: types.AccountID(k.PublicKey()), Params: h.st.Params()}
	if err := dispatch(ctx, args); err != nil {
		return err
	}
	cache.Write()
	return nil
}

func (h *epochHarness) must(height uint64, k *wallet.Keypair, args types.CallArgs) {
	h.t.Helper()
	if err := h.call(height, k, args); err != nil {
		h.t.Fatalf("block %d: %s: %v", height, args.CallName(), err)
	}
}

// epoch runs netuid's epoch at block over emission RAO and returns its
// payouts.
func (h *epochHarness) epoch(netuid uint16, block, emission uint64) []loadedEmission {
	h.t.Helper()
	p, err := runSubnetEpoch(h.st, netuid, block, emission, nil)
	if err != nil {
		h.t.Fatalf("epoch of subnet %d at block %d: %v", netuid, block, err)
	}
	return p
}

func (h *epochHarness) neuron(netuid, uid uint16) neuron {
	h.t.Helper()
	n, ok := h.st.Neuron(netuid, uid)
	if !ok {
		h.t.Fatalf("no neuron %d on subnet %d", uid, netuid)
	}
	return n
}

// field reads one stored value of every neuron of netuid.
func (h *epochHarness) field(netuid uint16, f func(*neuron) uint64) []uint64 {
	var out []uint64
	h.st.IterateNeurons(netuid, func(_ uint16, n neuron) bool {
		out = append(out, f(&n))
		return true
	})
	return out
}

func emissionOf(n *neuron) uint64     { return n.Emission }
func dividendsOf(n *neuron) uint64    { return uint64(n.Dividends) }
func pruningScoreOf(n *neuron) uint64 { return uint64(n.PruningScore) }

// bond is the stored bond of uid i on uid j (0 if none), and whether the
// entry exists.
func (h *epochHarness) bond(netuid, i, j uint16) (uint16, bool) {
	for _, p := range h.st.Bonds(netuid, i) {
		if p[0] == j {
			return p[1], true
		}
	}
	return 0, false
}

// vectorGenesis is the reference's mock runtime (pallets/subtensor/tests/mock.rs)
// for one subnet:
// n neurons with the given stakes (RAO) registered at genesis (block 0),
// Kappa 32767, bonds moving average 900,000, activity cutoff 5000, owner
// cut 0, and a tempo so long that no epoch runs by itself. Hotkey i is
// //tv/i, owned by coldkey //tv/i/cold (funded, for registrations).
func vectorGenesis(t *testing.T, stakes []uint64, edit func(*types.Hyperparams)) (Genesis, []*wallet.Keypair) {
	t.Helper()
	g := DefaultGenesis()
	g.Params.Subtensor.SubnetOwnerCut = 0
	h := types.DefaultSubnetHyperparams()
	h.Tempo = 65534
	h.Kappa, h.BondsMovingAverage, h.ActivityCutoff = 32767, 900_000, 5000
	h.MaxRegistrationsPerBlock = 3
	h.TargetRegistrationsPerInterval = 2
	h.MinBurn, h.Burn = 1, 1
	if edit != nil {
		edit(&h)
	}
	sn := GenesisSubnet{Netuid: 1, Hyperparams: &h}
	var hotkeys []*wallet.Keypair
	for i, s := range stakes {
		hk := key(t, fmt.Sprintf("//tv/%d", i))
		cold := key(t, fmt.Sprintf("//tv/%d/cold", i))
		hotkeys = append(hotkeys, hk)
		sn.Neurons = append(sn.Neurons, GenesisNeuron{Hotkey: types.AccountID(hk.PublicKey()), Coldkey: types.AccountID(cold.PublicKey()), Stake: s})
		g.Balances = append(g.Balances, GenesisBalance{Address: types.AccountID(cold.PublicKey()), Free: 1000 * tao})
	}
	g.Subnets = []GenesisSubnet{sn}
	return g, hotkeys
}

func ones(n int) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

// The reference's test_active_stake: a validator that stops setting weights loses
// dividends as its bonds decay, and regains some when it comes back.
func TestEpochVectorActiveStake(t *testing.T) {
	g, hk := vectorGenesis(t, ones(4), func(h *types.Hyperparams) {
		h.MaxAllowedValidators, h.MinAllowedWeights, h.WeightsSetRateLimit = 4, 0, 100
	})
	h := newEpochHarness(t, g)
	const E = 1_000_000_000
	h.epoch(1, 0, E) // grants the permits
	for _, v := range hk[:2] {
		h.must(1, v, &types.SetWeights{Netuid: 1, Dests: []uint16{2, 3}, Weights: []uint16{32767, 32767}})
	}
	h.epoch(1, 1, E)
	mustEqual(t, "dividends after block 1", fmt.Sprint(h.field(1, dividendsOf)), fmt.Sprint([]uint64{32767, 32767, 0, 0}))
	mustEqual(t, "emission after block 1", fmt.Sprint(h.field(1, emissionOf)), fmt.Sprint([]uint64{250000000, 250000000, 250000000, 250000000}))
	for _, v := range []uint16{0, 1} {
		for _, s := range []uint16{2, 3} {
			b, _ := h.bond(1, v, s)
			mustEqual(t, fmt.Sprintf("bond[%d][%d] after block 1", v, s), b, 65535)
		}
	}

	// Block 5002: uid 1 has been inactive since 1 + 5000 < 5002.
	h.must(5002, hk[0], &types.SetWeights{Netuid: 1, Dests: []uint16{2, 3}, Weights: []uint16{32767, 32767}})
	h.epoch(1, 5002, E)
	mustEqual(t, "dividends at 5002", fmt.Sprint(h.field(1, dividendsOf)[:2]), fmt.Sprint([]uint64{36044, 29490}))
	mustEqual(t, "emission at 5002", fmt.Sprint(h.field(1, emissionOf)), fmt.Sprint([]uint64{274999999, 224999999, 250000000, 250000000}))
	mustEqual(t, "pruning scores at 5002", fmt.Sprint(h.field(1, pruningScoreOf)), fmt.Sprint([]uint64{65535, 53620, 59577, 59577}))
	for s, want := range map[uint16][2]uint16{2: {65535, 53619}, 3: {65535, 53619}} {
		b0, _ := h.bond(1, 0, s)
		b1, _ := h.bond(1, 1, s)
		mustEqual(t, fmt.Sprintf("bonds[0,1][%d] at 5002", s), [2]uint16{b0, b1}, want)
	}
	if h.neuron(1, 1).Active {
		t.Error("uid 1 is still active at 5002")
	}

	// uid 1 comes back at 5002; epoch at 5003.
	h.must(5002, hk[1], &types.SetWeights{Netuid: 1, Dests: []uint16{2, 3}, Weights: []uint16{32767, 32767}})
	h.epoch(1, 5003, E)
	mustEqual(t, "dividends at 5003", fmt.Sprint(h.field(1, dividendsOf)[:2]), fmt.Sprint([]uint64{35716, 29818}))
	mustEqual(t, "emission at 5003", fmt.Sprint(h.field(1, emissionOf)[:2]), fmt.Sprint([]uint64{272501132, 227498866}))
	for _, s := range []uint16{2, 3} {
		b0, _ := h.bond(1, 0, s)
		b1, _ := h.bond(1, 1, s)
		mustEqual(t, fmt.Sprintf("bonds[0,1][%d] at 5003", s), [2]uint16{b0, b1}, [2]uint16{65535, 54712})
	}
}

// The reference's test_outdated_weights: weights set before their target's
// registration do not count.
func TestEpochVectorOutdatedWeights(t *testing.T) {
	g, hk := vectorGenesis(t, ones(4), func(h *types.Hyperparams) {
		h.MaxAllowedValidators, h.MaxAllowedUids, h.WeightsSetRateLimit, h.ImmunityPeriod = 4, 4, 0, 5000
	})
	h := newEpochHarness(t, g)
	const E = 1_000_000_000
	h.epoch(1, 0, E)
	for _, v := range hk[:2] {
		h.must(1, v, &types.SetWeights{Netuid: 1, Dests: []uint16{2, 3}, Weights: []uint16{43690, 21845}})
	}
	for i, s := range hk[2:] {
		h.must(1, s, &types.SetWeights{Netuid: 1, Dests: []uint16{uint16(2 + i)}, Weights: []uint16{65535}})
	}
	if w := h.st.Weights(1, 0); fmt.Sprint(w) != "[[2 65535] [3 32768]]" {
		t.Fatalf("stored weights of uid 0: %v", w)
	}
	h.epoch(1, 1, E)
	mustEqual(t, "emission at block 1", fmt.Sprint(h.field(1, emissionOf)), fmt.Sprint([]uint64{250000000, 250000000, 333331637, 166668361}))
	mustEqual(t, "pruning scores at block 1", fmt.Sprint(h.field(1, pruningScoreOf)), fmt.Sprint([]uint64{49152, 49152, 65535, 32768}))

	// A new hotkey registers at block 1 and replaces uid 3 (all are
	// immune; uid 3 scores lowest).
	newcomer, cold := key(t, "//tv/new"), key(t, "//tv/0/cold")
	h.must(1, cold, &types.BurnedRegister{Netuid: 1, Hotkey: types.AccountID(newcomer.PublicKey())})
	if n := h.neuron(1, 3); n.Hotkey != types.AccountID(newcomer.PublicKey()) || n.RegisteredAt != 1 || h.st.TotalHotkeyStake(n.Hotkey) != 0 {
		t.Fatalf("uid 3 after the registration: %+v", n)
	}
	h.must(2, hk[0], &types.SetWeights{Netuid: 1, Dests: []uint16{2, 3}, Weights: []uint16{43690, 21845}})
	mustEqual(t, "last updates", fmt.Sprint(h.field(1, func(n *neuron) uint64 { return n.LastUpdate })), fmt.Sprint([]uint64{2, 1, 1, 1}))
	h.epoch(1, 2, E)
	mustEqual(t, "emission at block 2", fmt.Sprint(h.field(1, emissionOf)), fmt.Sprint([]uint64{250000000, 250000000, 500000000, 0}))
	mustEqual(t, "dividends[0] at block 2", h.neuron(1, 0).Dividends, 32767)
	for _, s := range []uint16{2, 3} {
		b, _ := h.bond(1, 0, s)
		mustEqual(t, fmt.Sprintf("bond[0][%d] at block 2", s), b, 65535)
	}
	if _, ok := h.bond(1, 1, 3); ok {
		t.Error("uid 1 keeps a bond on uid 3, whose registration outdated its weights")
	}
}

// The fallbacks when no weights count (the reference's test_1_graph,
// test_10_graph and test_zero_weights).
func TestEpochVectorFallbacks(t *testing.T) {
	const E = 1_000_000_000
	t.Run("1 graph", func(t *testing.T) {
		g, hk := vectorGenesis(t, ones(1), func(h *types.Hyperparams) { h.MaxAllowedUids = 1 })
		h := newEpochHarness(t, g)
		h.must(1, hk[0], &types.SetWeights{Netuid: 1, Dests: []uint16{0}, Weights: []uint16{65535}})
		payouts := h.epoch(1, 1, E)
		n := h.neuron(1, 0)
		if n.Emission != E || n.Rank != 0 || n.Trust != 0 || n.Consensus != 0 || n.Incentive != 0 || n.Dividends != 0 {
			t.Errorf("neuron %+v", n)
		}
		if len(payouts) != 1 || payouts[0] != (loadedEmission{Hotkey: n.Hotkey, Server: 0, Validator: E}) {
			t.Errorf("payouts %+v", payouts)
		}
		if h.st.TotalHotkeyStake(n.Hotkey) != 1 {
			t.Error("the epoch changed the stake; payouts are paid by the next block's drain")
		}
	})
	t.Run("10 graph", func(t *testing.T) {
		g, hk := vectorGenesis(t, ones(10), nil)
		h := newEpochHarness(t, g)
		for i, k := range hk {
			h.must(1, k, &types.SetWeights{Netuid: 1, Dests: []uint16{uint16(i)}, Weights: []uint16{65535}})
		}
		h.epoch(1, 1, E)
		for i, e := range h.field(1, emissionOf) {
			mustEqual(t, fmt.Sprintf("emission[%d]", i), e, 99_999_999)
		}
	})
	t.Run("zero weights", func(t *testing.T) {
		g, hk := vectorGenesis(t, []uint64{1, 0}, func(h *types.Hyperparams) { h.WeightsSetRateLimit = 0 })
		h := newEpochHarness(t, g)
		h.epoch(1, 0, E)
		mustEqual(t, "no weights", fmt.Sprint(h.field(1, emissionOf)), "[1000000000 0]")
		h.must(1, hk[1], &types.SetWeights{Netuid: 1, Dests: []uint16{1}, Weights: []uint16{65535}})
		h.epoch(1, 1, E)
		mustEqual(t, "server self-weight", fmt.Sprint(h.field(1, emissionOf)), "[1000000000 0]")
		// The validator weights uid 1 at block 2, and uid 1 is re-registered
		// in the same block: the weights are outdated.
		h.must(2, hk[0], &types.SetWeights{Netuid: 1, Dests: []uint16{1}, Weights: []uint16{65535}})
		ctx := &Context{State: h.st, Height: 2, Params: h.st.Params()}
		replaceNeuron(ctx, 1, 1, types.AccountID(key(t, "//tv/new").PublicKey()), types.AccountID(key(t, "//tv/1/cold").PublicKey()))
		h.epoch(1, 2, E)
		mustEqual(t, "outdated weights", fmt.Sprint(h.field(1, emissionOf)), "[1000000000 0]")
		h.must(3, hk[0], &types.SetWeights{Netuid: 1, Dests: []uint16{1}, Weights: []uint16{65535}})
		h.epoch(1, 3, E)
		mustEqual(t, "weights set after the registration", fmt.Sprint(h.field(1, emissionOf)), "[500000000 500000000]")
	})
}

// The chain gathers exactly the stored state into the epoch's input, and
// writes back every output: the epoch through the chain equals the pure
// epoch on the gathered input.
func TestEpochGathersAndWritesState(t *testing.T) {
	stakes := []uint64{500, 300, 0, 7, 1}
	g, hk := vectorGenesis(t, stakes, func(h *types.Hyperparams) { h.MaxAllowedValidators, h.WeightsSetRateLimit = 3, 0 })
	g.Subnets[0].Neurons[0].Bonds = [][2]uint16{{3, 100}, {4, 65535}}
	g.Subnets[0].Neurons[1].ValidatorPermit = true
	g.Subnets[0].Neurons[0].ValidatorPermit = true
	h := newEpochHarness(t, g)
	h.must(3, hk[0], &types.SetWeights{Netuid: 1, Dests: []uint16{4, 3, 1}, Weights: []uint16{10, 20, 30}})
	h.must(4, hk[1], &types.SetWeights{Netuid: 1, Dests: []uint16{3}, Weights: []uint16{1}})

	e := gatherEpoch(h.st, 1, 9, 12345)
	in := &e.in
	if in.Block != 9 || in.Emission != 12345 || in.Kappa != 32767 || in.MaxAllowedValidators != 3 || in.ActivityCutoff != 5000 || in.BondsMovingAverage != 900_000 {
		t.Errorf("scalars %+v", *in)
	}
	mustEqual(t, "stake", fmt.Sprint(in.Stake), fmt.Sprint(stakes))
	mustEqual(t, "last update", fmt.Sprint(in.LastUpdate), "[3 4 0 0 0]")
	mustEqual(t, "permits", fmt.Sprint(in.ValidatorPermit), "[true true false false false]")
	mustEqual(t, "weights", fmt.Sprint(in.Weights), "[[{1 65535} {3 43690} {4 21845}] [{3 65535}] [] [] []]")
	mustEqual(t, "bonds", fmt.Sprint(in.Bonds), "[[{3 100} {4 65535}] [] [] [] []]")

	want, err := yuma.Epoch(in)
	if err != nil {
		t.Fatal(err)
	}
	payouts := h.epoch(1, 9, 12345)
	var wantPayouts []loadedEmission
	for uid := range stakes {
		n := h.neuron(1, uint16(uid))
		got := [...]uint64{b2u(n.Active), uint64(n.Rank), uint64(n.Trust), uint64(n.Consensus), uint64(n.Incentive), uint64(n.Dividends),
			uint64(n.ValidatorTrust), uint64(n.PruningScore), n.Emission, b2u(n.ValidatorPermit)}
		exp := [...]uint64{b2u(want.Active[uid]), uint64(want.Rank[uid]), uint64(want.Trust[uid]), uint64(want.Consensus[uid]), uint64(want.Incentive[uid]),
			uint64(want.Dividends[uid]), uint64(want.ValidatorTrust[uid]), uint64(want.PruningScore[uid]), want.Emission[uid], b2u(want.ValidatorPermit[uid])}
		mustEqual(t, fmt.Sprintf("uid %d", uid), got, exp)
		bonds := h.st.Bonds(1, uint16(uid))
		if want.BondsChanged[uid] {
			mustEqual(t, fmt.Sprintf("bonds of uid %d", uid), fmt.Sprint(pairsOf(bonds)), fmt.Sprint(want.Bonds[uid]))
		} else {
			mustEqual(t, fmt.Sprintf("untouched bonds of uid %d", uid), fmt.Sprint(pairsOf(bonds)), fmt.Sprint(in.Bonds[uid]))
		}
		if se, ve := want.ServerEmission[uid], want.ValidatorEmission[uid]; se+ve > 0 {
			wantPayouts = append(wantPayouts, loadedEmission{Hotkey: n.Hotkey, Server: se, Validator: ve})
		}
	}
	if !slices.Equal(payouts, wantPayouts) || len(payouts) == 0 {
		t.Errorf("payouts %+v, want %+v", payouts, wantPayouts)
	}
	// uid 2 lost nothing it never had; uid 1 (permit kept, bonds computed)
	// and uid 0 got rows; a uid that lost its permit has its row deleted.
	if !want.ValidatorPermit[2] && h.st.kv.Get(uidKey(prefixBonds, 1, 2)) != nil {
		t.Error("a bonds row was stored for uid 2, which never had a permit")
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func pairsOf(r row) []yuma.Pair {
	out := make([]yuma.Pair, 0, len(r))
	for _, p := range r {
		out = append(out, yuma.Pair{UID: p[0], Value: p[1]})
	}
	return out
}

// An epoch that cannot run (a total stake the fixed point cannot hold,
// reachable only through a genesis) pays nothing and does not panic.
func TestEpochRefusedInputPaysNothing(t *testing.T) {
	g, _ := vectorGenesis(t, []uint64{1 << 62, 1 << 62}, nil)
	h := newEpochHarness(t, g)
	if _, err := runSubnetEpoch(h.st, 1, 1, 1000, nil); err == nil {
		t.Fatal("an epoch over 2^63 RAO of stake ran")
	}
	st := &stepper{}
	es := subnetEmission{Pending: 999}
	h.st.setSubnetEmission(1, es)
	st.generateEmission(h.st, nextEpochBlock(1, 65534, 0))
	if got := h.st.SubnetEmission(1); got.Pending != 0 || got.LastStepBlock != 0 || len(h.st.LoadedEmission(1)) != 0 {
		t.Errorf("after a refused epoch: %+v, loaded %v", got, h.st.LoadedEmission(1))
	}
}
