package topk

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/axon"
	"github.com/go-bittensor/bittensor/dendrite"
	"github.com/go-bittensor/bittensor/neuron"
	"github.com/go-bittensor/bittensor/neuron/neurontest"
	"github.com/go-bittensor/bittensor/synapse"
	"github.com/go-bittensor/bittensor/tensor"
)

// BenchmarkValidatorRound times one validator round against n miners: real
// axons on loopback in this process, one dendrite. "ping" is the baseline,
// the built-in synapse with no work; "topk" is the subnet's round (Query:
// a 1024-value challenge with k up to 32, every answer checked and
// scored). It reports the mean and the p50/p99 round time.
func BenchmarkValidatorRound(b *testing.B) {
	for _, n := range []int{1, 256} {
		axons := neurontest.StartAxons(b, n, func(a *axon.Axon) error { return axon.Attach(a, Answer, nil, nil, nil) })
		d, err := dendrite.New(neurontest.Key(b, "//Validator"), dendrite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(d.Close)
		peers := make([]neuron.Peer, n)
		for i := range peers {
			peers[i] = neuron.Peer{UID: uint16(i), Axon: axons[i]}
		}
		r := &neuron.Round{Miners: peers, Dendrite: d, Timeout: 12 * time.Second, Rand: rand.New(rand.NewPCG(1, 2))}
		ping := func(ctx context.Context, r *neuron.Round) ([]float64, error) {
			out := make([]float64, len(r.Miners))
			for i, a := range r.Dendrite.Query(ctx, r.Axons(), &synapse.Synapse{}, r.Timeout) {
				if a.Base().IsSuccess() {
					out[i] = 1
				}
			}
			return out, nil
		}
		for _, q := range []struct {
			name  string
			query neuron.QueryFunc
			min   float64 // lowest acceptable reward
		}{{"ping", ping, 1}, {"topk", Query(1024, 32), 0.5}} {
			b.Run(q.name+"/miners="+strconv.Itoa(n), func(b *testing.B) {
				var times []time.Duration
				for b.Loop() {
					start := time.Now()
					rewards, err := q.query(context.Background(), r)
					times = append(times, time.Since(start))
					if err != nil {
						b.Fatal(err)
					}
					for i, x := range rewards {
						if x < q.min {
							b.Fatalf("miner %d rewarded %v", i, x)
						}
					}
				}
				reportPercentiles(b, times)
			})
		}
	}
}

func reportPercentiles(b *testing.B, times []time.Duration) {
	slices.Sort(times)
	at := func(p int) float64 {
		return float64(times[min(len(times)-1, len(times)*p/100)]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(50), "p50-ms")
	b.ReportMetric(at(99), "p99-ms")
}

// BenchmarkMiner measures one miner's throughput: an axon (16 workers)
// answering many concurrent callers (each its own dendrite, as validators
// are), with "ping" as the baseline and "topk" doing the subnet's work
// (Solve on 1024 values, k = 32). Callers and axon share the machine's
// cores; it reports requests per second.
func BenchmarkMiner(b *testing.B) {
	axons := neurontest.StartAxons(b, 1, func(a *axon.Axon) error { return axon.Attach(a, Answer, nil, nil, nil) })
	c, err := NewChallenge(rand.New(rand.NewPCG(3, 4)), 1024, 32)
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		syn  func() synapse.Message
		ok   func(synapse.Message) bool
	}{
		{"ping", func() synapse.Message { return &synapse.Synapse{} }, func(m synapse.Message) bool { return m.Base().IsSuccess() }},
		{"topk", func() synapse.Message { return c.Synapse() }, func(m synapse.Message) bool { return c.Check(m.(*Topk)) == nil }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var caller atomic.Int64
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				d, err := dendrite.New(neurontest.Key(b, "//Caller"+strconv.FormatInt(caller.Add(1), 10)), dendrite.Options{})
				if err != nil {
					b.Error(err)
					return
				}
				defer d.Close()
				for pb.Next() {
					if a := d.Call(context.Background(), axons[0], tc.syn(), 10*time.Second); !tc.ok(a) {
						b.Errorf("answer: %d %s", a.Base().StatusCode(), a.Base().StatusMessage())
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

// BenchmarkSolve is the miner's work alone.
func BenchmarkSolve(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float32, 1024)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	in, _ := tensor.New(x)
	for b.Loop() {
		if _, _, err := Solve(in, 32); err != nil {
			b.Fatal(err)
		}
	}
}
