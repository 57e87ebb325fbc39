package yuma

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/go-bittensor/bittensor/chain/fixed"
)

// diagonalRoot is test_root_set_weights: ten root validators with stake
// 1000 each, validator i weighting netuids[i] alone (set_weights value 1,
// stored max-upscaled as 65535). Mock constants: ρ = 30, κ = 32767.
func diagonalRoot(netuids []uint16) *RootInput {
	in := &RootInput{BlockEmission: 1_000_000_000, Kappa: 32767, Rho: 30, Netuids: netuids}
	for _, netuid := range netuids {
		in.Stake = append(in.Stake, 1000)
		in.Weights = append(in.Weights, []Pair{{netuid, UpscaleWeights([]uint16{1})[0]}})
	}
	return in
}

// The reference's test_root_set_weights (pallets/subtensor/tests/root.rs).
func TestRootSetWeights(t *testing.T) {
	for _, netuids := range [][]uint16{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		// test_root_set_weights_out_of_order_netuids
		{0, 2, 4, 6, 8, 10, 30, 50, 70, 90},
	} {
		out, err := RootEpoch(diagonalRoot(netuids))
		if err != nil {
			t.Fatal(err)
		}
		for j, e := range out.EmissionValues {
			if e != 99_999_999 {
				t.Errorf("netuids %v: emission of netuid %d = %d, want 99999999", netuids, netuids[j], e)
			}
		}
	}
}

func TestRootStaleWeightsIgnored(t *testing.T) {
	in := diagonalRoot([]uint16{0, 1, 2, 3})
	want, err := RootEpoch(in)
	if err != nil {
		t.Fatal(err)
	}
	// Weights on a removed subnet (netuid 7) change nothing.
	in.Weights[2] = append(in.Weights[2], Pair{7, 65535})
	got, err := RootEpoch(in)
	if err != nil {
		t.Fatal(err)
	}
	for j := range want.EmissionValues {
		if got.EmissionValues[j] != want.EmissionValues[j] {
			t.Errorf("stale weight changed emission %d: %d -> %d", j, want.EmissionValues[j], got.EmissionValues[j])
		}
	}
}

func TestRootUnequal(t *testing.T) {
	// Two validators: the bigger one weights netuid 1 only; the smaller one
	// weights netuids 1 and 2 equally (both stored as 65535). Netuid 1 has
	// all the stake behind it, so its consensus is near 1; netuid 2 has a
	// quarter, below κ, so its consensus is small.
	in := &RootInput{
		BlockEmission: 1_000_000_000, Kappa: 32767, Rho: 10,
		Netuids: []uint16{0, 1, 2},
		Stake:   []uint64{3000, 1000},
		Weights: [][]Pair{{{1, 65535}}, {{1, 65535}, {2, 65535}}},
	}
	out, err := RootEpoch(in)
	if err != nil {
		t.Fatal(err)
	}
	// The same formula in float64, as a plausibility check of the fixed-point
	// result: e_j ∝ rank_j / (1 + exp(-ρ(trust_j - κ))).
	kappa := 32767.0 / 65535
	c := func(trust float64) float64 { return 1 / (1 + math.Exp(-10*(trust-kappa))) }
	w1, w2 := c(1)*65535, c(0.25)*0.25*65535
	want := []float64{0, 1e9 * w1 / (w1 + w2), 1e9 * w2 / (w1 + w2)}
	for j, e := range out.EmissionValues {
		if math.Abs(float64(e)-want[j]) > 1e-6*1e9 {
			t.Errorf("netuid %d: emission %d, want about %.0f", j, e, want[j])
		}
	}
}

func TestRootErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   RootInput
		want error
	}{
		{"no validators", RootInput{Netuids: []uint16{0}}, ErrNoValidators},
		{"no networks", RootInput{Stake: []uint64{1}}, ErrNoNetworks},
		{"no stake", RootInput{Netuids: []uint16{0}, Stake: []uint64{0, 0}}, ErrNoStake},
		{"duplicate netuid", RootInput{Netuids: []uint16{0, 3, 3}, Stake: []uint64{1}}, ErrInvalidInput},
		{"duplicate weight", RootInput{Netuids: []uint16{0}, Stake: []uint64{1}, Weights: [][]Pair{{{0, 1}, {0, 2}}}}, ErrInvalidInput},
		{"rows", RootInput{Netuids: []uint16{0}, Stake: []uint64{1}, Weights: [][]Pair{{}, {}}}, ErrInvalidInput},
		{"stake overflow", RootInput{Netuids: []uint16{0}, Stake: []uint64{1 << 62, 1 << 62}}, ErrInvalidInput},
		// The reference's exp overflows and panics for a steep sigmoid.
		{"rho overflow", RootInput{BlockEmission: 1, Kappa: 65535, Rho: 1000, Netuids: []uint16{0}, Stake: []uint64{1}}, fixed.ErrOverflow},
	} {
		_, err := RootEpoch(&tt.in)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
}

// TestRootConservation checks on random inputs that the emission values never
// add up to more than the block emission.
func TestRootConservation(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for range 300 {
		k := 1 + r.IntN(12)
		in := &RootInput{BlockEmission: r.Uint64N(1 << 40), Kappa: uint16(r.IntN(65536)), Rho: uint16(r.IntN(31))}
		for j := range k {
			in.Netuids = append(in.Netuids, uint16(j*3))
		}
		n := 1 + r.IntN(64)
		for range n {
			in.Stake = append(in.Stake, 1+r.Uint64N(1<<50))
			var row []Pair
			for j := range k {
				if r.IntN(2) == 0 {
					row = append(row, Pair{uint16(j * 3), uint16(r.IntN(65536))})
				}
			}
			in.Weights = append(in.Weights, row)
		}
		out, err := RootEpoch(in)
		if err != nil {
			t.Fatal(err)
		}
		var sum uint64
		for _, e := range out.EmissionValues {
			sum += e
		}
		if sum > in.BlockEmission {
			t.Fatalf("emission values %v add up to more than %d", out.EmissionValues, in.BlockEmission)
		}
	}
}
