package yuma

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// benchInput builds a subnet like the reference's large-graph tests: the
// first `validators` uids hold all the stake and weight `weights` uids each
// with random values (stored max-upscaled), the rest are servers. Two epochs
// are run first so that permits and bond rows are what the chain would store.
func benchInput(n, validators, weights int) *Input {
	r := rand.New(rand.NewPCG(uint64(n), uint64(validators)))
	in := &Input{
		Block: 100, Emission: 1_000_000_000, Kappa: 32767, ActivityCutoff: 5000,
		MaxAllowedValidators: uint16(validators), BondsMovingAverage: 900_000,
		Stake:           make([]uint64, n),
		LastUpdate:      make([]uint64, n),
		RegisteredAt:    make([]uint64, n),
		ValidatorPermit: make([]bool, n),
		Weights:         make([][]Pair, n),
		Bonds:           make([][]Pair, n),
	}
	for v := range validators {
		in.Stake[v] = 1_000_000_000_000 + r.Uint64N(1_000_000_000_000)
		in.LastUpdate[v] = 1
		values := make([]uint16, weights)
		for k := range values {
			values[k] = uint16(r.IntN(65536))
		}
		values = UpscaleWeights(values)
		targets := r.Perm(n)[:weights]
		slices.Sort(targets)
		row := make([]Pair, weights)
		for k, j := range targets {
			row[k] = Pair{UID: uint16(j), Value: values[k]}
		}
		in.Weights[v] = row
	}
	for range 2 {
		out, err := Epoch(in)
		if err != nil {
			panic(err)
		}
		copy(in.ValidatorPermit, out.ValidatorPermit)
		for i, changed := range out.BondsChanged {
			if changed {
				in.Bonds[i] = out.Bonds[i]
			}
		}
	}
	return in
}

// BenchmarkEpoch measures the sparse epoch, allocating its scratch memory
// (Epoch) and reusing it (Workspace.Epoch), and, as the baseline in the same
// run, the dense n×n reference implementation.
func BenchmarkEpoch(b *testing.B) {
	for _, c := range []struct{ n, validators, weights int }{
		{256, 64, 256},
		{4096, 256, 4096},
	} {
		in := benchInput(c.n, c.validators, c.weights)
		name := fmt.Sprintf("n=%d/validators=%d/weights=%d", c.n, c.validators, c.weights)
		b.Run("sparse/"+name, func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				if _, err := Epoch(in); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("workspace/"+name, func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			var ws Workspace
			for b.Loop() {
				if _, err := ws.Epoch(in); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("dense/"+name, func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				epochDense(in)
			}
		})
	}
}

// reportCPU starts measuring the process's CPU time and returns a function
// that reports it per operation as cpu-ns/op. On a machine shared with other
// work, ns/op counts the time the benchmark waited for a core; cpu-ns/op
// does not, so it moves much less between runs (it still includes the
// garbage collector's work, which is part of the cost).
func reportCPU(b *testing.B) func() {
	start, ok := processCPU()
	return func() {
		end, _ := processCPU()
		if ok && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// BenchmarkRootEpoch measures the root epoch at its largest size: 64 root
// validators weighting 32 subnets.
func BenchmarkRootEpoch(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	in := &RootInput{BlockEmission: 1_000_000_000, Kappa: 32767, Rho: 10}
	for j := range 32 {
		in.Netuids = append(in.Netuids, uint16(j))
	}
	for range 64 {
		in.Stake = append(in.Stake, r.Uint64N(1<<50))
		row := make([]Pair, 32)
		for j := range row {
			row[j] = Pair{uint16(j), uint16(r.IntN(65536))}
		}
		in.Weights = append(in.Weights, row)
	}
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		if _, err := RootEpoch(in); err != nil {
			b.Fatal(err)
		}
	}
}
