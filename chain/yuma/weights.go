package yuma

// This file holds the vector rules that set_weights and the epoch share:
// max-upscaling to u16 (the reference's vec_u16_max_upscale_to_u16,
// math.rs) and the normalised max-weight check (max_weight_limited,
// weights.rs).

import "github.com/go-bittensor/bittensor/chain/fixed"

// MaxUpscaleU16 scales v so that its largest value becomes 65535 and
// converts to u16, rounding to nearest (ties away from zero), exactly as the
// reference's vec_max_upscale_to_u16: with m = max(v), all zeros stay zero;
// if m > 32768 each value is round(v_i * (65535/m)); otherwise it is
// round((v_i*65535) / m). Values are expected to be non-negative.
func MaxUpscaleU16(v []fixed.I32F32) []uint16 {
	out := make([]uint16, len(v))
	maxUpscaleInto(v, out)
	return out
}

func maxUpscaleInto(v []fixed.I32F32, out []uint16) {
	if len(v) == 0 {
		return
	}
	m := v[0]
	for _, x := range v[1:] {
		if m.Cmp(x) < 0 {
			m = x
		}
	}
	switch {
	case m.IsZero():
		for i, x := range v {
			out[i] = x.Mul(u16Mx).ToU16()
		}
	case m.Cmp(fixed.NewI32F32(32768)) > 0:
		ratio := u16Mx.Div(m)
		for i, x := range v {
			out[i] = x.Mul(ratio).Round().ToU16()
		}
	default:
		for i, x := range v {
			out[i] = x.Mul(u16Mx).Div(m).Round().ToU16()
		}
	}
}

// UpscaleWeights returns the weights as set_weights stores them: the u16
// values read as integers and max-upscaled so the largest is 65535 (the
// reference's vec_u16_max_upscale_to_u16). For example [43690, 21845]
// becomes [65535, 32768]; all-zero weights stay zero.
func UpscaleWeights(w []uint16) []uint16 {
	v := make([]fixed.I32F32, len(w))
	for i, x := range w {
		v[i] = fixed.NewI32F32(int64(x))
	}
	return MaxUpscaleU16(v)
}

// NormalizeU16 returns w_i / Σw in I32F32 (w unchanged, as integers, when
// the sum is zero): the normalisation of the max-weight-limit check.
func NormalizeU16(w []uint16) []fixed.I32F32 {
	v := make([]fixed.I32F32, len(w))
	for i, x := range w {
		v[i] = fixed.NewI32F32(int64(x))
	}
	normalize(v)
	return v
}

// WithinMaxWeightLimit reports whether the largest of the normalised weights
// is at most limit/65535 (the reference's check_vec_max_limited; set_weights
// fails with MaxWeightExceeded otherwise). Empty weights are within any
// limit.
func WithinMaxWeightLimit(w []uint16, limit uint16) bool {
	bound := fixed.NewI32F32(int64(limit)).Div(u16Mx)
	for _, x := range NormalizeU16(w) {
		if x.Cmp(bound) > 0 {
			return false
		}
	}
	return true
}
