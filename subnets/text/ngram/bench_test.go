package ngram

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/subnets/text"
	"github.com/go-bittensor/bittensor/subnets/text/corpus"
)

// BenchmarkTrain measures start-up: training on the built-in corpus
// (tokenising included), for each order; order 1 is the unigram baseline.
// MB-retained is the live heap the model keeps after a GC.
func BenchmarkTrain(b *testing.B) {
	src := corpus.Text()
	for order := 1; order <= MaxOrder; order++ {
		b.Run(fmt.Sprintf("order=%d", order), func(b *testing.B) {
			for b.Loop() {
				if _, err := Train(src, Options{Order: order}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(retainedMB(func() any { m, _ := Train(src, Options{Order: order}); return m }), "MB-retained")
		})
	}
}

// retainedMB returns the heap growth, after GC, of keeping build's result.
func retainedMB(build func() any) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := build()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
}

// benchRequests are validator-style requests: 64-token answers to prompts
// drawn from the corpus.
func benchRequests(b *testing.B, temperature float64) []text.Request {
	g, err := text.NewPromptGenerator(corpus.Text(), text.PromptConfig{Temperature: temperature, Greedy: temperature == 0})
	if err != nil {
		b.Fatal(err)
	}
	reqs := make([]text.Request, 256)
	for i := range reqs {
		reqs[i] = g.Request(uint64(i))
	}
	return reqs
}

// BenchmarkComplete measures one 64-token answer on one core, for the
// trigram model and the unigram baseline, at the temperatures that take
// each sampling path (0: greedy, 1: exact walk, others: tempered).
func BenchmarkComplete(b *testing.B) {
	for _, order := range []int{1, DefaultOrder} {
		m, err := Train(corpus.Text(), Options{Order: order})
		if err != nil {
			b.Fatal(err)
		}
		for _, temp := range []float64{0, 0.7, 1, 1.3} {
			reqs := benchRequests(b, temp)
			b.Run(fmt.Sprintf("order=%d/T=%v", order, temp), func(b *testing.B) {
				i := 0
				for b.Loop() {
					if _, err := m.Complete(context.Background(), reqs[i%len(reqs)]); err != nil {
						b.Fatal(err)
					}
					i++
				}
				b.ReportMetric(float64(b.N)*64/b.Elapsed().Seconds(), "tokens/s")
			})
		}
	}
}

// BenchmarkCompleteParallel is BenchmarkComplete for the default model with
// every core busy (b.RunParallel): answers per second for the machine.
func BenchmarkCompleteParallel(b *testing.B) {
	m, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	for _, temp := range []float64{0.7, 1} {
		reqs := benchRequests(b, temp)
		b.Run(fmt.Sprintf("T=%v", temp), func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					if _, err := m.Complete(context.Background(), reqs[i%len(reqs)]); err != nil {
						b.Error(err)
						return
					}
					i++
				}
			})
		})
	}
}

// BenchmarkHeldOut trains on nine paragraphs in ten of the corpus and
// reports the perplexity of each order on the tenth (tokens outside the
// training vocabulary skipped): the figure DefaultOrder was chosen by. The
// time is that of scoring the held-out tokens.
func BenchmarkHeldOut(b *testing.B) {
	paras := strings.Split(corpus.Text(), "\n\n")
	var train, test []string
	for i, p := range paras {
		if i%10 == 9 {
			test = append(test, p)
		} else {
			train = append(train, p)
		}
	}
	toks := text.Tokenize(strings.Join(test, "\n\n"))
	for order := 1; order <= MaxOrder; order++ {
		m, err := Train(strings.Join(train, "\n\n"), Options{Order: order})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("order=%d", order), func(b *testing.B) {
			var ppl float64
			for b.Loop() {
				var sum float64
				n := 0
				for i, w := range toks {
					if p := m.Prob(toks[max(0, i-3):i], w); p > 0 {
						sum += math.Log2(p)
						n++
					}
				}
				ppl = math.Exp2(-sum / float64(n))
			}
			b.ReportMetric(ppl, "perplexity")
		})
	}
}
