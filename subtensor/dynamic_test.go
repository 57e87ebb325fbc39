package subtensor

import "testing"

func TestConstantProductSwaps(t *testing.T) {
	for _, tc := range []struct {
		name       string
		pool       SubnetPool
		stakeTao   uint64
		wantAlpha  uint64
		unstakeAlp uint64
		wantTao    uint64
	}{
		// 1000 TAO against 1000 alpha: 10 TAO buys 1000 − 1000·1000/1010.
		{"even pool", SubnetPool{TaoIn: 1000e9, AlphaIn: 1000e9}, 10e9, 9_900_990_099, 10e9, 9_900_990_099},
		// The runtime's new pool: 1 RAO of each; anything buys nothing
		// but the one alpha... rounded down to zero.
		{"seed pool", SubnetPool{TaoIn: 1_000_000_001, AlphaIn: 1}, 10e9, 0, 1e9, 1_000_000_000},
		// Stable pools swap one for one.
		{"root", SubnetPool{Stable: true}, 5e9, 5e9, 7, 7},
		// An empty dynamic pool pays nothing.
		{"empty", SubnetPool{}, 5e9, 0, 5e9, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.pool.SwapTaoForAlpha(tc.stakeTao); got != tc.wantAlpha {
				t.Errorf("stake %d: %d alpha, want %d", tc.stakeTao, got, tc.wantAlpha)
			}
			if got := tc.pool.SwapAlphaForTao(tc.unstakeAlp); got != tc.wantTao {
				t.Errorf("unstake %d: %d TAO, want %d", tc.unstakeAlp, got, tc.wantTao)
			}
		})
	}
}

// Reserves whose product passes I96F32 saturate as the runtime does,
// without panicking, and never pay more than the pool holds.
func TestConstantProductSaturates(t *testing.T) {
	p := SubnetPool{TaoIn: 1e17, AlphaIn: 1e18}
	if got := p.SwapTaoForAlpha(1e9); got > p.AlphaIn {
		t.Errorf("bought %d of %d alpha", got, p.AlphaIn)
	}
	if got := p.SwapAlphaForTao(^uint64(0)); got > p.TaoIn {
		t.Errorf("sold for %d of %d TAO", got, p.TaoIn)
	}
}

func TestQuoteSlippageAndLimits(t *testing.T) {
	p := SubnetPool{TaoIn: 1000e9, AlphaIn: 1000e9}
	q := p.QuoteStake(10e9)
	if q.PriceBefore != 1e9 || q.Ideal != 10e9 || q.Out != 9_900_990_099 {
		t.Fatalf("quote %+v", q)
	}
	// 1 − 9.900990099/10 ≈ 0.99%; the price after is 1010/990.099… ≈ 1.0201.
	if q.Slippage < 0.0098 || q.Slippage > 0.0100 || q.PriceAfter != 1_020_099_999 {
		t.Errorf("slippage %v, price after %d", q.Slippage, q.PriceAfter)
	}
	if l := LimitFor(q.PriceBefore, 0.005, true); l != 1_005_000_000 || q.PriceAfter <= l {
		t.Errorf("limit %d for a price after %d", l, q.PriceAfter)
	}
	if l := LimitFor(q.PriceBefore, 0.05, false); l != 950_000_000 {
		t.Errorf("unstake limit %d", l)
	}
	u := p.QuoteUnstake(10e9)
	if u.Ideal != 10e9 || u.Out != 9_900_990_099 || u.PriceAfter != 980_296_049 {
		t.Errorf("unstake quote %+v", u)
	}
}
