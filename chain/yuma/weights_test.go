package yuma

import (
	"math"
	"slices"
	"testing"

	"github.com/go-bittensor/bittensor/chain/fixed"
)

// fromF32 is the reference's I32F32::from_num(f32): the float's exact value
// rounded to the nearest 2^-32, ties to even (test helper only).
func fromF32(vs ...float32) []fixed.I32F32 {
	out := make([]fixed.I32F32, len(vs))
	for i, v := range vs {
		out[i] = fixed.I32F32FromBits(int64(math.RoundToEven(float64(v) * (1 << 32))))
	}
	return out
}

func ints(vs ...int64) []fixed.I32F32 {
	out := make([]fixed.I32F32, len(vs))
	for i, v := range vs {
		out[i] = fixed.NewI32F32(v)
	}
	return out
}

// The reference's test_vec_max_upscale_to_u16 cases.
func TestMaxUpscaleU16(t *testing.T) {
	maxI32F32 := fixed.I32F32FromBits(math.MaxInt64)
	for _, tt := range []struct {
		in   []fixed.I32F32
		want []uint16
	}{
		{nil, []uint16{}},
		{fromF32(0), []uint16{0}},
		{fromF32(0, 0), []uint16{0, 0}},
		{fromF32(0, 1), []uint16{0, 65535}},
		{fromF32(0, 0.000000001), []uint16{0, 65535}},
		{fromF32(0, 0.000016, 1), []uint16{0, 1, 65535}},
		{fromF32(0.000000001, 0.000000001), []uint16{65535, 65535}},
		// From f32 inputs, rounded to nearest in I32F32.
		{fromF32(0.000001, 0.000006, 0.000007, 0.0001, 0.001, 0.01, 0.1, 0.2, 0.3, 0.4),
			[]uint16{0, 1, 1, 16, 164, 1638, 16384, 32768, 49151, 65535}},
		{ints(16384), []uint16{65535}},
		{ints(32768), []uint16{65535}},
		{ints(32769), []uint16{65535}},
		{ints(65535), []uint16{65535}},
		{[]fixed.I32F32{maxI32F32}, []uint16{65535}},
		{fromF32(0, 1, 65535), []uint16{0, 1, 65535}},
		{fromF32(0, 0.5, 1, 1.5, 2, 32768), []uint16{0, 1, 2, 3, 4, 65535}},
		{fromF32(0, 0.5, 1, 1.5, 2, 32768, 32769), []uint16{0, 1, 2, 3, 4, 65533, 65535}},
		{append(ints(0, 1, 32768, 32769), maxI32F32), []uint16{0, 0, 1, 1, 65535}},
	} {
		if got := MaxUpscaleU16(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("MaxUpscaleU16(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// set_weights' upscaling ([43690, 21845] → [65535, 32768]) and the
// reference's test_vec_u16_max_upscale_to_u16.
func TestUpscaleWeights(t *testing.T) {
	for _, tt := range []struct{ in, want []uint16 }{
		{[]uint16{1}, []uint16{65535}},
		{[]uint16{43690, 21845}, []uint16{65535, 32768}},
		{[]uint16{32767, 32767}, []uint16{65535, 65535}},
		{[]uint16{16383, 32767, 49149, 65535}, []uint16{16383, 32767, 49149, 65535}},
		{[]uint16{0, 0, 0}, []uint16{0, 0, 0}},
		{[]uint16{}, []uint16{}},
		{[]uint16{0, 1}, []uint16{0, 65535}},
		{[]uint16{65534}, []uint16{65535}},
		{[]uint16{0, 1, 65534}, []uint16{0, 1, 65535}},
		{[]uint16{0, 1, 2, 3, 4, 65533, 65535}, []uint16{0, 1, 2, 3, 4, 65533, 65535}},
	} {
		if got := UpscaleWeights(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("UpscaleWeights(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// The max-weight check of set_weights and the reference's
// test_check_vec_max_limited.
func TestWithinMaxWeightLimit(t *testing.T) {
	const m = math.MaxUint16
	for _, tt := range []struct {
		w     []uint16
		limit uint16
		want  bool
	}{
		{nil, 0, true},
		{nil, m, true},
		{[]uint16{m}, m, true},
		{[]uint16{m}, m - 1, false},
		{[]uint16{m}, 0, false},
		{[]uint16{0}, m, true},
		{[]uint16{0, m}, m, true},
		{[]uint16{0, m, m}, m / 2, false},
		{[]uint16{0, m, m}, m/2 + 1, true},
		{[]uint16{0, m, m, m}, m/3 - 1, false},
		{[]uint16{0, m, m, m}, m / 3, true},
	} {
		if got := WithinMaxWeightLimit(tt.w, tt.limit); got != tt.want {
			t.Errorf("WithinMaxWeightLimit(%v, %d) = %v, want %v", tt.w, tt.limit, got, tt.want)
		}
	}
	// The normalisation itself: each weight over the sum, truncated.
	got := NormalizeU16([]uint16{1, 2, 3, 4})
	want := []int64{429496729, 858993459, 1288490188, 1717986918}
	for i := range want {
		if got[i].Bits() != want[i] {
			t.Errorf("NormalizeU16: bits %d, want %d", got[i].Bits(), want[i])
		}
	}
}
