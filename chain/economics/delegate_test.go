package economics

import (
	"errors"
	"slices"
	"testing"
)

// The reference's test_full_with_delegating (pallets/subtensor/tests/staking.rs).
// Stakes are listed in storage order; the
// final stakes add each entry's share, and the owner's entry also gets Owner.
func TestSplitDelegateEmission(t *testing.T) {
	for _, tt := range []struct {
		name      string
		take      uint16
		stakes    []uint64
		owner     int // index of the owner's coldkey among stakes
		se, ve    uint64
		wantTake  uint64
		wantFinal []uint64
	}{
		{"hotkey0 take 10", 10, []uint64{200, 300}, 0, 0, 1000, 0, []uint64{601, 899}},
		{"hotkey2 take 32767", 32767, []uint64{1000, 1000, 1000}, 0, 0, 1000, 499, []uint64{1668, 1166, 1166}},
		{"hotkey3 take 65535", 65535, []uint64{1000, 1000, 1000, 1000}, 0, 0, 1000, 1000, []uint64{2000, 1000, 1000, 1000}},
		{"server emission to the owner only", 10, []uint64{200, 300}, 1, 500, 1000, 0, []uint64{599, 300 + 599 + 2 + 500}},
	} {
		var total uint64
		for _, s := range tt.stakes {
			total += s
		}
		got, err := SplitDelegateEmission(tt.take, total, tt.stakes, tt.se, tt.ve)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		final := slices.Clone(tt.stakes)
		for k := range final {
			final[k] += got.Nominators[k]
		}
		final[tt.owner] += got.Owner
		if got.Take != tt.wantTake || !slices.Equal(final, tt.wantFinal) {
			t.Errorf("%s: take %d, final stakes %v; want %d, %v", tt.name, got.Take, final, tt.wantTake, tt.wantFinal)
		}
		var paid uint64
		for _, s := range got.Nominators {
			paid += s
		}
		if paid+got.Owner != tt.se+tt.ve {
			t.Errorf("%s: paid %d of %d", tt.name, paid+got.Owner, tt.se+tt.ve)
		}
	}
}

func TestSplitDelegateEmissionEdges(t *testing.T) {
	// No stake at all: everything after the take stays with the owner.
	got, err := SplitDelegateEmission(11796, 0, []uint64{0}, 7, 1000)
	if err != nil || got.Nominators[0] != 0 || got.Owner != 1007 {
		t.Errorf("zero stake: %+v, %v", got, err)
	}
	for _, tt := range []struct {
		name          string
		total         uint64
		stakes        []uint64
		ve            uint64
		wantErrSubstr string
	}{
		{"stakes exceed total", 100, []uint64{100, 100}, 1000, ""},
		{"huge stake", 1 << 63, []uint64{1}, 1, ""},
		{"huge entry", 10, []uint64{1 << 63}, 1, ""},
		{"huge emission", 10, []uint64{1}, 1 << 63, ""},
	} {
		if _, err := SplitDelegateEmission(0, tt.total, tt.stakes, 0, tt.ve); !errors.Is(err, ErrInvalidParameter) {
			t.Errorf("%s: err = %v, want ErrInvalidParameter", tt.name, err)
		}
	}
}
