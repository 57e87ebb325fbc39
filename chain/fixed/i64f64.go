package fixed

// I64F64 is a signed fixed-point number with 64 integer and 64 fractional
// bits (128 bits in all): the value is bits/2^64, in [-2^63, 2^63).
// The zero value is 0.
type I64F64 struct {
	v i128
}

const fracI64F64 = 64

// I64F64FromBits returns the I64F64 whose raw 128-bit two's complement bits
// are hi:lo.
func I64F64FromBits(hi int64, lo uint64) I64F64 { return I64F64{i128{lo: lo, hi: uint64(hi)}} }

// NewI64F64 returns the integer n as an I64F64 (always exact).
func NewI64F64(n int64) I64F64 { return I64F64{i128FromInt64(n).shl(fracI64F64)} }

// I64F64FromUint64 returns n as an I64F64. Values of 2^63 and above do not
// fit and wrap, as the reference's from_num does in a release build.
func I64F64FromUint64(n uint64) I64F64 { return I64F64{i128{lo: 0, hi: n}} }

// Bits returns the raw 128-bit two's complement bits as hi:lo.
func (x I64F64) Bits() (hi int64, lo uint64) { return int64(x.v.hi), x.v.lo }

// IsZero reports whether x == 0.
func (x I64F64) IsZero() bool { return x.v.isZero() }

// Sign returns -1, 0 or +1.
func (x I64F64) Sign() int { return x.v.sign() }

// Cmp returns -1, 0 or +1 as x is less than, equal to or greater than y.
func (x I64F64) Cmp(y I64F64) int { return x.v.cmp(y.v) }

// Add returns x+y, wrapping on overflow.
func (x I64F64) Add(y I64F64) I64F64 { return I64F64{x.v.add(y.v)} }

// CheckedAdd returns x+y and whether it fitted.
func (x I64F64) CheckedAdd(y I64F64) (I64F64, bool) {
	s, ok := x.v.addChecked(y.v)
	return I64F64{s}, ok
}

// Sub returns x-y, wrapping on overflow.
func (x I64F64) Sub(y I64F64) I64F64 { return I64F64{x.v.sub(y.v)} }

// Neg returns -x, wrapping for the minimum value.
func (x I64F64) Neg() I64F64 { return I64F64{x.v.neg()} }

// Mul returns x*y: floor(x_bits*y_bits / 2^64), wrapped to 128 bits.
func (x I64F64) Mul(y I64F64) I64F64 {
	p, _ := mulShr(x.v, y.v, fracI64F64)
	return I64F64{p}
}

// CheckedMul returns x*y and true, or zero and false if it does not fit.
func (x I64F64) CheckedMul(y I64F64) (I64F64, bool) {
	p, ok := mulShr(x.v, y.v, fracI64F64)
	if !ok {
		return I64F64{}, false
	}
	return I64F64{p}, true
}

// Div returns x/y: trunc(x_bits*2^64 / y_bits), wrapped to 128 bits.
// It panics if y is zero, as the reference does.
func (x I64F64) Div(y I64F64) I64F64 {
	if y.v.isZero() {
		panic("fixed: I64F64 division by zero")
	}
	q, _ := divShl(x.v, y.v, fracI64F64)
	return I64F64{q}
}

// CheckedDiv returns x/y and true, or zero and false if y is zero or the
// quotient does not fit.
func (x I64F64) CheckedDiv(y I64F64) (I64F64, bool) {
	if y.v.isZero() {
		return I64F64{}, false
	}
	q, ok := divShl(x.v, y.v, fracI64F64)
	if !ok {
		return I64F64{}, false
	}
	return I64F64{q}, true
}

// ToI32F32 drops the 32 lowest fractional bits (floor) and wraps the result
// to 64 bits, like the reference's I32F32::from_num(I64F64).
func (x I64F64) ToI32F32() I32F32 { return I32F32{int64(x.v.shr(32).lo)} }

// ToU64 returns floor(x) converted to uint64, wrapping when out of range.
func (x I64F64) ToU64() uint64 { return x.v.hi }

// String returns the exact decimal value of x.
func (x I64F64) String() string { return decimal(x.v, fracI64F64) }
