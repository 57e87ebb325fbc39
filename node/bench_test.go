package node_test

import (
	"context"
	"encoding/json"
	"fmt"
	"syscall"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	iavldb "github.com/cosmos/iavl/db"

	"github.com/go-bittensor/bittensor/chain"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/node"
)

// benchGenesis is a dev genesis with subnet 1 of n neurons, each staked
// by its own coldkey, the first 64 validators with permits whose weights
// and bonds cover every uid: the shape of a busy subnet's metagraph.
func benchGenesis(b testing.TB, n int) chain.Genesis {
	b.Helper()
	g, err := node.DevGenesis()
	if err != nil {
		b.Fatal(err)
	}
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
	g.Subnets = []chain.GenesisSubnet{{Netuid: 1, Owner: g.Balances[0].Address, Lock: 1_000_000_000_000, Hyperparams: &h, Neurons: neurons}}
	return g
}

// BenchmarkReadNeurons reads every neuron of a subnet (with weights and
// bonds, and lite) from a local dev node through the client, and, as a
// baseline in the same run, the same query answered in process by the
// chain application (no RPC) and a one-account query through the client.
func BenchmarkReadNeurons(b *testing.B) {
	for _, n := range []int{256, 4096} {
		g := benchGenesis(b, n)
		home := b.TempDir()
		rpc := freeAddrB(b)
		if err := node.Init(home, node.InitOptions{ChainID: node.DevChainID, Genesis: g, RPCListen: rpc, P2PListen: freeAddrB(b), BlockTime: 200 * time.Millisecond, NoPeerExchange: true}); err != nil {
			b.Fatal(err)
		}
		nd, err := node.Start(context.Background(), home, node.StartOptions{RPCListen: rpc, P2PListen: freeAddrB(b)})
		if err != nil {
			b.Fatal(err)
		}
		c := connect(b, rpc)
		ctx := context.Background()
		for {
			if h, err := c.GetCurrentBlock(ctx); err == nil && h >= 2 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		b.Run(fmt.Sprintf("client/full/n=%d", n), func(b *testing.B) {
			var size int
			cpu := cpuTime()
			for b.Loop() {
				ns, err := c.Neurons(ctx, 1, 0)
				if err != nil || len(ns.Neurons) != n {
					b.Fatalf("%v", err)
				}
				size = len(ns.Neurons[0].Weights)
			}
			reportCPU(b, cpu)
			_ = size
		})
		b.Run(fmt.Sprintf("client/lite/n=%d", n), func(b *testing.B) {
			cpu := cpuTime()
			for b.Loop() {
				if ns, err := c.NeuronsLite(ctx, 1, 0); err != nil || len(ns.Neurons) != n {
					b.Fatalf("%v", err)
				}
			}
			reportCPU(b, cpu)
		})
		b.Run(fmt.Sprintf("baseline/client-json/full/n=%d", n), func(b *testing.B) {
			cpu := cpuTime()
			for b.Loop() {
				var ns types.NeuronsInfo
				if err := c.Query(ctx, types.QueryNeurons+"/1", nil, 0, &ns); err != nil || len(ns.Neurons) != n {
					b.Fatalf("%v", err)
				}
			}
			reportCPU(b, cpu)
		})
		b.Run(fmt.Sprintf("baseline/client-account/n=%d", n), func(b *testing.B) {
			cpu := cpuTime()
			for b.Loop() {
				if _, err := c.GetAccount(ctx, g.Balances[0].Address, 0); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
		nd.Stop()

		app := inProcessApp(b, g)
		b.Run(fmt.Sprintf("baseline/in-process/full/n=%d", n), func(b *testing.B) {
			var bytes int
			cpu := cpuTime()
			for b.Loop() {
				resp, err := app.Query(ctx, &abci.RequestQuery{Path: types.QueryNeurons + "/1", Data: []byte(types.AnswerCBOR)})
				if err != nil || resp.Code != 0 {
					b.Fatal(err, resp.Log)
				}
				bytes = len(resp.Value)
			}
			reportCPU(b, cpu)
			b.ReportMetric(float64(bytes), "answer-bytes")
		})
		b.Run(fmt.Sprintf("baseline/in-process/lite/n=%d", n), func(b *testing.B) {
			var bytes int
			cpu := cpuTime()
			for b.Loop() {
				resp, err := app.Query(ctx, &abci.RequestQuery{Path: types.QueryNeuronsLite + "/1", Data: []byte(types.AnswerCBOR)})
				if err != nil || resp.Code != 0 {
					b.Fatal(err, resp.Log)
				}
				bytes = len(resp.Value)
			}
			reportCPU(b, cpu)
			b.ReportMetric(float64(bytes), "answer-bytes")
		})
		app.Close()
	}
}

// inProcessApp is the chain application over an in-memory tree with g
// applied and one block committed.
func inProcessApp(b *testing.B, g chain.Genesis) *chain.App {
	b.Helper()
	app, err := chain.NewApp(iavldb.NewMemDB(), chain.Options{})
	if err != nil {
		b.Fatal(err)
	}
	raw, err := json.Marshal(g)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := app.InitChain(ctx, &abci.RequestInitChain{ChainId: "bench", AppStateBytes: raw}); err != nil {
		b.Fatal(err)
	}
	if _, err := app.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: 1, Hash: make([]byte, 32)}); err != nil {
		b.Fatal(err)
	}
	if _, err := app.Commit(ctx, &abci.RequestCommit{}); err != nil {
		b.Fatal(err)
	}
	return app
}

func freeAddrB(b *testing.B) string {
	b.Helper()
	a, err := node.FreeAddr()
	if err != nil {
		b.Fatal(err)
	}
	return a
}

// cpuTime is the process's CPU time so far (user + system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the process's CPU time per op since start as cpu-ms/op:
// client and node together when the node runs in the benchmark's process.
// Unlike ns/op it does not grow when other programs hold the cores.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((cpuTime()-start).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}
