package neuron

import (
	"math"
	"testing"
)

func TestProcessWeights(t *testing.T) {
	tests := []struct {
		name       string
		scores     []float64
		minAllowed int
		maxWeight  float64
		want       []float64 // nil: nothing to set
	}{
		{"normalised", []float64{0, 1, 3}, 1, 1, []float64{0, 0.25, 0.75}},
		{"no positive score", []float64{0, 0, 0}, 1, 1, nil},
		{"bad values count as 0", []float64{math.NaN(), -1, math.Inf(1), 2}, 1, 1, []float64{0, 0, 0, 1}},
		{"too few: everyone gets a little", []float64{0, 0, 1, 0}, 3, 1,
			[]float64{1e-5 / (1 + 4e-5), 1e-5 / (1 + 4e-5), (1 + 1e-5) / (1 + 4e-5), 1e-5 / (1 + 4e-5)}},
		{"min above n", []float64{1, 1}, 10, 1, []float64{0.5, 0.5}},
		{"capped", []float64{8, 1, 1}, 1, 0.5, []float64{0.5, 0.25, 0.25}},
		{"capped twice", []float64{10, 9, 1, 0}, 1, 0.4, []float64{0.4, 0.4, 0.2, 0}},
		{"cap cannot be met", []float64{5, 1, 0}, 1, 0.3, []float64{0.5, 0.5, 0}},
		{"cap met exactly", []float64{5, 1}, 1, 0.5, []float64{0.5, 0.5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ProcessWeights(tc.scores, tc.minAllowed, tc.maxWeight)
			if tc.want == nil {
				if got != nil {
					t.Fatalf("got %v, want nil", got)
				}
				return
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			sum := 0.0
			for i := range got {
				sum += got[i]
				if math.Abs(got[i]-tc.want[i]) > 1e-9 {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
				if got[i] > tc.maxWeight+1e-12 && tc.name != "cap cannot be met" {
					t.Errorf("weight %v above the cap %v", got[i], tc.maxWeight)
				}
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("weights sum to %v", sum)
			}
		})
	}
}
