package yuma

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/go-bittensor/bittensor/chain/fixed"
)

// compareDense checks a sparse epoch's output against the dense reference.
func compareDense(t *testing.T, in *Input, out *Output) {
	t.Helper()
	d := epochDense(in)
	want := d.out
	for _, v := range []struct {
		name      string
		got, want any
	}{
		{"Active", out.Active, want.Active},
		{"Rank", out.Rank, want.Rank},
		{"Trust", out.Trust, want.Trust},
		{"Consensus", out.Consensus, want.Consensus},
		{"Incentive", out.Incentive, want.Incentive},
		{"Dividends", out.Dividends, want.Dividends},
		{"ValidatorTrust", out.ValidatorTrust, want.ValidatorTrust},
		{"PruningScore", out.PruningScore, want.PruningScore},
		{"Emission", out.Emission, want.Emission},
		{"ServerEmission", out.ServerEmission, want.ServerEmission},
		{"ValidatorEmission", out.ValidatorEmission, want.ValidatorEmission},
		{"ValidatorPermit", out.ValidatorPermit, want.ValidatorPermit},
		{"BondsChanged", out.BondsChanged, want.BondsChanged},
	} {
		if fmt.Sprint(v.got) != fmt.Sprint(v.want) {
			t.Fatalf("sparse and dense epochs differ in %s:\nsparse %v\ndense  %v", v.name, v.got, v.want)
		}
	}
	n := len(in.Stake)
	for i := range n {
		if !out.BondsChanged[i] {
			if out.Bonds[i] != nil {
				t.Fatalf("bonds row %d not changed but set: %v", i, out.Bonds[i])
			}
			continue
		}
		got := []uint16{}
		if len(d.bondsRows[i]) > 0 {
			got = make([]uint16, n)
		}
		for _, p := range out.Bonds[i] {
			got[p.UID] = p.Value
		}
		if !slices.Equal(got, d.bondsRows[i]) {
			t.Fatalf("bonds row %d: sparse %v, dense %v", i, out.Bonds[i], d.bondsRows[i])
		}
	}
}

// randomInput builds a random subnet state: stakes with ties and zeros,
// sparse weight rows with repeated values (to exercise median ties), self
// weights, outdated entries, old permits and bonds.
func randomInput(r *rand.Rand, n int) *Input {
	in := &Input{
		Block:                uint64(r.IntN(20_000)),
		Emission:             r.Uint64N(1 << 40),
		Kappa:                uint16(r.IntN(65536)),
		ActivityCutoff:       uint16(r.IntN(10_000)),
		MaxAllowedValidators: uint16(r.IntN(n + 4)),
		BondsMovingAverage:   r.Uint64N(1_000_001),
		Stake:                make([]uint64, n),
		LastUpdate:           make([]uint64, n),
		RegisteredAt:         make([]uint64, n),
		ValidatorPermit:      make([]bool, n),
		Weights:              make([][]Pair, n),
		Bonds:                make([][]Pair, n),
	}
	switch r.IntN(6) {
	case 0:
		in.Kappa = 32767
	case 1:
		in.BondsMovingAverage = 900_000
	}
	levels := []uint16{0, 1, 100, 32768, 65535}
	for i := range n {
		switch r.IntN(4) {
		case 0: // no stake
		case 1:
			in.Stake[i] = 1 + r.Uint64N(3) // ties
		default:
			in.Stake[i] = r.Uint64N(1 << 50)
		}
		in.RegisteredAt[i] = uint64(r.IntN(int(in.Block) + 1))
		in.LastUpdate[i] = in.RegisteredAt[i] + uint64(r.IntN(int(in.Block-in.RegisteredAt[i])+1))
		in.ValidatorPermit[i] = r.IntN(3) > 0
		density := r.Float64()
		for j := range n {
			if r.Float64() < density {
				v := levels[r.IntN(len(levels))]
				if r.IntN(2) == 0 {
					v = uint16(r.IntN(65536))
				}
				in.Weights[i] = append(in.Weights[i], Pair{uint16(j), v})
			}
			if r.IntN(4) == 0 {
				in.Bonds[i] = append(in.Bonds[i], Pair{uint16(j), uint16(r.IntN(65536))})
			}
		}
	}
	return in
}

// TestSparseMatchesDense runs random graphs, small and medium, through both
// epochs and also chains epochs (permits and bonds fed back).
func TestSparseMatchesDense(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	rounds := 400
	if testing.Short() {
		rounds = 80
	}
	for round := range rounds {
		n := 1 + r.IntN(12)
		if round%10 == 0 {
			n = 30 + r.IntN(90)
		}
		in := randomInput(r, n)
		for step := range 3 {
			out, err := Epoch(in)
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			t.Run("", func(t *testing.T) { compareDense(t, in, out) })
			if t.Failed() {
				t.Fatalf("round %d step %d (n=%d) failed", round, step, n)
			}
			copy(in.ValidatorPermit, out.ValidatorPermit)
			for i, changed := range out.BondsChanged {
				if changed {
					in.Bonds[i] = slices.Clone(out.Bonds[i])
				}
			}
			in.Block += uint64(r.IntN(400))
		}
	}
}

// TestEpochProperties checks, on random graphs, that Σ(server+validator)
// and Σ combined emission never exceed the epoch's RAO (rounding only loses
// RAO), that pruning scores are max-upscaled, and that bond rows point at
// existing uids. u16 outputs are in range by type; the dense comparison
// checks their values.
func TestEpochProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	for round := range 300 {
		n := 1 + r.IntN(40)
		in := randomInput(r, n)
		out, err := Epoch(in)
		if err != nil {
			t.Fatal(err)
		}
		var se, ce uint64
		maxPrune := uint16(0)
		for i := range n {
			se += out.ServerEmission[i] + out.ValidatorEmission[i]
			ce += out.Emission[i]
			maxPrune = max(maxPrune, out.PruningScore[i])
		}
		if se > in.Emission || ce > in.Emission {
			t.Fatalf("round %d: paid %d (server+validator) and %d (combined) of %d RAO", round, se, ce, in.Emission)
		}
		if ce > 0 && maxPrune != 65535 {
			t.Fatalf("round %d: pruning scores %v not max-upscaled", round, out.PruningScore)
		}
		for i := range n {
			for _, b := range out.Bonds[i] {
				if int(b.UID) >= n {
					t.Fatalf("round %d: bond to uid %d of %d", round, b.UID, n)
				}
			}
		}
	}
}

// TestRelabel checks the precise sense in which the epoch does not depend on
// how uids are numbered: renaming uid i to p(i) renames every output the same
// way, for any permutation p that keeps the relative order of uids whose
// normalised stakes are equal. That condition is needed because is_topk
// breaks stake ties in favour of higher uids, so reordering equal-stake uids
// can legitimately move a permit. The weighted median also walks validators
// in uid order, but its result is the exact stake-weighted quantile, which
// the walk order cannot change; random weights (with repeated values) test
// that claim here.
func TestRelabel(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for round := range 300 {
		n := 1 + r.IntN(40)
		in := randomInput(r, n)
		stake := make([]fixed.I32F32, n)
		normalizedStake(stake, in.Stake)
		perm := tiePreservingPerm(r, stake)
		pin := permuteInput(in, perm)
		out, err := Epoch(in)
		if err != nil {
			t.Fatal(err)
		}
		pout, err := Epoch(pin)
		if err != nil {
			t.Fatal(err)
		}
		want := permuteOutput(out, perm)
		if fmt.Sprint(*want) != fmt.Sprint(*pout) {
			t.Fatalf("round %d: relabelled output differs\nperm %v\nwant %+v\ngot  %+v", round, perm, *want, *pout)
		}
	}
}

// tiePreservingPerm returns a random permutation of the uids that keeps the
// relative order of uids with equal stake values.
func tiePreservingPerm(r *rand.Rand, stake []fixed.I32F32) []int {
	perm := r.Perm(len(stake))
	groups := map[int64][]int{} // lookups and per-group sorting only
	for i, s := range stake {
		groups[s.Bits()] = append(groups[s.Bits()], i)
	}
	for _, g := range groups {
		targets := make([]int, len(g))
		for k, i := range g {
			targets[k] = perm[i]
		}
		slices.Sort(targets)
		for k, i := range g {
			perm[i] = targets[k]
		}
	}
	return perm
}

func permuteRows(rows [][]Pair, perm []int) [][]Pair {
	out := make([][]Pair, len(rows))
	for i, row := range rows {
		var nr []Pair
		if row != nil {
			nr = make([]Pair, len(row))
			for k, p := range row {
				nr[k] = Pair{uint16(perm[p.UID]), p.Value}
			}
			slices.SortFunc(nr, compareUID)
		}
		out[perm[i]] = nr
	}
	return out
}

func permute[T any](v []T, perm []int) []T {
	out := make([]T, len(v))
	for i, x := range v {
		out[perm[i]] = x
	}
	return out
}

func permuteInput(in *Input, perm []int) *Input {
	p := *in
	p.Stake = permute(in.Stake, perm)
	p.LastUpdate = permute(in.LastUpdate, perm)
	p.RegisteredAt = permute(in.RegisteredAt, perm)
	p.ValidatorPermit = permute(in.ValidatorPermit, perm)
	p.Weights = permuteRows(in.Weights, perm)
	p.Bonds = permuteRows(in.Bonds, perm)
	return &p
}

func permuteOutput(o *Output, perm []int) *Output {
	return &Output{
		Active:            permute(o.Active, perm),
		Rank:              permute(o.Rank, perm),
		Trust:             permute(o.Trust, perm),
		Consensus:         permute(o.Consensus, perm),
		Incentive:         permute(o.Incentive, perm),
		Dividends:         permute(o.Dividends, perm),
		ValidatorTrust:    permute(o.ValidatorTrust, perm),
		PruningScore:      permute(o.PruningScore, perm),
		Emission:          permute(o.Emission, perm),
		ServerEmission:    permute(o.ServerEmission, perm),
		ValidatorEmission: permute(o.ValidatorEmission, perm),
		ValidatorPermit:   permute(o.ValidatorPermit, perm),
		BondsChanged:      permute(o.BondsChanged, perm),
		Bonds:             permuteRows(o.Bonds, perm),
	}
}
