package chain

import (
	"encoding/binary"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cosmos/iavl"
	iavldb "github.com/cosmos/iavl/db"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/chain/yuma"
)

// benchAccount is a synthetic account id (no key behind it).
func benchAccount(kind byte, netuid uint16, i int) types.AccountID {
	var a types.AccountID
	a[0] = kind
	binary.BigEndian.PutUint16(a[1:], netuid)
	binary.BigEndian.PutUint32(a[3:], uint32(i))
	return a
}

// benchSubnet is a genesis subnet like chain/yuma's benchmark input: the
// first `validators` uids hold all the stake and each weight `weights`
// random uids (random values, stored max-upscaled); the rest are servers.
func benchSubnet(netuid uint16, n, validators, weights int, tempo uint16) GenesisSubnet {
	r := rand.New(rand.NewPCG(uint64(n), uint64(netuid)))
	h := types.DefaultSubnetHyperparams()
	h.Tempo, h.MaxAllowedUids, h.MaxAllowedValidators = tempo, uint16(min(n, 65535)), uint16(validators)
	sn := GenesisSubnet{Netuid: netuid, Owner: benchAccount(3, netuid, 0), Lock: 1_000_000_000_000, Hyperparams: &h}
	for i := range n {
		gn := GenesisNeuron{Hotkey: benchAccount(1, netuid, i), Coldkey: benchAccount(2, netuid, i)}
		if i < validators {
			gn.Stake = 1_000_000_000_000 + r.Uint64N(1_000_000_000_000)
			gn.ValidatorPermit = true
			values := make([]uint16, weights)
			for k := range values {
				values[k] = uint16(r.IntN(65536))
			}
			values = yuma.UpscaleWeights(values)
			targets := r.Perm(n)[:weights]
			slices.Sort(targets)
			for k, j := range targets {
				gn.Weights = append(gn.Weights, [2]uint16{uint16(j), values[k]})
			}
		}
		sn.Neurons = append(sn.Neurons, gn)
	}
	return sn
}

// benchTree is a saved IAVL tree in memory holding the genesis, with every
// genesis neuron's weights made current (LastUpdate 1) and `warm` epochs of
// each subnet run, so that permits and bonds are what the chain would
// store: the state FinalizeBlock works on.
func benchTree(b *testing.B, g Genesis, warm int) *iavl.MutableTree {
	b.Helper()
	tree := iavl.NewMutableTree(iavldb.NewMemDB(), 100_000, false, slog.New(slog.DiscardHandler))
	st := NewState(treeKV{tree})
	g.apply(st, "bench")
	for _, netuid := range st.Netuids() {
		var uids []uint16
		st.IterateNeurons(netuid, func(uid uint16, _ neuron) bool {
			uids = append(uids, uid)
			return true
		})
		for _, uid := range uids {
			n, _ := st.Neuron(netuid, uid)
			n.LastUpdate = 1
			st.SetNeuron(netuid, uid, &n)
		}
	}
	for w := range warm {
		for _, netuid := range st.Netuids() {
			if netuid != RootNetuid {
				if _, err := runSubnetEpoch(st, netuid, uint64(2+w), 1_000_000_000, nil); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	if _, _, err := tree.SaveVersion(); err != nil {
		b.Fatal(err)
	}
	return tree
}

func cpuTimer(b *testing.B) func() {
	start, ok := processCPU()
	return func() {
		end, _ := processCPU()
		if ok && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// BenchmarkSubnetEpoch measures one subnet's epoch as the block step runs
// it on the working IAVL tree: gathering the input from state, the epoch
// in a reused Workspace, and writing the results (rolled back after each
// run); with "+hash", also hashing the tree's changed nodes, as
// FinalizeBlock does for the app hash. Baselines in the same run: the pure
// epoch alone on the same input (Workspace.Epoch), and gathering alone.
func BenchmarkSubnetEpoch(b *testing.B) {
	for _, c := range []struct{ n, validators, weights int }{
		{256, 64, 256},
		{4096, 256, 4096},
	} {
		g := DefaultGenesis()
		g.Subnets = []GenesisSubnet{benchSubnet(1, c.n, c.validators, c.weights, 360)}
		tree := benchTree(b, g, 2)
		st := NewState(treeKV{tree})
		name := fmt.Sprintf("n=%d/validators=%d/weights=%d", c.n, c.validators, c.weights)
		var ws yuma.Workspace
		b.Run("chain/"+name, func(b *testing.B) {
			defer cpuTimer(b)()
			for b.Loop() {
				if _, err := runSubnetEpoch(st, 1, 10, 1_000_000_000, &ws); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				tree.Rollback()
				b.StartTimer()
			}
		})
		b.Run("chain+hash/"+name, func(b *testing.B) {
			defer cpuTimer(b)()
			for b.Loop() {
				if _, err := runSubnetEpoch(st, 1, 10, 1_000_000_000, &ws); err != nil {
					b.Fatal(err)
				}
				tree.WorkingHash()
				b.StopTimer()
				tree.Rollback()
				b.StartTimer()
			}
		})
		in := &gatherEpoch(st, 1, 10, 1_000_000_000).in
		b.Run("baseline-yuma/"+name, func(b *testing.B) {
			defer cpuTimer(b)()
			for b.Loop() {
				if _, err := ws.Epoch(in); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("gather/"+name, func(b *testing.B) {
			defer cpuTimer(b)()
			for b.Loop() {
				gatherEpoch(st, 1, 10, 1_000_000_000)
			}
		})
	}
}

// BenchmarkBlockStep measures the per-block step in a block without epochs
// (what the mempool's check state runs at every commit, and FinalizeBlock
// in most blocks): 12 subnets of 256 neurons and a root network, with and
// without 4096 payouts to drain. Baseline: the registration-terms step
// alone (the whole block step before the emission work).
func BenchmarkBlockStep(b *testing.B) {
	g := DefaultGenesis()
	for netuid := uint16(1); netuid <= 12; netuid++ {
		g.Subnets = append(g.Subnets, benchSubnet(netuid, 256, 64, 256, 360))
	}
	root := GenesisSubnet{Netuid: RootNetuid}
	for i := range 64 {
		gn := GenesisNeuron{Hotkey: benchAccount(4, 0, i), Coldkey: benchAccount(5, 0, i), Stake: 1_000_000_000_000}
		for netuid := uint16(1); netuid <= 12; netuid++ {
			gn.Weights = append(gn.Weights, [2]uint16{netuid, uint16(1000 * netuid)})
		}
		root.Neurons = append(root.Neurons, gn)
	}
	g.Subnets = append(g.Subnets, root)
	g.Root.Tempo = 100
	tree := benchTree(b, g, 0)
	st := NewState(treeKV{tree})
	(&stepper{}).rootEpoch(st, 99) // emission values for every subnet
	if _, _, err := tree.SaveVersion(); err != nil {
		b.Fatal(err)
	}
	const block = 50 // no epoch: root at 99, subnet k at 359-k (mod 361)
	b.Run("no-epochs", func(b *testing.B) {
		defer cpuTimer(b)()
		for b.Loop() {
			(&stepper{skipEpochs: true}).step(NewState(newCache(treeKV{tree})), block)
		}
	})
	var payouts []loadedEmission
	for i := range 4096 {
		payouts = append(payouts, loadedEmission{Hotkey: benchAccount(1, uint16(1+i/256), i%256), Server: 100_000, Validator: 200_000})
	}
	b.Run("no-epochs+drain-4096", func(b *testing.B) {
		defer cpuTimer(b)()
		for b.Loop() {
			b.StopTimer()
			c := NewState(newCache(treeKV{tree}))
			for k := 0; k < 16; k++ {
				c.setLoadedEmission(uint16(1+k%12), payouts[256*k:256*(k+1)])
			}
			b.StartTimer()
			(&stepper{skipEpochs: true}).step(c, block)
		}
	})
	b.Run("baseline-registration-terms", func(b *testing.B) {
		defer cpuTimer(b)()
		for b.Loop() {
			adjustRegistrationTerms(NewState(newCache(treeKV{tree})), block)
		}
	})
}

// BenchmarkEpochInputQuery measures the /epoch_input projection at its
// worst: right after subnet 1's epoch, so the next one is a whole tempo
// (361 blocks) away and every other subnet's epoch and the root epochs
// run on the way; 12 subnets of 256 neurons with 64 full validators.
// Baseline: one epoch of subnet 1 run directly.
func BenchmarkEpochInputQuery(b *testing.B) {
	g := DefaultGenesis()
	for netuid := uint16(1); netuid <= 12; netuid++ {
		g.Subnets = append(g.Subnets, benchSubnet(netuid, 256, 64, 256, 360))
	}
	tree := benchTree(b, g, 2)
	st := NewState(treeKV{tree})
	height := nextEpochBlock(1, 360, 0)
	b.Run("projection-361-blocks", func(b *testing.B) {
		defer cpuTimer(b)()
		for b.Loop() {
			p, err := nextEpochInput(st, height, 1)
			if err != nil || p.block != height+361 {
				b.Fatalf("%+v %v", p, err)
			}
		}
	})
	b.Run("baseline-one-epoch", func(b *testing.B) {
		defer cpuTimer(b)()
		for b.Loop() {
			if _, err := runSubnetEpoch(NewState(newCache(treeKV{tree})), 1, height, 1_000_000_000, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
