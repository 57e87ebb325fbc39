package yuma

import (
	"math/rand/v2"
	"testing"

	"github.com/go-bittensor/bittensor/chain/fixed"
)

// TestWeightedQuantileMatchesReference checks the claim of median.go: on
// random columns (scores in W's range [0, 2^48) with ties and zeros; stakes
// with zeros; every range of minority, including exact boundaries), the
// selection on shuffled keys returns what the reference's recursive weighted
// median returns on the column in its original order.
func TestWeightedQuantileMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	for round := range 20000 {
		m := 1 + r.IntN(40)
		levels := []int64{0, 1, 7, 1 << 31, 1 << 32, 1<<48 - 1}
		stake := make([]fixed.I32F32, m)
		score := make([]fixed.I32F32, m)
		var sigma int64
		small := r.IntN(2) == 0 // stakes 0-3: sums hit minority exactly
		for i := range m {
			s := r.Int64N(1 << 30)
			if small {
				s = r.Int64N(4)
			} else if r.IntN(5) == 0 {
				s = 0
			}
			stake[i] = fixed.I32F32FromBits(s)
			sigma += s
			v := levels[r.IntN(len(levels))]
			if r.IntN(2) == 0 {
				v = r.Int64N(1 << 48)
			} else if r.IntN(2) == 0 {
				v = r.Int64N(1 << 33)
			}
			score[i] = fixed.I32F32FromBits(v)
		}
		if sigma == 0 {
			continue
		}
		var minority int64
		switch r.IntN(6) {
		case 0:
			minority = -1 - r.Int64N(sigma+1)
		case 1:
			minority = sigma + r.Int64N(3)
		case 2:
			// The stake of some scores: the boundary between two answers.
			for i := range m {
				if r.IntN(2) == 0 {
					minority += stake[i].Bits()
				}
			}
			minority = min(minority, sigma-1)
		default:
			minority = r.Int64N(sigma + 1)
		}
		part := make([]int, m)
		for i := range part {
			part[i] = i
		}
		want := denseWeightedMedian(stake, score, part, fixed.I32F32FromBits(minority), fixed.I32F32{}, fixed.I32F32FromBits(sigma))

		keys := make([]uint64, m)
		bits := make([]int64, m)
		for i := range m {
			keys[i] = uint64(score[i].Bits())<<16 | uint64(i)
			bits[i] = stake[i].Bits()
		}
		r.Shuffle(m, func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		if got := weightedQuantile(keys, make([]uint64, m), bits, minority, sigma); got != want.Bits() {
			t.Fatalf("round %d: minority %d of %d: got %d, reference %d\nscores %v\nstakes %v", round, minority, sigma, got, want.Bits(), score, stake)
		}
	}
}

// TestMedianBlocks runs random subnets through a workspace whose median
// gathers a few entries per block, so that columns are split across many
// blocks (and a column larger than a block gets one of its own), against
// the dense reference.
func TestMedianBlocks(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for round := range 60 {
		in := randomInput(r, 5+r.IntN(40))
		var ws Workspace
		ws.med.block = 1 + r.IntN(12)
		out, err := ws.Epoch(in)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("", func(t *testing.T) { compareDense(t, in, out) })
		if t.Failed() {
			t.Fatalf("round %d (block %d) failed", round, ws.med.block)
		}
	}
}

// BenchmarkWeightedQuantile selects the median of columns like the n = 4096
// benchmark's: 256 validators with similar stakes and random scores, and
// the merged zeros.
func BenchmarkWeightedQuantile(b *testing.B) {
	r := rand.New(rand.NewPCG(6, 6))
	const m, cols = 257, 64
	stake := make([]int64, m)
	var sigma int64
	for i := range stake {
		stake[i] = 1<<24 + r.Int64N(1<<24)
		sigma += stake[i]
	}
	src := make([][]uint64, cols)
	for c := range src {
		src[c] = make([]uint64, m)
		for i := range m - 1 {
			src[c][i] = uint64(1+r.Int64N(1<<26))<<16 | uint64(i)
		}
		src[c][m-1] = m - 1 // the zeros
	}
	col, tmp := make([]uint64, m), make([]uint64, m)
	minority := sigma / 2
	defer reportCPU(b)()
	for b.Loop() {
		for c := range src {
			copy(col, src[c])
			weightedQuantile(col, tmp, stake, minority, sigma)
		}
	}
}
