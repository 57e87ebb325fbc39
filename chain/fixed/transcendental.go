package fixed

import "errors"

// ErrOverflow is returned when a result does not fit its type. The reference
// runtime panics (halting block production) where this package returns
// ErrOverflow; callers must refuse the parameters that lead there.
var ErrOverflow = errors.New("fixed: overflow")

// ErrDomain is returned for an argument outside a function's domain, such as
// the logarithm of a non-positive number.
var ErrDomain = errors.New("fixed: argument out of domain")

// eI9F23Bits is the constant e as substrate-fixed stores it for its
// transcendental functions: I9F23, i.e. floor(e * 2^23).
const eI9F23Bits = 22802600

// ExpI64F64 returns e^x in I64F64, computed exactly as substrate-fixed's
// transcendental::exp::<I64F64, I64F64>:
//
//   - x == 0 gives 1, and x == 1 exactly gives the low-precision constant e
//     (I9F23, 22802600/2^23);
//   - otherwise, with a = |x|: result = 1 + a, term = a, and for i = 2..63
//     term = (term*a)/i and result += term, each step checked;
//   - for x < 0 the result is 1/result.
//
// Where the reference fails (an intermediate overflows, which happens for
// |x| above about 40), ExpI64F64 returns ErrOverflow.
func ExpI64F64(x I64F64) (I64F64, error) {
	one := NewI64F64(1)
	if x.IsZero() {
		return one, nil
	}
	if x.Cmp(one) == 0 {
		return I64F64{i128FromInt64(eI9F23Bits).shl(fracI64F64 - 23)}, nil
	}
	neg := x.Sign() < 0
	if neg {
		x = x.Neg()
	}
	result := x.Add(one)
	term := x
	for i := int64(2); i < fracI64F64; i++ {
		var ok bool
		if term, ok = term.CheckedMul(x); !ok {
			return I64F64{}, ErrOverflow
		}
		if term, ok = term.CheckedDiv(NewI64F64(i)); !ok {
			return I64F64{}, ErrOverflow
		}
		if result, ok = result.CheckedAdd(term); !ok {
			return I64F64{}, ErrOverflow
		}
	}
	if neg {
		var ok bool
		if result, ok = one.CheckedDiv(result); !ok {
			return I64F64{}, ErrOverflow
		}
	}
	return result, nil
}

// Log2 returns the base-2 logarithm of x, computed exactly as substrate-fixed's
// transcendental::log2::<I96F32, I96F32>: the integer part counts halvings
// with a rounding right shift while x >= 2, and each of the 32 fractional
// bits comes from squaring. It returns ErrDomain for x <= 0 and ErrOverflow
// where the reference would panic (1/x overflowing for a tiny x).
func (x I96F32) Log2() (I96F32, error) {
	if x.v.sign() <= 0 {
		return I96F32{}, ErrDomain
	}
	one := NewI96F32(1)
	if x.Cmp(one) < 0 {
		inv, ok := divShl(one.v, x.v, fracI96F32)
		if !ok {
			return I96F32{}, ErrOverflow
		}
		return I96F32{log2Inner(inv).neg()}, nil
	}
	return I96F32{log2Inner(x.v)}, nil
}

// log2Inner is substrate-fixed's log2_inner for x >= 1 in I96F32 bits.
func log2Inner(x i128) i128 {
	one, two := i128FromInt64(1<<fracI96F32), i128FromInt64(2<<fracI96F32)
	var result i128
	lsb := i128FromInt64(1)
	// rs is the rounding right shift: (x >> 1) + (x & 1).
	rs := func(v i128) i128 { return v.shr(1).add(i128{lo: v.lo & 1}) }
	for x.cmp(two) >= 0 {
		result = result.add(lsb)
		x = rs(x)
	}
	if x.cmp(one) == 0 {
		return result.shl(fracI96F32)
	}
	for i := 0; i < fracI96F32; i++ {
		x, _ = mulShr(x, x, fracI96F32)
		result = result.shl(1)
		if x.cmp(two) >= 0 {
			result.lo |= 1
			x = rs(x)
		}
	}
	return result
}
