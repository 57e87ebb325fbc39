package metagraph_test

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/chain"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/metagraph"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/subtensor"
)

// benchSubnet is subnet 1 of n neurons, each staked by its own coldkey,
// the first 64 validators with permits whose weights and bonds cover every
// uid: the shape of a busy subnet (as node's BenchmarkReadNeurons).
func benchSubnet(n int) func(*chain.Genesis) {
	return func(g *chain.Genesis) {
		h := g.Params.Subtensor.SubnetDefaults
		h.MaxAllowedUids = uint16(n)
		full := make([][2]uint16, n)
		for j := range full {
			full[j] = [2]uint16{uint16(j), uint16(1 + j*7%65535)}
		}
		neurons := make([]chain.GenesisNeuron, n)
		for i := range neurons {
			var hot, cold types.AccountID
			copy(hot[:], fmt.Sprintf("bench-hotkey-%08d", i))
			copy(cold[:], fmt.Sprintf("bench-coldkey-%08d", i))
			neurons[i] = chain.GenesisNeuron{Hotkey: hot, Coldkey: cold, Stake: uint64(1+i) * 1_000_000_000}
			if i < 64 {
				neurons[i].ValidatorPermit = true
				neurons[i].Weights = full
				neurons[i].Bonds = full
			}
		}
		g.Subnets = append(g.Subnets, chain.GenesisSubnet{Netuid: 1, Owner: g.Balances[0].Address, Lock: 1_000_000_000_000, Hyperparams: &h, Neurons: neurons})
	}
}

// BenchmarkSync syncs a metagraph of n neurons from a local dev node, full
// (weights and bonds: the dense W and B built) and lite; the baseline in the
// same run is the client call Sync makes (subtensor.CometBFTClient.Neurons or
// NeuronsLite), so the difference is the metagraph's own work. Save and
// Load of the full metagraph are measured too. Each pair runs benchRounds
// times, interleaved, so that load from elsewhere on the machine falls on
// both sides.
func BenchmarkSync(b *testing.B) {
	const benchRounds = 3
	for _, n := range []int{256, 4096} {
		dev := nodetest.StartDev(b, nodetest.Options{BlockTime: 200 * time.Millisecond, Genesis: benchSubnet(n)})
		c := dev.Client(b)
		ctx := context.Background()
		for range benchRounds {
			benchSyncRound(b, ctx, c, n)
		}
		dev.Node.Stop()
	}
}

// BenchmarkSyncTransport syncs the full metagraph of n = 4096 neurons from
// a local dev node over the node's query route (the client's default) and,
// as the baseline in the same run, over CometBFT's abci_query (the
// transport before the route: subtensor.Options.ABCIQueryOnly), rounds
// interleaved. cpu-ms/op is the process's CPU time (user + system) per
// sync: client and node together, as the node runs in the benchmark's
// process.
func BenchmarkSyncTransport(b *testing.B) {
	const n, benchRounds = 4096, 3
	dev := nodetest.StartDev(b, nodetest.Options{BlockTime: 200 * time.Millisecond, Genesis: benchSubnet(n)})
	ctx := context.Background()
	clients := []struct {
		name string
		c    *subtensor.CometBFTClient
	}{
		{"query-route", dev.Client(b)},
		{"baseline/abci_query", connectWith(b, dev.RPC, subtensor.Options{ABCIQueryOnly: true})},
	}
	for range benchRounds {
		for _, cl := range clients {
			b.Run(fmt.Sprintf("%s/full/n=%d", cl.name, n), func(b *testing.B) {
				m := metagraph.New(1, cl.c)
				m.Lite = false
				cpu := cpuTime()
				for b.Loop() {
					if err := m.Sync(ctx, 0); err != nil || m.N != n {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// cpuTime is the process's CPU time so far (user + system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func connectWith(b *testing.B, rpc string, o subtensor.Options) *subtensor.CometBFTClient {
	b.Helper()
	c, err := subtensor.ConnectCometBFT(context.Background(), rpc, o)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// benchSyncRound runs each measurement once.
func benchSyncRound(b *testing.B, ctx context.Context, c *subtensor.CometBFTClient, n int) {
	b.Run(fmt.Sprintf("sync/full/n=%d", n), func(b *testing.B) {
		m := metagraph.New(1, c)
		m.Lite = false
		for b.Loop() {
			if err := m.Sync(ctx, 0); err != nil || m.N != n {
				b.Fatal(err)
			}
		}
	})
	b.Run(fmt.Sprintf("baseline/client-neurons/full/n=%d", n), func(b *testing.B) {
		for b.Loop() {
			if ns, err := c.Neurons(ctx, 1, 0); err != nil || len(ns.Neurons) != n {
				b.Fatal(err)
			}
		}
	})
	b.Run(fmt.Sprintf("sync/lite/n=%d", n), func(b *testing.B) {
		m := metagraph.New(1, c)
		for b.Loop() {
			if err := m.Sync(ctx, 0); err != nil || m.N != n {
				b.Fatal(err)
			}
		}
	})
	b.Run(fmt.Sprintf("baseline/client-neurons/lite/n=%d", n), func(b *testing.B) {
		for b.Loop() {
			if ns, err := c.NeuronsLite(ctx, 1, 0); err != nil || len(ns.Neurons) != n {
				b.Fatal(err)
			}
		}
	})
	m := metagraph.New(1, c)
	m.Lite = false
	if err := m.Sync(ctx, 0); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	b.Run(fmt.Sprintf("save/full/n=%d", n), func(b *testing.B) {
		var path string
		for b.Loop() {
			var err error
			if path, err = m.Save(dir); err != nil {
				b.Fatal(err)
			}
		}
		if info, err := os.Stat(path); err == nil {
			b.ReportMetric(float64(info.Size()), "file-bytes")
		}
	})
	b.Run(fmt.Sprintf("load/full/n=%d", n), func(b *testing.B) {
		for b.Loop() {
			if got, err := metagraph.Load(dir, m.Network, 1); err != nil || got.N != n {
				b.Fatal(err)
			}
		}
	})
}
