package fixed

// I110F18 is a signed fixed-point number with 110 integer and 18 fractional
// bits (128 bits in all): the value is bits/2^18. The reference uses it for
// the difficulty and burn adjustment, where 18 fractional bits make small
// smoothing factors round to zero. The zero value is 0.
type I110F18 struct {
	v i128
}

const fracI110F18 = 18

// I110F18FromBits returns the I110F18 whose raw 128-bit two's complement
// bits are hi:lo.
func I110F18FromBits(hi int64, lo uint64) I110F18 { return I110F18{i128{lo: lo, hi: uint64(hi)}} }

// NewI110F18 returns the integer n as an I110F18 (always exact).
func NewI110F18(n int64) I110F18 { return I110F18{i128FromInt64(n).shl(fracI110F18)} }

// I110F18FromUint64 returns n as an I110F18 (always exact).
func I110F18FromUint64(n uint64) I110F18 { return I110F18{i128{lo: n}.shl(fracI110F18)} }

// Bits returns the raw 128-bit two's complement bits as hi:lo.
func (x I110F18) Bits() (hi int64, lo uint64) { return int64(x.v.hi), x.v.lo }

// Cmp returns -1, 0 or +1 as x is less than, equal to or greater than y.
func (x I110F18) Cmp(y I110F18) int { return x.v.cmp(y.v) }

// Add returns x+y, wrapping on overflow.
func (x I110F18) Add(y I110F18) I110F18 { return I110F18{x.v.add(y.v)} }

// Sub returns x-y, wrapping on overflow.
func (x I110F18) Sub(y I110F18) I110F18 { return I110F18{x.v.sub(y.v)} }

// Mul returns x*y: floor(x_bits*y_bits / 2^18), wrapped to 128 bits.
func (x I110F18) Mul(y I110F18) I110F18 {
	p, _ := mulShr(x.v, y.v, fracI110F18)
	return I110F18{p}
}

// Div returns x/y: trunc(x_bits*2^18 / y_bits), wrapped to 128 bits.
// It panics if y is zero, as the reference does.
func (x I110F18) Div(y I110F18) I110F18 {
	if y.v.isZero() {
		panic("fixed: I110F18 division by zero")
	}
	q, _ := divShl(x.v, y.v, fracI110F18)
	return I110F18{q}
}

// ToU64 returns floor(x) converted to uint64, wrapping when out of range.
func (x I110F18) ToU64() uint64 { return x.v.shr(fracI110F18).lo }

// String returns the exact decimal value of x.
func (x I110F18) String() string { return decimal(x.v, fracI110F18) }
