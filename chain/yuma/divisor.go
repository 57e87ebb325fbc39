package yuma

// This file divides stored u16 weights and bonds by their row or column sum
// with a multiplication instead of a hardware division.
//
// Both are I32F32 integers: a value v (0 <= v < 2^16) is v·2^32 in bits and
// a sum of such values is S = ±V·2^32 (a sum that wraps past 2^63 is still a
// multiple of 2^32, and may be negative), with 0 < V <= 2^31 when S is not
// zero. I32F32 division truncates toward zero, so it gives
//
//	trunc(v·2^32·2^32 / (±V·2^32)) = ±floor(v·2^32 / V),
//
// and with ℓ = bitlen(V), k = 16+ℓ and m = ceil(2^(k+32) / V),
// floor(v·2^32 / V) = floor(v·m / 2^k) (Granlund and Montgomery, "Division
// by invariant integers using multiplication", 1994, Theorem 4.2). Proof:
// let e = m·V - 2^(k+32), so 0 <= e < V, and v·2^32 = q·V + r with
// 0 <= r < V. Then v·m/2^k = q + (r + v·e/2^k)/V, and v·e < 2^16·2^ℓ = 2^k,
// so 0 <= r + v·e/2^k < r+1 <= V and the floor is q. Since V >= 2^(ℓ-1),
// m <= 2^49 and v·m < 2^65, a 64-by-64-bit product.

import (
	"math/bits"

	"github.com/go-bittensor/bittensor/chain/fixed"
)

// u16Divisor divides u16 values, read as I32F32 integers, by one non-zero
// I32F32 integer S = ±V·2^32, exactly as fixed.I32F32.Div.
type u16Divisor struct {
	m    uint64 // ceil(2^(k+32) / V)
	k    uint   // 16 + bitlen(V), in [17, 48]
	sign int64  // 0 if S > 0, -1 if S < 0
}

// newU16Divisor prepares s, which must be a non-zero multiple of 2^32 (as
// every sum of u16 values read as integers is), for dividing u16 values.
func newU16Divisor(s fixed.I32F32) u16Divisor {
	b := s.Bits()
	v := uint64(b) >> 32
	if b < 0 {
		v = uint64(-b) >> 32 // 2^31 for b = -2^63, as -b wraps to 2^63 unsigned
	}
	k := 16 + uint(bits.Len64(v))
	// 2^(k+32) is hi:lo; hi = 2^(ℓ-16) < v when k+32 >= 64, else 0.
	var hi, lo uint64
	if k+32 >= 64 {
		hi = 1 << (k + 32 - 64)
	} else {
		lo = 1 << (k + 32)
	}
	m, r := bits.Div64(hi, lo, v)
	if r != 0 {
		m++
	}
	return u16Divisor{m: m, k: k, sign: b >> 63}
}

// div returns NewI32F32(v).Div(S) for d's divisor S.
func (d *u16Divisor) div(v uint16) fixed.I32F32 {
	hi, lo := bits.Mul64(uint64(v), d.m)
	q := int64(hi<<(64-d.k&63) | lo>>(d.k&63))
	return fixed.I32F32FromBits(q ^ d.sign - d.sign)
}

// propDivisor computes u16Prop(x.Div(M)) for 0 <= x <= M, the bond rows'
// column-max upscaling, mostly without a hardware division. Only 16 bits of
// the quotient Q = floor(x·2^32 / M) survive u16Prop(Q) = floor(Q·65535 /
// 2^32), so an estimate Q' in {Q-1, Q} settles it whenever Q' and Q'+1 give
// the same u16, which fails for about one quotient in 65537; those are
// divided exactly.
//
// The estimate: with t the leading zeros of M, M' = M·2^t (top bit set),
// x' = x·2^t <= M' and R = floor((2^127-1) / M') (so 2^63 < R < 2^64),
// Q' = floor(x'·R / 2^95). Since R > (2^127-1)/M' - 1, x'·R/2^95 exceeds
// x'·2^32/M' - x'/(M'·2^95) - x'/2^95 > X - 1 for X = x·2^32/M, and it is at
// most X, so Q' is floor(X) or floor(X) - 1.
type propDivisor struct {
	m fixed.I32F32 // M
	r uint64       // R
	t uint         // leading zeros of M
}

// newPropDivisor prepares a positive M.
func newPropDivisor(m fixed.I32F32) propDivisor {
	t := uint(bits.LeadingZeros64(uint64(m.Bits())))
	norm := uint64(m.Bits()) << t
	r, _ := bits.Div64(1<<63-1, 1<<64-1, norm) // 2^127-1 = (2^63-1):(2^64-1); 2^63-1 < norm
	return propDivisor{m: m, r: r, t: t}
}

// quickU16 returns u16Prop(x.Div(M)) for d's divisor M and true, or false
// when the estimate does not settle it (or x is outside [0, M]); it is small
// enough to be inlined.
func (d *propDivisor) quickU16(x fixed.I32F32) (uint16, bool) {
	if uint64(x.Bits()) > uint64(d.m.Bits()) { // x < 0 or x > M
		return 0, false
	}
	hi, _ := bits.Mul64(uint64(x.Bits())<<(d.t&63), d.r)
	q := hi >> 31
	u := (q * 65535) >> 32
	return uint16(u), u == ((q+1)*65535)>>32
}

// u16 returns u16Prop(x.Div(M)) for d's divisor M.
func (d *propDivisor) u16(x fixed.I32F32) uint16 {
	if u, ok := d.quickU16(x); ok {
		return u
	}
	q, ok := x.QuickDiv(d.m)
	if !ok {
		q = x.Div(d.m)
	}
	return u16Prop(q)
}
