package yuma

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/go-bittensor/bittensor/chain/fixed"
)

// TestWeightedQuantileMatchesReference checks the claim of median.go: on
// random lists (scores with ties, zeros and negative values, which wrapped
// row sums can produce; stakes with zeros; every range of minority), the
// selection returns what the reference's recursive weighted median returns
// on the list in its original order, and so does any reordering of it.
func TestWeightedQuantileMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	for round := range 20000 {
		m := 1 + r.IntN(40)
		levels := []int64{-5, 0, 1, 7, 1 << 31, 1 << 32}
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
				v = r.Int64N(1<<33) - 1<<20
			}
			score[i] = fixed.I32F32FromBits(v)
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
		if sigma == 0 {
			continue
		}
		part := make([]int, m)
		for i := range part {
			part[i] = i
		}
		want := denseWeightedMedian(stake, score, part, fixed.I32F32FromBits(minority), fixed.I32F32{}, fixed.I32F32FromBits(sigma))

		col := make([]entry, m)
		for i := range m {
			col[i] = entry{score: score[i].Bits(), stake: stake[i].Bits()}
		}
		r.Shuffle(m, func(i, j int) { col[i], col[j] = col[j], col[i] })
		if got := weightedQuantile(slices.Clone(col), make([]entry, m), minority, sigma); got != want.Bits() {
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
