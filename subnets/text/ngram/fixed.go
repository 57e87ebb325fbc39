package ngram

// Fixed-point arithmetic for sampling.
//
// The validator recomputes a miner's answer and compares the two, so sampling
// must choose the same tokens on every machine. Floating point does not
// promise that: Go may fuse a multiply and an add on some architectures, and
// math.Exp and math.Log have assembly versions that differ in the last bit
// between architectures. Everything that decides a token is therefore done in
// integers:
//
//   - probabilities are uint64 in Q62 (1.0 is 1<<62);
//   - logarithms are int64 in Q32;
//   - tempered weights p^(1/T) are uint64 in Q40, so that the sum over a
//     vocabulary of up to 2^21 words fits in 64 bits;
//   - log2 and exp2 interpolate linearly in 4097-entry tables generated with
//     math/big (tables.go, mktables.go). The error is about 1e-8 (absolute
//     for log2, relative for exp2), which only matters in that it is the same
//     everywhere.

import "math/bits"

const (
	one62 = uint64(1) << 62 // 1.0 in Q62
	one40 = uint64(1) << 40 // 1.0 in Q40

	tableBits  = 12 // index bits of log2Table and exp2Table
	interpBits = 20 // bits interpolated between two table entries
)

// mulQ62 returns a·b for a, b in Q62, rounded down.
func mulQ62(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi<<2 | lo>>62
}

// mulDiv returns floor(a·b/c). It panics if the quotient does not fit in 64
// bits, which the callers rule out (b < c or a·b/c bounded by construction).
func mulDiv(a, b, c uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	q, _ := bits.Div64(hi, lo, c)
	return q
}

// log2Q62 returns log2(x/2^62) in Q32 for x > 0 (so the result is at most
// 2·2^32 for x < 2^64 and 0 for x = 1<<62). x must not be 0.
func log2Q62(x uint64) int64 {
	n := bits.Len64(x) - 1 // integer part of log2(x)
	m := x << (63 - n)     // leading one at bit 63
	idx := (m >> (63 - tableBits)) & (1<<tableBits - 1)
	rem := (m >> (63 - tableBits - interpBits)) & (1<<interpBits - 1)
	lo, hi := log2Table[idx], log2Table[idx+1]
	frac := lo + (hi-lo)*rem>>interpBits
	return int64(n-62)<<32 + int64(frac)
}

// exp2Q40 returns 2^(e/2^32) in Q40 for e <= 0 (e in Q32), rounded down;
// very negative exponents give 0.
func exp2Q40(e int64) uint64 {
	ip := e >> 32 // floor of the exponent
	f := uint64(e) & (1<<32 - 1)
	idx := f >> (32 - tableBits)
	rem := f & (1<<interpBits - 1) // interpBits == 32-tableBits: all the bits below the index
	lo, hi := exp2Table[idx], exp2Table[idx+1]
	v := lo + (hi-lo)*rem>>interpBits
	if ip >= 0 {
		return v << ip
	}
	if -ip >= 64 {
		return 0
	}
	return v >> -ip
}

// powQ62 returns p^(1000/tq) in Q40 for p in Q62 and a temperature of
// tq/1000 (tq > 0). It is 0 for p = 0.
func powQ62(p uint64, tq int64) uint64 {
	if p == 0 {
		return 0
	}
	e := log2Q62(p) * 1000 / tq
	if e > 0 {
		e = 0 // p is at most one; rounding must not make the weight exceed one
	}
	return exp2Q40(e)
}
