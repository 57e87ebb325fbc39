package metagraph_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/metagraph"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/substrate/substratetest"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/subtensor/subnettest"
	"github.com/go-bittensor/bittensor/wallet"
)

// BenchmarkSyncSubstrate syncs the metagraph of a subnet of n neurons on the
// spec-218 runtime under chopsticks (lite and full; n registered by burn in
// batches, 8 validators with weights on every uid) beside the same sync of
// a subnet of n neurons on the go-bittensor dev chain (benchSubnet: 64
// validators with weights and bonds on every uid), in the same run,
// interleaved. n is BENCH_SUBSTRATE_N (default 1024), the number of
// interleaved rounds BENCH_ROUNDS (default 3).
func BenchmarkSyncSubstrate(b *testing.B) {
	n := 1024
	if s := os.Getenv("BENCH_SUBSTRATE_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 16 || v > 4096 {
			b.Fatalf("BENCH_SUBSTRATE_N=%q: want 16…4096", s)
		}
		n = v
	}
	// A deadline of its own: without one every call is bounded by the
	// client's default (30 s), which the runtime's calls for thousands of
	// neurons under chopsticks may pass.
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	ch := chopsticks.Chain(b)
	c, err := subtensor.ConnectSubstrate(ctx, ch.URL, subtensor.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	net := subnettest.New(b, ctx, c, ch, "//Bench", append(append([]subnettest.Param{}, subnettest.Fast...),
		subnettest.Param{Name: "max_allowed_uids", Value: uint64(n)}, subnettest.Param{Name: "max_allowed_validators", Value: 64}))
	cold := substratetest.Keypair(b, "//Bench//cold")
	subnettest.Fund(b, ctx, ch, cold, balance.FromTAO(1_000_000).RAO())
	vals := make([]*wallet.Keypair, 8)
	hot := make([][32]byte, n-1) // uid 0 is the owner's hotkey
	for i := range hot {
		if i < len(vals) {
			vals[i] = substratetest.Keypair(b, "//Bench//v"+strconv.Itoa(i))
			hot[i] = vals[i].PublicKey()
			continue
		}
		copy(hot[i][:], "bench-hotkey-")
		binary.BigEndian.PutUint64(hot[i][24:], uint64(i))
	}
	net.RegisterMany(b, ctx, cold, hot, 128)
	all := make([]uint16, n)
	ws := make([]uint16, n)
	for j := range all {
		all[j], ws[j] = uint16(j), uint16(1+j*7%65535)
	}
	for _, v := range vals {
		if _, err := c.SetWeights(ctx, v, net.Netuid, all, ws, 0, subtensor.WaitInclusion); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("subnet %d of %d neurons made in %s", net.Netuid, n, time.Since(start).Round(time.Second))

	dev := nodetest.StartDev(b, nodetest.Options{BlockTime: 200 * time.Millisecond, Genesis: benchSubnet(n)})
	dc := dev.Client(b)
	defer dev.Node.Stop()

	// Where the time goes: each runtime-API call Sync makes, alone.
	var arg [2]byte
	binary.LittleEndian.PutUint16(arg[:], net.Netuid)
	head, err := c.Substrate().Head(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, method := range []string{"NeuronInfoRuntimeApi_get_neurons_lite", "NeuronInfoRuntimeApi_get_neurons",
		"SubnetInfoRuntimeApi_get_subnet_state", "SubnetInfoRuntimeApi_get_dynamic_info"} {
		b.Run(fmt.Sprintf("substrate/state_call/%s/n=%d", method, n), func(b *testing.B) {
			var size int
			for b.Loop() {
				out, err := c.Substrate().CallAPIRaw(ctx, head.Hash, method, arg[:])
				if err != nil {
					b.Fatal(err)
				}
				size = len(out)
			}
			b.ReportMetric(float64(size), "answer-bytes")
		})
	}

	rounds := 3
	if s := os.Getenv("BENCH_ROUNDS"); s != "" {
		if rounds, err = strconv.Atoi(s); err != nil || rounds < 1 {
			b.Fatalf("BENCH_ROUNDS=%q", s)
		}
	}
	for range rounds {
		for _, lite := range []bool{true, false} {
			kind := "full"
			if lite {
				kind = "lite"
			}
			b.Run(fmt.Sprintf("substrate/%s/n=%d", kind, n), func(b *testing.B) {
				m := metagraph.New(net.Netuid, c)
				m.Lite = lite
				for b.Loop() {
					if err := m.Sync(ctx, 0); err != nil || m.N != n || m.Pool == nil {
						b.Fatal(m.N, err)
					}
				}
			})
			b.Run(fmt.Sprintf("devchain/%s/n=%d", kind, n), func(b *testing.B) {
				m := metagraph.New(1, dc)
				m.Lite = lite
				for b.Loop() {
					if err := m.Sync(ctx, 0); err != nil || m.N != n {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
