package economics

import "github.com/go-bittensor/bittensor/chain/fixed"

// TotalSupply is the cap on issuance: 21 million TAO, in RAO.
const TotalSupply uint64 = 21_000_000_000_000_000

// InitialBlockEmission is the block emission before the first halving
// (DefaultBlockEmission): 1 TAO, in RAO.
const InitialBlockEmission uint64 = 1_000_000_000

// BlockEmission returns the RAO emitted per block at the given total
// issuance (in RAO): 0 once issuance reaches TotalSupply, otherwise
// InitialBlockEmission / 2^floor(log2(1 / (1 - issuance/(2·10.5e15)))), all in
// I96F32 as the reference computes it. The emission halves each time
// issuance covers half of the remaining supply: 0 → 1e9, 10.5e15 → 5e8,
// 15.75e15 → 2.5e8, and so on.
func BlockEmission(issuance uint64) uint64 {
	total := fixed.I96F32FromUint64(issuance)
	if total.Cmp(fixed.I96F32FromUint64(TotalSupply)) >= 0 {
		return 0
	}
	one := fixed.NewI96F32(1)
	two := fixed.NewI96F32(2)
	half := two.Mul(fixed.I96F32FromUint64(10_500_000_000_000_000))
	// 1 - issuance/supply is at least 2^-32 here, so the argument of log2 is
	// in [1, 2^32] and log2 cannot fail.
	residual, err := one.Div(one.Sub(total.Div(half))).Log2()
	if err != nil {
		panic("economics: unreachable: log2 of a value >= 1 failed: " + err.Error())
	}
	halvings := residual.Floor().ToU64()
	multiplier := one
	for range halvings {
		multiplier = multiplier.Mul(two)
	}
	return one.Div(multiplier).Mul(fixed.I96F32FromUint64(InitialBlockEmission)).ToU64()
}
