package economics

import "testing"

func TestBlockEmission(t *testing.T) {
	for _, tt := range []struct {
		issuance, want uint64
	}{
		// The reference's test_halving (pallets/subtensor/tests/root.rs).
		{0, 1_000_000_000},
		{10_500_000_000_000_000, 500_000_000},
		{21_000_000_000_000_000, 0},
		{^uint64(0), 0},
		{10_499_999_999_999_999, 1_000_000_000},
		{TotalSupply - 1, 0}, // 32 halvings: 1e9/2^32 floors to 0
	} {
		if got := BlockEmission(tt.issuance); got != tt.want {
			t.Errorf("BlockEmission(%d) = %d, want %d", tt.issuance, got, tt.want)
		}
	}
	// Era k starts exactly when issuance reaches TotalSupply·(1 - 2^-k) (an
	// integer for k <= 15, where 1 - issuance/supply is exactly 2^-k), and
	// one RAO earlier the previous era's emission still applies.
	for k := uint64(1); k <= 15; k++ {
		start := TotalSupply - TotalSupply>>k
		if got, want := BlockEmission(start), InitialBlockEmission>>k; got != want {
			t.Errorf("era %d start (issuance %d): %d, want %d", k, start, got, want)
		}
		if got, want := BlockEmission(start-1), InitialBlockEmission>>(k-1); got != want {
			t.Errorf("era %d start - 1 (issuance %d): %d, want %d", k, start-1, got, want)
		}
	}
}
