package subtensor

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestConvertWeights(t *testing.T) {
	tests := []struct {
		uids    []uint16
		weights []float64
		wantU   []uint16
		wantW   []uint16
	}{
		{[]uint16{0, 1, 2}, []float64{0.5, 0.25, 0}, []uint16{0, 1}, []uint16{65535, 32768}},
		{[]uint16{4}, []float64{0.1}, []uint16{4}, []uint16{65535}},
		{[]uint16{1, 2}, []float64{0, 0}, []uint16{}, []uint16{}},
		// 1/131070·65535 = 0.5 rounds to even (0, dropped); 3/131070 → 1.5 → 2.
		{[]uint16{0, 1, 2}, []float64{1, 1.0 / 131070, 3.0 / 131070}, []uint16{0, 2}, []uint16{65535, 2}},
	}
	for i, tt := range tests {
		u, w, err := ConvertWeights(tt.uids, tt.weights)
		if err != nil || !slices.Equal(u, tt.wantU) || !slices.Equal(w, tt.wantW) {
			t.Errorf("case %d: %v %v %v, want %v %v", i, u, w, err, tt.wantU, tt.wantW)
		}
	}
	for _, bad := range [][]float64{{-1}, {math.NaN()}, {math.Inf(1)}, {1, 2}} {
		if _, _, err := ConvertWeights([]uint16{0}, bad); !errors.Is(err, ErrBadWeights) {
			t.Errorf("%v: %v", bad, err)
		}
	}
}

func TestPowProgressLine(t *testing.T) {
	p := PowProgress{Block: 42, Difficulty: 1000, HashRate: 2_410_000, Best: [32]byte{0, 0, 0xab}, Elapsed: 3210 * time.Millisecond}
	got := p.String()
	for _, want := range []string{"block 42", "2.41 MH/s", "best 0x0000ab000000…", "difficulty 1000", "3.2s"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
}
