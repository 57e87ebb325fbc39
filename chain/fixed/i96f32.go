package fixed

// I96F32 is a signed fixed-point number with 96 integer and 32 fractional
// bits (128 bits in all): the value is bits/2^32, in [-2^95, 2^95). It is
// what the reference uses to turn proportions into RAO amounts.
// The zero value is 0.
type I96F32 struct {
	v i128
}

const fracI96F32 = 32

// I96F32FromBits returns the I96F32 whose raw 128-bit two's complement bits
// are hi:lo.
func I96F32FromBits(hi int64, lo uint64) I96F32 { return I96F32{i128{lo: lo, hi: uint64(hi)}} }

// NewI96F32 returns the integer n as an I96F32 (always exact).
func NewI96F32(n int64) I96F32 { return I96F32{i128FromInt64(n).shl(fracI96F32)} }

// I96F32FromUint64 returns n as an I96F32 (always exact).
func I96F32FromUint64(n uint64) I96F32 { return I96F32{i128{lo: n}.shl(fracI96F32)} }

// Bits returns the raw 128-bit two's complement bits as hi:lo.
func (x I96F32) Bits() (hi int64, lo uint64) { return int64(x.v.hi), x.v.lo }

// IsZero reports whether x == 0.
func (x I96F32) IsZero() bool { return x.v.isZero() }

// Cmp returns -1, 0 or +1 as x is less than, equal to or greater than y.
func (x I96F32) Cmp(y I96F32) int { return x.v.cmp(y.v) }

// Add returns x+y, wrapping on overflow.
func (x I96F32) Add(y I96F32) I96F32 { return I96F32{x.v.add(y.v)} }

// Sub returns x-y, wrapping on overflow.
func (x I96F32) Sub(y I96F32) I96F32 { return I96F32{x.v.sub(y.v)} }

// Neg returns -x, wrapping for the minimum value.
func (x I96F32) Neg() I96F32 { return I96F32{x.v.neg()} }

// Mul returns x*y: floor(x_bits*y_bits / 2^32), wrapped to 128 bits.
func (x I96F32) Mul(y I96F32) I96F32 {
	p, _ := mulShr(x.v, y.v, fracI96F32)
	return I96F32{p}
}

// Div returns x/y: trunc(x_bits*2^32 / y_bits), wrapped to 128 bits.
// It panics if y is zero, as the reference does.
func (x I96F32) Div(y I96F32) I96F32 {
	if y.v.isZero() {
		panic("fixed: I96F32 division by zero")
	}
	q, _ := divShl(x.v, y.v, fracI96F32)
	return I96F32{q}
}

// SaturatingSub returns x-y, clamped to the range of I96F32.
func (x I96F32) SaturatingSub(y I96F32) I96F32 {
	d, ok := x.v.subChecked(y.v)
	if !ok {
		return i96Bound(!x.v.isNeg())
	}
	return I96F32{d}
}

// SaturatingMul returns x*y, clamped to the range of I96F32.
func (x I96F32) SaturatingMul(y I96F32) I96F32 {
	p, ok := mulShr(x.v, y.v, fracI96F32)
	if !ok {
		return i96Bound(x.v.isNeg() == y.v.isNeg())
	}
	return I96F32{p}
}

// SaturatingDiv returns x/y, clamped to the range of I96F32. It panics if y
// is zero, as the reference does.
func (x I96F32) SaturatingDiv(y I96F32) I96F32 {
	if y.v.isZero() {
		panic("fixed: I96F32 division by zero")
	}
	q, ok := divShl(x.v, y.v, fracI96F32)
	if !ok {
		return i96Bound(x.v.isNeg() == y.v.isNeg())
	}
	return I96F32{q}
}

// i96Bound returns the largest value if max, else the smallest.
func i96Bound(max bool) I96F32 {
	if max {
		return I96F32{i128{lo: ^uint64(0), hi: 1<<63 - 1}}
	}
	return I96F32{i128{lo: 0, hi: 1 << 63}}
}

// Floor returns the largest integer not greater than x.
func (x I96F32) Floor() I96F32 { return I96F32{x.v.shr(fracI96F32).shl(fracI96F32)} }

// ToU64 returns floor(x) converted to uint64, wrapping when out of range.
func (x I96F32) ToU64() uint64 { return x.v.shr(fracI96F32).lo }

// String returns the exact decimal value of x.
func (x I96F32) String() string { return decimal(x.v, fracI96F32) }
