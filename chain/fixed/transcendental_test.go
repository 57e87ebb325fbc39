package fixed

import (
	"errors"
	"math"
	"math/big"
	"testing"
)

// toFloat converts exactly-representable test values for comparisons with
// the math package (tests only; the package itself never uses floats).
func i64f64Float(x I64F64) float64 {
	f, _ := new(big.Float).Quo(new(big.Float).SetInt(bigOf128(x.v)), new(big.Float).SetInt(new(big.Int).Lsh(big.NewInt(1), 64))).Float64()
	return f
}

func i96f32Float(x I96F32) float64 {
	f, _ := new(big.Float).Quo(new(big.Float).SetInt(bigOf128(x.v)), big.NewFloat(1<<32)).Float64()
	return f
}

// i64f64FromFrac returns n/d in I64F64 (truncated).
func i64f64FromFrac(n, d int64) I64F64 { return NewI64F64(n).Div(NewI64F64(d)) }

func TestExpSpecialCases(t *testing.T) {
	one := NewI64F64(1)
	if got, err := ExpI64F64(I64F64{}); err != nil || got != one {
		t.Errorf("exp(0) = %v, %v; want 1", got, err)
	}
	// exp(1) is the low-precision constant, not the series.
	got, err := ExpI64F64(one)
	if err != nil {
		t.Fatal(err)
	}
	if want := "2.718281745910644531250"; got.String() != want[:len(got.String())] || got.Cmp(i64f64FromFrac(22802600, 1<<23)) != 0 {
		t.Errorf("exp(1) = %s, want 22802600/2^23", got)
	}
	// Just off 1 the series is used, which is much closer to e.
	near, err := ExpI64F64(one.Add(I64F64FromBits(0, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(i64f64Float(near) - math.E); d > 1e-15 {
		t.Errorf("exp(1+2^-64) = %s, off e by %g", near, d)
	}
}

func TestExpAgainstMath(t *testing.T) {
	for _, tt := range []struct{ n, d int64 }{
		{1, 2}, {-1, 2}, {3, 1}, {-3, 1}, {12, 1}, {-12, 1}, {15, 1}, {-15, 1},
		{7, 10}, {-7, 10}, {30, 1}, {-30, 1}, {1, 1000}, {-399985, 33333},
	} {
		x := i64f64FromFrac(tt.n, tt.d)
		got, err := ExpI64F64(x)
		if err != nil {
			t.Fatalf("exp(%s): %v", x, err)
		}
		want := math.Exp(float64(tt.n) / float64(tt.d))
		// The reference stops the series after the x^63 term, which is
		// visible (about 5e-8 relative) only for |x| of 20 and more.
		tol := 1e-12
		if tt.n/tt.d >= 20 || tt.n/tt.d <= -20 {
			tol = 1e-6
		}
		if rel := math.Abs(i64f64Float(got)-want) / want; rel > tol {
			t.Errorf("exp(%s) = %s, want about %g (rel err %g)", x, got, want, rel)
		}
	}
}

func TestExpOverflow(t *testing.T) {
	// The reference panics here; we return an error.
	for _, n := range []int64{50, -50, 1000} {
		if _, err := ExpI64F64(NewI64F64(n)); !errors.Is(err, ErrOverflow) {
			t.Errorf("exp(%d): err = %v, want ErrOverflow", n, err)
		}
	}
	if _, err := ExpI64F64(NewI64F64(40)); err != nil {
		t.Errorf("exp(40): %v", err)
	}
}

func TestLog2(t *testing.T) {
	for _, tt := range []struct {
		x    I96F32
		want string
	}{
		{NewI96F32(1), "0"},
		{NewI96F32(2), "1"},
		{NewI96F32(8), "3"},
		{NewI96F32(1 << 40), "40"},
		{I96F32FromBits(0, 1<<31), "-1"},
	} {
		got, err := tt.x.Log2()
		if err != nil || got.String() != tt.want {
			t.Errorf("log2(%s) = %s, %v; want %s", tt.x, got, err, tt.want)
		}
	}
	for _, n := range []int64{3, 5, 7, 1000, 123456789} {
		got, err := NewI96F32(n).Log2()
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(i96f32Float(got) - math.Log2(float64(n))); d > 1e-8 {
			t.Errorf("log2(%d) = %s, off by %g", n, got, d)
		}
		if got.Floor().ToU64() != uint64(math.Floor(math.Log2(float64(n)))) {
			t.Errorf("floor(log2(%d)) = %d", n, got.Floor().ToU64())
		}
	}
	for _, x := range []I96F32{{}, NewI96F32(-1)} {
		if _, err := x.Log2(); !errors.Is(err, ErrDomain) {
			t.Errorf("log2(%s): err = %v, want ErrDomain", x, err)
		}
	}
}
