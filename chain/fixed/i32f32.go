package fixed

import "math/bits"

// I32F32 is a signed fixed-point number with 32 integer and 32 fractional
// bits, held in an int64: the value is Bits()/2^32, in [-2^31, 2^31).
// The zero value is 0.
type I32F32 struct {
	bits int64
}

// I32F32FromBits returns the I32F32 whose raw bits are b.
func I32F32FromBits(b int64) I32F32 { return I32F32{b} }

// NewI32F32 returns the integer n as an I32F32. Integers outside
// [-2^31, 2^31) wrap, as the reference's from_num does in a release build.
func NewI32F32(n int64) I32F32 { return I32F32{n << 32} }

// Bits returns the raw two's complement bits (value times 2^32).
func (x I32F32) Bits() int64 { return x.bits }

// IsZero reports whether x == 0.
func (x I32F32) IsZero() bool { return x.bits == 0 }

// Sign returns -1, 0 or +1.
func (x I32F32) Sign() int {
	switch {
	case x.bits < 0:
		return -1
	case x.bits > 0:
		return 1
	}
	return 0
}

// Cmp returns -1, 0 or +1 as x is less than, equal to or greater than y.
func (x I32F32) Cmp(y I32F32) int {
	switch {
	case x.bits < y.bits:
		return -1
	case x.bits > y.bits:
		return 1
	}
	return 0
}

// Add returns x+y, wrapping on overflow.
func (x I32F32) Add(y I32F32) I32F32 { return I32F32{x.bits + y.bits} }

// Sub returns x-y, wrapping on overflow.
func (x I32F32) Sub(y I32F32) I32F32 { return I32F32{x.bits - y.bits} }

// Neg returns -x, wrapping for the minimum value.
func (x I32F32) Neg() I32F32 { return I32F32{-x.bits} }

// Mul returns x*y: floor(x_bits*y_bits / 2^32), wrapped to 64 bits.
func (x I32F32) Mul(y I32F32) I32F32 {
	hi, lo := bits.Mul64(uint64(x.bits), uint64(y.bits))
	// Turn the unsigned 128-bit product into the signed one.
	if x.bits < 0 {
		hi -= uint64(y.bits)
	}
	if y.bits < 0 {
		hi -= uint64(x.bits)
	}
	// Bits 32..95 of the product are the low 64 bits of its arithmetic
	// shift by 32.
	return I32F32{int64(hi<<32 | lo>>32)}
}

// Div returns x/y: trunc(x_bits*2^32 / y_bits), wrapped to 64 bits.
// It panics if y is zero, as the reference does.
func (x I32F32) Div(y I32F32) I32F32 {
	if q, ok := x.QuickDiv(y); ok {
		return q
	}
	if y.bits == 0 {
		panic("fixed: I32F32 division by zero")
	}
	q, _ := x.div(y)
	return q
}

// QuickDiv returns x.Div(y) and true when x >= 0, y > 0 and x < y·2^32 (the
// quotient fits 64 bits, as every proportion's does), and false otherwise.
// It is small enough for the compiler to inline, so a loop dividing many
// values pays one hardware division per value instead of a call:
//
//	q, ok := x.QuickDiv(y)
//	if !ok {
//		q = x.Div(y)
//	}
func (x I32F32) QuickDiv(y I32F32) (I32F32, bool) {
	// x|y >= 0 says both are non-negative; a>>32 < y then also rules out
	// y == 0. The dividend a*2^32 is hi:lo with hi < y, so the 128-by-64
	// division cannot overflow.
	a := uint64(x.bits)
	if x.bits|y.bits < 0 || a>>32 >= uint64(y.bits) {
		return I32F32{}, false
	}
	q, _ := bits.Div64(a>>32, a<<32, uint64(y.bits))
	return I32F32{int64(q)}, true
}

// CheckedDiv returns x/y and true, or zero and false if y is zero or the
// quotient does not fit.
func (x I32F32) CheckedDiv(y I32F32) (I32F32, bool) {
	if y.bits == 0 {
		return I32F32{}, false
	}
	return x.div(y)
}

func (x I32F32) div(y I32F32) (I32F32, bool) {
	neg := (x.bits < 0) != (y.bits < 0)
	a, b := abs64(x.bits), abs64(y.bits)
	// The dividend a*2^32 spans 96 bits: hi = a>>32, lo = a<<32. When
	// hi < b (the usual case) the quotient fits 64 bits and one hardware
	// division does.
	qh, r := uint64(0), a>>32
	if r >= b {
		qh, r = r/b, r%b
	}
	ql, _ := bits.Div64(r, a<<32, b)
	q := int64(ql)
	if neg {
		q = -q
	}
	ok := qh == 0 && (ql>>63 == 0 || (neg && ql == 1<<63))
	return I32F32{q}, ok
}

func abs64(v int64) uint64 {
	if v < 0 {
		return -uint64(v)
	}
	return uint64(v)
}

// Floor returns the largest integer not greater than x.
func (x I32F32) Floor() I32F32 { return I32F32{x.bits >> 32 << 32} }

// Round returns x rounded to the nearest integer, ties away from zero.
func (x I32F32) Round() I32F32 {
	const half = 1 << 31
	if x.bits >= 0 {
		return I32F32{(x.bits + half) >> 32 << 32}
	}
	return I32F32{-((-x.bits + half) >> 32 << 32)}
}

// ToU16 returns floor(x) converted to uint16, wrapping when out of range
// (the reference's to_num::<u16>() in a release build).
func (x I32F32) ToU16() uint16 { return uint16(x.bits >> 32) }

// ToU64 returns floor(x) converted to uint64, wrapping when negative.
func (x I32F32) ToU64() uint64 { return uint64(x.bits >> 32) }

// ToI64F64 converts x exactly.
func (x I32F32) ToI64F64() I64F64 { return I64F64{i128FromInt64(x.bits).shl(32)} }

// ToI96F32 converts x exactly.
func (x I32F32) ToI96F32() I96F32 { return I96F32{i128FromInt64(x.bits)} }

// String returns the exact decimal value of x.
func (x I32F32) String() string { return decimal(i128FromInt64(x.bits), 32) }

// SumI32F32 returns the wrapping sum of xs (the reference's iter().sum()).
func SumI32F32(xs []I32F32) I32F32 {
	var s int64
	for _, x := range xs {
		s += x.bits
	}
	return I32F32{s}
}
