package metagraph_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/metagraph"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

func key(t *testing.T, uri string) *wallet.Keypair {
	t.Helper()
	k, err := wallet.KeypairFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func id(k *wallet.Keypair) types.AccountID { return types.AccountID(k.PublicKey()) }

// TestSyncOnDevNode syncs a genesis subnet with validators, weights and
// bonds from a real dev node, lite and full, at the latest block and at an
// earlier one, and checks every array against the chain's own answer.
func TestSyncOnDevNode(t *testing.T) {
	alice := key(t, "//Alice")
	hot := []*wallet.Keypair{key(t, "//Alice/mg0"), key(t, "//Alice/mg1"), key(t, "//Alice/mg2")}
	dev := nodetest.StartDev(t, nodetest.Options{Genesis: func(g *chain.Genesis) {
		full := [][2]uint16{{0, 100}, {1, 300}, {2, 600}}
		g.Subnets = append(g.Subnets,
			chain.GenesisSubnet{Netuid: 1, Owner: id(alice), Lock: balance.FromTAO(10).RAO(), Neurons: []chain.GenesisNeuron{
				{Hotkey: id(hot[0]), Coldkey: id(alice), Stake: balance.FromTAO(100).RAO(), ValidatorPermit: true, Weights: full, Bonds: full},
				{Hotkey: id(hot[1]), Coldkey: id(alice), Stake: balance.FromTAO(50).RAO(), ValidatorPermit: true, Weights: [][2]uint16{{2, 7}}},
				{Hotkey: id(hot[2]), Coldkey: id(alice)},
			}},
			chain.GenesisSubnet{Netuid: 0, Neurons: []chain.GenesisNeuron{
				{Hotkey: id(hot[0]), Coldkey: id(alice), Weights: [][2]uint16{{0, 1}, {1, 3}}},
			}})
	}})
	c := dev.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	m := metagraph.New(1, c)
	if !m.Lite || m.Network != "unknown" && m.Network != "local" {
		t.Fatalf("New: lite %v network %q", m.Lite, m.Network)
	}
	if err := m.Sync(ctx, 0); err != nil {
		t.Fatal(err)
	}
	before := m.Block
	if m.N != 3 || m.W != nil || m.B != nil || !slices.Equal(m.S, []float64{100, 50, 0}) || m.Hotkeys[1] != hot[1].SS58Address() {
		t.Fatalf("lite sync: %v S %v hotkeys %v", m, m.S, m.Hotkeys)
	}

	// Change the subnet: more stake on uid 2, an axon for uid 0.
	if _, err := c.AddStake(ctx, alice, id(hot[2]), balance.FromTAO(3), subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	res, err := c.ServeAxon(ctx, hot[0], 1, subtensor.AxonEndpoint{IP: "203.0.113.5", Port: 8091, Protocol: 4, Version: 650}, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}

	full := metagraph.New(1, c)
	full.Lite = false
	if err := full.Sync(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if full.Block < res.Height {
		t.Errorf("synced block %d, before the axon's block %d", full.Block, res.Height)
	}
	want, err := c.Neurons(ctx, 1, full.Block)
	if err != nil {
		t.Fatal(err)
	}
	checkAgainstChain(t, full, want)
	if full.S[2] != 3 || !full.Axons[0].IsServing() || full.Axons[0].IP != "203.0.113.5" || full.Axons[0].Hotkey != hot[0].SS58Address() {
		t.Errorf("after staking and serving: S %v axon %+v", full.S, full.Axons[0])
	}
	if !reflect.DeepEqual(full.W, [][]float64{{0.1, 0.3, 0.6}, {0, 0, 1}, {0, 0, 0}}) {
		t.Errorf("W = %v", full.W)
	}
	if !reflect.DeepEqual(full.B, [][]uint16{{100, 300, 600}, {0, 0, 0}, {0, 0, 0}}) {
		t.Errorf("B = %v", full.B)
	}
	if got := full.TopKByStake(2); !slices.Equal(got, []uint16{0, 1}) {
		t.Errorf("top 2 by stake %v", got)
	}
	if got := full.ValidatorUIDs(); !slices.Equal(got, []uint16{0, 1}) {
		t.Errorf("validators %v", got)
	}
	if uid, ok := full.UID(hot[2].SS58Address()); !ok || uid != 2 {
		t.Errorf("UID of hot2: %d %v", uid, ok)
	}

	// The same subnet at the earlier block: no stake on uid 2, no axon.
	if err := full.Sync(ctx, before); err != nil {
		t.Fatal(err)
	}
	want, err = c.Neurons(ctx, 1, before)
	if err != nil {
		t.Fatal(err)
	}
	checkAgainstChain(t, full, want)
	if full.Block != before || full.S[2] != 0 || full.Axons[0].IsServing() {
		t.Errorf("at block %d: block %d S %v axon %+v", before, full.Block, full.S, full.Axons[0])
	}

	// The root network: W columns are subnets by position.
	root := metagraph.New(0, c)
	root.Lite = false
	if err := root.Sync(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(root.Subnets, []uint16{0, 1}) || !reflect.DeepEqual(root.W, [][]float64{{0.25, 0.75}}) {
		t.Errorf("root: subnets %v W %v", root.Subnets, root.W)
	}

	// A subnet that does not exist: an error, and the metagraph unchanged.
	kept := *full
	full.Netuid = 9
	if err := full.Sync(ctx, 0); !errors.Is(err, types.ErrNetworkDoesNotExist) {
		t.Errorf("sync of subnet 9: %v", err)
	}
	full.Netuid = 1
	if !reflect.DeepEqual(*full, kept) {
		t.Error("a failed sync changed the metagraph")
	}

	// Saved and loaded, it is the same metagraph.
	dir := t.TempDir()
	if _, err := full.Save(dir); err != nil {
		t.Fatal(err)
	}
	loaded, err := metagraph.Load(dir, full.Network, 1)
	if err != nil {
		t.Fatal(err)
	}
	loaded.SetClient(c)
	if !reflect.DeepEqual(loaded, full) {
		t.Errorf("loaded %v differs from saved %v", loaded, full)
	}
	if err := loaded.Sync(ctx, 0); err != nil || loaded.Block <= before {
		t.Errorf("loaded metagraph syncs: %v, block %d", err, loaded.Block)
	}
}

// checkAgainstChain compares every array of m with the chain's neurons.
func checkAgainstChain(t *testing.T, m *metagraph.Metagraph, want *types.NeuronsInfo) {
	t.Helper()
	if m.Block != want.Height || m.N != len(want.Neurons) || !reflect.DeepEqual(m.Neurons, want.Neurons) {
		t.Fatalf("metagraph at %d with %d neurons, chain at %d with %d", m.Block, m.N, want.Height, len(want.Neurons))
	}
	for i, n := range want.Neurons {
		got := []any{m.UIDs[i], m.Hotkeys[i], m.Coldkeys[i], m.Stake[i], m.Ranks[i], m.Trust[i], m.Consensus[i], m.ValidatorTrust[i],
			m.Incentive[i], m.Dividends[i], m.Emission[i], m.Active[i], m.LastUpdate[i], m.ValidatorPermit[i], m.PruningScore[i], m.RegisteredAt[i],
			m.Axons[i].IP, m.Axons[i].Port, m.Axons[i].Version}
		exp := []any{n.UID, n.Hotkey.String(), n.Coldkey.String(), n.TotalStake, n.Rank, n.Trust, n.Consensus, n.ValidatorTrust,
			n.Incentive, n.Dividends, n.Emission, n.Active, n.LastUpdate, n.ValidatorPermit, n.PruningScore, n.RegisteredAt,
			n.Axon.IP, int(n.Axon.Port), int(n.Axon.Version)}
		if !reflect.DeepEqual(got, exp) {
			t.Errorf("uid %d: metagraph %v\nchain %v", i, got, exp)
		}
	}
}
