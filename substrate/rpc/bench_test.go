package rpc_test

// Benchmarks of the transport against chopsticks and against echoServer (an
// in-process websocket JSON-RPC server, to show the transport's own cost),
// each beside @polkadot/api's WsProvider making the same calls from Node.js
// (BenchmarkPolkadotJS). Every figure is also reported per call or per
// connect ("ns/call", "ns/connect"), so the ratios read directly; see
// BENCHMARKS.md.

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/go-bittensor/bittensor/substrate/rpc"
	"github.com/go-bittensor/bittensor/substrate/substratetest"
)

// concurrency is how many calls the parallel benchmarks keep in flight.
const concurrency = 16

// benchTargets are the servers benchmarked: name and URL.
func benchTargets(b *testing.B) []struct{ name, url string } {
	return []struct{ name, url string }{
		{"echo", echoServer(b, nil)},
		{"chopsticks", chain.Chain(b).URL},
	}
}

func BenchmarkConnect(b *testing.B) {
	for _, tg := range benchTargets(b) {
		b.Run(tg.name, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				c, err := rpc.Dial(ctx, tg.url, rpc.Options{})
				if err != nil {
					b.Fatal(err)
				}
				c.Close()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/connect")
		})
	}
}

func BenchmarkCall(b *testing.B) {
	for _, tg := range benchTargets(b) {
		c := dial(b, tg.url, rpc.Options{})
		ctx := context.Background()
		b.Run(tg.name+"/sequential", func(b *testing.B) {
			var h string
			for b.Loop() {
				if err := c.Call(ctx, &h, "chain_getBlockHash", 0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/call")
		})
		b.Run(tg.name+"/parallel", func(b *testing.B) {
			b.SetParallelism((concurrency + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			b.RunParallel(func(pb *testing.PB) {
				var h string
				for pb.Next() {
					if err := c.Call(ctx, &h, "chain_getBlockHash", 0); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/call")
		})
	}
}

// pjsBench makes env.args.n calls (or connects) with WsProvider, conc at a
// time, and returns the nanoseconds per call.
const pjsBench = `const { WsProvider } = env.require('@polkadot/api');
const { n, conc, mode } = env.args;
const now = () => process.hrtime.bigint();
if (mode === 'connect') {
	const t0 = now();
	for (let i = 0; i < n; i++) {
		const p = new WsProvider(env.url, false);
		await p.connect();
		await p.isReady;
		await p.disconnect();
	}
	return Number(now() - t0) / n;
}
const p = await env.provider();
for (let i = 0; i < 100; i++) await p.send('chain_getBlockHash', [0]); // warm up
const t0 = now();
const worker = async (k) => { for (let i = 0; i < k; i++) await p.send('chain_getBlockHash', [0]); };
await Promise.all(Array.from({ length: conc }, () => worker(Math.floor(n / conc))));
return Number(now() - t0) / (Math.floor(n / conc) * conc);`

// BenchmarkPolkadotJS is the baseline: @polkadot/api's WsProvider (Node.js)
// making the same connects and calls. Each runs a fixed count inside Node
// and reports ns/connect or ns/call; ns/op is the whole script, start-up
// included, and means nothing.
func BenchmarkPolkadotJS(b *testing.B) {
	for _, tg := range benchTargets(b) {
		for _, m := range []struct {
			name, mode, unit string
			n, conc          int
		}{
			{"connect", "connect", "ns/connect", 200, 1},
			{"sequential", "call", "ns/call", 3000, 1},
			{"parallel", "call", "ns/call", 6000, concurrency},
		} {
			b.Run(tg.name+"/"+m.name, func(b *testing.B) {
				var ns float64
				for b.Loop() {
					err := substratetest.PolkadotJS(context.Background(), tg.url, pjsBench,
						map[string]any{"n": m.n, "conc": m.conc, "mode": m.mode}, &ns)
					if errors.Is(err, substratetest.ErrNoNode) {
						b.Skip(err)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(ns, m.unit)
			})
		}
	}
}
