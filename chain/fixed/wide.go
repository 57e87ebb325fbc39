package fixed

// This file holds the 128-bit two's complement integer that backs I64F64,
// I96F32 and I110F18. Products and shifted dividends need up to 256 bits;
// they are computed with holiman/uint256, reading its values as two's
// complement, which is exact because every intermediate fits in 255 bits.

import (
	"math/bits"

	"github.com/holiman/uint256"
)

// i128 is a two's complement 128-bit integer.
type i128 struct {
	lo, hi uint64
}

func i128FromInt64(v int64) i128 {
	return i128{lo: uint64(v), hi: uint64(v >> 63)}
}

func (a i128) isNeg() bool { return int64(a.hi) < 0 }

func (a i128) isZero() bool { return a.lo == 0 && a.hi == 0 }

func (a i128) sign() int {
	switch {
	case a.isNeg():
		return -1
	case a.isZero():
		return 0
	}
	return 1
}

func (a i128) add(b i128) i128 {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi, _ := bits.Add64(a.hi, b.hi, c)
	return i128{lo, hi}
}

func (a i128) sub(b i128) i128 {
	lo, c := bits.Sub64(a.lo, b.lo, 0)
	hi, _ := bits.Sub64(a.hi, b.hi, c)
	return i128{lo, hi}
}

func (a i128) neg() i128 { return i128{}.sub(a) }

// addChecked reports whether a+b fits in 128 bits.
func (a i128) addChecked(b i128) (i128, bool) {
	s := a.add(b)
	ok := a.isNeg() != b.isNeg() || s.isNeg() == a.isNeg()
	return s, ok
}

// subChecked reports whether a-b fits in 128 bits.
func (a i128) subChecked(b i128) (i128, bool) {
	d := a.sub(b)
	ok := a.isNeg() == b.isNeg() || d.isNeg() == a.isNeg()
	return d, ok
}

func (a i128) cmp(b i128) int {
	switch {
	case int64(a.hi) < int64(b.hi):
		return -1
	case int64(a.hi) > int64(b.hi):
		return 1
	case a.lo < b.lo:
		return -1
	case a.lo > b.lo:
		return 1
	}
	return 0
}

// abs returns |a| as an unsigned 256-bit value (exact even for the minimum).
func (a i128) abs() uint256.Int {
	if a.isNeg() {
		a = a.neg()
	}
	return uint256.Int{a.lo, a.hi, 0, 0}
}

// ext sign-extends a to 256 bits.
func (a i128) ext() uint256.Int {
	e := uint64(int64(a.hi) >> 63)
	return uint256.Int{a.lo, a.hi, e, e}
}

// narrow takes the low 128 bits of a two's complement 256-bit value and
// reports whether the value fitted.
func narrow(z *uint256.Int) (i128, bool) {
	r := i128{lo: z[0], hi: z[1]}
	e := uint64(int64(z[1]) >> 63)
	return r, z[2] == e && z[3] == e
}

// mulShr returns floor(a*b / 2^f), wrapped to 128 bits, and whether it fitted.
func mulShr(a, b i128, f uint) (i128, bool) {
	x, y := a.ext(), b.ext()
	var z uint256.Int
	z.Mul(&x, &y)
	z.SRsh(&z, f)
	return narrow(&z)
}

// divShl returns trunc(a*2^f / b), wrapped to 128 bits, and whether it
// fitted. b must not be zero.
func divShl(a, b i128, f uint) (i128, bool) {
	x, y := a.abs(), b.abs()
	x.Lsh(&x, f)
	var q uint256.Int
	q.Div(&x, &y)
	if a.isNeg() != b.isNeg() {
		q.Neg(&q)
	}
	return narrow(&q)
}

// shr returns a >> n (arithmetic), for 0 <= n < 128.
func (a i128) shr(n uint) i128 {
	switch {
	case n == 0:
		return a
	case n < 64:
		return i128{lo: a.lo>>n | a.hi<<(64-n), hi: uint64(int64(a.hi) >> n)}
	default:
		return i128{lo: uint64(int64(a.hi) >> (n - 64)), hi: uint64(int64(a.hi) >> 63)}
	}
}

// shl returns a << n (wrapping), for 0 <= n < 128.
func (a i128) shl(n uint) i128 {
	switch {
	case n == 0:
		return a
	case n < 64:
		return i128{lo: a.lo << n, hi: a.hi<<n | a.lo>>(64-n)}
	default:
		return i128{lo: 0, hi: a.lo << (n - 64)}
	}
}

// decimal renders bits/2^f exactly in base 10.
func decimal(a i128, f uint) string {
	neg := a.isNeg()
	m := a.abs()
	var intPart, frac uint256.Int
	intPart.Rsh(&m, f)
	mask := uint256.NewInt(1)
	mask.Lsh(mask, f)
	mask.SubUint64(mask, 1)
	frac.And(&m, mask)
	s := intPart.Dec()
	if !frac.IsZero() {
		digits := make([]byte, 0, f)
		ten := uint256.NewInt(10)
		for !frac.IsZero() {
			frac.Mul(&frac, ten)
			var d uint256.Int
			d.Rsh(&frac, f)
			digits = append(digits, byte('0'+d[0]))
			frac.And(&frac, mask)
		}
		s += "." + string(digits)
	}
	if neg {
		s = "-" + s
	}
	return s
}
