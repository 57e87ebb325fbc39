package yuma

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/go-bittensor/bittensor/chain/fixed"
)

// TestU16Divisor compares u16Divisor with fixed.I32F32.Div: every u16 value
// for sums at the edges of each bit length, positive and negative (wrapped),
// random values for random sums.
func TestU16Divisor(t *testing.T) {
	check := func(sum int64, v uint16) {
		t.Helper()
		s := fixed.I32F32FromBits(sum << 32)
		d := newU16Divisor(s)
		want := fixed.NewI32F32(int64(v)).Div(s)
		if got := d.div(v); got != want {
			t.Fatalf("%d / %d: got %d, want %d (bits)", v, sum, got.Bits(), want.Bits())
		}
	}
	r := rand.New(rand.NewPCG(1, 1))
	for _, sum := range []int64{1, 3, 65535, 65536*3 + 7, 255 * 65535, 4096 * 65535, 1 << 30, 1<<31 - 1, -1, -7, -(1 << 31), -(1<<31 - 1)} {
		for v := range 1 << 16 {
			check(sum, uint16(v))
		}
	}
	for l := range 32 {
		for _, sum := range []int64{1 << l, 1<<l + 1, 1<<(l+1) - 1, 3 << l >> 1} {
			for _, sum := range []int64{sum, -sum} {
				if sum >= 1<<31 || sum < -(1<<31) {
					continue
				}
				for _, v := range []uint16{0, 1, 2, 32767, 32768, 65534, 65535} {
					check(sum, v)
				}
				for range 500 {
					check(sum, uint16(r.IntN(1<<16)))
				}
			}
		}
	}
	for range 200000 {
		sum := 1 + r.Int64N(1<<31-1)>>r.IntN(31)
		if r.IntN(2) == 0 {
			sum = -sum
		}
		check(sum, uint16(r.IntN(1<<16)))
	}
}

// TestPropDivisor compares propDivisor with u16Prop(x.Div(M)) for maxima of
// every bit length, values at and around the quotients where the u16
// changes, the ends of the range, and values outside it.
func TestPropDivisor(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	check := func(m, x int64) {
		t.Helper()
		d := newPropDivisor(fixed.I32F32FromBits(m))
		xf := fixed.I32F32FromBits(x)
		if got, want := d.u16(xf), u16Prop(xf.Div(fixed.I32F32FromBits(m))); got != want {
			t.Fatalf("u16Prop(%d / %d) (bits): got %d, want %d", x, m, got, want)
		}
	}
	for l := range 63 {
		for _, m := range []int64{1 << l, 1<<l + 1, 1<<(l+1) - 1, 3 << l >> 1, 1 + r.Int64N(1<<l)} {
			if m <= 0 {
				continue
			}
			for _, x := range []int64{0, 1, m / 2, m - 1, m, m + 1, -1, 2 * m, math.MaxInt64} {
				check(m, x)
			}
			for range 200 {
				check(m, r.Int64N(m)+int64(r.IntN(2)))
				// x with x·2^32/M just below and above the quotient where
				// the u16 steps to u: Q = ceil(u·2^32/65535).
				u := uint64(r.IntN(65536))
				q := (u<<32 + 65534) / 65535
				hi, lo := bits.Mul64(q, uint64(m))
				if hi>>32 == 0 {
					x := int64(hi<<32 | lo>>32)
					for _, dx := range []int64{-2, -1, 0, 1, 2} {
						if x+dx >= 0 {
							check(m, x+dx)
						}
					}
				}
			}
		}
	}
}
