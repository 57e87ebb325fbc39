package ngram

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestTables checks the generated tables against float64 math: they must
// agree to within one unit in the last place of the fixed-point value.
func TestTables(t *testing.T) {
	n := float64(int(1) << tableBits)
	for i := range log2Table {
		want := math.Log2(1+float64(i)/n) * (1 << 32)
		if d := math.Abs(float64(log2Table[i]) - want); d > 1 {
			t.Fatalf("log2Table[%d] = %d, want %.1f", i, log2Table[i], want)
		}
	}
	for i := range exp2Table {
		want := math.Exp2(float64(i)/n) * (1 << 40)
		if d := math.Abs(float64(exp2Table[i]) - want); d > want*1e-15+1 {
			t.Fatalf("exp2Table[%d] = %d, want %.1f", i, exp2Table[i], want)
		}
	}
}

func TestLog2Q62(t *testing.T) {
	tests := []struct {
		x    uint64
		want float64
	}{
		{one62, 0},
		{one62 / 2, -1},
		{one62 / 1024, -10},
		{1, -62},
		{3 << 59, math.Log2(0.375)},
		{one62 - 1, math.Log2(1 - 1.0/float64(one62))},
	}
	for _, tt := range tests {
		got := float64(log2Q62(tt.x)) / (1 << 32)
		if math.Abs(got-tt.want) > 2e-8 {
			t.Errorf("log2Q62(%#x) = %v, want %v", tt.x, got, tt.want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		x := r.Uint64N(one62) + 1
		want := math.Log2(float64(x) / float64(one62))
		if got := float64(log2Q62(x)) / (1 << 32); math.Abs(got-want) > 2e-8 {
			t.Fatalf("log2Q62(%#x) = %v, want %v", x, got, want)
		}
	}
}

func TestExp2Q40(t *testing.T) {
	tests := []struct {
		e    int64
		want uint64
	}{
		{0, one40},
		{-1 << 32, one40 / 2},
		{-40 << 32, 1},
		{-41 << 32, 0},
		{math.MinInt64 / 2, 0},
	}
	for _, tt := range tests {
		if got := exp2Q40(tt.e); got != tt.want {
			t.Errorf("exp2Q40(%d) = %d, want %d", tt.e, got, tt.want)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 10000 {
		e := -r.Int64N(30 << 32)
		want := math.Exp2(float64(e)/(1<<32)) * float64(one40)
		got := float64(exp2Q40(e))
		if math.Abs(got-want) > want*1e-8+1 {
			t.Fatalf("exp2Q40(%d) = %v, want %v", e, got, want)
		}
	}
}

func TestPowQ62(t *testing.T) {
	tests := []struct {
		p  float64
		tq int64
	}{
		{0.5, 1000}, {0.5, 500}, {0.5, 2000}, {0.01, 700}, {1e-6, 1300}, {0.999, 100}, {1, 250},
	}
	for _, tt := range tests {
		p := uint64(tt.p * float64(one62))
		want := math.Pow(tt.p, 1000/float64(tt.tq))
		got := float64(powQ62(p, tt.tq)) / float64(one40)
		if math.Abs(got-want) > want*1e-7+1e-12 {
			t.Errorf("powQ62(%v, %d) = %v, want %v", tt.p, tt.tq, got, want)
		}
	}
	if got := powQ62(0, 700); got != 0 {
		t.Errorf("powQ62(0) = %d, want 0", got)
	}
	// Monotone in p, which sampling relies on to keep the order of words.
	prev := uint64(0)
	for i := uint64(1); i <= 1000; i++ {
		q := powQ62(i*(one62/1000), 700)
		if q < prev {
			t.Fatalf("powQ62 not monotone at %d/1000: %d < %d", i, q, prev)
		}
		prev = q
	}
}

func TestMulHelpers(t *testing.T) {
	if got := mulQ62(one62, one62/3); got != one62/3 {
		t.Errorf("mulQ62(1, 1/3) = %d, want %d", got, one62/3)
	}
	if got := mulQ40(one40/2, one40/2); got != one40/4 {
		t.Errorf("mulQ40(1/2, 1/2) = %d, want %d", got, one40/4)
	}
	if got := mulDiv(1<<63, 6, 4); got != 3<<62 {
		t.Errorf("mulDiv(2^63, 6, 4) = %d, want %d", got, uint64(3)<<62)
	}
}

func TestUintN(t *testing.T) {
	// Pinned outputs: the mapping from a seed to draws is part of the model's
	// definition, so a change here must come with a new model version.
	rng := rand.NewPCG(42, seedStream)
	for i, tt := range []struct{ n, want uint64 }{{10, 8}, {1000, 41}, {1 << 40, 838551389955}, {3, 0}} {
		if got := uintN(rng, tt.n); got != tt.want {
			t.Errorf("draw %d: uintN(%d) = %d, want %d", i, tt.n, got, tt.want)
		}
	}
	// Uniformity over a small range.
	var counts [7]int
	for range 70000 {
		counts[uintN(rng, 7)]++
	}
	for i, c := range counts {
		if c < 9500 || c > 10500 {
			t.Errorf("uintN(7) gave %d %d times in 70000 draws, want about 10000", i, c)
		}
	}
}
