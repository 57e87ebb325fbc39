package yuma

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestWorkspaceReuse runs random subnets of growing and shrinking sizes
// through one Workspace: every output must match the dense reference (so no
// state leaks from one epoch into the next), and outputs must not change
// when the workspace runs later epochs (so they share no memory with it).
func TestWorkspaceReuse(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 1))
	var ws Workspace
	type kept struct {
		out  *Output
		text string
	}
	var outs []kept
	for round := range 120 {
		n := 1 + r.IntN(12)
		if round%7 == 0 {
			n = 40 + r.IntN(60)
		}
		in := randomInput(r, n)
		switch r.IntN(8) {
		case 0:
			in.Weights = nil
		case 1:
			in.Bonds = nil
		}
		out, err := ws.Epoch(in)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("", func(t *testing.T) { compareDense(t, in, out) })
		if t.Failed() {
			t.Fatalf("round %d (n=%d) failed", round, n)
		}
		outs = append(outs, kept{out, fmt.Sprint(*out)})
	}
	for k, o := range outs {
		if got := fmt.Sprint(*o.out); got != o.text {
			t.Fatalf("output of epoch %d changed after later epochs", k)
		}
	}
}

// TestWrappedSums runs a subnet of more than 32768 uids whose weight rows and
// bond columns sum past 2^63 (the sums wrap, so rows stay unnormalised and
// bond columns are divided by Div instead of the reciprocal). The dense
// reference cannot run at this size; the test checks that the epoch runs,
// pays no more than the emission, max-upscales the pruning scores, and that
// a reused Workspace and a fresh epoch agree.
func TestWrappedSums(t *testing.T) {
	if testing.Short() {
		t.Skip("large subnet")
	}
	r := rand.New(rand.NewPCG(12, 1))
	const n, validators = 33500, 4
	in := &Input{
		Block: 100, Emission: 1_000_000_000, Kappa: 32767, ActivityCutoff: 5000,
		MaxAllowedValidators: validators, BondsMovingAverage: 900_000,
		Stake: make([]uint64, n), LastUpdate: make([]uint64, n), RegisteredAt: make([]uint64, n),
		ValidatorPermit: make([]bool, n), Weights: make([][]Pair, n), Bonds: make([][]Pair, n),
	}
	for v := range validators {
		in.Stake[v] = 1_000_000_000_000 + r.Uint64N(1_000_000_000_000)
		in.LastUpdate[v], in.ValidatorPermit[v] = 50, true
		in.Weights[v] = make([]Pair, n)
		for j := range n {
			in.Weights[v][j] = Pair{uint16(j), uint16(65535 - r.IntN(100))}
		}
	}
	for j := validators; j < n; j++ {
		in.LastUpdate[j] = 50
		in.Bonds[j] = []Pair{{0, 65535}, {1, uint16(65535 - r.IntN(3))}, {uint16(j), 1000}}
	}
	var ws Workspace
	for step := range 3 {
		out, err := ws.Epoch(in)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := Epoch(in)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(*out) != fmt.Sprint(*fresh) {
			t.Fatalf("step %d: workspace and fresh epochs differ", step)
		}
		var paid uint64
		maxPrune := uint16(0)
		for i := range n {
			paid += out.ServerEmission[i] + out.ValidatorEmission[i]
			maxPrune = max(maxPrune, out.PruningScore[i])
		}
		if paid > in.Emission || maxPrune != 65535 {
			t.Fatalf("step %d: paid %d of %d RAO, largest pruning score %d", step, paid, in.Emission, maxPrune)
		}
		copy(in.ValidatorPermit, out.ValidatorPermit)
		for i, changed := range out.BondsChanged {
			if changed {
				in.Bonds[i] = out.Bonds[i]
			}
		}
		in.Block += 10
	}
}
