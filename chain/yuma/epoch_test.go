package yuma

import (
	"errors"
	"slices"
	"testing"
)

// subnet keeps the per-uid state the chain stores between epochs, so that
// tests can replay the reference's unit tests: registration, set_weights
// (max-upscaled and stored), and epochs whose permits and bonds feed the next
// epoch. Parameters are the reference's mock runtime's
// (pallets/subtensor/tests/mock.rs).
type subnet struct {
	t        *testing.T
	in       Input
	last     *Output
	emission uint64
}

func newSubnet(t *testing.T, stakes []uint64, maxValidators uint16) *subnet {
	n := len(stakes)
	return &subnet{t: t, emission: 1_000_000_000, in: Input{
		Kappa:                32767,
		ActivityCutoff:       5000,
		MaxAllowedValidators: maxValidators,
		BondsMovingAverage:   900_000,
		Stake:                slices.Clone(stakes),
		LastUpdate:           make([]uint64, n), // registered at block 0
		RegisteredAt:         make([]uint64, n),
		ValidatorPermit:      make([]bool, n),
		Weights:              make([][]Pair, n),
		Bonds:                make([][]Pair, n),
	}}
}

// setWeights stores uid's weights as set_weights does at block b.
func (s *subnet) setWeights(uid int, b uint64, dests []uint16, values []uint16) {
	up := UpscaleWeights(values)
	row := make([]Pair, len(dests))
	for k := range dests {
		row[k] = Pair{UID: dests[k], Value: up[k]}
	}
	slices.SortFunc(row, compareUID)
	s.in.Weights[uid] = row
	s.in.LastUpdate[uid] = b
}

// replace registers a new hotkey over uid at block b with the given stake:
// only BlockAtRegistration and the stake change (the reference's
// replace_neuron keeps the uid's weights, bonds and scores).
func (s *subnet) replace(uid int, b uint64, stake uint64) {
	s.in.RegisteredAt[uid] = b
	s.in.Stake[uid] = stake
}

// epoch runs an epoch at block b, checks it against the dense reference and
// stores permits and bonds for the next one.
func (s *subnet) epoch(b uint64) *Output {
	s.t.Helper()
	s.in.Block = b
	s.in.Emission = s.emission
	out, err := Epoch(&s.in)
	if err != nil {
		s.t.Fatalf("epoch at block %d: %v", b, err)
	}
	compareDense(s.t, &s.in, out)
	copy(s.in.ValidatorPermit, out.ValidatorPermit)
	for i, changed := range out.BondsChanged {
		if changed {
			s.in.Bonds[i] = slices.Clone(out.Bonds[i])
		}
	}
	s.last = out
	return out
}

// bond returns the stored bond of i on j (0 if absent).
func (s *subnet) bond(i int, j uint16) uint16 {
	for _, p := range s.in.Bonds[i] {
		if p.UID == j {
			return p.Value
		}
	}
	return 0
}

func expectU64(t *testing.T, what string, got, want []uint64) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func expectU16(t *testing.T, what string, got, want []uint16) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// The reference's test_active_stake (pallets/subtensor/tests/epoch.rs).
func TestActiveStake(t *testing.T) {
	s := newSubnet(t, []uint64{1, 1, 1, 1}, 4)
	s.epoch(0) // issues the permits
	for uid := range 2 {
		s.setWeights(uid, 1, []uint16{2, 3}, []uint16{32767, 32767})
	}
	if got := s.in.Weights[0]; !slices.Equal(got, []Pair{{2, 65535}, {3, 65535}}) {
		t.Fatalf("upscaled weights = %v", got)
	}
	out := s.epoch(1)
	expectU16(t, "dividends[0:2]", out.Dividends[:2], []uint16{32767, 32767})
	expectU64(t, "emission", out.Emission, []uint64{250000000, 250000000, 250000000, 250000000})
	for v := range 2 {
		for _, srv := range []uint16{2, 3} {
			if got := s.bond(v, srv); got != 65535 {
				t.Errorf("bonds[%d][%d] = %d, want 65535", v, srv, got)
			}
		}
	}

	// Block 5002: uid 1's weights are older than the activity cutoff.
	s.setWeights(0, 5002, []uint16{2, 3}, []uint16{32767, 32767})
	out = s.epoch(5002)
	expectU16(t, "dividends[0:2]", out.Dividends[:2], []uint16{36044, 29490})
	expectU64(t, "emission", out.Emission, []uint64{274999999, 224999999, 250000000, 250000000}) // [2:] derived
	expectU16(t, "pruning scores (derived)", out.PruningScore, []uint16{65535, 53620, 59577, 59577})
	for _, srv := range []uint16{2, 3} {
		if got := s.bond(0, srv); got != 65535 {
			t.Errorf("bonds[0][%d] = %d, want 65535", srv, got)
		}
		if got := s.bond(1, srv); got != 53619 {
			t.Errorf("bonds[1][%d] = %d, want 53619", srv, got)
		}
	}

	// uid 1 updates too; epoch at 5003.
	s.setWeights(1, 5002, []uint16{2, 3}, []uint16{32767, 32767})
	out = s.epoch(5003)
	expectU16(t, "dividends[0:2]", out.Dividends[:2], []uint16{35716, 29818})
	expectU64(t, "emission[0:2]", out.Emission[:2], []uint64{272501132, 227498866})
	for _, srv := range []uint16{2, 3} {
		if got := s.bond(0, srv); got != 65535 {
			t.Errorf("bonds[0][%d] = %d, want 65535", srv, got)
		}
		if got := s.bond(1, srv); got != 54712 {
			t.Errorf("bonds[1][%d] = %d, want 54712", srv, got)
		}
	}
}

// The reference's test_outdated_weights.
func TestOutdatedWeights(t *testing.T) {
	s := newSubnet(t, []uint64{1, 1, 1, 1}, 4)
	s.epoch(0)
	for uid := range 2 {
		s.setWeights(uid, 1, []uint16{2, 3}, []uint16{43690, 21845})
	}
	if got := s.in.Weights[0]; !slices.Equal(got, []Pair{{2, 65535}, {3, 32768}}) {
		t.Fatalf("upscaled weights = %v", got)
	}
	for uid := 2; uid < 4; uid++ {
		s.setWeights(uid, 1, []uint16{uint16(uid)}, []uint16{65535}) // self-weights
	}
	out := s.epoch(1)
	expectU64(t, "emission", out.Emission, []uint64{250000000, 250000000, 333331637, 166668361})
	expectU16(t, "pruning scores (derived)", out.PruningScore, []uint16{49152, 49152, 65535, 32768})

	// A new key replaces uid 3 (lowest pruning score) at block 1; its stake
	// is 0. At block 2 only uid 0 re-sets its weights.
	s.replace(3, 1, 0)
	s.setWeights(0, 2, []uint16{2, 3}, []uint16{43690, 21845})
	out = s.epoch(2)
	if out.Dividends[0] != 32767 || out.Emission[0] != 250000000 {
		t.Errorf("uid 0: dividends %d, emission %d; want 32767, 250000000", out.Dividends[0], out.Emission[0])
	}
	expectU64(t, "emission (derived)", out.Emission, []uint64{250000000, 250000000, 500000000, 0})
	if s.bond(0, 2) != 65535 || s.bond(0, 3) != 65535 {
		t.Errorf("bonds[0] = %v, want 65535 on uids 2 and 3", s.in.Bonds[0])
	}
	if s.bond(1, 3) != 0 {
		t.Errorf("bonds[1] = %v: the bond on the replaced uid 3 is outdated", s.in.Bonds[1])
	}
}

// The reference's test_1_graph and test_10_graph.
func TestSelfWeightGraphs(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want uint64
	}{{1, 1_000_000_000}, {10, 99_999_999}} {
		stakes := make([]uint64, tt.n)
		for i := range stakes {
			stakes[i] = 1
		}
		s := newSubnet(t, stakes, 64)
		for uid := range tt.n {
			s.setWeights(uid, 1, []uint16{uint16(uid)}, []uint16{65535})
		}
		out := s.epoch(1)
		for uid := range tt.n {
			if out.Rank[uid] != 0 || out.Trust[uid] != 0 || out.Consensus[uid] != 0 || out.Incentive[uid] != 0 || out.Dividends[uid] != 0 {
				t.Errorf("n=%d uid %d: R T C I D = %d %d %d %d %d, want zeros", tt.n, uid, out.Rank[uid], out.Trust[uid], out.Consensus[uid], out.Incentive[uid], out.Dividends[uid])
			}
			if out.Emission[uid] != tt.want {
				t.Errorf("n=%d uid %d: emission %d, want %d", tt.n, uid, out.Emission[uid], tt.want)
			}
		}
	}
}

// The reference's test_zero_weights.
func TestZeroWeights(t *testing.T) {
	s := newSubnet(t, []uint64{1, 0}, 64)
	out := s.epoch(0) // no weights
	expectU64(t, "no weights", out.Emission, []uint64{1_000_000_000, 0})
	s.setWeights(1, 1, []uint16{1}, []uint16{65535}) // server self-weight
	out = s.epoch(1)
	expectU64(t, "self-weight only", out.Emission, []uint64{1_000_000_000, 0})
	s.setWeights(0, 2, []uint16{1}, []uint16{65535})
	s.replace(1, 2, 0) // uid 1 re-registered in the same block: outdated
	out = s.epoch(2)
	expectU64(t, "outdated weights", out.Emission, []uint64{1_000_000_000, 0})
	s.setWeights(0, 3, []uint16{1}, []uint16{65535})
	out = s.epoch(3)
	expectU64(t, "updated weights", out.Emission, []uint64{500_000_000, 500_000_000})
}

func TestEmptySubnet(t *testing.T) {
	out, err := Epoch(&Input{Block: 5, Emission: 1e9})
	if err != nil || len(out.Emission) != 0 {
		t.Errorf("empty subnet: %v, %v", out, err)
	}
}

func TestEpochRejectsBadInput(t *testing.T) {
	base := func() *Input {
		return &Input{
			Stake:           []uint64{1, 2, 3},
			LastUpdate:      []uint64{0, 0, 0},
			RegisteredAt:    []uint64{0, 0, 0},
			ValidatorPermit: []bool{true, true, true},
			Weights:         [][]Pair{{{1, 5}, {2, 6}}, nil, nil},
		}
	}
	for _, tt := range []struct {
		name   string
		change func(*Input)
		msg    string
	}{
		{"short LastUpdate", func(in *Input) { in.LastUpdate = in.LastUpdate[:2] }, "yuma: invalid input: LastUpdate has 2 entries, want one per neuron (3)"},
		{"weights rows", func(in *Input) { in.Weights = in.Weights[:1] }, "yuma: invalid input: Weights has 1 entries, want one per neuron (3)"},
		{"uid out of range", func(in *Input) { in.Weights[2] = []Pair{{3, 1}} }, "yuma: invalid input: neuron 2: weights[0]: uid 3 out of range (3 neurons)"},
		{"duplicate", func(in *Input) { in.Weights[0] = []Pair{{1, 1}, {1, 2}} }, "yuma: invalid input: neuron 0: weights[1]: duplicate uid 1"},
		{"unsorted", func(in *Input) { in.Weights[0] = []Pair{{2, 1}, {1, 2}} }, "yuma: invalid input: neuron 0: weights[1]: uid 1 after uid 2 (rows must be sorted by uid)"},
		{"bond out of range", func(in *Input) { in.Bonds = [][]Pair{nil, {{7, 1}}, nil} }, "yuma: invalid input: neuron 1: bonds[0]: uid 7 out of range (3 neurons)"},
		{"stake overflow", func(in *Input) { in.Stake[1] = 1 << 63 }, "yuma: invalid input: neuron 1: stake: total stake exceeds 2^63-1 RAO"},
	} {
		in := base()
		tt.change(in)
		_, err := Epoch(in)
		if !errors.Is(err, ErrInvalidInput) || err.Error() != tt.msg {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.msg)
		}
	}
	if _, err := Epoch(base()); err != nil {
		t.Errorf("valid input: %v", err)
	}
}
