package tensor

import (
	"encoding/binary"
	"math"
)

// num is one element read from or written to a buffer: an integer or a
// float, kept exactly.
type num struct {
	i       int64
	f       float64
	isFloat bool
}

func (n num) float() float64 {
	if n.isFloat {
		return n.f
	}
	return float64(n.i)
}

func (n num) int() int64 {
	if n.isFloat {
		return int64(n.f)
	}
	return n.i
}

func numOf[T Element](v T) num {
	switch x := any(v).(type) {
	case float32:
		return num{f: float64(x), isFloat: true}
	case float64:
		return num{f: x, isFloat: true}
	case uint8:
		return num{i: int64(x)}
	case int8:
		return num{i: int64(x)}
	case int16:
		return num{i: int64(x)}
	case int32:
		return num{i: int64(x)}
	case int64:
		return num{i: x}
	case bool:
		if x {
			return num{i: 1}
		}
		return num{}
	}
	panic("unreachable: Element is a closed set of types")
}

func convert[T Element](n num) T {
	var out T
	switch p := any(&out).(type) {
	case *float32:
		*p = float32(n.float())
	case *float64:
		*p = n.float()
	case *uint8:
		*p = uint8(n.int())
	case *int8:
		*p = int8(n.int())
	case *int16:
		*p = int16(n.int())
	case *int32:
		*p = int32(n.int())
	case *int64:
		*p = n.int()
	case *bool:
		*p = n.float() != 0
	}
	return out
}

// element reads one little-endian element of dtype d from the start of b.
func element(b []byte, d Dtype) num {
	switch d {
	case Float16:
		return num{f: float64(HalfToFloat32(binary.LittleEndian.Uint16(b))), isFloat: true}
	case Float32:
		return num{f: float64(math.Float32frombits(binary.LittleEndian.Uint32(b))), isFloat: true}
	case Float64:
		return num{f: math.Float64frombits(binary.LittleEndian.Uint64(b)), isFloat: true}
	case Uint8:
		return num{i: int64(b[0])}
	case Int8:
		return num{i: int64(int8(b[0]))}
	case Int16:
		return num{i: int64(int16(binary.LittleEndian.Uint16(b)))}
	case Int32:
		return num{i: int64(int32(binary.LittleEndian.Uint32(b)))}
	case Int64:
		return num{i: int64(binary.LittleEndian.Uint64(b))}
	case Bool:
		if b[0] != 0 {
			return num{i: 1}
		}
		return num{}
	}
	return num{}
}

// putElement writes n as one little-endian element of dtype d at the start of b.
func putElement(b []byte, d Dtype, n num) {
	switch d {
	case Float16:
		binary.LittleEndian.PutUint16(b, Float32ToHalf(float32(n.float())))
	case Float32:
		binary.LittleEndian.PutUint32(b, math.Float32bits(float32(n.float())))
	case Float64:
		binary.LittleEndian.PutUint64(b, math.Float64bits(n.float()))
	case Uint8, Int8:
		b[0] = byte(n.int())
	case Int16:
		binary.LittleEndian.PutUint16(b, uint16(n.int()))
	case Int32:
		binary.LittleEndian.PutUint32(b, uint32(n.int()))
	case Int64:
		binary.LittleEndian.PutUint64(b, uint64(n.int()))
	case Bool:
		if n.float() != 0 {
			b[0] = 1
		} else {
			b[0] = 0
		}
	}
}

// HalfToFloat32 widens an IEEE 754 half-precision value (its bits) to float32
// exactly.
func HalfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // inf or NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp == 0:
		if frac == 0 {
			return math.Float32frombits(sign)
		}
		// Subnormal half: frac * 2^-24.
		f := float32(frac) * (1.0 / (1 << 24))
		if sign != 0 {
			f = -f
		}
		return f
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}

// Float32ToHalf narrows f to IEEE 754 half precision, rounding to nearest
// with ties to even; out-of-range values become infinities, NaN stays NaN.
func Float32ToHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	frac := b & 0x7fffff
	if exp == 0xff {
		if frac != 0 {
			return sign | 0x7e00 // quiet NaN
		}
		return sign | 0x7c00
	}
	e := exp - 127 + 15
	if e >= 0x1f {
		return sign | 0x7c00
	}
	if e <= 0 {
		if e < -10 {
			return sign // underflows to zero
		}
		// Subnormal: shift the implicit-1 mantissa into place and round.
		m := frac | 0x800000
		shift := uint32(14 - e)
		half := uint32(1) << (shift - 1)
		v := m >> shift
		rem := m & (1<<shift - 1)
		if rem > half || (rem == half && v&1 == 1) {
			v++
		}
		return sign | uint16(v)
	}
	v := uint32(e)<<10 | frac>>13
	rem := frac & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && v&1 == 1) {
		v++ // may carry into the exponent, which is still correct (up to inf)
	}
	return sign | uint16(v)
}
