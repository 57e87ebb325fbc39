package prompting

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
	"github.com/go-bittensor/bittensor/subnets/text"
	"github.com/go-bittensor/bittensor/subnets/text/corpus"
	"github.com/go-bittensor/bittensor/synapse"
)

// attachModel serves Prompting with the built-in model.
func attachModel(m text.Model) func(*axon.Axon) error {
	return func(a *axon.Axon) error {
		return axon.Attach(a, func(ctx context.Context, s *Prompting) error { return Answer(ctx, m, s) }, nil, nil, nil)
	}
}

// BenchmarkValidatorRound times one validator round against n miners
// running the built-in model (real axons on loopback in this process, one
// dendrite): "ping" is the baseline, "prompting" the subnet's round
// (Query: a prompt, the validator's own 64-token reference, every answer
// scored against it).
func BenchmarkValidatorRound(b *testing.B) {
	m := model(b)
	prompts, err := text.NewPromptGenerator(corpus.Text(), text.PromptConfig{})
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1, 256} {
		axons := neurontest.StartAxons(b, n, attachModel(m))
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
		}{{"ping", ping}, {"prompting", Query(m, prompts, text.Scorer{})}} {
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
						if x < 0.9 {
							b.Fatalf("miner %d rewarded %v", i, x)
						}
					}
				}
				slices.Sort(times)
				at := func(p int) float64 {
					return float64(times[min(len(times)-1, len(times)*p/100)]) / float64(time.Millisecond)
				}
				b.ReportMetric(at(50), "p50-ms")
				b.ReportMetric(at(99), "p99-ms")
			})
		}
	}
}

// BenchmarkMiner measures one miner's throughput with the built-in model:
// an axon (16 workers) answering many concurrent callers, each its own
// dendrite; "ping" is the baseline, "prompting" a 64-token answer to a
// drawn prompt.
func BenchmarkMiner(b *testing.B) {
	m := model(b)
	axons := neurontest.StartAxons(b, 1, attachModel(m))
	prompts, err := text.NewPromptGenerator(corpus.Text(), text.PromptConfig{})
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		syn  func(seed uint64) synapse.Message
	}{
		{"ping", func(uint64) synapse.Message { return &synapse.Synapse{} }},
		{"prompting", func(seed uint64) synapse.Message { return NewPrompting(prompts.Request(seed)) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var caller, seed atomic.Uint64
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				d, err := dendrite.New(neurontest.Key(b, "//Caller"+strconv.FormatUint(caller.Add(1), 10)), dendrite.Options{})
				if err != nil {
					b.Error(err)
					return
				}
				defer d.Close()
				for pb.Next() {
					a := d.Call(context.Background(), axons[0], tc.syn(seed.Add(1)), 10*time.Second)
					if !a.Base().IsSuccess() {
						b.Errorf("answer: %d %s", a.Base().StatusCode(), a.Base().StatusMessage())
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}
