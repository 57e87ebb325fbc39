package economics

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestOwnerCut(t *testing.T) {
	for _, tt := range []struct {
		emission       uint64
		cut            uint16
		owner, pending uint64
	}{
		{1_000_000_000, 11796, 179_995_422, 820_004_577}, // one RAO lost to the two floors
		{99_999_999, 0, 0, 99_999_999},
		{1_000_000_000, 65535, 1_000_000_000, 0},
		{0, 11796, 0, 0},
	} {
		owner, pending := OwnerCut(tt.emission, tt.cut)
		if owner != tt.owner || pending != tt.pending {
			t.Errorf("OwnerCut(%d, %d) = %d, %d; want %d, %d", tt.emission, tt.cut, owner, pending, tt.owner, tt.pending)
		}
		if paid := owner + pending; paid > tt.emission || tt.emission-paid > 1 {
			t.Errorf("OwnerCut(%d, %d) pays %d", tt.emission, tt.cut, paid)
		}
	}
}

// TestOwnerCutAgainstBig checks the fixed-point result against exact
// rationals: the cut is e·c/65535 kept to 32 fractional bits (truncated),
// the owner gets its floor, and pending gets the floor of e minus it.
func TestOwnerCutAgainstBig(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for range 10000 {
		e, c := r.Uint64(), uint16(r.Uint32())
		cutBits := new(big.Int).Lsh(new(big.Int).Mul(new(big.Int).SetUint64(e), big.NewInt(int64(c))), 32)
		cutBits.Quo(cutBits, big.NewInt(65535))
		wantOwner := new(big.Int).Rsh(cutBits, 32).Uint64()
		rest := new(big.Int).Sub(new(big.Int).Lsh(new(big.Int).SetUint64(e), 32), cutBits)
		wantPending := rest.Rsh(rest, 32).Uint64()
		owner, pending := OwnerCut(e, c)
		if owner != wantOwner || pending != wantPending {
			t.Fatalf("OwnerCut(%d, %d) = %d, %d; want %d, %d", e, c, owner, pending, wantOwner, wantPending)
		}
	}
}
