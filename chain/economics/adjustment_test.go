package economics

import (
	"errors"
	"math"
	"testing"
)

// registrationTerms replays the registration adjustment of block_step for
// one subnet, as test_registration_difficulty_adjustment and the burn tests
// drive it.
type registrationTerms struct {
	difficulty, minDifficulty, maxDifficulty uint64
	burn, minBurn, maxBurn                   uint64
	alpha                                    uint64
	target                                   uint16
}

func (r *registrationTerms) endInterval(t *testing.T, pow, burned uint16) {
	t.Helper()
	regs := pow + burned
	adjustDifficulty, adjustBurn := AdjustmentTargets(regs, pow, burned, r.target)
	var err error
	if adjustDifficulty {
		if r.difficulty, err = AdjustedPrice(r.difficulty, regs, r.target, r.alpha, r.minDifficulty, r.maxDifficulty); err != nil {
			t.Fatal(err)
		}
	}
	if adjustBurn {
		if r.burn, err = AdjustedPrice(r.burn, regs, r.target, r.alpha, r.minBurn, r.maxBurn); err != nil {
			t.Fatal(err)
		}
	}
}

// The difficulty cases of the reference's test_registration_difficulty_adjustment
// (pallets/subtensor/tests/difficulty.rs; AdjustmentAlpha 58000 from
// init_new_network: 0 in I110F18).
func TestDifficultyAdjustment(t *testing.T) {
	r := &registrationTerms{difficulty: 20000, minDifficulty: 10000, maxDifficulty: math.MaxUint64,
		burn: 1_000_000_000, minBurn: 1, maxBurn: 100_000_000_000, alpha: 58000, target: 1}
	r.endInterval(t, 3, 0)
	if r.difficulty != 40000 {
		t.Errorf("3 PoW regs, target 1: difficulty %d, want 40000", r.difficulty)
	}
	r.target = 3
	r.endInterval(t, 6, 0)
	if r.difficulty != 60000 {
		t.Errorf("6 PoW regs, target 3: difficulty %d, want 60000", r.difficulty)
	}
	r.minDifficulty, r.difficulty = 1, 4
	for _, want := range []uint64{2, 1, 1} {
		r.endInterval(t, 0, 0)
		if r.difficulty != want {
			t.Errorf("no regs: difficulty %d, want %d", r.difficulty, want)
		}
	}
	r.maxDifficulty, r.difficulty = 10000, 5000
	r.endInterval(t, 4, 0)
	if r.difficulty != 5833 {
		t.Errorf("4 PoW regs, target 3: difficulty %d, want 5833", r.difficulty)
	}
	r.endInterval(t, 3, 0) // case C: the burn is adjusted (by (3+3)/6), not the difficulty
	// The three intervals without registrations (case E) halved the burn too.
	if r.difficulty != 5833 || r.burn != 125_000_000 {
		t.Errorf("3 PoW regs, target 3: difficulty %d, burn %d; want 5833, 125000000", r.difficulty, r.burn)
	}
}

// The burn cases of the reference's test_burn_adjustment
// (pallets/subtensor/tests/block_step.rs).
func TestBurnAdjustment(t *testing.T) {
	for _, tt := range []struct {
		alpha uint64
		want  uint64
	}{{0, 1500}, {math.MaxUint64 / 2, 1250}} {
		r := &registrationTerms{difficulty: 10_000_000, minDifficulty: 1, maxDifficulty: math.MaxUint64,
			burn: 1000, minBurn: 1, maxBurn: 100_000_000_000, alpha: tt.alpha, target: 1}
		r.endInterval(t, 0, 2)
		if r.burn != tt.want || r.difficulty != 10_000_000 {
			t.Errorf("alpha %d: burn %d, difficulty %d; want %d, unchanged", tt.alpha, r.burn, r.difficulty, tt.want)
		}
	}
}

func TestAdjustmentTargets(t *testing.T) {
	for _, tt := range []struct {
		regs, pow, burned, target uint16
		difficulty, burn          bool
	}{
		{3, 3, 0, 1, true, false},     // A
		{3, 1, 2, 1, false, true},     // B
		{2, 1, 1, 1, true, true},      // F
		{1, 1, 0, 1, false, true},     // C
		{1, 0, 1, 1, true, false},     // D
		{0, 0, 0, 1, true, true},      // E
		{2, 1, 1, 2, true, true},      // E at the target
		{3, 2, 1, 3, false, true},     // C at the target
		{4, 1, 3, 3, false, true},     // B
		{4, 3, 1, 3, true, false},     // A
		{0, 0, 0, 0, true, true},      // E with target 0
		{1, 0, 1, 0, false, true},     // B with target 0
		{2, 2, 0, 65535, false, true}, // C
	} {
		d, b := AdjustmentTargets(tt.regs, tt.pow, tt.burned, tt.target)
		if d != tt.difficulty || b != tt.burn {
			t.Errorf("AdjustmentTargets(%d, %d, %d, %d) = %v, %v; want %v, %v", tt.regs, tt.pow, tt.burned, tt.target, d, b, tt.difficulty, tt.burn)
		}
	}
}

func TestAdjustedPriceEdges(t *testing.T) {
	for _, target := range []uint16{0, 32768} {
		if _, err := AdjustedPrice(1000, 1, target, 0, 1, 2000); !errors.Is(err, ErrInvalidParameter) {
			t.Errorf("target %d: err = %v, want ErrInvalidParameter", target, err)
		}
	}
	// α just below 2^46 is still 0; at 2^46 it is one 2^-18 step.
	for _, tt := range []struct{ alpha, want uint64 }{{1<<46 - 1, 1500}, {1 << 47, 1499}} {
		if got, _ := AdjustedPrice(1000, 2, 1, tt.alpha, 1, 1<<40); got != tt.want {
			t.Errorf("alpha %d: %d, want %d", tt.alpha, got, tt.want)
		}
	}
	// Clamped at max, also when huge values would overflow u64.
	if got, _ := AdjustedPrice(math.MaxUint64, 3, 1, 0, 1, math.MaxUint64); got != math.MaxUint64 {
		t.Errorf("u64 max doubled: %d", got)
	}
	// The 0.97 smoothing of later runtimes is α = 254279/2^18 (I110F18 keeps
	// 18 fractional bits of AdjustmentAlpha/u64::MAX):
	// doubling pressure (3 regs, target 1) then moves 1_000_000 by about 3%.
	// Derived by hand: (254279·1e6·2^18 + 7865·2e6·2^18) >> 36 = 1030002.
	if got, _ := AdjustedPrice(1_000_000, 3, 1, 17_893_341_751_498_265_066, 1, 1<<40); got != 1_030_002 {
		t.Errorf("alpha 0.97: %d, want 1030002", got)
	}
}
